// A small Word (.docx) writer for the agenda and minutes: no library for .docx is installed, so this
// writes the three parts Word needs ([Content_Types].xml, _rels/.rels, word/document.xml) into a
// ZIP container (deflate, CRC-32 from node:zlib). Paragraphs, headings by run formatting, simple
// tables, and the watermark in the page header text. Pure apart from the clock text passed in.
import { crc32, deflateRawSync } from "node:zlib";
import { formatLondon } from "../../platform/clock.ts";

// ---------- ZIP ----------

type Entry = { name: string; data: Buffer };

function dosTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

export function zip(entries: Entry[], at = new Date()): Buffer {
  const { time, date } = dosTime(at);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const packed = deflateRawSync(e.data);
    const crc = crc32(e.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

// ---------- WordprocessingML ----------

/** XML 1.0 does not allow control characters other than tab, newline and carriage return. */
const xmlSafe = (s: string) =>
  [...s]
    .filter((ch) => {
      const c = ch.charCodeAt(0);
      return c >= 32 || c === 9 || c === 10 || c === 13;
    })
    .join("");
const esc = (s: string) => xmlSafe(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

type Run = { text: string; bold?: boolean; size?: number; colour?: string };
const run = (r: Run) =>
  `<w:r><w:rPr>${r.bold ? "<w:b/>" : ""}${r.colour ? `<w:color w:val="${r.colour}"/>` : ""}${r.size ? `<w:sz w:val="${r.size}"/>` : ""}</w:rPr>${r.text
    .split("\n")
    .map((line, i) => `${i ? "<w:br/>" : ""}<w:t xml:space="preserve">${esc(line)}</w:t>`)
    .join("")}</w:r>`;
const para = (runs: Run[] | string, opts: { spaceAfter?: number; pageBreak?: boolean } = {}) =>
  `<w:p><w:pPr>${opts.pageBreak ? "<w:pageBreakBefore/>" : ""}<w:spacing w:after="${opts.spaceAfter ?? 120}"/></w:pPr>${(typeof runs === "string" ? [{ text: runs }] : runs).map(run).join("")}</w:p>`;
const heading = (text: string, level: 1 | 2 | 3) =>
  para([{ text, bold: true, size: level === 1 ? 36 : level === 2 ? 28 : 24 }], { spaceAfter: 160 });
const table = (rows: string[][], header = true) =>
  `<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>${["top", "left", "bottom", "right", "insideH", "insideV"].map((b) => `<w:${b} w:val="single" w:sz="4" w:space="0" w:color="B1B4B6"/>`).join("")}</w:tblBorders></w:tblPr>${rows
    .map(
      (r, i) =>
        `<w:tr>${r.map((c) => `<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>${para([{ text: c, bold: header && i === 0 }], { spaceAfter: 40 })}</w:tc>`).join("")}</w:tr>`,
    )
    .join("")}</w:tbl>`;

export type MinutesDoc = {
  meeting: {
    title: string;
    reference: string;
    held_at: Date;
    location: string | null;
    chair: string | null;
    kind: string;
  };
  attendance: { person_name: string; role: string | null; attendance: string; agency: string }[];
  items: {
    position: number;
    name: string;
    reference: string;
    reason_detail: string | null;
    minute_id: string | null;
    summary: string | null;
    child_voice: string | null;
    risk_level: string | null;
    risk_trend: string | null;
    next_review_on: string | null;
    decisions: {
      text: string;
      due_on: string | null;
      owner_agency: string | null;
      owner_name: string | null;
    }[];
  }[];
};

const cap = (s: string | null) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : "");

/** The agenda and minutes as a .docx document. */
export function minutesDocx(d: MinutesDoc, mark: { by: string; at: Date }): Buffer {
  const watermark = `OFFICIAL-SENSITIVE. Downloaded from Lantern by ${mark.by} on ${formatLondon(mark.at)} (UK time). Do not forward.`;
  const body: string[] = [];
  body.push(para([{ text: watermark, bold: true, colour: "B10E1E", size: 18 }]));
  body.push(heading(d.meeting.title, 1));
  body.push(
    para(
      `${formatLondon(d.meeting.held_at, "EEEE d MMMM yyyy, HH:mm")}${d.meeting.location ? `, ${d.meeting.location}` : ""}${d.meeting.chair ? `. Chair: ${d.meeting.chair}` : ""}. Reference ${d.meeting.reference}.`,
    ),
  );
  body.push(heading("Attendance", 2));
  body.push(
    d.attendance.length
      ? table([
          ["Agency", "Name", "Role", "Attendance"],
          ...d.attendance.map((a) => [
            a.agency,
            a.person_name,
            a.role ?? "",
            a.attendance === "apologies" ? "Apologies" : cap(a.attendance),
          ]),
        ])
      : para("No attendance recorded."),
  );
  body.push(heading("Agenda", 2));
  body.push(
    d.items.length
      ? table([
          ["#", "Child", "Why on the agenda"],
          ...d.items.map((i) => [String(i.position), `${i.name} (${i.reference})`, i.reason_detail ?? ""]),
        ])
      : para("No children on the agenda."),
  );
  for (const i of d.items) {
    body.push(heading(`${i.position}. ${i.name} (${i.reference})`, 2));
    if (!i.minute_id) {
      body.push(para("No minutes recorded."));
      continue;
    }
    body.push(heading("Discussion", 3), para(i.summary ?? ""));
    if (i.child_voice) body.push(heading("The child's voice", 3), para(i.child_voice));
    if (i.risk_level)
      body.push(
        para([
          { text: "Review: ", bold: true },
          { text: `risk ${i.risk_level}, ${i.risk_trend ?? ""}; next review ${i.next_review_on ?? ""}.` },
        ]),
      );
    if (i.decisions.length) {
      body.push(heading("Decisions and actions", 3));
      body.push(
        table([
          ["Decision", "Agency responsible", "Due"],
          ...i.decisions.map((x) => [
            x.text,
            [x.owner_agency, x.owner_name].filter(Boolean).join(": ") || "Decision only",
            x.due_on ?? "",
          ]),
        ]),
      );
    }
  }
  body.push(para([{ text: watermark, bold: true, colour: "B10E1E", size: 18 }]));
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body.join("")}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>`;
  const types = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
  const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;
  return zip(
    [
      { name: "[Content_Types].xml", data: Buffer.from(types, "utf8") },
      { name: "_rels/.rels", data: Buffer.from(rels, "utf8") },
      { name: "word/document.xml", data: Buffer.from(document, "utf8") },
    ],
    mark.at,
  );
}
