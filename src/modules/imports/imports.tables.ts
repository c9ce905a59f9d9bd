// Kysely types for imports (migration 0008): sources with saved mappings, batches, files, row
// errors and the source records themselves.
import type { ColumnType, Generated } from "kysely";

type Json = ColumnType<unknown, string | undefined, string>;
type Stamp = ColumnType<Date, Date | string, Date | string>;
type DefaultStamp = ColumnType<Date, Date | string | undefined, Date | string>;

export const IMPORT_KINDS = [
  "extract",
  "tracker",
  "ssda903_header",
  "ssda903_episodes",
  "ssda903_missing",
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const SUBJECTS = ["child", "person"] as const;
export type Subject = (typeof SUBJECTS)[number];
export const BATCH_STATUSES = [
  "uploaded",
  "validating",
  "validated",
  "importing",
  "imported",
  "cancelled",
  "failed",
  "duplicate",
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
export type RecordType = "child" | "person" | "episode" | "missing";

export interface ImportSourcesTable {
  id: string;
  agency_id: string;
  name: string;
  kind: ImportKind;
  subject: Generated<Subject>;
  mapping: Json;
  version: Generated<number>;
  created_by: string | null;
  created_at: DefaultStamp;
  updated_at: DefaultStamp;
}

export interface ImportBatchesTable {
  id: string;
  reference: string;
  source_id: string;
  agency_id: string;
  filename: string | null;
  format: "csv" | "xlsx";
  file_hash: string;
  file_size: number;
  status: Generated<BatchStatus>;
  header: Generated<string[]>;
  mapping: Json | null;
  rows_total: number | null;
  rows_valid: number | null;
  rows_invalid: number | null;
  rows_done: Generated<number>;
  rows_inserted: Generated<number>;
  rows_updated: Generated<number>;
  rows_unchanged: Generated<number>;
  only_valid: Generated<boolean>;
  duplicate_of: string | null;
  error: string | null;
  uploaded_by: string;
  uploaded_at: Stamp;
  decided_by: string | null;
  decided_at: Stamp | null;
  finished_at: Stamp | null;
  version: Generated<number>;
}

export interface ImportFilesTable {
  batch_id: string;
  content: Uint8Array;
}

export interface ImportRowErrorsTable {
  id: Generated<number>;
  batch_id: string;
  row_number: number;
  field: string;
  value: string | null;
  reason: string;
}

export interface SourceRecordsTable {
  id: string;
  agency_id: string;
  source_id: string;
  batch_id: string;
  record_type: RecordType;
  row_number: number;
  row_key: string;
  content_hash: string;
  parent_key: string | null;
  raw: Json;
  std: Json;
  superseded_by: string | null;
  superseded_at: Stamp | null;
  created_at: DefaultStamp;
}

declare module "../../db/schema.ts" {
  interface DB {
    import_sources: ImportSourcesTable;
    import_batches: ImportBatchesTable;
    import_files: ImportFilesTable;
    import_row_errors: ImportRowErrorsTable;
    source_records: SourceRecordsTable;
  }
}
