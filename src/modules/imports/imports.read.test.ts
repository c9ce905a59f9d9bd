import { describe, expect, it } from "vitest";
import { detectFormat, openTable } from "./imports.read.ts";

async function rows(buf: Buffer, known: (h: string) => boolean = () => false) {
  const t = await openTable(buf, detectFormat(buf), known);
  const out: string[][] = [];
  for await (const r of t.rows) out.push([String(r.number), ...r.cells]);
  return { header: t.header, rows: out };
}

describe("reading files", () => {
  it("CSV: byte-order mark, semicolons, quoted newlines, Windows-1252, empty rows skipped", async () => {
    const a = await rows(Buffer.from('\uFEFFID;Name\r\n1;"Zoë\nSmith"\r\n\r\n2;Bo\r\n'));
    expect(a.header).toEqual(["ID", "Name"]);
    expect(a.rows).toEqual([
      ["2", "1", "Zoë\nSmith"],
      ["4", "2", "Bo"],
    ]);
    const latin = await rows(Buffer.from([0x49, 0x44, 0x2c, 0x4e, 0x0a, 0x31, 0x2c, 0x5a, 0x6f, 0xeb, 0x0a]));
    expect(latin.rows[0]).toEqual(["2", "1", "Zoë"]);
  });
  it("refuses old .xls and binary files", () => {
    expect(() => detectFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2]))).toThrow(/\.xlsx or CSV/);
    expect(() => detectFormat(Buffer.from([1, 0, 2]))).toThrow(/CSV or Excel/);
  });
  it("Excel: the header below title rows; dates, formula results, rich text", async () => {
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Tracker");
    ws.addRow(["Title"]);
    ws.addRow(["Ref", "DOB", "Age", "Note"]);
    ws.addRow([
      "T1",
      new Date(Date.UTC(2011, 3, 23)),
      { formula: "1+2", result: 3 },
      { richText: [{ text: "a" }, { text: "b" }] },
    ]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const t = await rows(buf, (h) => ["ref", "dob"].includes(h.toLowerCase()));
    expect(t.header).toEqual(["Ref", "DOB", "Age", "Note"]);
    expect(t.rows).toEqual([["3", "T1", "2011-04-23", "3", "ab"]]);
  });
});
