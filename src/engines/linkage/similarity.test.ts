import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jaro, jaroWinkler, levenshtein, osaDistance } from "./similarity.ts";

// Reference implementations, written plainly, to check the fast ones against.
function jaroReference(a: string, b: string): number {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const ma = new Array<boolean>(a.length).fill(false);
  const mb = new Array<boolean>(b.length).fill(false);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j <= Math.min(b.length - 1, i + window); j++) {
      if (!mb[j] && a[i] === b[j]) {
        ma[i] = mb[j] = true;
        m++;
        break;
      }
    }
  }
  if (m === 0) return 0;
  const sa = [...a].filter((_, i) => ma[i]);
  const sb = [...b].filter((_, j) => mb[j]);
  const t = sa.filter((c, k) => c !== sb[k]).length / 2;
  return (m / a.length + m / b.length + (m - t) / m) / 3;
}

function levenshteinReference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return d[a.length]![b.length]!;
}

const word = fc.string({ unit: fc.constantFrom(..."abcdeilmnorst "), maxLength: 40 });

describe("Jaro-Winkler", () => {
  it("gives the published values", () => {
    expect(jaroWinkler("martha", "marhta")).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler("dwayne", "duane")).toBeCloseTo(0.84, 4);
    expect(jaroWinkler("dixon", "dicksonx")).toBeCloseTo(0.8133, 4);
    expect(jaro("crate", "trace")).toBeCloseTo(0.7333, 4);
    expect(jaroWinkler("abc", "abc")).toBe(1);
    expect(jaroWinkler("abc", "xyz")).toBe(0);
    expect(jaroWinkler("", "")).toBe(1);
    expect(jaroWinkler("a", "")).toBe(0);
  });

  it("matches the plain algorithm, also beyond 32 characters", () => {
    fc.assert(fc.property(word, word, (a, b) => Math.abs(jaro(a, b) - jaroReference(a, b)) < 1e-12));
    const long = "the quick brown fox jumps over the lazy dog twice";
    expect(jaro(long, `${long}s`)).toBeCloseTo(jaroReference(long, `${long}s`), 12);
  });

  it("is symmetric and between 0 and 1", () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        const x = jaroWinkler(a, b);
        return x >= 0 && x <= 1 && Math.abs(x - jaroWinkler(b, a)) < 1e-12;
      }),
    );
  });
});

describe("Levenshtein (Myers bit-parallel)", () => {
  it("gives known distances", () => {
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("flaw", "lawn")).toBe(2);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("same", "same")).toBe(0);
    expect(levenshtein("zoë", "zoe")).toBe(1); // non-ASCII takes the other path
  });

  it("agrees with the dynamic programme on short and long strings", () => {
    fc.assert(fc.property(word, word, (a, b) => levenshtein(a, b) === levenshteinReference(a, b)));
  });

  it("is a metric: symmetric, zero only for equal strings, triangle inequality", () => {
    fc.assert(
      fc.property(word, word, word, (a, b, c) => {
        const ab = levenshtein(a, b);
        return (
          ab === levenshtein(b, a) && (ab === 0) === (a === b) && levenshtein(a, c) <= ab + levenshtein(b, c)
        );
      }),
    );
  });
});

describe("optimal string alignment distance", () => {
  it("counts a transposition as one edit", () => {
    expect(osaDistance("1234567", "1243567")).toBe(1);
    expect(levenshtein("1234567", "1243567")).toBe(2);
    expect(osaDistance("ca", "abc")).toBe(3);
    expect(osaDistance("4857773456", "4857773456")).toBe(0);
  });

  it("stops at max + 1", () => {
    expect(osaDistance("1111111", "2222222", 2)).toBe(3);
    expect(osaDistance("ab", "abcdef", 2)).toBe(3);
  });

  it("is never above Levenshtein nor below half of it", () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        const o = osaDistance(a, b);
        const l = levenshtein(a, b);
        return o <= l && 2 * o >= l;
      }),
    );
  });
});
