import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clusterUnderDecisions } from "./linkage.cluster.ts";

describe("clustering under decisions", () => {
  it("joins records to a child, never joins two children, respects 'kept apart'", () => {
    // nodes: 0, 1 children; 2..5 records
    const r = clusterUnderDecisions({
      size: 6,
      isChild: (i) => i < 2,
      fixed: [[2, 0]],
      edges: [
        { i: 2, j: 3, p: 0.99 }, // record 3 joins child 0 through record 2
        { i: 3, j: 1, p: 0.97 }, // would put children 0 and 1 together: refused
        { i: 4, j: 1, p: 0.95 },
        { i: 5, j: 0, p: 0.96 }, // kept apart by a decision
        { i: 5, j: 4, p: 0.5 },
      ],
      apart: [[5, 0]],
    });
    expect(r.childOf(3)).toBe(0);
    expect(r.childOf(4)).toBe(1);
    expect(r.outcomes).toEqual(["joined", "two_children", "joined", "kept_apart", "joined"]);
    expect(r.childOf(5)).toBe(1);
    expect(r.best[3]).toBeCloseTo(0.99);
  });

  it("property: no cluster holds two children; no kept-apart pair shares a cluster", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 80 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 10 }),
        (n, raw, rawApart) => {
          const edges = raw.map(([a, b, p]) => ({ i: a % n, j: b % n, p })).filter((e) => e.i !== e.j);
          const apart = rawApart.map(([a, b]) => [a % n, b % n] as const).filter(([a, b]) => a !== b);
          const isChild = (i: number) => i % 3 === 0;
          const r = clusterUnderDecisions({ size: n, isChild, fixed: [], edges, apart });
          const childrenIn = new Map<number, number>();
          for (let i = 0; i < n; i++)
            if (isChild(i)) childrenIn.set(r.find(i), (childrenIn.get(r.find(i)) ?? 0) + 1);
          for (const c of childrenIn.values()) expect(c).toBe(1);
          for (const [a, b] of apart) expect(r.find(a)).not.toBe(r.find(b));
        },
      ),
      { numRuns: 200 },
    );
  });
});
