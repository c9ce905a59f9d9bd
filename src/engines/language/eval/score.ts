// Scoring of the checker against the labelled evaluation sentences (eval/*.jsonl). Pure: callers
// read the files and pass the rows in.
//
// Sentence level: a sentence is positive when it has at least one expected flag; predicted
// positive when the checker flags anything in it.
// Span level: a predicted flag is correct when it overlaps an expected span of the same category;
// an expected span is found when some predicted flag of its category overlaps it.
import { check } from "../check.ts";
import type { CompiledDictionary } from "../dictionary.ts";
import type { Category, Dictionary, Flag } from "../types.ts";

/** The evaluation files in eval/, in the order they were written, with how each was used. */
export const EVAL_SETS = [
  { file: "heldout.jsonl", title: "held-out (100, written before the engine; first run F1 1.000)" },
  { file: "sentences.jsonl", title: "dev (301, tuned on)" },
  {
    file: "fresh.jsonl",
    title: "fresh 1 (61, written after the held-out run; first run F1 0.877, then tuned)",
  },
  { file: "fresh2.jsonl", title: "fresh 2 (60; first run F1 0.793, then tuned)" },
  { file: "fresh3.jsonl", title: "fresh 3 (60; first run F1 0.889, then tuned)" },
] as const;

export interface EvalRow {
  id: string;
  split: string;
  text: string;
  expected: Array<{ phrase: string; category: Category; occurrence?: number }>;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn?: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvalReport {
  n: number;
  positives: number;
  sentence: Counts & { tn: number };
  span: Counts;
  /** span level, ignoring the category */
  spanAnyCategory: Counts;
  mistakes: Array<{ id: string; text: string; expected: string[]; got: string[] }>;
}

export function parseEvalJsonl(text: string): EvalRow[] {
  return text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalRow);
}

function ratios(tp: number, fp: number, fn: number): { precision: number; recall: number; f1: number } {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Character spans of a row's expected phrases. */
export function expectedSpans(row: EvalRow): Array<{ start: number; end: number; category: Category }> {
  return row.expected.map((e) => {
    let from = 0;
    let at = -1;
    for (let k = 0; k <= (e.occurrence ?? 0); k++) {
      at = row.text.indexOf(e.phrase, from);
      if (at < 0) throw new Error(`${row.id}: expected phrase not in text: ${e.phrase}`);
      from = at + 1;
    }
    return { start: at, end: at + e.phrase.length, category: e.category };
  });
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end;

export function score(rows: EvalRow[], dictionary: Dictionary | CompiledDictionary): EvalReport {
  let stp = 0;
  let sfp = 0;
  let sfn = 0;
  let stn = 0;
  let predTotal = 0;
  let predOk = 0;
  let predOkAny = 0;
  let expTotal = 0;
  let expFound = 0;
  let expFoundAny = 0;
  const mistakes: EvalReport["mistakes"] = [];
  for (const row of rows) {
    const flags: Flag[] = check(row.text, dictionary).flags;
    const exp = expectedSpans(row);
    const e = exp.length > 0;
    const g = flags.length > 0;
    if (e && g) stp++;
    else if (!e && g) sfp++;
    else if (e && !g) sfn++;
    else stn++;
    predTotal += flags.length;
    expTotal += exp.length;
    let wrong = e !== g;
    for (const f of flags) {
      if (exp.some((x) => overlaps(x, f) && x.category === f.category)) predOk++;
      else wrong = true;
      if (exp.some((x) => overlaps(x, f))) predOkAny++;
    }
    for (const x of exp) {
      if (flags.some((f) => overlaps(x, f) && x.category === f.category)) expFound++;
      else wrong = true;
      if (flags.some((f) => overlaps(x, f))) expFoundAny++;
    }
    if (wrong)
      mistakes.push({
        id: row.id,
        text: row.text,
        expected: row.expected.map((x) => `${x.phrase} [${x.category}]`),
        got: flags.map((f) => `${f.phrase} [${f.category}] (${f.entryId})`),
      });
  }
  const spanCounts = (ok: number, found: number): Counts => {
    // precision from the predicted side, recall from the expected side
    const precision = predTotal === 0 ? 1 : ok / predTotal;
    const recall = expTotal === 0 ? 1 : found / expTotal;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { tp: ok, fp: predTotal - ok, fn: expTotal - found, precision, recall, f1 };
  };
  return {
    n: rows.length,
    positives: rows.filter((r) => r.expected.length > 0).length,
    sentence: { tp: stp, fp: sfp, fn: sfn, tn: stn, ...ratios(stp, sfp, sfn) },
    span: spanCounts(predOk, expFound),
    spanAnyCategory: spanCounts(predOkAny, expFoundAny),
    mistakes,
  };
}

export function formatReport(title: string, r: EvalReport): string {
  const pct = (x: number) => x.toFixed(3);
  const s = r.sentence;
  return [
    `${title}: ${r.n} sentences (${r.positives} should be flagged, ${r.n - r.positives} should not)`,
    `  sentence  P ${pct(s.precision)}  R ${pct(s.recall)}  F1 ${pct(s.f1)}   (tp ${s.tp}, fp ${s.fp}, fn ${s.fn}, tn ${s.tn})`,
    `  span      P ${pct(r.span.precision)}  R ${pct(r.span.recall)}  F1 ${pct(r.span.f1)}   (overlap + same category)`,
    `  span/any  P ${pct(r.spanAnyCategory.precision)}  R ${pct(r.spanAnyCategory.recall)}  F1 ${pct(r.spanAnyCategory.f1)}   (overlap, any category)`,
  ].join("\n");
}
