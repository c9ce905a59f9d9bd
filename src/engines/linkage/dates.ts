// Dates of birth in the formats people and systems write them. A date is reduced to a key
// "YYYYMMDD" plus a day number. A date that has a year, month and day but is not on the calendar
// (31 April, month 13) keeps its "YYYYMMDD" key with no day number, so it can still be compared
// character by character with others; anything unparseable keeps its own cleaned text as the key.

export interface ParsedDate {
  /** "YYYYMMDD" when year, month and day were found, else the cleaned raw token. */
  key: string;
  /** Days since 1970-01-01 for a real calendar date, otherwise null. */
  days: number | null;
  year: number | null;
  month: number | null;
  day: number | null;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};

export interface DateOptions {
  /** Two-digit years below this become 20yy, others 19yy (default 40). */
  twoDigitYearPivot?: number;
  /** Read "03/04/2010" as month/day (US) instead of day/month (UK, the default). */
  monthFirst?: boolean;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= dim;
}

/** Days since 1970-01-01 of a calendar date (proleptic Gregorian, any year). */
export function dayNumber(y: number, m: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return Math.round(t.getTime() / 86_400_000);
}

function build(y: number, m: number, d: number): ParsedDate {
  const key = `${String(y).padStart(4, "0")}${pad2(m)}${pad2(d)}`;
  const valid = isCalendarDate(y, m, d);
  return { key, days: valid ? dayNumber(y, m, d) : null, year: y, month: m, day: d };
}

function year4(token: string, pivot: number): number {
  const n = Number(token);
  if (token.length <= 2) return n < pivot ? 2000 + n : 1900 + n;
  return n;
}

const plausibleYear = (n: number) => n >= 1800 && n <= 2199;

const digit = (c: number) => c >= 48 && c <= 57;

// The commonest shapes without regular expressions: D/M/YYYY (any of / - .) and YYYY-MM-DD.
function quickParse(s: string, monthFirst: boolean): ParsedDate | null {
  const n = s.length;
  if (n < 8 || n > 10) return null;
  const c0 = s.charCodeAt(0);
  if (!digit(c0)) return null;
  if (n === 10 && digit(s.charCodeAt(1)) && digit(s.charCodeAt(2)) && digit(s.charCodeAt(3))) {
    const sep = s.charCodeAt(4);
    if ((sep === 45 || sep === 47) && s.charCodeAt(7) === sep) {
      const y = Number(s.slice(0, 4));
      const m = Number(s.slice(5, 7));
      const d = Number(s.slice(8, 10));
      if (Number.isInteger(m) && Number.isInteger(d)) return build(y, m, d);
    }
    return null;
  }
  const a = s.indexOf("/") >= 0 ? "/" : s.indexOf("-") >= 0 ? "-" : s.indexOf(".") >= 0 ? "." : "";
  if (a === "") return null;
  const parts = s.split(a);
  if (parts.length !== 3 || parts[2]!.length !== 4) return null;
  for (const p of parts) {
    if (p.length === 0 || p.length > 4) return null;
    for (let i = 0; i < p.length; i++) if (!digit(p.charCodeAt(i))) return null;
  }
  const x = Number(parts[0]);
  const y = Number(parts[1]);
  return monthFirst ? build(Number(parts[2]), x, y) : build(Number(parts[2]), y, x);
}

/** Parse a date of birth; returns null for an empty value. */
export function parseDate(raw: string, options: DateOptions = {}): ParsedDate | null {
  const quick = quickParse(raw.trim(), options.monthFirst ?? false);
  if (quick) return quick;
  const pivot = options.twoDigitYearPivot ?? 40;
  let s = raw.trim().toLowerCase();
  if (s === "") return null;
  // Drop a time part: "2010-03-04T00:00:00Z", "04/03/2010 00:00".
  s = s.replace(/[t ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(z|[+-]\d{2}:?\d{2}|am|pm)?$/, "");
  if (/^\d+$/.test(s)) {
    if (s.length === 8) {
      const a = Number(s.slice(0, 4));
      if (plausibleYear(a)) return build(a, Number(s.slice(4, 6)), Number(s.slice(6, 8)));
      const c = Number(s.slice(4, 8));
      if (plausibleYear(c)) return build(c, Number(s.slice(2, 4)), Number(s.slice(0, 2)));
      return build(a, Number(s.slice(4, 6)), Number(s.slice(6, 8)));
    }
    if (s.length === 6) {
      // DDMMYY
      return build(year4(s.slice(4, 6), pivot), Number(s.slice(2, 4)), Number(s.slice(0, 2)));
    }
    return { key: s, days: null, year: null, month: null, day: null };
  }
  const parts = s.split(/[\s/.,-]+/).filter((p) => p !== "" && p !== "of");
  const stripOrdinal = (p: string) => p.replace(/^(\d+)(st|nd|rd|th)$/, "$1");
  const toks = parts.map(stripOrdinal);
  if (toks.length === 3) {
    const named = toks.findIndex((t) => MONTHS[t] !== undefined);
    if (named >= 0) {
      const month = MONTHS[toks[named]!]!;
      const rest = toks.filter((_, i) => i !== named);
      if (rest.every((t) => /^\d+$/.test(t))) {
        // "12 mar 2010", "mar 12 2010", "2010 mar 12"
        let y: number;
        let d: number;
        if (rest[0]!.length === 4) {
          y = Number(rest[0]);
          d = Number(rest[1]);
        } else {
          y = year4(rest[1]!, pivot);
          d = Number(rest[0]);
        }
        return build(y, month, d);
      }
    } else if (toks.every((t) => /^\d+$/.test(t))) {
      if (toks[0]!.length === 4) return build(Number(toks[0]), Number(toks[1]), Number(toks[2]));
      const y = year4(toks[2]!, pivot);
      const a = Number(toks[0]);
      const b = Number(toks[1]);
      return options.monthFirst ? build(y, a, b) : build(y, b, a);
    }
  }
  return { key: s.replace(/[^a-z0-9]/g, ""), days: null, year: null, month: null, day: null };
}
