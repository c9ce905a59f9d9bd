// Standardisers: one raw value in, one comparable value out (or null when the value is missing
// or a placeholder). They run once per distinct raw value, so they favour clarity over speed.

import { parseDate } from "./dates.ts";
import type { FieldKind } from "./fields.ts";
import { NICKNAME_GROUPS } from "./nicknames.ts";
import { digitsOnly, normaliseText } from "./text.ts";

const PLACEHOLDERS = new Set([
  "unknown",
  "not known",
  "n a",
  "na",
  "none",
  "null",
  "nil",
  "not stated",
  "not given",
  "refused",
  "tbc",
  "x",
  "xx",
  "xxx",
  "zz",
  "zzz",
]);

const TITLES = new Set([
  "mr",
  "mrs",
  "miss",
  "ms",
  "mx",
  "dr",
  "master",
  "rev",
  "sir",
  "dame",
  "prof",
  "lady",
  "lord",
]);
const SUFFIXES = new Set(["jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv"]);
// Particles joined to the next word so "Mc Donald", "De La Cruz", "St John" compare as one word.
const PARTICLES = new Set([
  "mc",
  "mac",
  "o",
  "st",
  "saint",
  "de",
  "la",
  "le",
  "van",
  "von",
  "der",
  "den",
  "di",
  "da",
  "du",
  "del",
  "della",
  "al",
  "el",
  "ap",
  "fitz",
]);

/** Given name: lower case, no accents or punctuation, titles removed. "Dr. Zoë-Ann" → "zoe ann". */
export function standardiseGivenName(raw: string): string | null {
  const text = normaliseText(raw);
  if (text === "" || PLACEHOLDERS.has(text)) return null;
  const words = text.split(" ");
  while (words.length > 1 && TITLES.has(words[0]!)) words.shift();
  const out = words.join(" ");
  if (out === "baby" || out === "infant" || PLACEHOLDERS.has(out)) return null;
  return out;
}

/**
 * Surname: lower case, no accents or punctuation; hyphens and double barrels become words
 * ("Smith-Jones" → "smith jones"), particles join the next word ("Mc Donald" → "mcdonald",
 * "O'Brien" → "obrien"), generational suffixes are dropped.
 */
export function standardiseSurname(raw: string): string | null {
  const text = normaliseText(raw);
  if (text === "" || PLACEHOLDERS.has(text)) return null;
  const words = text.split(" ").filter((w) => !SUFFIXES.has(w));
  if (words.length === 0) return null;
  const out: string[] = [];
  let carry = "";
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (PARTICLES.has(w) && i < words.length - 1) {
      carry += w;
      continue;
    }
    out.push(carry + w);
    carry = "";
  }
  return out.join(" ");
}

export interface StandardPostcode {
  /** "SW1A 1AA" for a full UK postcode, the four digits for an Australian one, else cleaned text. */
  full: string;
  /** UK sector "SW1A 1"; Australian first three digits. */
  sector: string | null;
  /** UK outward code "SW1A"; Australian first two digits. */
  district: string | null;
}

const UK_FULL = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/;
const UK_CANONICAL = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;

/** The standard form of a postcode only (fast path for values already written "SW1A 1AA"). */
export function standardisePostcodeValue(raw: string): string | null {
  if (UK_CANONICAL.test(raw)) return raw;
  return standardisePostcode(raw)?.full ?? null;
}
const UK_OUTWARD = /^[A-Z]{1,2}[0-9][A-Z0-9]?$/;

/**
 * UK postcodes ("sw1a1aa", " SW1A 1AA ") to "SW1A 1AA"; commonly mis-keyed O/0 and I/1 in the
 * inward code are put right. Four-digit Australian postcodes (FEBRL) are kept as digits.
 */
export function standardisePostcode(raw: string): StandardPostcode | null {
  const s = raw.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (s === "" || /^0+$/.test(s)) return null;
  if (/^\d{4}$/.test(s)) return { full: s, sector: s.slice(0, 3), district: s.slice(0, 2) };
  let m = UK_FULL.exec(s);
  if (!m && s.length >= 5) {
    // Fix the inward code: digit then two letters.
    const inward = s.slice(-3);
    const fixed =
      inward[0]!.replace("O", "0").replace("I", "1") +
      inward.slice(1).replace(/0/g, "O").replace(/1/g, "I").replace(/5/g, "S").replace(/8/g, "B");
    m = UK_FULL.exec(s.slice(0, -3) + fixed);
  }
  if (m) {
    const outward = m[1]!;
    const inward = m[2]!;
    return { full: `${outward} ${inward}`, sector: `${outward} ${inward[0]}`, district: outward };
  }
  if (UK_OUTWARD.test(s)) return { full: s, sector: null, district: s };
  return { full: s, sector: null, district: null };
}

/** The NHS number check digit for the first nine digits, or null when none is possible (11 → 10). */
export function nhsCheckDigit(nine: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (nine.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/** True for a 10-digit NHS number whose modulus-11 check digit is right. */
export function isValidNhsNumber(value: string): boolean {
  const d = digitsOnly(value);
  if (d.length !== 10) return false;
  return nhsCheckDigit(d.slice(0, 9)) === d.charCodeAt(9) - 48;
}

/** NHS number: digits only; placeholders such as "0000000000" or "9999999999" are missing. */
const SAME_DIGIT = /^(\d)\1+$/;

export function standardiseNhsNumber(raw: string): string | null {
  const d = digitsOnly(raw);
  if (d.length < 6 || SAME_DIGIT.test(d)) return null;
  return d;
}

/** Other identifiers (UPN, NI number, social security id): letters and digits only, lower case. */
export function standardiseIdentifier(raw: string): string | null {
  const s = raw.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (s === "" || /^0+$/.test(s) || PLACEHOLDERS.has(s)) return null;
  return s;
}

/** UK phone numbers: digits, +44 / 0044 written as a leading 0. */
export function standardisePhone(raw: string): string | null {
  let d = digitsOnly(raw);
  if (d.startsWith("0044")) d = `0${d.slice(4)}`;
  else if (d.startsWith("44") && d.length === 12) d = `0${d.slice(2)}`;
  if (d.length < 6 || /^(\d)\1+$/.test(d)) return null;
  return d;
}

export function standardiseSex(raw: string): string | null {
  const s = raw.trim().toLowerCase();
  if (s === "") return null;
  if (s === "m" || s === "male" || s === "man" || s === "boy" || s === "1") return "m";
  if (s === "f" || s === "female" || s === "woman" || s === "girl" || s === "2") return "f";
  if (
    s === "x" ||
    s === "other" ||
    s === "non-binary" ||
    s === "nonbinary" ||
    s === "i" ||
    s === "indeterminate"
  ) {
    return "x";
  }
  return null;
}

const STREET_WORDS: Record<string, string> = {
  rd: "road",
  st: "street",
  str: "street",
  ave: "avenue",
  av: "avenue",
  ln: "lane",
  cl: "close",
  dr: "drive",
  cres: "crescent",
  cresc: "crescent",
  pl: "place",
  ct: "court",
  crt: "court",
  gdns: "gardens",
  gdn: "garden",
  terr: "terrace",
  ter: "terrace",
  sq: "square",
  pk: "park",
  hse: "house",
  apt: "flat",
  cir: "circuit",
  cct: "circuit",
};

const STREET_ABBREVIATION = new RegExp(` (${Object.keys(STREET_WORDS).join("|")})(?= |$)`);

/** Address lines: normalised text with common street abbreviations written out. */
export function standardiseAddress(raw: string): string | null {
  const text = normaliseText(raw);
  if (text === "" || PLACEHOLDERS.has(text)) return null;
  if (!STREET_ABBREVIATION.test(text)) return text;
  const words = text.split(" ");
  for (let i = 1; i < words.length; i++) {
    const full = STREET_WORDS[words[i]!];
    if (full) words[i] = full;
  }
  return words.join(" ");
}

export function standardiseText(raw: string): string | null {
  const text = normaliseText(raw);
  if (text === "" || PLACEHOLDERS.has(text)) return null;
  return text;
}

export function standardiseEmail(raw: string): string | null {
  const s = raw.trim().toLowerCase();
  return s.includes("@") ? s : null;
}

/** Dates: the "YYYYMMDD" key (see dates.ts). */
export function standardiseDate(raw: string): string | null {
  return parseDate(raw)?.key ?? null;
}

/** The standardiser for a kind of field. */
export function standardiserFor(kind: FieldKind): (raw: string) => string | null {
  switch (kind) {
    case "given":
      return standardiseGivenName;
    case "surname":
      return standardiseSurname;
    case "date":
      return standardiseDate;
    case "sex":
      return standardiseSex;
    case "postcode":
      return standardisePostcodeValue;
    case "nhs":
      return standardiseNhsNumber;
    case "id":
      return standardiseIdentifier;
    case "phone":
      return standardisePhone;
    case "email":
      return standardiseEmail;
    case "address":
      return standardiseAddress;
    case "house":
    case "town":
    case "category":
      return standardiseText;
  }
}

// ---- nicknames --------------------------------------------------------------------------------

const NICK_INDEX = new Map<string, number[]>();
NICKNAME_GROUPS.forEach((group, g) => {
  for (const name of group) {
    const list = NICK_INDEX.get(name);
    if (list) {
      if (!list.includes(g)) list.push(g);
    } else NICK_INDEX.set(name, [g]);
  }
});

/** Nickname groups a standardised given name belongs to (by its first word). */
export function nicknameGroups(given: string): readonly number[] {
  const sp = given.indexOf(" ");
  const first = sp < 0 ? given : given.slice(0, sp);
  return NICK_INDEX.get(first) ?? NICK_INDEX.get(given.replace(/ /g, "")) ?? [];
}

/** The formal name of a given name's first nickname group ("bob" → "robert"), else its first word. */
export function canonicalGivenName(given: string): string {
  const groups = nicknameGroups(given);
  if (groups.length > 0) return NICKNAME_GROUPS[groups[0]!]![0]!;
  const sp = given.indexOf(" ");
  return sp < 0 ? given : given.slice(0, sp);
}

/** True when two standardised given names share a nickname group ("liz" and "elizabeth"). */
export function areNicknames(a: string, b: string): boolean {
  const ga = nicknameGroups(a);
  if (ga.length === 0) return false;
  const gb = nicknameGroups(b);
  return ga.some((g) => gb.includes(g));
}
