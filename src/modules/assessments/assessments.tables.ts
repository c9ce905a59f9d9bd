// Kysely types for risk_assessments (migration 0004), added to the shared DB interface.
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;
export type Level = "low" | "medium" | "high" | "very_high";

export interface RiskAssessmentsTable {
  id: string;
  reference: string | null;
  child_id: string;
  referral_id: string | null;
  author_id: string;
  agency_id: string;
  tool_code: string;
  tool_version: number;
  status: Generated<"draft" | "completed">;
  answers: Json;
  notes: Json;
  score: number | null;
  computed_level: Level | null;
  final_level: Level | null;
  override_reason: string | null;
  explanation: Json | null;
  cin_factors: Generated<string[]>;
  child_view: string | null;
  review_due_on: string | null;
  completed_at: Timestamp | null;
  idempotency_key: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

declare module "../../db/schema.ts" {
  interface DB {
    risk_assessments: RiskAssessmentsTable;
  }
}
