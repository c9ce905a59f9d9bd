// A small streaming CSV parser (RFC 4180 plus the usual leniencies): quoted fields with commas,
// doubled quotes and line breaks; CRLF, LF or CR line ends; a byte-order mark; blank lines
// skipped; a quote after leading spaces still opens a quoted field. It is pure: feed it text
// chunks, it calls back with each row. Rows are arrays of strings, not trimmed.

export class CsvParser {
  private buf = "";
  private first = true;
  rows = 0;

  constructor(private readonly onRow: (fields: string[]) => void) {}

  push(chunk: string): void {
    if (this.first) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      this.first = false;
    }
    this.buf = this.buf.length > 0 ? this.buf + chunk : chunk;
    this.parse(false);
  }

  end(): void {
    this.parse(true);
    this.buf = "";
  }

  private parse(final: boolean): void {
    const s = this.buf;
    const n = s.length;
    let pos = 0;
    while (pos < n) {
      const rowStart = pos;
      const fields: string[] = [];
      let complete = false;
      for (;;) {
        // one field starting at pos
        let q = pos;
        while (q < n && s.charCodeAt(q) === 32) q++;
        if (q < n && s.charCodeAt(q) === 34) {
          let value = "";
          let j = q + 1;
          let closed = false;
          for (;;) {
            const k = s.indexOf('"', j);
            if (k < 0) break;
            if (k + 1 < n && s.charCodeAt(k + 1) === 34) {
              value += s.slice(j, k + 1);
              j = k + 2;
              continue;
            }
            if (k + 1 >= n && !final) break; // might be the first of a doubled quote
            value += s.slice(j, k);
            j = k + 1;
            closed = true;
            break;
          }
          if (!closed) {
            if (!final) break;
            value += s.slice(j);
            j = n;
          }
          // anything between the closing quote and the delimiter is kept (lenient)
          let e = j;
          while (e < n) {
            const c = s.charCodeAt(e);
            if (c === 44 || c === 10 || c === 13) break;
            e++;
          }
          if (e > j) value += s.slice(j, e);
          pos = e;
          fields.push(value);
        } else {
          let e = pos;
          while (e < n) {
            const c = s.charCodeAt(e);
            if (c === 44 || c === 10 || c === 13) break;
            e++;
          }
          fields.push(s.slice(pos, e));
          pos = e;
        }
        if (pos >= n) {
          if (final) complete = true;
          break;
        }
        const c = s.charCodeAt(pos);
        if (c === 44) {
          pos++;
          continue;
        }
        // line end
        if (c === 13) {
          if (pos + 1 >= n && !final) break; // a CR at the chunk's end may be half a CRLF
          pos += pos + 1 < n && s.charCodeAt(pos + 1) === 10 ? 2 : 1;
        } else pos++;
        complete = true;
        break;
      }
      if (!complete) {
        this.buf = s.slice(rowStart);
        return;
      }
      if (!(fields.length === 1 && fields[0] === "")) {
        this.rows++;
        this.onRow(fields);
      }
    }
    this.buf = "";
  }
}

/** Parse a whole CSV text (tests, small files). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const p = new CsvParser((r) => rows.push(r));
  p.push(text);
  p.end();
  return rows;
}

/** Quote a value for CSV output when it needs it. */
export function csvField(value: string): string {
  if (/[",\r\n]/.test(value) || value !== value.trim()) return `"${value.replace(/"/g, '""')}"`;
  return value;
}
