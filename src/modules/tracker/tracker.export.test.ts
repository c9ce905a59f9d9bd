// The Excel export opens (read back with exceljs), carries its watermark, and no cell can act as a
// formula: text beginning with = + - @ tab or CR is escaped with a leading apostrophe.
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { formulaSafe, trackerWorkbook } from "./tracker.export.ts";
import type { TrackerRow } from "./tracker.table.ts";

const row = (over: Partial<TrackerRow>): TrackerRow => ({
  entryId: "e1",
  childId: "c1",
  reference: "CH-000001",
  name: "Test Child",
  dateOfBirth: "2011-04-23",
  age: 15,
  sex: "female",
  send: "ehcp",
  lookedAfter: true,
  outOfArea: false,
  concerns: ["cse"],
  riskLevel: "high",
  riskTrend: "increasing",
  leadAgencyId: "a1",
  leadAgency: "Kestershire Constabulary",
  leadProfessional: "DS Adeyemi",
  lastReviewOn: "2026-11-01",
  nextReviewOn: "2026-12-01",
  reviewOverdue: false,
  openActions: 3,
  overdueActions: 1,
  escalatedActions: 0,
  missing90: 2,
  missingNow: false,
  rhiOverdue: 0,
  rhiDue: 0,
  lastMissingAt: null,
  addedAt: new Date("2026-06-01T10:00:00Z"),
  source: "screening",
  version: 1,
  ...over,
});

describe("formula-safe text", () => {
  it("escapes every formula trigger and leaves other text alone", () => {
    for (const bad of ["=1+1", "+44 1234", "-2", "@SUM(A1)", "\t=x", "\r=x"])
      expect(formulaSafe(bad)).toBe(`'${bad}`);
    for (const ok of ["Kai Marsh", "1 + 1", "", "'quoted"]) expect(formulaSafe(ok)).toBe(ok);
  });
});

describe("the tracker workbook", () => {
  it("opens, is watermarked, keeps the rows in order and escapes formula-like text", async () => {
    const at = new Date("2026-10-25T01:30:00Z"); // 01:30 GMT, after the clocks went back
    const buf = await trackerWorkbook(
      [
        row({ name: '=HYPERLINK("http://evil.example","click")', leadProfessional: "+44 7700 900123" }),
        row({
          reference: "CH-000002",
          name: "@Robin Smith",
          leadProfessional: "-Dr Khan",
          leadAgency: "\tTabbed Agency",
        }),
        row({ reference: "CH-000003", name: "Ordinary Name", leadProfessional: null, dateOfBirth: null }),
      ],
      {
        userName: "Joanne Fisher",
        agencyName: "Kestershire Safeguarding Children Partnership",
        at,
        reference: "EXP-TEST01",
        filters: "none",
        visible: 3,
      },
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("Tracker")!;
    expect(ws).toBeDefined();
    expect(String(ws.getCell("A2").value)).toContain("Exported from Lantern by Joanne Fisher");
    expect(String(ws.getCell("A2").value)).toContain("25 October 2026 at 01:30 UK time");
    expect(ws.headerFooter.oddHeader).toContain("Exported by Joanne Fisher");
    expect(wb.creator).toContain("Joanne Fisher");
    expect(ws.getCell("B5").value).toBe("Name");
    expect(ws.getCell("A6").value).toBe("CH-000001");
    expect(ws.getCell("B6").value).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(ws.getCell("J6").value).toBe("'+44 7700 900123");
    expect(ws.getCell("B7").value).toBe("'@Robin Smith");
    expect(ws.getCell("J7").value).toBe("'-Dr Khan");
    expect(ws.getCell("I7").value).toBe("'\tTabbed Agency");
    expect(ws.getCell("B8").value).toBe("Ordinary Name");
    expect((ws.getCell("C6").value as Date).toISOString()).toBe("2011-04-23T00:00:00.000Z");
    // No cell anywhere is a formula, and no text cell starts with a formula trigger unescaped.
    let cells = 0;
    for (const sheet of wb.worksheets)
      sheet.eachRow((r) =>
        r.eachCell((c) => {
          cells++;
          expect(c.type).not.toBe(ExcelJS.ValueType.Formula);
          if (typeof c.value === "string") expect(c.value).not.toMatch(/^[=+\-@\t\r]/);
        }),
      );
    expect(cells).toBeGreaterThan(60);
    expect(wb.getWorksheet("About this export")!.getCell("B4").value).toBe("EXP-TEST01");
  });
});
