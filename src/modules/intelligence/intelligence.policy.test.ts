// The handling rules as a table: every viewer × handling code × grading × sanitised × permission.
import { describe, expect, it } from "vitest";
import { linkVisibleTo, parseGrading, type ReportFacts, reportViewFor } from "./intelligence.policy.ts";

const police = { agencyId: "police", agencyKind: "police" };
const otherPolice = { agencyId: "police-2", agencyKind: "police" };
const school = { agencyId: "school", agencyKind: "school" };
const report = (r: Partial<ReportFacts>): ReportFacts => ({
  originatingAgencyId: "police",
  handlingCode: "P",
  assessment: "B",
  hasSanitised: true,
  permittedAgencyIds: [],
  ...r,
});

describe("reportViewFor", () => {
  it("the originating agency always sees the original", () => {
    for (const handlingCode of ["P", "C"] as const)
      for (const assessment of ["A", "E"] as const)
        expect(reportViewFor(police, report({ handlingCode, assessment, hasSanitised: false })).view).toBe(
          "original",
        );
  });
  it("P-coded: police see the original; partners the sanitised text, if any and not graded E", () => {
    expect(reportViewFor(otherPolice, report({})).view).toBe("original");
    expect(reportViewFor(school, report({})).view).toBe("sanitised");
    expect(reportViewFor(school, report({ hasSanitised: false })).view).toBe("none");
    expect(reportViewFor(school, report({ assessment: "E" })).view).toBe("none");
    expect(reportViewFor(otherPolice, report({ assessment: "E" })).view).toBe("original");
  });
  it("C-coded: nobody outside the originating agency without permission; with it, as for P", () => {
    expect(reportViewFor(otherPolice, report({ handlingCode: "C" })).view).toBe("none");
    expect(reportViewFor(school, report({ handlingCode: "C" })).view).toBe("none");
    expect(reportViewFor(school, report({ handlingCode: "C", permittedAgencyIds: ["school"] })).view).toBe(
      "sanitised",
    );
    expect(
      reportViewFor(otherPolice, report({ handlingCode: "C", permittedAgencyIds: ["police-2"] })).view,
    ).toBe("original");
    expect(reportViewFor(school, report({ handlingCode: "C", permittedAgencyIds: ["police-2"] })).view).toBe(
      "none",
    );
  });
});

describe("linkVisibleTo", () => {
  const link = (grading: string | null, reportView: "original" | "sanitised" | "none" | null = null) => ({
    sourceAgencyId: "police",
    grading,
    reportView,
  });
  it("follows the report when made from one; otherwise its own grading", () => {
    expect(linkVisibleTo(school, link("1AC", "sanitised"))).toBe(true);
    expect(linkVisibleTo(police, link("1AP", "none"))).toBe(false);
    expect(linkVisibleTo(school, link("2BP"))).toBe(true);
    expect(linkVisibleTo(school, link("2BC"))).toBe(false);
    expect(linkVisibleTo(police, link("2BC"))).toBe(true);
    expect(linkVisibleTo(otherPolice, link("2BC"))).toBe(false);
    expect(linkVisibleTo(school, link("3EP"))).toBe(false);
    expect(linkVisibleTo(otherPolice, link("3EP"))).toBe(true);
    expect(linkVisibleTo(school, link(null))).toBe(true);
  });
  it("parses 3x5x2 gradings", () => {
    expect(parseGrading("2BP")).toEqual({ source: "2", assessment: "B", handling: "P" });
    expect(parseGrading("4BP")).toBeNull();
    expect(parseGrading(null)).toBeNull();
  });
});
