import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDate } from "./dates.ts";
import { MappingError, parseMapSpec, resolveColumns } from "./fields.ts";
import {
  areNicknames,
  canonicalGivenName,
  isValidNhsNumber,
  nhsCheckDigit,
  standardiseGivenName,
  standardiseNhsNumber,
  standardisePhone,
  standardisePostcode,
  standardiseSex,
  standardiseSurname,
} from "./standardise.ts";
import { normaliseText, soundex } from "./text.ts";

describe("text", () => {
  it("folds case, accents, punctuation and spaces", () => {
    expect(normaliseText("  Zoë   ÓSúilleabháin ")).toBe("zoe osuilleabhain");
    expect(normaliseText("Jean-Luc")).toBe("jean luc");
    expect(normaliseText("Straße")).toBe("strasse");
    expect(normaliseText("O'Neil")).toBe("oneil");
    expect(normaliseText("already clean")).toBe("already clean");
  });

  it("computes Soundex", () => {
    expect(soundex("robert")).toBe("r163");
    expect(soundex("rupert")).toBe("r163");
    expect(soundex("ashcraft")).toBe("a261");
    expect(soundex("tymczak")).toBe("t522");
    expect(soundex("pfister")).toBe("p236");
    expect(soundex("")).toBe("");
  });
});

describe("names", () => {
  it("standardises given names", () => {
    expect(standardiseGivenName(" Dr. Zoë-Ann ")).toBe("zoe ann");
    expect(standardiseGivenName("UNKNOWN")).toBeNull();
    expect(standardiseGivenName("  ")).toBeNull();
    expect(standardiseGivenName("Baby")).toBeNull();
  });

  it("standardises surnames: hyphens, double barrels, particles, suffixes", () => {
    expect(standardiseSurname("Smith-Jones")).toBe("smith jones");
    expect(standardiseSurname("Smith  Jones")).toBe("smith jones");
    expect(standardiseSurname("O'Brien")).toBe("obrien");
    expect(standardiseSurname("O Brien")).toBe("obrien");
    expect(standardiseSurname("Mc Donald")).toBe("mcdonald");
    expect(standardiseSurname("de la Cruz")).toBe("delacruz");
    expect(standardiseSurname("Brown Jnr")).toBe("brown");
  });

  it("knows nicknames and spelling variants", () => {
    expect(areNicknames("bob", "robert")).toBe(true);
    expect(areNicknames("liz", "elizabeth")).toBe(true);
    expect(areNicknames("kate", "katherine")).toBe(true);
    expect(areNicknames("kate", "catherine")).toBe(true);
    expect(areNicknames("jack", "john")).toBe(true);
    expect(areNicknames("alfie", "alfred")).toBe(true);
    expect(areNicknames("mohammed", "muhammad")).toBe(true);
    expect(areNicknames("bob", "elizabeth")).toBe(false);
    expect(areNicknames("zebedee", "zebedee")).toBe(false); // not in the table at all
    expect(canonicalGivenName("bobby")).toBe("robert");
    expect(canonicalGivenName("zebedee jo")).toBe("zebedee");
  });
});

describe("postcodes", () => {
  it("standardises UK postcodes to outward + inward code", () => {
    expect(standardisePostcode("sw1a1aa")).toEqual({ full: "SW1A 1AA", sector: "SW1A 1", district: "SW1A" });
    expect(standardisePostcode(" LS6  2AB ")?.full).toBe("LS6 2AB");
    expect(standardisePostcode("M1 1AE")?.district).toBe("M1");
  });

  it("puts right O/0 and I/1 mis-keyed in the inward code", () => {
    expect(standardisePostcode("LS6 OAB")?.full).toBe("LS6 0AB");
    expect(standardisePostcode("LS6 2A8")?.full).toBe("LS6 2AB");
    expect(standardisePostcode("LS6 ZAB")?.full).toBe("LS6ZAB"); // not fixable: kept as cleaned text
    expect(standardisePostcode("LS6 21B")?.full).toBe("LS6 2IB");
  });

  it("keeps four-digit Australian postcodes (FEBRL) and partial or odd values", () => {
    expect(standardisePostcode(" 4223")).toEqual({ full: "4223", sector: "422", district: "42" });
    expect(standardisePostcode("SW1A")).toEqual({ full: "SW1A", sector: null, district: "SW1A" });
    expect(standardisePostcode("")).toBeNull();
    expect(standardisePostcode("0000")).toBeNull();
  });
});

describe("dates", () => {
  it("reads common formats", () => {
    for (const s of [
      "20100304",
      "2010-03-04",
      "2010/03/04",
      "04/03/2010",
      "4/3/2010",
      "04-03-2010",
      "04.03.2010",
      "4 Mar 2010",
      "4th March 2010",
      "March 4, 2010",
      "2010-03-04T00:00:00Z",
      "04/03/2010 00:00",
      "040310",
    ]) {
      expect(parseDate(s)?.key, s).toBe("20100304");
    }
    expect(parseDate("04/03/2010", { monthFirst: true })?.key).toBe("20100403");
    expect(parseDate("01/02/85")?.key).toBe("19850201");
  });

  it("keeps impossible dates as comparable keys without a day number", () => {
    const d = parseDate("19150931")!; // 31 September
    expect(d.key).toBe("19150931");
    expect(d.days).toBeNull();
    expect(parseDate("2010-13-01")?.key).toBe("20101301");
    expect(parseDate("29/02/2001")?.days).toBeNull();
    expect(parseDate("29/02/2000")?.days).not.toBeNull();
  });

  it("keeps unparseable text and ignores empties", () => {
    expect(parseDate("unknown")?.key).toBe("unknown");
    expect(parseDate("  ")).toBeNull();
  });

  it("reads any calendar date the same way in every supported format", () => {
    const date = fc.date({
      min: new Date("1900-01-01T00:00:00Z"),
      max: new Date("2099-12-31T00:00:00Z"),
      noInvalidDate: true,
    });
    const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    fc.assert(
      fc.property(date, (dt) => {
        const y = dt.getUTCFullYear();
        const m = dt.getUTCMonth() + 1;
        const d = dt.getUTCDate();
        const p2 = (n: number) => String(n).padStart(2, "0");
        const key = `${y}${p2(m)}${p2(d)}`;
        const forms = [
          key,
          `${y}-${p2(m)}-${p2(d)}`,
          `${p2(d)}/${p2(m)}/${y}`,
          `${d}/${m}/${y}`,
          `${d} ${months[m - 1]} ${y}`,
          `${p2(d)}.${p2(m)}.${y}`,
        ];
        for (const f of forms) {
          const parsed = parseDate(f);
          if (parsed?.key !== key || parsed.days !== Math.round(Date.UTC(y, m - 1, d) / 86_400_000))
            return false;
        }
        return true;
      }),
    );
  });

  it("counts days consistently", () => {
    expect(parseDate("1970-01-02")?.days).toBe(1);
    expect(parseDate("2000-03-01")!.days! - parseDate("2000-02-28")!.days!).toBe(2);
  });
});

describe("identifiers and other fields", () => {
  it("checks NHS numbers with the modulus-11 check digit", () => {
    expect(isValidNhsNumber("943 476 5919")).toBe(true);
    expect(isValidNhsNumber("9434765918")).toBe(false);
    expect(nhsCheckDigit("943476591")).toBe(9);
    expect(standardiseNhsNumber("943-476-5919")).toBe("9434765919");
    expect(standardiseNhsNumber("0000000000")).toBeNull();
  });

  it("standardises sex and phone numbers", () => {
    expect(standardiseSex("Female")).toBe("f");
    expect(standardiseSex("M")).toBe("m");
    expect(standardiseSex("not known")).toBeNull();
    expect(standardisePhone("+44 7700 900123")).toBe("07700900123");
    expect(standardisePhone("0044 7700 900123")).toBe("07700900123");
  });
});

describe("column mapping", () => {
  it("recognises common names, case and spaces aside, and lists the rest", () => {
    const r = resolveColumns([
      "rec_id",
      " Given_Name",
      " surname",
      " Date of Birth",
      " postcode",
      " shoe size",
    ]);
    expect(r.idColumn).toBe(0);
    expect(r.mappings.map((m) => [m.field.name, m.column])).toEqual([
      ["given_name", 1],
      ["surname", 2],
      ["dob", 3],
      ["postcode", 4],
    ]);
    expect(r.unknown).toEqual(["shoe size"]);
  });

  it("applies --map entries and --id", () => {
    const r = resolveColumns(["Ref", "Forename1", "Born"], {
      idColumn: "ref",
      map: parseMapSpec("given_name=Forename1,date_of_birth=Born"),
    });
    expect(r.mappings.map((m) => m.field.name)).toEqual(["given_name", "dob"]);
  });

  it("rejects bad --map entries with a message naming the problem", () => {
    expect(() => parseMapSpec("given_name")).toThrow(MappingError);
    expect(() => parseMapSpec("shoe=Size")).toThrow(/unknown field "shoe"/);
    expect(() => resolveColumns(["a", "b"], { map: parseMapSpec("surname=Nope") })).toThrow(
      /no column "Nope"/,
    );
  });
});
