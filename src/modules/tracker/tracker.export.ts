// The tracker as an Excel workbook: the same rows, filters and order as the page, watermarked with
// who exported it and when (in the sheet, the print header and footer, and the file's properties),
// and formula-safe: every text cell is written as text, and text beginning with = + - @ tab or
// carriage return gets a leading apostrophe so no spreadsheet treats it as a formula.
import type { Workbook } from "exceljs";
import { formatLondon } from "../../platform/clock.ts";
import { concernText, type TrackerRow } from "./tracker.table.ts";
import { RISK_LABELS, SEND_SHORT, SEX_LABELS, TREND_LABELS } from "./tracker.vocab.ts";

/** Text that a spreadsheet could read as a formula gets a leading apostrophe. */
export function formulaSafe(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

export type ExportMeta = {
  userName: string;
  agencyName: string;
  at: Date;
  reference: string;
  filters: string;
  visible: number;
};

const yesNo = (b: boolean) => (b ? "Yes" : "No");
/** A date-only value as a UTC midnight Date (Excel shows the calendar date). */
const dateCell = (iso: string | null) => (iso ? new Date(`${iso.slice(0, 10)}T00:00:00Z`) : null);

export const EXPORT_COLUMNS: {
  header: string;
  width: number;
  value: (r: TrackerRow) => string | number | Date | null;
  date?: boolean;
}[] = [
  { header: "Reference", width: 14, value: (r) => r.reference },
  { header: "Name", width: 24, value: (r) => r.name },
  { header: "Date of birth", width: 13, value: (r) => dateCell(r.dateOfBirth), date: true },
  { header: "Age", width: 6, value: (r) => r.age },
  { header: "Sex", width: 10, value: (r) => SEX_LABELS[r.sex] ?? r.sex },
  { header: "Concerns", width: 22, value: (r) => concernText(r.concerns) },
  { header: "Risk", width: 9, value: (r) => RISK_LABELS[r.riskLevel] },
  { header: "Trend", width: 11, value: (r) => TREND_LABELS[r.riskTrend] },
  { header: "Lead agency", width: 34, value: (r) => r.leadAgency },
  { header: "Lead professional", width: 24, value: (r) => r.leadProfessional ?? "" },
  { header: "Last review", width: 12, value: (r) => dateCell(r.lastReviewOn), date: true },
  { header: "Next review", width: 12, value: (r) => dateCell(r.nextReviewOn), date: true },
  { header: "Review overdue", width: 9, value: (r) => yesNo(r.reviewOverdue) },
  { header: "Open actions", width: 8, value: (r) => r.openActions },
  { header: "Actions overdue", width: 9, value: (r) => r.overdueActions },
  { header: "Missing episodes (90 days)", width: 10, value: (r) => r.missing90 },
  { header: "Missing now", width: 9, value: (r) => yesNo(r.missingNow) },
  { header: "Return interviews overdue", width: 10, value: (r) => r.rhiOverdue },
  { header: "SEND", width: 11, value: (r) => SEND_SHORT[r.send] ?? r.send },
  { header: "Looked after", width: 8, value: (r) => yesNo(r.lookedAfter) },
  { header: "Out of area", width: 8, value: (r) => yesNo(r.outOfArea) },
  { header: "In cohort since", width: 13, value: (r) => dateCell(r.addedAt.toISOString()), date: true },
  { header: "Added from", width: 11, value: (r) => (r.source === "screening" ? "Screening" : "Direct") },
];

export function watermarkText(m: ExportMeta): string {
  return `OFFICIAL-SENSITIVE. Exported from Lantern by ${m.userName} (${m.agencyName}) on ${formatLondon(m.at, "d MMMM yyyy 'at' HH:mm")} UK time. Export ${m.reference}. Do not forward; store securely and delete when no longer needed.`;
}

/** Builds the workbook; returns the .xlsx bytes. */
export async function trackerWorkbook(rows: readonly TrackerRow[], m: ExportMeta): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const wb: Workbook = new ExcelJS.Workbook();
  const mark = watermarkText(m);
  wb.creator = `${m.userName} (${m.agencyName}) via Lantern`;
  wb.lastModifiedBy = m.userName;
  wb.created = m.at;
  wb.modified = m.at;
  wb.title = "MACE vulnerability tracker";
  wb.subject = "Children in the multi-agency child exploitation (MACE) cohort";
  wb.company = m.agencyName;
  wb.description = mark;
  wb.keywords = `OFFICIAL-SENSITIVE ${m.reference}`;

  const ws = wb.addWorksheet("Tracker", {
    views: [{ state: "frozen", ySplit: 5, xSplit: 2 }],
    pageSetup: { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 },
    headerFooter: {
      oddHeader: `&L&"Arial,Bold"OFFICIAL-SENSITIVE&C${escapeHeader(`Exported by ${m.userName}, ${formatLondon(m.at)}`)}&R${escapeHeader(m.reference)}`,
      oddFooter: `&L${escapeHeader(m.agencyName)}&CPage &P of &N&RDo not forward`,
    },
  });
  ws.columns = EXPORT_COLUMNS.map((c) => ({ width: c.width }));
  const text = (v: string) => formulaSafe(v);
  ws.getCell("A1").value = "MACE vulnerability tracker";
  ws.getCell("A1").font = { bold: true, size: 14 };
  ws.getCell("A2").value = text(mark);
  ws.getCell("A2").font = { bold: true, color: { argb: "FFB10E1E" } };
  ws.getCell("A3").value = text(
    `Filters: ${m.filters}. ${rows.length} of ${m.visible} children you can see.`,
  );
  const header = ws.getRow(5);
  EXPORT_COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.alignment = { wrapText: true, vertical: "top" };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFF3F2F1" } };
  });
  header.height = 45;
  rows.forEach((r, k) => {
    const row = ws.getRow(6 + k);
    EXPORT_COLUMNS.forEach((c, i) => {
      const v = c.value(r);
      const cell = row.getCell(i + 1);
      if (v === null) return;
      if (typeof v === "string") {
        cell.value = text(v);
        cell.numFmt = "@";
      } else {
        cell.value = v;
        if (c.date) cell.numFmt = "dd/mm/yyyy";
      }
    });
  });
  ws.autoFilter = {
    from: { row: 5, column: 1 },
    to: { row: 5 + Math.max(rows.length, 1), column: EXPORT_COLUMNS.length },
  };

  const about = wb.addWorksheet("About this export");
  about.columns = [{ width: 28 }, { width: 90 }];
  const lines: [string, string][] = [
    ["Handling", "OFFICIAL-SENSITIVE. Do not forward. Store securely and delete when no longer needed."],
    ["Exported by", `${m.userName}, ${m.agencyName}`],
    ["Exported at", `${formatLondon(m.at, "d MMMM yyyy, HH:mm")} (UK time)`],
    ["Export reference", m.reference],
    ["Filters", m.filters],
    ["Children", `${rows.length} of ${m.visible} children in the cohort that you can see`],
    [
      "Audit",
      "This export is recorded in Lantern's audit log with your name, the time and the children included.",
    ],
  ];
  lines.forEach(([k, v], i) => {
    about.getCell(i + 1, 1).value = k;
    about.getCell(i + 1, 1).font = { bold: true };
    about.getCell(i + 1, 2).value = text(v);
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Header/footer text is a small markup language: & starts a code, so a literal & is doubled. */
const escapeHeader = (s: string) => s.replace(/&/g, "&&");
