// Lantern's graph engine: pure functions over plain data (no I/O). Build a link chart of typed
// entities with graphology, or a CSR graph straight from edge arrays, then analyse either.

export { type Broker, type BrokerOptions, findBrokers } from "./brokers.ts";
export {
  asCsr,
  type BuildOptions,
  buildGraph,
  csrFromGraph,
  type GraphLike,
  inducedSubgraph,
  isActiveIn,
  isCsr,
  type LinkGraph,
  parseDateBound,
  type TimeWindow,
  timeSlice,
} from "./build.ts";
export {
  type Betweenness,
  type BetweennessOptions,
  betweenness,
  type ClosenessOptions,
  closeness,
  DEFAULT_BETWEENNESS_SAMPLES,
  type DegreeOptions,
  degree,
  topNodes,
} from "./centrality.ts";
export { type Communities, type LouvainOptions, louvain, modularity, numberBySize } from "./communities.ts";
export { type Components, componentGroups, connectedComponents } from "./components.ts";
export {
  type CsrGraph,
  csrFromIndexedEdges,
  EdgeListBuilder,
  type IndexedEdges,
  indexOfId,
  undirectedView,
} from "./csr.ts";
export { betweennessParallel, type ParallelOptions } from "./parallel.ts";
export {
  allShortestPaths,
  type Direction,
  distance,
  type EgoNetwork,
  egoNetwork,
  shortestPath,
} from "./paths.ts";
export { createRng, type Rng } from "./rng.ts";
export {
  type GraphStats,
  type GraphStatsOptions,
  type GraphStatsResult,
  graphStats,
} from "./stats.ts";
export {
  type DateLike,
  type EdgeAttributes,
  ENTITY_TYPES,
  type EntityInput,
  type EntityType,
  GraphInputError,
  type LinkInput,
  type NodeAttributes,
  type RankedNode,
} from "./types.ts";
