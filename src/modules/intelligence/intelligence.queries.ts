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

// For a few links (a chart's hop): per-row lookups by primary key (cheaper to plan and run than
// hashing whole tables), and what the current row-level-security scope lets the caller know of the
// report each link was made from (no row: refused).
const hopSelect = sql`l.id, l.from_kind, l.from_id, l.to_kind, l.to_id, l.link_type,
  l.valid_from, l.valid_to, l.source_agency_id,
  (select a.name from agencies a where a.id = l.source_agency_id) as source_agency,
  l.provenance, l.grading, l.derived, l.derived_rule, l.explanation, l.intelligence_report_id,
  ${endInfo("from")}, ${endInfo("to")},
  case when l.intelligence_report_id is not null then (
    select json_build_object('agency', r.originating_agency_id, 'handling', r.handling_code,
      'assessment', r.intelligence_assessment, 'reference', r.reference,
      'sanitised', r.sanitised_text is not null,
      'permitted', exists (select 1 from intelligence_permissions p where p.report_id = r.id
        and p.agency_id = nullif(current_setting('lantern.agency_id', true), '')::uuid))
    from intelligence_reports r where r.id = l.intelligence_report_id) end as report`;
const hopFrom = sql`links l`;

/** The label facts of a link's end: an entity's kind, label and subtype; a person's names and flags. */
function endInfo(side: "from" | "to") {
  const kind = sql.ref(`l.${side}_kind`);
  const id = sql.ref(`l.${side}_id`);
  return sql`case when ${kind} = 'entity' then (select e.kind from entities e where e.id = ${id}) end as ${sql.ref(`${side}_entity_kind`)},
    case ${kind}
      when 'entity' then (select json_build_object('label', e.label, 'subtype', e.subtype) from entities e where e.id = ${id})
      when 'person' then (select json_build_object('reference', p.reference, 'given_name', p.given_name,
        'family_name', p.family_name, 'aliases', p.aliases, 'owning_agency_id', p.owning_agency_id,
        'registered_sex_offender', p.registered_sex_offender) from persons_of_concern p where p.id = ${id})
    end as ${sql.ref(`${side}_info`)}`;
}

export type EndInfo = {
  label?: string;
  subtype?: string | null;
  reference?: string;
  given_name?: string | null;
  family_name?: string | null;
  aliases?: string[];
  owning_agency_id?: string;
  registered_sex_offender?: boolean;
};
export type HopRow = LinkRow & {
  from_info: EndInfo | null;
  to_info: EndInfo | null;
  /** The report the link was made from, as the caller's scope lets them read it (null: refused or none). */
  report: {
    agency: string;
    handling: "P" | "C";
    assessment: "A" | "B" | "C" | "D" | "E";
    reference: string;
    sanitised: boolean;
    permitted: boolean;
  } | null;
};

/** Links with an end among `ids` (with their reports' facts, as the caller's scope allows). */
export async function linksTouching(db: Kysely<DB>, ids: readonly string[], f: LinkFilter) {
  if (!ids.length) return [];
  const list = [...ids];
  const r = await sql<HopRow>`select ${hopSelect} from ${hopFrom}
    where (l.from_id = any(${list}::uuid[]) or l.to_id = any(${list}::uuid[])) and ${filterSql(f)}
    order by l.valid_from desc nulls last, l.id`.execute(db);
  return r.rows;
}

/**
 * The most recent links (at most `cap` + 1) of each of `ids`, each row carrying the id it was found
 * from (`here`). Per-node limits keep a hub (a railway station, a busy phone) from flooding a hop.
 */
export async function linksAround(db: Kysely<DB>, ids: readonly string[], f: LinkFilter, cap: number) {
  if (!ids.length) return [];
  const r = await sql<HopRow & { here: string }>`select f.here, ${hopSelect}
    from unnest(${[...ids]}::uuid[]) as f(here)
    cross join lateral (
      select * from links l
      where (l.from_id = f.here or l.to_id = f.here) and ${filterSql(f)}
      order by l.valid_from desc nulls last, l.id
      limit ${cap + 1}) l`.execute(db);
  return r.rows;
}

/** Links with both ends among `ids`. */
export async function linksAmong(db: Kysely<DB>, ids: readonly string[], f: LinkFilter) {
  if (ids.length < 2) return [];
  const list = [...ids];
  const r = await sql<HopRow>`select ${hopSelect} from ${hopFrom}
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

/** The user's pins on these nodes and the disruptions sought or in force against them, in one statement. */
export async function pinsAndDisruptions(db: Kysely<DB>, userId: string, ids: readonly string[]) {
  const pins = new Map<string, { note: string | null; x: number | null; y: number | null }>();
  const disruptions = new Map<string, number>();
  if (!ids.length) return { pins, disruptions };
  const list = [...ids];
  const r = await sql<{
    kind: string;
    node: string;
    note: string | null;
    x: number | null;
    y: number | null;
    n: number;
  }>`
    select 'pin' as kind, node_kind || ':' || node_id as node, note, x, y, 0 as n
      from chart_pins where user_id = ${userId} and node_id = any(${list}::uuid[])
    union all
    select 'disruption', subject_kind || ':' || subject_id, null, null, null, count(*)::int
      from disruptions where subject_id = any(${list}::uuid[]) and status in ('sought', 'in_force')
      group by subject_kind, subject_id`.execute(db);
  for (const row of r.rows) {
    if (row.kind === "pin") pins.set(row.node, { note: row.note, x: row.x, y: row.y });
    else disruptions.set(row.node, Number(row.n));
  }
  return { pins, disruptions };
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
