// Turning referral answers and rows into what pages show: radio and checkbox items, summary rows,
// error summaries. Shared by the referral pages, the screening pages and the home page.
import type { FieldIssue } from "../../platform/errors.ts";
import type { PersonInput } from "./referrals.schema.ts";
import {
  CONCERN_LABELS,
  CONCERN_SHORT,
  type ConcernType,
  DECISION_LABELS,
  DISCIPLINE_LABELS,
  INDICATORS,
  KIND_LABELS,
  PARENTS_AWARE_LABELS,
  RISK_VIEW_LABELS,
  SEND_LABELS,
  SEX_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  STATUS_TAG,
  URGENCY_LABELS,
  WORKER_GENDER_LABELS,
  YES_NO_UNKNOWN_LABELS,
} from "./referrals.vocab.ts";

export const LABELS = {
  kind: KIND_LABELS,
  concern: CONCERN_LABELS,
  concernShort: CONCERN_SHORT,
  urgency: URGENCY_LABELS,
  indicator: INDICATORS as Record<string, string>,
  source: SOURCE_LABELS,
  send: SEND_LABELS,
  yesNo: YES_NO_UNKNOWN_LABELS,
  workerGender: WORKER_GENDER_LABELS,
  parentsAware: PARENTS_AWARE_LABELS,
  sex: SEX_LABELS,
  status: STATUS_LABELS,
  statusTag: STATUS_TAG,
  decision: DECISION_LABELS,
  discipline: DISCIPLINE_LABELS,
  riskView: RISK_VIEW_LABELS,
};

export type Item = { value: string; text: string; checked?: boolean; hint?: { text: string } };

export function items(
  labels: Record<string, string>,
  selected: unknown,
  hints?: Record<string, string>,
): Item[] {
  const chosen = new Set(
    Array.isArray(selected) ? selected.map(String) : selected == null ? [] : [String(selected)],
  );
  return Object.entries(labels).map(([value, text]) => ({
    value,
    text,
    checked: chosen.has(value),
    ...(hints?.[value] ? { hint: { text: hints[value] } } : {}),
  }));
}

/** The error summary and each field's message, in the shape govuk-frontend's macros take. */
export function errorsFor(fields: readonly FieldIssue[], hrefOf: (field: string) => string = (f) => `#${f}`) {
  const seen = new Set<string>();
  const unique = fields.filter((f) => {
    if (seen.has(f.field)) return false;
    seen.add(f.field);
    return true;
  });
  return {
    errors: unique.map((f) => ({ text: f.message, href: hrefOf(f.field) })),
    em: Object.fromEntries(unique.map((f) => [f.field, { text: f.message }])) as Record<
      string,
      { text: string }
    >,
  };
}

const none = "Not given";
export const concernsText = (list: readonly string[] | undefined) =>
  (list ?? []).map((c) => CONCERN_SHORT[c as ConcernType] ?? c).join(", ") || none;

export function personLines(p: Partial<PersonInput> & Record<string, unknown>): string[] {
  const out: string[] = [];
  const age = (p.approximateAge ?? p.approximate_age) as number | undefined;
  const bits = [
    p.sex && p.sex !== "unknown" ? SEX_LABELS[p.sex as keyof typeof SEX_LABELS] : null,
    age ? `about ${age}` : null,
    p.ethnicity ? String(p.ethnicity) : null,
  ].filter(Boolean);
  if (bits.length) out.push(bits.join(", "));
  if (p.description) out.push(String(p.description));
  const vehicles = (p.vehicles as string[] | undefined) ?? [];
  const phones = (p.phones as string[] | undefined) ?? [];
  const places = (p.places as string[] | undefined) ?? [];
  const online = ((p.onlineAccounts ?? p.online_accounts) as string[] | undefined) ?? [];
  if (vehicles.length) out.push(`Vehicles: ${vehicles.join("; ")}`);
  if (phones.length) out.push(`Phones: ${phones.join("; ")}`);
  if (places.length) out.push(`Places: ${places.join("; ")}`);
  if (online.length) out.push(`Online: ${online.join("; ")}`);
  const rel = (p.relationshipToChild ?? p.relationship_to_child) as string | undefined;
  if (rel) out.push(`How they know the child: ${rel}`);
  return out;
}

export const personTitle = (p: Record<string, unknown>, i: number) =>
  (p.name as string | undefined) ? String(p.name) : `Person ${i + 1} (name not known)`;

export { none as NOT_GIVEN };
