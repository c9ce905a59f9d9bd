// `npm run bench betweenness-accuracy`: how well sampled betweenness ranks the top nodes of the
// graph benchmark's 200k/600k network, plain source sampling (networkx's k) against linear
// scaling (the engine's default on undirected graphs), for several sample sizes, five seeds each.
// The reference is the mean of a plain and a linear run with REF_K sources each (independent
// seeds; exact betweenness on 200k nodes would take about an hour on two cores).
//
// Environment: ACCURACY_N (nodes, default 200000; links 3×), ACCURACY_REF_K (default 4096),
// ACCURACY_KS (default "128,192,256"), ACCURACY_SEEDS (default 5).
import { availableParallelism } from "node:os";
import {
  type BetweennessOptions,
  betweennessParallel,
  csrFromIndexedEdges,
} from "../src/engines/graph/index.ts";
import { generateNetwork } from "./graph-gen.ts";

const N = Number(process.env.ACCURACY_N ?? 200_000);
const REF_K = Number(process.env.ACCURACY_REF_K ?? 4096);
const KS = (process.env.ACCURACY_KS ?? "128,192,256").split(",").map(Number);
const SEEDS = Number(process.env.ACCURACY_SEEDS ?? 5);

const net = generateNetwork({ nodes: N, edges: 3 * N, seed: 42 });
const g = csrFromIndexedEdges({ n: net.n, source: net.source, target: net.target });
console.log(
  `graph: ${g.n} nodes, ${g.m} links (graph bench generator, seed 42); ${availableParallelism()} threads`,
);

async function run(options: BetweennessOptions): Promise<{ values: Float64Array; seconds: number }> {
  const t = performance.now();
  const r = await betweennessParallel(g, options);
  return { values: r.values, seconds: (performance.now() - t) / 1000 };
}
const ranked = (v: Float64Array, top: number) =>
  Array.from(v.keys())
    .sort((a, b) => v[b] - v[a] || a - b)
    .slice(0, top);
const overlap = (a: number[], b: number[]) => {
  const set = new Set(b);
  return a.filter((x) => set.has(x)).length;
};

const t0 = performance.now();
const refPlain = await run({ k: REF_K, seed: 7_777, scaling: "plain" });
const refLinear = await run({ k: REF_K, seed: 7_778, scaling: "linear" });
const ref = new Float64Array(g.n);
for (let i = 0; i < g.n; i++) ref[i] = (refPlain.values[i] + refLinear.values[i]) / 2;
console.log(
  `reference: plain k=${REF_K} + linear k=${REF_K}, averaged, in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
    `the two halves agree on ${overlap(ranked(refPlain.values, 10), ranked(refLinear.values, 10))}/10 of the top 10 ` +
    `and ${overlap(ranked(refPlain.values, 20), ranked(refLinear.values, 20))}/20 of the top 20`,
);
const r10 = ranked(ref, 10);
const r20 = ranked(ref, 20);
const r50 = ranked(ref, 50);

console.log("\n  sources  scaling  top 10 found  top 20 found  top 50 found  mean error on top 50  time (s)");
for (const k of KS) {
  for (const scaling of ["plain", "linear"] as const) {
    let s10 = 0;
    let s20 = 0;
    let s50 = 0;
    let err = 0;
    let secs = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { values, seconds } = await run({ k, seed, scaling });
      const top = ranked(values, 50);
      s10 += overlap(top.slice(0, 10), r10);
      s20 += overlap(top.slice(0, 20), r20);
      s50 += overlap(top, r50);
      for (const u of r50) err += Math.abs(values[u] - ref[u]) / ref[u] / 50;
      secs += seconds;
    }
    console.log(
      `  ${String(k).padStart(7)}  ${scaling.padEnd(7)}  ${(s10 / SEEDS).toFixed(1).padStart(12)}  ${(
        s20 / SEEDS
      )
        .toFixed(1)
        .padStart(
          12,
        )}  ${(s50 / SEEDS).toFixed(1).padStart(12)}  ${`${((100 * err) / SEEDS).toFixed(1)}%`.padStart(
        20,
      )}  ${(secs / SEEDS).toFixed(2).padStart(8)}`,
    );
  }
}
