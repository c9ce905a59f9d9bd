// k-hop ego networks and shortest paths (fewest links) between two entities.
import { asCsr, type GraphLike } from "./build.ts";
import { type CsrGraph, indexOfId } from "./csr.ts";
import { GraphInputError } from "./types.ts";

/** Which links to follow in a directed graph: along ("out"), against ("in") or both (default). */
export type Direction = "out" | "in" | "both";

export interface EgoNetwork {
  centre: string;
  radius: number;
  /** Nodes within `radius` links of the centre (centre first), in BFS order, with their distance. */
  nodes: { id: string; distance: number }[];
  /** Edges of the induced subgraph between those nodes (each undirected edge once). */
  edges: { source: string; target: string; weight: number }[];
}

function requireIndex(g: CsrGraph, id: string): number {
  const i = indexOfId(g, id);
  if (i < 0) throw new GraphInputError(`no entity with id ${id}`);
  return i;
}

/** BFS from `start` up to `maxDepth` hops; calls visit(node, depth, parent). Returns visited nodes. */
function bfs(
  g: CsrGraph,
  start: number,
  maxDepth: number,
  direction: Direction,
  onVisit?: (v: number, depth: number) => boolean | undefined,
  dist = new Int32Array(g.n).fill(-1),
): { order: Int32Array; count: number; dist: Int32Array } {
  const order = new Int32Array(g.n);
  let head = 0;
  let tail = 0;
  order[tail++] = start;
  dist[start] = 0;
  if (onVisit?.(start, 0)) return { order, count: tail, dist };
  const useOut = !g.directed || direction !== "in";
  const useIn = g.directed && direction !== "out";
  while (head < tail) {
    const v = order[head++];
    const d = dist[v];
    if (d >= maxDepth) continue;
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 0 ? !useOut : !useIn) continue;
      const off = pass === 0 ? g.offsets : g.inOffsets;
      const tgt = pass === 0 ? g.targets : g.inTargets;
      for (let j = off[v]; j < off[v + 1]; j++) {
        const w = tgt[j];
        if (dist[w] >= 0) continue;
        dist[w] = d + 1;
        order[tail++] = w;
        if (onVisit?.(w, d + 1)) return { order, count: tail, dist };
      }
    }
  }
  return { order, count: tail, dist };
}

/** Entities within `radius` links of `centre`, and the links among them (networkx ego_graph). */
export function egoNetwork(
  graph: GraphLike,
  centre: string,
  radius: number,
  options: { direction?: Direction } = {},
): EgoNetwork {
  const g = asCsr(graph);
  if (!(Number.isInteger(radius) && radius >= 0))
    throw new GraphInputError(`radius must be a whole number ≥ 0`);
  const s = requireIndex(g, centre);
  const { order, count, dist } = bfs(g, s, radius, options.direction ?? "both");
  const nodes: EgoNetwork["nodes"] = [];
  const edges: EgoNetwork["edges"] = [];
  for (let x = 0; x < count; x++) {
    const u = order[x];
    nodes.push({ id: g.ids[u], distance: dist[u] });
    for (let j = g.offsets[u]; j < g.offsets[u + 1]; j++) {
      const v = g.targets[j];
      if (dist[v] < 0 || (!g.directed && v < u)) continue;
      edges.push({ source: g.ids[u], target: g.ids[v], weight: g.weights[j] });
    }
  }
  return { centre, radius, nodes, edges };
}

/** Number of links on a shortest path from `from` to `to`, or null when unreachable. */
export function distance(
  graph: GraphLike,
  from: string,
  to: string,
  options: { direction?: Direction } = {},
): number | null {
  const path = shortestPath(graph, from, to, options);
  return path ? path.length - 1 : null;
}

/**
 * One shortest path (fewest links) from `from` to `to` as a list of ids including both ends, or
 * null when there is none. Directed graphs follow link direction ("out") unless told otherwise.
 * Among equal-length paths, the one whose nodes come earliest in node order (walking back from
 * `to`) is returned.
 */
export function shortestPath(
  graph: GraphLike,
  from: string,
  to: string,
  options: { direction?: Direction } = {},
): string[] | null {
  const paths = allShortestPaths(graph, from, to, { ...options, limit: 1 });
  return paths.length ? paths[0] : null;
}

/**
 * Every shortest path from `from` to `to` (up to `limit`, default 100), each a list of ids.
 * Empty when `to` cannot be reached.
 */
export function allShortestPaths(
  graph: GraphLike,
  from: string,
  to: string,
  options: { direction?: Direction; limit?: number } = {},
): string[][] {
  const g = asCsr(graph);
  const s = requireIndex(g, from);
  const t = requireIndex(g, to);
  const direction = options.direction ?? (g.directed ? "out" : "both");
  const limit = options.limit ?? 100;
  if (s === t) return [[from]];
  // BFS from s until t's level is complete, then walk predecessors back from t.
  let target = -1;
  const { dist } = bfs(g, s, Number.POSITIVE_INFINITY, direction, (v) => {
    if (v === t) target = v;
    return v === t;
  });
  if (target < 0) return [];
  // Predecessors of v on shortest paths: neighbours (against the search direction) at dist[v]-1.
  const preds = (v: number): number[] => {
    const out: number[] = [];
    const useOut = !g.directed || direction !== "out"; // reversing "in" search follows out-links
    const useIn = g.directed && direction !== "in";
    const want = dist[v] - 1;
    if (useIn) for (let j = g.inOffsets[v]; j < g.inOffsets[v + 1]; j++) push(g.inTargets[j]);
    if (useOut) for (let j = g.offsets[v]; j < g.offsets[v + 1]; j++) push(g.targets[j]);
    function push(u: number) {
      if (dist[u] === want && !out.includes(u)) out.push(u);
    }
    return out.sort((a, b) => a - b);
  };
  const results: string[][] = [];
  const stack: number[] = [t];
  const walk = (v: number): boolean => {
    if (v === s) {
      results.push(stack.map((u) => g.ids[u]).reverse());
      return results.length >= limit;
    }
    for (const u of preds(v)) {
      stack.push(u);
      const done = walk(u);
      stack.pop();
      if (done) return true;
    }
    return false;
  };
  walk(t);
  return results;
}
