// Kysely types for migration 0007 (disruption side), declared by module augmentation.
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export const TACTICS = [
  "cawn",
  "sexual_risk_order",
  "shpo",
  "slavery_trafficking_risk_order",
  "slavery_trafficking_prevention_order",
  "closure_order",
  "hotel_information_notice",
  "licensing_review",
  "injunction",
  "nrm_referral",
] as const;
export type Tactic = (typeof TACTICS)[number];

export const DISRUPTION_STATUSES = ["sought", "in_force", "refused", "ended", "withdrawn"] as const;
export type DisruptionStatus = (typeof DISRUPTION_STATUSES)[number];
export type SubjectKind = "person" | "entity" | "child";

declare module "../../db/schema.ts" {
  interface DB {
    disruptions: DisruptionsTable;
    disruption_breaches: DisruptionBreachesTable;
    disruption_warnings: DisruptionWarningsTable;
  }
}

export interface DisruptionsTable {
  id: string;
  reference: string;
  tactic: Tactic;
  subject_kind: SubjectKind;
  subject_id: string;
  child_id: string | null;
  owning_agency_id: string;
  recorded_by: string | null;
  status: Generated<DisruptionStatus>;
  applied_on: string | null;
  starts_on: string | null;
  expires_on: string | null;
  ended_on: string | null;
  conditions: string | null;
  outcome: string | null;
  notes: string | null;
  version: Generated<number>;
  idempotency_key: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface DisruptionBreachesTable {
  id: string;
  disruption_id: string;
  occurred_on: string;
  description: string;
  action_taken: string | null;
  agency_id: string;
  recorded_by: string | null;
  idempotency_key: string | null;
  created_at: DefaultTimestamp;
}

export type WarningKind = "expires_28_days" | "expires_7_days" | "expired";
export interface DisruptionWarningsTable {
  id: string;
  disruption_id: string;
  kind: WarningKind;
  expires_on: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type { Timestamp };
