// Connected components (weakly connected when the graph is directed) by union-find over the
// edge arrays: path halving + union by size, O(m α(n)).
import { asCsr, type GraphLike } from "./build.ts";

export interface Components {
  /** Number of components (isolated nodes count as components of size 1). */
  count: number;
  /** Component of each node; components are numbered by size, largest first (ties: lowest node). */
  membership: Int32Array;
  /** Size of each component, by component number (so non-increasing). */
  sizes: number[];
  /** Size of the largest component (0 for an empty graph). */
  largest: number;
}

export function connectedComponents(graph: GraphLike): Components {
  const g = asCsr(graph);
  const { n, offsets, targets } = g;
  const parent = new Int32Array(n);
  const size = new Int32Array(n).fill(1);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (let u = 0; u < n; u++) {
    for (let j = offsets[u], end = offsets[u + 1]; j < end; j++) {
      const v = targets[j];
      if (!g.directed && v < u) continue; // each undirected edge is stored twice
      let a = find(u);
      let b = find(v);
      if (a === b) continue;
      if (size[a] < size[b]) {
        const t = a;
        a = b;
        b = t;
      }
      parent[b] = a;
      size[a] += size[b];
    }
  }
  // Number roots in order of their lowest node, then renumber by size (stable → ties by lowest node).
  const rootComp = new Int32Array(n).fill(-1);
  const firstSizes: number[] = [];
  const membership = new Int32Array(n);
  for (let u = 0; u < n; u++) {
    const r = find(u);
    if (rootComp[r] < 0) {
      rootComp[r] = firstSizes.length;
      firstSizes.push(size[r]);
    }
    membership[u] = rootComp[r];
  }
  const order = firstSizes.map((_, i) => i).sort((a, b) => firstSizes[b] - firstSizes[a] || a - b);
  const rank = new Int32Array(order.length);
  order.forEach((c, r) => {
    rank[c] = r;
  });
  for (let u = 0; u < n; u++) membership[u] = rank[membership[u]];
  const sizes = order.map((c) => firstSizes[c]);
  return { count: sizes.length, membership, sizes, largest: sizes[0] ?? 0 };
}

/** The components as lists of node ids, largest first. */
export function componentGroups(graph: GraphLike): string[][] {
  const g = asCsr(graph);
  const { membership, count } = connectedComponents(g);
  const groups: string[][] = Array.from({ length: count }, () => []);
  for (let u = 0; u < g.n; u++) groups[membership[u]].push(g.ids[u]);
  return groups;
}
