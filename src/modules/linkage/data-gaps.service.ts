// The data-gaps report: how complete each agency's records are (ethnicity, sex, disability, SEND —
// for children and for persons of concern — and the identifiers linkage needs), by agency and
// source; where agencies disagree about one child (dates of birth, sex, ethnicity, NHS number,
// UPN); and how many records are duplicates. Aggregates plus conflicts by child reference.
import { sql } from "kysely";
import type { App } from "../../app.ts";
import type { SessionUser } from "../../http/routes.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import { DATA_GAPS_ROLES, linkageScope, requireRole } from "../imports/index.ts";
import "./linkage.tables.ts";
import { SSDA903_ETHNIC_LABELS } from "./ethnicity.ts";

export const GAP_FIELDS = ["ethnicity", "sex", "disability", "send"] as const;
export type GapField = (typeof GAP_FIELDS)[number];
export const IDENTITY_FIELDS = ["dob", "nhs", "upn", "postcode"] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];
export const FIELD_LABELS: Record<GapField | IdentityField, string> = {
  ethnicity: "Ethnicity",
  sex: "Sex",
  disability: "Disability",
  send: "SEND",
  dob: "Date of birth",
  nhs: "NHS number",
  upn: "UPN",
  postcode: "Postcode",
};

export type Cell = { present: number; pct: number | null; held: boolean };
export type CompletenessRow = {
  agency: string;
  source: string;
  origin: "lantern" | "import";
  records: number;
  fields: Record<GapField | IdentityField, Cell>;
};
export type Conflict = {
  childId: string;
  reference: string;
  field: "dob" | "sex" | "ethnicity" | "nhs" | "upn";
  values: { agency: string; source: string; value: string }[];
};
export type DuplicateRow = {
  agency: string;
  source: string;
  records: number;
  linked: number;
  children: number;
  duplicates: number;
  rate: number | null;
};
export type DataGaps = {
  children: CompletenessRow[];
  persons: CompletenessRow[];
  conflicts: Conflict[];
  conflictCounts: Record<Conflict["field"], number>;
  childrenWithConflicts: number;
  childrenLinked: number;
  duplicates: DuplicateRow[];
  lantern: { children: number; merged: number; possibleDuplicates: number };
  overall: { records: number; linked: number };
};

/** Ethnicity "not known" in its usual spellings is a gap; "refused" is an answer. */
const UNKNOWN_ETHNICITY = [
  "",
  "not known",
  "unknown",
  "not stated",
  "nk",
  "n/k",
  "nobt",
  "not obtained",
  "information not yet obtained",
  "not recorded",
];

const FIELD_IN_MAPPING: Record<GapField | IdentityField, string> = {
  ethnicity: "ethnicity",
  sex: "sex",
  disability: "disability",
  send: "send_status",
  dob: "date_of_birth",
  nhs: "nhs_number",
  upn: "upn",
  postcode: "postcode",
};
const SSDA_HELD = new Set<string>(["ethnicity", "sex", "dob", "upn"]);

const pct = (present: number, records: number) =>
  records > 0 ? Math.round((1000 * present) / records) / 10 : null;

function normaliseEthnicity(v: string): string {
  const code = v.trim().toUpperCase();
  const label = SSDA903_ETHNIC_LABELS[code] ?? v;
  return label
    .toLowerCase()
    .replace(/[^a-z]+/g, " ")
    .replace(/\b(or|and|any|background)\b/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export async function dataGaps(app: App, u: SessionUser, actor: Actor): Promise<DataGaps> {
  requireRole(u, DATA_GAPS_ROLES, "see the data-gaps report");
  return linkageScope(app, u, async (tx) => {
    const unknownEth = sql.join(UNKNOWN_ETHNICITY.map((x) => sql`${x}`));
    const ethOk = (col: ReturnType<typeof sql>) =>
      sql`(${col} is not null and lower(trim(${col})) not in (${unknownEth}))`;
    // ---- Lantern's own children, by owning agency ----
    const lc = await sql<Record<string, number | string>>`
      select a.name as agency, count(*)::int as records,
        count(*) filter (where ${ethOk(sql`c.ethnicity`)})::int as ethnicity,
        count(*) filter (where c.sex <> 'unknown')::int as sex,
        count(*) filter (where c.disability is not null)::int as disability,
        count(*) filter (where c.send_status <> 'unknown')::int as send,
        count(*) filter (where c.date_of_birth is not null)::int as dob,
        count(*) filter (where c.nhs_number is not null)::int as nhs,
        count(*) filter (where c.upn is not null and c.upn <> '')::int as upn,
        count(*) filter (where c.home_postcode is not null and c.home_postcode <> '')::int as postcode
      from children c join agencies a on a.id = c.owning_agency_id
      where not exists (select 1 from child_merges m where m.from_child_id = c.id and m.ended_at is null)
      group by a.name order by a.name`.execute(tx);
    const lanternRows = (
      rows: Record<string, number | string>[],
      held: (f: string) => boolean,
      source: string,
    ) =>
      rows.map((r) => {
        const records = Number(r.records);
        const fields = Object.fromEntries(
          [...GAP_FIELDS, ...IDENTITY_FIELDS].map((f) => {
            const h = held(f);
            const present = h ? Number(r[f] ?? 0) : 0;
            return [f, { present, pct: h ? pct(present, records) : null, held: h }];
          }),
        ) as CompletenessRow["fields"];
        return { agency: String(r.agency), source, origin: "lantern" as const, records, fields };
      });
    // ---- imported records, by agency and source ----
    const std = (k: string) => sql`(r.std->>${k})`;
    const imported = async (type: "child" | "person") =>
      (
        await sql<Record<string, unknown>>`
        select a.name as agency, s.name as source, s.kind, s.mapping, count(*)::int as records,
          count(*) filter (where ${ethOk(std("ethnicity"))})::int as ethnicity,
          count(*) filter (where ${std("sex")} in ('female','male','other'))::int as sex,
          count(*) filter (where ${std("disability")} in ('true','false'))::int as disability,
          count(*) filter (where ${std("send_status")} is not null)::int as send,
          count(*) filter (where ${std("date_of_birth")} is not null)::int as dob,
          count(*) filter (where ${std("nhs_number")} is not null)::int as nhs,
          count(*) filter (where ${std("upn")} is not null)::int as upn,
          count(*) filter (where ${std("postcode")} is not null)::int as postcode
        from source_records r join import_sources s on s.id = r.source_id join agencies a on a.id = r.agency_id
        where r.record_type = ${type} and r.superseded_by is null
        group by a.name, s.name, s.kind, s.mapping order by a.name, s.name`.execute(tx)
      ).rows.map((r) => {
        const mapping = Object.values((r.mapping as Record<string, string>) ?? {});
        const records = Number(r.records);
        const fields = Object.fromEntries(
          [...GAP_FIELDS, ...IDENTITY_FIELDS].map((f) => {
            const held = String(r.kind).startsWith("ssda903")
              ? SSDA_HELD.has(f)
              : mapping.includes(FIELD_IN_MAPPING[f]);
            const present = Number(r[f] ?? 0);
            return [f, { present, pct: pct(present, records), held }];
          }),
        ) as CompletenessRow["fields"];
        return {
          agency: String(r.agency),
          source: String(r.source),
          origin: "import" as const,
          records,
          fields,
        };
      });
    const children = [...lanternRows(lc.rows, () => true, "Lantern records"), ...(await imported("child"))];
    // ---- persons of concern: Lantern's own and imported ----
    const lp = await sql<Record<string, number | string>>`
      select a.name as agency, count(*)::int as records,
        count(*) filter (where ${ethOk(sql`p.ethnicity`)})::int as ethnicity,
        count(*) filter (where p.sex <> 'unknown')::int as sex,
        count(*) filter (where p.disability is not null)::int as disability,
        0 as send,
        count(*) filter (where p.date_of_birth is not null)::int as dob,
        0 as nhs, 0 as upn, 0 as postcode
      from persons_of_concern p join agencies a on a.id = p.owning_agency_id
      group by a.name order by a.name`.execute(tx);
    const persons = [
      ...lanternRows(
        lp.rows,
        (f) => ["ethnicity", "sex", "disability", "dob"].includes(f),
        "Lantern records",
      ),
      ...(await imported("person")),
    ];

    // ---- conflicts between agencies about one child ----
    const linked = await sql<{
      child_id: string;
      reference: string;
      owner: string;
      c_dob: string | null;
      c_sex: string;
      c_eth: string | null;
      c_nhs: string | null;
      c_upn: string | null;
      agency: string;
      source: string;
      std: Record<string, unknown>;
    }>`
      select c.id as child_id, c.reference, oa.name as owner, c.date_of_birth::text as c_dob, c.sex as c_sex, c.ethnicity as c_eth,
        c.nhs_number as c_nhs, c.upn as c_upn, a.name as agency, s.name as source, r.std
      from master_links l
      join children c on c.id = l.child_id
      join agencies oa on oa.id = c.owning_agency_id
      join source_records r on r.id = l.source_record_id
      join import_sources s on s.id = r.source_id
      join agencies a on a.id = r.agency_id
      where l.ended_at is null and l.status in ('auto','accepted','merged') and r.superseded_by is null
      order by c.reference, a.name`.execute(tx);
    const byChild = new Map<string, typeof linked.rows>();
    for (const r of linked.rows) byChild.set(r.child_id, [...(byChild.get(r.child_id) ?? []), r]);
    const conflicts: Conflict[] = [];
    const conflictCounts: DataGaps["conflictCounts"] = { dob: 0, sex: 0, ethnicity: 0, nhs: 0, upn: 0 };
    const childrenWithConflicts = new Set<string>();
    for (const [childId, rows] of byChild) {
      const first = rows[0]!;
      const values: Record<
        Conflict["field"],
        { agency: string; source: string; value: string; key: string }[]
      > = {
        dob: [],
        sex: [],
        ethnicity: [],
        nhs: [],
        upn: [],
      };
      const add = (
        f: Conflict["field"],
        agency: string,
        source: string,
        v: unknown,
        key: (x: string) => string = (x) => x,
      ) => {
        if (typeof v !== "string" || v.trim() === "") return;
        if (f === "sex" && !["female", "male", "other"].includes(v)) return;
        if (f === "ethnicity" && UNKNOWN_ETHNICITY.includes(v.trim().toLowerCase())) return;
        values[f].push({ agency, source, value: v, key: key(v) });
      };
      add("dob", first.owner, "Lantern record", first.c_dob);
      add("sex", first.owner, "Lantern record", first.c_sex);
      add("ethnicity", first.owner, "Lantern record", first.c_eth, normaliseEthnicity);
      add("nhs", first.owner, "Lantern record", first.c_nhs);
      add("upn", first.owner, "Lantern record", first.c_upn);
      for (const r of rows) {
        add("dob", r.agency, r.source, r.std.date_of_birth);
        add("sex", r.agency, r.source, r.std.sex);
        add("ethnicity", r.agency, r.source, r.std.ethnicity, normaliseEthnicity);
        add("nhs", r.agency, r.source, r.std.nhs_number);
        add("upn", r.agency, r.source, r.std.upn);
      }
      for (const f of Object.keys(values) as Conflict["field"][]) {
        const distinct = new Set(values[f].map((v) => v.key));
        if (distinct.size > 1) {
          conflictCounts[f]++;
          childrenWithConflicts.add(childId);
          conflicts.push({
            childId,
            reference: first.reference,
            field: f,
            values: values[f].map(({ key: _k, ...v }) => v),
          });
        }
      }
    }

    // ---- duplicates within each source, and among Lantern's children ----
    const dups = await sql<{
      agency: string;
      source: string;
      records: number;
      linked: number;
      children: number;
    }>`
      select a.name as agency, s.name as source, count(*)::int as records,
        count(l.id)::int as linked, count(distinct l.child_id)::int as children
      from source_records r
      join import_sources s on s.id = r.source_id
      join agencies a on a.id = r.agency_id
      left join master_links l on l.source_record_id = r.id and l.ended_at is null and l.status in ('auto','accepted','merged')
      where r.record_type = 'child' and r.superseded_by is null
      group by a.name, s.name order by a.name, s.name`.execute(tx);
    const duplicates = dups.rows.map((d) => {
      const duplicates = Number(d.linked) - Number(d.children);
      return {
        ...d,
        records: Number(d.records),
        linked: Number(d.linked),
        children: Number(d.children),
        duplicates,
        rate: pct(duplicates, Number(d.records)),
      };
    });
    const merged = Number(
      (
        await sql<{ n: number }>`select count(*)::int as n from child_merges where ended_at is null`.execute(
          tx,
        )
      ).rows[0]?.n ?? 0,
    );
    const possible = Number(
      (
        await sql<{ n: number }>`select count(*)::int as n from linkage_pairs p
          where p.status = 'open' and p.left_kind = 'child' and p.right_kind = 'child'
            and not exists (select 1 from child_merges m where m.ended_at is null and (m.from_child_id = p.left_id or m.from_child_id = p.right_id))`.execute(
          tx,
        )
      ).rows[0]?.n ?? 0,
    );
    const lanternChildren = children.filter((r) => r.origin === "lantern").reduce((s, r) => s + r.records, 0);
    const records = dups.rows.reduce((s, r) => s + Number(r.records), 0);
    const linkedRecords = dups.rows.reduce((s, r) => s + Number(r.linked), 0);
    await audit(
      tx,
      auditFor(actor, {
        action: "report.data_gaps.view",
        recordType: "report",
        recordId: "data-gaps",
        fieldGroups: ["identity"],
        reason: "data-quality report",
        details: { conflicts: conflicts.length, children: byChild.size },
      }),
    );
    return {
      children,
      persons,
      conflicts,
      conflictCounts,
      childrenWithConflicts: childrenWithConflicts.size,
      childrenLinked: byChild.size,
      duplicates,
      lantern: { children: lanternChildren, merged, possibleDuplicates: possible },
      overall: { records, linked: linkedRecords },
    };
  });
}
