// Working time for deadlines (joint screening, reviews): working hours on working days in
// Europe/London, skipping weekends, England & Wales bank holidays and any extra closed dates.
// Pure functions over instants; every local time is converted with the London time zone rules, so
// a deadline that crosses the clock change keeps its wall-clock meaning (09:00 is 09:00 GMT or BST).
import { TZDate } from "@date-fns/tz";
import { LONDON, londonDate } from "./clock.ts";

/**
 * England and Wales bank holidays, 2024–2028.
 * Source: GOV.UK "UK bank holidays" (https://www.gov.uk/bank-holidays, data feed
 * https://www.gov.uk/bank-holidays.json, division "england-and-wales"), checked against the
 * Banking and Financial Dealings Act 1971 rules for substitute days: when Christmas Day or Boxing Day
 * falls at a weekend the following weekday(s) are holidays (2026-12-28; 2027-12-27 and 2027-12-28),
 * and New Year's Day on a Saturday moves to Monday (2028-01-03). Dates after 2026 are the announced
 * pattern and can change by royal proclamation: update this list (and BANK_HOLIDAY_YEARS) when
 * GOV.UK publishes changes, or add one-off closures through the screening settings' closed dates.
 */
export const EW_BANK_HOLIDAYS: readonly { date: string; name: string }[] = [
  { date: "2024-01-01", name: "New Year’s Day" },
  { date: "2024-03-29", name: "Good Friday" },
  { date: "2024-04-01", name: "Easter Monday" },
  { date: "2024-05-06", name: "Early May bank holiday" },
  { date: "2024-05-27", name: "Spring bank holiday" },
  { date: "2024-08-26", name: "Summer bank holiday" },
  { date: "2024-12-25", name: "Christmas Day" },
  { date: "2024-12-26", name: "Boxing Day" },
  { date: "2025-01-01", name: "New Year’s Day" },
  { date: "2025-04-18", name: "Good Friday" },
  { date: "2025-04-21", name: "Easter Monday" },
  { date: "2025-05-05", name: "Early May bank holiday" },
  { date: "2025-05-26", name: "Spring bank holiday" },
  { date: "2025-08-25", name: "Summer bank holiday" },
  { date: "2025-12-25", name: "Christmas Day" },
  { date: "2025-12-26", name: "Boxing Day" },
  { date: "2026-01-01", name: "New Year’s Day" },
  { date: "2026-04-03", name: "Good Friday" },
  { date: "2026-04-06", name: "Easter Monday" },
  { date: "2026-05-04", name: "Early May bank holiday" },
  { date: "2026-05-25", name: "Spring bank holiday" },
  { date: "2026-08-31", name: "Summer bank holiday" },
  { date: "2026-12-25", name: "Christmas Day" },
  { date: "2026-12-28", name: "Boxing Day (substitute day)" },
  { date: "2027-01-01", name: "New Year’s Day" },
  { date: "2027-03-26", name: "Good Friday" },
  { date: "2027-03-29", name: "Easter Monday" },
  { date: "2027-05-03", name: "Early May bank holiday" },
  { date: "2027-05-31", name: "Spring bank holiday" },
  { date: "2027-08-30", name: "Summer bank holiday" },
  { date: "2027-12-27", name: "Christmas Day (substitute day)" },
  { date: "2027-12-28", name: "Boxing Day (substitute day)" },
  { date: "2028-01-03", name: "New Year’s Day (substitute day)" },
  { date: "2028-04-14", name: "Good Friday" },
  { date: "2028-04-17", name: "Easter Monday" },
  { date: "2028-05-01", name: "Early May bank holiday" },
  { date: "2028-05-29", name: "Spring bank holiday" },
  { date: "2028-08-28", name: "Summer bank holiday" },
  { date: "2028-12-25", name: "Christmas Day" },
  { date: "2028-12-26", name: "Boxing Day" },
];
/** The years the bank holiday data covers. Outside them only weekends (and closed dates) are skipped. */
export const BANK_HOLIDAY_YEARS = { first: 2024, last: 2028 } as const;

const HOLIDAYS = new Map(EW_BANK_HOLIDAYS.map((h) => [h.date, h.name]));

/** Working hours on working days. Days are ISO weekdays (1 = Monday … 7 = Sunday). */
export type WorkingHours = {
  /** "HH:MM", London time. */
  start: string;
  /** "HH:MM" after start; "24:00" for the end of the day. */
  end: string;
  days: readonly number[];
  /** Skip England & Wales bank holidays (default true). */
  bankHolidays?: boolean;
  /** Extra closed dates (YYYY-MM-DD), e.g. a council's closure days between Christmas and New Year. */
  closedDates?: readonly string[];
};

export const OFFICE_HOURS: WorkingHours = { start: "09:00", end: "17:00", days: [1, 2, 3, 4, 5] };
/** Every minute of every day: makes working time equal clock time (useful for out-of-hours teams). */
export const ALWAYS: WorkingHours = {
  start: "00:00",
  end: "24:00",
  days: [1, 2, 3, 4, 5, 6, 7],
  bankHolidays: false,
};

const MINUTE = 60_000;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

export function isBankHoliday(date: string): string | null {
  return HOLIDAYS.get(date) ?? null;
}

/** Throws on hours that cannot work (bad times, end not after start, no days). */
export function checkWorkingHours(h: WorkingHours): void {
  if (!TIME.test(h.start) || h.start === "24:00")
    throw new Error(`working hours start "${h.start}" is not HH:MM`);
  if (!TIME.test(h.end)) throw new Error(`working hours end "${h.end}" is not HH:MM`);
  if (minutesOf(h.end) <= minutesOf(h.start)) throw new Error("working hours must end after they start");
  if (!h.days.length || h.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
    throw new Error("working days must be ISO weekdays 1–7");
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** ISO weekday (1 = Monday) of a calendar date. */
function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

function nextDate(date: string, step = 1): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + step);
  return d.toISOString().slice(0, 10);
}

/** The instant of a London wall-clock time on a calendar date ("24:00" = the next day's midnight). */
export function londonInstant(date: string, hhmm: string): number {
  const [y, m, d] = date.split("-").map(Number);
  const mins = minutesOf(hhmm);
  return new TZDate(y, m - 1, d, Math.floor(mins / 60), mins % 60, LONDON).getTime();
}

export function isWorkingDay(date: string, h: WorkingHours = OFFICE_HOURS): boolean {
  if (!h.days.includes(isoWeekday(date))) return false;
  if ((h.bankHolidays ?? true) && HOLIDAYS.has(date)) return false;
  if (h.closedDates?.includes(date)) return false;
  return true;
}

/** The working window [start, end) of a date as instants, or null on a non-working day. */
export function windowOf(date: string, h: WorkingHours = OFFICE_HOURS): [number, number] | null {
  if (!isWorkingDay(date, h)) return null;
  return [londonInstant(date, h.start), londonInstant(date, h.end)];
}

// Ten years of days: far beyond any deadline, and a guard against hours with no working day at all.
const MAX_DAYS = 3700;

/**
 * The instant `minutes` working minutes after `from`. Time outside working hours does not count, so
 * a referral received on Saturday starts its clock at 09:00 on Monday. When the minutes run out
 * exactly at the end of a working day, the deadline is that end (17:00), not the next morning.
 */
export function addWorkingMinutes(from: Date, minutes: number, h: WorkingHours = OFFICE_HOURS): Date {
  checkWorkingHours(h);
  if (!Number.isFinite(minutes) || minutes < 0) throw new Error("minutes must be zero or more");
  let left = Math.round(minutes * MINUTE);
  const t = from.getTime();
  let date = londonDate(from);
  // The previous day's window can reach past midnight only with "24:00", which ends at midnight: start today.
  for (let i = 0; i < MAX_DAYS; i++, date = nextDate(date)) {
    const w = windowOf(date, h);
    if (!w || t >= w[1]) continue;
    const begin = Math.max(t, w[0]);
    const available = w[1] - begin;
    if (left <= available) return new Date(begin + left);
    left -= available;
  }
  throw new Error("no working time found within ten years: check the working hours");
}

/** Working days are whole working-day lengths of working time: 1 working day from Monday 14:00 is Tuesday 14:00. */
export function addWorkingDays(from: Date, days: number, h: WorkingHours = OFFICE_HOURS): Date {
  checkWorkingHours(h);
  return addWorkingMinutes(from, days * (minutesOf(h.end) - minutesOf(h.start)), h);
}

/** Working minutes from a to b (negative when b is before a). */
export function workingMinutesBetween(a: Date, b: Date, h: WorkingHours = OFFICE_HOURS): number {
  checkWorkingHours(h);
  if (b.getTime() < a.getTime()) return -workingMinutesBetween(b, a, h);
  const from = a.getTime();
  const to = b.getTime();
  let total = 0;
  let date = londonDate(a);
  const last = londonDate(b);
  for (let i = 0; i < MAX_DAYS; i++, date = nextDate(date)) {
    const w = windowOf(date, h);
    if (w) total += Math.max(0, Math.min(to, w[1]) - Math.max(from, w[0]));
    if (date >= last) break;
  }
  return Math.round(total / MINUTE);
}

export type DeadlineRule = { amount: number; unit: "working_hours" | "working_days" | "hours" };

/** A deadline from a start time: working hours, working days, or plain clock hours (elapsed time). */
export function deadlineAfter(from: Date, rule: DeadlineRule, h: WorkingHours = OFFICE_HOURS): Date {
  switch (rule.unit) {
    case "hours":
      return new Date(from.getTime() + rule.amount * 60 * MINUTE);
    case "working_hours":
      return addWorkingMinutes(from, rule.amount * 60, h);
    case "working_days":
      return addWorkingDays(from, rule.amount, h);
  }
}

/** Time left to a deadline in the rule's own terms (working minutes, or clock minutes for "hours"). */
export function minutesLeft(
  now: Date,
  due: Date,
  unit: DeadlineRule["unit"],
  h: WorkingHours = OFFICE_HOURS,
) {
  return unit === "hours"
    ? Math.round((due.getTime() - now.getTime()) / MINUTE)
    : workingMinutesBetween(now, due, h);
}

/** "2 working days 3 hours", "45 minutes" … for a number of minutes of a given day length. */
export function describeMinutes(minutes: number, dayMinutes: number | null, working = true): string {
  const m = Math.abs(Math.round(minutes));
  const parts: string[] = [];
  let rest = m;
  if (dayMinutes && rest >= dayMinutes) {
    const d = Math.floor(rest / dayMinutes);
    parts.push(`${d} ${working ? "working " : ""}day${d === 1 ? "" : "s"}`);
    rest -= d * dayMinutes;
  }
  const hrs = Math.floor(rest / 60);
  const mins = rest % 60;
  if (hrs) parts.push(`${hrs} ${working && !parts.length ? "working " : ""}hour${hrs === 1 ? "" : "s"}`);
  if (mins && parts.length < 2) parts.push(`${mins} minute${mins === 1 ? "" : "s"}`);
  return parts.length ? parts.join(" ") : "less than a minute";
}

export const workingDayMinutes = (h: WorkingHours): number => minutesOf(h.end) - minutesOf(h.start);
