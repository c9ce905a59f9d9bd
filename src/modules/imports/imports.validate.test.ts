import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mappingProblems, suggestMapping } from "./imports.fields.ts";
import {
  checkRow,
  formulaSafe,
  isFormulaLike,
  isValidUpn,
  normalisePostcode,
  splitFullName,
  upnCheckLetter,
} from "./imports.validate.ts";

const ctx = {
  kind: "extract" as const,
  subject: "child" as const,
  header: ["ID", "Forename", "Surname", "DOB", "Sex", "NHS", "Postcode", "SEN"],
  mapping: {
    ID: "record_id",
    Forename: "given_name",
    Surname: "family_name",
    DOB: "date_of_birth",
    Sex: "sex",
    NHS: "nhs_number",
    Postcode: "postcode",
    SEN: "send_status",
  },
  today: "2026-01-10",
};

describe("formula injection", () => {
  it("flags cells a spreadsheet would run, not numbers and phone numbers", () => {
    for (const bad of [
      "=cmd|' /C calc'!A0",
      "+cmd|' /C calc'!A0",
      "-2+3",
      "@SUM(1+1)",
      "\t=1",
      "=1+1",
      "-cmd",
    ])
      expect(isFormulaLike(bad), bad).toBe(true);
    for (const ok of [
      "",
      "-12",
      "-12.5",
      "+44 7700 900123",
      "+44 (0)7700 900123",
      "-",
      "Smith-Jones",
      "a=b",
      "2010-01-01",
    ])
      expect(isFormulaLike(ok), ok).toBe(false);
  });
  it("formulaSafe neutralises anything that starts like a formula", () => {
    expect(formulaSafe('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(formulaSafe("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(formulaSafe("Amelia")).toBe("Amelia");
    fc.assert(fc.property(fc.string(), (s) => !/^[=+\-@\t\r\n]/.test(formulaSafe(s))));
  });
});

describe("identifiers", () => {
  it("UPN check letters (DfE algorithm) and UK postcodes", () => {
    const twelve = "931402119101";
    expect(isValidUpn(upnCheckLetter(twelve) + twelve)).toBe(true);
    const wrong = upnCheckLetter(twelve) === "A" ? "B" : "A";
    expect(isValidUpn(wrong + twelve)).toBe(false);
    expect(normalisePostcode("nm102hj")).toBe("NM10 2HJ");
    expect(normalisePostcode("SW1A 1AA")).toBe("SW1A 1AA");
    expect(normalisePostcode("ZZ99")).toBeNull();
    expect(normalisePostcode("NM1 1CI")).toBeNull(); // C and I never end a postcode
  });
  it("splits full names written either way", () => {
    expect(splitFullName("OKAFOR, Jayden")).toEqual({ given: "Jayden", family: "OKAFOR" });
    expect(splitFullName("Mary Jane Smith")).toEqual({ given: "Mary Jane", family: "Smith" });
    expect(splitFullName("Cher")).toEqual({ given: null, family: "Cher" });
  });
});

describe("a row", () => {
  it("a good row: standardised values and its key", () => {
    const r = checkRow(ctx, ["P1", " Amelia ", "Hart", "14/03/2011", "F", "943 476 5919", "nm1 4ab", "EHCP"]);
    expect(r.issues).toEqual([]);
    expect(r.key).toBe("P1");
    expect(r.std).toMatchObject({
      given_name: "Amelia",
      date_of_birth: "2011-03-14",
      sex: "female",
      nhs_number: "9434765919",
      postcode: "NM1 4AB",
      send_status: "ehcp",
    });
  });
  it("every problem is reported, with its field and value", () => {
    const r = checkRow(ctx, [
      "",
      "J0hn",
      "=cmd|' /C calc'!A0",
      "31/02/2011",
      "Q",
      "9434765918",
      "nowhere",
      "maybe",
    ]);
    expect(r.issues.map((i) => i.field).sort()).toEqual([
      "date_of_birth",
      "family_name",
      "given_name",
      "nhs_number",
      "postcode",
      "record_id",
      "send_status",
      "sex",
    ]);
    expect(r.key).toBeNull();
  });
  it("suggested mappings use saved ones first, then column names; required columns are checked", () => {
    const header = ["Nominal ID", "Forename", "Surname", "Born", "Notes"];
    expect(suggestMapping("extract", header)).toEqual({
      "Nominal ID": "record_id",
      Forename: "given_name",
      Surname: "family_name",
      Born: "date_of_birth",
    });
    expect(suggestMapping("extract", header, { Notes: "other_names", Born: "date_of_birth" })).toMatchObject({
      Notes: "other_names",
    });
    expect(
      mappingProblems("extract", "child", header, { Forename: "given_name" }).map((p) => p.message),
    ).toEqual([
      "Missing required column: The agency's own ID for the person",
      "Missing required column: Family name or Full name (split into given and family name)",
      "Missing required column: Date of birth",
    ]);
  });
});
