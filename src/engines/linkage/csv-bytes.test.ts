import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvField, parseCsv } from "./csv.ts";
import { CsvByteIngest } from "./csv-bytes.ts";
import { resolveColumns } from "./fields.ts";
import { type RecordSet, RecordSetBuilder, standardiseRecords } from "./records.ts";

const header = ["id", "first_name", "surname", "dob", "postcode", "nhs_number"];

function viaBytes(text: string, cuts: number[]): RecordSet {
  const { mappings, idColumn } = resolveColumns(header);
  const builder = new RecordSetBuilder(mappings.map((m) => m.field));
  const fieldOfColumn = header.map((_, c) => mappings.findIndex((m) => m.column === c));
  const ingest = new CsvByteIngest(builder, fieldOfColumn, idColumn);
  const bytes = new TextEncoder().encode(text);
  let last = 0;
  for (const c of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b)) {
    ingest.push(bytes.subarray(last, c));
    last = c;
  }
  ingest.push(bytes.subarray(last));
  ingest.end();
  return builder.finish();
}

function viaStrings(text: string): RecordSet {
  const rows = parseCsv(text);
  const { mappings } = resolveColumns(header);
  return standardiseRecords(rows.slice(1), mappings);
}

const flat = (r: RecordSet) => ({
  ids: r.ids,
  fields: r.fields.map((f) => Array.from(f.codes, (c) => (c < 0 ? null : f.values[c]))),
});

describe("byte-level CSV ingestion", () => {
  it("reads FEBRL-style rows: spaces after commas, CRLF, no final newline, BOM", () => {
    const text =
      '\ufeffid, first_name, surname, dob, postcode, nhs_number\r\nrec-1, michaela, neumann, 19151111, 4223, \r\nrec-2, , "O\'Neil, Jr", 19161214, 4560, 9434765919';
    const r = viaBytes(text, [7, 40, 41, 60]);
    expect(flat(r)).toEqual({
      ids: ["rec-1", "rec-2"],
      fields: [
        ["michaela", null],
        ["neumann", "oneil"],
        ["19151111", "19161214"],
        ["4223", "4560"],
        [null, "9434765919"],
      ],
    });
  });

  it("gives the same records as the string parser however the bytes are cut", () => {
    const cell = fc.oneof(
      fc.constantFrom(
        "Zoë",
        "O'Brien",
        "Smith-Jones",
        "04/03/2010",
        "LS6 2AB",
        "ls62ab",
        " 943 476 5919 ",
        "",
      ),
      fc.string({ unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "é"), maxLength: 5 }),
    );
    const row = fc.array(cell, { minLength: 6, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (rows, cuts, crlf) => {
          const eol = crlf ? "\r\n" : "\n";
          const body = rows.map((r, i) => [`r${i}`, ...r.slice(1)].map(csvField).join(",")).join(eol);
          const text = `${header.join(",")}${eol}${body}`;
          expect(flat(viaBytes(text, cuts))).toEqual(flat(viaStrings(text)));
        },
      ),
    );
  });
});
