// Relabelling nodes in breadth-first order (from the busiest node of each component) so that
// neighbours sit close together in memory. Traversals then touch fewer cache lines; on a
// 200k-node network this makes BFS-heavy work (betweenness) about a quarter faster, and sorting
// each row takes another ~15% off.

export interface Relabelled {
  /** perm[old] = new index. */
  perm: Int32Array;
  /** Out-rows in the new numbering, each row in increasing order. */
  offsets: Int32Array;
  targets: Int32Array;
}

/**
 * Relabels in BFS order and rebuilds the out-rows with each row sorted (so a row's reads walk
 * memory forwards; about 15% off a betweenness source on the 200k benchmark). Sorted without a
 * sort: visiting nodes in new order and appending each to the rows of its in-neighbours fills
 * every row in increasing order. Pass the in-rows (the out-rows again when undirected).
 */
export function bfsRelabel(
  n: number,
  offsets: Int32Array,
  targets: Int32Array,
  inOffsets: Int32Array,
  inTargets: Int32Array,
): Relabelled {
  // Roots by decreasing degree (counting sort; ties by node order).
  let maxDeg = 0;
  for (let u = 0; u < n; u++) maxDeg = Math.max(maxDeg, offsets[u + 1] - offsets[u]);
  const bucket = new Int32Array(maxDeg + 2);
  for (let u = 0; u < n; u++) bucket[maxDeg - (offsets[u + 1] - offsets[u]) + 1]++;
  for (let d = 0; d <= maxDeg; d++) bucket[d + 1] += bucket[d];
  const byDegree = new Int32Array(n);
  for (let u = 0; u < n; u++) byDegree[bucket[maxDeg - (offsets[u + 1] - offsets[u])]++] = u;

  const perm = new Int32Array(n).fill(-1);
  const order = new Int32Array(n);
  let count = 0;
  for (let x = 0; x < n; x++) {
    const root = byDegree[x];
    if (perm[root] >= 0) continue;
    let head = count;
    perm[root] = count;
    order[count++] = root;
    while (head < count) {
      const v = order[head++];
      for (let j = offsets[v]; j < offsets[v + 1]; j++) {
        const w = targets[j];
        if (perm[w] < 0) {
          perm[w] = count;
          order[count++] = w;
        }
      }
    }
  }
  const newOffsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const u = order[i];
    newOffsets[i + 1] = newOffsets[i] + offsets[u + 1] - offsets[u];
  }
  const fill = newOffsets.slice(0, n);
  const newTargets = new Int32Array(targets.length);
  for (let i = 0; i < n; i++) {
    const w = order[i];
    // Every u with an arc u → w gets i appended to its row.
    for (let j = inOffsets[w]; j < inOffsets[w + 1]; j++) newTargets[fill[perm[inTargets[j]]]++] = i;
  }
  return { perm, offsets: newOffsets, targets: newTargets };
}
