// `npm run bench graph`: the graph engine on a seeded synthetic network of 200,000 nodes and
// 600,000 links (planted communities, heavy-tailed activity, triadic closure), timing the four
// computations of `lantern graph stats` — connected components, Louvain, degree, sampled
// betweenness — then the same graph through python-igraph and networkx, with ratios.
//
// Environment: GRAPH_BENCH_K (betweenness sources, default the engine's 192; linear scaling), GRAPH_BENCH_NX_SOURCES (sources
// networkx actually runs before extrapolating, default 16), GRAPH_BENCH_NX_LOUVAIN_TIMEOUT
// (seconds, default 900), GRAPH_BENCH_NX_SMALL_SOURCES (networkx sources on the 10k graph before
// extrapolating, default 200), GRAPH_BENCH_PEERS=0 to skip the Python peers.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UndirectedGraph } from "graphology";
import { countConnectedComponents } from "graphology-components";
import { accumulateDependencies } from "../src/engines/graph/brandes.ts";
import { planBetweenness } from "../src/engines/graph/centrality.ts";
import {
  betweenness,
  betweennessParallel,
  connectedComponents,
  csrFromIndexedEdges,
  DEFAULT_BETWEENNESS_SAMPLES,
  degree,
  louvain,
  topNodes,
} from "../src/engines/graph/index.ts";
import { createRng } from "../src/engines/graph/rng.ts";
import { generateNetwork } from "./graph-gen.ts";

// CommonJS module whose typings declare a default export.
const graphologyLouvain = createRequire(import.meta.url)(
  "graphology-communities-louvain",
) as typeof import("graphology-communities-louvain").default;

const here = dirname(fileURLToPath(import.meta.url));
const N = 200_000;
const M = 600_000;
const K = Number(process.env.GRAPH_BENCH_K ?? DEFAULT_BETWEENNESS_SAMPLES);
const NX_SOURCES = Number(process.env.GRAPH_BENCH_NX_SOURCES ?? 16);
const NX_LOUVAIN_TIMEOUT = Number(process.env.GRAPH_BENCH_NX_LOUVAIN_TIMEOUT ?? 900);
const NX_SMALL_SOURCES = Number(process.env.GRAPH_BENCH_NX_SMALL_SOURCES ?? 200);
const TARGET_S = 5;
const SEED = 1;

const fmt = (s: number | null | undefined) =>
  s == null ? "—" : s < 10 ? `${s.toFixed(3)} s` : `${s.toFixed(1)} s`;
const ratio = (a: number, b: number | null | undefined) =>
  b == null || b === 0 ? "—" : `${(a / b).toFixed(2)}×`;
/** CPU seconds (all threads of this process) of the last timed call. */
let lastCpu = 0;
function time<T>(fn: () => T): [T, number] {
  const c = process.cpuUsage();
  const t = performance.now();
  const v = fn();
  const d = process.cpuUsage(c);
  lastCpu = (d.user + d.system) / 1e6;
  return [v, (performance.now() - t) / 1000];
}
async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const c = process.cpuUsage();
  const t = performance.now();
  const v = await fn();
  const d = process.cpuUsage(c);
  lastCpu = (d.user + d.system) / 1e6;
  return [v, (performance.now() - t) / 1000];
}

console.log(
  `machine: ${availableParallelism()} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, Node ${process.version}`,
);

// ---- the graph ---------------------------------------------------------------------------
const [net, tGen] = time(() => generateNetwork({ nodes: N, edges: M, seed: 42 }));
const [g, tCsr] = time(() => csrFromIndexedEdges({ n: net.n, source: net.source, target: net.target }));
const deg = degree(g);
const sortedDeg = Float64Array.from(deg).sort();
const pct = (p: number) => sortedDeg[Math.min(N - 1, Math.floor(p * N))];
let triangles = 0;
let wedges = 0;
{
  // Average local clustering on every 40th node (5,000 nodes).
  const mark = new Int32Array(N).fill(-1);
  let sum = 0;
  let count = 0;
  for (let u = 0; u < N; u += 40) {
    const d = g.offsets[u + 1] - g.offsets[u];
    if (d < 2) continue;
    for (let j = g.offsets[u]; j < g.offsets[u + 1]; j++) mark[g.targets[j]] = u;
    let t = 0;
    for (let j = g.offsets[u]; j < g.offsets[u + 1]; j++) {
      const v = g.targets[j];
      for (let x = g.offsets[v]; x < g.offsets[v + 1]; x++) if (mark[g.targets[x]] === u) t++;
    }
    triangles += t / 2;
    wedges += (d * (d - 1)) / 2;
    sum += t / 2 / ((d * (d - 1)) / 2);
    count++;
  }
  const meanDeg = (2 * M) / N;
  console.log(
    `graph: ${N} nodes, ${g.m} links (seeded, generated in ${fmt(tGen)}, CSR built in ${fmt(tCsr)}); ` +
      `degree mean ${meanDeg.toFixed(1)}, median ${pct(0.5)}, p99 ${pct(0.99)}, max ${sortedDeg[N - 1]}; ` +
      `average clustering ${(sum / count).toFixed(3)} and transitivity ${(triangles / wedges).toFixed(3)} on a 5,000-node sample (a random graph of this density: ~${(meanDeg / N).toExponential(1)}); ` +
      `${new Set(net.community).size} planted communities`,
  );
}

// ---- Lantern -----------------------------------------------------------------------------
/** Lantern's figures per step: wall-clock and CPU seconds (CPU summed over threads). */
const cpu: Record<string, number> = {};
const [comps, tComponents] = time(() => connectedComponents(g));
cpu.components = lastCpu;
const [comms, tLouvain] = time(() => louvain(g, { seed: SEED }));
cpu.louvain = lastCpu;
const [degrees, tDegree] = time(() => degree(g));
cpu.degree = lastCpu;
const [bc, tBetweenness] = await timeAsync(() => betweennessParallel(g, { k: K, seed: SEED }));
cpu.betweenness = lastCpu;
const cpuBetweenness = lastCpu;
const total = tComponents + tLouvain + tDegree + tBetweenness;
const [, tBetweenness1] = time(() => betweenness(g, { k: K, seed: SEED }));
// python-igraph 0.10.2 has no sampled betweenness, so exact betweenness is compared on a smaller
// graph from the same generator.
const SMALL_N = 10_000;
const SMALL_M = 30_000;
const small = generateNetwork({ nodes: SMALL_N, edges: SMALL_M, seed: 7 });
const gSmall = csrFromIndexedEdges({ n: small.n, source: small.source, target: small.target });
const [bcSmall, tExactSmall] = await timeAsync(() => betweennessParallel(gSmall, { k: SMALL_N }));
cpu.exactSmall = lastCpu;

console.log(`\nLantern (TypeScript on CSR typed arrays; betweenness on ${availableParallelism()} threads):`);
console.log(
  `  components        ${fmt(tComponents).padStart(9)}  ${comps.count} components, largest ${comps.largest}`,
);
console.log(
  `  Louvain           ${fmt(tLouvain).padStart(9)}  ${comms.count} communities, modularity ${comms.modularity.toFixed(4)} (${comms.levels} levels)`,
);
console.log(
  `  degree            ${fmt(tDegree).padStart(9)}  top ${topNodes(g, degrees, 3)
    .map((t) => `${t.id}:${t.value}`)
    .join(" ")}`,
);
console.log(
  `  betweenness k=${K}  ${fmt(tBetweenness).padStart(9)}  top ${topNodes(g, bc.values, 3)
    .map((t) => `${t.id}:${t.value.toFixed(5)}`)
    .join(
      " ",
    )} (${bc.scaling} scaling; CPU ${fmt(cpuBetweenness)} on ${bc.threads} threads; on 1 thread: ${fmt(tBetweenness1)})`,
);
console.log(
  `  TOTAL             ${fmt(total).padStart(9)}  target ≤ ${TARGET_S} s: ${total <= TARGET_S ? "met" : "NOT MET"}`,
);
console.log(
  `  exact betweenness on a ${SMALL_N}-node / ${SMALL_M}-link graph (same generator): ${fmt(tExactSmall)} (${bcSmall.sources} sources)`,
);

{
  const { maxRSS } = process.resourceUsage();
  console.log(`  peak RSS so far (generator + Lantern): ${(maxRSS / 1024).toFixed(0)} MB`);
  console.log(
    `  load average after Lantern's runs: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (other work on this 2-core machine slows every figure, peers' too)`,
  );
}

// ---- graphology's own implementations, for reference (why the engine runs on CSR) ----------
{
  const [gg, tBuild] = time(() => {
    const x = new UndirectedGraph();
    for (let i = 0; i < N; i++) x.addNode(String(i));
    for (let e = 0; e < M; e++) x.addEdge(String(net.source[e]), String(net.target[e]));
    return x;
  });
  const [count, tComp] = time(() => countConnectedComponents(gg));
  const rng = createRng(SEED);
  const [det, tLv] = time(() => graphologyLouvain.detailed(gg, { rng: () => rng.next() }));
  console.log(
    `  graphology (reference): build ${fmt(tBuild)}, graphology-components ${fmt(tComp)} (${count}), ` +
      `graphology-communities-louvain ${fmt(tLv)} (${det.count} communities, modularity ${det.modularity.toFixed(4)}); ` +
      `graphology-metrics betweenness is exact only (no source sampling)`,
  );
}

// ---- end to end through the CLI (CSV parsing included) -------------------------------------
const work = mkdtempSync(join(tmpdir(), "lantern-graph-bench-"));
try {
  const csv = join(work, "edges.csv");
  const lines: string[] = ["source,target"];
  for (let e = 0; e < M; e++) lines.push(`${net.source[e]},${net.target[e]}`);
  writeFileSync(csv, `${lines.join("\n")}\n`);
  const t = performance.now();
  const cli = spawnSync(
    process.execPath,
    [
      join(here, "..", "bin", "lantern.js"),
      "graph",
      "stats",
      "--edges",
      csv,
      "--format",
      "json",
      "--samples",
      String(K),
    ],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  const tCli = (performance.now() - t) / 1000;
  if (cli.status === 0) {
    const s = JSON.parse(cli.stdout);
    console.log(
      `  CLI end to end    ${fmt(tCli).padStart(9)}  lantern graph stats --edges <600k-line CSV> --format json ` +
        `(process start, CSV parse, all four; ${s.nodes} nodes in the file, as isolated nodes have no line)`,
    );
  } else console.log(`  CLI end to end failed: ${cli.stderr.trim()}`);

  // ---- peers -----------------------------------------------------------------------------
  if (process.env.GRAPH_BENCH_PEERS === "0") {
    console.log("\npeers skipped (GRAPH_BENCH_PEERS=0)");
  } else {
    await peers(work);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

interface PeerProbe {
  exe: string;
  igraph: boolean;
  networkx: boolean;
}

function probe(): PeerProbe | null {
  let best: PeerProbe | null = null;
  for (const exe of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(
      exe,
      [
        "-c",
        "import importlib.util as u; print(int(u.find_spec('igraph') is not None), int(u.find_spec('networkx') is not None))",
      ],
      { encoding: "utf8" },
    );
    if (r.status !== 0) continue;
    const [ig, nx] = r.stdout.trim().split(" ").map(Number);
    const p = { exe, igraph: ig === 1, networkx: nx === 1 };
    if (!best || Number(p.igraph) + Number(p.networkx) > Number(best.igraph) + Number(best.networkx))
      best = p;
  }
  return best;
}

function findPython(): PeerProbe | null {
  let p = probe();
  if (p?.igraph && p.networkx) return p;
  console.log(
    "\npython3-igraph / python3-networkx missing: installing with apt-get install -y python3-igraph python3-networkx",
  );
  const install = () =>
    spawnSync("apt-get", ["install", "-y", "python3-igraph", "python3-networkx"], {
      stdio: ["ignore", "ignore", "inherit"],
      timeout: 900_000,
    }).status === 0;
  if (!install()) {
    spawnSync("apt-get", ["update"], { stdio: ["ignore", "ignore", "inherit"], timeout: 600_000 });
    install();
  }
  p = probe();
  return p;
}

interface PeerResult {
  version: string;
  components_cpu: number;
  louvain_cpu: number | null;
  degree_cpu: number;
  betweenness_cpu?: number;
  build_s: number;
  components_s: number;
  components: number;
  largest_component: number;
  louvain_s: number | null;
  louvain_note?: string;
  communities?: number;
  modularity?: number;
  degree_s: number;
  top_degree: [number, number][];
  betweenness_note?: string;
  exact_small?: {
    exact_s: number;
    exact_cpu: number;
    measured_s?: number;
    sources_run?: number;
    extrapolated?: boolean;
    top: [number, number][];
  };
  betweenness_s?: number;
  betweenness_s_measured?: number;
  betweenness_sources_run?: number;
  betweenness_extrapolated?: boolean;
  raw_dependencies_top?: [number, number][];
}

async function peers(dir: string): Promise<void> {
  const py = findPython();
  const have = { igraph: py?.igraph ?? false, networkx: py?.networkx ?? false };
  if (!py || (!have.igraph && !have.networkx)) {
    console.log("\npeers SKIPPED: neither python-igraph nor networkx could be imported or installed");
    return;
  }
  if (!have.igraph) console.log("\nigraph SKIPPED: python3-igraph could not be imported or installed");
  if (!have.networkx) console.log("\nnetworkx SKIPPED: python3-networkx could not be imported or installed");
  const edgesFile = join(dir, "edges.txt");
  const sourcesFile = join(dir, "sources.txt");
  const body: string[] = [`${N} ${M}`];
  for (let e = 0; e < M; e++) body.push(`${net.source[e]} ${net.target[e]}`);
  writeFileSync(edgesFile, `${body.join("\n")}\n`);
  const smallFile = join(dir, "small.txt");
  const smallBody: string[] = [`${SMALL_N} ${SMALL_M}`];
  for (let e = 0; e < SMALL_M; e++) smallBody.push(`${small.source[e]} ${small.target[e]}`);
  writeFileSync(smallFile, `${smallBody.join("\n")}\n`);
  const plan = planBetweenness(g, { k: K, seed: SEED });
  writeFileSync(sourcesFile, `${Array.from(plan.sources).join("\n")}\n`);
  const list = [have.igraph && "igraph", have.networkx && "networkx"].filter(Boolean).join(",");
  console.log(
    `\npeers (${py.exe}; ${list}), same graph, same ${K} betweenness sources; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}:`,
  );
  const r = spawnSync(
    py.exe,
    [
      join(here, "graph-peers.py"),
      edgesFile,
      sourcesFile,
      "--peers",
      list,
      "--nx-sources",
      String(NX_SOURCES),
      "--nx-louvain-timeout",
      String(NX_LOUVAIN_TIMEOUT),
      "--small",
      smallFile,
      "--nx-small-sources",
      String(NX_SMALL_SOURCES),
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24, timeout: 3_600_000 },
  );
  if (r.status !== 0) {
    console.log(`peers FAILED (exit ${r.status})`);
    return;
  }
  const out = JSON.parse(r.stdout) as { igraph?: PeerResult; networkx?: PeerResult };
  const ig = out.igraph;
  const nx = out.networkx;
  const row = (name: string, ours: number, a: number | null | undefined, b: number | null | undefined) =>
    console.log(
      `  ${name.padEnd(26)}${fmt(ours).padStart(10)}${fmt(a).padStart(11)}${ratio(ours, a).padStart(9)}${fmt(b).padStart(11)}${ratio(ours, b).padStart(9)}`,
    );
  const head = (title: string) =>
    console.log(
      `  ${title.padEnd(26)}${"Lantern".padStart(10)}${"igraph".padStart(11)}${"L/ig".padStart(9)}${"networkx".padStart(11)}${"L/nx".padStart(9)}`,
    );
  const sum = (xs: (number | null | undefined)[]) =>
    xs.some((x) => x == null) ? null : xs.reduce<number>((a, x) => a + (x ?? 0), 0);
  const igs = ig?.exact_small;
  const nxs = nx?.exact_small;
  for (const unit of ["wall", "cpu"] as const) {
    const w = unit === "wall";
    const L = w
      ? {
          components: tComponents,
          louvain: tLouvain,
          degree: tDegree,
          betweenness: tBetweenness,
          exactSmall: tExactSmall,
        }
      : cpu;
    const I = ig && {
      components: w ? ig.components_s : ig.components_cpu,
      louvain: w ? ig.louvain_s : ig.louvain_cpu,
      degree: w ? ig.degree_s : ig.degree_cpu,
      exactSmall: igs && (w ? igs.exact_s : igs.exact_cpu),
    };
    const X = nx && {
      components: w ? nx.components_s : nx.components_cpu,
      louvain: w ? nx.louvain_s : nx.louvain_cpu,
      degree: w ? nx.degree_s : nx.degree_cpu,
      betweenness: w ? nx.betweenness_s : nx.betweenness_cpu,
      exactSmall: nxs && (w ? nxs.exact_s : nxs.exact_cpu),
    };
    console.log("");
    head(w ? "wall-clock seconds" : "CPU seconds (all threads)");
    row("components", L.components, I?.components, X?.components);
    row("Louvain", L.louvain, I?.louvain, X?.louvain);
    row("degree", L.degree, I?.degree, X?.degree);
    row(`betweenness k=${K}`, L.betweenness, null, X?.betweenness); // igraph: not available
    row(
      "total",
      L.components + L.louvain + L.degree + L.betweenness,
      null,
      X ? sum([X.components, X.louvain, X.degree, X.betweenness]) : null,
    );
    row(
      "total without betweenness",
      L.components + L.louvain + L.degree,
      I ? sum([I.components, I.louvain, I.degree]) : null,
      X ? sum([X.components, X.louvain, X.degree]) : null,
    );
    row(`exact betweenness ${SMALL_N / 1000}k`, L.exactSmall, I?.exactSmall, X?.exactSmall);
  }
  console.log(
    `  (ratios are Lantern / peer: below 1 means Lantern is faster. "exact betweenness ${SMALL_N / 1000}k": all ${SMALL_N} sources on a ` +
      `${SMALL_N}-node / ${SMALL_M}-link graph from the same generator, since python-igraph cannot sample sources. ` +
      `CPU time is less disturbed by other work on the machine; Lantern's betweenness CPU is summed over its threads.)`,
  );
  if (nxs?.extrapolated)
    console.log(
      `  networkx: ran ${nxs.sources_run} of ${SMALL_N} sources in ${fmt(nxs.measured_s)}, extrapolated linearly to all ${SMALL_N}`,
    );
  if (igs) {
    let worst = 0;
    for (const [node, value] of igs.top)
      worst = Math.max(worst, Math.abs(bcSmall.values[node] - value) / value);
    console.log(
      `  check: Lantern's exact values match igraph's top 10 to ${worst.toExponential(1)} relative`,
    );
  }
  if (ig) {
    console.log(
      `  igraph ${ig.version}: graph built in ${fmt(ig.build_s)}; ${ig.components} components (largest ${ig.largest_component}); ` +
        `multilevel ${ig.communities} communities, modularity ${ig.modularity?.toFixed(4)}`,
    );
    console.log(
      `  igraph betweenness: ${ig.betweenness_note} (Graph.betweenness takes no sources), hence the exact comparison above`,
    );
  }
  if (nx) {
    console.log(
      `  networkx ${nx.version}: graph built in ${fmt(nx.build_s)}; ${nx.components} components (largest ${nx.largest_component}); ` +
        (nx.louvain_s != null
          ? `louvain_communities ${nx.communities} communities, modularity ${nx.modularity?.toFixed(4)}`
          : `louvain_communities ${nx.louvain_note}`),
    );
    if (nx.betweenness_extrapolated)
      console.log(
        `  networkx betweenness: ran ${nx.betweenness_sources_run} of the ${K} sources in ${fmt(nx.betweenness_s_measured)}; ` +
          `the ${K}-source time is extrapolated linearly (${fmt(nx.betweenness_s)}), as networkx's k-sampled betweenness is one BFS + accumulation per source`,
      );
    // Cross-check values: Lantern's raw dependency sums over the same sources networkx ran.
    if (nx.raw_dependencies_top) {
      const ran = plan.sources.subarray(0, nx.betweenness_sources_run);
      const raw = new Float64Array(N);
      accumulateDependencies(N, g.offsets, g.targets, ran, 0, ran.length, raw);
      let worst = 0;
      for (const [node, value] of nx.raw_dependencies_top)
        worst = Math.max(worst, Math.abs(raw[node] - value) / value);
      console.log(
        `  check: Lantern's dependency sums over those ${ran.length} sources match networkx's top 10 to ${worst.toExponential(1)} relative`,
      );
    }
  }
  const same = (p?: PeerResult) =>
    !p || (p.components === comps.count && p.largest_component === comps.largest);
  console.log(
    `  check: component count and largest component agree with the peers: ${same(ig) && same(nx) ? "yes" : "NO"}`,
  );
}
