// The master child index (issue 6): imported records link to Lantern children through a linkage
// run (a job); uncertain pairs go to the review queue; "same child" links or merges, "different"
// keeps apart; split and undo restore what was there; unmatched records can become a new child;
// nothing is deleted; every decision is audited.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker } from "../../src/boot.ts";
import type { SessionUser } from "../../src/http/routes.ts";
import { importsService } from "../../src/modules/imports/index.ts";
import { linkageService } from "../../src/modules/linkage/index.ts";
import { newId } from "../../src/platform/ids.ts";
import { makeAgency, makeUser, type TestApp, testApp } from "./app.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "imports");

let t: TestApp;
let analyst: SessionUser;
const actor = () => ({ userId: analyst.id, agencyId: analyst.agencyId, requestId: null, ip: null });
const agencies: Record<string, string> = {};

async function importFile(agency: string, name: string, file: string) {
  const s = importsService(t.app);
  const up = await s.upload(analyst, actor(), {
    agencyId: agencies[agency]!,
    kind: "extract",
    subject: "child",
    sourceName: name,
    filename: file,
    content: readFileSync(join(FIXTURES, file)),
  });
  const v = await s.get(analyst, up.batchId);
  await s.saveMapping(analyst, actor(), up.batchId, await s.suggestedMapping(analyst, v), v.version);
  const v2 = await s.get(analyst, up.batchId);
  expect(v2.rowsInvalid).toBe(0);
  await s.decide(analyst, actor(), up.batchId, "all", v2.version);
  return up.batchId;
}

async function child(given: string, family: string, dob: string, extra: Record<string, unknown> = {}) {
  const id = newId();
  await t.app.db
    .insertInto("children")
    .values({
      id,
      reference: `CH-T${id.slice(0, 8)}`,
      owning_agency_id: agencies.social!,
      given_name: given,
      family_name: family,
      date_of_birth: dob,
      ...extra,
    })
    .execute();
  return id;
}

beforeAll(async () => {
  t = await testApp();
  agencies.police = (await makeAgency(t.app, "police", "Kestershire Constabulary")).id;
  agencies.school = (await makeAgency(t.app, "school", "Kesterbridge Academy")).id;
  agencies.social = (await makeAgency(t.app, "social_care", "Children's Social Care")).id;
  const u = await makeUser(t.app, { roles: ["analyst"], agencyId: agencies.police });
  analyst = {
    id: u.id,
    email: u.email,
    displayName: "Ana Lyst",
    agencyId: agencies.police!,
    agencyName: "Kestershire Constabulary",
    agencyKind: "police",
    roles: ["analyst"],
    sessionId: "",
  };
});
afterAll(async () => {
  await t.close();
});

async function n(q: string): Promise<number> {
  const r = await sql<{ n: number }>`${sql.raw(q)}`.execute(t.app.db);
  return Number(r.rows[0]!.n);
}
async function linksOf(childId: string) {
  const r = await sql<{ row_key: string; status: string }>`select r.row_key, l.status from master_links l
    join source_records r on r.id = l.source_record_id
    where l.child_id = ${childId} and l.ended_at is null and l.status in ('auto','accepted','merged') order by r.row_key`.execute(
    t.app.db,
  );
  return r.rows.map((x) => `${x.row_key}:${x.status}`);
}
async function runLinkage() {
  const l = linkageService(t.app);
  const { id: runId } = await l.startRun(analyst, actor());
  expect(await buildWorker(t.app).drain()).toBeGreaterThan(0);
  const run = await l.run(analyst, runId);
  expect(run.status, run.error ?? "").toBe("succeeded");
  return run;
}

describe("master child index", () => {
  it("links, reviews, merges, splits, creates a child, and undoes — never deleting a record", async () => {
    const l = linkageService(t.app);
    const amelia = await child("Amelia", "Hart", "2011-03-14", { home_postcode: "NM1 4AB", sex: "female" });
    const jayden = await child("Jayden", "Okafor", "2009-11-02", { home_postcode: "NM2 7QT", sex: "male" });
    const kai = await child("Kai", "Robinson", "2011-04-17", { home_postcode: "NM4 2GH", sex: "male" });
    const kai2 = await child("Kai", "Robinson", "2011-04-17", {
      home_postcode: "NM4 2GH",
      sex: "male",
      upn: "M931402119110",
    });
    // Riley's Lantern record says female; the police extract says male: a conflict held for review.
    await child("Riley", "Adeyemi", "2009-06-11", { home_postcode: "NM6 8PQ", sex: "female" });
    await importFile("police", "Niche nominals", "police-extract.csv");
    await importFile("school", "Pupil census", "school-extract.csv");
    const records = await n("select count(*) as n from source_records");
    expect(records).toBe(19);

    const run = await runLinkage();
    expect(run.records).toBe(19);
    expect(await linksOf(amelia)).toEqual(["N-1001:auto", "S2001:auto"]);
    expect(await linksOf(jayden)).toEqual(["N-1002:auto", "S2002:auto"]);
    expect([...(await linksOf(kai)), ...(await linksOf(kai2))].sort()).toEqual(["N-1010:auto", "S2007:auto"]);
    const why = await l.pair(
      analyst,
      actor(),
      (
        await sql<{
          id: string;
        }>`select id from linkage_pairs where status = 'linked' and left_kind = 'child' limit 1`.execute(
          t.app.db,
        )
      ).rows[0]!.id,
    );
    expect(why.explanation.fields.map((f) => f.field)).toEqual(
      expect.arrayContaining(["given_name", "surname", "dob"]),
    );

    // The review queue: the duplicate Kai records (two Lantern children) and Riley (different sex).
    const q = await l.reviewQueue(analyst, actor());
    const kaiPair = q.pairs.find(
      (p) => p.left.kind === "child" && p.right.kind === "child" && p.left.givenName === "Kai",
    )!;
    expect(kaiPair.reason).toMatch(/possible duplicate/);
    const rileyPair = q.pairs.find((p) => p.left.givenName === "Riley" || p.right.givenName === "Riley")!;
    expect(rileyPair.conflicts).toContain("different sex");

    // Different children: kept apart; the record stays unmatched; a negative link is kept for history.
    const rp = await l.pair(analyst, actor(), rileyPair.id);
    await l.decidePair(
      analyst,
      actor(),
      rileyPair.id,
      "different",
      rp.pair.version,
      "Different sex and the school knows a Riley Adeyemi who is a girl",
    );
    expect((await l.reviewQueue(analyst, actor())).pairs.some((p) => p.id === rileyPair.id)).toBe(false);
    expect(await n("select count(*) as n from master_links where status = 'rejected'")).toBe(1);

    // Same child, both Lantern children: a merge. The older record survives; links move; nothing deleted.
    const kp = await l.pair(analyst, actor(), kaiPair.id);
    expect(kp.action).toBe("merge");
    const merge = await l.decidePair(analyst, actor(), kaiPair.id, "same", kp.pair.version);
    expect(merge.kind).toBe("merge");
    const [into, from] = (await linksOf(kai)).length ? [kai, kai2] : [kai2, kai];
    expect((await linksOf(into)).length).toBe(2);
    expect(await linksOf(from)).toEqual([]);
    expect((await l.masterIndex(analyst, actor(), from)).mergedInto?.id).toBe(into);
    expect(await n("select count(*) as n from children")).toBe(5);
    // Deciding the same pair twice is refused.
    await expect(l.decidePair(analyst, actor(), kaiPair.id, "same", null)).rejects.toThrow(/decided already/);

    // Undo the merge: the merge ends, the links go back where they were, the pair is open again.
    const beforeMerge = await sql`select count(*)::int as n from master_links`.execute(t.app.db);
    await l.undo(analyst, actor(), merge.decisionId, "merged too quickly");
    expect(await n("select count(*) as n from child_merges where ended_at is null")).toBe(0);
    expect([...(await linksOf(kai)), ...(await linksOf(kai2))].sort()).toEqual(["N-1010:auto", "S2007:auto"]);
    const again = (await l.reviewQueue(analyst, actor())).pairs;
    expect(
      again.some((p) => [p.left.childId, p.right.childId].sort().join() === [kai, kai2].sort().join()),
    ).toBe(true);
    expect(await n("select count(*) as n from master_links")).toBeGreaterThan(
      (beforeMerge.rows[0] as { n: number }).n,
    );
    await expect(l.undo(analyst, actor(), merge.decisionId)).rejects.toThrow(/undone already/);

    // Split the police record off Amelia: it is kept apart from her, also in the next run.
    const entry = await l.masterIndex(analyst, actor(), amelia);
    const police = entry.active.find((x) => x.row_key === "N-1001")!;
    const split = await l.split(
      analyst,
      actor(),
      amelia,
      police.id,
      "Different child: the police record is her cousin",
    );
    expect(await linksOf(amelia)).toEqual(["S2001:auto"]);
    await runLinkage();
    expect(await linksOf(amelia)).toEqual(["S2001:auto"]);
    await l.undo(analyst, actor(), split.decisionId);
    expect(await linksOf(amelia)).toEqual(["N-1001:auto", "S2001:auto"]);

    // Unmatched records grouped by the run: Kacey's police and school records become one new child.
    const un = await l.unmatched(analyst, actor());
    const kacey = un.list.find((g) => g.records.some((r) => r.givenName === "Kacey"))!;
    expect(kacey.records.map((r) => r.rowKey).sort()).toEqual(["N-1003", "S2003"]);
    const made = await l.createChild(
      analyst,
      actor(),
      kacey.records.map((r) => r.id),
    );
    expect(await linksOf(made.childId)).toEqual(["N-1003:accepted", "S2003:accepted"]);
    const kc = await t.app.db
      .selectFrom("children")
      .selectAll()
      .where("id", "=", made.childId)
      .executeTakeFirstOrThrow();
    expect(kc).toMatchObject({
      given_name: "Kacey",
      family_name: "DOYLE",
      date_of_birth: "2012-02-29",
      sex: "female",
      send_status: "ehcp",
    });
    expect((await l.knownBy(made.childId)).map((k) => k.agency)).toEqual([
      "Kesterbridge Academy",
      "Kestershire Constabulary",
    ]);

    // Nothing was deleted; every decision was audited.
    expect(await n("select count(*) as n from source_records")).toBe(records);
    const actions = (
      await sql<{
        action: string;
      }>`select distinct action from audit_log where action like 'linkage.%' or action = 'child.create'`.execute(
        t.app.db,
      )
    ).rows.map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "linkage.run",
        "linkage.reject",
        "linkage.merge",
        "linkage.undo",
        "linkage.split",
        "child.create",
        "linkage.pair.view",
      ]),
    );
    await expect(sql`delete from source_records`.execute(t.app.db)).rejects.toThrow(/never deleted/);
  });

  it("a changed row becomes a new version that keeps its link; the same file again changes nothing", async () => {
    const jayden = (
      await sql<{ id: string }>`select id from children where given_name = 'Jayden'`.execute(t.app.db)
    ).rows[0]!.id;
    const before = await n("select count(*) as n from source_records");
    const dup = await importsService(t.app).upload(analyst, actor(), {
      agencyId: agencies.police!,
      kind: "extract",
      subject: "child",
      sourceName: "Niche nominals",
      filename: "police-extract.csv",
      content: readFileSync(join(FIXTURES, "police-extract.csv")),
    });
    expect(dup.duplicateOf).not.toBeNull();
    expect(await n("select count(*) as n from source_records")).toBe(before);
    // The next month's extract: Jayden moved house.
    const text = readFileSync(join(FIXTURES, "police-extract.csv"), "utf8").replace(
      'NM2 7QT,"4 Quarry Road',
      'NM2 8QT,"9 New Road',
    );
    const s = importsService(t.app);
    const up = await s.upload(analyst, actor(), {
      agencyId: agencies.police!,
      kind: "extract",
      subject: "child",
      sourceName: "niche NOMINALS",
      filename: "police-extract-2.csv",
      content: Buffer.from(text),
    });
    const v = await s.get(analyst, up.batchId);
    expect(await s.suggestedMapping(analyst, v)).toMatchObject({
      "Nominal ID": "record_id",
      Forename: "given_name",
    });
    await s.saveMapping(analyst, actor(), up.batchId, await s.suggestedMapping(analyst, v), v.version);
    const v2 = await s.get(analyst, up.batchId);
    await s.decide(analyst, actor(), up.batchId, "all", v2.version);
    const done = await s.get(analyst, up.batchId);
    expect([done.rowsInserted, done.rowsUpdated, done.rowsUnchanged]).toEqual([0, 1, 9]);
    expect(await n("select count(*) as n from source_records")).toBe(before + 1);
    expect(await n("select count(*) as n from source_records where superseded_by is not null")).toBe(1);
    await runLinkage();
    expect(await linksOf(jayden)).toEqual(["N-1002:auto", "S2002:auto"]);
    const r = await sql<{
      std: { postcode: string };
    }>`select r.std from master_links l join source_records r on r.id = l.source_record_id
      where l.child_id = ${jayden} and l.ended_at is null and r.row_key = 'N-1002' and r.superseded_by is null`.execute(
      t.app.db,
    );
    expect(r.rows[0]!.std.postcode).toBe("NM2 8QT");
  });
});

describe("linkage pages, the data-gaps report and its export", () => {
  it("an analyst runs linkage, reviews and undoes through the pages; the report and its Excel export are formula-safe", async () => {
    const { Client } = await import("./app.ts");
    const c = new Client(t.server);
    expect((await c.signIn(analyst.email)).statusCode).toBe(303);
    expect((await c.get("/linkage")).statusCode).toBe(200);
    const start = await c.form("/linkage/runs", { threshold: "0.95", reviewThreshold: "0.5" });
    expect(start.statusCode).toBe(303);
    const runUrl = String(start.headers.location);
    expect((await c.get(runUrl)).body).toContain("Waiting for the background worker");
    await buildWorker(t.app).drain();
    const run = await c.get(runUrl);
    expect(run.body).toContain("Linked automatically");
    expect(run.body).toContain("The model (m and u per comparison level)");
    const review = await c.get("/linkage/review");
    expect(review.statusCode).toBe(200);
    const pairUrl = /href="(\/linkage\/pairs\/[0-9a-f-]+)"/.exec(review.body)![1]!;
    const pair = await c.get(pairUrl);
    expect(pair.body).toContain("Why Lantern scored them so");
    const version = /name="version" value="(\d+)"/.exec(pair.body)![1]!;
    const none = await c.form(pairUrl, { version });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('href="#decision"');
    const decided = await c.form(pairUrl, { version, decision: "same", reason: "Same school and family" });
    expect(decided.statusCode).toBe(303);
    const decisionUrl = String(decided.headers.location).split("?")[0]!;
    expect((await c.get(`${decisionUrl}?done=1`)).body).toContain("Undo this decision");
    const undo = await c.form(`${decisionUrl}/undo`, {});
    expect(undo.statusCode).toBe(303);
    expect((await c.get(String(undo.headers.location))).body).toContain(
      "Undone: the master index is as it was",
    );
    expect((await c.get("/linkage/unmatched")).statusCode).toBe(200);
    const amelia = (
      await sql<{ id: string }>`select id from children where given_name = 'Amelia'`.execute(t.app.db)
    ).rows[0]!.id;
    const entry = await c.get(`/master-index/children/${amelia}`);
    expect(entry.body).toContain("Which agencies know this child");
    expect(entry.headers["x-lantern-field-groups"]).toBe("identity");
    // The data-gaps report: chart (SVG with a title and description) and the table alternative.
    const gaps = await c.get("/data-gaps");
    expect(gaps.statusCode).toBe(200);
    expect(gaps.body).toMatch(
      /<svg[^>]*role="img"[^>]*aria-labelledby="chart-children-title chart-children-desc"/,
    );
    expect(gaps.body).toContain('data-testid="children-completeness"');
    const api = await c.api("GET", "/api/v1/data-gaps");
    const g = api.json();
    const police = g.children.find((r: { source: string }) => r.source === "Niche nominals");
    expect(police.fields.ethnicity).toEqual({ present: 10, pct: 100, held: true });
    expect(police.fields.send.held).toBe(false);
    // A formula planted in an agency's value comes out of the Excel export as text.
    await sql`update children set ethnicity = '=HYPERLINK("http://x","y")' where id = ${amelia}`.execute(
      t.app.db,
    );
    const wrong = await c.form("/data-gaps/export", { password: "wrong" });
    expect(wrong.statusCode).toBe(400);
    const xlsx = await t.server.inject({
      method: "POST",
      url: "/data-gaps/export",
      cookies: c.cookies,
      payload: new URLSearchParams({ _csrf: c.csrf, password: "correct horse battery staple" }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(xlsx.statusCode).toBe(200);
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as never);
    const conflicts = wb.getWorksheet("Conflicts")!;
    const cells: unknown[] = [];
    conflicts.eachRow((row) => row.eachCell((cell) => cells.push(cell.value)));
    expect(cells.some((v) => typeof v === "string" && v.includes('=HYPERLINK("http://x","y")'))).toBe(true);
    expect(cells.every((v) => typeof v !== "object" || v === null)).toBe(true);
    expect(cells.some((v) => typeof v === "string" && v.startsWith("="))).toBe(false);
    // The child's record shows which agencies know the child.
    await t.app.db
      .insertInto("relationships")
      .values({
        id: newId(),
        user_id: analyst.id,
        child_id: amelia,
        kind: "allocated_worker",
        reason: "test",
      })
      .execute();
    const record = await c.get(`/children/${amelia}`);
    expect(record.body).toContain('data-testid="known-by"');
    expect(record.body).toContain("Kestershire Constabulary: Niche nominals");
  });
});
