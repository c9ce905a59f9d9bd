// The linkage report: one self-contained HTML page (inline CSS and SVG, no external resources)
// that a person can read to judge a run: parameters, the model's m and u per comparison level
// with match weights, the match-weight histogram with the threshold, waterfall explanations of
// example pairs, and cluster sizes. Pure: returns a string.

import { clusterSizeDistribution } from "./cluster.ts";
import { gammaRow, type LinkResult } from "./pipeline.ts";
import {
  decide,
  explainPair,
  type PairExplanation,
  priorWeight,
  tfAdjustments,
  weightFromProbability,
} from "./score.ts";

export interface ReportMeta {
  title: string;
  /** Input names shown in the report (file names, not paths). */
  inputs: string[];
  /** When the run happened (the caller's clock; the engine has none). */
  generatedAt?: string;
}

export interface ExampleGroup {
  id: string;
  title: string;
  description: string;
  pairs: number[];
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (n: number) => n.toLocaleString("en-GB");
const fixed = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : n > 0 ? "+∞" : "−∞");
const signed = (n: number, d = 2) => (n >= 0 ? `+${fixed(n, d)}` : `−${fixed(-n, d)}`);
const prob = (p: number) => (p >= 0.999999 ? p.toFixed(6) : p < 1e-4 ? p.toExponential(2) : p.toFixed(4));
const sci = (x: number) => (x === 0 ? "0" : x >= 0.001 ? x.toFixed(4) : x.toExponential(2));

// k pairs with the smallest key among those passing `keep` (a small selection, no full sort).
function smallest(n: number, k: number, keep: (p: number) => boolean, key: (p: number) => number): number[] {
  const best: number[] = [];
  for (let p = 0; p < n; p++) {
    if (!keep(p)) continue;
    const v = key(p);
    if (best.length < k) {
      best.push(p);
      best.sort((a, b) => key(a) - key(b));
    } else if (v < key(best[k - 1]!)) {
      best[k - 1] = p;
      best.sort((a, b) => key(a) - key(b));
    }
  }
  return best;
}

/** Example pairs for the report: near the threshold on both sides, clear matches, conflicts. */
export function selectExamplePairs(result: LinkResult, perGroup = 3): ExampleGroup[] {
  const { scores, threshold, reviewThreshold } = result;
  const n = result.pairsI.length;
  const w = scores.weights;
  const tw = weightFromProbability(Math.min(Math.max(threshold, 1e-9), 1 - 1e-9));
  const band = (p: number) => decide(scores, p, threshold, reviewThreshold);
  const groups: ExampleGroup[] = [
    {
      id: "above",
      title: "Just above the threshold",
      description: "Matches with the lowest scores: the ones most worth checking.",
      pairs: smallest(
        n,
        perGroup,
        (p) => band(p) === "match",
        (p) => w[p]! - tw,
      ),
    },
    {
      id: "below",
      title: "Just below the threshold",
      description: "Pairs in the clerical-review band with the highest scores.",
      pairs: smallest(
        n,
        perGroup,
        (p) => band(p) === "review" && scores.flags[p] === 0,
        (p) => tw - w[p]!,
      ),
    },
    {
      id: "clear",
      title: "Clear matches",
      description: "The highest-scoring pairs.",
      pairs: smallest(
        n,
        perGroup,
        (p) => band(p) === "match",
        (p) => -w[p]!,
      ),
    },
    {
      id: "conflict",
      title: "Held back by a conflict",
      description:
        "Pairs above the threshold that are not merged automatically because a verified identifier or sex disagrees (for example twins).",
      pairs: smallest(
        n,
        perGroup,
        (p) => scores.flags[p] !== 0 && scores.probabilities[p]! >= threshold,
        (p) => -w[p]!,
      ),
    },
  ];
  return groups.filter((g) => g.pairs.length > 0);
}

// ---- SVG helpers ---------------------------------------------------------------------------------

let svgId = 0;

interface Bar {
  label: string;
  value: number;
  colour: string;
}

function histogramSvg(
  title: string,
  desc: string,
  bars: Bar[],
  options: {
    xLabel: string;
    yLabel: string;
    markers?: { at: number; label: string; colour: string }[];
    log?: boolean;
  },
): string {
  const id = `chart-${++svgId}`;
  const W = 760;
  const H = 300;
  const left = 60;
  const right = 16;
  const top = 28;
  const bottom = 56;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const scale = (v: number) => (options.log ? Math.log10(v + 1) : v);
  const max = Math.max(1e-9, ...bars.map((b) => scale(b.value)));
  const bw = plotW / Math.max(1, bars.length);
  const parts: string[] = [];
  // y axis ticks
  const ticks: number[] = [];
  if (options.log) {
    for (let e = 0; 10 ** e - 1 <= 10 ** max; e++) ticks.push(10 ** e);
  } else {
    const step = niceStep(max / 4);
    for (let v = 0; v <= max + 1e-9; v += step) ticks.push(v);
  }
  for (const t of ticks) {
    const y = top + plotH - (scale(t) / max) * plotH;
    if (y < top - 1) continue;
    parts.push(
      `<line x1="${left}" x2="${W - right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="grid"/>`,
      `<text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" class="tick">${esc(num(t))}</text>`,
    );
  }
  bars.forEach((b, i) => {
    const h = (scale(b.value) / max) * plotH;
    const x = left + i * bw;
    parts.push(
      `<rect x="${(x + 0.5).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${b.colour}"><title>${esc(b.label)}: ${esc(num(b.value))}</title></rect>`,
    );
  });
  // x labels: about 10 of them
  const every = Math.max(1, Math.ceil(bars.length / 12));
  bars.forEach((b, i) => {
    if (i % every !== 0) return;
    const x = left + i * bw + bw / 2;
    parts.push(
      `<text x="${x.toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle" class="tick">${esc(b.label)}</text>`,
    );
  });
  // Markers sorted left to right; the leftmost label goes left of its line, the others right,
  // so two close markers never print over each other.
  const markers = [...(options.markers ?? [])].sort((a, b) => a.at - b.at);
  markers.forEach((m, i) => {
    const x = left + m.at * bw;
    const leftSide = i === 0 && markers.length > 1;
    parts.push(
      `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${top - 8}" y2="${top + plotH}" stroke="${m.colour}" stroke-width="2" stroke-dasharray="5 3"/>`,
      `<text x="${(leftSide ? x - 4 : x + 4).toFixed(1)}" y="${top - 12}" text-anchor="${leftSide ? "end" : "start"}" class="marker" fill="${m.colour}">${esc(m.label)}</text>`,
    );
  });
  parts.push(
    `<line x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}" class="axis"/>`,
    `<text x="${left + plotW / 2}" y="${H - 10}" text-anchor="middle" class="axis-label">${esc(options.xLabel)}</text>`,
    `<text transform="translate(14 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" class="axis-label">${esc(options.yLabel)}</text>`,
  );
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}-t ${id}-d"><title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(desc)}</desc>${parts.join("")}</svg>`;
}

function niceStep(raw: number): number {
  if (raw <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

const GREEN = "#00703c";
const RED = "#d4351c";
const ORANGE = "#b25400";
const GREY = "#505a5f";
const BLUE = "#1d70b8";

function waterfallSvg(e: PairExplanation): string {
  const id = `chart-${++svgId}`;
  const steps: { label: string; delta: number; kind: "prior" | "step" | "total" }[] = [
    { label: "Prior (λ)", delta: e.priorWeight, kind: "prior" },
    ...e.fields.map((f) => ({
      label: f.tfAdjustment !== 0 ? `${f.label} (incl. frequency)` : f.label,
      delta: f.weight + f.tfAdjustment,
      kind: "step" as const,
    })),
    ...e.adjustments.map((a) => ({ label: "Household correction", delta: a.weight, kind: "step" as const })),
    { label: "Match weight", delta: e.matchWeight, kind: "total" },
  ];
  let cum = 0;
  const spans = steps.map((s) => {
    if (s.kind === "total") return { ...s, from: 0, to: s.delta };
    const from = cum;
    cum += s.delta;
    return { ...s, from, to: cum };
  });
  const lo = Math.min(0, ...spans.map((s) => Math.min(s.from, s.to)));
  const hi = Math.max(0, ...spans.map((s) => Math.max(s.from, s.to)));
  const W = 760;
  const rowH = 26;
  const labelW = 250;
  const valueW = 70;
  const top = 24;
  const plotW = W - labelW - valueW - 10;
  const H = top + spans.length * rowH + 30;
  const x = (v: number) => labelW + ((v - lo) / Math.max(1e-9, hi - lo)) * plotW;
  const parts: string[] = [];
  const step = niceStep((hi - lo) / 6);
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) {
    parts.push(
      `<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${top - 4}" y2="${top + spans.length * rowH}" class="grid"/>`,
      `<text x="${x(v).toFixed(1)}" y="${top + spans.length * rowH + 16}" text-anchor="middle" class="tick">${esc(fixed(v, 0))}</text>`,
    );
  }
  parts.push(
    `<line x1="${x(0).toFixed(1)}" x2="${x(0).toFixed(1)}" y1="${top - 8}" y2="${top + spans.length * rowH}" class="axis"/>`,
  );
  spans.forEach((s, i) => {
    const y = top + i * rowH;
    const a = x(Math.min(s.from, s.to));
    const b = x(Math.max(s.from, s.to));
    const colour = s.kind === "prior" ? GREY : s.kind === "total" ? BLUE : s.delta >= 0 ? GREEN : RED;
    parts.push(
      `<text x="${labelW - 8}" y="${y + 17}" text-anchor="end" class="label">${esc(s.label)}</text>`,
      `<rect x="${a.toFixed(1)}" y="${y + 5}" width="${Math.max(1.5, b - a).toFixed(1)}" height="${rowH - 10}" fill="${colour}"><title>${esc(s.label)}: ${esc(signed(s.delta))} bits</title></rect>`,
      `<text x="${W - 4}" y="${y + 17}" text-anchor="end" class="value">${esc(signed(s.delta))}</text>`,
    );
    if (i < spans.length - 1 && s.kind !== "total") {
      const xe = x(s.to);
      parts.push(
        `<line x1="${xe.toFixed(1)}" x2="${xe.toFixed(1)}" y1="${y + rowH - 5}" y2="${y + rowH + 5}" class="connector"/>`,
      );
    }
  });
  const title = `Waterfall of match weights for ${e.leftId} and ${e.rightId}`;
  const desc = `Starting from the prior of ${signed(e.priorWeight)} bits, each field adds or subtracts weight; the total is ${signed(e.matchWeight)} bits, a match probability of ${prob(e.matchProbability)}.`;
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}-t ${id}-d"><title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(desc)}</desc>${parts.join("")}</svg>`;
}

function weightBar(w: number, maxAbs: number): string {
  const W = 140;
  const mid = W / 2;
  const len = Number.isFinite(w) ? (Math.min(Math.abs(w), maxAbs) / maxAbs) * (mid - 2) : mid - 2;
  const x = w >= 0 ? mid : mid - len;
  return `<svg viewBox="0 0 ${W} 14" width="${W}" height="14" aria-hidden="true" focusable="false"><line x1="${mid}" x2="${mid}" y1="0" y2="14" class="axis"/><rect x="${x.toFixed(1)}" y="2" width="${Math.max(1, len).toFixed(1)}" height="10" fill="${w >= 0 ? GREEN : RED}"/></svg>`;
}

// ---- the page -----------------------------------------------------------------------------------

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; background: #fff; margin: 0; line-height: 1.45; }
header { background: #0b0c0c; color: #fff; padding: 16px 24px; }
header p { margin: 4px 0 0; color: #f3f2f1; }
main { max-width: 1100px; margin: 0 auto; padding: 8px 24px 48px; }
h1 { font-size: 1.9rem; margin: 0; }
h2 { font-size: 1.45rem; margin: 40px 0 8px; border-top: 2px solid #b1b4b6; padding-top: 16px; }
h3 { font-size: 1.15rem; margin: 28px 0 6px; }
.notice { border-left: 6px solid #d4351c; background: #fef7f7; padding: 10px 14px; margin: 16px 0; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 6px 24px; margin: 12px 0; }
dl.summary dt { font-weight: bold; }
dl.summary dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 0.95rem; }
caption { text-align: left; font-weight: bold; padding: 6px 0; }
table.model { table-layout: fixed; }
col.w10 { width: 10%; } col.w14 { width: 14%; } col.w18 { width: 18%; } col.w34 { width: 34%; }
.legend i.match { background: #00703c; } .legend i.review { background: #b25400; } .legend i.none { background: #505a5f; }
th, td { text-align: left; border-bottom: 1px solid #b1b4b6; padding: 6px 10px 6px 0; vertical-align: top; }
th[scope=col] { border-bottom: 2px solid #0b0c0c; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.pos { color: #00703c; }
.neg { color: #d4351c; }
.muted { color: #505a5f; }
.tag { display: inline-block; padding: 1px 8px; font-weight: bold; font-size: 0.85rem; }
.tag.match { background: #cce2d8; color: #005a30; }
.tag.review { background: #fcd6c3; color: #6e3619; }
.tag.none { background: #eeefef; color: #383f43; }
figure { margin: 8px 0 20px; }
figcaption { color: #505a5f; font-size: 0.9rem; }
svg text { font-family: Arial, Helvetica, sans-serif; }
svg .tick { font-size: 11px; fill: #505a5f; }
svg .label { font-size: 12px; fill: #0b0c0c; }
svg .value { font-size: 12px; fill: #0b0c0c; font-variant-numeric: tabular-nums; }
svg .axis-label { font-size: 12px; fill: #0b0c0c; }
svg .marker { font-size: 12px; font-weight: bold; }
svg .grid { stroke: #e5e6e7; stroke-width: 1; }
svg .axis { stroke: #0b0c0c; stroke-width: 1; }
svg .connector { stroke: #505a5f; stroke-width: 1; }
.pair { border: 1px solid #b1b4b6; padding: 12px 16px; margin: 12px 0 20px; }
.legend span { display: inline-block; margin-right: 16px; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px; }
`;

/** Render the report for a finished run. */
export function renderReport(result: LinkResult, meta: ReportMeta): string {
  svgId = 0;
  const { model, records, counts, scores, threshold, reviewThreshold } = result;
  const n = result.pairsI.length;
  let matches = 0;
  let review = 0;
  let held = 0;
  for (let p = 0; p < n; p++) {
    const b = decide(scores, p, threshold, reviewThreshold);
    if (b === "match") matches++;
    else if (b === "review") {
      review++;
      if (scores.flags[p] !== 0 && scores.probabilities[p]! >= threshold) held++;
    }
  }
  const sizes = clusterSizeDistribution(result.clusterIds);
  const clusters = sizes.reduce((s, [, c]) => s + c, 0);
  const multi = sizes.filter(([k]) => k > 1).reduce((s, [, c]) => s + c, 0);
  const prior = priorWeight(model.lambda);
  const tw = weightFromProbability(Math.min(Math.max(threshold, 1e-9), 1 - 1e-9));
  const rw = weightFromProbability(Math.min(Math.max(reviewThreshold, 1e-9), 1 - 1e-9));
  const out: string[] = [];
  const link = records.mode === "link";

  out.push(
    `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${esc(meta.title)} — Lantern record linkage report</title><style>${CSS}</style></head><body>`,
    `<header><h1>${esc(meta.title)}</h1><p>Lantern record linkage report${meta.generatedAt ? ` · ${esc(meta.generatedAt)}` : ""}</p></header><main>`,
    `<p class="notice"><strong>Contains personal data.</strong> The examples below show people's details. Keep this report with the case data it came from and share it only with those entitled to see that data.</p>`,
  );

  // Summary
  out.push(`<h2 id="summary">Summary</h2><dl class="summary">`);
  const dd = (k: string, v: string) => out.push(`<dt>${esc(k)}</dt><dd>${v}</dd>`);
  dd(
    "Task",
    link ? "Link two files (pairs of one left and one right record)" : "Find duplicates within one file",
  );
  dd("Input", esc(meta.inputs.join(" and ")));
  dd(
    "Records",
    link
      ? `${num(records.size)} (${num(records.nLeft)} left, ${num(records.size - records.nLeft)} right)`
      : num(records.size),
  );
  dd("Fields compared", esc(model.comparisons.map((c) => c.label).join("; ")));
  dd(
    "Candidate pairs",
    `${num(counts.total)} of ${num(counts.possible)} possible (${counts.possible > 0 ? fixed((100 * counts.total) / counts.possible, 4) : "0"}%)`,
  );
  dd(
    "Prior probability of a match (λ)",
    `${sci(model.lambda)} — about 1 in ${num(Math.round(1 / model.lambda))} random pairs; prior weight ${signed(prior)} bits`,
  );
  dd("Threshold", `${threshold} (match weight ${signed(tw)} bits)`);
  dd(
    "Clerical-review band",
    `${reviewThreshold} to below ${threshold} (match weight ${signed(rw)} to ${signed(tw)} bits)`,
  );
  dd("Pairs at or above the threshold", num(matches));
  dd(
    "Pairs for clerical review",
    `${num(review)}${held ? ` (of which ${num(held)} scored above the threshold but show a conflict: ${esc(model.conflicts.map((c) => c.reason).join(", "))})` : ""}`,
  );
  dd("Clusters", `${num(clusters)} (${num(multi)} with more than one record)`);
  out.push(`</dl>`);

  // Blocking
  out.push(
    `<h2 id="blocking">Blocking rules</h2><p>Only pairs that agree on at least one rule are compared. Each pair is counted under the first rule that finds it.</p>`,
    `<table><caption>Candidate pairs by blocking rule (counted before any comparison)</caption><thead><tr><th scope="col">Rule</th><th scope="col" class="num">Pairs by this rule</th><th scope="col" class="num">New pairs</th><th scope="col" class="num">Largest block (records)</th></tr></thead><tbody>`,
  );
  for (const r of counts.rules) {
    out.push(
      `<tr><th scope="row"><code>${esc(r.rule)}</code></th><td class="num">${num(r.pairs)}</td><td class="num">${num(r.newPairs)}</td><td class="num">${num(r.largestBlock)}</td></tr>`,
    );
  }
  out.push(
    `</tbody><tfoot><tr><th scope="row">All rules</th><td class="num"></td><td class="num">${num(counts.total)}</td><td></td></tr></tfoot></table>`,
  );

  // Model
  out.push(
    `<h2 id="model">Model: m and u per comparison level</h2>`,
    `<p><strong>m</strong> is the chance of the level among pairs that are the same person, <strong>u</strong> among pairs that are not. The match weight, log<sub>2</sub>(m/u), is what the level adds to a pair's score; a missing value adds nothing. u comes from ${num(model.training.uPairs)} random pairs (the exact-match level from value frequencies), m from expectation–maximisation on the blocked pairs.</p>`,
  );
  const maxAbs = Math.max(
    1,
    ...model.comparisons
      .flatMap((c) => c.levels.map((l) => Math.abs(Math.log2(l.m / l.u))))
      .filter(Number.isFinite),
  );
  for (const c of model.comparisons) {
    out.push(
      `<table class="model"><colgroup><col class="w34"><col class="w10"><col class="w10"><col class="w14"><col class="w14"><col class="w18"></colgroup><caption>${esc(c.label)}${c.fields.length > 1 ? ` (read together: ${esc(c.fields.join(", "))})` : ""}${c.tf ? " — exact matches adjusted for how common the value is" : ""}${c.mEstimatedFrom.length ? `<br><span class="muted">m estimated from: ${esc(c.mEstimatedFrom.join(", "))}</span>` : `<br><span class="muted">m not estimated (every training rule blocks on this field); starting values used</span>`}</caption>`,
      `<thead><tr><th scope="col">Level</th><th scope="col" class="num">m</th><th scope="col" class="num">u</th><th scope="col" class="num">Bayes factor m/u</th><th scope="col" class="num">Match weight (bits)</th><th scope="col"><span class="muted">weight</span></th></tr></thead><tbody>`,
    );
    for (const l of c.levels) {
      const w = Math.log2(l.m / l.u);
      out.push(
        `<tr><th scope="row">${esc(l.label)}</th><td class="num">${sci(l.m)}</td><td class="num">${sci(l.u)}</td><td class="num">${l.m / l.u >= 100 ? num(Math.round(l.m / l.u)) : fixed(l.m / l.u, 3)}</td><td class="num ${w >= 0 ? "pos" : "neg"}">${signed(w)}</td><td>${weightBar(w, maxAbs)}</td></tr>`,
      );
    }
    out.push(`</tbody></table>`);
  }
  const cond = (c: { comparison: number; levels: number[] }) => {
    const comp = model.comparisons[c.comparison]!;
    if (c.levels.length === comp.levels.length) return `${comp.label} on both records`;
    return `${comp.label}: ${c.levels.map((l) => comp.levels[l]!.label).join(" or ")}`;
  };
  if (model.interactions.length) {
    out.push(
      `<table><caption>Corrections for comparisons that go together</caption><thead><tr><th scope="col">Correction</th><th scope="col">When</th><th scope="col" class="num">u of both together</th><th scope="col" class="num">Weight (bits)</th></tr></thead><tbody>`,
    );
    for (const x of model.interactions) {
      out.push(
        `<tr><th scope="row">${esc(x.reason)}</th><td>${esc(cond(x.a))}; ${esc(cond(x.b))}</td><td class="num">${sci(x.uJoint)}</td><td class="num neg">${signed(x.weight)}</td></tr>`,
      );
    }
    out.push(
      `</tbody></table><p>Members of one household share a surname and an address far more often than two people picked at random, so agreeing on both counts for less than the two weights added up.</p>`,
    );
  }
  if (model.conflicts.length) {
    out.push(
      `<p>Conflict rules: these pairs are never merged automatically; if they score above the threshold they go to clerical review.</p><ul>`,
    );
    for (const c of model.conflicts) {
      out.push(
        `<li><strong>${esc(c.reason)}</strong>: ${esc(c.all.map(cond).join("; "))}${c.none.length ? `; unless ${esc(c.none.map(cond).join(" or "))}` : ""}</li>`,
      );
    }
    out.push(`</ul>`);
  }
  out.push(
    `<table><caption>Training sessions (EM on the pairs of each rule; the rule's own fields are not estimated from it)</caption><thead><tr><th scope="col">Rule</th><th scope="col" class="num">Pairs</th><th scope="col">Fields estimated</th><th scope="col" class="num">Iterations</th><th scope="col" class="num">Share estimated to match</th></tr></thead><tbody>`,
  );
  for (const s of model.training.sessions) {
    out.push(
      `<tr><th scope="row"><code>${esc(s.rule)}</code></th><td class="num">${num(s.pairs)}</td><td>${esc(s.fieldsEstimated.join(", ") || "none (too few matches)")}</td><td class="num">${s.iterations}${s.converged ? "" : " (not converged)"}</td><td class="num">${fixed(s.matchShare * 100, 1)}%</td></tr>`,
    );
  }
  out.push(`</tbody></table>`);

  // Histogram
  let wMin = Number.POSITIVE_INFINITY;
  let wMax = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < n; p++) {
    const w = scores.weights[p]!;
    if (w < wMin) wMin = w;
    if (w > wMax) wMax = w;
  }
  if (n === 0) {
    wMin = -10;
    wMax = 10;
  }
  const lo = Math.max(-60, Math.floor(Math.min(wMin, rw - 2)));
  const hi = Math.min(80, Math.ceil(Math.max(wMax, tw + 2)));
  const nb = Math.max(1, hi - lo);
  const hist = new Array<number>(nb).fill(0);
  for (let p = 0; p < n; p++) {
    const b = Math.min(nb - 1, Math.max(0, Math.floor(scores.weights[p]! - lo)));
    hist[b]!++;
  }
  const bars: Bar[] = hist.map((count, b) => {
    const mid = lo + b + 0.5;
    return {
      label: `${lo + b}`,
      value: count,
      colour: mid >= tw ? GREEN : mid >= rw ? ORANGE : GREY,
    };
  });
  out.push(
    `<h2 id="weights">Match weights of the candidate pairs</h2>`,
    `<figure>${histogramSvg(
      "Histogram of match weights",
      `Number of candidate pairs per 1-bit band of match weight, on a logarithmic scale. ${num(matches)} pairs are at or above the threshold weight of ${signed(tw)} bits; ${num(review)} are in the review band.`,
      bars,
      {
        xLabel: "Match weight (bits)",
        yLabel: "Pairs (log scale)",
        log: true,
        markers: [
          { at: tw - lo, label: `threshold ${threshold}`, colour: GREEN },
          { at: rw - lo, label: `review ${reviewThreshold}`, colour: ORANGE },
        ],
      },
    )}<figcaption class="legend"><span><i class="match"></i>at or above the threshold</span><span><i class="review"></i>clerical review</span><span><i class="none"></i>not a match</span></figcaption></figure>`,
  );

  // Examples
  out.push(
    `<h2 id="examples">Example pairs explained</h2><p>Each waterfall starts from the prior weight and adds the weight of every comparison; green adds evidence for a match, red against. Term-frequency adjustments (common names count for less) are included in the field's bar and listed in the table.</p>`,
  );
  const tf = tfAdjustments(model, records);
  for (const g of selectExamplePairs(result)) {
    out.push(`<h3 id="ex-${g.id}">${esc(g.title)}</h3><p>${esc(g.description)}</p>`);
    for (const p of g.pairs) {
      const e = explainPair(model, records, result.pairsI[p]!, result.pairsJ[p]!, gammaRow(result, p), tf);
      const band = decide(scores, p, threshold, reviewThreshold) ?? "none";
      out.push(
        `<div class="pair"><p><strong>${esc(e.leftId)}</strong> and <strong>${esc(e.rightId)}</strong>: match probability ${prob(e.matchProbability)}, weight ${signed(e.matchWeight)} bits <span class="tag ${band}">${band === "none" ? "not a match" : band}</span>${e.conflicts.length ? ` — conflict: ${esc(e.conflicts.join(", "))}` : ""}</p>`,
        `<figure>${waterfallSvg(e)}</figure>`,
        `<table><caption>Comparisons for ${esc(e.leftId)} and ${esc(e.rightId)}</caption><thead><tr><th scope="col">Field</th><th scope="col">${link ? "Left" : "First record"}</th><th scope="col">${link ? "Right" : "Second record"}</th><th scope="col">Level</th><th scope="col" class="num">Weight</th><th scope="col" class="num">Frequency adjustment</th></tr></thead><tbody>`,
        `<tr><th scope="row">Prior</th><td></td><td></td><td></td><td class="num">${signed(e.priorWeight)}</td><td></td></tr>`,
      );
      for (const f of e.fields) {
        out.push(
          `<tr><th scope="row">${esc(f.label)}</th><td>${f.left === null ? '<span class="muted">missing</span>' : esc(f.left)}</td><td>${f.right === null ? '<span class="muted">missing</span>' : esc(f.right)}</td><td>${esc(f.levelLabel)}</td><td class="num ${f.weight >= 0 ? "pos" : "neg"}">${signed(f.weight)}</td><td class="num">${f.tfAdjustment ? signed(f.tfAdjustment) : ""}</td></tr>`,
        );
      }
      for (const a of e.adjustments) {
        out.push(
          `<tr><th scope="row">Correction</th><td colspan="3">${esc(a.reason)}</td><td class="num neg">${signed(a.weight)}</td><td></td></tr>`,
        );
      }
      out.push(
        `</tbody><tfoot><tr><th scope="row">Total</th><td></td><td></td><td></td><td class="num"><strong>${signed(e.matchWeight)}</strong></td><td></td></tr></tfoot></table></div>`,
      );
    }
  }

  // Clusters
  const sizeBars: Bar[] = sizes.map(([k, c]) => ({
    label: String(k),
    value: c,
    colour: k > 1 ? BLUE : GREY,
  }));
  out.push(
    `<h2 id="clusters">Cluster sizes</h2><p>Clusters are the connected groups of records joined by pairs at or above the threshold (pairs with a conflict are not joined). A cluster of one is a record with no match.</p>`,
    `<figure>${histogramSvg(
      "Cluster size distribution",
      `Number of clusters of each size, on a logarithmic scale: ${sizes.map(([k, c]) => `${num(c)} of size ${k}`).join(", ")}.`,
      sizeBars,
      { xLabel: "Records in the cluster", yLabel: "Clusters (log scale)", log: true },
    )}</figure>`,
    `<table><caption>Clusters by size</caption><thead><tr><th scope="col" class="num">Records in the cluster</th><th scope="col" class="num">Clusters</th><th scope="col" class="num">Records</th></tr></thead><tbody>`,
  );
  for (const [k, c] of sizes) {
    out.push(
      `<tr><td class="num">${k}</td><td class="num">${num(c)}</td><td class="num">${num(k * c)}</td></tr>`,
    );
  }
  out.push(`</tbody></table>`);
  const largest = sizes.length ? sizes[sizes.length - 1]![0] : 0;
  if (largest > 10) {
    out.push(
      `<p class="notice">The largest cluster has ${num(largest)} records. Very large clusters usually come from a chain of weak links (A–B, B–C…); check them before acting, or raise the threshold.</p>`,
    );
  }

  out.push(
    `<h2 id="method">How this was worked out</h2><p>Values were standardised (case, accents, punctuation, nicknames, postcodes, dates). Pairs found by the blocking rules were compared field by field into levels; the Fellegi–Sunter model turns each level into a weight, adds them to the prior, and converts the total into a probability. Pairs at or above the threshold are linked; clusters are the connected components of those links.</p>`,
    `</main></body></html>`,
  );
  return out.join("\n");
}
