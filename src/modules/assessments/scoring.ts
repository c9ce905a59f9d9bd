// Scoring an exploitation risk assessment: weighted "yes" answers, protective factors (capped),
// level by threshold, then the floors set by serious ("critical") indicators, and an explanation of
// which answers drove the result. Pure functions over the tool's data, unit-tested.
import type { Level } from "./assessments.tables.ts";
import { type Answer, allIndicators, LEVEL_LABELS, LEVELS, type Tool } from "./tool.ts";

export type Answers = Record<string, Answer>;
export type Driver = {
  code: string;
  text: string;
  section: string;
  sectionTitle: string;
  fieldGroup: string;
  weight: number;
  critical: boolean;
};
export type Explanation = {
  toolCode: string;
  toolVersion: number;
  riskPoints: number;
  protectivePoints: number;
  /** Protective points actually taken off (after the cap). */
  protectiveApplied: number;
  score: number;
  /** The level the score alone gives. */
  scoreLevel: Level;
  /** After the floors for serious indicators. */
  level: Level;
  floor: { level: Level; because: string[] } | null;
  drivers: Driver[];
  protective: Driver[];
  notKnown: Driver[];
  unanswered: string[];
  sections: {
    code: string;
    title: string;
    fieldGroup: string;
    points: number;
    max: number;
    yes: number;
    notKnown: number;
  }[];
  summary: string;
};

const rank = (l: Level) => LEVELS.indexOf(l);
export const maxLevel = (a: Level, b: Level): Level => (rank(a) >= rank(b) ? a : b);

export function levelForScore(t: Tool, score: number): Level {
  let out: Level = "low";
  for (const l of LEVELS) if (score >= t.thresholds[l]) out = l;
  return out;
}

export function scoreAssessment(t: Tool, answers: Answers): Explanation {
  const all = allIndicators(t);
  const protectiveCodes = new Set(t.protective.indicators.map((i) => i.code));
  const driver = (i: (typeof all)[number]): Driver => ({
    code: i.code,
    text: i.text,
    section: i.section.code,
    sectionTitle: i.section.title,
    fieldGroup: i.section.fieldGroup,
    weight: i.weight,
    critical: Boolean(i.critical),
  });
  const drivers: Driver[] = [];
  const protective: Driver[] = [];
  const notKnown: Driver[] = [];
  const unanswered: string[] = [];
  for (const i of all) {
    const a = answers[i.code];
    if (!a) unanswered.push(i.code);
    else if (a === "not_known") notKnown.push(driver(i));
    else if (a === "yes") (protectiveCodes.has(i.code) ? protective : drivers).push(driver(i));
  }
  drivers.sort((a, b) => b.weight - a.weight || Number(b.critical) - Number(a.critical));
  protective.sort((a, b) => b.weight - a.weight);
  const riskPoints = drivers.reduce((s, d) => s + d.weight, 0);
  const protectivePoints = protective.reduce((s, d) => s + d.weight, 0);
  const protectiveApplied = Math.min(protectivePoints, t.protectiveCap, riskPoints);
  const score = riskPoints - protectiveApplied;
  const scoreLevel = levelForScore(t, score);
  const critical = drivers.filter((d) => d.critical);
  const floorLevel: Level | null = critical.length >= 2 ? "very_high" : critical.length === 1 ? "high" : null;
  const level = floorLevel ? maxLevel(scoreLevel, floorLevel) : scoreLevel;
  const floor =
    floorLevel && rank(floorLevel) > rank(scoreLevel)
      ? { level: floorLevel, because: critical.map((d) => d.text) }
      : null;
  const sections = t.sections.map((s) => ({
    code: s.code,
    title: s.title,
    fieldGroup: s.fieldGroup,
    points: s.indicators.filter((i) => answers[i.code] === "yes").reduce((x, i) => x + i.weight, 0),
    max: s.indicators.reduce((x, i) => x + i.weight, 0),
    yes: s.indicators.filter((i) => answers[i.code] === "yes").length,
    notKnown: s.indicators.filter((i) => answers[i.code] === "not_known").length,
  }));
  const e: Omit<Explanation, "summary"> = {
    toolCode: t.code,
    toolVersion: t.version,
    riskPoints,
    protectivePoints,
    protectiveApplied,
    score,
    scoreLevel,
    level,
    floor,
    drivers,
    protective,
    notKnown,
    unanswered,
    sections,
  };
  return { ...e, summary: summarise(t, e) };
}

function summarise(t: Tool, e: Omit<Explanation, "summary">): string {
  const parts: string[] = [];
  parts.push(
    `Score ${e.score}: ${e.riskPoints} point${e.riskPoints === 1 ? "" : "s"} from ${e.drivers.length} indicator${e.drivers.length === 1 ? "" : "s"}` +
      (e.protectiveApplied ? `, less ${e.protectiveApplied} for protective factors` : "") +
      ".",
  );
  const band = `${LEVEL_LABELS[e.scoreLevel]} is ${t.thresholds[e.scoreLevel]}${nextThreshold(t, e.scoreLevel)}`;
  parts.push(`The score alone gives ${LEVEL_LABELS[e.scoreLevel].toLowerCase()} (${band}).`);
  if (e.floor)
    parts.push(
      `${e.floor.because.length >= 2 ? "Two or more serious indicators raise" : "A serious indicator raises"} the level to at least ${LEVEL_LABELS[e.floor.level].toLowerCase()}: ${e.floor.because.join("; ")}.`,
    );
  const top = e.drivers.slice(0, 3).map((d) => `${d.text.toLowerCase()} (+${d.weight})`);
  if (top.length) parts.push(`Most weight: ${top.join("; ")}.`);
  if (e.notKnown.length)
    parts.push(
      `${e.notKnown.length} answer${e.notKnown.length === 1 ? " is" : "s are"} not known: the score counts only what is known, so find out more before relying on a lower level.`,
    );
  return parts.join(" ");
}

function nextThreshold(t: Tool, l: Level): string {
  const i = LEVELS.indexOf(l);
  return i < LEVELS.length - 1 ? ` to ${t.thresholds[LEVELS[i + 1]] - 1} points` : " points or more";
}

/** CIN census factors the answers (and the referral's concerns) suggest, with the reason for each. */
export function suggestCinFactors(
  answers: Answers,
  concerns: readonly string[] = [],
): { code: string; because: string }[] {
  const yes = (...codes: string[]) => codes.some((c) => answers[c] === "yes");
  const out: { code: string; because: string }[] = [];
  const add = (code: string, because: string) => {
    if (!out.some((o) => o.code === code)) out.push({ code, because });
  };
  if (yes("missing_recent", "missing_repeat", "missing_far")) add("10A", "the child has been missing");
  if (
    yes("sti_pregnancy", "repeat_tests", "sexual_abuse_disclosed", "images", "threatened_online") ||
    concerns.includes("cse")
  )
    add("11A", "indicators of sexual exploitation");
  if (yes("found_out_of_area", "unexplained_travel") || concerns.includes("trafficking"))
    add("12A", "the child is being moved for exploitation");
  if (
    yes("made_to_hold", "debt", "drug_supply_arrest", "cuckooing") ||
    concerns.includes("cce") ||
    concerns.includes("county_lines")
  )
    add("24A", "indicators of criminal exploitation");
  if (yes("peers_exploited", "weapon", "used_to_draw_in"))
    add("13A", "links to a group involved in exploitation or violence");
  if (yes("given_substances", "substance_increase")) add("2A", "drug or alcohol use");
  if (yes("self_harm")) add("15A", "self-harm");
  return out;
}

/** The default review date for a level: today plus the tool's weeks (YYYY-MM-DD). */
export function defaultReviewDate(t: Tool, level: Level, today: string): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + t.reviewWeeks[level] * 7);
  return d.toISOString().slice(0, 10);
}
