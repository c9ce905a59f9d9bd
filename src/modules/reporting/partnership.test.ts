import { describe, expect, it } from "vitest";
import {
  countTable,
  quarterChoices,
  quarterKeyOf,
  quartersEnding,
  safePercent,
} from "./partnership.service.ts";

describe("financial quarters in UK time", () => {
  it("puts a moment in the quarter of its London date", () => {
    // 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (BST): the new financial year.
    expect(quarterKeyOf(new Date("2026-03-31T23:30:00Z"))).toBe("2026-04");
    expect(quarterKeyOf(new Date("2026-03-31T22:30:00Z"))).toBe("2026-01");
    expect(quarterKeyOf(new Date("2026-12-31T23:59:00Z"))).toBe("2026-10");
  });

  it("lists four quarters ending with the current one, to date, with London boundaries", () => {
    const now = new Date("2026-11-20T12:00:00Z");
    const qs = quartersEnding(now);
    expect(qs.map((q) => q.key)).toEqual(["2026-01", "2026-04", "2026-07", "2026-10"]);
    expect(qs.map((q) => q.label)).toEqual([
      "Jan–Mar 2026",
      "Apr–Jun 2026",
      "Jul–Sep 2026",
      "Oct–Dec 2026 (to date)",
    ]);
    // 1 April 2026 00:00 in London is 23:00 UTC the day before.
    expect(qs[1].start.toISOString()).toBe("2026-03-31T23:00:00.000Z");
    expect(qs[0].end).toEqual(qs[1].start);
    expect(quartersEnding(now, "2026-01").map((q) => q.key)).toEqual([
      "2025-04",
      "2025-07",
      "2025-10",
      "2026-01",
    ]);
    expect(quarterChoices(now)).toHaveLength(8);
    expect(quarterChoices(now)[7].key).toBe("2025-01");
  });

  it("refuses a quarter that is not one, or is in the future, naming the field", () => {
    const now = new Date("2026-11-20T12:00:00Z");
    expect(() => quartersEnding(now, "2026-05")).toThrow(/Choose a quarter/);
    expect(() => quartersEnding(now, "2027-01")).toThrow(/future/);
    try {
      quartersEnding(now, "2027-01");
    } catch (e) {
      expect((e as { fields: { field: string }[] }).fields[0].field).toBe("to");
    }
  });
});

describe("figures that cannot reveal a small number", () => {
  it("shows a percentage only when neither its count nor the rest of its base is 1 to 4", () => {
    expect(safePercent(10, 20)).toEqual({ shown: "50%", value: 50 });
    expect(safePercent(0, 12)).toEqual({ shown: "0%", value: 0 });
    expect(safePercent(12, 12)).toEqual({ shown: "100%", value: 100 });
    expect(safePercent(3, 20).shown).toBe("hidden"); // 3 children
    expect(safePercent(17, 20).shown).toBe("hidden"); // the other 3
    expect(safePercent(2, 4).shown).toBe("hidden"); // base under 5
    expect(safePercent(0, 0)).toEqual({ shown: "no cases", value: null });
  });

  it("a count table carries no value for a hidden cell, and hides a second cell in the same line", () => {
    // Police 3 in Q1 is hidden; the Q1 column total would give it away, so a second Q1 cell goes.
    const t = countTable(
      ["Police", "Health", "Schools"],
      [
        [3, 10],
        [12, 9],
        [20, 0],
      ],
    );
    const police = t.rows[0].cells[0];
    expect(police).toEqual({ shown: "<5", value: null, hidden: "primary" });
    const q1 = t.rows.map((r) => r.cells[0].hidden);
    expect(q1.filter(Boolean).length).toBeGreaterThanOrEqual(2);
    expect(t.rows[1].cells[0]).toMatchObject({ hidden: "secondary", value: null, shown: "[c]" });
    expect(t.rows[2].cells[1]).toEqual({ shown: "0", value: 0, hidden: false });
    const dropped = countTable(
      ["A", "B"],
      [
        [0, 0],
        [6, 7],
      ],
      { dropEmptyRows: true },
    );
    expect(dropped.rows.map((r) => r.label)).toEqual(["B"]);
  });
});
