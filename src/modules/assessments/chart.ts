// The child's risk trajectory as an accessible SVG drawn on the server: score over time on bands for
// each level (labelled in words, not colour alone), each assessment a point with its score, a ring
// where professional judgement set a different level; a title and a text description for screen
// readers (pages also show the same figures as a table). No scripts, no inline styles (strict CSP).
import { formatLondon } from "../../platform/clock.ts";
import type { Level } from "./assessments.tables.ts";
import { LEVEL_LABELS, LEVELS, type Tool } from "./tool.ts";

export type TrajectoryPoint = {
  at: Date;
  score: number;
  computedLevel: Level;
  finalLevel: Level;
  reference: string;
};

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const BAND_FILL: Record<Level, string> = {
  low: "#cce2d8",
  medium: "#fff7bf",
  high: "#fcd6c3",
  very_high: "#f4cdc6",
};

export function describeTrajectory(points: readonly TrajectoryPoint[]): string {
  if (!points.length) return "No completed risk assessments yet.";
  const first = points[0];
  const last = points[points.length - 1];
  const day = (d: Date) => formatLondon(d, "d MMMM yyyy");
  const lvl = (p: TrajectoryPoint) =>
    p.finalLevel === p.computedLevel
      ? LEVEL_LABELS[p.finalLevel].toLowerCase()
      : `${LEVEL_LABELS[p.finalLevel].toLowerCase()} by professional judgement (score alone: ${LEVEL_LABELS[p.computedLevel].toLowerCase()})`;
  if (points.length === 1) return `One assessment, on ${day(first.at)}: score ${first.score}, ${lvl(first)}.`;
  const change = last.score - first.score;
  const trend = change > 0 ? `up ${change}` : change < 0 ? `down ${-change}` : "unchanged";
  return `${points.length} assessments from ${day(first.at)} to ${day(last.at)}. First: score ${first.score}, ${lvl(first)}. Latest: score ${last.score}, ${lvl(last)}. Score ${trend} since the first.`;
}

export function trajectorySvg(t: Tool, points: readonly TrajectoryPoint[], idPrefix = "trajectory"): string {
  const W = 680;
  const H = 300;
  const m = { top: 20, right: 110, bottom: 50, left: 50 };
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  const maxScore = Math.max(t.thresholds.very_high + 8, ...points.map((p) => p.score + 3));
  const y = (v: number) => m.top + ih - (v / maxScore) * ih;
  const times = points.map((p) => p.at.getTime());
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const x = (ms: number) =>
    points.length <= 1 || t1 === t0 ? m.left + iw / 2 : m.left + ((ms - t0) / (t1 - t0)) * iw;
  const titleId = `${idPrefix}-title`;
  const descId = `${idPrefix}-desc`;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="lantern-chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${titleId} ${descId}" focusable="false" font-family="GDS Transport, arial, sans-serif">`,
    `<title id="${titleId}">Risk score over time</title>`,
    `<desc id="${descId}">${esc(describeTrajectory(points))}</desc>`,
  );
  // Level bands, each labelled in words.
  LEVELS.forEach((l, i) => {
    const lo = t.thresholds[l];
    const hi = i < LEVELS.length - 1 ? t.thresholds[LEVELS[i + 1]] : maxScore;
    out.push(
      `<rect x="${m.left}" y="${y(hi).toFixed(1)}" width="${iw}" height="${(y(lo) - y(hi)).toFixed(1)}" fill="${BAND_FILL[l]}"/>`,
      `<text x="${m.left + iw + 8}" y="${((y(lo) + y(hi)) / 2 + 5).toFixed(1)}" font-size="14" fill="#0b0c0c">${LEVEL_LABELS[l]}</text>`,
    );
    if (lo > 0)
      out.push(
        `<line x1="${m.left}" x2="${m.left + iw}" y1="${y(lo).toFixed(1)}" y2="${y(lo).toFixed(1)}" stroke="#505a5f" stroke-dasharray="4 3"/>`,
        `<text x="${m.left - 6}" y="${(y(lo) + 5).toFixed(1)}" font-size="12" text-anchor="end" fill="#0b0c0c">${lo}</text>`,
      );
  });
  // Axes.
  out.push(
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ih}" stroke="#0b0c0c"/>`,
    `<line x1="${m.left}" x2="${m.left + iw}" y1="${m.top + ih}" y2="${m.top + ih}" stroke="#0b0c0c"/>`,
    `<text x="${m.left - 6}" y="${m.top + ih + 5}" font-size="12" text-anchor="end" fill="#0b0c0c">0</text>`,
    `<text x="14" y="${m.top + ih / 2}" font-size="13" fill="#0b0c0c" transform="rotate(-90 14 ${m.top + ih / 2})" text-anchor="middle">Score</text>`,
  );
  if (!points.length) {
    out.push(
      `<text x="${m.left + iw / 2}" y="${m.top + ih / 2}" font-size="16" text-anchor="middle" fill="#0b0c0c">No completed assessments yet</text>`,
      "</svg>",
    );
    return out.join("");
  }
  // Date labels: every point when few, otherwise about six spread evenly.
  const step = Math.max(1, Math.ceil(points.length / 6));
  points.forEach((p, i) => {
    if (i % step !== 0 && i !== points.length - 1) return;
    out.push(
      `<text x="${x(p.at.getTime()).toFixed(1)}" y="${m.top + ih + 20}" font-size="12" text-anchor="middle" fill="#0b0c0c">${esc(formatLondon(p.at, "d MMM yy"))}</text>`,
    );
  });
  if (points.length > 1)
    out.push(
      `<polyline fill="none" stroke="#1d70b8" stroke-width="3" points="${points.map((p) => `${x(p.at.getTime()).toFixed(1)},${y(p.score).toFixed(1)}`).join(" ")}"/>`,
    );
  for (const p of points) {
    const cx = x(p.at.getTime()).toFixed(1);
    const cy = y(p.score).toFixed(1);
    out.push(`<circle cx="${cx}" cy="${cy}" r="6" fill="#1d70b8" stroke="#ffffff" stroke-width="2"/>`);
    if (p.finalLevel !== p.computedLevel)
      out.push(`<circle cx="${cx}" cy="${cy}" r="11" fill="none" stroke="#0b0c0c" stroke-width="2"/>`);
    out.push(
      `<text x="${cx}" y="${(Number(cy) - 14).toFixed(1)}" font-size="13" font-weight="bold" text-anchor="middle" fill="#0b0c0c">${p.score}</text>`,
    );
  }
  out.push(
    `<text x="${m.left}" y="${H - 8}" font-size="12" fill="#0b0c0c">A ring marks a level set by professional judgement. Dashed lines are the level thresholds.</text>`,
    "</svg>",
  );
  return out.join("");
}
