// Kysely types for linkage runs and the master child index (migration 0008).
import type { ColumnType, Generated } from "kysely";

type Json = ColumnType<unknown, string | undefined, string>;
type Stamp = ColumnType<Date, Date | string, Date | string>;

export type NodeKind = "child" | "record";
export type RunStatus = "queued" | "running" | "succeeded" | "failed";
export type PairStatus = "open" | "linked" | "resolved" | "accepted" | "merged" | "rejected" | "superseded";
export type LinkStatus = "auto" | "accepted" | "merged" | "rejected" | "split";
export type DecisionKind = "auto" | "accept" | "reject" | "merge" | "split" | "create_child" | "undo";

export interface LinkageRunsTable {
  id: string;
  reference: string;
  status: Generated<RunStatus>;
  threshold: number;
  review_threshold: number;
  parameters: Json;
  phase: string | null;
  records: number | null;
  children: number | null;
  candidate_pairs: number | null;
  auto_links: number | null;
  review_pairs: number | null;
  new_groups: number | null;
  error: string | null;
  started_by: string | null;
  created_at: Stamp;
  started_at: Stamp | null;
  finished_at: Stamp | null;
}

export interface LinkagePairsTable {
  id: string;
  run_id: string;
  left_kind: NodeKind;
  left_id: string;
  right_kind: NodeKind;
  right_id: string;
  match_probability: number;
  match_weight: number;
  band: "match" | "review";
  reason: string | null;
  conflicts: Generated<string[]>;
  explanation: Json;
  status: Generated<PairStatus>;
  decision_id: string | null;
  version: Generated<number>;
}

export interface MasterDecisionsTable {
  id: string;
  kind: DecisionKind;
  run_id: string | null;
  pair_id: string | null;
  child_id: string | null;
  other_child_id: string | null;
  source_record_id: string | null;
  reason: string | null;
  details: Json;
  decided_by: string | null;
  decided_at: Stamp;
  undoes: string | null;
  undone_by: string | null;
  undone_at: Stamp | null;
}

export interface MasterLinksTable {
  id: string;
  source_record_id: string;
  child_id: string;
  status: LinkStatus;
  match_probability: number | null;
  run_id: string | null;
  decision_id: string;
  created_at: Stamp;
  ended_at: Stamp | null;
  ended_by: string | null;
}

export interface LinkageExclusionsTable {
  id: string;
  a_kind: NodeKind;
  a_id: string;
  b_kind: NodeKind;
  b_id: string;
  decision_id: string;
  created_at: Stamp;
  ended_at: Stamp | null;
  ended_by: string | null;
}

export interface ChildMergesTable {
  id: string;
  from_child_id: string;
  into_child_id: string;
  decision_id: string;
  created_at: Stamp;
  ended_at: Stamp | null;
  ended_by: string | null;
}

declare module "../../db/schema.ts" {
  interface DB {
    linkage_runs: LinkageRunsTable;
    linkage_pairs: LinkagePairsTable;
    master_decisions: MasterDecisionsTable;
    master_links: MasterLinksTable;
    linkage_exclusions: LinkageExclusionsTable;
    child_merges: ChildMergesTable;
  }
}
