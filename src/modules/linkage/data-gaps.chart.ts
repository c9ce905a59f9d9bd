// A server-rendered, accessible bar chart of completeness: one group per agency and source, one bar
// per field, each bar labelled with its field and percentage (never colour alone). The page puts
// the same figures in a table beneath it. Returns SVG markup with every text escaped.
import { type CompletenessRow, FIELD_LABELS, GAP_FIELDS } from "./data-gaps.service.ts";

const COLOURS: Record<(typeof GAP_FIELDS)[number], string> = {
  ethnicity: "#1d70b8",
  sex: "#00703c",
  disability: "#4c2c92",
  send: "#a8266b",
};

const esc = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

export function completenessChart(rows: readonly CompletenessRow[], id: string, title: string): string {
  const labelWidth = 300;
  const barWidth = 360;
  const valueWidth = 150;
  const barHeight = 14;
  const gap = 3;
  const groupGap = 16;
  const top = 46;
  const groupHeight = GAP_FIELDS.length * (barHeight + gap) + groupGap;
  const width = labelWidth + barWidth + valueWidth;
  const height = top + Math.max(1, rows.length) * groupHeight + 24;
  const parts: string[] = [];
  const summary = rows
    .map(
      (r) =>
        `${r.agency}, ${r.source}: ${GAP_FIELDS.map((f) => `${FIELD_LABELS[f]} ${r.fields[f].held ? `${r.fields[f].pct ?? 0}%` : "not held"}`).join(", ")}`,
    )
    .join(". ");
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="lantern-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc" data-testid="${id}">`,
    `<title id="${id}-title">${esc(title)}</title>`,
    `<desc id="${id}-desc">${esc(`Percentage of records with each field recorded. ${summary}. The table below gives the same figures.`)}</desc>`,
  );
  // legend
  let lx = labelWidth;
  for (const f of GAP_FIELDS) {
    parts.push(
      `<rect x="${lx}" y="8" width="14" height="14" fill="${COLOURS[f]}"/>`,
      `<text x="${lx + 20}" y="20" font-family="Arial, sans-serif" font-size="14" fill="#0b0c0c">${esc(FIELD_LABELS[f])}</text>`,
    );
    lx += 30 + FIELD_LABELS[f].length * 8;
  }
  // axis lines at 0, 50, 100%
  for (const p of [0, 50, 100]) {
    const x = labelWidth + (barWidth * p) / 100;
    parts.push(
      `<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${height - 22}" stroke="#b1b4b6" stroke-width="1"/>`,
      `<text x="${x}" y="${height - 6}" text-anchor="middle" font-family="Arial, sans-serif" font-size="12" fill="#505a5f">${p}%</text>`,
    );
  }
  rows.forEach((r, i) => {
    const y0 = top + i * groupHeight;
    const label = `${r.agency}`.length > 38 ? `${r.agency.slice(0, 36)}…` : r.agency;
    parts.push(
      `<text x="0" y="${y0 + 14}" font-family="Arial, sans-serif" font-size="13" font-weight="bold" fill="#0b0c0c">${esc(label)}</text>`,
      `<text x="0" y="${y0 + 32}" font-family="Arial, sans-serif" font-size="13" fill="#0b0c0c">${esc(r.source.length > 40 ? `${r.source.slice(0, 38)}…` : r.source)} (${r.records})</text>`,
    );
    GAP_FIELDS.forEach((f, k) => {
      const y = y0 + k * (barHeight + gap);
      const cell = r.fields[f];
      const p = cell.held ? (cell.pct ?? 0) : 0;
      const w = Math.max(cell.held && p > 0 ? 2 : 0, (barWidth * p) / 100);
      parts.push(
        `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${COLOURS[f]}"/>`,
      );
      parts.push(
        `<text x="${labelWidth + w + 6}" y="${y + barHeight - 3}" font-family="Arial, sans-serif" font-size="12" fill="#0b0c0c">${esc(`${FIELD_LABELS[f]} ${cell.held ? `${p}%` : "not held"}`)}</text>`,
      );
    });
  });
  parts.push("</svg>");
  return parts.join("");
}
