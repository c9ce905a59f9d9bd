// Building the link chart as a graphology graph (typed entities, typed dated weighted links),
// slicing it in time, taking induced subgraphs, and converting it to the CSR form the
// algorithms run on.
import { MultiDirectedGraph, MultiUndirectedGraph } from "graphology";
import type { AbstractGraph, Attributes } from "graphology-types";
import { type CsrGraph, csrFromIndexedEdges } from "./csr.ts";
import {
  type DateLike,
  type EdgeAttributes,
  ENTITY_TYPES,
  type EntityInput,
  type EntityType,
  GraphInputError,
  type LinkInput,
  type NodeAttributes,
} from "./types.ts";

/** The link chart: a graphology multigraph (several links may join the same two entities). */
export type LinkGraph = AbstractGraph<NodeAttributes, EdgeAttributes>;
/** Anything the algorithms accept: a CSR graph, or any graphology graph (converted on each call). */
export type GraphLike = CsrGraph | AbstractGraph<Attributes, Attributes>;

export interface BuildOptions {
  /** Links have a direction (e.g. "called", "sent money to"). Default false. */
  directed?: boolean;
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const entityTypes = new Set<string>(ENTITY_TYPES);

/**
 * Parses a date bound to epoch ms. A date without a time ("2024-03-01") is a whole UTC calendar
 * day: as a start it means 00:00:00.000, as an end 23:59:59.999. Date-times should carry an offset
 * (without one, JavaScript reads them as local time).
 */
export function parseDateBound(value: DateLike, bound: "start" | "end"): number {
  let ms: number;
  if (typeof value === "number") ms = value;
  else if (value instanceof Date) ms = value.getTime();
  else {
    const m = DATE_ONLY.exec(value.trim());
    if (m) {
      const y = Number(m[1]);
      const mo = Number(m[2]);
      const d = Number(m[3]);
      ms = Date.UTC(y, mo - 1, d);
      const check = new Date(ms);
      if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
        ms = Number.NaN;
      else if (bound === "end") ms += DAY_MS - 1;
    } else ms = Date.parse(value);
  }
  if (!Number.isFinite(ms)) throw new GraphInputError(`not a valid date: ${String(value)}`);
  return ms;
}

/** Builds the link chart. Throws GraphInputError on duplicate/unknown ids, bad types, weights or dates. */
export function buildGraph(
  entities: readonly EntityInput[],
  links: readonly LinkInput[],
  options: BuildOptions = {},
): LinkGraph {
  const graph: LinkGraph = options.directed
    ? new MultiDirectedGraph<NodeAttributes, EdgeAttributes>()
    : new MultiUndirectedGraph<NodeAttributes, EdgeAttributes>();
  for (const e of entities) {
    if (typeof e.id !== "string" || e.id === "") throw new GraphInputError("an entity has no id");
    if (!entityTypes.has(e.type))
      throw new GraphInputError(
        `entity ${e.id} has unknown type "${String(e.type)}" (expected ${ENTITY_TYPES.join(", ")})`,
      );
    if (graph.hasNode(e.id)) throw new GraphInputError(`entity ${e.id} appears twice`);
    graph.addNode(e.id, { ...e.attributes, type: e.type as EntityType, label: e.label ?? e.id });
  }
  links.forEach((l, i) => {
    const name = l.id ?? `#${i + 1}`;
    if (!graph.hasNode(l.source))
      throw new GraphInputError(`link ${name} starts at unknown entity ${l.source}`);
    if (!graph.hasNode(l.target))
      throw new GraphInputError(`link ${name} ends at unknown entity ${l.target}`);
    if (typeof l.type !== "string" || l.type === "") throw new GraphInputError(`link ${name} has no type`);
    const weight = l.weight ?? 1;
    if (!(Number.isFinite(weight) && weight > 0))
      throw new GraphInputError(`link ${name} has weight ${weight}; weights must be positive numbers`);
    let start: number | null;
    let end: number | null;
    try {
      start = l.from == null ? null : parseDateBound(l.from, "start");
      end = l.to == null ? null : parseDateBound(l.to, "end");
    } catch (err) {
      throw new GraphInputError(`link ${name}: ${(err as Error).message}`);
    }
    if (start !== null && end !== null && end < start)
      throw new GraphInputError(`link ${name} ends before it starts`);
    const attrs: EdgeAttributes = { type: l.type, weight, start, end };
    if (l.id !== undefined) {
      if (graph.hasEdge(l.id)) throw new GraphInputError(`link ${l.id} appears twice`);
      graph.addEdgeWithKey(l.id, l.source, l.target, attrs);
    } else graph.addEdge(l.source, l.target, attrs);
  });
  return graph;
}

export interface TimeWindow {
  /** Start of the window (inclusive); open when missing. */
  from?: DateLike | null;
  /** End of the window (inclusive; a date-only value includes that whole day); open when missing. */
  to?: DateLike | null;
}

/** Is a link with these bounds active at some moment in the window? (Missing bounds are open.) */
export function isActiveIn(start: number | null, end: number | null, window: TimeWindow): boolean {
  const wFrom = window.from == null ? Number.NEGATIVE_INFINITY : parseDateBound(window.from, "start");
  const wTo = window.to == null ? Number.POSITIVE_INFINITY : parseDateBound(window.to, "end");
  return (end ?? Number.POSITIVE_INFINITY) >= wFrom && (start ?? Number.NEGATIVE_INFINITY) <= wTo;
}

/**
 * The chart as it was in a time window: only links active at some point in [from, to].
 * Entities left without any active link are dropped unless `isolated: "keep"`.
 */
export function timeSlice(
  graph: LinkGraph,
  window: TimeWindow,
  options: { isolated?: "drop" | "keep" } = {},
): LinkGraph {
  const wFrom = window.from == null ? Number.NEGATIVE_INFINITY : parseDateBound(window.from, "start");
  const wTo = window.to == null ? Number.POSITIVE_INFINITY : parseDateBound(window.to, "end");
  if (wTo < wFrom) throw new GraphInputError("the time window ends before it starts");
  const out = graph.emptyCopy() as LinkGraph;
  graph.forEachEdge((key, attrs, source, target) => {
    if ((attrs.end ?? Number.POSITIVE_INFINITY) >= wFrom && (attrs.start ?? Number.NEGATIVE_INFINITY) <= wTo)
      out.addEdgeWithKey(key, source, target, { ...attrs });
  });
  if (options.isolated !== "keep") {
    for (const node of out.nodes()) if (out.degree(node) === 0) out.dropNode(node);
  }
  return out;
}

/** The subgraph induced by `nodes`: those entities and every link between two of them. */
export function inducedSubgraph(graph: LinkGraph, nodes: Iterable<string>): LinkGraph {
  const keep = new Set(nodes);
  const out = graph.nullCopy() as LinkGraph;
  graph.forEachNode((node, attrs) => {
    if (keep.has(node)) out.addNode(node, { ...attrs });
  });
  graph.forEachEdge((key, attrs, source, target) => {
    if (keep.has(source) && keep.has(target)) out.addEdgeWithKey(key, source, target, { ...attrs });
  });
  return out;
}

/**
 * Converts any graphology graph to CSR (node order = graph order). Parallel links are merged
 * with their weights summed; self-loops are dropped. A mixed graph becomes directed, each
 * undirected edge giving two arcs.
 */
export function csrFromGraph(
  graph: AbstractGraph<Attributes, Attributes>,
  options: { weightAttribute?: string } = {},
): CsrGraph {
  const key = options.weightAttribute ?? "weight";
  const ids = graph.nodes();
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) index.set(ids[i], i);
  const directed = graph.type !== "undirected";
  const size = graph.size + graph.undirectedSize;
  const src = new Int32Array(size);
  const dst = new Int32Array(size);
  const wt = new Float64Array(size);
  let e = 0;
  graph.forEachEdge((_edge, attrs, source, target, _sa, _ta, undirected) => {
    const raw = attrs[key];
    const w = typeof raw === "number" && Number.isFinite(raw) && raw > 0 ? raw : 1;
    const s = index.get(source)!;
    const t = index.get(target)!;
    src[e] = s;
    dst[e] = t;
    wt[e++] = w;
    if (directed && undirected) {
      src[e] = t;
      dst[e] = s;
      wt[e++] = w;
    }
  });
  return csrFromIndexedEdges({
    n: ids.length,
    source: src,
    target: dst,
    weight: wt,
    count: e,
    ids,
    directed,
  });
}

export function isCsr(g: GraphLike): g is CsrGraph {
  return (g as CsrGraph).kind === "csr";
}

/** The CSR form of `g` (itself when already CSR). Convert once with csrFromGraph for repeated work. */
export function asCsr(g: GraphLike): CsrGraph {
  return isCsr(g) ? g : csrFromGraph(g);
}
