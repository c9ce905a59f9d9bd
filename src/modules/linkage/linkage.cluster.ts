// Clustering for the master child index: connected components of the matching pairs, as the
// engine does it, but under the decisions people have made. Existing links are fixed; pairs are
// joined strongest first; a cluster never holds two Lantern children (that is a possible duplicate
// for a person to review, never merged automatically); clusters a person kept apart stay apart.
// Pure: no I/O.
import { UnionFind } from "../../engines/linkage/index.ts";

export interface ClusterInput {
  /** Number of nodes (children and source records). */
  size: number;
  /** Is node i a Lantern child? */
  isChild: (i: number) => boolean;
  /** Pairs already joined (a record's active link to a child): joined first, without checks. */
  fixed: readonly (readonly [number, number])[];
  /** Candidate pairs at or above the threshold. */
  edges: readonly { i: number; j: number; p: number }[];
  /** Pairs of nodes a person decided are different children. */
  apart: readonly (readonly [number, number])[];
}

export type EdgeOutcome = "joined" | "same" | "two_children" | "kept_apart";

export interface ClusterResult {
  /** Root node of each node's cluster. */
  find: (i: number) => number;
  /** The child node of each node's cluster, or -1. */
  childOf: (i: number) => number;
  /** What happened to each edge, in the order given. */
  outcomes: EdgeOutcome[];
  /** Highest probability of a joined edge touching each node (0 when none). */
  best: Float64Array;
}

export function clusterUnderDecisions(input: ClusterInput): ClusterResult {
  const n = input.size;
  const uf = new UnionFind(n);
  const child = new Int32Array(n).fill(-1);
  const members: number[][] = Array.from({ length: n }, (_, i) => [i]);
  for (let i = 0; i < n; i++) if (input.isChild(i)) child[i] = i;
  const apart = new Map<number, number[]>();
  const addApart = (a: number, b: number) => {
    const l = apart.get(a);
    if (l) l.push(b);
    else apart.set(a, [b]);
  };
  for (const [a, b] of input.apart) {
    addApart(a, b);
    addApart(b, a);
  }
  const join = (ra: number, rb: number) => {
    const ca = child[ra]!;
    const cb = child[rb]!;
    const ma = members[ra]!;
    const mb = members[rb]!;
    uf.union(ra, rb);
    const r = uf.find(ra);
    const big = ma.length >= mb.length ? ma : mb;
    const small = big === ma ? mb : ma;
    for (const x of small) big.push(x);
    members[ra] = [];
    members[rb] = [];
    members[r] = big;
    child[r] = ca >= 0 ? ca : cb;
  };
  for (const [a, b] of input.fixed) {
    const ra = uf.find(a);
    const rb = uf.find(b);
    if (ra !== rb) join(ra, rb);
  }
  const best = new Float64Array(n);
  const order = input.edges.map((_, k) => k).sort((x, y) => input.edges[y]!.p - input.edges[x]!.p);
  const outcomes: EdgeOutcome[] = new Array(input.edges.length);
  for (const k of order) {
    const { i, j, p } = input.edges[k]!;
    const ri = uf.find(i);
    const rj = uf.find(j);
    if (ri === rj) {
      outcomes[k] = "same";
      continue;
    }
    if (child[ri]! >= 0 && child[rj]! >= 0) {
      outcomes[k] = "two_children";
      continue;
    }
    const [small, otherRoot] =
      members[ri]!.length <= members[rj]!.length ? [members[ri]!, rj] : [members[rj]!, ri];
    let blocked = false;
    for (const x of small) {
      for (const y of apart.get(x) ?? []) {
        if (uf.find(y) === otherRoot) {
          blocked = true;
          break;
        }
      }
      if (blocked) break;
    }
    if (blocked) {
      outcomes[k] = "kept_apart";
      continue;
    }
    join(ri, rj);
    outcomes[k] = "joined";
    if (p > best[i]!) best[i] = p;
    if (p > best[j]!) best[j] = p;
  }
  return { find: (i) => uf.find(i), childOf: (i) => child[uf.find(i)]!, outcomes, best };
}
