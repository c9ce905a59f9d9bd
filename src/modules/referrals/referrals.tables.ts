// Kysely types for migration 0004 (referrals, joint screening, drafts, settings, risk assessments),
// added to the shared DB interface by module augmentation.
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;
type Level = "low" | "medium" | "high" | "very_high";

export interface ReferralPersonsTable {
  id: string;
  referral_id: string;
  position: number;
  name: string | null;
  description: string | null;
  approximate_age: number | null;
  sex: Generated<"female" | "male" | "other" | "unknown">;
  ethnicity: string | null;
  vehicles: Generated<string[]>;
  phones: Generated<string[]>;
  places: Generated<string[]>;
  online_accounts: Generated<string[]>;
  relationship_to_child: string | null;
  person_id: string | null;
  created_at: DefaultTimestamp;
}

export interface ScreeningParticipantsTable {
  referral_id: string;
  user_id: string;
  agency_id: string;
  joined_at: Timestamp;
}

export type Discipline =
  | "police"
  | "health"
  | "education"
  | "social_care"
  | "youth_justice"
  | "voluntary"
  | "other";
export type ContributionFieldGroup = "police_intelligence" | "health" | "education" | "narrative";
export type RiskView = Level | "not_assessed";

export interface ScreeningContributionsTable {
  id: string;
  referral_id: string;
  child_id: string | null;
  agency_id: string;
  author_id: string;
  discipline: Discipline;
  field_group: ContributionFieldGroup;
  checks_made: Generated<string[]>;
  findings: string;
  shared_summary: string;
  risk_view: RiskView;
  supersedes_id: string | null;
  recorded_at: Timestamp;
  created_at: DefaultTimestamp;
}

export interface ReferralEscalationsTable {
  id: string;
  referral_id: string;
  level: number;
  escalated_at: Timestamp;
  overdue_minutes: number;
  reason: string;
  notified_user_ids: Generated<string[]>;
  acknowledged_by: string | null;
  acknowledged_at: Timestamp | null;
}

export interface ReferralDraftsTable {
  id: string;
  user_id: string;
  data: Json;
  submitted_referral_id: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ScreeningSettingsTable {
  id: Generated<number>;
  settings: Json;
  version: Generated<number>;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
}

export interface ReferenceCountersTable {
  prefix: string;
  year: number;
  last: number;
}

declare module "../../db/schema.ts" {
  interface ReferralsTable {
    source: Generated<"professional" | "public_via_practitioner">;
    public_source_details: string | null;
    unknown_child_age: number | null;
    unknown_child_sex: "female" | "male" | "other" | "unknown" | null;
    send_status: "none" | "sen_support" | "ehcp" | "suspected" | "unknown" | null;
    disability: "yes" | "no" | "unknown" | null;
    disability_details: string | null;
    looked_after: "yes" | "no" | "unknown" | null;
    worker_gender_preference: "female" | "male" | "no_preference" | "not_asked" | null;
    parents_aware: "yes" | "no" | "not_safe" | "not_applicable" | null;
    deadline_rule: Json | null;
    screening_started_at: Timestamp | null;
    withdrawn_reason: string | null;
    withdrawn_by: string | null;
    withdrawn_at: Timestamp | null;
    escalation_level: Generated<number>;
    escalated_at: Timestamp | null;
    request_hash: string | null;
    lead_professional_id: string | null;
  }
  interface DB {
    referral_persons: ReferralPersonsTable;
    screening_participants: ScreeningParticipantsTable;
    screening_contributions: ScreeningContributionsTable;
    referral_escalations: ReferralEscalationsTable;
    referral_drafts: ReferralDraftsTable;
    screening_settings: ScreeningSettingsTable;
    reference_counters: ReferenceCountersTable;
  }
}
