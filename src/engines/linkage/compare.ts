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

export interface Comparison {
  field: string;
  label: string;
  kind: FieldKind;
  /** Position of the field in RecordSet.fields. */
  fieldIndex: number;
  levels: readonly string[];
  /** Term-frequency adjustment on the exact level. */
  tf: boolean;
}

/** One comparison per field that has any values. */
export function defaultComparisons(records: RecordSet): Comparison[] {
  const out: Comparison[] = [];
  records.fields.forEach((col, fieldIndex) => {
    if (col.present === 0) return;
    out.push({
      field: col.spec.name,
      label: col.spec.label,
      kind: col.spec.kind,
      fieldIndex,
      levels: LEVELS[col.spec.kind],
      tf: col.spec.tf,
    });
  });
  return out;
}

/** What the kernel needs about one compared field: typed arrays only (shareable with workers). */
export interface KernelField {
  kind: FieldKind;
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
}

export function kernelFields(records: RecordSet, comparisons: readonly Comparison[]): KernelField[] {
  return comparisons.map((c) => {
    const col = records.fields[c.fieldIndex]!;
    const k: KernelField = { kind: c.kind, codes: col.codes, chars: col.chars, offsets: col.offsets };
    if (col.days) k.days = col.days;
    if (col.ymd) k.ymd = col.ymd;
    if (col.sector) k.sector = col.sector;
    if (col.district) k.district = col.district;
    if (col.groupOffsets) k.groupOffsets = col.groupOffsets;
    if (col.groups) k.groups = col.groups;
    if (c.kind === "given" && c.field === "given_name") {
      const sur = records.fields.find((f) => f.spec.name === "surname");
      if (sur) k.other = { codes: sur.codes, chars: sur.chars, offsets: sur.offsets };
    }
    return k;
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

function namesSwapped(k: KernelField, a: number, b: number, i: number, j: number): boolean {
  const o = k.other!;
  const si = o.codes[i]!;
  const sj = o.codes[j]!;
  if (sj >= 0 && crossJw(k.chars, k.offsets, a, o.chars, o.offsets, sj) >= 0.92) return true;
  if (si >= 0 && crossJw(o.chars, o.offsets, si, k.chars, k.offsets, b) >= 0.92) return true;
  return false;
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
      if (sharesGroup(k.groupOffsets!, k.groups!, a, b)) return 1;
      const jw = jaroWinklerSlice(ch, oa, la, ob, lb);
      if (jw >= 0.92) return 2;
      if (k.other && namesSwapped(k, a, b, i, j)) return 3;
      if (jw >= 0.8) return 4;
      if ((la === 1 || lb === 1 || ch[oa + 1] === 32 || ch[ob + 1] === 32) && ch[oa] === ch[ob]) return 5;
      return 6;
    }
    case "surname": {
      if (equalIgnoringSpaces(ch, oa, oa + la, ob, ob + lb)) return 0;
      if (sharesGroup(k.groupOffsets!, k.groups!, a, b)) return 1;
      const jw = jaroWinklerSlice(ch, oa, la, ob, lb);
      if (jw >= 0.92) return 2;
      if (jw >= 0.8) return 3;
      return 4;
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
    case "address":
    case "town": {
      const jw = jaroWinklerSlice(ch, oa, la, ob, lb);
      return jw >= 0.92 ? 1 : jw >= 0.8 ? 2 : 3;
    }
    default:
      return 1;
  }
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
