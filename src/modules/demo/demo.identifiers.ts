// Identifier formats and calendar helpers for the synthetic county. Pure functions, no I/O.
import type { Rng } from "./prng.ts";

// ---------- NHS number: 10 digits, the last a modulus-11 check digit ----------

/** The check digit for 9 leading digits, or null when the remainder makes the number unusable. */
export function nhsCheckDigit(nine: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (nine.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

export function isValidNhsNumber(s: string): boolean {
  if (!/^[0-9]{10}$/.test(s)) return false;
  return nhsCheckDigit(s.slice(0, 9)) === s.charCodeAt(9) - 48;
}

/**
 * A valid NHS number in the 999 range, which NHS England keeps for test data and never issues
 * to a person, so a synthetic record can never carry someone's real number.
 */
export function syntheticNhsNumber(rng: Rng): string {
  for (;;) {
    const nine = `999${String(rng.int(0, 999_999)).padStart(6, "0")}`;
    const d = nhsCheckDigit(nine);
    if (d !== null) return nine + d;
  }
}

// ---------- UPN: check letter + LA number (3) + establishment (4) + year (2) + serial (3) ----------

const UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ";

export function upnCheckLetter(twelve: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (twelve.charCodeAt(i) - 48) * (i + 2);
  return UPN_LETTERS[sum % 23];
}

export function isValidUpn(s: string): boolean {
  return /^[A-HJ-NP-RT-Z][0-9]{12}$/.test(s) && upnCheckLetter(s.slice(1)) === s[0];
}

export function makeUpn(
  laNumber: number,
  establishment: number,
  yearAllocated: number,
  serial: number,
): string {
  const twelve = `${String(laNumber).padStart(3, "0")}${String(establishment).padStart(4, "0")}${String(yearAllocated % 100).padStart(2, "0")}${String(serial % 1000).padStart(3, "0")}`;
  return upnCheckLetter(twelve) + twelve;
}

// ---------- UK postcodes ----------

/** The usual UK postcode shape (outward code, space, inward code). */
export const UK_POSTCODE = /^[A-PR-UWYZ][A-HK-Y]?[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}$/;
const INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

export function inwardCode(rng: Rng): string {
  return `${rng.int(1, 9)}${INWARD_LETTERS[rng.int(0, INWARD_LETTERS.length - 1)]}${INWARD_LETTERS[rng.int(0, INWARD_LETTERS.length - 1)]}`;
}

// ---------- Time: instants are milliseconds since the epoch (UTC); wall clocks are Europe/London ----------

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

const bstCache = new Map<number, [number, number]>();
/** British Summer Time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October. */
function bstBounds(year: number): [number, number] {
  let b = bstCache.get(year);
  if (!b) {
    const lastSunday = (month: number) => {
      const last = new Date(Date.UTC(year, month + 1, 0));
      return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay());
    };
    b = [lastSunday(2) + HOUR, lastSunday(9) + HOUR];
    bstCache.set(year, b);
  }
  return b;
}

export function isBst(utcMs: number): boolean {
  const [start, end] = bstBounds(new Date(utcMs).getUTCFullYear());
  return utcMs >= start && utcMs < end;
}

/** The instant of a London wall-clock time: `day` is the date's midnight as UTC ms, `minutes` past local midnight. */
export function londonTime(day: number, minutes: number): number {
  const naive = day + minutes * MINUTE;
  return isBst(naive - HOUR) ? naive - HOUR : naive;
}

/** The London calendar day (as UTC midnight ms) that an instant falls on. */
export function londonDay(utcMs: number): number {
  const local = utcMs + (isBst(utcMs) ? HOUR : 0);
  return local - (((local % DAY) + DAY) % DAY);
}

const P2: string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));

/** Days since 1970-01-01 → [year, month 1–12, day] (Howard Hinnant's civil_from_days). */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function ymd(ms: number): string {
  const [y, m, d] = civil(Math.floor(ms / DAY));
  return `${y >= 1000 && y <= 9999 ? y : String(y).padStart(4, "0")}-${P2[m]}-${P2[d]}`;
}

/** YYYY-MM-DD of an instant in UTC (same as toISOString().slice(0, 10), several times faster). */
export function isoDate(ms: number): string {
  return ymd(ms);
}

/** The instant as ISO 8601 UTC with milliseconds (same as Date#toISOString for years 1000–9999). */
export function isoInstant(ms: number): string {
  const t = Math.floor(ms);
  const inDay = t - Math.floor(t / DAY) * DAY;
  const h = Math.floor(inDay / HOUR);
  const mi = Math.floor((inDay % HOUR) / MINUTE);
  const s = Math.floor((inDay % MINUTE) / 1000);
  const msPart = inDay % 1000;
  return `${ymd(t)}T${P2[h]}:${P2[mi]}:${P2[s]}.${String(msPart).padStart(3, "0")}Z`;
}

export function parseIsoDate(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new RangeError(`reference date must be YYYY-MM-DD (got "${s}")`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (isoDate(ms) !== s) throw new RangeError(`reference date is not a real date (got "${s}")`);
  return ms;
}

/** England and Wales bank holidays 2023–2028 (GOV.UK); outside these years only weekends are skipped. */
const BANK_HOLIDAYS = new Set([
  "2023-01-02",
  "2023-04-07",
  "2023-04-10",
  "2023-05-01",
  "2023-05-08",
  "2023-05-29",
  "2023-08-28",
  "2023-12-25",
  "2023-12-26",
  "2024-01-01",
  "2024-03-29",
  "2024-04-01",
  "2024-05-06",
  "2024-05-27",
  "2024-08-26",
  "2024-12-25",
  "2024-12-26",
  "2025-01-01",
  "2025-04-18",
  "2025-04-21",
  "2025-05-05",
  "2025-05-26",
  "2025-08-25",
  "2025-12-25",
  "2025-12-26",
  "2026-01-01",
  "2026-04-03",
  "2026-04-06",
  "2026-05-04",
  "2026-05-25",
  "2026-08-31",
  "2026-12-25",
  "2026-12-28",
  "2027-01-01",
  "2027-03-26",
  "2027-03-29",
  "2027-05-03",
  "2027-05-31",
  "2027-08-30",
  "2027-12-27",
  "2027-12-28",
  "2028-01-03",
  "2028-04-14",
  "2028-04-17",
  "2028-05-01",
  "2028-05-29",
  "2028-08-28",
  "2028-12-25",
  "2028-12-26",
]);

export function isWorkingDay(day: number): boolean {
  const dow = new Date(day).getUTCDay();
  return dow !== 0 && dow !== 6 && !BANK_HOLIDAYS.has(isoDate(day));
}

/** The same London wall-clock time `n` working days later (n ≥ 1). */
export function addWorkingDays(utcMs: number, n: number): number {
  const startDay = londonDay(utcMs);
  const minutes = Math.round((utcMs - londonTime(startDay, 0)) / MINUTE);
  let day = startDay;
  let left = n;
  while (left > 0) {
    day += DAY;
    if (isWorkingDay(day)) left--;
  }
  return londonTime(day, minutes);
}

/** Whole years between a date of birth and a day (both UTC-midnight ms). */
export function ageOn(dob: number, day: number): number {
  const a = new Date(dob);
  const b = new Date(day);
  let age = b.getUTCFullYear() - a.getUTCFullYear();
  if (
    b.getUTCMonth() < a.getUTCMonth() ||
    (b.getUTCMonth() === a.getUTCMonth() && b.getUTCDate() < a.getUTCDate())
  )
    age--;
  return age;
}
