// The data-gaps report as an Excel workbook: watermarked with who exported it and when, every text
// cell made formula-safe (a value that starts like a formula gets a leading apostrophe).
import type { SessionUser } from "../../http/routes.ts";
import { formatLondon } from "../../platform/clock.ts";
import { formulaSafe } from "../imports/index.ts";
import {
  type CompletenessRow,
  type DataGaps,
  FIELD_LABELS,
  GAP_FIELDS,
  IDENTITY_FIELDS,
} from "./data-gaps.service.ts";

const safe = (v: unknown): string | number | null =>
  typeof v === "number" ? v : v === null || v === undefined ? null : formulaSafe(String(v));

export async function dataGapsWorkbook(g: DataGaps, u: SessionUser, when: Date): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = `Lantern – exported by ${u.displayName} (${u.agencyName})`;
  wb.created = when;
  const mark = `OFFICIAL-SENSITIVE. Data-gaps report exported from Lantern by ${u.displayName}, ${u.agencyName}, ${formatLondon(when)}. Synthetic demo data.`;
  const sheet = (name: string, header: string[], rows: unknown[][], widths: number[]) => {
    const ws = wb.addWorksheet(name);
    ws.headerFooter.oddHeader = `&L${formulaSafe(mark)}`;
    ws.headerFooter.oddFooter = `&L${formulaSafe(u.displayName)} ${formatLondon(when)}&RPage &P of &N`;
    ws.addRow([formulaSafe(mark)]);
    ws.addRow([]);
    ws.addRow(header.map((h) => safe(h)));
    ws.getRow(3).font = { bold: true };
    for (const r of rows) ws.addRow(r.map(safe));
    ws.columns.forEach((c, i) => {
      c.width = widths[i] ?? 14;
    });
  };
  const completeness = (rows: CompletenessRow[]) =>
    rows.map((r) => [
      r.agency,
      r.source,
      r.records,
      ...[...GAP_FIELDS, ...IDENTITY_FIELDS].map((f) =>
        r.fields[f].held ? (r.fields[f].pct ?? "") : "not held",
      ),
    ]);
  const head = [
    "Agency",
    "Source",
    "Records",
    ...[...GAP_FIELDS, ...IDENTITY_FIELDS].map((f) => `${FIELD_LABELS[f]} (% recorded)`),
  ];
  sheet("Children", head, completeness(g.children), [40, 30, 10]);
  sheet("Persons of concern", head, completeness(g.persons), [40, 30, 10]);
  sheet(
    "Conflicts",
    ["Child", "Field", "Values (agency, source: value)"],
    g.conflicts.map((c) => [
      c.reference,
      FIELD_LABELS[c.field],
      c.values.map((v) => `${v.agency}, ${v.source}: ${v.value}`).join("; "),
    ]),
    [14, 16, 120],
  );
  sheet(
    "Duplicates",
    [
      "Agency",
      "Source",
      "Records",
      "Linked to a child",
      "Children",
      "Duplicate records",
      "Duplicate rate (%)",
    ],
    g.duplicates.map((d) => [
      d.agency,
      d.source,
      d.records,
      d.linked,
      d.children,
      d.duplicates,
      d.rate ?? "",
    ]),
    [40, 30, 10, 16, 10, 16, 18],
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
