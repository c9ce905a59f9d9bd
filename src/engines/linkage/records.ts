// The columnar record store. Every field value is standardised once per distinct raw value and
// interned to an integer code; a record is a row of codes. Dictionaries are kept as one shared
// UTF-16 array plus offsets, and every array lives on a SharedArrayBuffer, so worker threads can
// compare records without copying or making strings.

import { parseDate } from "./dates.ts";
import type { ColumnMapping, FieldSpec } from "./fields.ts";
import { canonicalGivenName, nicknameGroups, standardisePostcode, standardiserFor } from "./standardise.ts";
import { soundex } from "./text.ts";

export const NO_DAY = -2147483648;

export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}
export function sharedUint16(n: number): Uint16Array {
  return new Uint16Array(new SharedArrayBuffer(Math.max(1, n) * 2), 0, n);
}
export function sharedUint8(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(Math.max(1, n)), 0, n);
}

/** One field of every record, as integer codes into a dictionary of standardised values. */
export interface FieldColumn {
  spec: FieldSpec;
  /** Code per record; -1 when missing. */
  codes: Int32Array;
  /** Standardised value per code. */
  values: string[];
  /** Dictionary characters (UTF-16) and offsets: value k is chars[offsets[k] .. offsets[k+1]). */
  chars: Uint16Array;
  offsets: Int32Array;
  /** Records holding each code: all, and those on the left (link mode; equal to all otherwise). */
  counts: Int32Array;
  countsLeft: Int32Array;
  /** Number of records with a value: all, and left. */
  present: number;
  presentLeft: number;
  /** date: day number per code (NO_DAY when not a calendar date) and y*10000+m*100+d (-1 unknown). */
  days?: Int32Array;
  ymd?: Int32Array;
  /** postcode: sector and district codes per code (-1 unknown). */
  sector?: Int32Array;
  district?: Int32Array;
  /** given: nickname group ids per code; surname: word codes per code. CSR layout. */
  groupOffsets?: Int32Array;
  groups?: Int32Array;
}

export interface RecordSet {
  mode: "dedupe" | "link";
  size: number;
  /** Records 0..nLeft-1 come from the left input, the rest from the right (link mode). */
  nLeft: number;
  ids: string[];
  fields: FieldColumn[];
}

export class RecordSetBuilder {
  readonly specs: FieldSpec[];
  private readonly standardisers: ((raw: string) => string | null)[];
  private readonly rawCache: (Map<string, number> | null)[];
  private readonly intern: Map<string, number>[];
  private readonly values: string[][];
  private codes: Int32Array[];
  private n = 0;
  private nLeft = -1;
  readonly ids: string[] = [];

  constructor(specs: readonly FieldSpec[]) {
    this.specs = [...specs];
    this.standardisers = this.specs.map((s) => standardiserFor(s.kind));
    // Identifiers are nearly all distinct: caching their raw text would only cost memory.
    this.rawCache = this.specs.map((s) =>
      s.kind === "nhs" || s.kind === "id" || s.kind === "phone" || s.kind === "email" ? null : new Map(),
    );
    this.intern = this.specs.map(() => new Map());
    this.values = this.specs.map(() => []);
    this.codes = this.specs.map(() => new Int32Array(1024));
  }

  get size(): number {
    return this.n;
  }

  private code(f: number, raw: string | undefined | null): number {
    if (raw === undefined || raw === null) return -1;
    const cache = this.rawCache[f];
    if (cache) {
      const hit = cache.get(raw);
      if (hit !== undefined) return hit;
      // A cache that rarely hits (postcodes, address lines: nearly all distinct) only costs.
      if (cache.size === 100_000 && this.n < 200_000) this.rawCache[f] = null;
    }
    const code = this.codeOf(f, raw);
    if (cache) cache.set(raw, code);
    return code;
  }

  /** Standardise and intern one raw value of field f (no caching): its code, -1 when missing. */
  codeOf(f: number, raw: string): number {
    const std = raw === "" ? null : this.standardisers[f]!(raw);
    if (std === null || std === "") return -1;
    const intern = this.intern[f]!;
    const known = intern.get(std);
    if (known !== undefined) return known;
    const code = this.values[f]!.length;
    intern.set(std, code);
    this.values[f]!.push(std);
    return code;
  }

  private grow(): void {
    if (this.n === this.codes[0]?.length) {
      this.codes = this.codes.map((c) => {
        const bigger = new Int32Array(c.length * 2);
        bigger.set(c);
        return bigger;
      });
    }
  }

  /** Add a record: its id and one raw value per field, in the order of `specs`. */
  add(id: string, raw: readonly (string | undefined | null)[]): void {
    this.grow();
    for (let f = 0; f < this.specs.length; f++) this.codes[f]![this.n] = this.code(f, raw[f]);
    this.ids.push(id);
    this.n++;
  }

  /** Add a record whose field codes are known already (from codeOf), in the order of `specs`. */
  addCodes(id: string, codes: ArrayLike<number>): void {
    this.grow();
    for (let f = 0; f < this.specs.length; f++) this.codes[f]![this.n] = codes[f]!;
    this.ids.push(id);
    this.n++;
  }

  /** Link mode: everything added so far is the left input; what follows is the right input. */
  endLeft(): void {
    this.nLeft = this.n;
  }

  finish(): RecordSet {
    const n = this.n;
    const nLeft = this.nLeft < 0 ? n : this.nLeft;
    const fields = this.specs.map((spec, f) => {
      const values = this.values[f]!;
      const codes = sharedInt32(n);
      codes.set(this.codes[f]!.subarray(0, n));
      return buildColumn(spec, codes, values, nLeft);
    });
    this.codes = [];
    this.rawCache.length = 0;
    return { mode: this.nLeft < 0 ? "dedupe" : "link", size: n, nLeft, ids: this.ids, fields };
  }
}

function buildColumn(spec: FieldSpec, codes: Int32Array, values: string[], nLeft: number): FieldColumn {
  const k = values.length;
  let totalChars = 0;
  for (const v of values) totalChars += v.length;
  const chars = sharedUint16(totalChars);
  const offsets = sharedInt32(k + 1);
  let p = 0;
  for (let i = 0; i < k; i++) {
    offsets[i] = p;
    const v = values[i]!;
    for (let j = 0; j < v.length; j++) chars[p++] = v.charCodeAt(j);
  }
  offsets[k] = p;
  const counts = sharedInt32(k);
  const countsLeft = sharedInt32(k);
  let present = 0;
  let presentLeft = 0;
  for (let r = 0; r < codes.length; r++) {
    const c = codes[r]!;
    if (c < 0) continue;
    counts[c]!++;
    present++;
    if (r < nLeft) {
      countsLeft[c]!++;
      presentLeft++;
    }
  }
  const col: FieldColumn = { spec, codes, values, chars, offsets, counts, countsLeft, present, presentLeft };
  if (spec.kind === "date") {
    col.days = sharedInt32(k);
    col.ymd = sharedInt32(k);
    for (let i = 0; i < k; i++) {
      const d = parseDate(values[i]!);
      col.days[i] = d?.days ?? NO_DAY;
      col.ymd[i] = d && d.year !== null ? d.year * 10000 + d.month! * 100 + d.day! : -1;
    }
  } else if (spec.kind === "postcode") {
    col.sector = sharedInt32(k);
    col.district = sharedInt32(k);
    const sectors = new Map<string, number>();
    const districts = new Map<string, number>();
    const internKey = (m: Map<string, number>, s: string | null) => {
      if (s === null) return -1;
      let v = m.get(s);
      if (v === undefined) {
        v = m.size;
        m.set(s, v);
      }
      return v;
    };
    for (let i = 0; i < k; i++) {
      const v = values[i]!;
      const space = v.indexOf(" ");
      if (space > 0) {
        // already standard: "SW1A 1AA" → sector "SW1A 1", district "SW1A"
        col.sector[i] = internKey(sectors, v.slice(0, space + 2));
        col.district[i] = internKey(districts, v.slice(0, space));
        continue;
      }
      const pc = standardisePostcode(v);
      col.sector[i] = internKey(sectors, pc?.sector ?? null);
      col.district[i] = internKey(districts, pc?.district ?? null);
    }
  } else if (spec.kind === "given" || spec.kind === "surname") {
    const lists: number[][] = [];
    let total = 0;
    if (spec.kind === "given") {
      for (let i = 0; i < k; i++) {
        const g = nicknameGroups(values[i]!);
        lists.push(g as number[]);
        total += g.length;
      }
    } else {
      const words = new Map<string, number>();
      for (let i = 0; i < k; i++) {
        const list: number[] = [];
        for (const w of values[i]!.split(" ")) {
          if (w.length < 2) continue;
          let code = words.get(w);
          if (code === undefined) {
            code = words.size;
            words.set(w, code);
          }
          list.push(code);
        }
        lists.push(list);
        total += list.length;
      }
    }
    col.groupOffsets = sharedInt32(k + 1);
    col.groups = sharedInt32(total);
    let q = 0;
    for (let i = 0; i < k; i++) {
      col.groupOffsets[i] = q;
      for (const g of lists[i]!) col.groups[q++] = g;
    }
    col.groupOffsets[k] = q;
  }
  return col;
}

/** Build a record set from rows (arrays in `mappings` column order, or objects keyed by header). */
export function standardiseRecords(
  rows: Iterable<readonly string[] | Record<string, string | null | undefined>>,
  mappings: readonly ColumnMapping[],
  options: {
    idColumn?: number | string;
    right?: Iterable<readonly string[] | Record<string, string | null | undefined>>;
  } = {},
): RecordSet {
  const builder = new RecordSetBuilder(mappings.map((m) => m.field));
  const idKey = options.idColumn ?? 0;
  const addAll = (source: Iterable<readonly string[] | Record<string, string | null | undefined>>) => {
    let i = builder.size;
    for (const row of source) {
      let id: string;
      let raw: (string | undefined | null)[];
      if (Array.isArray(row)) {
        const arr = row as readonly string[];
        id = String(typeof idKey === "number" ? (arr[idKey] ?? i) : i).trim();
        raw = mappings.map((m) => arr[m.column]);
      } else {
        const obj = row as Record<string, string | null | undefined>;
        id = String((typeof idKey === "string" ? obj[idKey] : undefined) ?? i).trim();
        raw = mappings.map((m) => obj[m.header] ?? obj[m.field.name]);
      }
      builder.add(id, raw);
      i++;
    }
  };
  addAll(rows);
  if (options.right) {
    builder.endLeft();
    addAll(options.right);
  }
  return builder.finish();
}

// ---- blocking keys ------------------------------------------------------------------------------

/**
 * Pseudo-field for blocking: given name and surname as an unordered pair, so records whose
 * names were entered the wrong way round still share a key. With "soundex", each name is
 * reduced to the Soundex of its formal form ("bob" → robert → r163).
 */
export const NAMES_KEY = "names";

function namesKeys(records: RecordSet, transform?: KeyTransform): Int32Array {
  const given = records.fields.find((f) => f.spec.name === "given_name");
  const surname = records.fields.find((f) => f.spec.name === "surname");
  if (!given || !surname) throw new Error(`blocking on "${NAMES_KEY}" needs both given_name and surname`);
  if (transform && transform !== "soundex") throw new Error(`"${NAMES_KEY}" takes no transform but soundex`);
  // One shared key space for words from both fields.
  const words = new Map<string, number>();
  const wordKey = (v: string) => {
    const w = transform === "soundex" ? soundex(canonicalGivenName(v).replace(/ /g, "")) || v : v;
    let c = words.get(w);
    if (c === undefined) {
      c = words.size;
      words.set(w, c);
    }
    return c;
  };
  const g = given.values.map(wordKey);
  const s = surname.values.map((v) => wordKey(transform === "soundex" ? v.replace(/ /g, "") : v));
  const out = new Int32Array(records.size);
  const pairs = new Map<number, number>();
  for (let r = 0; r < records.size; r++) {
    const a = given.codes[r]!;
    const b = surname.codes[r]!;
    if (a < 0 || b < 0) {
      out[r] = -1;
      continue;
    }
    const x = g[a]!;
    const y = s[b]!;
    const key = x < y ? x * 67_108_864 + y : y * 67_108_864 + x;
    let c = pairs.get(key);
    if (c === undefined) {
      c = pairs.size;
      pairs.set(key, c);
    }
    out[r] = c;
  }
  return out;
}

/** Derived values usable in blocking rules, e.g. "surname:soundex". */
export const KEY_TRANSFORMS = [
  "initial",
  "soundex",
  "canon",
  "year",
  "daymonth",
  "monthday",
  "sector",
  "district",
  "first3",
] as const;
export type KeyTransform = (typeof KEY_TRANSFORMS)[number];

/**
 * A per-record integer key for a field (optionally transformed); -1 where it has no value.
 * Keys are dense per transform but only equality between them matters.
 */
export function fieldKeys(records: RecordSet, fieldName: string, transform?: KeyTransform): Int32Array {
  if (fieldName === NAMES_KEY) return namesKeys(records, transform);
  const col = records.fields.find((f) => f.spec.name === fieldName);
  if (!col) throw new Error(`no field "${fieldName}" in the records`);
  const n = records.size;
  const out = new Int32Array(n);
  if (!transform) {
    out.set(col.codes);
    return out;
  }
  const k = col.values.length;
  const perCode = new Int32Array(k);
  const intern = new Map<string | number, number>();
  const key = (v: string | number | null): number => {
    if (v === null || v === "") return -1;
    let c = intern.get(v);
    if (c === undefined) {
      c = intern.size;
      intern.set(v, c);
    }
    return c;
  };
  for (let i = 0; i < k; i++) {
    const value = col.values[i]!;
    switch (transform) {
      case "initial":
        perCode[i] = key(value[0] ?? null);
        break;
      case "first3":
        perCode[i] = key(value.replace(/ /g, "").slice(0, 3));
        break;
      case "soundex":
        perCode[i] = key(soundex(value.replace(/ /g, "")) || null);
        break;
      case "canon":
        perCode[i] = key(col.spec.kind === "given" ? canonicalGivenName(value) : value);
        break;
      case "year":
        perCode[i] = col.ymd
          ? col.ymd[i]! >= 0
            ? key(Math.floor(col.ymd[i]! / 10000))
            : -1
          : key(value.slice(0, 4));
        break;
      case "daymonth": {
        // the date with day and month unordered: 2010-03-04 and 2010-04-03 share a key
        const ymd = col.ymd ? col.ymd[i]! : -1;
        if (ymd < 0) perCode[i] = key(value);
        else {
          const y = Math.floor(ymd / 10000);
          const m = Math.floor(ymd / 100) % 100;
          const d = ymd % 100;
          perCode[i] = key(y * 10000 + Math.min(m, d) * 100 + Math.max(m, d));
        }
        break;
      }
      case "monthday": {
        // day and month only, unordered (a mis-keyed year still blocks)
        const ymd = col.ymd ? col.ymd[i]! : -1;
        if (ymd < 0) perCode[i] = -1;
        else {
          const m = Math.floor(ymd / 100) % 100;
          const d = ymd % 100;
          perCode[i] = key(Math.min(m, d) * 100 + Math.max(m, d));
        }
        break;
      }
      case "sector":
        perCode[i] = col.sector ? col.sector[i]! : key(value);
        break;
      case "district":
        perCode[i] = col.district ? col.district[i]! : key(value);
        break;
    }
  }
  const codes = col.codes;
  for (let r = 0; r < n; r++) {
    const c = codes[r]!;
    out[r] = c < 0 ? -1 : perCode[c]!;
  }
  return out;
}
