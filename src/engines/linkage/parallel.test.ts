import { describe, expect, it } from "vitest";
import { compareRange, defaultComparisons, kernelFields } from "./compare.ts";
import { resolveColumns } from "./fields.ts";
import { createComparePool } from "./parallel.ts";
import { standardiseRecords } from "./records.ts";
import { randomPairs, seededRandom } from "./train.ts";

describe("comparisons across worker threads", () => {
  it("gives the same comparison vectors as one thread", async () => {
    const r = seededRandom(5);
    const pick = (xs: string[]) => xs[Math.floor(r() * xs.length)]!;
    const rows = Array.from({ length: 3000 }, (_, i) => [
      `r${i}`,
      pick(["Oliver", "Olly", "Amelia", "Millie", "Jack", "John", "Ava", "Eva", "Noah"]),
      pick(["Smith", "Smyth", "Jones", "Patel", "Khan", "O'Brien", "Smith-Jones"]),
      `${1 + Math.floor(r() * 28)}/${1 + Math.floor(r() * 12)}/${2000 + Math.floor(r() * 20)}`,
      pick(["LS6 2AB", "LS6 2AD", "M1 1AE", "B1 1BB", ""]),
      `${1 + Math.floor(r() * 50)} ${pick(["High Street", "Mill Lane", "Park Road"])}`,
    ]);
    const { mappings } = resolveColumns(["id", "first_name", "surname", "dob", "postcode", "address_1"]);
    const records = standardiseRecords(rows, mappings);
    const comparisons = defaultComparisons(records);
    const fields = kernelFields(records, comparisons);
    const { pairsI, pairsJ } = randomPairs(records, 40_000, 9);
    const expected = new Uint8Array(pairsI.length * comparisons.length);
    compareRange(fields, pairsI, pairsJ, expected, 0, pairsI.length);
    // The calling thread stays out of it, so the worker (run through tsx here) must do it all.
    const pool = createComparePool(fields, 2, { callerWorks: false, minParallelPairs: 0 });
    try {
      const got = await pool.compare(pairsI, pairsJ);
      expect(pool.workerPairs).toBe(pairsI.length);
      expect(got.length).toBe(expected.length);
      expect(Buffer.compare(Buffer.from(got), Buffer.from(expected))).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
