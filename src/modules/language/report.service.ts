// The practice report: how often saved narrative text uses wording that blames children (flags per
// 1,000 words) by agency or team and month, which phrases come up most, how often writers kept
// wording and why, and the trend around briefings. Every count is small-number suppressed
// (suppress.ts). Managers also read the reasons their own agency's writers gave for keeping
// wording; analysts see teams but no reasons; committee members see aggregates by agency only.
import "./language.tables.ts";
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import { type Kysely, sql } from "kysely";
import type { App } from "../../app.ts";
import { inScope } from "../../db/rls.ts";
import type { DB } from "../../db/schema.ts";
import type { Category } from "../../engines/language/index.ts";
import { LONDON } from "../../platform/clock.ts";
import { Invalid } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { renderLineChart } from "../../web/chart.ts";
import { type Cell, rateOf, suppressList, suppressOne, suppressTable } from "../access/index.ts";
import type { Actor } from "../audit/audit.service.ts";
import { audit, auditFor } from "../audit/audit.service.ts";
import type { Role } from "../identity/roles.ts";
import { CATEGORY_LABELS } from "./language.schema.ts";

export const BRIEFING_WINDOW_DAYS = 90;
export const MAX_MONTHS = 36;

export type ReportRights = { teams: boolean; reasons: boolean; aggregateOnly: boolean };
export function reportRights(roles: readonly Role[]): ReportRights {
  const manager = roles.includes("manager");
  const analyst = roles.includes("analyst");
  return { teams: manager || analyst, reasons: manager, aggregateOnly: !manager && !analyst };
}

export type ReportOptions = { from?: string; to?: string; by?: "agency" | "team"; agencyId?: string | null };
export type Viewer = { userId: string; agencyId: string; roles: readonly Role[] };

type Month = { key: string; label: string; start: Date; end: Date; days: number };

const monthStart = (y: number, m: number) => new Date(new TZDate(y, m - 1, 1, LONDON).getTime());

function monthOf(key: string): { y: number; m: number } {
  const [y, m] = key.split("-").map(Number);
  return { y, m };
}

const nextKey = (key: string) => {
  const { y, m } = monthOf(key);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
};

export function monthsBetween(from: string, to: string): Month[] {
  const out: Month[] = [];
  for (let k = from; k <= to && out.length <= MAX_MONTHS; k = nextKey(k)) {
    const { y, m } = monthOf(k);
    const n = monthOf(nextKey(k));
    const start = monthStart(y, m);
    const end = monthStart(n.y, n.m);
    out.push({
      key: k,
      label: format(new TZDate(start, LONDON), "MMM yyyy"),
      start,
      end,
      days: new Date(Date.UTC(y, m, 0)).getUTCDate(),
    });
  }
  return out;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function resolvePeriod(now: Date, o: ReportOptions): { from: string; to: string } {
  const current = format(new TZDate(now, LONDON), "yyyy-MM");
  const to = o.to ?? current;
  let from = o.from;
  if (!from) {
    const { y, m } = monthOf(to);
    const back = y * 12 + (m - 1) - 11;
    from = `${Math.floor(back / 12)}-${String((back % 12) + 1).padStart(2, "0")}`;
  }
  const fields = [];
  if (!MONTH.test(from))
    fields.push({ field: "from", message: "Enter the first month as YYYY-MM, for example 2026-01" });
  if (!MONTH.test(to))
    fields.push({ field: "to", message: "Enter the last month as YYYY-MM, for example 2026-12" });
  if (!fields.length && from > to)
    fields.push({ field: "from", message: "The first month must be on or before the last" });
  if (!fields.length) {
    const a = monthOf(from);
    const b = monthOf(to);
    if (b.y * 12 + b.m - (a.y * 12 + a.m) >= MAX_MONTHS)
      fields.push({ field: "from", message: `Choose at most ${MAX_MONTHS} months` });
  }
  if (fields.length) throw new Invalid("The report period has problems", fields);
  return { from, to };
}

/** The latest check of each record field (a re-saved text replaces its earlier check). */
const latestChecks = sql`(select distinct on (record_type, record_id, field)
    id, checked_at, agency_id, team, word_count, flag_count, kept_count, dictionary_version
  from language_checks
  order by record_type, record_id, field, checked_at desc, id desc)`;

type Group = {
  month: string;
  agency_id: string;
  team: string | null;
  words: number;
  flags: number;
  kept: number;
  texts: number;
};

async function groups(db: Kysely<DB>, from: Date, to: Date, agencyId: string | null) {
  const r = await sql<Group>`
    select to_char(l.checked_at at time zone 'Europe/London', 'YYYY-MM') as month, l.agency_id, l.team,
      sum(l.word_count)::int as words, sum(l.flag_count)::int as flags, sum(l.kept_count)::int as kept,
      count(*)::int as texts
    from ${latestChecks} l
    where l.checked_at >= ${from} and l.checked_at < ${to}
      ${agencyId ? sql`and l.agency_id = ${agencyId}` : sql``}
    group by 1, 2, 3`.execute(db);
  return r.rows.map((g) => ({
    ...g,
    words: Number(g.words),
    flags: Number(g.flags),
    kept: Number(g.kept),
    texts: Number(g.texts),
  }));
}

type PhraseRow = { entry_id: string; category: string; n: number; kept: number; phrase: string };

async function phrases(db: Kysely<DB>, from: Date, to: Date, agencyId: string | null) {
  const r = await sql<PhraseRow>`
    select f.entry_id, f.category, count(*)::int as n, (count(*) filter (where f.kept))::int as kept,
      mode() within group (order by lower(f.phrase)) as phrase
    from language_flags f join ${latestChecks} l on l.id = f.check_id
    where l.checked_at >= ${from} and l.checked_at < ${to}
      ${agencyId ? sql`and l.agency_id = ${agencyId}` : sql``}
    group by 1, 2
    order by 3 desc, 1`.execute(db);
  return r.rows.map((p) => ({ ...p, n: Number(p.n), kept: Number(p.kept) }));
}

type ReasonRow = {
  checked_at: Date;
  team: string | null;
  entry_id: string;
  category: string;
  phrase: string;
  reason: string;
};

async function reasons(db: Kysely<DB>, from: Date, to: Date, agencyId: string) {
  const r = await sql<ReasonRow>`
    select f.checked_at, f.team, f.entry_id, f.category, f.phrase, f.reason
    from language_flags f join ${latestChecks} l on l.id = f.check_id
    where f.kept and l.checked_at >= ${from} and l.checked_at < ${to} and l.agency_id = ${agencyId}
    order by f.checked_at desc
    limit 200`.execute(db);
  return r.rows;
}

async function windowTotals(db: Kysely<DB>, from: Date, to: Date, agencyId: string | null) {
  const r = await sql<{ words: number | null; flags: number | null }>`
    select sum(l.word_count)::int as words, sum(l.flag_count)::int as flags
    from ${latestChecks} l
    where l.checked_at >= ${from} and l.checked_at < ${to}
      ${agencyId ? sql`and l.agency_id = ${agencyId}` : sql``}`.execute(db);
  return { words: Number(r.rows[0]?.words ?? 0), flags: Number(r.rows[0]?.flags ?? 0) };
}

export type CountAndRate = { count: Cell; rate: string; words: number };
export type ReportRow = { key: string; label: string; cells: CountAndRate[]; total: CountAndRate };
export type BriefingView = {
  id: string;
  mark: string;
  heldOn: string;
  title: string;
  agency: string;
  before: CountAndRate & { words: number };
  after: CountAndRate & { words: number; days: number };
};

export type Report = {
  rights: ReportRights;
  period: { from: string; to: string; months: { key: string; label: string }[] };
  by: "agency" | "team";
  agencyId: string | null;
  agencies: { id: string; name: string }[];
  summary: {
    texts: number;
    words: number;
    flags: Cell;
    kept: Cell;
    rate: string;
    dictionaryVersions: string[];
  };
  rows: ReportRow[];
  totals: CountAndRate[];
  grand: CountAndRate;
  chart: { svg: string; points: { month: string; rate: string; flags: string }[] };
  phrases: {
    entryId: string;
    category: string;
    categoryLabel: string;
    phrase: string;
    count: Cell;
    kept: Cell;
  }[];
  phraseTotals: { count: Cell; kept: Cell };
  briefings: BriefingView[];
  reasons:
    | { at: Date; team: string; entryId: string; categoryLabel: string; phrase: string; reason: string }[]
    | null;
};

const NO_TEAM = "No team recorded";

export async function buildReport(app: App, viewer: Viewer, actor: Actor, o: ReportOptions): Promise<Report> {
  const rights = reportRights(viewer.roles);
  const by = rights.teams && o.by === "team" ? "team" : "agency";
  const { from, to } = resolvePeriod(app.clock.now(), o);
  const months = monthsBetween(from, to);
  const start = months[0].start;
  const end = months[months.length - 1].end;
  const agencyId = o.agencyId || null;
  const now = app.clock.now();

  return inScope(
    app.db,
    { scope: "system", userId: viewer.userId, agencyId: viewer.agencyId },
    async (tx) => {
      const agencies = await tx.selectFrom("agencies").select(["id", "name"]).orderBy("name").execute();
      if (agencyId && !agencies.some((a) => a.id === agencyId))
        throw new Invalid("Choose an agency from the list", [
          { field: "agency", message: "Choose an agency from the list" },
        ]);
      const names = new Map(agencies.map((a) => [a.id, a.name]));
      const gs = await groups(tx, start, end, agencyId);
      const ps = await phrases(tx, start, end, agencyId);
      const briefingRows = await tx
        .selectFrom("language_briefings as b")
        .leftJoin("agencies as g", "g.id", "b.agency_id")
        .select(["b.id", "b.held_on", "b.title", "b.agency_id", "g.name as agency_name"])
        .where("b.held_on", ">=", `${from}-01`)
        .where("b.held_on", "<", `${nextKey(to)}-01`)
        .where((eb) =>
          agencyId ? eb.or([eb("b.agency_id", "is", null), eb("b.agency_id", "=", agencyId)]) : eb.lit(true),
        )
        .orderBy("b.held_on")
        .execute();
      const versions = await sql<{
        v: string;
      }>`select distinct l.dictionary_version as v from ${latestChecks} l
      where l.checked_at >= ${start} and l.checked_at < ${end} order by 1`.execute(tx);

      // Rows: agencies or agency teams; columns: months.
      const keyOf = (g: Group) => (by === "team" ? `${g.agency_id}|${g.team ?? ""}` : g.agency_id);
      const labelOf = (g: Group) =>
        by === "team"
          ? `${names.get(g.agency_id) ?? "Unknown agency"} — ${g.team || NO_TEAM}`
          : (names.get(g.agency_id) ?? "Unknown agency");
      const rowKeys = new Map<string, string>();
      for (const g of gs) rowKeys.set(keyOf(g), labelOf(g));
      const keys = [...rowKeys.keys()].sort((a, b) => rowKeys.get(a)!.localeCompare(rowKeys.get(b)!));
      const col = new Map(months.map((m, i) => [m.key, i]));
      const flags = keys.map(() => months.map(() => 0));
      const words = keys.map(() => months.map(() => 0));
      const rowIndex = new Map(keys.map((k, i) => [k, i]));
      let texts = 0;
      let kept = 0;
      for (const g of gs) {
        const r = rowIndex.get(keyOf(g))!;
        const c = col.get(g.month);
        if (c === undefined) continue;
        flags[r][c] += g.flags;
        words[r][c] += g.words;
        texts += g.texts;
        kept += g.kept;
      }
      const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
      const table = suppressTable(flags, { columns: months.length });
      const rowWords = words.map(sum);
      const colWords = months.map((_, c) => sum(words.map((w) => w[c])));
      const allWords = sum(rowWords);
      const rows: ReportRow[] = keys.map((k, r) => ({
        key: k,
        label: rowKeys.get(k)!,
        cells: table.cells[r].map((cell, c) => ({
          count: cell,
          rate: rateOf(cell, words[r][c]),
          words: words[r][c],
        })),
        total: {
          count: table.rowTotals[r],
          rate: rateOf(table.rowTotals[r], rowWords[r]),
          words: rowWords[r],
        },
      }));
      const totals = table.colTotals.map((cell, c) => ({
        count: cell,
        rate: rateOf(cell, colWords[c]),
        words: colWords[c],
      }));
      const grand = { count: table.grand, rate: rateOf(table.grand, allWords), words: allWords };

      // Phrases, with the number kept; each column suppressed with its total.
      const counts = suppressList(ps.map((p) => p.n));
      const keptCells = suppressList(ps.map((p) => p.kept));
      const phraseRows = ps.map((p, i) => ({
        entryId: p.entry_id,
        category: p.category,
        categoryLabel: CATEGORY_LABELS[p.category as Category] ?? p.category,
        phrase: p.phrase,
        count: counts.items[i],
        kept: keptCells.items[i],
      }));
      const keptTotal = suppressOne(kept);

      // Briefings: the rate in the window before and after each.
      const briefings: BriefingView[] = [];
      let mark = 0;
      for (const b of briefingRows) {
        const held = monthStartOfDay(b.held_on);
        const before0 = new Date(held.getTime() - BRIEFING_WINDOW_DAYS * 86_400_000);
        const after1 = new Date(Math.min(held.getTime() + BRIEFING_WINDOW_DAYS * 86_400_000, now.getTime()));
        const scope = b.agency_id ?? agencyId;
        const bw = await windowTotals(tx, before0, held, scope);
        const aw = after1 > held ? await windowTotals(tx, held, after1, scope) : { words: 0, flags: 0 };
        const bc = suppressOne(bw.flags);
        const ac = suppressOne(aw.flags);
        briefings.push({
          id: b.id,
          mark: `B${++mark}`,
          heldOn: b.held_on,
          title: b.title,
          agency: b.agency_name ?? "All agencies",
          before: { count: bc, rate: rateOf(bc, bw.words), words: bw.words },
          after: {
            count: ac,
            rate: rateOf(ac, aw.words),
            words: aw.words,
            days: Math.max(0, Math.floor((after1.getTime() - held.getTime()) / 86_400_000)),
          },
        });
      }

      const points = months.map((m, c) => ({
        month: m.label,
        rate: totals[c].rate,
        flags: totals[c].count.shown,
        value:
          totals[c].count.suppressed || colWords[c] === 0
            ? null
            : (totals[c].count.value / colWords[c]) * 1000,
      }));
      const scopeName = agencyId ? names.get(agencyId) : "all agencies";
      const svg = renderLineChart({
        id: "language-trend",
        title: `Flags per 1,000 words by month, ${scopeName}, ${months[0].label} to ${months[months.length - 1].label}`,
        description: `Line chart of the monthly rate of flagged wording per 1,000 words saved, with ${briefings.length} briefing${briefings.length === 1 ? "" : "s"} marked. The same figures are in the table that follows.`,
        yLabel: "Flags per 1,000 words",
        points: points.map((p) => ({ label: p.month.replace(/ (\d{2})(\d{2})$/, " $2"), value: p.value })),
        events: briefings.map((b) => {
          const [y, m, d] = b.heldOn.split("-").map(Number);
          const i = col.get(`${y}-${String(m).padStart(2, "0")}`) ?? -1;
          const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
          return { x: i + (d - 1) / days, label: b.mark, title: `${b.mark}: ${b.title} (${b.heldOn})` };
        }),
        legend:
          "Solid line and dots: flags per 1,000 words. Dashed lines: briefings (B1, B2…). Gaps: hidden small numbers.",
      });

      let reasonRows: Report["reasons"] = null;
      if (rights.reasons) {
        reasonRows = (await reasons(tx, start, end, viewer.agencyId)).map((r) => ({
          at: r.checked_at,
          team: r.team || NO_TEAM,
          entryId: r.entry_id,
          categoryLabel: CATEGORY_LABELS[r.category as Category] ?? r.category,
          phrase: r.phrase,
          reason: r.reason,
        }));
      }

      await audit(
        tx,
        auditFor(actor, {
          action: "language.report.view",
          recordType: "language_report",
          recordId: `${from}..${to}`,
          reason: "practice report",
          details: { by, agencyId, reasons: rights.reasons },
        }),
      );

      return {
        rights,
        period: { from, to, months: months.map((m) => ({ key: m.key, label: m.label })) },
        by,
        agencyId,
        agencies,
        summary: {
          texts,
          words: allWords,
          flags: table.grand,
          kept: keptTotal,
          rate: grand.rate,
          dictionaryVersions: versions.rows.map((v) => v.v),
        },
        rows,
        totals,
        grand,
        chart: { svg, points: points.map(({ month, rate, flags }) => ({ month, rate, flags })) },
        phrases: phraseRows,
        phraseTotals: { count: counts.total, kept: keptCells.total },
        briefings,
        reasons: reasonRows,
      };
    },
  );
}

/** Midnight (London) at the start of a yyyy-MM-dd date. */
function monthStartOfDay(date: string): Date {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(new TZDate(y, m - 1, d, LONDON).getTime());
}

export async function addBriefing(
  app: App,
  actor: Actor,
  b: { heldOn: string; title: string; agencyId?: string | null },
): Promise<string> {
  const fields = [];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(b.heldOn) || Number.isNaN(new Date(`${b.heldOn}T12:00:00Z`).getTime()))
    fields.push({ field: "heldOn", message: "Enter the date of the briefing, for example 2026-03-14" });
  else if (b.heldOn > format(new TZDate(app.clock.now(), LONDON), "yyyy-MM-dd"))
    fields.push({ field: "heldOn", message: "The date of the briefing must be today or in the past" });
  const title = b.title.trim();
  if (title.length < 3 || title.length > 200)
    fields.push({ field: "title", message: "Enter what the briefing was about (3–200 characters)" });
  if (b.agencyId) {
    const a = await app.db
      .selectFrom("agencies")
      .select("id")
      .where("id", "=", b.agencyId)
      .executeTakeFirst();
    if (!a) fields.push({ field: "agencyId", message: "Choose an agency from the list" });
  }
  if (fields.length) throw new Invalid("The briefing has problems", fields);
  const id = newId();
  await app.db.transaction().execute(async (tx) => {
    await tx
      .insertInto("language_briefings")
      .values({ id, held_on: b.heldOn, title, agency_id: b.agencyId || null, created_by: actor.userId })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "language.briefing.add",
        recordType: "language_briefing",
        recordId: id,
        reason: "record a language briefing",
        details: { heldOn: b.heldOn, title, agencyId: b.agencyId || null },
      }),
    );
  });
  return id;
}

export const listBriefings = (app: App) =>
  app.db
    .selectFrom("language_briefings as b")
    .leftJoin("agencies as g", "g.id", "b.agency_id")
    .innerJoin("users as u", "u.id", "b.created_by")
    .select([
      "b.id",
      "b.held_on",
      "b.title",
      "g.name as agency_name",
      "u.display_name as created_by_name",
      "b.created_at",
    ])
    .orderBy("b.held_on", "desc")
    .limit(100)
    .execute();
