// The Brandes kernel on plain typed arrays (shared by the calling thread and worker threads):
// one BFS per source counting shortest paths σ, recording each node's successors on the
// shortest-path DAG contiguously, then accumulating dependencies in reverse BFS order
// δ(v) = σ(v) Σ_{w ∈ succ(v)} (1 + δ(w)) / σ(w). Unweighted (hop counts); follows out-rows.
//
// `linear` (undirected graphs, sampled sources): Geisberger, Sanders & Schultes' linear scaling
// (2008). The pair (s,t) credits v with only the share d(s,v)/d(s,t) of its σ-fraction, the pair
// seen from t crediting the rest, so twice the sum over sources is still unbiased; it stops nodes
// next to a sampled source from collecting that source's whole dependency, which is what makes
// plain sampling over-rank them. Recurrence: δ'(v) = σ(v) Σ_{w ∈ succ(v)} (1/d(w) + δ'(w)) / σ(w),
// credit d(v)·δ'(v).

/** Adds the raw dependencies of sources[from..to) to `out` (length n). */
export function accumulateDependencies(
  n: number,
  offsets: Int32Array,
  targets: Int32Array,
  sources: ArrayLike<number>,
  from: number,
  to: number,
  out: Float64Array,
  linear = false,
): void {
  const dist = new Int32Array(n).fill(-1);
  const sigma = new Float64Array(n);
  const coef = new Float64Array(n);
  const queue = new Int32Array(n);
  const succStart = new Int32Array(n + 1);
  const succ = new Int32Array(targets.length);
  for (let x = from; x < to; x++) {
    const s = sources[x];
    let head = 0;
    let tail = 0;
    let ne = 0;
    queue[tail++] = s;
    dist[s] = 0;
    sigma[s] = 1;
    while (head < tail) {
      succStart[head] = ne;
      const v = queue[head++];
      const dn = dist[v] + 1;
      const sv = sigma[v];
      for (let j = offsets[v], end = offsets[v + 1]; j < end; j++) {
        const w = targets[j];
        let dw = dist[w];
        if (dw < 0) {
          dist[w] = dw = dn;
          queue[tail++] = w;
        }
        if (dw === dn) {
          sigma[w] += sv;
          succ[ne++] = w;
        }
      }
    }
    succStart[tail] = ne;
    for (let i = tail - 1; i > 0; i--) {
      const v = queue[i];
      let acc = 0;
      for (let e = succStart[i], end = succStart[i + 1]; e < end; e++) acc += coef[succ[e]];
      const sv = sigma[v];
      const delta = sv * acc;
      if (linear) {
        const d = dist[v];
        out[v] += d * delta;
        coef[v] = (1 / d + delta) / sv;
      } else {
        out[v] += delta;
        coef[v] = (1 + delta) / sv;
      }
    }
    for (let i = 0; i < tail; i++) {
      const v = queue[i];
      dist[v] = -1;
      sigma[v] = 0;
      coef[v] = 0;
    }
  }
}
