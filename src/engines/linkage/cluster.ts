// Clusters: connected components of the graph of pairs at or above the threshold (union-find
// with path halving and union by size).

export class UnionFind {
  readonly parent: Int32Array;
  readonly size: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]!]!;
      x = p[x]!;
    }
    return x;
  }

  /** Join the sets of a and b; false when they were already one. */
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (this.size[ra]! < this.size[rb]!) {
      const t = ra;
      ra = rb;
      rb = t;
    }
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    return true;
  }
}

/**
 * Cluster number per record (0, 1, 2… in order of each cluster's first record). Every record
 * gets one: a record with no pair over the threshold is a cluster of its own.
 */
export function cluster(
  n: number,
  pairsI: Int32Array,
  pairsJ: Int32Array,
  probabilities: Float32Array | Float64Array,
  threshold: number,
  /** Pairs with a non-zero flag are never joined (they go to clerical review instead). */
  flags?: Uint8Array,
): Int32Array {
  const uf = new UnionFind(n);
  for (let p = 0; p < pairsI.length; p++) {
    if (probabilities[p]! >= threshold && (!flags || flags[p] === 0)) uf.union(pairsI[p]!, pairsJ[p]!);
  }
  const ids = new Int32Array(n);
  const byRoot = new Int32Array(n).fill(-1);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const r = uf.find(i);
    if (byRoot[r] === -1) byRoot[r] = next++;
    ids[i] = byRoot[r]!;
  }
  return ids;
}

/** How many clusters there are of each size: [[size, count], …] by size. */
export function clusterSizeDistribution(clusterIds: Int32Array): [number, number][] {
  let k = 0;
  for (let i = 0; i < clusterIds.length; i++) if (clusterIds[i]! + 1 > k) k = clusterIds[i]! + 1;
  const sizes = new Int32Array(k);
  for (let i = 0; i < clusterIds.length; i++) sizes[clusterIds[i]!]!++;
  const dist = new Map<number, number>();
  for (let c = 0; c < k; c++) dist.set(sizes[c]!, (dist.get(sizes[c]!) ?? 0) + 1);
  return [...dist.entries()].sort((a, b) => a[0] - b[0]);
}
