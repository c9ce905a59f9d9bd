import { describe, expect, it } from "vitest";
import { NULL_LEVEL } from "./compare.ts";
import { initialM, patternTable, runEm, seededRandom } from "./train.ts";

// Comparison vectors drawn from a known two-class model.
function synthetic(n: number, lambda: number, m: number[][], u: number[][], seed = 7) {
  const rand = seededRandom(seed);
  const F = m.length;
  const gamma = new Uint8Array(n * F);
  const draw = (dist: number[]) => {
    let r = rand();
    for (let l = 0; l < dist.length; l++) {
      r -= dist[l]!;
      if (r < 0) return l;
    }
    return dist.length - 1;
  };
  for (let p = 0; p < n; p++) {
    const match = rand() < lambda;
    for (let f = 0; f < F; f++) {
      gamma[p * F + f] = rand() < 0.05 ? NULL_LEVEL : draw(match ? m[f]! : u[f]!);
    }
  }
  return gamma;
}

describe("expectation-maximisation", () => {
  const m = [
    [0.85, 0.1, 0.05],
    [0.9, 0.1],
    [0.7, 0.15, 0.1, 0.05],
  ];
  const u = [
    [0.01, 0.04, 0.95],
    [0.2, 0.8],
    [0.001, 0.01, 0.05, 0.939],
  ];

  it("recovers m and lambda with u fixed", () => {
    const n = 40_000;
    const gamma = synthetic(n, 0.15, m, u);
    const table = patternTable(gamma, 3, n, () => 1);
    expect(table.counts.reduce((a, b) => a + b, 0)).toBe(n);
    expect(table.size).toBeLessThanOrEqual(4 * 3 * 5);
    const res = runEm(
      table,
      3,
      () => true,
      [true, true, true],
      u,
      m.map((x) => initialM(x.length)),
      {
        pseudoCount: 0,
      },
    );
    expect(res.converged).toBe(true);
    expect(res.lambda).toBeCloseTo(0.15, 2);
    for (let f = 0; f < 3; f++) {
      for (let l = 0; l < m[f]!.length; l++) expect(Math.abs(res.m[f]![l]! - m[f]![l]!)).toBeLessThan(0.02);
    }
  });

  it("leaves fields it is told not to estimate alone", () => {
    const n = 5_000;
    const gamma = synthetic(n, 0.3, m, u, 11);
    const table = patternTable(gamma, 3, n, () => 1);
    const start = m.map((x) => initialM(x.length));
    const res = runEm(table, 3, () => true, [true, false, true], u, start);
    expect(res.m[1]).toEqual(start[1]);
    expect(res.m[0]![0]).toBeGreaterThan(0.75);
  });

  it("keeps every m above zero with the pseudo-count", () => {
    const n = 2_000;
    // level 2 of the first field never occurs among matches
    const gamma = synthetic(n, 0.5, [[0.9, 0.1, 0], m[1]!, m[2]!], u, 3);
    const table = patternTable(gamma, 3, n, () => 1);
    const res = runEm(
      table,
      3,
      () => true,
      [true, true, true],
      u,
      m.map((x) => initialM(x.length)),
    );
    expect(res.m[0]![2]).toBeGreaterThan(0);
    expect(res.m[0]![2]).toBeLessThan(0.01);
  });
});
