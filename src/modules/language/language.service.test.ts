import { describe, expect, it } from "vitest";
import type { Flag } from "../../engines/language/index.ts";
import { applyKept, countWords, parseLanguageOverrides } from "./language.service.ts";

const flag = (phrase: string, entryId: string): Flag => ({
  phrase,
  start: 0,
  end: phrase.length,
  category: "consent-choice",
  why: "",
  alternatives: [],
  entryId,
  dictionaryVersion: "t",
});

describe("recording helpers", () => {
  it("counts words (contractions and hyphenated words are one)", () => {
    expect(countWords("")).toBe(0);
    expect(countWords("She's at risk-taking age, isn't she? 14 years.")).toBe(8);
    expect(countWords("  \n ")).toBe(0);
  });

  it("reads the writer's decisions from hidden inputs or API bodies, ignoring malformed ones", () => {
    const one = JSON.stringify({
      phrase: "drug runner",
      reason: "quoting",
      entryId: "drug-runner",
      field: "text",
    });
    expect(parseLanguageOverrides(one)).toEqual([
      { phrase: "drug runner", reason: "quoting", entryId: "drug-runner", field: "text" },
    ]);
    expect(
      parseLanguageOverrides([
        one,
        "{bad",
        JSON.stringify({ phrase: "x", reason: "  " }),
        JSON.stringify([{ phrase: "y", reason: "r" }]),
      ]),
    ).toHaveLength(2);
    expect(parseLanguageOverrides(undefined)).toEqual([]);
    expect(parseLanguageOverrides([{ phrase: "p", reason: "r" }, 7, null])).toEqual([
      { phrase: "p", reason: "r" },
    ]);
  });

  it("matches kept wording by phrase (case, spaces and quotes folded), entry and field", () => {
    const flags = [flag("Putting  herself at risk", "a"), flag("drug runner", "b"), flag("drug runner", "c")];
    const kept = applyKept(
      flags,
      [
        { phrase: "putting herself at risk", reason: "her words" },
        { phrase: "drug runner", reason: "quoting", entryId: "b" },
        { phrase: "drug runner", reason: "other field", field: "summary" },
      ],
      "text",
    );
    expect(kept.map((k) => [k.entryId, k.kept, k.reason])).toEqual([
      ["a", true, "her words"],
      ["b", true, "quoting"],
      ["c", false, null],
    ]);
  });
});
