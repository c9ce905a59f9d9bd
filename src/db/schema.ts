// Kysely table types: the TypeScript view of src/db/migrations. Keep in step with the SQL.
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;

export type AgencyKind =
  | "police"
  | "social_care"
  | "health"
  | "school"
  | "youth_justice"
  | "voluntary"
  | "council"
  | "partnership";

export interface AgenciesTable {
  id: string;
  code: string;
  name: string;
  kind: AgencyKind;
  contact_email: string | null;
  contact_phone: string | null;
  created_at: DefaultTimestamp;
}

export interface UsersTable {
  id: string;
  agency_id: string;
  email: string;
  display_name: string;
  job_title: string | null;
  team: string | null;
  roles: string[];
  password_hash: string;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: DefaultTimestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: DefaultTimestamp;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  email: string;
  ip: string | null;
  at: DefaultTimestamp;
  success: boolean;
}

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "dead";
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: Json;
  status: Generated<JobStatus>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  run_at: DefaultTimestamp;
  locked_at: Timestamp | null;
  locked_by: string | null;
  last_error: string | null;
  result: Json | null;
  dedupe_key: string | null;
  created_at: DefaultTimestamp;
  finished_at: Timestamp | null;
}

export type Sex = "female" | "male" | "other" | "unknown";
export type SendStatus = "none" | "sen_support" | "ehcp" | "unknown";

export interface ChildrenTable {
  id: string;
  reference: string;
  owning_agency_id: string;
  given_name: string | null;
  family_name: string | null;
  other_names: string | null;
  date_of_birth: string | null;
  sex: Generated<Sex>;
  gender_identity: string | null;
  ethnicity: string | null;
  nhs_number: string | null;
  upn: string | null;
  first_language: string | null;
  send_status: Generated<SendStatus>;
  disability: boolean | null;
  looked_after: Generated<boolean>;
  placing_authority: string | null;
  placement_type: string | null;
  out_of_area: Generated<boolean>;
  school_agency_id: string | null;
  home_address: string | null;
  home_postcode: string | null;
  placement_address: string | null;
  placement_postcode: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ReferralsTable {
  id: string;
  reference: string;
  kind: Generated<"child" | "unknown_child" | "intelligence">;
  child_id: string | null;
  unknown_child_description: string | null;
  referrer_user_id: string | null;
  referrer_agency_id: string;
  received_at: Timestamp;
  concern_types: string[];
  urgency: "immediate" | "high" | "medium" | "low";
  indicators: Generated<string[]>;
  what_happened: string;
  child_voice: string | null;
  child_wishes: string | null;
  status: Generated<"awaiting_screening" | "in_screening" | "decided" | "withdrawn">;
  screening_due_at: Timestamp | null;
  decision: "no_further_action" | "single_agency" | "strategy_discussion" | "mace" | "nrm_referral" | null;
  decision_rationale: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  idempotency_key: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface MissingEpisodesTable {
  id: string;
  child_id: string;
  reported_by_agency_id: string;
  kind: Generated<"missing" | "absent">;
  missing_from: string | null;
  started_at: Timestamp;
  reported_at: Timestamp | null;
  ended_at: Timestamp | null;
  found_location: string | null;
  found_with: string | null;
  risk: "high" | "medium" | "low" | null;
  police_reference: string | null;
  rhi_status: Generated<"not_due" | "due" | "offered" | "completed" | "declined" | "not_completed">;
  rhi_offered_at: Timestamp | null;
  rhi_completed_at: Timestamp | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
}

export interface PersonsOfConcernTable {
  id: string;
  reference: string;
  owning_agency_id: string;
  given_name: string | null;
  family_name: string | null;
  aliases: Generated<string[]>;
  date_of_birth: string | null;
  estimated_age: number | null;
  sex: Generated<Sex>;
  ethnicity: string | null;
  description: string | null;
  registered_sex_offender: Generated<boolean>;
  version: Generated<number>;
  created_at: DefaultTimestamp;
}

export interface EntitiesTable {
  id: string;
  kind: "location" | "vehicle" | "phone" | "online_account" | "organisation";
  label: string;
  subtype: string | null;
  attributes: Generated<Json>;
  owning_agency_id: string;
  created_at: DefaultTimestamp;
}

export type NodeKind = "child" | "person" | "entity";
export interface LinksTable {
  id: string;
  from_kind: NodeKind;
  from_id: string;
  to_kind: NodeKind;
  to_id: string;
  link_type: string;
  valid_from: string | null;
  valid_to: string | null;
  source_agency_id: string;
  provenance: string | null;
  grading: string | null;
  derived: Generated<boolean>;
  created_at: DefaultTimestamp;
}

export type RelationshipKind =
  | "allocated_worker"
  | "screening_participant"
  | "mace_panel"
  | "referrer"
  | "break_glass";
export interface RelationshipsTable {
  id: string;
  user_id: string;
  child_id: string;
  kind: RelationshipKind;
  reason: string;
  starts_at: DefaultTimestamp;
  ends_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface BreakGlassTable {
  id: string;
  user_id: string;
  child_id: string;
  reason: string;
  granted_at: Timestamp;
  expires_at: Timestamp;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  review_outcome: "justified" | "not_justified" | null;
  review_note: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  occurred_at: DefaultTimestamp;
  user_id: string | null;
  agency_id: string | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  child_id: string | null;
  field_groups: string[];
  reason: string | null;
  request_id: string | null;
  ip: string | null;
  details: Json;
  prev_hash: string;
  hash: string;
}

export interface SchemaMigrationsTable {
  name: string;
  checksum: string;
  applied_at: DefaultTimestamp;
}

export interface DB {
  agencies: AgenciesTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  jobs: JobsTable;
  children: ChildrenTable;
  referrals: ReferralsTable;
  missing_episodes: MissingEpisodesTable;
  persons_of_concern: PersonsOfConcernTable;
  entities: EntitiesTable;
  links: LinksTable;
  relationships: RelationshipsTable;
  break_glass: BreakGlassTable;
  audit_log: AuditLogTable;
  schema_migrations: SchemaMigrationsTable;
}

export type User = Selectable<UsersTable>;
export type Agency = Selectable<AgenciesTable>;
export type Child = Selectable<ChildrenTable>;
export type NewChild = Insertable<ChildrenTable>;
