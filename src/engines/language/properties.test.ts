import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, compileDictionary, defaultDictionary } from "./index.ts";

const dict = compileDictionary(defaultDictionary);

// Sentences the checker flags (from the entries' own examples), to build texts around.
const flaggedSentences = defaultDictionary.entries
  .flatMap((e) => e.examples?.flag ?? [])
  .filter((s) => check(s, dict).flags.length > 0);

// Words and phrases close to the dictionary, so random texts often hit (and nearly hit) it.
const vocabulary = [
  ...new Set(
    defaultDictionary.entries
      .flatMap((e) => [...(e.examples?.flag ?? []), ...(e.examples?.pass ?? [])])
      .flatMap((s) => s.split(/\s+/)),
  ),
  "not",
  "the man",
  "she",
  "he",
  "they",
  '"',
  "“",
  "”",
  "'",
  "’",
  ",",
  ".",
  "\n",
  "-",
  "🙂",
  "é",
];
const word = fc.oneof(fc.constantFrom(...vocabulary), fc.string({ maxLength: 6, unit: "grapheme" }));
const text = fc.array(word, { maxLength: 60 }).map((ws) => ws.join(" "));

describe("properties", () => {
  it("offsets are always within the text and slice to the phrase", () => {
    fc.assert(
      fc.property(text, (t) => {
        const { flags, notes } = check(t, dict);
        for (const f of [...flags, ...notes]) {
          expect(f.start).toBeGreaterThanOrEqual(0);
          expect(f.end).toBeLessThanOrEqual(t.length);
          expect(f.start).toBeLessThan(f.end);
          expect(t.slice(f.start, f.end)).toBe(f.phrase);
        }
        // flags come in text order and one entry never flags overlapping spans
        for (let i = 1; i < flags.length; i++)
          expect(flags[i].start).toBeGreaterThanOrEqual(flags[i - 1].start);
        for (const a of flags)
          for (const b of flags)
            if (a !== b && a.entryId === b.entryId) expect(a.end <= b.start || b.end <= a.start).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("finds nothing in empty or blank text", () => {
    expect(check("", dict)).toEqual({ flags: [], notes: [] });
    fc.assert(
      fc.property(fc.stringMatching(/^[\s\n\t.,;]*$/), (t) => {
        expect(check(t, dict)).toEqual({ flags: [], notes: [] });
      }),
    );
  });

  it("putting a flagged sentence in quotation marks turns every flag into a note", () => {
    const quotes = fc.constantFrom<[string, string]>(['"', '"'], ["“", "”"]);
    const before = fc.constantFrom("", "She said ", "In the RHI he told me: ", "Her words were ");
    const after = fc.constantFrom("", " and then left.", " (RHI, 3 May)");
    fc.assert(
      fc.property(
        fc.constantFrom(...flaggedSentences),
        quotes,
        before,
        after,
        (s, [open, close], pre, post) => {
          const plain = check(s, dict);
          const quoted = check(`${pre}${open}${s}${close}${post}`, dict);
          expect(quoted.flags).toEqual([]);
          expect(quoted.notes.length).toBeGreaterThanOrEqual(plain.flags.length > 0 ? 1 : 0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a flag does not depend on unrelated text around it (offsets shift with the prefix)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...flaggedSentences),
        fc.constantFrom("Update 12/03.", "RHI completed.", "Strategy meeting held today."),
        (s, prefix) => {
          const alone = check(s, dict).flags;
          const joined = check(`${prefix}\n${s}`, dict).flags;
          expect(joined.map((f) => [f.entryId, f.start - prefix.length - 1])).toEqual(
            alone.map((f) => [f.entryId, f.start]),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
