import { describe, expect, it } from "vitest";
import { compareRange, defaultComparisons, kernelFields, LOCATION_LEVELS, NULL_LEVEL } from "./compare.ts";
import { resolveColumns } from "./fields.ts";
import { standardiseRecords } from "./records.ts";

const header = ["id", "first_name", "surname", "dob", "postcode", "address_1", "town", "nhs_number"];

// Compare record 0 with each other record; return field → level label.
function levels(rows: string[][]) {
  const { mappings } = resolveColumns(header);
  const records = standardiseRecords(rows, mappings);
  const comparisons = defaultComparisons(records);
  const n = rows.length - 1;
  const pairsI = new Int32Array(n);
  const pairsJ = Int32Array.from({ length: n }, (_, k) => k + 1);
  const gamma = new Uint8Array(n * comparisons.length);
  compareRange(kernelFields(records, comparisons), pairsI, pairsJ, gamma, 0, n);
  return Array.from({ length: n }, (_, p) =>
    Object.fromEntries(
      comparisons.map((c, f) => {
        const g = gamma[p * comparisons.length + f]!;
        return [c.field, g === NULL_LEVEL ? "missing" : c.levels[g]];
      }),
    ),
  );
}

const base = ["0", "Robert", "Smith-Jones", "04/03/2010", "LS6 2AB", "12 Acacia Road", "Leeds", "9434765919"];

describe("comparison levels", () => {
  it("grades names", () => {
    const [exact, nick, typo, swapped, initial, other] = levels([
      base,
      ["1", "robert", "smith-jones", "", "", "", "", ""],
      ["2", "Bob", "Jones", "", "", "", "", ""],
      ["3", "Robret", "Smitj-Jonse", "", "", "", "", ""],
      ["4", "Smith-Jones", "Robert", "", "", "", "", ""],
      ["5", "R", "Smithjones", "", "", "", "", ""],
      ["6", "Alice", "Brown", "", "", "", "", ""],
    ]);
    expect(exact!.given_name).toBe("exact");
    expect(exact!.surname).toBe("exact");
    expect(nick!.given_name).toBe("nickname or spelling variant");
    expect(nick!.surname).toBe("one part of a double-barrelled or joined name");
    expect(typo!.given_name).toBe("Jaro-Winkler ≥ 0.92");
    expect(typo!.surname).toBe("Jaro-Winkler ≥ 0.92");
    expect(swapped!.given_name).toBe("given name and surname swapped");
    expect(initial!.given_name).toBe("initial only");
    expect(initial!.surname).toBe("exact"); // joined double barrel equals the hyphenated one
    expect(other!.given_name).toBe("all other");
    expect(exact!.dob).toBe("missing");
  });

  it("grades dates, including day and month swapped", () => {
    const r = levels([
      base,
      ["1", "", "", "2010-03-04", "", "", "", ""],
      ["2", "", "", "03/04/2010", "", "", "", ""],
      ["3", "", "", "04/03/2011", "", "", "", ""],
      ["4", "", "", "20/03/2010", "", "", "", ""],
      ["5", "", "", "25/11/2010", "", "", "", ""],
      ["6", "", "", "04/03/1990", "", "", "", ""],
    ]);
    expect(r.map((x) => x.dob)).toEqual([
      "exact",
      "day and month swapped",
      "one typing error",
      "within 31 days",
      "within 1 year",
      "all other",
    ]);
  });

  it("reads the address parts together", () => {
    const r = levels([
      base,
      ["1", "", "", "", "ls62ab", "12 Acacia Rd", "Leeds", ""],
      ["2", "", "", "", "LS6 2AB", "3 Elm Street", "Leeds", ""],
      ["3", "", "", "", "LS6 2BA", "12 Acacia Road", "Leeds", ""],
      ["4", "", "", "", "LS6 4XY", "7 Oak Way", "Leeds", ""],
      ["5", "", "", "", "M1 1AE", "7 Oak Way", "Manchester", ""],
      ["6", "", "", "", "", "", "", ""],
    ]);
    expect(r.map((x) => x.address)).toEqual([
      LOCATION_LEVELS[0],
      LOCATION_LEVELS[1],
      LOCATION_LEVELS[2],
      LOCATION_LEVELS[5],
      LOCATION_LEVELS[7],
      "missing",
    ]);
  });

  it("grades NHS numbers by edits", () => {
    const r = levels([
      base,
      ["1", "", "", "", "", "", "", "943 476 5919"],
      ["2", "", "", "", "", "", "", "9434765991"],
      ["3", "", "", "", "", "", "", "9434766929"],
      ["4", "", "", "", "", "", "", "4010232137"],
    ]);
    expect(r.map((x) => x.nhs_number)).toEqual(["exact", "one edit", "two edits", "all other"]);
  });
});
