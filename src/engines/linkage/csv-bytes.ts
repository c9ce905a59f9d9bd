// Fast CSV ingestion straight from bytes into a RecordSetBuilder. A raw value is hashed from its
// bytes and looked up in a per-field table, so a value seen before (a common name, a date, a
// town) costs no string and no standardisation; only new values are decoded. Handles the same
// CSV as csv.ts (quotes, doubled quotes, line breaks in quotes, CRLF/LF/CR, BOM, blank lines).
// Pure: the caller reads the file and pushes the chunks.

import type { FieldKind } from "./fields.ts";
import type { RecordSetBuilder } from "./records.ts";

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;
const SPACE = 32;

// Values of these kinds are nearly all distinct: remembering their bytes would only cost.
const UNCACHED: readonly FieldKind[] = ["nhs", "id", "phone", "email"];

/** Raw bytes → code, open addressing on typed arrays, bytes kept in an arena. */
class RawTable {
  private cap = 1024;
  private hashes = new Int32Array(this.cap);
  private codes = new Int32Array(this.cap);
  private offs = new Int32Array(this.cap).fill(-1);
  private lens = new Int32Array(this.cap);
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  size = 0;

  get(b: Uint8Array, s: number, e: number, h: number): number {
    const mask = this.cap - 1;
    const len = e - s;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const off = this.offs[slot]!;
      if (off < 0) return -2;
      if (this.hashes[slot] !== h || this.lens[slot] !== len) continue;
      const a = this.arena;
      let k = 0;
      while (k < len && a[off + k] === b[s + k]) k++;
      if (k === len) return this.codes[slot]!;
    }
  }

  set(b: Uint8Array, s: number, e: number, h: number, code: number): void {
    if ((this.size + 1) * 2 > this.cap) this.rehash();
    const len = e - s;
    if (this.used + len > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      bigger.set(this.arena.subarray(0, this.used));
      this.arena = bigger;
    }
    this.arena.set(b.subarray(s, e), this.used);
    this.insert(h, code, this.used, len);
    this.used += len;
    this.size++;
  }

  private insert(h: number, code: number, off: number, len: number): void {
    const mask = this.cap - 1;
    let slot = h & mask;
    while (this.offs[slot]! >= 0) slot = (slot + 1) & mask;
    this.hashes[slot] = h;
    this.codes[slot] = code;
    this.offs[slot] = off;
    this.lens[slot] = len;
  }

  private rehash(): void {
    const { hashes, codes, offs, lens, cap } = this;
    this.cap = cap * 2;
    this.hashes = new Int32Array(this.cap);
    this.codes = new Int32Array(this.cap);
    this.offs = new Int32Array(this.cap).fill(-1);
    this.lens = new Int32Array(this.cap);
    for (let i = 0; i < cap; i++) if (offs[i]! >= 0) this.insert(hashes[i]!, codes[i]!, offs[i]!, lens[i]!);
  }
}

function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let k = s; k < e; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
  return (h ^ (h >>> 15)) | 0;
}

function decode(buf: Buffer, s: number, e: number): string {
  for (let k = s; k < e; k++) if (buf[k]! >= 128) return buf.toString("utf8", s, e);
  return buf.toString("latin1", s, e);
}

export class CsvByteIngest {
  private leftover: Uint8Array | null = null;
  private first = true;
  private headerPending: boolean;
  private readonly tables: (RawTable | null)[];
  private readonly rowCodes: Int32Array;
  private scratch = new Uint8Array(256);
  /** Data rows added. */
  rows = 0;

  /**
   * @param fieldOfColumn for each column of the file, the builder field it feeds (-1: none)
   * @param idColumn the column holding the record id
   */
  constructor(
    private readonly builder: RecordSetBuilder,
    private readonly fieldOfColumn: readonly number[],
    private readonly idColumn: number,
    options: { header?: boolean } = {},
  ) {
    this.headerPending = options.header ?? true;
    this.tables = builder.specs.map((s) => (UNCACHED.includes(s.kind) ? null : new RawTable()));
    this.rowCodes = new Int32Array(builder.specs.length);
  }

  push(chunk: Uint8Array): void {
    let b = chunk;
    if (this.leftover) {
      const joined = new Uint8Array(this.leftover.length + chunk.length);
      joined.set(this.leftover);
      joined.set(chunk, this.leftover.length);
      b = joined;
      this.leftover = null;
    }
    let start = 0;
    if (this.first) {
      this.first = false;
      if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) start = 3;
    }
    const rest = this.parse(b, start, false);
    if (rest < b.length) this.leftover = b.slice(rest);
  }

  end(): void {
    if (this.leftover) {
      const b = this.leftover;
      this.leftover = null;
      this.parse(b, 0, true);
    }
  }

  private value(f: number, buf: Buffer, b: Uint8Array, s: number, e: number): number {
    while (s < e && b[s] === SPACE) s++;
    while (e > s && b[e - 1] === SPACE) e--;
    if (s === e) return -1;
    const table = this.tables[f];
    if (!table) return this.builder.codeOf(f, decode(buf, s, e));
    const h = hashBytes(b, s, e);
    const known = table.get(b, s, e, h);
    if (known !== -2) return known;
    const code = this.builder.codeOf(f, decode(buf, s, e));
    table.set(b, s, e, h, code);
    return code;
  }

  // Parse complete rows from b[start..]; returns where the first incomplete row starts.
  private parse(b: Uint8Array, start: number, final: boolean): number {
    const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    const n = b.length;
    const fieldOf = this.fieldOfColumn;
    const codes = this.rowCodes;
    let pos = start;
    while (pos < n) {
      const rowStart = pos;
      codes.fill(-1);
      let id: string | null = null;
      let col = 0;
      let complete = false;
      let blank = true;
      for (;;) {
        let s = pos;
        while (s < n && b[s] === SPACE) s++;
        let vb: Uint8Array = b;
        let vbuf: Buffer = buf;
        let vs: number;
        let ve: number;
        if (s < n && b[s] === QUOTE) {
          // quoted: unescape into scratch
          let k = s + 1;
          let len = 0;
          let closed = false;
          while (k < n) {
            const c = b[k]!;
            if (c === QUOTE) {
              if (k + 1 < n && b[k + 1] === QUOTE) {
                this.put(len++, QUOTE);
                k += 2;
                continue;
              }
              if (k + 1 >= n && !final) break; // could be the first of a doubled quote
              closed = true;
              k++;
              break;
            }
            this.put(len++, c);
            k++;
          }
          if (!closed && !final) break;
          while (k < n && b[k] !== COMMA && b[k] !== CR && b[k] !== LF) this.put(len++, b[k++]!);
          vb = this.scratch;
          vbuf = Buffer.from(vb.buffer, vb.byteOffset, vb.byteLength);
          vs = 0;
          ve = len;
          pos = k;
          blank = false;
        } else {
          let e = pos;
          while (e < n) {
            const c = b[e]!;
            if (c === COMMA || c === CR || c === LF) break;
            e++;
          }
          vs = pos;
          ve = e;
          if (e > pos) blank = false;
          pos = e;
        }
        if (pos >= n && !final) break; // the row may go on in the next chunk
        if (col === this.idColumn) {
          let a = vs;
          let z = ve;
          while (a < z && vb[a] === SPACE) a++;
          while (z > a && vb[z - 1] === SPACE) z--;
          id = decode(vbuf, a, z);
        }
        const f = col < fieldOf.length ? fieldOf[col]! : -1;
        if (f >= 0) codes[f] = this.value(f, vbuf, vb, vs, ve);
        if (pos >= n) {
          complete = true;
          break;
        }
        const c = b[pos]!;
        if (c === COMMA) {
          pos++;
          col++;
          blank = false;
          continue;
        }
        pos += c === CR && pos + 1 < n && b[pos + 1] === LF ? 2 : 1;
        complete = true;
        break;
      }
      if (!complete) return rowStart;
      if (blank && col === 0) continue;
      if (this.headerPending) {
        this.headerPending = false;
        continue;
      }
      this.rows++;
      this.builder.addCodes(id === null || id === "" ? `row-${this.rows}` : id, codes);
    }
    return n;
  }

  private put(at: number, byte: number): void {
    if (at >= this.scratch.length) {
      const bigger = new Uint8Array(this.scratch.length * 2);
      bigger.set(this.scratch);
      this.scratch = bigger;
    }
    this.scratch[at] = byte;
  }
}
