// Reading an uploaded file as rows of text cells, streaming: CSV (comma, semicolon, tab or pipe;
// UTF-8 with or without a byte-order mark, else Windows-1252) through csv-parse, and Excel .xlsx
// through exceljs's streaming reader (first worksheet; dates as YYYY-MM-DD; a formula cell gives
// its cached result, never the formula). The header is the first row near the top that looks like
// one, so a tracker's title rows above it are skipped.
import { isUtf8 } from "node:buffer";
import { Readable } from "node:stream";
import { Invalid } from "../../platform/errors.ts";

export type FileFormat = "csv" | "xlsx";
export type PhysicalRow = { number: number; cells: string[] };
export type Table = { header: string[]; headerRow: number; rows: AsyncIterable<PhysicalRow> };

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (buf: Uint8Array, sig: number[]) => sig.every((b, i) => buf[i] === b);

/** The format of an uploaded file from its first bytes (the name is not trusted). */
export function detectFormat(buf: Uint8Array): FileFormat {
  if (buf.length === 0)
    throw new Invalid("The file is empty", [{ field: "file", message: "The file is empty" }]);
  if (startsWith(buf, ZIP)) return "xlsx";
  if (startsWith(buf, OLE))
    throw new Invalid("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV", [
      { field: "file", message: "Save the file as Excel (.xlsx) or CSV and choose it again" },
    ]);
  const probe = buf.subarray(0, 8192);
  if (probe.includes(0))
    throw new Invalid("The file is not a CSV or Excel (.xlsx) file", [
      { field: "file", message: "The file must be a CSV or Excel (.xlsx) file" },
    ]);
  return "csv";
}

function delimiterOf(firstLine: string): string {
  const counts = [",", ";", "\t", "|"].map((d) => [d, firstLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ",";
}

function chunks(buf: Uint8Array, size = 1 << 20): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += size)
        yield Buffer.from(buf.buffer, buf.byteOffset + i, Math.min(size, buf.length - i));
    })(),
  );
}

async function* csvRows(buf: Uint8Array): AsyncGenerator<PhysicalRow> {
  const { parse } = await import("csv-parse");
  const encoding = isUtf8(buf) ? "utf8" : "latin1";
  const head = Buffer.from(buf.subarray(0, 65536))
    .toString(encoding)
    .replace(/^\uFEFF/, "");
  const parser = chunks(buf).pipe(
    parse({
      delimiter: delimiterOf(head.split(/\r?\n/)[0] ?? ""),
      bom: true,
      encoding,
      relax_column_count: true,
      skip_empty_lines: false,
      info: true,
    }),
  );
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { records: number } }>) {
      yield { number: item.info.records, cells: item.record };
    }
  } catch (e) {
    const err = e as Error & { code?: string; lines?: number };
    throw new Invalid(`The file is not valid CSV: ${err.message}`, [
      { field: "file", message: `The file is not valid CSV (${err.message})` },
    ]);
  }
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return "";
    const iso = v.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 16).replace("T", " ");
  }
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("result" in o) return cellText(o.result);
    if ("formula" in o || "sharedFormula" in o) return "";
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((t) => t.text).join("");
    if (typeof o.text === "string") return o.text;
    if (typeof o.error === "string") return o.error;
  }
  return String(v);
}

async function* xlsxRows(buf: Uint8Array): AsyncGenerator<PhysicalRow> {
  const { default: ExcelJS } = await import("exceljs");
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(chunks(buf), {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    entries: "ignore",
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = (row.values ?? []) as unknown[];
        const cells: string[] = [];
        for (let c = 1; c < values.length; c++) cells.push(cellText(values[c]));
        yield { number: row.number, cells };
      }
      return; // the first worksheet only
    }
  } catch (e) {
    if (e instanceof Invalid) throw e;
    throw new Invalid(`The Excel file could not be read: ${(e as Error).message}`, [
      { field: "file", message: "The Excel file could not be read: save it again as .xlsx" },
    ]);
  }
}

const isEmpty = (cells: readonly string[]) => cells.every((c) => c.trim() === "");

/**
 * Opens a file as a table: its header (the first of the top 20 rows with two or more cells of
 * which one is a recognised column name; else the first non-empty row) and its data rows (empty
 * rows skipped). Header names are trimmed and made unique.
 */
export async function openTable(
  buf: Uint8Array,
  format: FileFormat,
  isKnownColumn: (header: string) => boolean = () => false,
): Promise<Table> {
  const iterator = (format === "csv" ? csvRows(buf) : xlsxRows(buf))[Symbol.asyncIterator]();
  const head: PhysicalRow[] = [];
  while (head.length < 20) {
    const r = await iterator.next();
    if (r.done) break;
    head.push(r.value);
  }
  const filled = (r: PhysicalRow) => r.cells.filter((c) => c.trim() !== "").length;
  let at = head.findIndex((r) => filled(r) >= 2 && r.cells.some((c) => isKnownColumn(c)));
  if (at < 0) at = head.findIndex((r) => filled(r) > 0);
  if (at < 0)
    throw new Invalid("The file has no rows", [
      { field: "file", message: "The file has no header row and no data" },
    ]);
  const seen = new Map<string, number>();
  const raw = head[at]!.cells;
  let width = raw.length;
  while (width > 0 && raw[width - 1]!.trim() === "") width--;
  const header = raw.slice(0, width).map((h, i) => {
    const base = h.trim().replace(/\s+/g, " ") || `Column ${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
  const rest = head.slice(at + 1);
  async function* rows(): AsyncGenerator<PhysicalRow> {
    for (const r of rest) if (!isEmpty(r.cells)) yield r;
    for (;;) {
      const r = await iterator.next();
      if (r.done) return;
      if (!isEmpty(r.value.cells)) yield r.value;
    }
  }
  return { header, headerRow: head[at]!.number, rows: rows() };
}
