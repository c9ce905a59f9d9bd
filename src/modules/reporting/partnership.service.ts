// The partnership report: what a safeguarding partnership's board or a council scrutiny committee
// asks — are referrals coming in from every agency, are they screened on time, are boys and
// disabled children being seen, are children interviewed when they come home from being missing,
// are the adults who exploit them being disrupted — quarter by quarter (financial quarters,
// Europe/London). Aggregates only, never a child: every count from 1 to 4 is hidden, with
// secondary suppression wherever a total could give a hidden number away, and percentages are
// shown only when neither the count nor the rest of its base is a small number.
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import { type RawBuilder, sql, type Transaction } from "kysely";
import type { App } from "../../app.ts";
import { inScope } from "../../db/rls.ts";
import type { AgencyKind, DB } from "../../db/schema.ts";
import { LONDON } from "../../platform/clock.ts";
import { Invalid } from "../../platform/errors.ts";
import { renderLineChart } from "../../web/chart.ts";
import { type Cell, suppressOne, suppressTable, THRESHOLD } from "../access/index.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import { TACTIC_LABELS, TACTICS } from "../disruption/index.ts";
import { CONCERN_SHORT, CONCERN_TYPES, DECISION_LABELS, DECISIONS } from "../referrals/index.ts";

/** Roles that may see the partnership report (aggregates only). */
export const PARTNERSHIP_REPORT_ROLES = ["manager", "analyst", "committee"] as const;

export const AGENCY_KIND_LABELS: Record<AgencyKind, string> = {
  police: "Police",
  social_care: "Children's social care",
  health: "Health",
  school: "Schools and education",
  youth_justice: "Youth justice",
  voluntary: "Voluntary sector",
  council: "Council (other services)",
  partnership: "Safeguarding partnership",
};
const AGENCY_KINDS = Object.keys(AGENCY_KIND_LABELS) as AgencyKind[];

const SEXES = ["female", "male", "other", "unknown"] as const;
const SEX_LABELS: Record<(typeof SEXES)[number], string> = {
  female: "Girls",
  male: "Boys",
  other: "Other",
  unknown: "Not recorded",
};
const DISABILITY = ["yes", "no", "unknown"] as const;
const DISABILITY_LABELS: Record<(typeof DISABILITY)[number], string> = {
  yes: "Disabled",
  no: "Not disabled",
  unknown: "Not recorded",
};

export type Quarter = { key: string; label: string; start: Date; end: Date; toDate: boolean };

/** How many quarters the report shows. */
export const QUARTERS_SHOWN = 4;
const QUARTER_KEY = /^(\d{4})-(04|07|10|01)$/;

const startOf = (y: number, m: number) => new Date(new TZDate(y, m - 1, 1, LONDON).getTime());

/** The financial quarter (Apr–Jun, Jul–Sep, Oct–Dec, Jan–Mar) holding a London date, by its first month. */
export function quarterKeyOf(d: Date): string {
  const london = new TZDate(d, LONDON);
  const y = london.getFullYear();
  const m = london.getMonth() + 1;
  const first = m >= 10 ? 10 : m >= 7 ? 7 : m >= 4 ? 4 : 1;
  return `${y}-${String(first).padStart(2, "0")}`;
}

function shiftQuarter(key: string, by: number): string {
  const [y, m] = key.split("-").map(Number);
  const index = y * 4 + (m - 1) / 3 + by;
  const ny = Math.floor(index / 4);
  const nm = (index - ny * 4) * 3 + 1;
  return `${ny}-${String(nm).padStart(2, "0")}`;
}

export function quarter(key: string, now: Date): Quarter {
  const [y, m] = key.split("-").map(Number);
  const next = shiftQuarter(key, 1).split("-").map(Number);
  const start = startOf(y, m);
  const end = startOf(next[0], next[1]);
  const first = format(new TZDate(start, LONDON), "MMM");
  const last = format(new TZDate(end.getTime() - 1, LONDON), "MMM yyyy");
  const toDate = now < end;
  return { key, label: `${first}–${last}${toDate ? " (to date)" : ""}`, start, end, toDate };
}

/** The quarters ending with `to` (default: the current quarter, to date). */
export function quartersEnding(now: Date, to?: string): Quarter[] {
  const current = quarterKeyOf(now);
  const last = to ?? current;
  if (!QUARTER_KEY.test(last))
    throw new Invalid("Choose a quarter from the list", [
      { field: "to", message: "Choose a quarter from the list" },
    ]);
  if (last > current)
    throw new Invalid("The last quarter cannot be in the future", [
      { field: "to", message: "The last quarter cannot be in the future" },
    ]);
  return Array.from({ length: QUARTERS_SHOWN }, (_, i) =>
    quarter(shiftQuarter(last, i - QUARTERS_SHOWN + 1), now),
  );
}

/** Quarters offered in the "last quarter" list: the current one and the seven before it. */
export function quarterChoices(now: Date): Quarter[] {
  const current = quarterKeyOf(now);
  return Array.from({ length: 8 }, (_, i) => quarter(shiftQuarter(current, -i), now));
}

/**
 * A count as the report shows it: the number itself only when it is not hidden, so nothing that
 * leaves the service (page, JSON, chart) carries a suppressed value.
 */
export type Figure = { shown: string; value: number | null; hidden: false | "primary" | "secondary" };
const figure = (c: Cell): Figure => ({
  shown: c.shown,
  value: c.suppressed ? null : c.value,
  hidden: c.suppressed,
});
const one = (v: number): Figure => figure(suppressOne(v));

/** A rows × quarters table of counts, suppressed together with its totals. */
export type CountTable = {
  rows: { label: string; cells: Figure[]; total: Figure }[];
  /** Column totals (all rows, per quarter). */
  totals: Figure[];
  grand: Figure;
  /** Whether the row totals (across the quarters) mean something and are shown. */
  showRowTotals: boolean;
};

export function countTable(
  labels: string[],
  counts: number[][],
  options: { showRowTotals?: boolean; dropEmptyRows?: boolean } = {},
): CountTable {
  const s = suppressTable(counts, { columns: counts[0]?.length ?? 0 });
  const rows = labels.map((label, r) => ({
    label,
    cells: s.cells[r].map(figure),
    total: figure(s.rowTotals[r]),
  }));
  return {
    rows: options.dropEmptyRows ? rows.filter((_, r) => counts[r].some((v) => v > 0)) : rows,
    totals: s.colTotals.map(figure),
    grand: figure(s.grand),
    showRowTotals: options.showRowTotals ?? true,
  };
}

/**
 * A percentage that cannot reveal a small number: shown only when the base is at least 5 and
 * neither the count nor the rest of the base is from 1 to 4.
 */
export function safePercent(count: number, base: number): { shown: string; value: number | null } {
  const small = (v: number) => v > 0 && v < THRESHOLD;
  if (base === 0) return { shown: "no cases", value: null };
  if (base < THRESHOLD || small(count) || small(base - count)) return { shown: "hidden", value: null };
  const value = (100 * count) / base;
  return { shown: `${Math.round(value)}%`, value };
}

export type PartnershipReport = {
  quarters: Quarter[];
  generatedAt: string;
  referrals: {
    byAgency: CountTable;
    /** A referral can name several concerns: each count stands alone (no totals). */
    byConcern: { label: string; cells: Figure[] }[];
  };
  screening: {
    decisions: CountTable;
    onTime: { shown: string; value: number | null }[];
  };
  children: {
    bySex: CountTable;
    byDisability: CountTable;
    boysShare: { shown: string; value: number | null }[];
  };
  missing: {
    episodes: Figure[];
    children: Figure[];
    returned: Figure[];
    rhiOffered72h: { shown: string; value: number | null }[];
    rhiCompleted: { shown: string; value: number | null }[];
  };
  mace: { added: Figure[]; left: Figure[]; openAtEnd: Figure[] };
  disruption: { byTactic: CountTable };
  charts: { referrals: string; rhi: string };
};

export type Viewer = { userId: string; agencyId: string };

type Tx = Transaction<DB>;

/** `(i, start, end)` rows for joining records to the quarter they fall in. */
function quarterValues(quarters: Quarter[]): RawBuilder<unknown> {
  return sql`(values ${sql.join(
    quarters.map(
      (q, i) => sql`(${i}::int, ${q.start.toISOString()}::timestamptz, ${q.end.toISOString()}::timestamptz)`,
    ),
  )}) as q(i, s, e)`;
}

type Grouped = { i: number; k: string | null; n: number | string };

/** counts[row][quarter] from (quarter, key, count) rows. */
function matrix(rows: Grouped[], keys: readonly string[], quarters: number, fallback?: string): number[][] {
  const out = keys.map(() => new Array<number>(quarters).fill(0));
  for (const r of rows) {
    let at = keys.indexOf(r.k ?? "");
    if (at < 0 && fallback) at = keys.indexOf(fallback);
    if (at >= 0) out[at][r.i] += Number(r.n);
  }
  return out;
}

/** Per quarter, the sum of one field over the rows of that quarter. */
function sumBy<T extends { i: number }>(
  rows: T[],
  field: (r: T) => number | string,
  quarters: number,
): number[] {
  const out = new Array<number>(quarters).fill(0);
  for (const r of rows) out[r.i] += Number(field(r));
  return out;
}

async function figures(tx: Tx, quarters: Quarter[]) {
  const Q = quarters.length;
  const qv = quarterValues(quarters);
  const rows = async <T>(query: RawBuilder<T>) => (await query.execute(tx)).rows;

  const byAgency = await rows(sql<Grouped>`
    select q.i, a.kind as k, count(*) as n
    from referrals r join agencies a on a.id = r.referrer_agency_id
    join ${qv} on r.received_at >= q.s and r.received_at < q.e
    where r.status <> 'withdrawn'
    group by q.i, a.kind`);
  const byConcern = await rows(sql<Grouped>`
    select q.i, c as k, count(*) as n
    from referrals r cross join lateral unnest(r.concern_types) as c
    join ${qv} on r.received_at >= q.s and r.received_at < q.e
    where r.status <> 'withdrawn'
    group by q.i, c`);
  const decisions = await rows(sql<Grouped & { on_time: number | string }>`
    select q.i, r.decision as k, count(*) as n,
      count(*) filter (where r.screening_due_at is null or r.decided_at <= r.screening_due_at) as on_time
    from referrals r join ${qv} on r.decided_at >= q.s and r.decided_at < q.e
    where r.status = 'decided'
    group by q.i, r.decision`);
  const bySex = await rows(sql<Grouped>`
    select q.i, c.sex as k, count(distinct c.id) as n
    from referrals r join children c on c.id = r.child_id
    join ${qv} on r.received_at >= q.s and r.received_at < q.e
    where r.status <> 'withdrawn'
    group by q.i, c.sex`);
  const byDisability = await rows(sql<Grouped>`
    select q.i, case c.disability when true then 'yes' when false then 'no' else 'unknown' end as k,
      count(distinct c.id) as n
    from referrals r join children c on c.id = r.child_id
    join ${qv} on r.received_at >= q.s and r.received_at < q.e
    where r.status <> 'withdrawn'
    group by q.i, 2`);
  const missingStarted = await rows(sql<{ i: number; n: number | string; children: number | string }>`
    select q.i, count(*) as n, count(distinct m.child_id) as children
    from missing_episodes m join ${qv} on m.started_at >= q.s and m.started_at < q.e
    group by q.i`);
  // Return-home interviews are due for missing (not absent) episodes once the child is back.
  const returned = await rows(sql<{
    i: number;
    n: number | string;
    due: number | string;
    offered72: number | string;
    completed: number | string;
  }>`
    select q.i, count(*) as n,
      count(*) filter (where m.kind = 'missing') as due,
      count(*) filter (where m.kind = 'missing'
        and coalesce(ri.offered_at, m.rhi_offered_at) <= m.ended_at + interval '72 hours') as offered72,
      count(*) filter (where m.kind = 'missing'
        and (m.rhi_status = 'completed' or ri.outcome = 'completed')) as completed
    from missing_episodes m
    left join return_interviews ri on ri.episode_id = m.id
    join ${qv} on m.ended_at >= q.s and m.ended_at < q.e
    group by q.i`);
  const added = await rows(sql<{ i: number; n: number | string }>`
    select q.i, count(*) as n from cohort_entries ce join ${qv} on ce.added_at >= q.s and ce.added_at < q.e
    group by q.i`);
  const left = await rows(sql<{ i: number; n: number | string }>`
    select q.i, count(*) as n from cohort_entries ce join ${qv} on ce.left_at >= q.s and ce.left_at < q.e
    group by q.i`);
  const open = await rows(sql<{ i: number; n: number | string }>`
    select q.i, count(*) as n from cohort_entries ce join ${qv}
      on ce.added_at < q.e and (ce.left_at is null or ce.left_at >= q.e)
    group by q.i`);
  // A tactic counts in the quarter it was applied for (or, without that date, began).
  const tactics = await rows(sql<Grouped>`
    select q.i, d.tactic as k, count(*) as n
    from disruptions d join ${qv}
      on coalesce(d.applied_on, d.starts_on)::timestamp at time zone 'Europe/London' >= q.s
     and coalesce(d.applied_on, d.starts_on)::timestamp at time zone 'Europe/London' < q.e
    where d.status <> 'withdrawn'
    group by q.i, d.tactic`);

  return {
    Q,
    byAgency: matrix(byAgency, AGENCY_KINDS, Q),
    byConcern: matrix(byConcern, CONCERN_TYPES, Q),
    decisions: matrix(decisions, DECISIONS, Q),
    decided: sumBy(decisions, (d) => d.n, Q),
    onTime: sumBy(decisions, (d) => d.on_time, Q),
    bySex: matrix(bySex, SEXES, Q, "unknown"),
    byDisability: matrix(byDisability, DISABILITY, Q),
    missingEpisodes: sumBy(missingStarted, (r) => r.n, Q),
    missingChildren: sumBy(missingStarted, (r) => r.children, Q),
    returned: sumBy(returned, (r) => r.n, Q),
    rhiDue: sumBy(returned, (r) => r.due, Q),
    rhiOffered72: sumBy(returned, (r) => r.offered72, Q),
    rhiCompleted: sumBy(returned, (r) => r.completed, Q),
    maceAdded: sumBy(added, (r) => r.n, Q),
    maceLeft: sumBy(left, (r) => r.n, Q),
    maceOpen: sumBy(open, (r) => r.n, Q),
    tactics: matrix(tactics, TACTICS, Q),
  };
}

export async function buildPartnershipReport(
  app: App,
  viewer: Viewer,
  actor: Actor,
  options: { to?: string; download?: boolean } = {},
): Promise<PartnershipReport> {
  const now = app.clock.now();
  const quarters = quartersEnding(now, options.to);
  // Aggregates across every agency's records: read in the system scope (row-level security would
  // show a committee member nothing), and only counts leave this function.
  return inScope(
    app.db,
    { scope: "system", userId: viewer.userId, agencyId: viewer.agencyId },
    async (tx) => {
      const f = await figures(tx, quarters);
      const bySex = countTable(
        SEXES.map((s) => SEX_LABELS[s]),
        f.bySex,
        { showRowTotals: false },
      );
      const report: PartnershipReport = {
        quarters,
        generatedAt: now.toISOString(),
        referrals: {
          byAgency: countTable(
            AGENCY_KINDS.map((k) => AGENCY_KIND_LABELS[k]),
            f.byAgency,
            { dropEmptyRows: true },
          ),
          byConcern: CONCERN_TYPES.map((c, r) => ({
            label: CONCERN_SHORT[c],
            cells: f.byConcern[r].map(one),
          })),
        },
        screening: {
          decisions: countTable(
            DECISIONS.map((d) => DECISION_LABELS[d]),
            f.decisions,
          ),
          onTime: f.decided.map((n, i) => safePercent(f.onTime[i], n)),
        },
        children: {
          bySex,
          byDisability: countTable(
            DISABILITY.map((d) => DISABILITY_LABELS[d]),
            f.byDisability,
            { showRowTotals: false },
          ),
          boysShare: f.bySex[1].map((boys, i) =>
            safePercent(
              boys,
              f.bySex.reduce((a, row) => a + row[i], 0),
            ),
          ),
        },
        missing: {
          episodes: f.missingEpisodes.map(one),
          children: f.missingChildren.map(one),
          returned: f.returned.map(one),
          rhiOffered72h: f.rhiDue.map((n, i) => safePercent(f.rhiOffered72[i], n)),
          rhiCompleted: f.rhiDue.map((n, i) => safePercent(f.rhiCompleted[i], n)),
        },
        mace: {
          added: f.maceAdded.map(one),
          left: f.maceLeft.map(one),
          openAtEnd: f.maceOpen.map(one),
        },
        disruption: {
          byTactic: countTable(
            TACTICS.map((t) => TACTIC_LABELS[t]),
            f.tactics,
          ),
        },
        charts: { referrals: "", rhi: "" },
      };
      const referralPoints = quarters.map((q, i) => {
        const c = report.referrals.byAgency.totals[i];
        return { label: q.label.replace(" (to date)", "*"), value: c.value };
      });
      report.charts.referrals = renderLineChart({
        id: "chart-referrals",
        title: "Referrals received each quarter",
        description: `Referrals received by the partnership per quarter: ${referralPoints
          .map((p) => `${p.label} ${p.value ?? "hidden"}`)
          .join("; ")}.`,
        yLabel: "Referrals",
        points: referralPoints,
        events: [],
        legend: quarters.some((q) => q.toDate) ? "* quarter to date" : undefined,
      });
      const rhiPoints = quarters.map((q, i) => ({
        label: q.label.replace(" (to date)", "*"),
        value: report.missing.rhiOffered72h[i].value,
      }));
      report.charts.rhi = renderLineChart({
        id: "chart-rhi",
        title: "Return-home interviews offered within 72 hours (%)",
        description: `Share of children back from a missing episode who were offered a return-home interview within 72 hours, per quarter: ${rhiPoints
          .map((p) => `${p.label} ${p.value === null ? "hidden" : `${Math.round(p.value)}%`}`)
          .join("; ")}.`,
        yLabel: "% offered within 72 hours",
        points: rhiPoints,
        events: [],
        legend: quarters.some((q) => q.toDate) ? "* quarter to date" : undefined,
      });
      await audit(
        tx,
        auditFor(actor, {
          action: options.download ? "reporting.partnership.download" : "reporting.partnership.view",
          recordType: "partnership_report",
          recordId: `${quarters[0].key}..${quarters[quarters.length - 1].key}`,
          reason: options.download
            ? "partnership report downloaded to Excel (aggregates, small numbers hidden)"
            : "partnership report (aggregates, small numbers hidden)",
          details: { quarters: quarters.map((q) => q.key) },
        }),
      );
      return report;
    },
  );
}
