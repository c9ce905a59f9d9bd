import { describe, expect, it } from "vitest";
import { generateNetwork } from "../../../bench/graph-gen.ts";
import { betweenness, closeness, degree, topNodes } from "./centrality.ts";
import { csrFromIndexedEdges } from "./csr.ts";
import { betweennessParallel } from "./parallel.ts";
import { byId, fromPairs, karate, networkxKarate } from "./testing.ts";

const nx = networkxKarate();

describe("betweenness on Zachary's karate club", () => {
  it("matches networkx betweenness_centrality(normalized=True) for all 34 nodes", () => {
    const g = karate();
    const r = betweenness(g);
    expect(r.exact).toBe(true);
    expect(r.sources).toBe(34);
    const got = byId(g, r.values);
    // The published headline values.
    expect(got["0"]).toBeCloseTo(0.43763528, 7);
    expect(got["33"]).toBeCloseTo(0.30407497, 7);
    expect(got["32"]).toBeCloseTo(0.14524711, 7);
    expect(got["2"]).toBeCloseTo(0.1436568, 7);
    for (const [id, value] of Object.entries(nx.betweenness)) expect(got[id]).toBeCloseTo(value, 12);
  });

  it("matches networkx on the directed version (first column → second)", () => {
    const g = karate(true);
    const got = byId(g, betweenness(g).values);
    for (const [id, value] of Object.entries(nx.betweenness_directed)) expect(got[id]).toBeCloseTo(value, 12);
    expect(got["2"]).toBeGreaterThan(0.008);
  });

  it("unnormalised values count each unordered pair once", () => {
    // Path a-b-c-d: b lies on (a,c) and (a,d); c on (a,d) and (b,d).
    const g = fromPairs(["a-b", "b-c", "c-d"]);
    expect(byId(g, betweenness(g, { normalized: false }).values)).toEqual({ a: 0, b: 2, c: 2, d: 0 });
    const d = fromPairs(["a-b", "b-c", "c-d"], { directed: true });
    expect(byId(d, betweenness(d, { normalized: false }).values)).toEqual({ a: 0, b: 2, c: 2, d: 0 });
    // Star: the centre is on all 6 pairs of leaves; normalised 6 / ((5-1)(5-2)/2) = 1.
    const star = fromPairs(["c-1", "c-2", "c-3", "c-4"]);
    expect(byId(star, betweenness(star).values).c).toBeCloseTo(1, 12);
  });

  it("sampling with k = n is exact; sampling is seeded and scaled by n/k", () => {
    const g = karate();
    const exact = betweenness(g).values;
    const all = betweenness(g, { k: 34 });
    expect(all.exact).toBe(true);
    expect(Array.from(all.values)).toEqual(Array.from(exact));
    const a = betweenness(g, { k: 10, seed: 7 });
    const b = betweenness(g, { k: 10, seed: 7 });
    const c = betweenness(g, { k: 10, seed: 8 });
    expect(a.exact).toBe(false);
    expect(a.sources).toBe(10);
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.values)).not.toEqual(Array.from(c.values));
    // Explicit sources: the sum of their dependencies × n/k, normalised.
    const s = betweenness(g, { sources: [0] }).values;
    // From node "0" (index 0) every shortest path to the far side passes through a hub; node 0 itself gets 0.
    expect(s[0]).toBe(0);
    // Averaging over every single-source estimate gives the exact value back.
    const mean = new Float64Array(g.n);
    for (let x = 0; x < g.n; x++) {
      const v = betweenness(g, { sources: [x] }).values;
      for (let i = 0; i < g.n; i++) mean[i] += v[i] / g.n;
    }
    for (let i = 0; i < g.n; i++) expect(mean[i]).toBeCloseTo(exact[i], 12);
  });

  it("defaults to exact up to exactUpTo nodes and sampled beyond", () => {
    const g = karate();
    // Over exactUpTo, the default 256 samples still cover all 34 nodes: exact.
    expect(betweenness(g, { exactUpTo: 33 })).toMatchObject({ exact: true, sources: 34 });
    expect(betweenness(g, { exactUpTo: 10, k: 5 })).toMatchObject({ exact: false, sources: 5 });
  });

  it("the relabelled (large-graph) path gives the same values as the plain path", () => {
    // A 30,000-node ring with chords crosses the relabelling threshold.
    const n = 30_000;
    const src: number[] = [];
    const dst: number[] = [];
    for (let i = 0; i < n; i++) {
      src.push(i);
      dst.push((i + 1) % n);
      if (i % 7 === 0) {
        src.push(i);
        dst.push((i * 31 + 11) % n);
      }
    }
    const g = csrFromIndexedEdges({ n, source: src, target: dst });
    const sources = [0, 5, 12_345, 29_999];
    const big = betweenness(g, { sources, scaling: "plain" }).values;
    // Check against a straightforward Brandes over the original numbering.
    const naive = naiveDependencies(g.n, g.offsets, g.targets, sources);
    const scale = (1 / ((n - 1) * (n - 2))) * (n / sources.length);
    for (let v = 0; v < n; v += 997) expect(big[v]).toBeCloseTo(naive[v] * scale, 12);
    const lin = betweenness(g, { sources });
    expect(lin.scaling).toBe("linear");
    const naiveLin = naiveDependencies(g.n, g.offsets, g.targets, sources, true);
    for (let v = 0; v < n; v += 997) expect(lin.values[v]).toBeCloseTo(2 * naiveLin[v] * scale, 12);
  });

  it("linear scaling credits each pair by distance share, and is unbiased", () => {
    const g = karate();
    const n = g.n;
    // All-pairs hop distances and path counts by BFS from every node.
    const dist: number[][] = [];
    const sigma: number[][] = [];
    for (let s = 0; s < n; s++) {
      const d = new Array<number>(n).fill(-1);
      const c = new Array<number>(n).fill(0);
      d[s] = 0;
      c[s] = 1;
      const q = [s];
      for (let h = 0; h < q.length; h++) {
        const v = q[h];
        for (let j = g.offsets[v]; j < g.offsets[v + 1]; j++) {
          const w = g.targets[j];
          if (d[w] < 0) {
            d[w] = d[v] + 1;
            q.push(w);
          }
          if (d[w] === d[v] + 1) c[w] += c[v];
        }
      }
      dist.push(d);
      sigma.push(c);
    }
    // Brute force from the definition for sources 0 and 5: v on an s–t shortest path gets
    // σ(s,v)σ(v,t)/σ(s,t) × d(s,v)/d(s,t); the estimate is 2 × n/k × Σ, normalised.
    const sources = [0, 5];
    const brute = new Float64Array(n);
    for (const s of sources)
      for (let t = 0; t < n; t++)
        for (let v = 0; v < n; v++) {
          if (v === s || v === t || t === s) continue;
          if (dist[s][v] + dist[v][t] !== dist[s][t]) continue;
          brute[v] += ((sigma[s][v] * sigma[v][t]) / sigma[s][t]) * (dist[s][v] / dist[s][t]);
        }
    const got = betweenness(g, { sources, scaling: "linear" });
    const scale = ((2 * n) / sources.length) * (1 / ((n - 1) * (n - 2)));
    for (let v = 0; v < n; v++) expect(got.values[v]).toBeCloseTo(brute[v] * scale, 12);
    // Averaging every single-source linear estimate gives the exact values back.
    const exact = betweenness(g).values;
    const mean = new Float64Array(n);
    for (let x = 0; x < n; x++) {
      const v = betweenness(g, { sources: [x] }).values;
      for (let i = 0; i < n; i++) mean[i] += v[i] / n;
    }
    for (let i = 0; i < n; i++) expect(mean[i]).toBeCloseTo(exact[i], 12);
    // Directed graphs lack the symmetry it relies on.
    expect(() => betweenness(karate(true), { k: 5, scaling: "linear" })).toThrow(/undirected/);
    expect(betweenness(karate(true), { k: 5 }).scaling).toBe("plain");
  });

  it("linear scaling ranks brokers better than plain sampling with the same sources", () => {
    // A 3,000-node network from the benchmark's generator (communities, hubs, closure) with its
    // exact betweenness; five seeds of 48 sources each way.
    const net = generateNetwork({ nodes: 3000, edges: 9000, seed: 5 });
    const g = csrFromIndexedEdges({ n: net.n, source: net.source, target: net.target });
    const exact = betweenness(g).values;
    const top = (v: Float64Array) =>
      Array.from(v.keys())
        .sort((a, b) => v[b] - v[a])
        .slice(0, 20);
    const truth = top(exact);
    const score = (scaling: "linear" | "plain") => {
      let err = 0;
      let hits = 0;
      for (let seed = 1; seed <= 5; seed++) {
        const est = betweenness(g, { k: 48, seed, scaling }).values;
        for (const u of truth) err += Math.abs(est[u] - exact[u]) / exact[u];
        hits += top(est).filter((u) => truth.includes(u)).length;
      }
      return { err: err / 100, hits: hits / 5 };
    };
    const plain = score("plain");
    const linear = score("linear");
    expect(linear.err).toBeLessThan(plain.err);
    expect(linear.hits).toBeGreaterThanOrEqual(plain.hits);
  });

  it("runs in worker threads with the same result", async () => {
    const g = karate();
    const seq = betweenness(g).values;
    const par = await betweennessParallel(g, { threads: 2, minWork: 0 });
    expect(par.exact).toBe(true);
    expect(par.threads).toBe(2); // the worker really ran its share
    expect((await betweennessParallel(g, { threads: 2 })).threads).toBe(1); // too little work to split
    for (let i = 0; i < g.n; i++) expect(par.values[i]).toBeCloseTo(seq[i], 14);
  });
});

/** σ-counting BFS from each source, then δ by summing over targets (O(n²) per source; test only). */
function naiveDependencies(
  n: number,
  off: Int32Array,
  tgt: Int32Array,
  sources: number[],
  linear = false,
): Float64Array {
  const out = new Float64Array(n);
  for (const s of sources) {
    const dist = new Int32Array(n).fill(-1);
    const sigma = new Float64Array(n);
    const order: number[] = [s];
    dist[s] = 0;
    sigma[s] = 1;
    for (let h = 0; h < order.length; h++) {
      const v = order[h];
      for (let j = off[v]; j < off[v + 1]; j++) {
        const w = tgt[j];
        if (dist[w] < 0) {
          dist[w] = dist[v] + 1;
          order.push(w);
        }
        if (dist[w] === dist[v] + 1) sigma[w] += sigma[v];
      }
    }
    // δ_s(v) = Σ_w σ_sv/σ_sw (1 + δ_s(w)) over successors, in reverse order.
    const delta = new Float64Array(n);
    for (let h = order.length - 1; h >= 0; h--) {
      const v = order[h];
      for (let j = off[v]; j < off[v + 1]; j++) {
        const w = tgt[j];
        // Linear scaling: a target w counts 1/d(w); v keeps d(v) of the sum.
        if (dist[w] === dist[v] + 1)
          delta[v] += (sigma[v] / sigma[w]) * ((linear ? 1 / dist[w] : 1) + delta[w]);
      }
      if (v !== s) out[v] += linear ? dist[v] * delta[v] : delta[v];
    }
  }
  return out;
}

describe("closeness", () => {
  it("matches networkx closeness_centrality on karate, undirected and directed", () => {
    const g = karate();
    const got = byId(g, closeness(g));
    for (const [id, value] of Object.entries(nx.closeness)) expect(got[id]).toBeCloseTo(value, 12);
    expect(got["0"]).toBeCloseTo(0.5689655172, 9);
    const d = karate(true);
    const gotD = byId(d, closeness(d));
    for (const [id, value] of Object.entries(nx.closeness_directed)) expect(gotD[id]).toBeCloseTo(value, 12);
  });

  it("uses the Wasserman–Faust scaling on disconnected graphs, and can skip it", () => {
    // Path a-b-c plus an isolated pair d-e (n = 5). For b: r-1 = 2, Σd = 2 → 1 × 2/4 = 0.5.
    const g = fromPairs(["a-b", "b-c", "d-e"]);
    expect(byId(g, closeness(g)).b).toBeCloseTo(0.5, 12);
    expect(byId(g, closeness(g, { wfImproved: false })).b).toBeCloseTo(1, 12);
    // An isolated node has closeness 0.
    const iso = fromPairs(["a-b"], { nodes: ["z"] });
    expect(byId(iso, closeness(iso)).z).toBe(0);
  });

  it("computes only the requested nodes", () => {
    const g = karate();
    const c = closeness(g, { nodes: [0] });
    expect(c[0]).toBeCloseTo(0.5689655172, 9);
    expect(Number.isNaN(c[1])).toBe(true);
  });
});

describe("degree and top lists", () => {
  it("counts distinct neighbours (raw degree), in/out/total when directed, or strength", () => {
    const g = karate();
    const d = byId(g, degree(g));
    expect(d["33"]).toBe(17);
    expect(d["0"]).toBe(16);
    const dir = fromPairs(["a-b", "a-c", "c-a", "b-c"], { directed: true });
    expect(byId(dir, degree(dir, { mode: "out" }))).toEqual({ a: 2, b: 1, c: 1 });
    expect(byId(dir, degree(dir, { mode: "in" }))).toEqual({ a: 1, b: 1, c: 2 });
    expect(byId(dir, degree(dir))).toEqual({ a: 3, b: 2, c: 3 });
    const w = fromPairs(["a-b-2", "a-b-3", "b-c-0.5"]);
    expect(byId(w, degree(w, { weighted: true }))).toEqual({ a: 5, b: 5.5, c: 0.5 });
    expect(byId(w, degree(w))).toEqual({ a: 1, b: 2, c: 1 });
  });

  it("ranks highest first, ties in node order, ignoring rounding noise", () => {
    const g = fromPairs(["a-b", "c-d", "e-f"]);
    const values = [1, 3, 3 + 1e-15, 2, 3, 0];
    expect(topNodes(g, values, 4).map((r) => r.id)).toEqual(["b", "c", "e", "d"]);
    expect(topNodes(g, values, 0)).toEqual([]);
    expect(topNodes(g, values, 100)).toHaveLength(6);
    const k = karate();
    expect(topNodes(k, betweenness(k).values, 5).map((r) => r.id)).toEqual(["0", "33", "32", "2", "31"]);
  });
});
