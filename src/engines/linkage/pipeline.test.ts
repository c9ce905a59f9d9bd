import { describe, expect, it } from "vitest";
import { resolveColumns } from "./fields.ts";
import { gammaRow, linkRecords, pairBand } from "./pipeline.ts";
import { standardiseRecords } from "./records.ts";
import { explainPair } from "./score.ts";
import { seededRandom } from "./train.ts";

// A small population with duplicates (typos, nicknames, swapped dates, moves) for whole-run checks.
function population(n: number, seed: number) {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const given = [
    "Oliver",
    "Amelia",
    "Jack",
    "Isla",
    "Harry",
    "Ava",
    "George",
    "Mia",
    "Noah",
    "Lily",
    "William",
    "Elizabeth",
  ];
  const nick: Record<string, string> = { William: "Bill", Elizabeth: "Liz", Jack: "John", Harry: "Henry" };
  const surnames = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Khan",
    "Patel",
    "Walker",
    "Wright",
    "Okafor",
    "Nowak",
    "Evans",
    "Hughes",
  ];
  const towns = ["Leeds", "Bradford", "Wakefield"];
  const rows: string[][] = [];
  const person: number[] = [];
  const people = Array.from({ length: n }, () => {
    const y = 1990 + Math.floor(r() * 30);
    return {
      given: pick(given),
      surname: `${pick(surnames)}${r() < 0.5 ? pick(["ley", "ton", "s", ""]) : ""}`,
      dob: [1 + Math.floor(r() * 28), 1 + Math.floor(r() * 12), y] as const,
      postcode: `LS${1 + Math.floor(r() * 20)} ${Math.floor(r() * 10)}${pick(["AB", "CD", "EF", "GH"])}`,
      town: pick(towns),
    };
  });
  people.forEach((p, k) => {
    const copies = 1 + (r() < 0.3 ? 1 : 0);
    for (let c = 0; c < copies; c++) {
      let g = p.given;
      let [d, m, y] = p.dob;
      let pc = p.postcode;
      if (c > 0) {
        if (r() < 0.3 && nick[g]) g = nick[g]!;
        if (r() < 0.2 && d <= 12) [d, m] = [m, d];
        if (r() < 0.2) pc = `LS${30 + Math.floor(r() * 9)} 1ZZ`;
      }
      rows.push([`p${rows.length}`, g, p.surname, `${d}/${m}/${y}`, pc, p.town]);
      person.push(k);
    }
  });
  return { rows, person };
}

describe("a whole linkage run", () => {
  it("is consistent: explanations add up to the scores, matches share a cluster, the model is well formed", async () => {
    const { rows, person } = population(1500, 3);
    const { mappings } = resolveColumns(["id", "first_name", "surname", "dob", "postcode", "town"]);
    const records = standardiseRecords(rows, mappings);
    const result = await linkRecords(records, { uPairs: 50_000 });
    expect(result.counts.total).toBe(result.pairsI.length);
    for (const c of result.model.comparisons) {
      expect(c.levels.reduce((s, l) => s + l.m, 0)).toBeCloseTo(1, 6);
      expect(c.levels.reduce((s, l) => s + l.u, 0)).toBeCloseTo(1, 6);
      for (const l of c.levels) expect(l.m > 0 && l.u > 0).toBe(true);
    }
    expect(result.model.lambda).toBeGreaterThan(0);
    expect(result.model.lambda).toBeLessThan(0.01);
    let tp = 0;
    let fp = 0;
    for (let p = 0; p < result.pairsI.length; p++) {
      const i = result.pairsI[p]!;
      const j = result.pairsJ[p]!;
      const e = explainPair(result.model, records, i, j, gammaRow(result, p));
      expect(e.matchWeight).toBeCloseTo(result.scores.weights[p]!, 3);
      const waterfall =
        e.priorWeight +
        e.fields.reduce((s, f) => s + f.weight + f.tfAdjustment, 0) +
        e.adjustments.reduce((s, a) => s + a.weight, 0);
      expect(waterfall).toBeCloseTo(e.matchWeight, 9);
      if (pairBand(result, p) === "match") {
        expect(result.clusterIds[i]).toBe(result.clusterIds[j]);
        if (person[i] === person[j]) tp++;
        else fp++;
      }
    }
    let truePairs = 0;
    const sizes = new Map<number, number>();
    for (const k of person) sizes.set(k, (sizes.get(k) ?? 0) + 1);
    for (const s of sizes.values()) truePairs += (s * (s - 1)) / 2;
    const precision = tp / (tp + fp);
    const recall = tp / truePairs;
    console.log(`precision ${precision.toFixed(4)} recall ${recall.toFixed(4)}`);
    expect(precision).toBeGreaterThan(0.95);
    expect(recall).toBeGreaterThan(0.9);
  });
});
