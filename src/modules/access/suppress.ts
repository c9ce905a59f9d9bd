// Small-number suppression for aggregate tables (DESIGN.md: counts under 5 are shown as "<5", with
// secondary suppression so that totals cannot reveal them).
//
// Primary: a count from 1 to 4 is shown as "<5" (0 is shown: "none" reveals no one).
// Secondary: a table is a set of lines — each row with its row total, each column with its column
// total, the row of column totals and the column of row totals, each with the grand total. A line
// in which exactly one number is hidden gives it away (total minus the others), so another number
// in that line is hidden too ("[c]"): the smallest non-zero cell, else the line's total, else a
// zero cell. Repeated until no line has exactly one hidden number.

export const THRESHOLD = 5;

export type Suppression = false | "primary" | "secondary";
export type Cell = { value: number; suppressed: Suppression; shown: string };

export const PRIMARY_MARK = "<5";
export const SECONDARY_MARK = "[c]";

const fmt = (n: number) => n.toLocaleString("en-GB");

function show(value: number, suppressed: Suppression): Cell {
  return {
    value,
    suppressed,
    shown: suppressed === "primary" ? PRIMARY_MARK : suppressed === "secondary" ? SECONDARY_MARK : fmt(value),
  };
}

/**
 * Suppresses over a set of lines. Each line lists indices into `values`; its LAST index is the
 * line's total. Returns how each value is shown.
 */
export function suppressLines(
  values: readonly number[],
  lines: readonly number[][],
  threshold = THRESHOLD,
): Cell[] {
  const state: Suppression[] = values.map((v) => (v > 0 && v < threshold ? "primary" : false));
  const isTotal = new Set<number>();
  for (const l of lines) isTotal.add(l[l.length - 1]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines) {
      const hidden = line.filter((i) => state[i]).length;
      if (hidden !== 1) continue;
      const total = line[line.length - 1];
      const open = line.filter((i) => !state[i]);
      const cells = open.filter((i) => i !== total);
      const pick =
        cells.filter((i) => values[i] > 0).sort((a, b) => values[a] - values[b] || a - b)[0] ??
        (open.includes(total) ? total : undefined) ??
        cells[0];
      if (pick === undefined) continue;
      state[pick] = "secondary";
      changed = true;
    }
  }
  return values.map((v, i) => show(v, state[i]));
}

export type SuppressedTable = { cells: Cell[][]; rowTotals: Cell[]; colTotals: Cell[]; grand: Cell };

/** A rows × columns table of counts, with row, column and grand totals, suppressed together. */
export function suppressTable(
  rows: readonly (readonly number[])[],
  options: { columns?: number; threshold?: number } = {},
): SuppressedTable {
  const threshold = options.threshold ?? THRESHOLD;
  const R = rows.length;
  const C = options.columns ?? (R ? rows[0].length : 0);
  const values: number[] = [];
  const at = (r: number, c: number) => r * C + c;
  for (const row of rows) values.push(...row);
  const rowTotal = (r: number) => R * C + r;
  const colTotal = (c: number) => R * C + R + c;
  const grandIdx = R * C + R + C;
  for (const row of rows) values.push(row.reduce((a, b) => a + b, 0));
  for (let c = 0; c < C; c++) values.push(rows.reduce((a, row) => a + row[c], 0));
  values.push(values.slice(0, R * C).reduce((a, b) => a + b, 0));
  const lines: number[][] = [];
  for (let r = 0; r < R; r++) lines.push([...Array.from({ length: C }, (_, c) => at(r, c)), rowTotal(r)]);
  for (let c = 0; c < C; c++) lines.push([...Array.from({ length: R }, (_, r) => at(r, c)), colTotal(c)]);
  lines.push([...Array.from({ length: R }, (_, r) => rowTotal(r)), grandIdx]);
  lines.push([...Array.from({ length: C }, (_, c) => colTotal(c)), grandIdx]);
  const shown = suppressLines(values, lines, threshold);
  return {
    cells: Array.from({ length: R }, (_, r) => Array.from({ length: C }, (_, c) => shown[at(r, c)])),
    rowTotals: Array.from({ length: R }, (_, r) => shown[rowTotal(r)]),
    colTotals: Array.from({ length: C }, (_, c) => shown[colTotal(c)]),
    grand: shown[grandIdx],
  };
}

/** A list of counts and their total (for example flags by phrase), suppressed together. */
export function suppressList(
  values: readonly number[],
  threshold = THRESHOLD,
): { items: Cell[]; total: Cell } {
  const all = [...values, values.reduce((a, b) => a + b, 0)];
  const shown = suppressLines(all, [all.map((_, i) => i)], threshold);
  return { items: shown.slice(0, values.length), total: shown[values.length] };
}

/** One count on its own (no total to protect): "<5" when small. */
export const suppressOne = (value: number, threshold = THRESHOLD): Cell =>
  show(value, value > 0 && value < threshold ? "primary" : false);

/** Flags per 1,000 words, to one decimal place; hidden when the count is hidden. */
export function rateOf(flags: Cell, words: number): string {
  if (flags.suppressed) return flags.shown === PRIMARY_MARK ? "hidden (<5 flags)" : "hidden";
  if (words === 0) return "no text";
  return ((flags.value / words) * 1000).toFixed(1);
}
