// The partnership report as an Excel workbook for board and committee papers: the same figures
// and the same hidden numbers as the page ("<5", "[c]", "hidden" percentages), one sheet per
// section, marked with who downloaded it and when. Aggregates only, so no password is asked.
import type { SessionUser } from "../../http/routes.ts";
import { formatLondon } from "../../platform/clock.ts";
import { formulaSafe } from "../imports/index.ts";
import type { CountTable, Figure, PartnershipReport } from "./partnership.service.ts";

type Cellish = Figure | { shown: string; value: number | null };

/** A shown number as a number (so it can be charted in Excel), a hidden one as its mark. */
const cell = (f: Cellish): string | number =>
  f.value !== null && !("hidden" in f && f.hidden) && !f.shown.endsWith("%") ? f.value : formulaSafe(f.shown);

export async function partnershipWorkbook(r: PartnershipReport, u: SessionUser, when: Date): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = `Lantern – downloaded by ${u.displayName} (${u.agencyName})`;
  wb.created = when;
  const first = r.quarters[0].label;
  const last = r.quarters[r.quarters.length - 1].label;
  const mark = formulaSafe(
    `OFFICIAL. Partnership report, ${first} to ${last}, downloaded from Lantern by ${u.displayName}, ${u.agencyName}, ${formatLondon(when)}. Numbers from 1 to 4 are shown as <5; [c] is hidden so a small number cannot be worked out.`,
  );
  const quarterHeads = r.quarters.map((q) => formulaSafe(q.label));
  const sheet = (name: string, blocks: { title: string; head: string[]; rows: (string | number)[][] }[]) => {
    const ws = wb.addWorksheet(name);
    ws.headerFooter.oddHeader = `&L${mark}`;
    ws.headerFooter.oddFooter = `&L${formulaSafe(u.displayName)} ${formatLondon(when)}&RPage &P of &N`;
    ws.addRow([mark]);
    for (const b of blocks) {
      ws.addRow([]);
      ws.addRow([formulaSafe(b.title)]).font = { bold: true, size: 12 };
      ws.addRow(b.head.map(formulaSafe)).font = { bold: true };
      for (const row of b.rows) ws.addRow(row);
    }
    ws.getColumn(1).width = 48;
    for (let c = 2; c <= r.quarters.length + 2; c++) ws.getColumn(c).width = 20;
  };
  const table = (title: string, first: string, t: CountTable, totalLabel: string) => ({
    title,
    head: [first, ...quarterHeads, ...(t.showRowTotals ? ["All four quarters"] : [])],
    rows: [
      ...t.rows.map((row) => [
        formulaSafe(row.label),
        ...row.cells.map(cell),
        ...(t.showRowTotals ? [cell(row.total)] : []),
      ]),
      [formulaSafe(totalLabel), ...t.totals.map(cell), ...(t.showRowTotals ? [cell(t.grand)] : [])],
    ],
  });
  const series = (title: string, rows: [string, Cellish[]][]) => ({
    title,
    head: ["Measure", ...quarterHeads],
    rows: rows.map(([label, values]) => [formulaSafe(label), ...values.map(cell)]),
  });
  sheet("Referrals", [
    table(
      "Referrals received, by the kind of agency that referred",
      "Referring agency",
      r.referrals.byAgency,
      "All referrals",
    ),
    {
      title: "Concerns named in referrals (a referral can name more than one, so there is no total)",
      head: ["Concern", ...quarterHeads],
      rows: r.referrals.byConcern.map((c) => [formulaSafe(c.label), ...c.cells.map(cell)]),
    },
  ]);
  sheet("Screening", [
    table("Screening decisions made, by outcome", "Decision", r.screening.decisions, "All decisions"),
    series("Decisions made by the screening deadline", [["Decided on time", r.screening.onTime]]),
  ]);
  sheet("Children", [
    table(
      "Children referred, by sex (each child once per quarter)",
      "Sex",
      r.children.bySex,
      "All children referred",
    ),
    series("Boys as a share of children referred", [["Boys", r.children.boysShare]]),
    table("Children referred, by disability", "Disability", r.children.byDisability, "All children referred"),
  ]);
  sheet("Missing", [
    series("Missing episodes and return-home interviews", [
      ["Episodes that began", r.missing.episodes],
      ["Children who went missing or absent", r.missing.children],
      ["Episodes that ended (child back)", r.missing.returned],
      ["Interview offered within 72 hours", r.missing.rhiOffered72h],
      ["Interview completed", r.missing.rhiCompleted],
    ]),
  ]);
  sheet("MACE", [
    series("Children followed by the MACE panel", [
      ["Added to the cohort", r.mace.added],
      ["Left the cohort", r.mace.left],
      ["In the cohort at the end of the quarter", r.mace.openAtEnd],
    ]),
  ]);
  sheet("Disruption", [
    table(
      "Disruption tactics used, by the quarter applied for",
      "Tactic",
      r.disruption.byTactic,
      "All tactics",
    ),
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
