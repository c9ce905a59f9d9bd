import { describe, expect, it } from "vitest";
import { check, compileDictionary, defaultDictionary } from "../../engines/language/index.ts";
import { generateCounty } from "./demo.generator.ts";
import { BLAMING, CLEAN, fill, planLanguageDemo } from "./demo.language.ts";

describe("demo language history", () => {
  const dict = compileDictionary(defaultDictionary);

  it("its clean sentences are not flagged and each blaming sentence is, for girls and boys", () => {
    for (const girl of [true, false]) {
      for (const t of CLEAN)
        expect(check(fill(t, girl, "Ava"), dict).flags, fill(t, girl, "Ava")).toEqual([]);
      for (const t of BLAMING)
        expect(check(fill(t, girl, "Leo"), dict).flags.length, fill(t, girl, "Leo")).toBeGreaterThan(0);
    }
  });

  it("is deterministic, stays in the 12 months before the reference date, and the rate falls after the briefings", () => {
    const county = generateCounty({ children: 40, seed: 3, referenceDate: "2026-11-25" });
    const a = planLanguageDemo(county, "2025.1+1");
    const b = planLanguageDemo(county, "2025.1+1");
    expect(b).toEqual(a);
    expect(a.language_briefings).toHaveLength(2);
    const times = a.language_checks.map((r) => String(r.checked_at));
    expect(times.every((t) => t >= "2025-12-01" && t < "2026-11-25")).toBe(true);
    const rate = (from: string, to: string) => {
      const rows = a.language_checks.filter((r) => String(r.checked_at) >= from && String(r.checked_at) < to);
      const words = rows.reduce((n, r) => n + Number(r.word_count), 0);
      const flags = rows.reduce((n, r) => n + Number(r.flag_count), 0);
      return flags / words;
    };
    expect(rate("2026-04-01", "2026-11-25")).toBeLessThan(rate("2025-12-01", "2026-03-01"));
    const flags = a.language_flags.filter((f) => f.kept);
    expect(flags.length).toBeGreaterThan(0);
    expect(flags.every((f) => typeof f.reason === "string" && f.reason.length > 0)).toBe(true);
    expect(a.language_checks.reduce((n, r) => n + Number(r.flag_count), 0)).toBe(a.language_flags.length);
  });
});
