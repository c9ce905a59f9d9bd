import { describe, expect, it } from "vitest";
import { inflections } from "./inflect.ts";
import { compilePattern, matchAt, PatternError } from "./pattern.ts";
import { tokenise } from "./tokenise.ts";

/** The phrases a pattern matches in a text (leftmost, non-overlapping). */
function finds(pattern: string, text: string, macros: Record<string, string> = {}): string[] {
  const p = compilePattern(pattern, macros);
  const { tokens, sentences } = tokenise(text);
  const out: string[] = [];
  for (const [s, e] of sentences) {
    for (let i = s; i < e; i++) {
      const end = matchAt(p, tokens, e, i);
      if (end > i) {
        out.push(text.slice(tokens[i].start, tokens[end - 1].end));
        i = end - 1;
      }
    }
  }
  return out;
}

describe("inflections", () => {
  it("covers regular and irregular forms", () => {
    expect(inflections("put")).toEqual(expect.arrayContaining(["put", "puts", "putting"]));
    expect(inflections("choose")).toEqual(expect.arrayContaining(["chose", "chosen", "chooses", "choosing"]));
    expect(inflections("place")).toEqual(expect.arrayContaining(["places", "placed", "placing"]));
    expect(inflections("run")).toEqual(expect.arrayContaining(["ran", "runs", "running"]));
    expect(inflections("try")).toEqual(expect.arrayContaining(["tries", "tried", "trying"]));
    expect(inflections("associate")).toEqual(
      expect.arrayContaining(["associates", "associated", "associating"]),
    );
  });
});

describe("pattern language", () => {
  it("matches inflections, slots and gaps", () => {
    const p = "put~ {REFL} *3 risk";
    expect(finds(p, "She keeps putting herself at serious risk.")).toEqual([
      "putting herself at serious risk",
    ]);
    expect(finds(p, "They put themselves at risk.")).toEqual(["put themselves at risk"]);
    expect(finds(p, "Sam puts themself, once again, at risk.")).toEqual([
      "puts themself, once again, at risk",
    ]);
    expect(finds(p, "She puts herself at no point in the report at all at risk")).toEqual([]); // gap too long
    expect(finds(p, "The plan puts the risk first")).toEqual([]);
  });

  it("never crosses a sentence end", () => {
    expect(finds("put~ {REFL} *4 risk", "He put himself forward. Risk was discussed.")).toEqual([]);
  });

  it("supports optional words, groups and sequence alternatives", () => {
    const p = "(drug~ | county-lines)? runner~";
    expect(finds(p, "a drug runner, a county lines runner and a runner")).toEqual([
      "drug runner",
      "county lines runner",
      "runner",
    ]);
    expect(finds("make~ (a|the)? decision to", "He made the decision to go; she made decision to")).toEqual([
      "made the decision to",
      "made decision to",
    ]);
  });

  it("treats a hyphen as joining words, matching with or without it", () => {
    expect(finds("risky|risk-taking behaviour", "risk-taking behaviour and risk taking behaviour")).toEqual([
      "risk-taking behaviour",
      "risk taking behaviour",
    ]);
  });

  it("folds spelling in patterns and text alike", () => {
    expect(finds("risky behaviour~", "risky behaviors")).toEqual(["risky behaviors"]);
  });

  it("expands dictionary macros", () => {
    expect(finds("{OLD} men", "older men and adult men", { OLD: "older|adult" })).toEqual([
      "older men",
      "adult men",
    ]);
  });

  it("matches numbers with the age slots", () => {
    expect(finds("friend , {ADULTAGE}", "her friend, 27 and her friend, 14")).toEqual(["friend, 27"]);
    expect(finds("{CHILDAGE} year old", "a 14 year old and a 40 year old")).toEqual(["14 year old"]);
  });

  it("rejects malformed patterns with a clear message", () => {
    const bad = (p: string, msg: RegExp) => {
      expect(() => compilePattern(p)).toThrow(PatternError);
      expect(() => compilePattern(p)).toThrow(msg);
    };
    bad("", /empty/);
    bad("(a b", /missing "\)"/);
    bad("a b)", /unmatched/);
    bad("{NOPE} x", /unknown slot \{NOPE\}/);
    bad("a? b?", /can match nothing/);
    bad("*9 x", /between \*1 and \*8/);
    bad("a||b", /empty alternative/);
    expect(() => compilePattern("{A} x", { A: "{A}" })).toThrow(/refers to itself/);
  });
});
