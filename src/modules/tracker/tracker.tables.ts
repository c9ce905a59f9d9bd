// Kysely types for the tracker's tables (migration 0005): the MACE panel, cohort entries and
// reviews, plan goals and actions (for a child or a context), meetings and alerts.
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;
/** A date column (yyyy-MM-dd): the pg driver is told to return dates as strings (see database.ts). */
type DateCol = ColumnType<string, string, string>;

export type RiskLevel = "high" | "medium" | "low";
export type RiskTrend = "new" | "increasing" | "stable" | "decreasing";
export type ActionStatus = "open" | "in_progress" | "done" | "cancelled";
export type LeavingOutcome =
  | "risk_reduced"
  | "stepped_down"
  | "moved_area"
  | "adult_services"
  | "custody"
  | "other";
export type MeetingKind = "mace_panel" | "strategy_discussion" | "review";
export type AgendaReason = "review_due" | "new_entry" | "escalation" | "added";
export type AlertKind =
  | "rhi_due"
  | "rhi_overdue"
  | "action_overdue"
  | "action_escalated"
  | "review_due"
  | "missing_now";

export interface MacePanelMembersTable {
  id: string;
  user_id: string;
  added_by: string | null;
  added_at: Timestamp;
  ended_at: Timestamp | null;
}

export interface CohortEntriesTable {
  id: string;
  child_id: string;
  referral_id: string | null;
  source: "screening" | "direct";
  reason: string;
  concern_types: Generated<string[]>;
  lead_agency_id: string;
  lead_professional: string | null;
  risk_level: RiskLevel;
  risk_trend: Generated<RiskTrend>;
  last_review_on: DateCol | null;
  next_review_on: DateCol;
  added_at: Timestamp;
  added_by: string;
  added_by_agency_id: string;
  status: Generated<"open" | "left">;
  left_at: Timestamp | null;
  left_by: string | null;
  leaving_reason: string | null;
  leaving_outcome: LeavingOutcome | null;
  idempotency_key: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface CohortReviewsTable {
  id: string;
  cohort_entry_id: string;
  child_id: string;
  meeting_id: string | null;
  reviewed_at: Timestamp;
  reviewed_by: string;
  agency_id: string;
  risk_level: RiskLevel;
  risk_trend: RiskTrend;
  lead_agency_id: string;
  lead_professional: string | null;
  next_review_on: DateCol;
  note: string | null;
  created_at: DefaultTimestamp;
}

export interface PlanGoalsTable {
  id: string;
  cohort_entry_id: string | null;
  context_id: string | null;
  child_id: string | null;
  text: string;
  status: Generated<"open" | "achieved" | "no_longer_needed">;
  agency_id: string;
  created_by: string | null;
  created_at: DefaultTimestamp;
  version: Generated<number>;
}

export interface PlanActionsTable {
  id: string;
  cohort_entry_id: string | null;
  context_id: string | null;
  child_id: string | null;
  goal_id: string | null;
  text: string;
  owner_agency_id: string;
  owner_name: string | null;
  due_on: DateCol;
  status: Generated<ActionStatus>;
  evidence: string | null;
  completed_at: Timestamp | null;
  escalation_level: Generated<number>;
  escalated_at: Timestamp | null;
  source_meeting_id: string | null;
  source_minute_id: string | null;
  created_by: string | null;
  created_by_agency_id: string;
  idempotency_key: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  updated_by: string | null;
}

export interface ActionUpdatesTable {
  id: string;
  action_id: string;
  child_id: string | null;
  at: Timestamp;
  user_id: string | null;
  agency_id: string | null;
  status: string;
  note: string | null;
  kind: Generated<"created" | "update" | "escalated">;
}

export interface MeetingsTable {
  id: string;
  reference: string;
  kind: MeetingKind;
  title: string;
  held_at: Timestamp;
  location: string | null;
  chair: string | null;
  status: Generated<"planned" | "held" | "closed">;
  owning_agency_id: string;
  created_by: string | null;
  agenda_built_at: Timestamp | null;
  idempotency_key: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
}

export interface MeetingItemsTable {
  id: string;
  meeting_id: string;
  position: number;
  child_id: string;
  cohort_entry_id: string | null;
  reasons: Generated<string[]>;
  reason_detail: string | null;
  created_at: DefaultTimestamp;
}

export interface MeetingAttendanceTable {
  id: string;
  meeting_id: string;
  agency_id: string;
  person_name: string;
  role: string | null;
  attendance: "present" | "apologies" | "absent";
  recorded_by: string | null;
  created_at: DefaultTimestamp;
}

export interface MeetingMinutesTable {
  id: string;
  meeting_id: string;
  item_id: string;
  child_id: string;
  cohort_entry_id: string | null;
  summary: string;
  child_voice: string | null;
  risk_level: RiskLevel | null;
  risk_trend: RiskTrend | null;
  next_review_on: DateCol | null;
  language_flags: Json;
  language_checked: Generated<boolean>;
  language_dictionary: string | null;
  recorded_by: string | null;
  agency_id: string;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface MeetingDecisionsTable {
  id: string;
  minute_id: string;
  meeting_id: string;
  child_id: string;
  text: string;
  action_id: string | null;
  created_at: DefaultTimestamp;
}

export interface FollowUpAlertsTable {
  id: string;
  kind: AlertKind;
  child_id: string | null;
  record_type: string;
  record_id: string;
  agency_id: string | null;
  message: string;
  raised_at: Timestamp;
  resolved_at: Timestamp | null;
  dedupe_key: string;
}

declare module "../../db/schema.ts" {
  interface DB {
    mace_panel_members: MacePanelMembersTable;
    cohort_entries: CohortEntriesTable;
    cohort_reviews: CohortReviewsTable;
    plan_goals: PlanGoalsTable;
    plan_actions: PlanActionsTable;
    action_updates: ActionUpdatesTable;
    meetings: MeetingsTable;
    meeting_items: MeetingItemsTable;
    meeting_attendance: MeetingAttendanceTable;
    meeting_minutes: MeetingMinutesTable;
    meeting_decisions: MeetingDecisionsTable;
    follow_up_alerts: FollowUpAlertsTable;
  }
}
