import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rateOf, suppressList, suppressOne, suppressTable } from "./suppress.ts";

const shown = (t: ReturnType<typeof suppressTable>) => ({
  cells: t.cells.map((r) => r.map((c) => c.shown)),
  rows: t.rowTotals.map((c) => c.shown),
  cols: t.colTotals.map((c) => c.shown),
  grand: t.grand.shown,
});

describe("small-number suppression", () => {
  it("hides 1–4 as <5, shows 0 and 5+", () => {
    expect(suppressOne(0).shown).toBe("0");
    expect(suppressOne(1).shown).toBe("<5");
    expect(suppressOne(4).shown).toBe("<5");
    expect(suppressOne(5).shown).toBe("5");
    expect(suppressOne(12345).shown).toBe("12,345");
  });

  it("a lone small cell in a row and a column gets a partner in each, so totals cannot reveal it", () => {
    const t = suppressTable([
      [3, 10, 20],
      [8, 9, 30],
    ]);
    expect(shown(t)).toEqual({
      cells: [
        ["<5", "[c]", "20"],
        ["[c]", "[c]", "30"],
      ],
      rows: ["33", "47"],
      cols: ["11", "19", "50"],
      grand: "80",
    });
  });

  it("a small row total is itself hidden", () => {
    const t = suppressTable([
      [1, 2, 0],
      [10, 10, 10],
    ]);
    expect(t.rowTotals[0].shown).toBe("<5");
    expect(t.cells[0].map((c) => c.shown)).toEqual(["<5", "<5", "0"]);
    // the columns of the hidden cells now have one hidden number each, so the other row is hidden there too
    expect(t.cells[1][0].suppressed).toBe("secondary");
    expect(t.cells[1][1].suppressed).toBe("secondary");
  });

  it("an empty table still has its columns (all zero)", () => {
    const t = suppressTable([], { columns: 3 });
    expect(t.colTotals.map((c) => c.shown)).toEqual(["0", "0", "0"]);
    expect(t.grand.shown).toBe("0");
  });

  it("lists: one hidden item gets a partner (the smallest), or the total", () => {
    expect(suppressList([2, 40, 9]).items.map((c) => c.shown)).toEqual(["<5", "40", "[c]"]);
    expect(suppressList([2, 40, 9]).total.shown).toBe("51");
    expect(suppressList([3]).total.shown).toBe("<5");
    expect(suppressList([3, 0]).items.map((c) => c.shown)).toEqual(["<5", "0"]);
    expect(suppressList([3, 0]).total.shown).toBe("<5");
    expect(suppressList([7, 8]).items.map((c) => c.shown)).toEqual(["7", "8"]);
  });

  it("property: no row, column or total line ever has exactly one hidden number, and 1–4 are never shown", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((R) =>
          fc.integer({ min: 1, max: 8 }).chain((C) =>
            fc.array(
              fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 60 })), {
                minLength: C,
                maxLength: C,
              }),
              {
                minLength: R,
                maxLength: R,
              },
            ),
          ),
        ),
        (rows) => {
          const t = suppressTable(rows);
          const lines = [
            ...t.cells.map((r, i) => [...r, t.rowTotals[i]]),
            ...t.colTotals.map((ct, c) => [...t.cells.map((r) => r[c]), ct]),
            [...t.rowTotals, t.grand],
            [...t.colTotals, t.grand],
          ];
          for (const line of lines) expect(line.filter((c) => c.suppressed).length).not.toBe(1);
          for (const c of [...t.cells.flat(), ...t.rowTotals, ...t.colTotals, t.grand])
            if (c.value > 0 && c.value < 5) expect(c.shown).toBe("<5");
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rates are hidden with their counts", () => {
    expect(rateOf(suppressOne(3), 1000)).toBe("hidden (<5 flags)");
    expect(rateOf(suppressOne(12), 4000)).toBe("3.0");
    expect(rateOf(suppressOne(0), 0)).toBe("no text");
  });
});
