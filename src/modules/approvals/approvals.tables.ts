// Kysely types for the two-person approval of bulk exports (migration 0011).
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<unknown, string, string>;

export type ExportKind = "tracker";
export type ExportStatus = "pending" | "approved" | "refused" | "downloaded";

export interface ExportRequestsTable {
  id: string;
  reference: string;
  kind: ExportKind;
  params: Json;
  /** The filters in words, for the approver and the requester. */
  filter_text: string;
  children: number;
  reason: string;
  requested_by: string;
  agency_id: string;
  requested_at: Timestamp;
  status: ColumnType<ExportStatus, ExportStatus | undefined, ExportStatus>;
  decided_by: ColumnType<string | null, string | null | undefined, string | null>;
  decided_at: NullableTimestamp;
  decision_reason: ColumnType<string | null, string | null | undefined, string | null>;
  download_by: NullableTimestamp;
  downloaded_at: NullableTimestamp;
  version: Generated<number>;
}

declare module "../../db/schema.ts" {
  interface DB {
    export_requests: ExportRequestsTable;
  }
}
