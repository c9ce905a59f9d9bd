// The .docx writer makes a valid ZIP (read back here through its central directory, CRC checked)
// holding the three parts Word needs, with the minutes' text escaped as XML.
import { crc32, inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { minutesDocx } from "./docx.ts";

function unzip(buf: Buffer): Map<string, string> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const out = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const crc = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const offset = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString("utf8");
    const localName = buf.readUInt16LE(offset + 26);
    const data = inflateRawSync(buf.subarray(offset + 30 + localName, offset + 30 + localName + size));
    expect(crc32(data) >>> 0).toBe(crc);
    out.set(name, data.toString("utf8"));
    at += 46 + nameLen;
  }
  return out;
}

describe("minutes as .docx", () => {
  it("is a ZIP with the Word parts, watermarked, and escapes text", () => {
    const buf = minutesDocx(
      {
        meeting: {
          title: "MACE panel: December",
          reference: "MTG-1",
          held_at: new Date("2026-12-03T10:00:00Z"),
          location: "Room 4",
          chair: "J Fisher",
          kind: "mace_panel",
        },
        attendance: [
          {
            person_name: "DS Adeyemi",
            role: "Detective Sergeant",
            attendance: "present",
            agency: "Kestershire Constabulary",
          },
        ],
        items: [
          {
            position: 1,
            name: "Maya <Osei> & co",
            reference: "CH-1",
            reason_detail: "review due",
            minute_id: "m1",
            summary: 'She said "I want to go home"\nand asked for help.',
            child_voice: null,
            risk_level: "high",
            risk_trend: "stable",
            next_review_on: "2027-01-14",
            decisions: [
              {
                text: "Serve a CAWN",
                due_on: "2026-12-10",
                owner_agency: "Kestershire Constabulary",
                owner_name: null,
              },
            ],
          },
        ],
      },
      { by: "Jo Fisher (Partnership)", at: new Date("2026-12-03T12:00:00Z") },
    );
    const parts = unzip(buf);
    expect([...parts.keys()]).toEqual(["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
    const doc = parts.get("word/document.xml")!;
    expect(doc).toContain("Downloaded from Lantern by Jo Fisher (Partnership) on 3 December 2026, 12:00");
    expect(doc).toContain("Maya &lt;Osei&gt; &amp; co");
    expect(doc).toContain("<w:br/>");
    expect(doc).toContain("Serve a CAWN");
    expect(doc).not.toMatch(/<[^>]*Osei/);
  });
});
