// Imports (issue 6): a malformed file (wrong types, missing required columns, bad dates, bad NHS
// check digits, formula-injection cells) gives a row-by-row error report and writes nothing; the
// same file twice imports once; SSDA903 tables and an Excel tracker import; large files run as
// jobs with progress; pages and API, with CSRF, for analysts and administrators only.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker } from "../../src/boot.ts";
import type { SessionUser } from "../../src/http/routes.ts";
import { importsService } from "../../src/modules/imports/index.ts";
import { Client, makeAgency, makeUser, type TestApp, testApp } from "./app.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "imports");
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

let t: TestApp;
let analyst: SessionUser;
let analystEmail: string;
let police: { id: string; name: string };
let council: { id: string; name: string };
const actor = () => ({ userId: analyst.id, agencyId: analyst.agencyId, requestId: null, ip: null });

async function count(q: string): Promise<number> {
  const r = await sql<{ n: number }>`${sql.raw(q)}`.execute(t.app.db);
  return Number(r.rows[0]!.n);
}

/** A multipart/form-data body as a browser sends it. */
function multipart(
  fields: Record<string, string>,
  file?: { name: string; filename: string; type: string; data: Buffer },
) {
  const boundary = `----lantern${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
    );
    parts.push(file.data, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(
  c: Client,
  fields: Record<string, string>,
  file?: { filename: string; data: Buffer; type?: string },
) {
  const m = multipart(
    { _csrf: c.csrf, ...fields },
    file
      ? { name: "file", filename: file.filename, type: file.type ?? "text/csv", data: file.data }
      : undefined,
  );
  return t.server.inject({
    method: "POST",
    url: "/imports",
    cookies: c.cookies,
    payload: m.body,
    headers: { "content-type": m.type },
  });
}

/** Upload → map (the suggested mapping) → the checked batch, through the service. */
async function checked(
  name: string,
  file: string | Buffer,
  kind: "extract" | "tracker" | "ssda903_header" | "ssda903_episodes" | "ssda903_missing" = "extract",
  agencyId = police.id,
) {
  const s = importsService(t.app);
  const up = await s.upload(analyst, actor(), {
    agencyId,
    kind,
    subject: "child",
    sourceName: name,
    filename: typeof file === "string" ? file : `${name}.xlsx`,
    content: typeof file === "string" ? fixture(file) : file,
  });
  const v = await s.get(analyst, up.batchId);
  if (v.status === "uploaded")
    await s.saveMapping(analyst, actor(), up.batchId, await s.suggestedMapping(analyst, v), v.version);
  return s.get(analyst, up.batchId);
}

beforeAll(async () => {
  t = await testApp();
  police = await makeAgency(t.app, "police", "Kestershire Constabulary");
  council = await makeAgency(t.app, "social_care", "Kestershire Children's Services");
  const partnership = await makeAgency(t.app, "partnership", "Kestershire Safeguarding Partnership");
  const u = await makeUser(t.app, { roles: ["analyst"], agencyId: partnership.id });
  analystEmail = u.email;
  analyst = {
    id: u.id,
    email: u.email,
    displayName: "Ana Lyst",
    agencyId: partnership.id,
    agencyName: partnership.name,
    agencyKind: "partnership",
    roles: ["analyst"],
    sessionId: "",
  };
});
afterAll(async () => {
  await t.close();
});

describe("imports", () => {
  it("a malformed file gives a row-by-row error report and writes nothing", async () => {
    const before = await count("select count(*) as n from source_records");
    const v = await checked("Malformed test", "malformed.csv");
    expect(v.status).toBe("validated");
    expect([v.rowsTotal, v.rowsValid, v.rowsInvalid]).toEqual([14, 2, 12]);
    const errors = await importsService(t.app).errors(analyst, v.id);
    const reasons = (row: number) =>
      errors.filter((e) => e.row_number === row).map((e) => `${e.field}: ${e.reason}`);
    expect(reasons(3)).toEqual(["date_of_birth: Not a real date (no such day in that month)"]);
    expect(reasons(4)).toEqual(["nhs_number: The NHS number's check digit is wrong"]);
    expect(reasons(5)[0]).toMatch(/^Notes: .*formula injection/);
    expect(errors.find((e) => e.row_number === 5)!.value).toBe("=cmd|' /C calc'!A0");
    expect(reasons(6)).toEqual(["date_of_birth: Not a date (use DD/MM/YYYY or YYYY-MM-DD)"]);
    expect(reasons(7)).toEqual(["sex: Sex must be female, male, other or not known"]);
    expect(reasons(8)).toEqual(["nhs_number: An NHS number has 10 digits"]);
    expect(reasons(9)[0]).toMatch(/^family_name: Missing required value/);
    expect(reasons(10)).toEqual(["postcode: Not a UK postcode"]);
    expect(reasons(11)).toEqual(["disability: Must be yes or no (or not known)"]);
    expect(reasons(12)[0]).toMatch(/^given_name: .*formula injection/);
    expect(reasons(13)).toEqual(["date_of_birth: The date is in the future"]);
    expect(reasons(14)[0]).toMatch(/formula injection/);
    expect(reasons(2)).toEqual([]);
    expect(reasons(15)).toEqual([]);
    // "Import every row" is refused while there are errors: nothing is written.
    await expect(importsService(t.app).decide(analyst, actor(), v.id, "all", v.version)).rejects.toThrow(
      /nothing was imported/,
    );
    expect(await count("select count(*) as n from source_records")).toBe(before);
    // The error report: CSV with row, field, value, reason; injected formulas are neutralised.
    const report = await importsService(t.app).errorReportCsv(analyst, actor(), v.id);
    const lines = report.csv
      .replace(/^\uFEFF/, "")
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe('"row","field","value","reason"');
    expect(lines).toHaveLength(errors.length + 1);
    expect(report.csv).toContain(`"'=cmd|' /C calc'!A0"`);
    expect(report.csv).not.toMatch(/(^|,)"=cmd/m);
    // Only the valid rows, when the user chooses it.
    await importsService(t.app).decide(analyst, actor(), v.id, "valid_only", v.version);
    const done = await importsService(t.app).get(analyst, v.id);
    expect([done.status, done.rowsInserted]).toEqual(["imported", 2]);
    expect(await count("select count(*) as n from source_records")).toBe(before + 2);
    const keys = await sql<{
      row_key: string;
    }>`select row_key from source_records where batch_id = ${v.id} order by row_key`.execute(t.app.db);
    expect(keys.rows.map((r) => r.row_key)).toEqual(["M-1", "M-14"]);
  });

  it("a file missing a required column is refused at the mapping, and nothing is written", async () => {
    const s = importsService(t.app);
    const before = await count("select count(*) as n from source_records");
    const up = await s.upload(analyst, actor(), {
      agencyId: police.id,
      kind: "extract",
      subject: "child",
      sourceName: "Missing columns",
      filename: "missing-columns.csv",
      content: fixture("missing-columns.csv"),
    });
    const v = await s.get(analyst, up.batchId);
    const err = await s
      .saveMapping(analyst, actor(), up.batchId, await s.suggestedMapping(analyst, v), v.version)
      .catch((e) => e);
    expect(err.fields).toEqual([
      { field: "date_of_birth", message: "Missing required column: Date of birth" },
    ]);
    expect((await s.get(analyst, up.batchId)).status).toBe("uploaded");
    expect(await count("select count(*) as n from source_records")).toBe(before);
  });

  it("the same valid file twice imports once; a re-saved copy (other bytes, same rows) changes nothing", async () => {
    const s = importsService(t.app);
    const before = await count("select count(*) as n from source_records");
    const first = await checked("Police extract", "police-extract.csv");
    await s.decide(analyst, actor(), first.id, "all", first.version);
    expect((await s.get(analyst, first.id)).rowsInserted).toBe(10);
    expect(await count("select count(*) as n from source_records")).toBe(before + 10);
    const again = await s.upload(analyst, actor(), {
      agencyId: police.id,
      kind: "extract",
      subject: "child",
      sourceName: "Police extract",
      filename: "police-extract (1).csv",
      content: fixture("police-extract.csv"),
    });
    const dup = await s.get(analyst, again.batchId);
    expect(dup.status).toBe("duplicate");
    expect(dup.duplicateOf?.id).toBe(first.id);
    // Same rows, other line endings: a new file hash, but every row key and content is known.
    const resaved = Buffer.from(fixture("police-extract.csv").toString("utf8").replace(/\r\n/g, "\n"));
    const second = await checked("Police extract", resaved);
    expect(second.fileHash).not.toBe(first.fileHash);
    await s.decide(analyst, actor(), second.id, "all", second.version);
    const r = await s.get(analyst, second.id);
    expect([r.rowsInserted, r.rowsUpdated, r.rowsUnchanged]).toEqual([0, 0, 10]);
    expect(await count("select count(*) as n from source_records")).toBe(before + 10);
    const audits = await count(
      "select count(*) as n from audit_log where action in ('import.upload','import.duplicate','import.commit')",
    );
    expect(audits).toBeGreaterThanOrEqual(5);
  });

  it("SSDA903 header, episodes and missing tables import with their published field names", async () => {
    const s = importsService(t.app);
    for (const [kind, file, rows] of [
      ["ssda903_header", "ssda903-header.csv", 3],
      ["ssda903_episodes", "ssda903-episodes.csv", 4],
      ["ssda903_missing", "ssda903-missing.csv", 3],
    ] as const) {
      const v = await checked(`SSDA903 ${kind}`, file, kind, council.id);
      expect(v.mapping).toEqual(Object.fromEntries(v.header.map((h) => [h, h])));
      expect([v.rowsTotal, v.rowsInvalid]).toEqual([rows, 0]);
      await s.decide(analyst, actor(), v.id, "all", v.version);
      expect((await s.get(analyst, v.id)).rowsInserted).toBe(rows);
    }
    const header = await sql<{
      std: Record<string, unknown>;
    }>`select std from source_records where record_type = 'child' and row_key = '900001'`.execute(t.app.db);
    expect(header.rows[0]!.std).toMatchObject({
      CHILD: "900001",
      sex: "female",
      date_of_birth: "2012-02-29",
      ethnicity: "WIRT",
      looked_after: true,
    });
    const eps = await sql<{
      row_key: string;
      parent_key: string;
    }>`select row_key, parent_key from source_records where record_type = 'episode' order by row_key`.execute(
      t.app.db,
    );
    expect(eps.rows.map((r) => r.row_key)).toEqual([
      "900001|2023-04-01",
      "900001|2023-09-15",
      "900002|2022-10-10",
      "900003|2023-05-05",
    ]);
    expect(eps.rows[0]!.parent_key).toBe("900001");
    expect(await count("select count(*) as n from source_records where record_type = 'missing'")).toBe(3);
    // A bad code and an episode that ends before it starts are row errors.
    const bad = Buffer.from(
      "CHILD,DECOM,RNE,LS,CIN,PLACE,DEC,REC\r\n900009,01/05/2023,Q,C2,N1,U1,01/04/2023,E11\r\n",
    );
    const b = await checked("SSDA903 episodes (bad)", bad, "ssda903_episodes", council.id);
    const errs = (await s.errors(analyst, b.id)).map((e) => `${e.field}: ${e.reason}`);
    expect(errs).toEqual([
      "RNE: Not a valid RNE code (allowed: S, P, L, T, U, B)",
      "DEC: DEC is before DECOM",
    ]);
  });

  it("the partnership's Excel tracker (.xlsx, title rows above the header) imports; formula cells give their value", async () => {
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Tracker");
    ws.addRow(["Kestershire vulnerability tracker — OFFICIAL-SENSITIVE"]);
    ws.addRow([]);
    ws.addRow([
      "Ref",
      "Young person",
      "DOB",
      "Gender",
      "Ethnicity",
      "School",
      "RAG",
      "Exploitation type",
      "Missing episodes",
      "Age",
    ]);
    ws.addRow([
      "T-01",
      "Amelia Hart",
      new Date(Date.UTC(2011, 2, 14)),
      "F",
      "White British",
      "Kesterbridge Academy",
      "Red",
      "CSE",
      3,
      { formula: "2026-2011", result: 15 },
    ]);
    ws.addRow([
      "T-02",
      "OKAFOR, Jayden",
      "02/11/2009",
      "M",
      "",
      "Castle Mead",
      "Amber",
      "CCE",
      0,
      { formula: "2026-2009", result: 17 },
    ]);
    ws.addRow([
      "T-03",
      "Kai Robinson",
      new Date(Date.UTC(2011, 3, 17)),
      "M",
      "Mixed",
      "",
      "Green",
      "CCE",
      "lots",
      15,
    ]);
    const data = Buffer.from(await wb.xlsx.writeBuffer());
    const s = importsService(t.app);
    const v = await checked("Vulnerability tracker", data, "tracker");
    expect(v.format).toBe("xlsx");
    expect(v.header[0]).toBe("Ref");
    expect(v.mapping).toMatchObject({
      Ref: "record_id",
      "Young person": "full_name",
      DOB: "date_of_birth",
      RAG: "risk_level",
      "Missing episodes": "missing_count",
    });
    const errs = await s.errors(analyst, v.id);
    expect(errs.map((e) => [e.row_number, e.field, e.reason])).toEqual([
      [6, "missing_count", "Must be a whole number"],
    ]);
    await s.decide(analyst, actor(), v.id, "valid_only", v.version);
    const rows = await sql<{
      std: Record<string, unknown>;
    }>`select std from source_records where batch_id = ${v.id} order by row_key`.execute(t.app.db);
    expect(
      rows.rows.map((r) => [r.std.given_name, r.std.family_name, r.std.date_of_birth, r.std.risk_level]),
    ).toEqual([
      ["Amelia", "Hart", "2011-03-14", "Red"],
      ["Jayden", "OKAFOR", "2009-11-02", "Amber"],
    ]);
  });

  it("large files are checked and imported by jobs, with progress on the batch", async () => {
    const s = importsService(t.app);
    s.inlineMaxBytes = 1000;
    try {
      const lines = ["Record ID,First name,Surname,Date of birth,Postcode"];
      for (let i = 0; i < 2500; i++)
        lines.push(
          `L-${i},Child${String.fromCharCode(97 + (i % 26))},Family${String.fromCharCode(97 + ((i / 26) % 26))},2010-01-${String((i % 28) + 1).padStart(2, "0")},NM1 1AA`,
        );
      const v0 = await checked("Large extract", Buffer.from(lines.join("\n")));
      expect(v0.status).toBe("validating");
      const worker = buildWorker(t.app);
      await worker.drain();
      const v = await s.get(analyst, v0.id);
      expect([v.status, v.rowsTotal, v.rowsDone, v.rowsInvalid]).toEqual(["validated", 2500, 2500, 0]);
      await s.decide(analyst, actor(), v.id, "all", v.version);
      expect((await s.get(analyst, v.id)).status).toBe("importing");
      await worker.drain();
      const done = await s.get(analyst, v.id);
      expect([done.status, done.rowsInserted, done.rowsDone]).toEqual(["imported", 2500, 2500]);
    } finally {
      s.inlineMaxBytes = 1024 * 1024;
    }
  });

  it("pages: upload (multipart, CSRF), map, check, decide, download the error report; other roles are refused", async () => {
    const c = new Client(t.server);
    expect((await c.signIn(analystEmail)).statusCode).toBe(303);
    const page = await c.get("/imports/new");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('enctype="multipart/form-data"');
    // Without the CSRF token the upload is refused.
    const m = multipart({ agencyId: police.id, kind: "extract", subject: "child", sourceName: "X" });
    const noCsrf = await t.server.inject({
      method: "POST",
      url: "/imports",
      cookies: c.cookies,
      payload: m.body,
      headers: { "content-type": m.type },
    });
    expect(noCsrf.statusCode).toBe(403);
    // Missing fields: the form again, with the error summary.
    const empty = await upload(c, { agencyId: police.id, kind: "extract", subject: "child", sourceName: "" });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain("govuk-error-summary");
    expect(empty.body).toContain('href="#sourceName"');
    const r = await upload(
      c,
      { agencyId: police.id, kind: "extract", subject: "child", sourceName: "Page test" },
      { filename: "malformed.csv", data: fixture("malformed.csv") },
    );
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toMatch(/^\/imports\/[0-9a-f-]+\/mapping$/);
    const id = String(r.headers.location).split("/")[2]!;
    const mapping = await c.get(`/imports/${id}/mapping`);
    expect(mapping.statusCode).toBe(200);
    expect(mapping.body).toContain("bad date (31 February)");
    const selected = [
      ...mapping.body.matchAll(/<select[^>]*name="(map_\d+)"[\s\S]*?<option value="([a-z_]+)" selected/g),
    ].map((x) => [x[1], x[2]]);
    expect(selected.length).toBeGreaterThan(5);
    const saved = await c.form(`/imports/${id}/mapping`, { version: "1", ...Object.fromEntries(selected) });
    expect(saved.statusCode).toBe(303);
    const batch = await c.get(`/imports/${id}`);
    expect(batch.body).toContain("14 rows: 2 valid, 12 with errors");
    expect(batch.body).toContain("The NHS number&#39;s check digit is wrong");
    const refused = await c.form(`/imports/${id}/decision`, { version: "3", choice: "all" });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain("12 rows have errors");
    const csv = await c.get(`/imports/${id}/errors.csv`);
    expect(csv.headers["content-type"]).toMatch(/text\/csv/);
    expect(csv.body).toContain("\"'=cmd|' /C calc'!A0\"");
    const cancel = await c.form(`/imports/${id}/decision`, { version: "3", choice: "cancel" });
    expect(cancel.statusCode).toBe(303);
    expect((await c.get(`/imports/${id}`)).body).toContain("Nothing from this file was imported");
    // API: the same upload as JSON (base64), status with ETag, If-Match on changes.
    const api = await c.api("POST", "/api/v1/imports", {
      agencyId: police.id,
      kind: "extract",
      sourceName: "API test",
      filename: "school.csv",
      contentBase64: fixture("school-extract.csv").toString("base64"),
    });
    expect(api.statusCode).toBe(201);
    const apiId = api.json().id;
    const got = await c.api("GET", `/api/v1/imports/${apiId}`);
    expect(got.json().suggestedMapping).toMatchObject({ UPN: "upn", "Pupil ID": "record_id" });
    const noMatch = await c.api("PUT", `/api/v1/imports/${apiId}/mapping`, {
      mapping: got.json().suggestedMapping,
    });
    expect(noMatch.statusCode).toBe(428);
    const put = await c.api(
      "PUT",
      `/api/v1/imports/${apiId}/mapping`,
      { mapping: got.json().suggestedMapping },
      { "if-match": got.headers.etag as string },
    );
    expect(put.statusCode).toBe(200);
    expect(put.json().rows).toMatchObject({ total: 9, invalid: 0 });
    const stale = await c.api(
      "POST",
      `/api/v1/imports/${apiId}/decision`,
      { choice: "all" },
      { "if-match": got.headers.etag as string },
    );
    expect(stale.statusCode).toBe(412);
    const ok = await c.api(
      "POST",
      `/api/v1/imports/${apiId}/decision`,
      { choice: "all" },
      { "if-match": put.headers.etag as string },
    );
    expect(ok.json().rows.inserted).toBe(9);
    // A practitioner cannot import.
    const p = await makeUser(t.app, { roles: ["practitioner"], agencyId: police.id });
    const pc = new Client(t.server);
    await pc.signIn(p.email);
    expect((await pc.get("/imports")).statusCode).toBe(403);
    expect(
      (
        await pc.api("POST", "/api/v1/imports", {
          agencyId: police.id,
          kind: "extract",
          sourceName: "x",
          content: "a",
        })
      ).statusCode,
    ).toBe(403);
  });
});
