// Kysely types for case notes (migration 0009).
import type { Generated } from "kysely";

export interface CaseNotesTable {
  id: string;
  child_id: string;
  agency_id: string;
  author_id: string;
  field_group: Generated<"narrative" | "health" | "police_intelligence" | "education">;
  occurred_at: Date | string;
  text: string;
  corrects_id: string | null;
  idempotency_key: string | null;
  created_at: Generated<Date>;
}

declare module "../../db/schema.ts" {
  interface DB {
    case_notes: CaseNotesTable;
  }
}
