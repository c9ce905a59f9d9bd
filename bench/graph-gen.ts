// Seeded generator of a synthetic "realistic" network for the graph benchmark: planted
// communities of power-law sizes, heavy-tailed node activity (Pareto), links mostly inside a
// community, some across, and triadic closure (friend-of-a-friend) for clustering. Node numbers
// are shuffled at the end so that memory order says nothing about the structure.
import { createRng } from "../src/engines/graph/rng.ts";

export interface GeneratedNetwork {
  n: number;
  source: Int32Array;
  target: Int32Array;
  /** Planted community of each node. */
  community: Int32Array;
}

export interface GenerateOptions {
  nodes?: number;
  edges?: number;
  seed?: number;
  /** Share of links drawn across communities (default 0.15). */
  mixing?: number;
  /** Share of links made by closing a triangle (default 0.35). */
  closure?: number;
  /** Pareto exponent of node activity (default 2.3). */
  exponent?: number;
}

export function generateNetwork(options: GenerateOptions = {}): GeneratedNetwork {
  const n = options.nodes ?? 200_000;
  const m = options.edges ?? 600_000;
  const mixing = options.mixing ?? 0.15;
  const closure = options.closure ?? 0.35;
  const exponent = options.exponent ?? 2.3;
  const rng = createRng(options.seed ?? 42);

  // Community sizes ~ power law (exponent 2) in [8, 2000].
  const community = new Int32Array(n);
  const commStart: number[] = [];
  let filled = 0;
  while (filled < n) {
    const u = rng.next();
    const lo = 8;
    const hi = 2000;
    const size = Math.min(n - filled, Math.floor(1 / (1 / lo - u * (1 / lo - 1 / hi))));
    commStart.push(filled);
    for (let i = 0; i < size; i++) community[filled + i] = commStart.length - 1;
    filled += size;
  }
  commStart.push(n);

  // Activity weights (Pareto, capped) and their running sums for sampling ∝ weight.
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const w = Math.min(500, (1 - rng.next()) ** (-1 / (exponent - 1)));
    cum[i + 1] = cum[i] + w;
  }
  const pick = (lo: number, hi: number): number => {
    // node in [lo, hi) with probability ∝ weight
    const x = cum[lo] + rng.next() * (cum[hi] - cum[lo]);
    let a = lo;
    let b = hi - 1;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (cum[mid + 1] <= x) a = mid + 1;
      else b = mid;
    }
    return a;
  };

  const adj: number[][] = Array.from({ length: n }, () => []);
  const seen = new Set<number>();
  const source = new Int32Array(m);
  const target = new Int32Array(m);
  let e = 0;
  while (e < m) {
    const u = pick(0, n);
    const r = rng.next();
    let v: number;
    if (r < closure && adj[u].length > 0) {
      const x = adj[u][rng.int(adj[u].length)];
      v = adj[x][rng.int(adj[x].length)];
    } else if (r < closure + mixing) {
      v = pick(0, n);
    } else {
      const c = community[u];
      v = pick(commStart[c], commStart[c + 1]);
    }
    if (u === v) continue;
    const key = u < v ? u * n + v : v * n + u;
    if (seen.has(key)) continue;
    seen.add(key);
    adj[u].push(v);
    adj[v].push(u);
    source[e] = u;
    target[e] = v;
    e++;
  }

  // Shuffle node numbers.
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const comm = new Int32Array(n);
  for (let i = 0; i < n; i++) comm[perm[i]] = community[i];
  for (let k = 0; k < m; k++) {
    source[k] = perm[source[k]];
    target[k] = perm[target[k]];
  }
  return { n, source, target, community: comm };
}
