import { describe, expect, it } from "vitest";
import {
  countBlockedPairs,
  defaultBlockingRules,
  generatePairs,
  parseBlockingRule,
  prepareBlocking,
  ruleKeys,
} from "./blocking.ts";
import { resolveColumns } from "./fields.ts";
import { standardiseRecords } from "./records.ts";
import { seededRandom } from "./train.ts";

const header = ["id", "first_name", "surname", "dob", "postcode"];
function people(n: number, seed: number): string[][] {
  const r = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => [
    `p${i}`,
    r() < 0.1 ? "" : pick(["Ann", "Bob", "Robert", "Cat", "Dan"]),
    pick(["Smith", "Smyth", "Jones", "Brown"]),
    r() < 0.1 ? "" : pick(["2010-01-01", "2010-01-02", "2011-05-05"]),
    pick(["LS6 2AB", "LS6 2AD", "M1 1AE"]),
  ]);
}

function bruteForce(keys: Int32Array[], n: number, nLeft: number, link: boolean) {
  const pairs = new Set<string>();
  for (let i = 0; i < n; i++) {
    for (let j = link ? nLeft : i + 1; j < n; j++) {
      if (link && i >= nLeft) continue;
      if (keys.some((k) => k[i]! >= 0 && k[i] === k[j])) pairs.add(`${i}-${j}`);
    }
  }
  return pairs;
}

describe("blocking", () => {
  const rules = [
    "dob+surname:soundex",
    "given_name:canon+postcode:district",
    "names:soundex",
    "postcode",
  ].map((r) => parseBlockingRule(r));

  for (const link of [false, true]) {
    it(`generates each candidate pair once, exactly the pairs some rule agrees on (${link ? "link" : "dedupe"})`, () => {
      const rows = people(80, link ? 2 : 1);
      const { mappings } = resolveColumns(header);
      const records = link
        ? standardiseRecords(rows.slice(0, 30), mappings, { right: rows.slice(30) })
        : standardiseRecords(rows, mappings);
      const prepared = prepareBlocking(records, rules);
      const counts = countBlockedPairs(records, prepared);
      const { pairsI, pairsJ } = generatePairs(records, prepared, counts);
      const got = new Set<string>();
      for (let p = 0; p < pairsI.length; p++) got.add(`${pairsI[p]}-${pairsJ[p]}`);
      expect(got.size).toBe(pairsI.length); // no duplicates
      const expected = bruteForce(prepared.keys, records.size, records.nLeft, link);
      expect(got).toEqual(expected);
      expect(counts.total).toBe(expected.size);
      expect(counts.possible).toBe(link ? 30 * 50 : (80 * 79) / 2);
      // per-rule counts (before the union) match a brute-force count of that rule alone
      prepared.keys.forEach((k, r) => {
        expect(counts.rules[r]!.pairs).toBe(bruteForce([k], records.size, records.nLeft, link).size);
      });
    });
  }

  it("treats names in either order alike in the names pseudo-field", () => {
    const { mappings } = resolveColumns(header);
    const records = standardiseRecords(
      [
        ["a", "Robert", "Smith", "", ""],
        ["b", "Smith", "Bob", "", ""],
        ["c", "Ann", "Smith", "", ""],
      ],
      mappings,
    );
    const k = ruleKeys(records, parseBlockingRule("names:soundex"));
    expect(k[0]).toBe(k[1]);
    expect(k[0]).not.toBe(k[2]);
  });

  it("parses rules and rejects bad ones", () => {
    expect(parseBlockingRule("dob + surname:soundex").name).toBe("dob+surname:soundex");
    expect(() => parseBlockingRule("dob+surname:metaphone")).toThrow(/unknown transform/);
    expect(() => parseBlockingRule("shoe", ["dob"])).toThrow(/not in the data/);
  });

  it("chooses default rules from the fields present", () => {
    const { mappings } = resolveColumns(["id", "nhs_number", "first_name", "surname", "dob"]);
    const records = standardiseRecords([["1", "9434765919", "Ann", "Lee", "2010-01-01"]], mappings);
    const names = defaultBlockingRules(records).map((r) => r.name);
    expect(names[0]).toBe("nhs_number");
    expect(names).toContain("dob:daymonth+surname:soundex");
    expect(names).not.toContain("postcode+surname:initial");
  });
});
