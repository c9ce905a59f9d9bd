// Scoring: weights, the protective cap, thresholds, floors for serious indicators, the explanation,
// CIN factor suggestions, and the trajectory chart's accessible text.
import { describe, expect, it } from "vitest";
import { describeTrajectory, trajectorySvg } from "./chart.ts";
import { defaultReviewDate, levelForScore, scoreAssessment, suggestCinFactors } from "./scoring.ts";
import { allIndicators, CURRENT_TOOL, TOOLS, toolFor } from "./tool.ts";

const t = CURRENT_TOOL;
const answers = (yes: string[], notKnown: string[] = []) =>
  Object.fromEntries(
    allIndicators(t).map((i) => [
      i.code,
      yes.includes(i.code) ? "yes" : notKnown.includes(i.code) ? "not_known" : "no",
    ]),
  ) as Record<string, "yes" | "no" | "not_known">;

describe("the tool definition", () => {
  it("has unique indicator codes, the eleven groups the partnership asked for, and protective factors", () => {
    const codes = allIndicators(t).map((i) => i.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(t.sections.map((s) => s.code)).toEqual([
      "missing",
      "substances",
      "money",
      "phones",
      "associates",
      "sexual_health",
      "education",
      "peers",
      "online",
      "injuries",
      "county_lines",
    ]);
    expect(t.protective.indicators.length).toBeGreaterThan(3);
    expect(toolFor(t.code, t.version)).toBe(t);
    expect(() => toolFor(t.code, 999)).toThrow();
    expect(TOOLS.every((x) => x.thresholds.low === 0)).toBe(true);
  });
});

describe("scoring", () => {
  it("nothing answered yes is low, with score 0", () => {
    const e = scoreAssessment(t, answers([]));
    expect(e).toMatchObject({ score: 0, level: "low", floor: null, drivers: [] });
  });

  it("adds weights, maps the score to a level at the thresholds", () => {
    expect(levelForScore(t, 5)).toBe("low");
    expect(levelForScore(t, 6)).toBe("medium");
    expect(levelForScore(t, 13)).toBe("medium");
    expect(levelForScore(t, 14)).toBe("high");
    expect(levelForScore(t, 23)).toBe("very_high");
    const e = scoreAssessment(t, answers(["missing_recent", "multiple_phones", "unexplained_money"]));
    expect(e).toMatchObject({ riskPoints: 6, score: 6, level: "medium", scoreLevel: "medium" });
  });

  it("one serious indicator makes the level at least high, two or more very high, whatever the score", () => {
    const one = scoreAssessment(t, answers(["debt"]));
    expect(one).toMatchObject({ score: 3, scoreLevel: "low", level: "high" });
    expect(one.floor?.because).toEqual(["Is being controlled through a debt, or told they owe money"]);
    expect(one.summary).toContain("A serious indicator raises the level to at least high");
    const two = scoreAssessment(t, answers(["debt", "images"]));
    expect(two.level).toBe("very_high");
  });

  it("protective factors lower the score by at most the cap, never below zero, and never undo a floor", () => {
    const all = t.protective.indicators.map((i) => i.code);
    const e = scoreAssessment(
      t,
      answers(["missing_recent", "missing_repeat", "missing_far", "given_substances", ...all]),
    );
    expect(e.protectivePoints).toBe(9);
    expect(e.protectiveApplied).toBe(t.protectiveCap);
    expect(e.score).toBe(11 - 6);
    const small = scoreAssessment(t, answers(["older_group", ...all]));
    expect(small.score).toBe(0);
    const floored = scoreAssessment(t, answers(["made_to_hold", ...all]));
    expect(floored).toMatchObject({ score: 0, level: "high" });
  });

  it("explains the drivers heaviest first and counts what is not known", () => {
    const e = scoreAssessment(
      t,
      answers(["older_group", "sexual_abuse_disclosed", "multiple_phones"], ["images", "debt"]),
    );
    expect(e.drivers.map((d) => d.weight)).toEqual([4, 2, 1]);
    expect(e.drivers[0]).toMatchObject({
      code: "sexual_abuse_disclosed",
      fieldGroup: "health",
      critical: true,
    });
    expect(e.notKnown.map((d) => d.code).sort()).toEqual(["debt", "images"]);
    expect(e.summary).toContain("2 answers are not known");
    expect(e.sections.find((s) => s.code === "sexual_health")).toMatchObject({ points: 4, yes: 1 });
  });

  it("lists unanswered questions", () => {
    const e = scoreAssessment(t, { debt: "yes" });
    expect(e.unanswered.length).toBe(allIndicators(t).length - 1);
  });

  it("suggests CIN census factors from the answers and the referral's concerns", () => {
    const s = suggestCinFactors(answers(["missing_repeat", "made_to_hold", "self_harm"]), ["cse"]);
    expect(s.map((x) => x.code)).toEqual(["10A", "11A", "24A", "15A"]);
    expect(suggestCinFactors(answers([]))).toEqual([]);
  });

  it("proposes a review date by level", () => {
    expect(defaultReviewDate(t, "very_high", "2026-12-24")).toBe("2027-01-07");
    expect(defaultReviewDate(t, "low", "2026-11-25")).toBe("2027-02-17");
  });
});

describe("the trajectory chart", () => {
  const points = [
    {
      at: new Date("2026-03-02T10:00:00Z"),
      score: 8,
      computedLevel: "medium" as const,
      finalLevel: "medium" as const,
      reference: "RA-2026-000001",
    },
    {
      at: new Date("2026-06-12T10:00:00Z"),
      score: 19,
      computedLevel: "high" as const,
      finalLevel: "very_high" as const,
      reference: "RA-2026-000002",
    },
  ];
  it("describes the trajectory in words", () => {
    expect(describeTrajectory([])).toBe("No completed risk assessments yet.");
    expect(describeTrajectory(points)).toBe(
      "2 assessments from 2 March 2026 to 12 June 2026. First: score 8, medium. Latest: score 19, very high by professional judgement (score alone: high). Score up 11 since the first.",
    );
  });
  it("is an SVG image with a title, a description, labelled level bands, a point per assessment and a ring for judgement", () => {
    const svg = trajectorySvg(t, points, "c1");
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="c1-title c1-desc"/);
    expect(svg).toContain('<title id="c1-title">Risk score over time</title>');
    for (const label of [">Low<", ">Medium<", ">High<", ">Very high<"]) expect(svg).toContain(label);
    expect(svg.match(/<circle [^>]*r="6"/g)).toHaveLength(2);
    expect(svg.match(/<circle [^>]*r="11"/g)).toHaveLength(1);
    expect(svg).not.toMatch(/style=|<script/);
    expect(trajectorySvg(t, [])).toContain("No completed assessments yet");
  });
  it("escapes text", () => {
    expect(trajectorySvg(t, [{ ...points[0], reference: "<b>" }])).not.toContain("<b>");
  });
});
