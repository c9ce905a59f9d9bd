// Degree, betweenness (Brandes 2001; exact, or estimated from k sampled source nodes) and
// closeness centrality on CSR arrays. Betweenness and closeness count hops (edge weights are not
// distances here). Normalisations follow networkx so values can be compared directly.

import { accumulateDependencies } from "./brandes.ts";
import { asCsr, type GraphLike } from "./build.ts";
import type { CsrGraph } from "./csr.ts";
import { bfsRelabel } from "./locality.ts";
import { createRng, sampleWithoutReplacement } from "./rng.ts";
import type { RankedNode } from "./types.ts";

export interface DegreeOptions {
  /** Directed graphs: "out", "in" or "total" (in + out, the default). Ignored when undirected. */
  mode?: "in" | "out" | "total";
  /** Sum link weights (strength) instead of counting distinct neighbours. Default false. */
  weighted?: boolean;
}

/**
 * Degree of each node: the number of distinct neighbours (parallel links merged, self-loops
 * ignored), or the summed weights when `weighted`. Raw counts, not networkx's degree/(n−1).
 */
export function degree(graph: GraphLike, options: DegreeOptions = {}): Float64Array {
  const g = asCsr(graph);
  const mode = g.directed ? (options.mode ?? "total") : "out";
  const out = new Float64Array(g.n);
  const add = (off: Int32Array, w: Float64Array) => {
    for (let u = 0; u < g.n; u++) {
      if (options.weighted) {
        let s = 0;
        for (let j = off[u]; j < off[u + 1]; j++) s += w[j];
        out[u] += s;
      } else out[u] += off[u + 1] - off[u];
    }
  };
  if (mode === "out" || mode === "total") add(g.offsets, g.weights);
  if (g.directed && (mode === "in" || mode === "total")) add(g.inOffsets, g.inWeights);
  return out;
}

export interface BetweennessOptions {
  /** Divide by (n−1)(n−2) as networkx's normalized=True does (default true). */
  normalized?: boolean;
  /** Sample this many source nodes (pivots). Default: exact up to `exactUpTo` nodes, else 256. */
  k?: number;
  /** Exact below or at this many nodes when `k` is not given (default 5000). */
  exactUpTo?: number;
  /** Seed for choosing the sampled sources (default 1). */
  seed?: number;
  /** Use exactly these source nodes (indices); overrides k. */
  sources?: ArrayLike<number>;
  /**
   * How a sampled run credits each (source, target) pair: "linear" (Geisberger, Sanders &
   * Schultes' linear scaling: v gets the share d(s,v)/d(s,t), the total doubled; undirected graphs
   * only) or "plain" (the whole σ-fraction, as networkx's k). Default: "linear" when sampling an
   * undirected graph, else "plain". Both estimate the same (networkx-normalised) betweenness; on
   * the 200k-node benchmark network linear scaling with 192 sources ranks the top nodes better than
   * plain sampling with 256 (see the engine README). Ignored for exact runs.
   */
  scaling?: "linear" | "plain";
}

export interface Betweenness {
  values: Float64Array;
  /** True when every node was a source. */
  exact: boolean;
  /** Number of source nodes used. */
  sources: number;
  /** How sampled pairs were credited (always "plain" when exact). */
  scaling: "linear" | "plain";
  /** Threads that did the work (betweennessParallel only; a failed worker's share falls back). */
  threads?: number;
}

export const DEFAULT_BETWEENNESS_SAMPLES = 192;
/** From this many nodes on, nodes are relabelled in BFS order first (cache locality). */
const RELABEL_MIN_NODES = 20_000;

/** What a betweenness run will do: which sources, on which arrays. Internal. */
export interface BetweennessPlan {
  g: CsrGraph;
  /** Sources in the graph's own numbering. */
  sources: Int32Array;
  /** Sources in the kernel's numbering (relabelled when perm is set). */
  kernelSources: Int32Array;
  offsets: Int32Array;
  targets: Int32Array;
  perm: Int32Array | null;
  normalized: boolean;
  /** Linear scaling (sampled, undirected). */
  linear: boolean;
}

export function planBetweenness(graph: GraphLike, options: BetweennessOptions = {}): BetweennessPlan {
  const g = asCsr(graph);
  const n = g.n;
  let sources: Int32Array;
  if (options.sources) {
    sources = Int32Array.from(options.sources);
    for (const s of sources) if (!(s >= 0 && s < n)) throw new RangeError(`source ${s} is not a node index`);
  } else {
    const exactUpTo = options.exactUpTo ?? 5000;
    const k = Math.floor(options.k ?? (n <= exactUpTo ? n : DEFAULT_BETWEENNESS_SAMPLES));
    if (k < n) sources = sampleWithoutReplacement(n, Math.max(1, k), createRng(options.seed ?? 1));
    else sources = Int32Array.from({ length: n }, (_, i) => i);
  }
  const sampled = sources.length < n;
  if (options.scaling === "linear" && g.directed)
    throw new RangeError('linear scaling needs an undirected graph; use scaling: "plain"');
  const linear = sampled && !g.directed && (options.scaling ?? "linear") === "linear";
  let offsets = g.offsets;
  let targets = g.targets;
  let perm: Int32Array | null = null;
  let kernelSources = sources;
  if (n >= RELABEL_MIN_NODES && sources.length > 1) {
    const r = bfsRelabel(n, g.offsets, g.targets, g.inOffsets, g.inTargets);
    offsets = r.offsets;
    targets = r.targets;
    perm = r.perm;
    kernelSources = sources.map((s) => r.perm[s]);
  }
  return {
    g,
    sources,
    kernelSources,
    offsets,
    targets,
    perm,
    normalized: options.normalized ?? true,
    linear,
  };
}

/** Maps raw kernel sums back to node order and scales them like networkx. Internal. */
export function finishBetweenness(plan: BetweennessPlan, raw: Float64Array): Betweenness {
  const { g, perm } = plan;
  const n = g.n;
  const count = plan.sources.length;
  const values = perm ? new Float64Array(n) : raw;
  if (perm) for (let u = 0; u < n; u++) values[u] = raw[perm[u]];
  let scale = 1;
  if (plan.normalized) scale = n > 2 ? 1 / ((n - 1) * (n - 2)) : 1;
  else if (!g.directed) scale = 0.5;
  if (count < n && count > 0) scale *= n / count;
  if (plan.linear) scale *= 2;
  if (scale !== 1) for (let v = 0; v < n; v++) values[v] *= scale;
  return { values, exact: count === n, sources: count, scaling: plan.linear ? "linear" : "plain" };
}

/**
 * Betweenness centrality c(v) = Σ_{s≠v≠t} σ(s,t|v)/σ(s,t) by Brandes' algorithm with BFS.
 * Sampled: sums the dependencies of k uniformly drawn sources and scales by n/k (an unbiased
 * estimate, as networkx's `k`; with linear scaling on undirected graphs by default, see `scaling`). Normalised like networkx betweenness_centrality(normalized=True):
 * × 1/((n−1)(n−2)) for directed and undirected graphs alike; unnormalised undirected values are
 * halved (each pair counted once). (networkx leaves out the n/k factor for unnormalised sampled
 * directed values; here it is always applied.) Runs on the calling thread; see betweennessParallel.
 */
export function betweenness(graph: GraphLike, options: BetweennessOptions = {}): Betweenness {
  const plan = planBetweenness(graph, options);
  const raw = new Float64Array(plan.g.n);
  const src = plan.kernelSources;
  accumulateDependencies(plan.g.n, plan.offsets, plan.targets, src, 0, src.length, raw, plan.linear);
  return finishBetweenness(plan, raw);
}

export interface ClosenessOptions {
  /**
   * Wasserman–Faust scaling for graphs that are not connected (networkx's wf_improved, default
   * true): (r−1)/(n−1) × (r−1)/Σd, r = nodes that can reach the node.
   */
  wfImproved?: boolean;
  /** Only these nodes (indices); the others get NaN. Default: all nodes. */
  nodes?: ArrayLike<number>;
}

/**
 * Closeness centrality as networkx's closeness_centrality: (r−1)/Σ d(v,u) over the r−1 nodes v
 * that can reach u (incoming distance for directed graphs), 0 when none can. O(n·m) for all nodes.
 */
export function closeness(graph: GraphLike, options: ClosenessOptions = {}): Float64Array {
  const g = asCsr(graph);
  const { n } = g;
  const wf = options.wfImproved ?? true;
  const off = g.inOffsets;
  const tgt = g.inTargets;
  const out = new Float64Array(n);
  if (options.nodes) out.fill(Number.NaN);
  const dist = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  const count = options.nodes ? options.nodes.length : n;
  for (let x = 0; x < count; x++) {
    const s = options.nodes ? options.nodes[x] : x;
    let head = 0;
    let tail = 0;
    let sum = 0;
    queue[tail++] = s;
    dist[s] = 0;
    while (head < tail) {
      const v = queue[head++];
      const dn = dist[v] + 1;
      for (let j = off[v], end = off[v + 1]; j < end; j++) {
        const w = tgt[j];
        if (dist[w] < 0) {
          dist[w] = dn;
          sum += dn;
          queue[tail++] = w;
        }
      }
    }
    const reached = tail - 1;
    let c = 0;
    if (sum > 0 && n > 1) {
      c = reached / sum;
      if (wf) c *= reached / (n - 1);
    }
    out[s] = c;
    for (let i = 0; i < tail; i++) dist[queue[i]] = -1;
  }
  return out;
}

/**
 * The `top` nodes by value, highest first. Values equal to 12 significant digits tie, and ties
 * keep node order (first appearance), so floating-point noise cannot reorder equal scores.
 */
export function topNodes(graph: GraphLike, values: ArrayLike<number>, top: number): RankedNode[] {
  const g = asCsr(graph);
  const want = Math.max(0, Math.floor(top));
  const keys = new Float64Array(g.n);
  for (let u = 0; u < g.n; u++)
    keys[u] = Number.isNaN(values[u]) ? Number.NaN : Number(values[u].toPrecision(12));
  const before = (a: number, b: number) => keys[a] > keys[b] || (keys[a] === keys[b] && a < b);
  // Bounded insertion: O(n) for the usual small `top`.
  const best: number[] = [];
  for (let u = 0; u < g.n && want > 0; u++) {
    if (Number.isNaN(keys[u])) continue;
    if (best.length === want && !before(u, best[want - 1])) continue;
    let i = best.length === want ? want - 1 : best.length;
    if (best.length < want) best.push(u);
    while (i > 0 && before(u, best[i - 1])) {
      best[i] = best[i - 1];
      i--;
    }
    best[i] = u;
  }
  return best.map((u) => ({ id: g.ids[u], value: values[u] }));
}
