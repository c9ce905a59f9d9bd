// Row-by-row validation of an import: every cell is checked for spreadsheet formula injection,
// every mapped cell is parsed by its field's type (dates, NHS number check digit, UPN check letter,
// UK postcode, codes…), required values are present, and each row gets its key and standardised
// values. Pure functions: no I/O.
import { isValidNhsNumber, parseDate } from "../../engines/linkage/index.ts";
import { type FieldType, KINDS, type Mapping, type TargetField } from "./imports.fields.ts";
import type { ImportKind, Subject } from "./imports.tables.ts";

export type StdValue = string | number | boolean | null;
export type Std = Record<string, StdValue>;
export interface RowIssue {
  field: string;
  value: string | null;
  reason: string;
}
export interface CheckedRow {
  std: Std;
  issues: RowIssue[];
  /** The row's key (its key fields joined by "|"), null when a key field is missing. */
  key: string | null;
}

// ---- formula injection -------------------------------------------------------------------------

/**
 * A cell a spreadsheet would run as a formula when the data is opened again: it starts with "=",
 * "@", a tab or carriage return, or "+" / "-" followed by something other than a number or phone
 * number ("-12", "+44 7700 900123" are fine; "+cmd|…", "-2+3" and "=cmd|' /C calc'!A0" are not).
 */
export function isFormulaLike(cell: string): boolean {
  if (cell === "") return false;
  const c = cell[0]!;
  if (c === "=" || c === "@" || c === "\t" || c === "\r" || c === "\n") return true;
  if (c === "+" || c === "-") return !/^[+-][\d\s().]*\d[\d\s().]*$/.test(cell) && !/^-+\s*$/.test(cell);
  return false;
}

/** Makes a value safe to write into a CSV or spreadsheet cell: formula-like text gets a leading "'". */
export function formulaSafe(value: string): string {
  return /^[=+\-@\t\r\n]/.test(value) ? `'${value}` : value;
}

// ---- identifiers -------------------------------------------------------------------------------

const UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ";

/** The UPN check letter for characters 2–13 (digits, or a final letter for a temporary UPN). */
export function upnCheckLetter(twelve: string): string | null {
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const ch = twelve[i]!;
    let v: number;
    if (ch >= "0" && ch <= "9") v = ch.charCodeAt(0) - 48;
    else if (i === 11 && UPN_LETTERS.includes(ch)) v = UPN_LETTERS.indexOf(ch);
    else return null;
    sum += v * (i + 2);
  }
  return UPN_LETTERS[sum % 23]!;
}

export function isValidUpn(upn: string): boolean {
  return /^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$/.test(upn) && upnCheckLetter(upn.slice(1)) === upn[0];
}

const POSTCODE =
  /^(GIR ?0AA|(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})$/;

/** "nm102hj" → "NM10 2HJ", or null when it is not a UK postcode. */
export function normalisePostcode(raw: string): string | null {
  const s = raw.toUpperCase().replace(/\s+/g, "");
  if (!POSTCODE.test(s)) return null;
  return `${s.slice(0, -3)} ${s.slice(-3)}`;
}

// ---- values ------------------------------------------------------------------------------------

const SEX: Record<string, string> = {
  f: "female",
  female: "female",
  girl: "female",
  w: "female",
  woman: "female",
  "2": "female",
  m: "male",
  male: "male",
  boy: "male",
  man: "male",
  "1": "male",
  x: "other",
  other: "other",
  "non-binary": "other",
  nonbinary: "other",
  indeterminate: "other",
  i: "other",
  "9": "other",
  u: "unknown",
  unknown: "unknown",
  "not known": "unknown",
  "not stated": "unknown",
  nk: "unknown",
  "0": "unknown",
};
const YES = new Set(["y", "yes", "true", "t", "1"]);
const NO = new Set(["n", "no", "false", "f", "0"]);
const UNKNOWN = new Set(["", "u", "unknown", "not known", "nk", "n/k", "not recorded", "not stated"]);
const SEND: Record<string, string> = {
  none: "none",
  no: "none",
  n: "none",
  "no sen": "none",
  nsen: "none",
  "sen support": "sen_support",
  sen_support: "sen_support",
  support: "sen_support",
  k: "sen_support",
  ehcp: "ehcp",
  "ehc plan": "ehcp",
  e: "ehcp",
  statement: "ehcp",
  s: "ehcp",
  "education, health and care plan": "ehcp",
  "education health and care plan": "ehcp",
  yes: "send",
  y: "send",
};

type Parsed = { value: StdValue } | { error: string };

function parseValue(field: TargetField, raw: string, today: string): Parsed {
  const v = raw.trim().replace(/\s+/g, " ");
  if (v === "") return { value: null };
  switch (field.type as FieldType) {
    case "id":
      return v.length > 100 ? { error: "Identifier is longer than 100 characters" } : { value: v };
    case "text":
    case "full_name":
      return v.length > 2000 ? { error: "Text is longer than 2,000 characters" } : { value: v };
    case "name":
      if (/\d/.test(v)) return { error: "A name cannot contain digits" };
      if (!/\p{L}/u.test(v)) return { error: "A name must contain letters" };
      return v.length > 100 ? { error: "Name is longer than 100 characters" } : { value: v };
    case "date": {
      const d = parseDate(v);
      if (d && d.days === null && d.year !== null)
        return { error: "Not a real date (no such day in that month)" };
      if (!d || d.days === null || d.year === null)
        return { error: "Not a date (use DD/MM/YYYY or YYYY-MM-DD)" };
      if (d.year < 1900) return { error: "The date is before 1900" };
      const iso = `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
      if (iso > today) return { error: "The date is in the future" };
      return { value: iso };
    }
    case "sex": {
      const s = SEX[v.toLowerCase()];
      return s
        ? { value: s === "unknown" ? null : s }
        : { error: "Sex must be female, male, other or not known" };
    }
    case "ssda_sex":
      return v === "1"
        ? { value: "male" }
        : v === "2"
          ? { value: "female" }
          : { error: "SEX must be 1 (male) or 2 (female)" };
    case "ethnicity":
      return v.length > 100 ? { error: "Ethnicity is longer than 100 characters" } : { value: v };
    case "nhs": {
      const digits = v.replace(/[\s-]/g, "");
      if (!/^\d+$/.test(digits)) return { error: "An NHS number has digits only" };
      if (digits.length !== 10) return { error: "An NHS number has 10 digits" };
      if (!isValidNhsNumber(digits)) return { error: "The NHS number's check digit is wrong" };
      return { value: digits };
    }
    case "upn": {
      const u = v.toUpperCase().replace(/\s/g, "");
      if (/^UN([1-9]|10)$/.test(u)) return { value: null }; // SSDA903 reason codes for no UPN
      if (u.length !== 13) return { error: "A UPN has 13 characters" };
      if (!isValidUpn(u)) return { error: "The UPN's check letter is wrong" };
      return { value: u };
    }
    case "postcode": {
      const p = normalisePostcode(v);
      return p ? { value: p } : { error: "Not a UK postcode" };
    }
    case "yesno": {
      const l = v.toLowerCase();
      if (YES.has(l)) return { value: true };
      if (NO.has(l)) return { value: false };
      if (UNKNOWN.has(l)) return { value: null };
      return { error: "Must be yes or no (or not known)" };
    }
    case "send": {
      const l = v.toLowerCase();
      if (UNKNOWN.has(l)) return { value: null };
      const s = SEND[l];
      return s ? { value: s } : { error: "Must be none, SEN support or EHCP (or not known)" };
    }
    case "integer":
      return /^\d{1,6}$/.test(v) ? { value: Number(v) } : { error: "Must be a whole number" };
    case "code": {
      const c = v.toUpperCase();
      return field.codes?.includes(c)
        ? { value: c }
        : { error: `Not a valid ${field.name} code (allowed: ${field.codes?.join(", ")})` };
    }
  }
}

/** "SMITH, Jo Ann" → Jo Ann / SMITH; "Jo Ann Smith" → Jo Ann / Smith. */
export function splitFullName(full: string): { given: string | null; family: string | null } {
  const s = full.trim().replace(/\s+/g, " ");
  if (s.includes(",")) {
    const [family, ...rest] = s.split(",");
    return { given: rest.join(" ").trim() || null, family: family!.trim() || null };
  }
  const parts = s.split(" ");
  if (parts.length === 1) return { given: null, family: parts[0]! };
  return { given: parts.slice(0, -1).join(" "), family: parts[parts.length - 1]! };
}

// ---- a whole row -------------------------------------------------------------------------------

export interface RowContext {
  kind: ImportKind;
  subject: Subject;
  header: readonly string[];
  mapping: Mapping;
  /** Today in Europe/London, "YYYY-MM-DD" (dates after it are refused). */
  today: string;
}

export function checkRow(ctx: RowContext, cells: readonly string[]): CheckedRow {
  const spec = KINDS[ctx.kind];
  const fields = new Map(spec.fields.map((f) => [f.name, f]));
  const issues: RowIssue[] = [];
  const std: Std = {};
  for (let c = 0; c < ctx.header.length; c++) {
    const cell = cells[c] ?? "";
    const h = ctx.header[c]!;
    if (isFormulaLike(cell)) {
      issues.push({
        field: ctx.mapping[h] ?? (h || `column ${c + 1}`),
        value: cell,
        reason: "The cell starts like a spreadsheet formula (=, +, -, @): possible formula injection",
      });
      continue;
    }
    const name = ctx.mapping[h];
    if (!name) continue;
    const field = fields.get(name);
    if (!field) continue;
    const parsed = parseValue(field, cell, ctx.today);
    if ("error" in parsed) issues.push({ field: name, value: cell, reason: parsed.error });
    else std[name] = parsed.value;
  }
  // A full name fills the given and family names that are not mapped separately.
  if (typeof std.full_name === "string") {
    const { given, family } = splitFullName(std.full_name);
    if (std.given_name == null) std.given_name = given;
    if (std.family_name == null) std.family_name = family;
    if (family && /\d/.test(family))
      issues.push({ field: "full_name", value: std.full_name, reason: "A name cannot contain digits" });
  }
  const flagged = new Set(issues.map((i) => i.field));
  for (const group of spec.requiredValues(ctx.subject)) {
    if (group.some((f) => flagged.has(f))) continue;
    if (!group.some((f) => std[f] !== null && std[f] !== undefined && std[f] !== "")) {
      issues.push({
        field: group[0]!,
        value: null,
        reason: `Missing required value: ${group.map((f) => fields.get(f)?.label ?? f).join(" or ")}`,
      });
    }
  }
  for (const [from, to] of spec.dateOrder ?? []) {
    const a = std[from];
    const b = std[to];
    if (typeof a === "string" && typeof b === "string" && b < a)
      issues.push({ field: to, value: b, reason: `${to} is before ${from}` });
  }
  if (std.DEC && !std.REC && ctx.kind === "ssda903_episodes")
    issues.push({ field: "REC", value: null, reason: "REC is required when the episode has ceased (DEC)" });
  // SSDA903 header rows are people too: the canonical names other modules read.
  if (ctx.kind === "ssda903_header") {
    std.record_id = (std.CHILD as string) ?? null;
    std.sex = std.SEX ?? null;
    std.date_of_birth = std.DOB ?? null;
    std.ethnicity = std.ETHNIC ?? null;
    std.upn = std.UPN ?? null;
    std.looked_after = true;
  }
  const keyParts = spec.keyFields.map((f) => std[f]);
  const key = keyParts.every((p) => p !== null && p !== undefined && p !== "")
    ? keyParts.map(String).join("|")
    : null;
  return { std, issues, key };
}
