import { describe, expect, it } from "vitest";
import { defaultDictionary, validateEntry } from "../../engines/language/index.ts";
import { fromEntry, readForm, toDraft, toFormIssue } from "./entry-form.ts";

describe("dictionary entry form", () => {
  it("round-trips every shipped entry through the form", () => {
    for (const e of defaultDictionary.entries) {
      const { draft, errors } = toDraft(fromEntry(e));
      expect(errors).toEqual([]);
      const { version, active, ...rest } = e;
      const one = (p: string | string[]) => (Array.isArray(p) && p.length === 1 ? p[0] : p);
      expect({ subject: "child", ...draft }).toEqual({
        subject: "child",
        ...rest,
        pattern: one(rest.pattern),
      });
      expect(validateEntry({ ...draft, version, active }, { macros: defaultDictionary.macros }).ok).toBe(
        true,
      );
    }
  });

  it("reads lines, conditions and options; reports bad condition lines", () => {
    const { draft, errors } = toDraft(
      readForm({
        id: " x-y ",
        pattern: "a~\r\n\r\nb c",
        category: "labelling",
        why: " because ",
        alternatives: "one\ntwo",
        subject: "any",
        negatable: "no",
        unless: "after: with {POSS} mother\nnonsense",
        requires: "Sentence: child~",
        examplesFlag: "It is a.",
        examplesPass: "",
        comment: "",
      }),
    );
    expect(draft).toEqual({
      id: "x-y",
      pattern: ["a~", "b c"],
      category: "labelling",
      why: "because",
      alternatives: ["one", "two"],
      subject: "any",
      negatable: false,
      unless: [{ after: "with {POSS} mother" }],
      requires: [{ sentence: "child~" }],
      examples: { flag: ["It is a."] },
    });
    expect(errors).toEqual([
      { field: "unless", message: expect.stringMatching(/^Line 2: start with before:/) },
    ]);
  });

  it("maps the engine's field names to form fields and lines", () => {
    expect(toFormIssue({ field: "pattern[2]", message: "bad" })).toEqual({
      field: "pattern",
      message: "Line 3: bad",
    });
    expect(toFormIssue({ field: "unless[0].after", message: "bad" })).toEqual({
      field: "unless",
      message: "Line 1: bad",
    });
    expect(toFormIssue({ field: "examples.pass[1]", message: "bad" })).toEqual({
      field: "examplesPass",
      message: "Line 2: bad",
    });
    expect(toFormIssue({ field: "why", message: "must explain why" }).message).toBe(
      "Explain why the wording matters, in 10 to 1,000 characters",
    );
    expect(toFormIssue({ field: "pattern", message: "gap *12 must be between *1 and *8" })).toEqual({
      field: "pattern",
      message: "Line 1: gap *12 must be between *1 and *8",
    });
    expect(toFormIssue({ field: "subject", message: 'must be "child" or "any"' }).message).toBe(
      'About whom must be "child" or "any"',
    );
  });
});
