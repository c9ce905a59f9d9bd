// Kysely types for migration 0007 (intelligence side): the columns added to persons_of_concern,
// entities and links, and the new tables. Declared by module augmentation so src/db/schema.ts
// stays the foundation's file.
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

declare module "../../db/schema.ts" {
  interface PersonsOfConcernTable {
    disability: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
    created_by: ColumnType<string | null, string | null | undefined, string | null>;
    idempotency_key: ColumnType<string | null, string | null | undefined, string | null>;
    updated_at: DefaultTimestamp;
  }
  interface EntitiesTable {
    version: Generated<number>;
    created_by: ColumnType<string | null, string | null | undefined, string | null>;
    idempotency_key: ColumnType<string | null, string | null | undefined, string | null>;
    updated_at: DefaultTimestamp;
  }
  interface LinksTable {
    intelligence_report_id: ColumnType<string | null, string | null | undefined, string | null>;
    derived_rule: ColumnType<string | null, string | null | undefined, string | null>;
    explanation: ColumnType<string | null, string | null | undefined, string | null>;
    created_by: ColumnType<string | null, string | null | undefined, string | null>;
    idempotency_key: ColumnType<string | null, string | null | undefined, string | null>;
  }
  interface DB {
    intelligence_reports: IntelligenceReportsTable;
    intelligence_report_originals: IntelligenceReportOriginalsTable;
    intelligence_permissions: IntelligencePermissionsTable;
    intelligence_report_subjects: IntelligenceReportSubjectsTable;
    chart_pins: ChartPinsTable;
  }
}

export type SourceEvaluation = "1" | "2" | "3";
export type IntelligenceAssessment = "A" | "B" | "C" | "D" | "E";
export type HandlingCode = "P" | "C";

export interface IntelligenceReportsTable {
  id: string;
  reference: string;
  originating_agency_id: string;
  submitted_by: string | null;
  submitted_at: Timestamp;
  intelligence_date: string | null;
  source_evaluation: SourceEvaluation;
  intelligence_assessment: IntelligenceAssessment;
  handling_code: HandlingCode;
  handling_conditions: string | null;
  sanitised_text: string | null;
  sanitised_by: string | null;
  sanitised_at: Timestamp | null;
  version: Generated<number>;
  idempotency_key: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface IntelligenceReportOriginalsTable {
  report_id: string;
  original_text: string;
}

export interface IntelligencePermissionsTable {
  id: string;
  report_id: string;
  originating_agency_id: string;
  agency_id: string;
  granted_by: string | null;
  granted_at: DefaultTimestamp;
  conditions: string | null;
}

export type NodeKindColumn = "child" | "person" | "entity";

export interface IntelligenceReportSubjectsTable {
  id: string;
  report_id: string;
  node_kind: NodeKindColumn;
  node_id: string;
  created_at: DefaultTimestamp;
}

export interface ChartPinsTable {
  id: string;
  user_id: string;
  node_kind: NodeKindColumn;
  node_id: string;
  note: string | null;
  x: number | null;
  y: number | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}
