import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvParser, csvField, parseCsv } from "./csv.ts";

describe("CSV parser", () => {
  it("handles quoted fields with commas, quotes and line breaks", () => {
    expect(parseCsv('a,b,c\n1,"x, y","he said ""hi"""\n2,"two\nlines",\n')).toEqual([
      ["a", "b", "c"],
      ["1", "x, y", 'he said "hi"'],
      ["2", "two\nlines", ""],
    ]);
  });

  it("handles CRLF, CR, a missing final newline, a BOM and blank lines", () => {
    expect(parseCsv("\ufeffid, name\r\n1, ann\r\n\r\n2, bob")).toEqual([
      ["id", " name"],
      ["1", " ann"],
      ["2", " bob"],
    ]);
    expect(parseCsv("a\rb\r")).toEqual([["a"], ["b"]]);
  });

  it("opens a quoted field after leading spaces (FEBRL style)", () => {
    expect(parseCsv('id, "Smith, J", x\n')).toEqual([["id", "Smith, J", " x"]]);
  });

  it("gives the same rows however the text is cut into chunks", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "b", ",", '"', "\n", "\r", " "), maxLength: 6 });
    const table = fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(table, fc.array(fc.nat(), { maxLength: 5 }), fc.boolean(), (rows, cuts, crlf) => {
        const text = rows.map((r) => r.map(csvField).join(",")).join(crlf ? "\r\n" : "\n");
        const whole = parseCsv(text);
        const pieces: string[][] = [];
        const p = new CsvParser((r) => pieces.push(r));
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        let last = 0;
        for (const c of points) {
          p.push(text.slice(last, c));
          last = c;
        }
        p.push(text.slice(last));
        p.end();
        expect(pieces).toEqual(whole);
        // and a row written with csvField reads back as itself (blank rows are skipped)
        const expected = rows.filter((r) => !(r.length === 1 && r[0] === ""));
        expect(whole).toEqual(expected);
      }),
    );
  });
});
