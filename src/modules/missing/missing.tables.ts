// Kysely types for migration 0005's missing-episode columns and the missing module's tables:
// return-home interviews, placements and out-of-area notifications.
import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateCol = ColumnType<string, string, string>;
type Generated<T> = ColumnType<T, T | undefined, T>;

export type RhiOutcome = "offered" | "completed" | "declined" | "not_completed";

export interface ReturnInterviewsTable {
  id: string;
  episode_id: string;
  child_id: string;
  provider_agency_id: string;
  interviewer: string;
  independent: boolean;
  outcome: RhiOutcome;
  offered_at: Timestamp;
  completed_at: Timestamp | null;
  declined_at: Timestamp | null;
  child_account: string | null;
  follow_up: string | null;
  recorded_by: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface PlacementsTable {
  id: string;
  child_id: string;
  placement_type: string;
  placing_authority: string;
  host_authority: string | null;
  address: string | null;
  postcode: string | null;
  out_of_area: Generated<boolean>;
  started_on: DateCol;
  ended_on: DateCol | null;
  agency_id: string;
  recorded_by: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
}

export interface OutOfAreaNotificationsTable {
  id: string;
  placement_id: string;
  child_id: string;
  host_authority: string;
  notified_at: Timestamp;
  method: "secure_email" | "letter" | "phone" | "portal";
  contact: string | null;
  acknowledged_at: Timestamp | null;
  reference: string | null;
  agency_id: string;
  recorded_by: string | null;
  created_at: DefaultTimestamp;
}

declare module "../../db/schema.ts" {
  interface MissingEpisodesTable {
    reported_by: ColumnType<string | null, string | null | undefined, string | null>;
    recorded_by: ColumnType<string | null, string | null | undefined, string | null>;
    circumstances: ColumnType<string | null, string | null | undefined, string | null>;
    return_recorded_by: ColumnType<string | null, string | null | undefined, string | null>;
    idempotency_key: ColumnType<string | null, string | null | undefined, string | null>;
    updated_at: DefaultTimestamp;
  }
  interface DB {
    return_interviews: ReturnInterviewsTable;
    placements: PlacementsTable;
    out_of_area_notifications: OutOfAreaNotificationsTable;
  }
}
