// Compressed sparse row (CSR) graph on typed arrays: the representation every algorithm in this
// engine runs on. Nodes are 0..n-1 (ids[i] is the caller's id). Parallel edges are merged (their
// weights summed) and self-loops dropped, so the CSR is a simple graph; both counts are kept.
// Undirected graphs store each edge in both rows; directed graphs keep out- and in-rows.

export interface CsrGraph {
  readonly kind: "csr";
  readonly directed: boolean;
  /** Number of nodes. */
  readonly n: number;
  /** Number of distinct edges (unordered pairs, or arcs when directed), self-loops excluded. */
  readonly m: number;
  readonly ids: readonly string[];
  /** Out-neighbours (all neighbours when undirected) of u: targets[offsets[u] .. offsets[u+1]). */
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  readonly weights: Float64Array;
  /** In-neighbours; the same arrays as the out-rows when undirected. */
  readonly inOffsets: Int32Array;
  readonly inTargets: Int32Array;
  readonly inWeights: Float64Array;
  /** Self-loops dropped while building. */
  readonly selfLoops: number;
  /** Repeated edges merged into an earlier one while building. */
  readonly mergedDuplicates: number;
}

export interface IndexedEdges {
  /** Number of nodes; endpoints must be in [0, n). */
  n: number;
  source: ArrayLike<number>;
  target: ArrayLike<number>;
  /** Weights (default 1 each). */
  weight?: ArrayLike<number>;
  /** Number of edges to read (default source.length). */
  count?: number;
  /** Node ids (default "0".."n-1"). */
  ids?: readonly string[];
  directed?: boolean;
}

/** Builds a CSR graph from edge arrays over node indices. O(n + m). */
export function csrFromIndexedEdges(input: IndexedEdges): CsrGraph {
  const { n, source, target, weight } = input;
  const directed = input.directed ?? false;
  const count = input.count ?? source.length;
  const ids = input.ids ?? Array.from({ length: n }, (_, i) => String(i));
  if (ids.length !== n) throw new RangeError(`ids has ${ids.length} entries for ${n} nodes`);

  const deg = new Int32Array(n + 1);
  let selfLoops = 0;
  for (let e = 0; e < count; e++) {
    const s = source[e];
    const t = target[e];
    if (!(s >= 0 && s < n && t >= 0 && t < n))
      throw new RangeError(`edge ${e} has an endpoint outside 0..${n - 1}`);
    if (s === t) {
      selfLoops++;
      continue;
    }
    deg[s + 1]++;
    if (!directed) deg[t + 1]++;
  }
  for (let i = 0; i < n; i++) deg[i + 1] += deg[i];
  const total = deg[n];
  const tgt = new Int32Array(total);
  const wts = new Float64Array(total);
  const pos = deg.slice(0, n);
  for (let e = 0; e < count; e++) {
    const s = source[e];
    const t = target[e];
    if (s === t) continue;
    const w = weight ? weight[e] : 1;
    let p = pos[s]++;
    tgt[p] = t;
    wts[p] = w;
    if (!directed) {
      p = pos[t]++;
      tgt[p] = s;
      wts[p] = w;
    }
  }
  // Merge repeated neighbours row by row, compacting in place (write pointer never passes read).
  const mark = new Int32Array(n).fill(-1);
  const slot = new Int32Array(n);
  const offsets = new Int32Array(n + 1);
  let p = 0;
  let merged = 0;
  for (let u = 0; u < n; u++) {
    for (let j = deg[u], end = deg[u + 1]; j < end; j++) {
      const v = tgt[j];
      if (mark[v] === u) {
        wts[slot[v]] += wts[j];
        merged++;
      } else {
        mark[v] = u;
        slot[v] = p;
        tgt[p] = v;
        wts[p] = wts[j];
        p++;
      }
    }
    offsets[u + 1] = p;
  }
  const targets = tgt.slice(0, p);
  const weights = wts.slice(0, p);
  if (!directed) {
    return {
      kind: "csr",
      directed,
      n,
      m: p / 2,
      ids,
      offsets,
      targets,
      weights,
      inOffsets: offsets,
      inTargets: targets,
      inWeights: weights,
      selfLoops,
      mergedDuplicates: merged / 2,
    };
  }
  const t = transpose(n, offsets, targets, weights);
  return {
    kind: "csr",
    directed,
    n,
    m: p,
    ids,
    offsets,
    targets,
    weights,
    inOffsets: t.offsets,
    inTargets: t.targets,
    inWeights: t.weights,
    selfLoops,
    mergedDuplicates: merged,
  };
}

function transpose(n: number, offsets: Int32Array, targets: Int32Array, weights: Float64Array) {
  const off = new Int32Array(n + 1);
  for (let j = 0; j < targets.length; j++) off[targets[j] + 1]++;
  for (let i = 0; i < n; i++) off[i + 1] += off[i];
  const pos = off.slice(0, n);
  const tg = new Int32Array(targets.length);
  const wt = new Float64Array(targets.length);
  for (let u = 0; u < n; u++) {
    for (let j = offsets[u]; j < offsets[u + 1]; j++) {
      const p = pos[targets[j]]++;
      tg[p] = u;
      wt[p] = weights[j];
    }
  }
  return { offsets: off, targets: tg, weights: wt };
}

/**
 * Collects edges given by string ids (e.g. rows of an edge-list file) and builds a CSR graph.
 * Nodes are numbered in order of first appearance.
 */
export class EdgeListBuilder {
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  private src = new Int32Array(1024);
  private dst = new Int32Array(1024);
  private wt = new Float64Array(1024);
  private count = 0;

  /** Index of `id`, adding it as a node if new. */
  node(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.index.set(id, i);
      this.ids.push(id);
    }
    return i;
  }

  addEdge(source: string, target: string, weight = 1): void {
    const s = this.node(source);
    const t = this.node(target);
    if (this.count === this.src.length) this.grow();
    this.src[this.count] = s;
    this.dst[this.count] = t;
    this.wt[this.count] = weight;
    this.count++;
  }

  get edgeCount(): number {
    return this.count;
  }

  private grow(): void {
    const size = this.src.length * 2;
    const s = new Int32Array(size);
    s.set(this.src);
    const d = new Int32Array(size);
    d.set(this.dst);
    const w = new Float64Array(size);
    w.set(this.wt);
    this.src = s;
    this.dst = d;
    this.wt = w;
  }

  build(options: { directed?: boolean } = {}): CsrGraph {
    return csrFromIndexedEdges({
      n: this.ids.length,
      source: this.src,
      target: this.dst,
      weight: this.wt,
      count: this.count,
      ids: this.ids,
      directed: options.directed ?? false,
    });
  }
}

/** The undirected view of a graph (arcs u→v and v→u become one edge with their weights added). */
export function undirectedView(g: CsrGraph): CsrGraph {
  if (!g.directed) return g;
  const src = new Int32Array(g.m);
  const dst = new Int32Array(g.m);
  const w = new Float64Array(g.m);
  let e = 0;
  for (let u = 0; u < g.n; u++) {
    for (let j = g.offsets[u]; j < g.offsets[u + 1]; j++) {
      src[e] = u;
      dst[e] = g.targets[j];
      w[e] = g.weights[j];
      e++;
    }
  }
  const view = csrFromIndexedEdges({ n: g.n, source: src, target: dst, weight: w, ids: g.ids });
  return { ...view, selfLoops: g.selfLoops, mergedDuplicates: g.mergedDuplicates };
}

const indexCache = new WeakMap<CsrGraph, Map<string, number>>();

/** Index of the node with this id, or -1. The id → index map is built once per graph. */
export function indexOfId(g: CsrGraph, id: string): number {
  let map = indexCache.get(g);
  if (!map) {
    map = new Map();
    for (let i = 0; i < g.n; i++) map.set(g.ids[i], i);
    indexCache.set(g, map);
  }
  return map.get(id) ?? -1;
}
