// The spreadsheet view: one row per child in the cohort, its columns, filters and sort orders.
// Pure functions over rows already read under the viewer's access, shared by the page, the API and
// the Excel export so all three show the same thing.
import { z } from "zod";
import type { RiskLevel, RiskTrend } from "./tracker.tables.ts";
import {
  CONCERN_SHORT,
  type Concern,
  RISK_LABELS,
  RISK_LEVELS,
  RISK_RANK,
  RISK_TRENDS,
  SEND_SHORT,
  SEX_LABELS,
  TREND_LABELS,
  TREND_RANK,
} from "./tracker.vocab.ts";

export type TrackerRow = {
  entryId: string;
  childId: string;
  reference: string;
  name: string;
  dateOfBirth: string | null;
  age: number | null;
  sex: string;
  send: string;
  lookedAfter: boolean;
  outOfArea: boolean;
  concerns: string[];
  riskLevel: RiskLevel;
  riskTrend: RiskTrend;
  leadAgencyId: string;
  leadAgency: string;
  leadProfessional: string | null;
  lastReviewOn: string | null;
  nextReviewOn: string;
  reviewOverdue: boolean;
  openActions: number;
  overdueActions: number;
  escalatedActions: number;
  missing90: number;
  missingNow: boolean;
  rhiOverdue: number;
  rhiDue: number;
  lastMissingAt: Date | null;
  addedAt: Date;
  source: "screening" | "direct";
  version: number;
};

export const FLAGS = [
  "looked_after",
  "out_of_area",
  "send",
  "missing_90",
  "missing_now",
  "rhi_overdue",
  "review_overdue",
  "actions_overdue",
] as const;
export type Flag = (typeof FLAGS)[number];
export const FLAG_LABELS: Record<Flag, string> = {
  looked_after: "Looked after",
  out_of_area: "Placed out of area",
  send: "SEN support or EHCP",
  missing_90: "Missing in the last 90 days",
  missing_now: "Missing now",
  rhi_overdue: "Return interview overdue",
  review_overdue: "Review overdue",
  actions_overdue: "Actions overdue",
};

type Col = {
  key: string;
  label: string;
  /** sort: the value to compare (nulls last); numeric columns are right-aligned */
  value: (r: TrackerRow) => string | number | null;
  numeric?: boolean;
  /** the first click sorts this way */
  first: "asc" | "desc";
};

const ts = (d: Date | null) => (d ? d.getTime() : null);

export const COLUMNS: readonly Col[] = [
  { key: "child", label: "Child", value: (r) => r.name.toLowerCase(), first: "asc" },
  { key: "age", label: "Age", value: (r) => r.age, numeric: true, first: "asc" },
  { key: "sex", label: "Sex", value: (r) => SEX_LABELS[r.sex] ?? r.sex, first: "asc" },
  { key: "concerns", label: "Concerns", value: (r) => r.concerns.join(","), first: "asc" },
  { key: "risk", label: "Risk", value: (r) => RISK_RANK[r.riskLevel], first: "desc" },
  { key: "trend", label: "Trend", value: (r) => TREND_RANK[r.riskTrend], first: "desc" },
  { key: "lead", label: "Lead agency", value: (r) => r.leadAgency.toLowerCase(), first: "asc" },
  {
    key: "professional",
    label: "Lead professional",
    value: (r) => r.leadProfessional?.toLowerCase() ?? null,
    first: "asc",
  },
  { key: "lastReview", label: "Last review", value: (r) => r.lastReviewOn, first: "desc" },
  { key: "nextReview", label: "Next review", value: (r) => r.nextReviewOn, first: "asc" },
  {
    key: "actions",
    label: "Open actions",
    value: (r) => r.overdueActions * 10_000 + r.openActions,
    numeric: true,
    first: "desc",
  },
  {
    key: "missing",
    label: "Missing (90 days)",
    value: (r) => (r.missingNow ? 1_000_000 : 0) + r.rhiOverdue * 1000 + r.missing90,
    numeric: true,
    first: "desc",
  },
  { key: "send", label: "SEND", value: (r) => SEND_SHORT[r.send] ?? r.send, first: "desc" },
  { key: "lac", label: "Looked after", value: (r) => (r.lookedAfter ? 1 : 0), first: "desc" },
  { key: "ooa", label: "Out of area", value: (r) => (r.outOfArea ? 1 : 0), first: "desc" },
  { key: "added", label: "In cohort since", value: (r) => ts(r.addedAt), first: "desc" },
];
export const SORT_KEYS = COLUMNS.map((c) => c.key) as [string, ...string[]];

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .enum(values)
    .optional()
    .catch(undefined as never);

/** The tracker's query string. Unknown or bad values are ignored (the page still shows). */
export const trackerQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  risk: oneOf(RISK_LEVELS),
  trend: oneOf(RISK_TRENDS),
  lead: z.uuid().optional().catch(undefined),
  sex: oneOf(["female", "male", "other", "unknown"] as const),
  flag: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .transform((v) => v.filter((f): f is Flag => (FLAGS as readonly string[]).includes(f)))
    .catch([]),
  sort: oneOf(SORT_KEYS),
  dir: oneOf(["asc", "desc"] as const),
});
export type TrackerQuery = z.output<typeof trackerQuery>;

const FLAG_TEST: Record<Flag, (r: TrackerRow) => boolean> = {
  looked_after: (r) => r.lookedAfter,
  out_of_area: (r) => r.outOfArea,
  send: (r) => r.send === "sen_support" || r.send === "ehcp",
  missing_90: (r) => r.missing90 > 0,
  missing_now: (r) => r.missingNow,
  rhi_overdue: (r) => r.rhiOverdue > 0,
  review_overdue: (r) => r.reviewOverdue,
  actions_overdue: (r) => r.overdueActions > 0,
};

export function filterRows(rows: readonly TrackerRow[], q: TrackerQuery): TrackerRow[] {
  const text = q.q?.toLowerCase();
  return rows.filter(
    (r) =>
      (!text || r.name.toLowerCase().includes(text) || r.reference.toLowerCase().includes(text)) &&
      (!q.risk || r.riskLevel === q.risk) &&
      (!q.trend || r.riskTrend === q.trend) &&
      (!q.lead || r.leadAgencyId === q.lead) &&
      (!q.sex || r.sex === q.sex) &&
      q.flag.every((f) => FLAG_TEST[f](r)),
  );
}

/**
 * Sorted by the chosen column (nulls last either way), ties broken by risk, then next review date,
 * then name, so the order is stable. Default: highest risk first, then the soonest review.
 */
export function sortRows(rows: readonly TrackerRow[], sort?: string, dir?: "asc" | "desc"): TrackerRow[] {
  const col = COLUMNS.find((c) => c.key === sort);
  const tie = (a: TrackerRow, b: TrackerRow) =>
    RISK_RANK[b.riskLevel] - RISK_RANK[a.riskLevel] ||
    a.nextReviewOn.localeCompare(b.nextReviewOn) ||
    a.name.localeCompare(b.name) ||
    a.reference.localeCompare(b.reference);
  if (!col) return [...rows].sort(tie);
  const sign = (dir ?? col.first) === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    if (x === y) return tie(a, b);
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sign || tie(a, b);
  });
}

/** Header cells for the sortable table: link to sort, aria-sort on the current column. */
export function headers(q: TrackerQuery, baseParams: URLSearchParams) {
  return COLUMNS.map((c) => {
    const current = q.sort === c.key;
    const currentDir = current ? (q.dir ?? c.first) : null;
    const nextDir = current ? (currentDir === "asc" ? "desc" : "asc") : c.first;
    const p = new URLSearchParams(baseParams);
    p.set("sort", c.key);
    p.set("dir", nextDir);
    return {
      key: c.key,
      label: c.label,
      numeric: Boolean(c.numeric),
      ariaSort: currentDir === "asc" ? "ascending" : currentDir === "desc" ? "descending" : "none",
      href: `/tracker?${p.toString()}`,
      next: nextDir === "asc" ? "ascending" : "descending",
    };
  });
}

/** The filters as query parameters (no sort), to carry into header links and the export. */
export function filterParams(q: TrackerQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.q) p.set("q", q.q);
  if (q.risk) p.set("risk", q.risk);
  if (q.trend) p.set("trend", q.trend);
  if (q.lead) p.set("lead", q.lead);
  if (q.sex) p.set("sex", q.sex);
  for (const f of q.flag) p.append("flag", f);
  return p;
}

/** The filters in words, for the export's watermark and the page. */
export function describeFilters(q: TrackerQuery, agencyName: (id: string) => string | undefined): string {
  const parts: string[] = [];
  if (q.q) parts.push(`name or reference contains "${q.q}"`);
  if (q.risk) parts.push(`risk ${RISK_LABELS[q.risk].toLowerCase()}`);
  if (q.trend) parts.push(`trend ${TREND_LABELS[q.trend].toLowerCase()}`);
  if (q.lead) parts.push(`lead agency ${agencyName(q.lead) ?? "(unknown)"}`);
  if (q.sex) parts.push(`sex ${SEX_LABELS[q.sex].toLowerCase()}`);
  for (const f of q.flag) parts.push(FLAG_LABELS[f].toLowerCase());
  return parts.length ? parts.join("; ") : "none (the whole cohort you can see)";
}

export const concernText = (cs: readonly string[]) =>
  cs.map((c) => CONCERN_SHORT[c as Concern] ?? c).join(", ");

/** Counts for the "needs attention" summary above the table. */
export function summarise(rows: readonly TrackerRow[]) {
  return {
    total: rows.length,
    high: rows.filter((r) => r.riskLevel === "high").length,
    increasing: rows.filter((r) => r.riskTrend === "increasing").length,
    missingNow: rows.filter((r) => r.missingNow).length,
    rhiOverdue: rows.filter((r) => r.rhiOverdue > 0).length,
    reviewOverdue: rows.filter((r) => r.reviewOverdue).length,
    actionsOverdue: rows.filter((r) => r.overdueActions > 0).length,
  };
}
