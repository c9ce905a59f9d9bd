// Kysely types for the language module's tables (migration 0006_language.sql).
import type { ColumnType, Generated } from "kysely";

type Json = ColumnType<unknown, string, string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type DictionaryAction = "seed" | "update" | "add" | "edit" | "retire" | "restore";

export interface LanguageDictionaryVersionsTable {
  version: number;
  label: string;
  action: DictionaryAction;
  entry_id: string | null;
  summary: string;
  shipped_version: string | null;
  macros: ColumnType<unknown, string | null, string | null>;
  created_by: string | null;
  created_at: DefaultTimestamp;
}

export interface LanguageEntriesTable {
  entry_id: string;
  dictionary_version: number;
  entry_version: number;
  position: number;
  active: boolean;
  data: Json;
  source: "shipped" | "admin";
  created_by: string | null;
  created_at: DefaultTimestamp;
}

export interface LanguageChecksTable {
  id: string;
  checked_at: ColumnType<Date, Date | string, Date | string>;
  agency_id: string;
  team: string | null;
  user_id: string;
  record_type: string;
  record_id: string;
  field: string;
  word_count: number;
  flag_count: number;
  kept_count: number;
  dictionary_version: string;
}

export interface LanguageFlagsTable {
  id: string;
  check_id: string;
  checked_at: ColumnType<Date, Date | string, Date | string>;
  agency_id: string;
  team: string | null;
  user_id: string;
  record_type: string;
  record_id: string;
  field: string;
  dictionary_version: string;
  entry_id: string;
  category: string;
  phrase: string;
  start_offset: number;
  end_offset: number;
  kept: Generated<boolean>;
  reason: string | null;
}

export interface LanguageBriefingsTable {
  id: string;
  held_on: ColumnType<string, string, string>;
  title: string;
  agency_id: string | null;
  created_by: string;
  created_at: DefaultTimestamp;
}

declare module "../../db/schema.ts" {
  interface DB {
    language_dictionary_versions: LanguageDictionaryVersionsTable;
    language_entries: LanguageEntriesTable;
    language_checks: LanguageChecksTable;
    language_flags: LanguageFlagsTable;
    language_briefings: LanguageBriefingsTable;
  }
}
