// Louvain community detection (Blondel et al. 2008) and Newman–Girvan modularity, on CSR arrays.
// Seeded: the visiting order of nodes at each level is a seeded shuffle, so a seed and an input
// always give the same communities. Directed graphs are clustered through their undirected view
// (reciprocal arcs' weights added); igraph's multilevel method likewise takes undirected graphs only.
import { asCsr, type GraphLike } from "./build.ts";
import { type CsrGraph, undirectedView } from "./csr.ts";
import { createRng, shuffleInPlace } from "./rng.ts";

export interface LouvainOptions {
  /** Seed of the visiting order (default 1). */
  seed?: number;
  /** Resolution γ: above 1 favours smaller communities, below 1 larger ones (default 1). */
  resolution?: number;
  /** Stop when a level improves modularity by no more than this (default 1e-7, as networkx). */
  tolerance?: number;
  /** At most this many aggregation levels (default unlimited). */
  maxLevels?: number;
  /**
   * After the last level, move single nodes once more between the final communities (a cheap
   * refinement that can only raise modularity). Default true.
   */
  refine?: boolean;
  /** Run this many times (seeds seed, seed+1, …) and keep the highest modularity. Default 1. */
  restarts?: number;
}

export interface Communities {
  /** Number of communities (isolated nodes are communities of one). */
  count: number;
  /** Community of each node; numbered by size, largest first (ties: lowest node). */
  membership: Int32Array;
  sizes: number[];
  /** Modularity of the partition (undirected, weighted, at the chosen resolution). */
  modularity: number;
  /** Aggregation levels that moved at least one node. */
  levels: number;
}

export function louvain(graph: GraphLike, options: LouvainOptions = {}): Communities {
  const g0 = undirectedView(asCsr(graph));
  const seed = options.seed ?? 1;
  const restarts = Math.max(1, Math.floor(options.restarts ?? 1));
  let best: Communities | null = null;
  for (let r = 0; r < restarts; r++) {
    const result = louvainOnce(g0, { ...options, seed: seed + r });
    if (!best || result.modularity > best.modularity) best = result;
  }
  return best!;
}

function louvainOnce(g0: CsrGraph, options: LouvainOptions): Communities {
  const resolution = options.resolution ?? 1;
  const tolerance = options.tolerance ?? 1e-7;
  const maxLevels = options.maxLevels ?? Number.POSITIVE_INFINITY;
  const rng = createRng(options.seed ?? 1);
  const n0 = g0.n;
  const member = new Int32Array(n0);
  for (let u = 0; u < n0; u++) member[u] = u;
  let m2 = 0;
  for (let j = 0; j < g0.weights.length; j++) m2 += g0.weights[j];
  let levels = 0;
  if (m2 > 0) {
    let n = n0;
    let off = g0.offsets;
    let tgt = g0.targets;
    let wts = g0.weights;
    let self = new Float64Array(n);
    while (levels < maxLevels) {
      const comm = new Int32Array(n);
      const k = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        comm[i] = i;
        let s = self[i];
        for (let j = off[i]; j < off[i + 1]; j++) s += wts[j];
        k[i] = s;
      }
      const tot = k.slice();
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      shuffleInPlace(order, rng);
      const { moved, gain: levelGain } = localMoving(n, off, tgt, wts, k, comm, tot, order, m2, resolution);
      if (!moved) break;
      levels++;
      // Renumber communities 0..nc-1 and aggregate each into one node.
      const renum = new Int32Array(n).fill(-1);
      let nc = 0;
      for (let i = 0; i < n; i++) {
        const c = comm[i];
        if (renum[c] < 0) renum[c] = nc++;
        comm[i] = renum[c];
      }
      for (let u = 0; u < n0; u++) member[u] = comm[member[u]];
      const next = aggregate(n, off, tgt, wts, self, comm, nc);
      n = nc;
      off = next.offsets;
      tgt = next.targets;
      wts = next.weights;
      self = next.self;
      if (levelGain <= tolerance) break;
    }
    if (levels > 1 && (options.refine ?? true)) {
      // Refinement: let single original nodes move once more between the final communities.
      const k = new Float64Array(n0);
      const tot = new Float64Array(n0);
      for (let u = 0; u < n0; u++) {
        for (let j = g0.offsets[u]; j < g0.offsets[u + 1]; j++) k[u] += g0.weights[j];
        tot[member[u]] += k[u];
      }
      const order = new Int32Array(n0);
      for (let i = 0; i < n0; i++) order[i] = i;
      shuffleInPlace(order, rng);
      localMoving(n0, g0.offsets, g0.targets, g0.weights, k, member, tot, order, m2, resolution);
    }
  }
  const { membership, sizes } = numberBySize(member);
  return {
    count: sizes.length,
    membership,
    sizes,
    modularity: modularityOf(g0, membership, resolution),
    levels,
  };
}

/**
 * Moves single nodes to the neighbouring community with the best modularity gain until no move
 * gains anything. Nodes are visited from a queue, first in `order`; when a node moves, its
 * neighbours outside its new community are queued again (the "fast local move" of Traag et al.
 * 2019, which avoids sweeping nodes whose surroundings did not change). Updates comm and tot.
 */
function localMoving(
  n: number,
  off: Int32Array,
  tgt: Int32Array,
  wts: Float64Array,
  k: Float64Array,
  comm: Int32Array,
  tot: Float64Array,
  order: Int32Array,
  m2: number,
  resolution: number,
): { moved: boolean; gain: number } {
  const nw = new Float64Array(n);
  const stamp = new Int32Array(n).fill(-1);
  const cands = new Int32Array(n);
  const queue = order.slice();
  const queued = new Uint8Array(n).fill(1);
  let head = 0;
  let size = n;
  let moved = false;
  let total = 0;
  while (size > 0) {
    const i = queue[head];
    head = head + 1 === n ? 0 : head + 1;
    size--;
    queued[i] = 0;
    const ci = comm[i];
    const ki = k[i];
    let count = 0;
    for (let j = off[i]; j < off[i + 1]; j++) {
      const c = comm[tgt[j]];
      if (stamp[c] !== i) {
        stamp[c] = i;
        nw[c] = 0;
        cands[count++] = c;
      }
      nw[c] += wts[j];
    }
    tot[ci] -= ki;
    const scale = (resolution * ki) / m2;
    const ownGain = (stamp[ci] === i ? nw[ci] : 0) - tot[ci] * scale;
    let best = ci;
    let bestGain = ownGain;
    for (let t = 0; t < count; t++) {
      const c = cands[t];
      if (c === ci) continue;
      const gain = nw[c] - tot[c] * scale;
      if (gain > bestGain) {
        bestGain = gain;
        best = c;
      }
    }
    // Move only for a gain clear of rounding noise, so the queue always empties.
    if (best !== ci && bestGain - ownGain > 1e-12 * (ki + 1)) {
      comm[i] = best;
      moved = true;
      total += (2 * (bestGain - ownGain)) / m2;
      for (let j = off[i]; j < off[i + 1]; j++) {
        const v = tgt[j];
        if (queued[v] === 0 && comm[v] !== best) {
          queued[v] = 1;
          let p = head + size;
          if (p >= n) p -= n;
          queue[p] = v;
          size++;
        }
      }
    } else best = ci;
    tot[best] += ki;
    // Stamps are per visit: reset this node's so a later visit of the same node starts clean.
    for (let t = 0; t < count; t++) stamp[cands[t]] = -1;
  }
  return { moved, gain: total };
}

function aggregate(
  n: number,
  off: Int32Array,
  tgt: Int32Array,
  wts: Float64Array,
  self: Float64Array,
  comm: Int32Array,
  nc: number,
) {
  // Members of each community, by counting sort.
  const start = new Int32Array(nc + 1);
  for (let i = 0; i < n; i++) start[comm[i] + 1]++;
  for (let c = 0; c < nc; c++) start[c + 1] += start[c];
  const fill = start.slice(0, nc);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) members[fill[comm[i]]++] = i;
  const offsets = new Int32Array(nc + 1);
  const targets = new Int32Array(tgt.length);
  const weights = new Float64Array(tgt.length);
  const newSelf = new Float64Array(nc);
  const mark = new Int32Array(nc).fill(-1);
  const slot = new Int32Array(nc);
  let p = 0;
  for (let c = 0; c < nc; c++) {
    let inside = 0;
    for (let x = start[c]; x < start[c + 1]; x++) {
      const i = members[x];
      inside += self[i];
      for (let j = off[i]; j < off[i + 1]; j++) {
        const d = comm[tgt[j]];
        if (d === c) {
          inside += wts[j];
        } else if (mark[d] === c) {
          weights[slot[d]] += wts[j];
        } else {
          mark[d] = c;
          slot[d] = p;
          targets[p] = d;
          weights[p] = wts[j];
          p++;
        }
      }
    }
    newSelf[c] = inside;
    offsets[c + 1] = p;
  }
  return { offsets, targets: targets.slice(0, p), weights: weights.slice(0, p), self: newSelf };
}

/** Renumbers a partition so communities are numbered by size, largest first (ties: lowest node). */
export function numberBySize(labels: ArrayLike<number>): { membership: Int32Array; sizes: number[] } {
  const n = labels.length;
  const first = new Map<number, number>();
  const counts: number[] = [];
  const dense = new Int32Array(n);
  for (let u = 0; u < n; u++) {
    let c = first.get(labels[u]);
    if (c === undefined) {
      c = counts.length;
      first.set(labels[u], c);
      counts.push(0);
    }
    counts[c]++;
    dense[u] = c;
  }
  const order = counts.map((_, i) => i).sort((a, b) => counts[b] - counts[a] || a - b);
  const rank = new Int32Array(order.length);
  order.forEach((c, r) => {
    rank[c] = r;
  });
  for (let u = 0; u < n; u++) dense[u] = rank[dense[u]];
  return { membership: dense, sizes: order.map((c) => counts[c]) };
}

/**
 * Modularity Q = Σ_c [ L_c / 2m − γ (d_c / 2m)² ] of a partition given as one label per node
 * (any integers), with edge weights; directed graphs are taken through their undirected view.
 * 0 for a graph without edges.
 */
export function modularity(
  graph: GraphLike,
  membership: ArrayLike<number>,
  options: { resolution?: number } = {},
): number {
  const g = undirectedView(asCsr(graph));
  if (membership.length !== g.n)
    throw new RangeError(`membership has ${membership.length} entries for ${g.n} nodes`);
  return modularityOf(g, numberBySize(membership).membership, options.resolution ?? 1);
}

function modularityOf(g: CsrGraph, membership: Int32Array, resolution: number): number {
  let nc = 0;
  for (let u = 0; u < g.n; u++) if (membership[u] + 1 > nc) nc = membership[u] + 1;
  const inside = new Float64Array(nc);
  const tot = new Float64Array(nc);
  let m2 = 0;
  for (let u = 0; u < g.n; u++) {
    const cu = membership[u];
    for (let j = g.offsets[u]; j < g.offsets[u + 1]; j++) {
      const w = g.weights[j];
      m2 += w;
      tot[cu] += w;
      if (membership[g.targets[j]] === cu) inside[cu] += w;
    }
  }
  if (m2 === 0) return 0;
  let q = 0;
  for (let c = 0; c < nc; c++) q += inside[c] / m2 - resolution * (tot[c] / m2) ** 2;
  return q;
}
