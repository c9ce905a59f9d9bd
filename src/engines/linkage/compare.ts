// Comparison levels per field and the comparison kernel. The kernel reads only typed arrays
// (codes, dictionary characters, derived per-code data), so it runs unchanged in worker threads.
// A comparison vector ("gamma") holds one level per field: 0 is the most similar level, the
// last level is "all other", and NULL_LEVEL marks a pair where either value is missing.

import type { FieldKind } from "./fields.ts";
import { NO_DAY, type RecordSet } from "./records.ts";
import { jaroWinkler2, jaroWinklerSlice, osaSlice } from "./similarity.ts";

export const NULL_LEVEL = 255;

export const LEVELS: Record<FieldKind, readonly string[]> = {
  given: [
    "exact",
    "nickname or spelling variant",
    "Jaro-Winkler ≥ 0.92",
    "given name and surname swapped",
    "Jaro-Winkler ≥ 0.80",
    "initial only",
    "all other",
  ],
  surname: [
    "exact",
    "one part of a double-barrelled or joined name",
    "Jaro-Winkler ≥ 0.92",
    "Jaro-Winkler ≥ 0.80",
    "all other",
  ],
  date: [
    "exact",
    "day and month swapped",
    "one typing error",
    "within 31 days",
    "within 1 year",
    "all other",
  ],
  postcode: ["exact", "one typing error", "same sector", "same district", "all other"],
  nhs: ["exact", "one edit", "two edits", "all other"],
  id: ["exact", "one edit", "two edits", "all other"],
  phone: ["exact", "one edit", "two edits", "all other"],
  address: ["exact", "Jaro-Winkler ≥ 0.92", "Jaro-Winkler ≥ 0.80", "all other"],
  town: ["exact", "Jaro-Winkler ≥ 0.92", "Jaro-Winkler ≥ 0.80", "all other"],
  house: ["exact", "all other"],
  sex: ["exact", "all other"],
  category: ["exact", "all other"],
  email: ["exact", "all other"],
};

/** Levels of the address comparison, which reads every address part together (see below). */
export const LOCATION_LEVELS: readonly string[] = [
  "same postcode and address line",
  "same postcode",
  "same address line, postcode mis-keyed or missing",
  "postcode one typing error",
  "same address line and town, other postcode",
  "same postcode sector or town",
  "same postcode district",
  "all other",
];

/**
 * Typical u per level (all but the last, which takes the rest) for UK person data. They act as
 * a prior worth a few thousand pairs, so small files get sensible weights; with real volumes the
 * data outweighs them entirely.
 */
const U_PRIOR: Record<ComparisonKind, readonly number[]> = {
  given: [0.01, 0.004, 0.002, 0.0005, 0.008, 0.001],
  surname: [0.005, 0.0003, 0.001, 0.005],
  date: [0.00005, 0.00001, 0.001, 0.002, 0.03],
  postcode: [0.00002, 0.00002, 0.0002, 0.002],
  location: [0.00001, 0.00001, 0.00001, 0.00002, 0.00001, 0.01, 0.002],
  nhs: [1e-7, 1e-6, 1e-5],
  id: [1e-6, 1e-5, 1e-4],
  phone: [1e-6, 1e-5, 1e-4],
  address: [0.0001, 0.0005, 0.005],
  town: [0.02, 0.001, 0.005],
  house: [0.03],
  sex: [0.5],
  category: [0.2],
  email: [1e-7],
};

/** The prior u for a comparison's levels (sums to 1). */
export function priorU(kind: ComparisonKind, levels: number): number[] {
  const head = U_PRIOR[kind].slice(0, levels - 1);
  while (head.length < levels - 1) head.push(0.001);
  return [...head, Math.max(0.001, 1 - head.reduce((a, b) => a + b, 0))];
}

/** Fields read together by the address comparison, in the catalogue's order. */
export const LOCATION_FIELDS = ["postcode", "street_number", "address_1", "address_2", "suburb"] as const;

export type ComparisonKind = FieldKind | "location";

export interface Comparison {
  /** Name: the field's name, or "address" for the combined address comparison. */
  field: string;
  label: string;
  kind: ComparisonKind;
  /** Main field (position in RecordSet.fields): the one whose values term frequencies use. */
  fieldIndex: number;
  /** Every field the comparison reads. */
  fieldIndices: number[];
  fields: string[];
  levels: readonly string[];
  /** Term-frequency adjustment on the exact level. */
  tf: boolean;
  /**
   * The first `exactLevels` levels together mean "main field equal"; their u is computed
   * exactly from value frequencies (0: estimate u only from random pairs).
   */
  exactLevels: number;
}

/**
 * One comparison per field that has any values, except the parts of an address (postcode,
 * house number, address lines, town), which are compared together as one "address"
 * comparison: they are strongly correlated (a household shares all of them), and counting each
 * as independent evidence would make brothers and sisters look like one person.
 */
export function defaultComparisons(records: RecordSet): Comparison[] {
  const out: Comparison[] = [];
  const locationParts = records.fields
    .map((col, i) => ({ col, i }))
    .filter(({ col }) => col.present > 0 && (LOCATION_FIELDS as readonly string[]).includes(col.spec.name));
  const useLocation = locationParts.length >= 2;
  let locationAdded = false;
  records.fields.forEach((col, fieldIndex) => {
    if (col.present === 0) return;
    if (useLocation && (LOCATION_FIELDS as readonly string[]).includes(col.spec.name)) {
      if (locationAdded) return;
      locationAdded = true;
      const pc = locationParts.find(({ col }) => col.spec.name === "postcode");
      out.push({
        field: "address",
        label: "Address",
        kind: "location",
        fieldIndex: pc ? pc.i : locationParts[0]!.i,
        fieldIndices: locationParts.map(({ i }) => i),
        fields: locationParts.map(({ col }) => col.spec.name),
        levels: LOCATION_LEVELS,
        tf: false,
        exactLevels: pc ? 2 : 0,
      });
      return;
    }
    out.push({
      field: col.spec.name,
      label: col.spec.label,
      kind: col.spec.kind,
      fieldIndex,
      fieldIndices: [fieldIndex],
      fields: [col.spec.name],
      levels: LEVELS[col.spec.kind],
      tf: col.spec.tf,
      exactLevels: 1,
    });
  });
  return out;
}

/** What the kernel needs about one compared field: typed arrays only (shareable with workers). */
export interface KernelField {
  kind: ComparisonKind;
  codes: Int32Array;
  chars: Uint16Array;
  offsets: Int32Array;
  days?: Int32Array;
  ymd?: Int32Array;
  sector?: Int32Array;
  district?: Int32Array;
  groupOffsets?: Int32Array;
  groups?: Int32Array;
  /** given: the surname field, to recognise names entered the wrong way round. */
  other?: { codes: Int32Array; chars: Uint16Array; offsets: Int32Array };
  /** location: the address parts present. */
  parts?: {
    postcode?: KernelField;
    house?: KernelField;
    line1?: KernelField;
    line2?: KernelField;
    town?: KernelField;
  };
}

function kernelOf(records: RecordSet, fieldIndex: number): KernelField {
  const col = records.fields[fieldIndex]!;
  const k: KernelField = { kind: col.spec.kind, codes: col.codes, chars: col.chars, offsets: col.offsets };
  if (col.days) k.days = col.days;
  if (col.ymd) k.ymd = col.ymd;
  if (col.sector) k.sector = col.sector;
  if (col.district) k.district = col.district;
  if (col.groupOffsets) k.groupOffsets = col.groupOffsets;
  if (col.groups) k.groups = col.groups;
  if (col.spec.name === "given_name") {
    const sur = records.fields.find((f) => f.spec.name === "surname");
    if (sur) k.other = { codes: sur.codes, chars: sur.chars, offsets: sur.offsets };
  }
  return k;
}

export function kernelFields(records: RecordSet, comparisons: readonly Comparison[]): KernelField[] {
  return comparisons.map((c) => {
    if (c.kind !== "location") return kernelOf(records, c.fieldIndex);
    const parts: NonNullable<KernelField["parts"]> = {};
    for (const i of c.fieldIndices) {
      const name = records.fields[i]!.spec.name;
      const k = kernelOf(records, i);
      if (name === "postcode") parts.postcode = k;
      else if (name === "street_number") parts.house = k;
      else if (name === "address_1") parts.line1 = k;
      else if (name === "address_2") parts.line2 = k;
      else if (name === "suburb") parts.town = k;
    }
    const main = kernelOf(records, c.fieldIndex);
    return { ...main, kind: "location", parts };
  });
}

function sharesGroup(go: Int32Array, g: Int32Array, a: number, b: number): boolean {
  const ae = go[a + 1]!;
  const be = go[b + 1]!;
  for (let x = go[a]!; x < ae; x++) {
    const v = g[x];
    for (let y = go[b]!; y < be; y++) if (g[y] === v) return true;
  }
  return false;
}

// Equal once spaces are ignored ("smith jones" / "smithjones").
function equalIgnoringSpaces(chars: Uint16Array, a: number, ae: number, b: number, be: number): boolean {
  while (true) {
    while (a < ae && chars[a] === 32) a++;
    while (b < be && chars[b] === 32) b++;
    if (a === ae || b === be) return a === ae && b === be;
    if (chars[a] !== chars[b]) return false;
    a++;
    b++;
  }
}

// Jaro-Winkler between value x of one dictionary and value y of another, or 0 when the lengths
// alone rule out reaching `min` (Jaro ≤ (short/long + 2) / 3, Winkler adds at most 0.4·(1 − Jaro)).
function crossJw(
  c1: Uint16Array,
  o1: Int32Array,
  x: number,
  c2: Uint16Array,
  o2: Int32Array,
  y: number,
): number {
  const l1 = o1[x + 1]! - o1[x]!;
  const l2 = o2[y + 1]! - o2[y]!;
  const ratio = l1 < l2 ? l1 / l2 : l2 / l1;
  if (ratio < 0.6) return 0;
  return jaroWinkler2(c1, o1[x]!, l1, c2, o2[y]!, l2);
}

/**
 * A small direct-mapped cache of results for pairs of codes: names and towns repeat a lot, so
 * most comparisons of them are answered without computing a string similarity. Each thread has
 * its own (kernel fields are copied into workers).
 */
class PairMemo {
  private readonly ka: Int32Array;
  private readonly kb: Int32Array;
  private readonly v: Uint8Array;
  private readonly shift: number;

  constructor(bits = 16) {
    this.ka = new Int32Array(1 << bits).fill(-1);
    this.kb = new Int32Array(1 << bits);
    this.v = new Uint8Array(1 << bits);
    this.shift = 32 - bits;
  }

  private slot(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b)) >>> this.shift;
  }

  /** The cached value, or -1. */
  get(a: number, b: number): number {
    const s = this.slot(a, b);
    return this.ka[s] === a && this.kb[s] === b ? this.v[s]! : -1;
  }

  set(a: number, b: number, value: number): void {
    const s = this.slot(a, b);
    this.ka[s] = a;
    this.kb[s] = b;
    this.v[s] = value;
  }
}

const memos = new WeakMap<KernelField, PairMemo>();
const crossMemos = new WeakMap<KernelField, PairMemo>();

function memoFor(k: KernelField, table: WeakMap<KernelField, PairMemo>): PairMemo {
  let m = table.get(k);
  if (!m) {
    m = new PairMemo();
    table.set(k, m);
  }
  return m;
}

// Given name g (of this field) against surname s (of the other field), memoised.
function givenLikeSurname(k: KernelField, g: number, s: number): boolean {
  const memo = memoFor(k, crossMemos);
  const hit = memo.get(g, s);
  if (hit >= 0) return hit === 1;
  const o = k.other!;
  const yes = crossJw(k.chars, k.offsets, g, o.chars, o.offsets, s) >= 0.92;
  memo.set(g, s, yes ? 1 : 0);
  return yes;
}

function namesSwapped(k: KernelField, a: number, b: number, i: number, j: number): boolean {
  const o = k.other!;
  const si = o.codes[i]!;
  const sj = o.codes[j]!;
  return (sj >= 0 && givenLikeSurname(k, a, sj)) || (si >= 0 && givenLikeSurname(k, b, si));
}

/** Level of one field for codes a and b (both present and different) of records i and j. */
export function compareCodes(k: KernelField, a: number, b: number, i: number, j: number): number {
  const ch = k.chars;
  const oa = k.offsets[a]!;
  const la = k.offsets[a + 1]! - oa;
  const ob = k.offsets[b]!;
  const lb = k.offsets[b + 1]! - ob;
  switch (k.kind) {
    case "given": {
      // Memoised: the level without the swap check (which depends on the surnames too).
      const memo = memoFor(k, memos);
      const x = Math.min(a, b);
      const y = Math.max(a, b);
      let level = memo.get(x, y);
      if (level < 0) {
        if (sharesGroup(k.groupOffsets!, k.groups!, a, b)) level = 1;
        else {
          const jw = jaroWinklerSlice(ch, oa, la, ob, lb);
          if (jw >= 0.92) level = 2;
          else if (jw >= 0.8) level = 4;
          else if ((la === 1 || lb === 1 || ch[oa + 1] === 32 || ch[ob + 1] === 32) && ch[oa] === ch[ob])
            level = 5;
          else level = 6;
        }
        memo.set(x, y, level);
      }
      if (level >= 4 && k.other && namesSwapped(k, a, b, i, j)) return 3;
      return level;
    }
    case "surname": {
      const memo = memoFor(k, memos);
      const x = Math.min(a, b);
      const y = Math.max(a, b);
      let level = memo.get(x, y);
      if (level >= 0) return level;
      if (equalIgnoringSpaces(ch, oa, oa + la, ob, ob + lb)) level = 0;
      else if (sharesGroup(k.groupOffsets!, k.groups!, a, b)) level = 1;
      else {
        const jw = jaroWinklerSlice(ch, oa, la, ob, lb);
        level = jw >= 0.92 ? 2 : jw >= 0.8 ? 3 : 4;
      }
      memo.set(x, y, level);
      return level;
    }
    case "date": {
      const ya = k.ymd![a]!;
      const yb = k.ymd![b]!;
      if (ya >= 0 && yb >= 0) {
        const yearA = Math.floor(ya / 10000);
        const yearB = Math.floor(yb / 10000);
        const mdA = ya - yearA * 10000;
        const mdB = yb - yearB * 10000;
        // day and month swapped: 2010-03-04 vs 2010-04-03
        if (yearA === yearB && Math.floor(mdA / 100) === mdB % 100 && mdA % 100 === Math.floor(mdB / 100)) {
          return 1;
        }
      }
      if (osaSlice(ch, oa, la, ob, lb, 1) <= 1) return 2;
      const da = k.days![a]!;
      const db = k.days![b]!;
      if (da !== NO_DAY && db !== NO_DAY) {
        const diff = da > db ? da - db : db - da;
        if (diff <= 31) return 3;
        if (diff <= 366) return 4;
      }
      return 5;
    }
    case "postcode": {
      if (osaSlice(ch, oa, la, ob, lb, 1) <= 1) return 1;
      const sa = k.sector![a]!;
      if (sa >= 0 && sa === k.sector![b]) return 2;
      const da = k.district![a]!;
      if (da >= 0 && da === k.district![b]) return 3;
      return 4;
    }
    case "nhs":
    case "id":
    case "phone": {
      const d = osaSlice(ch, oa, la, ob, lb, 2);
      return d <= 1 ? 1 : d === 2 ? 2 : 3;
    }
    case "town": {
      const memo = memoFor(k, memos);
      const x = Math.min(a, b);
      const y = Math.max(a, b);
      const hit = memo.get(x, y);
      if (hit >= 0) return hit;
      const jw = jaroWinklerSlice(ch, oa, la, ob, lb);
      const level = jw >= 0.92 ? 1 : jw >= 0.8 ? 2 : 3;
      memo.set(x, y, level);
      return level;
    }
    case "address": {
      const jw = jaroWinklerSlice(ch, oa, la, ob, lb);
      return jw >= 0.92 ? 1 : jw >= 0.8 ? 2 : 3;
    }
    default:
      return 1;
  }
}

// -1: missing on either side; otherwise the field's own level (0 = exact).
function partLevel(k: KernelField | undefined, i: number, j: number): number {
  if (!k) return -1;
  const a = k.codes[i]!;
  const b = k.codes[j]!;
  if (a < 0 || b < 0) return -1;
  if (a === b) return 0;
  return compareCodes(k, a, b, i, j);
}

// Address lines agree when exact or Jaro-Winkler ≥ 0.92 (levels 0-1 of "address"/"town").
function linesAgree(k: KernelField | undefined, i: number, j: number): number {
  const l = partLevel(k, i, j);
  return l < 0 ? -1 : l <= 1 ? 1 : 0;
}

/** Level of the combined address comparison for records i and j (NULL_LEVEL: nothing to compare). */
export function compareLocation(k: KernelField, i: number, j: number): number {
  const parts = k.parts!;
  // postcode: -1 missing, 0 exact, 1 one typing error, 2 sector, 3 district, 4 other
  const pc = partLevel(parts.postcode, i, j);
  const town = linesAgree(parts.town, i, j);
  // The address line (house number, lines 1 and 2: agreeing parts against disagreeing ones)
  // only matters for some postcode outcomes; most random pairs never need it.
  let line = -1;
  if (pc <= 1 || town === 1) {
    let agree = 0;
    let differ = 0;
    const house = partLevel(parts.house, i, j);
    if (house === 0) agree++;
    else if (house > 0) differ++;
    for (const part of [parts.line1, parts.line2]) {
      const x = linesAgree(part, i, j);
      if (x === 1) agree++;
      else if (x === 0) differ++;
    }
    line = agree === 0 && differ === 0 ? -1 : agree > 0 && agree >= differ ? 1 : 0;
    if (pc < 0 && line < 0 && town < 0) return NULL_LEVEL;
  }
  if (pc === 0) return line === 1 ? 0 : 1;
  if (line === 1 && (pc === 1 || pc < 0) && town !== 0) return 2;
  if (pc === 1) return 3;
  if (line === 1 && town === 1) return 4;
  if (pc === 2 || town === 1) return 5;
  if (pc === 3) return 6;
  return 7;
}

/**
 * Fill gamma[p * F + f] for pairs start..end-1 (F = number of fields). Field by field, so each
 * inner loop sees one kind of comparison.
 */
export function compareRange(
  fields: readonly KernelField[],
  pairsI: Int32Array,
  pairsJ: Int32Array,
  gamma: Uint8Array,
  start: number,
  end: number,
): void {
  const F = fields.length;
  for (let f = 0; f < F; f++) {
    const k = fields[f]!;
    if (k.kind === "location") {
      for (let p = start; p < end; p++) gamma[p * F + f] = compareLocation(k, pairsI[p]!, pairsJ[p]!);
      continue;
    }
    const codes = k.codes;
    for (let p = start; p < end; p++) {
      const i = pairsI[p]!;
      const j = pairsJ[p]!;
      const a = codes[i]!;
      const b = codes[j]!;
      let g: number;
      if (a < 0 || b < 0) g = NULL_LEVEL;
      else if (a === b) g = 0;
      else g = compareCodes(k, a, b, i, j);
      gamma[p * F + f] = g;
    }
  }
}
