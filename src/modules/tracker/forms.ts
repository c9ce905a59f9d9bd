// Reading GOV.UK form fields (date inputs, times, choices) into values or field-level errors, and
// turning errors into the error summary the layout shows. Shared by the tracker, missing and
// contexts pages.

import { formatLondon } from "../../platform/clock.ts";
import type { FieldIssue } from "../../platform/errors.ts";
import { londonInstant, parseTimeOfDay } from "../missing/missing.clock.ts";

export type Form = Record<string, string | string[] | undefined>;

/** A single string value of a form field (the last one when repeated), trimmed. */
export const str = (form: Form, name: string): string => {
  const v = form[name];
  return (Array.isArray(v) ? (v[v.length - 1] ?? "") : (v ?? "")).trim();
};
/** Every value of a repeated field (checkboxes). */
export const all = (form: Form, name: string): string[] => {
  const v = form[name];
  return (Array.isArray(v) ? v : v === undefined || v === "" ? [] : [v]).map((x) => x.trim()).filter(Boolean);
};

export type Errors = { errors: { text: string; href: string }[]; byField: Record<string, string> };

/** The error summary list and per-field messages for a page. Date fields link to their day box. */
export function errorsFor(fields: FieldIssue[], dateFields: readonly string[] = []): Errors {
  const byField: Record<string, string> = {};
  const errors: { text: string; href: string }[] = [];
  for (const f of fields) {
    if (byField[f.field]) continue;
    byField[f.field] = f.message;
    errors.push({ text: f.message, href: `#${f.field}${dateFields.includes(f.field) ? "-day" : ""}` });
  }
  return { errors, byField };
}

/**
 * A GOV.UK date input named `name` (fields name-day, name-month, name-year) as yyyy-MM-dd.
 * Empty and not required → null.
 */
export function readDate(
  form: Form,
  name: string,
  what: string,
  issues: FieldIssue[],
  opts: { required?: boolean } = {},
): string | null {
  const d = str(form, `${name}-day`);
  const m = str(form, `${name}-month`);
  const y = str(form, `${name}-year`);
  if (!d && !m && !y) {
    if (opts.required) issues.push({ field: name, message: `Enter ${what}` });
    return null;
  }
  if (!d || !m || !y) {
    issues.push({
      field: name,
      message: `${capital(what)} must include a ${[!d && "day", !m && "month", !y && "year"].filter(Boolean).join(" and ")}`,
    });
    return null;
  }
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) {
    issues.push({ field: name, message: `${capital(what)} must be a real date, like 27 3 2026` });
    return null;
  }
  const t = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (t.getUTCDate() !== Number(d) || t.getUTCMonth() !== Number(m) - 1) {
    issues.push({ field: name, message: `${capital(what)} must be a real date` });
    return null;
  }
  return t.toISOString().slice(0, 10);
}

/**
 * A date input plus a time field (`name-time`, "21:05") read as a London instant. Refuses times that
 * did not happen (the hour lost in March); takes the first of a repeated hour in October.
 */
export function readDateTime(
  form: Form,
  name: string,
  what: string,
  issues: FieldIssue[],
  opts: { required?: boolean } = {},
): Date | null {
  const before = issues.length;
  const date = readDate(form, name, `the date ${what}`, issues, opts);
  const timeText = str(form, `${name}-time`);
  if (issues.length > before) return null;
  if (!date) {
    if (timeText) issues.push({ field: name, message: `Enter the date ${what}` });
    return null;
  }
  if (!timeText) {
    issues.push({ field: `${name}-time`, message: `Enter the time ${what}, like 21:05` });
    return null;
  }
  const t = parseTimeOfDay(timeText);
  if (!t) {
    issues.push({ field: `${name}-time`, message: `Enter the time ${what} as a 24-hour time, like 21:05` });
    return null;
  }
  const [year, month, day] = date.split("-").map(Number);
  const r = londonInstant({ year, month, day, hour: t.hour, minute: t.minute });
  if (!r.ok) {
    issues.push({
      field: `${name}-time`,
      message:
        r.reason === "not_a_time_in_london"
          ? `${timeText} on ${formatLondon(new Date(Date.UTC(year, month - 1, day, 12)), "d MMMM yyyy")} did not happen in the UK: the clocks went forward an hour. Check the time`
          : `Enter the time ${what} as a 24-hour time, like 21:05`,
    });
    return null;
  }
  return r.at;
}

/** One of a fixed set of values, or an issue. */
export function readChoice<T extends string>(
  form: Form,
  name: string,
  allowed: readonly T[],
  message: string,
  issues: FieldIssue[],
  opts: { required?: boolean } = { required: true },
): T | null {
  const v = str(form, name);
  if (!v) {
    if (opts.required !== false) issues.push({ field: name, message });
    return null;
  }
  if (!(allowed as readonly string[]).includes(v)) {
    issues.push({ field: name, message });
    return null;
  }
  return v as T;
}

/** Required or optional free text with a length limit. */
export function readText(
  form: Form,
  name: string,
  issues: FieldIssue[],
  opts: { required?: string; max?: number; min?: number; minMessage?: string } = {},
): string | null {
  const v = str(form, name);
  if (!v) {
    if (opts.required) issues.push({ field: name, message: opts.required });
    return null;
  }
  if (opts.min && v.length < opts.min) {
    issues.push({ field: name, message: opts.minMessage ?? `Enter at least ${opts.min} characters` });
    return null;
  }
  const max = opts.max ?? 5000;
  if (v.length > max) {
    issues.push({ field: name, message: `Must be ${max.toLocaleString("en-GB")} characters or fewer` });
    return null;
  }
  return v;
}

/** The day/month/year values to refill a date input from an ISO date. */
export function dateParts(iso: string | null | undefined): { day: string; month: string; year: string } {
  if (!iso) return { day: "", month: "", year: "" };
  const [y, m, d] = iso.slice(0, 10).split("-");
  return { day: String(Number(d)), month: String(Number(m)), year: y };
}

/** govukDateInput items for a named date, refilled from the form. */
export function dateItems(form: Form, name: string, error = false) {
  const cls = (w: string) => `govuk-input--width-${w}${error ? " govuk-input--error" : ""}`;
  return [
    { name: "day", label: "Day", classes: cls("2"), value: str(form, `${name}-day`) },
    { name: "month", label: "Month", classes: cls("2"), value: str(form, `${name}-month`) },
    { name: "year", label: "Year", classes: cls("4"), value: str(form, `${name}-year`) },
  ];
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
