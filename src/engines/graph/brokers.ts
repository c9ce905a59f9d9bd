// Brokers: people or things with high betweenness whose links reach into more than one
// community — the bridges an analyst highlights on the link chart (and the points where
// disruption splits a network).
import { asCsr, type GraphLike } from "./build.ts";
import { betweenness as computeBetweenness } from "./centrality.ts";
import { louvain } from "./communities.ts";

export interface Broker {
  id: string;
  /** Normalised betweenness (as networkx). */
  betweenness: number;
  /** The broker's own community. */
  community: number;
  /** Distinct communities among the broker and its neighbours. */
  communitiesReached: number;
  /** Participation coefficient 1 − Σ_c (k_c / k)² over the neighbours' communities (0 = all in one). */
  participation: number;
  /** Distinct neighbours. */
  degree: number;
}

export interface BrokerOptions {
  /** How many brokers to return (default 10). */
  top?: number;
  /** Must reach at least this many communities (default 2). */
  minCommunities?: number;
  /** Precomputed betweenness (e.g. from `betweenness(g).values`); computed when missing. */
  betweenness?: ArrayLike<number>;
  /** Precomputed community of each node (e.g. `louvain(g).membership`); computed when missing. */
  membership?: ArrayLike<number>;
  /** Seed for Louvain and sampled betweenness when they are computed here (default 1). */
  seed?: number;
}

/** Nodes bridging communities, by betweenness (highest first; ties keep node order). */
export function findBrokers(graph: GraphLike, options: BrokerOptions = {}): Broker[] {
  const g = asCsr(graph);
  const seed = options.seed ?? 1;
  const bc = options.betweenness ?? computeBetweenness(g, { seed }).values;
  const comm = options.membership ?? louvain(g, { seed }).membership;
  const minCommunities = options.minCommunities ?? 2;
  const top = options.top ?? 10;
  const counts = new Map<number, number>();
  const found: Broker[] = [];
  const order: number[] = [];
  for (let u = 0; u < g.n; u++) if (bc[u] > 0) order.push(u);
  order.sort((a, b) => bc[b] - bc[a] || a - b);
  for (const u of order) {
    if (found.length >= top) break;
    counts.clear();
    let k = 0;
    const visit = (off: Int32Array, tgt: Int32Array) => {
      for (let j = off[u]; j < off[u + 1]; j++) {
        const c = comm[tgt[j]];
        counts.set(c, (counts.get(c) ?? 0) + 1);
        k++;
      }
    };
    visit(g.offsets, g.targets);
    if (g.directed) visit(g.inOffsets, g.inTargets);
    const reached = new Set(counts.keys()).add(comm[u]).size;
    if (reached < minCommunities) continue;
    let sq = 0;
    for (const c of counts.values()) sq += (c / k) ** 2;
    found.push({
      id: g.ids[u],
      betweenness: bc[u],
      community: comm[u],
      communitiesReached: reached,
      participation: k ? 1 - sq : 0,
      degree: g.directed
        ? new Set([
            ...g.targets.subarray(g.offsets[u], g.offsets[u + 1]),
            ...g.inTargets.subarray(g.inOffsets[u], g.inOffsets[u + 1]),
          ]).size
        : k,
    });
  }
  return found;
}
