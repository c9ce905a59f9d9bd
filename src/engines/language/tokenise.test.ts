import { describe, expect, it } from "vitest";
import { normaliseWord, quotedRanges, tokenise } from "./tokenise.ts";

const norms = (text: string) => tokenise(text).tokens.map((t) => t.norm);

describe("tokenise", () => {
  it("gives offsets into the original text", () => {
    const text = "Kayla (14) is at risk.";
    for (const t of tokenise(text).tokens) expect(text.slice(t.start, t.end).toLowerCase()).toBe(t.norm);
  });

  it("splits contractions and folds curly apostrophes", () => {
    expect(norms("She’s sure he didn't go; it won't stop")).toEqual([
      "she",
      "'s",
      "sure",
      "he",
      "did",
      "n't",
      "go",
      ";",
      "it",
      "will",
      "n't",
      "stop",
    ]);
    expect(norms("the man's partner")).toEqual(["the", "man", "'s", "partner"]);
  });

  it("drops hyphens between words so risk-taking = risk taking", () => {
    expect(norms("risk-taking behaviour")).toEqual(norms("risk taking behaviour"));
    expect(norms("a 24-year-old man")).toEqual(["a", "24", "year", "old", "man"]);
    expect(norms("12 - 14")).toContain("-");
  });

  it("folds American spellings to British", () => {
    expect(norms("risky behavior, sexualized, labeled")).toEqual([
      "risky",
      "behaviour",
      ",",
      "sexualised",
      ",",
      "labelled",
    ]);
    expect(normaliseWord("size")).toBe("size");
    expect(normaliseWord("Criminalized")).toBe("criminalised");
  });

  it("splits sentences at . ! ? and line breaks, not at abbreviations or decimals", () => {
    const { tokens, sentences } = tokenise("Mr. Patel called. She is 14.5 years old! Is she safe?\nYes");
    expect(sentences).toHaveLength(4);
    expect(tokens.find((t) => t.norm === "patel")?.sent).toBe(0);
    expect(tokens.find((t) => t.norm === "yes")?.sent).toBe(3);
  });

  it("marks words inside straight, curly and single quotation marks", () => {
    const quoted = (text: string) =>
      tokenise(text)
        .tokens.filter((t) => t.quoted && t.kind === "w")
        .map((t) => t.norm);
    expect(quoted('She said "he is my boyfriend" today')).toEqual(["he", "is", "my", "boyfriend"]);
    expect(quoted("She said “he’s my boyfriend” today")).toEqual(["he", "'s", "my", "boyfriend"]);
    expect(quoted("She said ‘I’m fine’ today")).toEqual(["i", "'m", "fine"]);
    expect(quoted("She said 'I'm fine' today")).toEqual(["i", "'m", "fine"]);
    // apostrophes alone are not quotes
    expect(quoted("The boys' phones and Jayden's coat")).toEqual([]);
  });

  it("ends an unclosed double quote at the end of the line", () => {
    const text = 'She said "he is my boyfriend\nHe is 24.';
    expect(quotedRanges(text)).toEqual([[9, 28]]);
  });
});
