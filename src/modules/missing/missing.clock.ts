// Time rules for missing episodes, all in Europe/London: reading a date and time typed by a person,
// the 72-hour return-home interview clock, durations, and the repeat-missing pattern of a child.
// Pure functions of their arguments (the caller passes `now`), so tests can cross clock changes.
import { tzOffset } from "@date-fns/tz";
import { formatLondon, LONDON, londonDate } from "../../platform/clock.ts";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** A return-home interview should be offered within 72 hours of the child's return (elapsed hours). */
export const RHI_HOURS = 72;

// ---------- reading a London date and time ----------

export type WallTime = { year: number; month: number; day: number; hour: number; minute: number };
export type LondonInstant =
  | { ok: true; at: Date; ambiguous: boolean }
  | { ok: false; reason: "invalid_date" | "invalid_time" | "not_a_time_in_london" };

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/**
 * The instant a London wall-clock time names. In March one hour does not exist (clocks go forward
 * at 01:00 GMT): refused. In October one hour happens twice (clocks go back at 02:00 BST): the
 * first (BST) occurrence is taken and `ambiguous` is set so the page can say so.
 */
export function londonInstant(w: WallTime): LondonInstant {
  const { year, month, day, hour, minute } = w;
  if (![year, month, day, hour, minute].every(Number.isInteger)) return { ok: false, reason: "invalid_date" };
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31)
    return { ok: false, reason: "invalid_date" };
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1) return { ok: false, reason: "invalid_date" };
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return { ok: false, reason: "invalid_time" };
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  const candidates = new Set<number>();
  for (const around of [naive - 3 * HOUR_MS, naive + 3 * HOUR_MS]) {
    candidates.add(naive - tzOffset(LONDON, new Date(around)) * 60_000);
  }
  const want = `${year}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}`;
  const valid = [...candidates]
    .filter((t) => formatLondon(new Date(t), "yyyy-MM-dd HH:mm") === want)
    .sort((a, b) => a - b);
  if (valid.length === 0) return { ok: false, reason: "not_a_time_in_london" };
  return { ok: true, at: new Date(valid[0]), ambiguous: valid.length > 1 };
}

/** "21:05", "9:05", "9.05pm", "12am" → hours and minutes, or null. */
export function parseTimeOfDay(text: string): { hour: number; minute: number } | null {
  const m = /^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$/i.exec(text);
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const half = m[3]?.toLowerCase();
  if (m[2] === undefined && !half) return null;
  if (half) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (half === "pm" ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return null;
  return { hour, minute };
}

/** The London wall-clock parts of an instant, for filling a form. */
export function wallTimeOf(d: Date): { day: string; month: string; year: string; time: string } {
  const [y, mo, da, hh, mi] = formatLondon(d, "yyyy M d HH mm").split(" ");
  return { day: da, month: mo, year: y, time: `${hh}:${mi}` };
}

// ---------- durations ----------

/** "3 days 4 hours", "5 hours 10 minutes", "45 minutes", "less than a minute". */
export function humanDuration(ms: number): string {
  const abs = Math.abs(ms);
  const minutes = Math.floor(abs / 60_000);
  if (minutes < 1) return "less than a minute";
  const days = Math.floor(minutes / (24 * 60));
  const hours = Math.floor((minutes % (24 * 60)) / 60);
  const mins = minutes % 60;
  const part = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
  if (days > 0) return hours ? `${part(days, "day")} ${part(hours, "hour")}` : part(days, "day");
  if (hours > 0) return mins ? `${part(hours, "hour")} ${part(mins, "minute")}` : part(hours, "hour");
  return part(mins, "minute");
}

// ---------- the 72-hour return-home interview clock ----------

export type RhiFacts = {
  kind: "missing" | "absent";
  endedAt: Date | null;
  offeredAt: Date | null;
  completedAt: Date | null;
  declinedAt: Date | null;
  outcome: "offered" | "completed" | "declined" | "not_completed" | null;
};

export type RhiClockState =
  | "missing_now"
  | "not_required"
  | "due"
  | "due_soon"
  | "overdue"
  | "offered_in_time"
  | "offered_late";

export type RhiClock = {
  state: RhiClockState;
  dueAt: Date | null;
  /** ms until due (negative when overdue) */
  remainingMs: number | null;
  /** short text for a tag: never colour alone */
  tag: string;
  colour: "red" | "orange" | "yellow" | "green" | "grey" | "blue";
  /** a sentence for the page */
  text: string;
};

export const rhiDueAt = (returnedAt: Date): Date => new Date(returnedAt.getTime() + RHI_HOURS * HOUR_MS);

/**
 * The clock runs from the return (ended_at) for 72 elapsed hours, so across a clock change the
 * London wall-clock deadline moves by an hour (returned Saturday 10:00 GMT before the March change
 * → due Tuesday 11:00 BST). It stops when an interview is offered (the statutory duty); an
 * episode with no end is "missing now" and has no clock yet. Absences (not missing) need no RHI.
 */
export function rhiClock(f: RhiFacts, now: Date): RhiClock {
  if (!f.endedAt)
    return {
      state: "missing_now",
      dueAt: null,
      remainingMs: null,
      tag: "Missing now",
      colour: "red",
      text: "Missing now: the return-home interview clock starts when the child is found or returns.",
    };
  if (f.kind === "absent")
    return {
      state: "not_required",
      dueAt: null,
      remainingMs: null,
      tag: "Not required",
      colour: "grey",
      text: "Absent, not missing: no return-home interview is required.",
    };
  const dueAt = rhiDueAt(f.endedAt);
  const offered = f.offeredAt ?? f.completedAt ?? f.declinedAt;
  const due = `by ${formatLondon(dueAt)}`;
  if (offered) {
    const after = humanDuration(offered.getTime() - f.endedAt.getTime());
    const inTime = offered.getTime() <= dueAt.getTime();
    const what =
      f.outcome === "completed"
        ? "Interview completed"
        : f.outcome === "declined"
          ? "Offered; the child declined"
          : f.outcome === "not_completed"
            ? "Offered; not completed"
            : "Interview offered";
    return {
      state: inTime ? "offered_in_time" : "offered_late",
      dueAt,
      remainingMs: dueAt.getTime() - offered.getTime(),
      tag: inTime ? "Offered in time" : "Offered late",
      colour: inTime ? "green" : "orange",
      text: `${what}: offered ${after} after the return (${inTime ? "within" : "later than"} 72 hours; due ${due}).`,
    };
  }
  const remaining = dueAt.getTime() - now.getTime();
  if (remaining < 0)
    return {
      state: "overdue",
      dueAt,
      remainingMs: remaining,
      tag: "Overdue",
      colour: "red",
      text: `Overdue by ${humanDuration(remaining)}: the interview should have been offered ${due}.`,
    };
  const soon = remaining <= 24 * HOUR_MS;
  return {
    state: soon ? "due_soon" : "due",
    dueAt,
    remainingMs: remaining,
    tag: soon ? "Due soon" : "Due",
    colour: soon ? "orange" : "yellow",
    text: `Due in ${humanDuration(remaining)}: offer the interview ${due}.`,
  };
}

// ---------- repeat-missing patterns ----------

export type EpisodeFacts = {
  startedAt: Date;
  endedAt: Date | null;
  kind: "missing" | "absent";
  foundLocation: string | null;
  foundWith: string | null;
  missingFrom: string | null;
};

export type MissingPattern = {
  total: number;
  last90Days: number;
  last12Months: number;
  missingNow: boolean;
  /** median and longest duration of ended episodes, in ms */
  medianMs: number | null;
  longestMs: number | null;
  totalMs: number;
  lastStartedAt: Date | null;
  /** the most frequent places found, with counts */
  foundAt: { place: string; count: number }[];
  missingFrom: { place: string; count: number }[];
  foundWithOthers: number;
  /** episodes starting 18:00–05:59 London time */
  atNight: number;
  /** a plain-language summary for the child record and the tracker */
  summary: string;
};

const tally = (values: (string | null)[]) => {
  const m = new Map<string, number>();
  for (const v of values) if (v) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()]
    .map(([place, count]) => ({ place, count }))
    .sort((a, b) => b.count - a.count || a.place.localeCompare(b.place));
};

export function missingPattern(episodes: readonly EpisodeFacts[], now: Date): MissingPattern {
  const missing = episodes.filter((e) => e.kind === "missing");
  const t = now.getTime();
  const durations = missing
    .filter((e) => e.endedAt)
    .map((e) => e.endedAt!.getTime() - e.startedAt.getTime())
    .sort((a, b) => a - b);
  const median =
    durations.length === 0
      ? null
      : durations.length % 2
        ? durations[(durations.length - 1) / 2]
        : (durations[durations.length / 2 - 1] + durations[durations.length / 2]) / 2;
  const last90 = missing.filter((e) => t - e.startedAt.getTime() <= 90 * DAY_MS).length;
  const last12 = missing.filter((e) => t - e.startedAt.getTime() <= 365 * DAY_MS).length;
  const atNight = missing.filter((e) => {
    const h = Number(formatLondon(e.startedAt, "H"));
    return h >= 18 || h < 6;
  }).length;
  const foundAt = tally(missing.map((e) => e.foundLocation)).slice(0, 3);
  const from = tally(missing.map((e) => e.missingFrom)).slice(0, 3);
  const lastStartedAt = missing.reduce<Date | null>(
    (a, e) => (!a || e.startedAt > a ? e.startedAt : a),
    null,
  );
  const parts: string[] = [];
  if (missing.length === 0) parts.push("No missing episodes recorded.");
  else {
    parts.push(
      `${missing.length} missing episode${missing.length === 1 ? "" : "s"} recorded, ${last90} in the last 90 days and ${last12} in the last 12 months.`,
    );
    if (median !== null)
      parts.push(
        `Typically missing for ${humanDuration(median)}; longest ${humanDuration(durations[durations.length - 1])}.`,
      );
    if (atNight) parts.push(`${atNight} of ${missing.length} began in the evening or overnight.`);
    if (foundAt[0] && foundAt[0].count > 1)
      parts.push(`Found most often: ${foundAt[0].place} (${foundAt[0].count} times).`);
    const withOthers = missing.filter((e) => e.foundWith).length;
    if (withOthers) parts.push(`Found with others ${withOthers} time${withOthers === 1 ? "" : "s"}.`);
  }
  const open = missing.some((e) => !e.endedAt);
  if (open) parts.unshift("Missing now.");
  return {
    total: missing.length,
    last90Days: last90,
    last12Months: last12,
    missingNow: open,
    medianMs: median,
    longestMs: durations.length ? durations[durations.length - 1] : null,
    totalMs: durations.reduce((a, b) => a + b, 0),
    lastStartedAt,
    foundAt,
    missingFrom: from,
    foundWithOthers: missing.filter((e) => e.foundWith).length,
    atNight,
    summary: parts.join(" "),
  };
}

/** Do two episodes overlap? [start, end) with an open episode running to the end of time. */
export function overlaps(
  a: { startedAt: Date; endedAt: Date | null },
  b: { startedAt: Date; endedAt: Date | null },
): boolean {
  const aEnd = a.endedAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const bEnd = b.endedAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return a.startedAt.getTime() < bEnd && b.startedAt.getTime() < aEnd;
}

/** Today's London date as yyyy-MM-dd, and a London date shifted by whole days. */
export const londonToday = (now: Date): string => londonDate(now);
export function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return t.toISOString().slice(0, 10);
}
