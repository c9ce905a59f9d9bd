// One-call summary of a network: the figures `lantern graph stats` prints.
import { asCsr, type GraphLike } from "./build.ts";
import { DEFAULT_BETWEENNESS_SAMPLES, degree, topNodes } from "./centrality.ts";
import { louvain } from "./communities.ts";
import { connectedComponents } from "./components.ts";
import { betweennessParallel } from "./parallel.ts";
import type { RankedNode } from "./types.ts";

export interface GraphStats {
  nodes: number;
  edges: number;
  components: number;
  largest_component: number;
  communities: number;
  modularity: number;
  /** Raw degree (distinct neighbours; in + out when directed). */
  top_degree: RankedNode[];
  /** Betweenness normalised as networkx betweenness_centrality(normalized=True). */
  top_betweenness: RankedNode[];
}

export interface GraphStatsOptions {
  /** Length of the top lists (default 10). */
  top?: number;
  /** Seed for Louvain and betweenness sampling (default 1). */
  seed?: number;
  /** Exact betweenness up to this many nodes (default 5000)… */
  exactUpTo?: number;
  /** …sampled from this many sources beyond (default 192). */
  samples?: number;
  /** How sampled sources are credited (default "linear" when undirected; see BetweennessOptions). */
  scaling?: "linear" | "plain";
  /**
   * Louvain runs (seeds seed, seed+1, …) keeping the best modularity. Default: 10 while the graph
   * has at most 50,000 edges (cheap there, and steadier communities), else 1.
   */
  louvainRuns?: number;
  /** Threads for betweenness (default: available cores, at most 8). */
  threads?: number;
}

export interface GraphStatsResult {
  stats: GraphStats;
  betweenness: { exact: boolean; sources: number; scaling: "linear" | "plain" };
  selfLoops: number;
  mergedDuplicates: number;
  /** Milliseconds spent in each step. */
  timings: { components: number; communities: number; degree: number; betweenness: number };
  /** Louvain runs made. */
  louvainRuns: number;
}

export async function graphStats(
  graph: GraphLike,
  options: GraphStatsOptions = {},
): Promise<GraphStatsResult> {
  const g = asCsr(graph);
  const top = options.top ?? 10;
  const seed = options.seed ?? 1;
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };
  const comps = connectedComponents(g);
  const tComponents = lap();
  const louvainRuns = Math.max(1, Math.floor(options.louvainRuns ?? (g.m <= 50_000 ? 10 : 1)));
  const comms = louvain(g, { seed, restarts: louvainRuns });
  const tCommunities = lap();
  const deg = degree(g);
  const tDegree = lap();
  const exactUpTo = options.exactUpTo ?? 5000;
  const bc = await betweennessParallel(g, {
    seed,
    k: g.n <= exactUpTo ? g.n : (options.samples ?? DEFAULT_BETWEENNESS_SAMPLES),
    threads: options.threads,
    scaling: options.scaling,
  });
  const tBetweenness = lap();
  return {
    stats: {
      nodes: g.n,
      edges: g.m,
      components: comps.count,
      largest_component: comps.largest,
      communities: comms.count,
      modularity: comms.modularity,
      top_degree: topNodes(g, deg, top),
      top_betweenness: topNodes(g, bc.values, top),
    },
    betweenness: { exact: bc.exact, sources: bc.sources, scaling: bc.scaling },
    selfLoops: g.selfLoops,
    mergedDuplicates: g.mergedDuplicates,
    louvainRuns,
    timings: {
      components: tComponents,
      communities: tCommunities,
      degree: tDegree,
      betweenness: tBetweenness,
    },
  };
}
