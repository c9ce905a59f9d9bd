// Input and output types of the graph engine. A Lantern link chart is a graph of typed entities
// (children, people, places, vehicles, phones, online accounts, organisations) joined by typed,
// dated, weighted links.

export const ENTITY_TYPES = [
  "child",
  "person",
  "location",
  "vehicle",
  "phone",
  "online_account",
  "organisation",
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** One entity on the chart. */
export interface EntityInput {
  id: string;
  type: EntityType;
  label?: string;
  /** Anything else the caller wants carried on the node (never used by the algorithms). */
  attributes?: Record<string, unknown>;
}

/** Dates: an ISO 8601 date ("2024-03-01") or date-time, a Date, or epoch milliseconds. */
export type DateLike = string | number | Date;

/** One link between two entities. `from`/`to` bound when it was active; missing = open-ended. */
export interface LinkInput {
  id?: string;
  source: string;
  target: string;
  /** e.g. "associate", "seen_at", "uses", "owns", "called", "family", "member_of". */
  type: string;
  from?: DateLike | null;
  to?: DateLike | null;
  /** Tie strength (> 0, default 1). Used by Louvain/modularity and weighted degree. */
  weight?: number;
}

export interface NodeAttributes {
  type: EntityType;
  label: string;
  [key: string]: unknown;
}

export interface EdgeAttributes {
  type: string;
  weight: number;
  /** Epoch ms of the start of the active period, or null when open. */
  start: number | null;
  /** Epoch ms of the end of the active period (inclusive), or null when open. */
  end: number | null;
  [key: string]: unknown;
}

/** Thrown for bad input (unknown entity type, link to a missing entity, bad weight or date…). */
export class GraphInputError extends Error {
  override name = "GraphInputError";
}

/** A value per node, best first, as used for "top N" tables. */
export interface RankedNode {
  id: string;
  value: number;
}
