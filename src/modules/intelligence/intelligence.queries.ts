// Intelligence queries: persons of concern, entities, links, reports, pins. No rules here.
import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.ts";
import "./intelligence.tables.ts";
import "../disruption/disruption.tables.ts";

export type LinkRow = {
  id: string;
  from_kind: "child" | "person" | "entity";
  from_id: string;
  to_kind: "child" | "person" | "entity";
  to_id: string;
  link_type: string;
  valid_from: string | null;
  valid_to: string | null;
  source_agency_id: string;
  source_agency: string;
  provenance: string | null;
  grading: string | null;
  derived: boolean;
  derived_rule: string | null;
  explanation: string | null;
  intelligence_report_id: string | null;
  from_entity_kind: string | null;
  to_entity_kind: string | null;
};

export type LinkFilter = {
  from?: string;
  to?: string;
  linkTypes?: readonly string[];
  derived?: "include" | "exclude" | "only";
};

const linkSelect = sql`l.id, l.from_kind, l.from_id, l.to_kind, l.to_id, l.link_type,
  l.valid_from, l.valid_to, l.source_agency_id, a.name as source_agency, l.provenance, l.grading,
  l.derived, l.derived_rule, l.explanation, l.intelligence_report_id,
  ef.kind as from_entity_kind, et.kind as to_entity_kind`;
const linkFrom = sql`links l
  join agencies a on a.id = l.source_agency_id
  left join entities ef on l.from_kind = 'entity' and ef.id = l.from_id
  left join entities et on l.to_kind = 'entity' and et.id = l.to_id`;

function filterSql(f: LinkFilter) {
  const parts = [sql`true`];
  if (f.from) parts.push(sql`(l.valid_to is null or l.valid_to >= ${f.from}::date)`);
  if (f.to) parts.push(sql`(l.valid_from is null or l.valid_from <= ${f.to}::date)`);
  if (f.linkTypes?.length) parts.push(sql`l.link_type = any(${[...f.linkTypes]}::text[])`);
  if (f.derived === "exclude") parts.push(sql`not l.derived`);
  if (f.derived === "only") parts.push(sql`l.derived`);
  return sql.join(parts, sql` and `);
}

/** Links with an end among `ids`. */
export async function linksTouching(db: Kysely<DB>, ids: readonly string[], f: LinkFilter) {
  if (!ids.length) return [];
  const list = [...ids];
  const r = await sql<LinkRow>`select ${linkSelect} from ${linkFrom}
    where (l.from_id = any(${list}::uuid[]) or l.to_id = any(${list}::uuid[])) and ${filterSql(f)}
    order by l.valid_from desc nulls last, l.id`.execute(db);
  return r.rows;
}

/** Links with both ends among `ids`. */
export async function linksAmong(db: Kysely<DB>, ids: readonly string[], f: LinkFilter) {
  if (ids.length < 2) return [];
  const list = [...ids];
  const r = await sql<LinkRow>`select ${linkSelect} from ${linkFrom}
    where l.from_id = any(${list}::uuid[]) and l.to_id = any(${list}::uuid[]) and ${filterSql(f)}`.execute(
    db,
  );
  return r.rows;
}

export async function linkById(db: Kysely<DB>, id: string) {
  const r = await sql<LinkRow>`select ${linkSelect} from ${linkFrom} where l.id = ${id}`.execute(db);
  return r.rows[0];
}

/** Every link (for whole-graph analysis: networks, paths). */
export async function allLinks(db: Kysely<DB>) {
  const r = await sql<LinkRow>`select ${linkSelect} from ${linkFrom}`.execute(db);
  return r.rows;
}

export const linkStamp = (db: Kysely<DB>) =>
  sql<{ n: number; latest: Date | null; reports: number; reports_latest: Date | null }>`
    select (select count(*)::int from links) as n, (select max(created_at) from links) as latest,
      (select count(*)::int from intelligence_reports) as reports,
      (select max(updated_at) from intelligence_reports) as reports_latest`
    .execute(db)
    .then((r) => r.rows[0]);

export const personsByIds = (db: Kysely<DB>, ids: readonly string[]) =>
  ids.length
    ? db
        .selectFrom("persons_of_concern")
        .selectAll()
        .where(sql<boolean>`id = any(${[...ids]}::uuid[])`)
        .execute()
    : Promise.resolve([]);

export const entitiesByIds = (db: Kysely<DB>, ids: readonly string[]) =>
  ids.length
    ? db
        .selectFrom("entities")
        .selectAll()
        .where(sql<boolean>`id = any(${[...ids]}::uuid[])`)
        .execute()
    : Promise.resolve([]);

/** Reports among `ids` the current scope may see, with what the view decision needs. */
export async function reportFacts(db: Kysely<DB>, ids: readonly string[], agencyId: string) {
  if (!ids.length) return [];
  const r = await sql<{
    id: string;
    reference: string;
    originating_agency_id: string;
    handling_code: "P" | "C";
    intelligence_assessment: "A" | "B" | "C" | "D" | "E";
    has_sanitised: boolean;
    permitted: boolean;
  }>`select r.id, r.reference, r.originating_agency_id, r.handling_code, r.intelligence_assessment,
      r.sanitised_text is not null as has_sanitised,
      exists (select 1 from intelligence_permissions p where p.report_id = r.id and p.agency_id = ${agencyId}) as permitted
    from intelligence_reports r where r.id = any(${[...ids]}::uuid[])`.execute(db);
  return r.rows;
}

export const pinsFor = (db: Kysely<DB>, userId: string, ids: readonly string[]) =>
  ids.length
    ? db
        .selectFrom("chart_pins")
        .select(["node_kind", "node_id", "note", "x", "y", "id", "version"])
        .where("user_id", "=", userId)
        .where(sql<boolean>`node_id = any(${[...ids]}::uuid[])`)
        .execute()
    : Promise.resolve([]);

/** Disruptions sought or in force against each subject (read under the caller's scope). */
export async function openDisruptionCounts(db: Kysely<DB>, ids: readonly string[]) {
  if (!ids.length) return new Map<string, number>();
  const rows = await db
    .selectFrom("disruptions")
    .select(["subject_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where(sql<boolean>`subject_id = any(${[...ids]}::uuid[])`)
    .where("status", "in", ["sought", "in_force"])
    .groupBy("subject_id")
    .execute();
  return new Map(rows.map((r) => [r.subject_id, Number(r.n)]));
}

export async function nextReportReference(db: Kysely<DB>, year: number): Promise<string> {
  const r = await sql<{ n: number }>`select nextval('intelligence_report_seq')::int as n`.execute(db);
  return `INT-${year}-${String(r.rows[0].n).padStart(6, "0")}`;
}

export async function nextPersonReference(db: Kysely<DB>): Promise<string> {
  const r = await sql<{ n: number }>`select coalesce(max(substring(reference from 5)::int), 0) + 1 as n
    from persons_of_concern where reference ~ '^POC-[0-9]+$'`.execute(db);
  return `POC-${String(r.rows[0].n).padStart(6, "0")}`;
}
