// Kysely types for the contexts tables (migration 0005): peer groups, places and online spaces,
// the children linked to them and context assessments. Plans and actions aimed at a context are
// the tracker's plan_goals / plan_actions with context_id set.
import type { ColumnType } from "kysely";

type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DateCol = ColumnType<string, string, string>;
type Generated<T> = ColumnType<T, T | undefined, T>;

export type ContextKind = "peer_group" | "place" | "online_space";
export type PlaceType =
  | "park"
  | "shop"
  | "takeaway"
  | "school"
  | "transport"
  | "address"
  | "hotel"
  | "leisure"
  | "other";

export interface ContextsTable {
  id: string;
  reference: string;
  kind: ContextKind;
  name: string;
  description: string | null;
  place_type: PlaceType | null;
  location: string | null;
  postcode: string | null;
  platform: string | null;
  entity_id: string | null;
  risk_level: "high" | "medium" | "low" | null;
  status: Generated<"active" | "closed">;
  owning_agency_id: string;
  created_by: string | null;
  idempotency_key: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ContextChildrenTable {
  id: string;
  context_id: string;
  child_id: string;
  how: string;
  agency_id: string;
  linked_by: string | null;
  linked_at: Timestamp;
  ended_at: Timestamp | null;
}

export interface ContextAssessmentsTable {
  id: string;
  context_id: string;
  assessed_on: DateCol;
  risk_level: "high" | "medium" | "low";
  factors: Generated<string[]>;
  summary: string;
  recommendations: string | null;
  agency_id: string;
  assessed_by: string | null;
  created_at: DefaultTimestamp;
}

declare module "../../db/schema.ts" {
  interface DB {
    contexts: ContextsTable;
    context_children: ContextChildrenTable;
    context_assessments: ContextAssessmentsTable;
  }
}
