// The MACE tracker on a real database: joining the cohort gives the panel access; the table sorts
// and filters server-side; the Excel export needs the password, is watermarked, audited and
// formula-safe (read back with exceljs); agendas are built from the cohort; minutes record decisions
// that become actions and are language-checked; each agency updates only its own actions; leaving
// needs a reason and an outcome; the placement address is hidden without the placement field group.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerJobs } from "../../src/jobs/handlers.ts";
import { Worker } from "../../src/jobs/worker.ts";
import { newId } from "../../src/platform/ids.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { Client, makeAgency, makeUser, type TestApp, testApp } from "./app.ts";

let t: TestApp;
const ag: Record<string, { id: string; name: string }> = {};
const users: Record<string, { id: string; email: string; agencyId: string }> = {};
let childId: string;
let child2: string;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function makeChild(fields: Record<string, unknown> = {}) {
  const id = newId();
  await t.app.db
    .insertInto("children")
    .values({
      id,
      reference: `CH-${id.slice(0, 6).toUpperCase()}`,
      owning_agency_id: ag.social.id,
      given_name: "Maya",
      family_name: "Osei",
      date_of_birth: "2011-05-02",
      sex: "female",
      send_status: "sen_support",
      looked_after: true,
      out_of_area: true,
      placing_authority: "Kestershire County Council",
      placement_address: "7 Hidden Row",
      placement_postcode: "EB1 2XY",
      ...fields,
    })
    .execute();
  return id;
}
const relate = (userId: string, child: string, kind = "allocated_worker") =>
  t.app.db
    .insertInto("relationships")
    .values({
      id: newId(),
      user_id: userId,
      child_id: child,
      kind: kind as "allocated_worker",
      reason: "test",
      starts_at: new Date("2020-01-01"),
    })
    .execute();
async function client(who: string) {
  const c = new Client(t.server);
  expect((await c.signIn(users[who].email)).statusCode).toBe(303);
  return c;
}

beforeAll(async () => {
  t = await testApp();
  ag.social = await makeAgency(t.app, "social_care", "Northmoor Children's Services");
  ag.police = await makeAgency(t.app, "police", "Northmoor Police");
  ag.partnership = await makeAgency(t.app, "partnership", "Northmoor Safeguarding Partnership");
  ag.school = await makeAgency(t.app, "school", "Castlegate Academy");
  users.coordinator = await makeUser(t.app, {
    roles: ["mace_coordinator"],
    agencyId: ag.partnership.id,
    name: "Jo Fisher",
  });
  users.officer = await makeUser(t.app, {
    roles: ["practitioner"],
    agencyId: ag.police.id,
    name: "DS Adeyemi",
  });
  users.worker = await makeUser(t.app, {
    roles: ["practitioner"],
    agencyId: ag.social.id,
    name: "Emma Richardson",
  });
  users.teacher = await makeUser(t.app, {
    roles: ["practitioner"],
    agencyId: ag.school.id,
    name: "Paul Harrison",
  });
  childId = await makeChild();
  child2 = await makeChild({
    given_name: "Kai",
    family_name: "Marsh",
    sex: "male",
    looked_after: false,
    out_of_area: false,
  });
  await relate(users.worker.id, childId);
  await relate(users.worker.id, child2);
  await relate(users.teacher.id, childId);
});
afterAll(async () => {
  await t.close();
});

describe("joining the cohort and the panel", () => {
  it("a coordinator adds the police officer to the panel, then two children: the panel can see them", async () => {
    const c = await client("coordinator");
    const p = await c.form("/tracker/panel", { intent: "add", email: users.officer.email });
    expect(p.statusCode).toBe(303);
    const before = await (await client("officer")).api("GET", `/api/v1/children/${childId}/missing`);
    expect(before.statusCode).toBe(403);
    const r = await c.api(
      "POST",
      "/api/v1/tracker",
      {
        childId,
        reason: "Missing three times this month and found with adults linked to drug supply.",
        concerns: ["cce", "county_lines"],
        leadAgencyId: ag.police.id,
        leadProfessional: '=HYPERLINK("http://x.example","x")',
        riskLevel: "high",
        nextReviewOn: day(3),
      },
      { "idempotency-key": "add-1" },
    );
    expect(r.statusCode).toBe(201);
    const again = await c.api(
      "POST",
      "/api/v1/tracker",
      {
        childId,
        reason: "Same request retried by the browser.",
        concerns: ["cce"],
        leadAgencyId: ag.police.id,
        riskLevel: "high",
        nextReviewOn: day(3),
      },
      { "idempotency-key": "add-1" },
    );
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(r.json().id);
    const dup = await c.api("POST", "/api/v1/tracker", {
      childId,
      reason: "A second entry for the same child.",
      concerns: ["cce"],
      leadAgencyId: ag.police.id,
      riskLevel: "high",
      nextReviewOn: day(3),
    });
    expect(dup.statusCode).toBe(409);
    const r2 = await c.form("/tracker/add", {
      childId: child2,
      reason: "Seen with older males at the skate park, gifts and a new phone.",
      concerns: "cse",
      riskLevel: "medium",
      leadAgencyId: ag.social.id,
      leadProfessional: "Emma Richardson, social worker",
      "nextReviewOn-day": String(Number(day(20).slice(8, 10))),
      "nextReviewOn-month": String(Number(day(20).slice(5, 7))),
      "nextReviewOn-year": day(20).slice(0, 4),
      token: "t-2",
    });
    expect(r2.statusCode).toBe(303);
    const rels = await t.app.db
      .selectFrom("relationships")
      .select(["user_id", "child_id"])
      .where("kind", "=", "mace_panel")
      .execute();
    expect(rels).toEqual(
      expect.arrayContaining([
        { user_id: users.officer.id, child_id: childId },
        { user_id: users.coordinator.id, child_id: childId },
        { user_id: users.officer.id, child_id: child2 },
      ]),
    );
    const after = await (await client("officer")).api("GET", `/api/v1/children/${childId}/missing`);
    expect(after.statusCode).toBe(200);
    const audit = await t.app.db
      .selectFrom("audit_log")
      .select(["action", "child_id"])
      .where("action", "=", "cohort.add")
      .execute();
    expect(audit.length).toBe(2);
  });

  it("refuses a bad entry with field errors and writes nothing", async () => {
    const c = await client("coordinator");
    const kid = await makeChild({ given_name: "Ava" });
    const before = await t.app.db
      .selectFrom("cohort_entries")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const bad = await c.form("/tracker/add", {
      childId: kid,
      reason: "short",
      riskLevel: "extreme",
      "nextReviewOn-day": "31",
      "nextReviewOn-month": "2",
      "nextReviewOn-year": "2027",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("There is a problem");
    expect(bad.body).toContain('href="#nextReviewOn-day"');
    const api = await c.api("POST", "/api/v1/tracker", {
      childId: kid,
      reason: "A reason long enough to pass.",
      concerns: [],
      leadAgencyId: ag.police.id,
      riskLevel: "high",
      nextReviewOn: day(-1),
    });
    expect(api.statusCode).toBe(400);
    const after = await t.app.db
      .selectFrom("cohort_entries")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe("the spreadsheet view", () => {
  it("sorts server-side with aria-sort on the column, filters, and shows only children the viewer may see", async () => {
    const c = await client("coordinator");
    const byRisk = await c.get("/tracker?sort=risk&dir=desc");
    expect(byRisk.statusCode).toBe(200);
    expect(byRisk.body).toMatch(
      /aria-sort="descending"><a class="lantern-sort" href="\/tracker\?sort=risk&amp;dir=asc"/,
    );
    expect(byRisk.body.indexOf("Maya Osei")).toBeLessThan(byRisk.body.indexOf("Kai Marsh"));
    const asc = await c.get("/tracker?sort=risk&dir=asc");
    expect(asc.body.indexOf("Kai Marsh")).toBeLessThan(asc.body.indexOf("Maya Osei"));
    const lac = await c.get("/tracker?flag=looked_after");
    expect(lac.body).toContain("Maya Osei");
    expect(lac.body).not.toContain("Kai Marsh");
    const api = await c.api("GET", "/api/v1/tracker?sort=child&dir=asc");
    expect(api.json().rows.map((r: { name: string }) => r.name)).toEqual(["Kai Marsh", "Maya Osei"]);
    // A teacher related to Maya only (not on the panel) sees one row.
    const teacher = await client("teacher");
    const tt = await teacher.api("GET", "/api/v1/tracker");
    expect(tt.json().rows.map((r: { childId: string }) => r.childId)).toEqual([childId]);
    expect(byRisk.body).not.toContain("7 Hidden Row");
  });

  it("exports to Excel only with the password; the file is watermarked, audited and formula-safe", async () => {
    const c = await client("coordinator");
    const wrong = await c.form("/tracker/export", { password: "not my password", sort: "child", dir: "asc" });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain("The password is not correct");
    const r = await t.server.inject({
      method: "POST",
      url: "/tracker/export",
      cookies: c.cookies,
      payload: new URLSearchParams({
        _csrf: c.csrf,
        password: "correct horse battery staple",
        sort: "child",
        dir: "asc",
      }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toContain("spreadsheetml");
    expect(r.headers["content-disposition"]).toMatch(
      /attachment; filename="mace-tracker-\d{4}-\d\d-\d\d-\d{4}\.xlsx"/,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("Tracker")!;
    expect(String(ws.getCell("A2").value)).toContain(
      "Exported from Lantern by Jo Fisher (Northmoor Safeguarding Partnership)",
    );
    expect(ws.getCell("B6").value).toBe("Kai Marsh");
    expect(ws.getCell("B7").value).toBe("Maya Osei");
    expect(ws.getCell("J7").value).toBe(`'=HYPERLINK("http://x.example","x")`);
    ws.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
    const audits = await t.app.db
      .selectFrom("audit_log")
      .select(["action", "details"])
      .where("action", "in", ["tracker.export", "tracker.export.refused"])
      .execute();
    expect(audits.map((a) => a.action).sort()).toEqual(["tracker.export", "tracker.export.refused"]);
    expect(
      (audits.find((a) => a.action === "tracker.export")!.details as { references: string[] }).references,
    ).toHaveLength(2);
  });
});

describe("meetings, minutes and actions", () => {
  let meetingId: string;
  it("builds the agenda from the cohort and records minutes whose decisions become actions, language-checked", async () => {
    const c = await client("coordinator");
    const held = new Date(Date.now() + 5 * 86_400_000);
    const m = await c.form("/meetings", {
      kind: "mace_panel",
      title: "MACE panel: test",
      "heldAt-day": String(held.getUTCDate()),
      "heldAt-month": String(held.getUTCMonth() + 1),
      "heldAt-year": String(held.getUTCFullYear()),
      "heldAt-time": "10:00",
      token: "m-1",
    });
    expect(m.statusCode).toBe(303);
    meetingId = String(m.headers.location).split("/").pop()!;
    const page = await c.get(`/meetings/${meetingId}`);
    expect(page.body).toContain("Build the agenda from the cohort");
    expect(page.body).toContain("New to the cohort");
    const entries = await t.app.db
      .selectFrom("cohort_entries")
      .select(["id", "child_id"])
      .where("status", "=", "open")
      .execute();
    const body = new URLSearchParams({ _csrf: c.csrf });
    for (const e of entries) body.append("entries", e.id);
    const saved = await t.server.inject({
      method: "POST",
      url: `/meetings/${meetingId}/agenda`,
      cookies: c.cookies,
      payload: body.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(saved.statusCode).toBe(303);
    const items = await t.app.db
      .selectFrom("meeting_items")
      .select(["id", "child_id", "reasons"])
      .where("meeting_id", "=", meetingId)
      .orderBy("position")
      .execute();
    expect(items).toHaveLength(2);
    expect(items[0].child_id).toBe(childId); // review due soonest, high risk: first
    const att = await c.form(`/meetings/${meetingId}/attendance`, {
      agencyId: ag.police.id,
      personName: "DS Adeyemi",
      attendance: "present",
    });
    expect(att.statusCode).toBe(303);
    const minutes = await c.form(`/meetings/${meetingId}/items/${items[0].id}`, {
      summary:
        "The panel heard that Maya keeps putting herself at risk by going to the flat on Eastgate Road.",
      childVoice: "Maya said she wants to go back to football.",
      riskLevel: "high",
      riskTrend: "increasing",
      "nextReviewOn-day": String(Number(day(30).slice(8, 10))),
      "nextReviewOn-month": String(Number(day(30).slice(5, 7))),
      "nextReviewOn-year": day(30).slice(0, 4),
      d1Text: "Police to serve a child abduction warning notice on the adult at the flat",
      d1Agency: ag.police.id,
      "d1Due-day": String(Number(day(7).slice(8, 10))),
      "d1Due-month": String(Number(day(7).slice(5, 7))),
      "d1Due-year": day(7).slice(0, 4),
      d2Text: "Children's services to visit Maya at home this week",
      d2Agency: ag.social.id,
      "d2Due-day": String(Number(day(5).slice(8, 10))),
      "d2Due-month": String(Number(day(5).slice(5, 7))),
      "d2Due-year": day(5).slice(0, 4),
      d3Text: "Maya remains in the cohort",
    });
    expect(minutes.statusCode).toBe(303);
    expect(minutes.headers.location).toContain("saved=flags");
    const mm = await t.app.db
      .selectFrom("meeting_minutes")
      .selectAll()
      .where("item_id", "=", items[0].id)
      .executeTakeFirstOrThrow();
    const flags = mm.language_flags as { phrase: string; field: string; category: string }[];
    expect(flags.some((f) => f.field === "summary" && /putting herself at risk/i.test(f.phrase))).toBe(true);
    expect(mm.language_checked).toBe(true);
    // The language module recorded the checks too (for the practice report), one per narrative field.
    const checks = await t.app.db
      .selectFrom("language_checks")
      .select(["field", "flag_count"])
      .where("record_id", "=", mm.id)
      .execute();
    expect(checks.map((c) => c.field).sort()).toEqual([
      "childVoice",
      "decision 1",
      "decision 2",
      "decision 3",
      "summary",
    ]);
    expect(checks.find((c) => c.field === "summary")!.flag_count).toBeGreaterThan(0);
    const actions = await t.app.db
      .selectFrom("plan_actions")
      .select(["text", "owner_agency_id", "source_minute_id"])
      .where("source_minute_id", "=", mm.id)
      .execute();
    expect(actions.map((a) => a.owner_agency_id).sort()).toEqual([ag.police.id, ag.social.id].sort());
    const decisions = await t.app.db
      .selectFrom("meeting_decisions")
      .select(["text", "action_id"])
      .where("minute_id", "=", mm.id)
      .execute();
    expect(decisions).toHaveLength(3);
    expect(decisions.filter((d) => d.action_id === null).map((d) => d.text)).toEqual([
      "Maya remains in the cohort",
    ]);
    const entry = await t.app.db
      .selectFrom("cohort_entries")
      .select(["risk_trend", "next_review_on", "last_review_on"])
      .where("child_id", "=", childId)
      .executeTakeFirstOrThrow();
    expect(entry.risk_trend).toBe("increasing");
    expect(entry.next_review_on).toBe(day(30));
    // The writer keeps the wording, with a reason (the live hints post it as languageOverride).
    const kept = await c.form(`/meetings/${meetingId}/items/${items[0].id}`, {
      version: String(mm.version),
      summary: mm.summary,
      riskLevel: "high",
      riskTrend: "increasing",
      "nextReviewOn-day": String(Number(day(30).slice(8, 10))),
      "nextReviewOn-month": String(Number(day(30).slice(5, 7))),
      "nextReviewOn-year": day(30).slice(0, 4),
      languageOverride: JSON.stringify({
        phrase: "putting herself at risk",
        reason: "The school's words, recorded so the panel can challenge them",
      }),
    });
    expect(kept.headers.location).toContain("saved=minutes");
    const keptRow = await t.app.db
      .selectFrom("meeting_minutes")
      .select(["language_flags", "version"])
      .where("id", "=", mm.id)
      .executeTakeFirstOrThrow();
    expect(keptRow.version).toBe(2);
    const keptFlags = keptRow.language_flags as { field: string; kept: boolean; reason: string | null }[];
    expect(keptFlags.find((f) => f.field === "summary")).toMatchObject({
      kept: true,
      reason: "The school's words, recorded so the panel can challenge them",
    });
    expect(
      await t.app.db.selectFrom("meeting_decisions").select("id").where("minute_id", "=", mm.id).execute(),
    ).toHaveLength(3);
    const view = await c.get(`/meetings/${meetingId}/items/${items[0].id}?saved=flags`);
    expect(view.body).toContain("Wording to check");
    expect(view.body).toContain("putting herself at risk");
    expect(view.body).toContain("Kept by the writer: The school");
    const print = await c.get(`/meetings/${meetingId}/print`);
    expect(print.body).toContain("Police to serve a child abduction warning notice");
    expect(print.body).toContain("Printed from Lantern by Jo Fisher");
    const doc = await c.get(`/meetings/${meetingId}/minutes.docx`);
    expect(doc.statusCode).toBe(200);
    expect(doc.headers["content-type"]).toContain("wordprocessingml");
    expect(doc.rawPayload.subarray(0, 2).toString()).toBe("PK");
  });

  it("each agency updates only its own actions; done needs evidence; stale versions are refused", async () => {
    const police = await t.app.db
      .selectFrom("plan_actions")
      .select(["id", "version"])
      .where("owner_agency_id", "=", ag.police.id)
      .executeTakeFirstOrThrow();
    const social = await t.app.db
      .selectFrom("plan_actions")
      .select(["id"])
      .where("owner_agency_id", "=", ag.social.id)
      .executeTakeFirstOrThrow();
    const officer = await client("officer");
    const worker = await client("worker");
    const wrongAgency = await worker.api(
      "PATCH",
      `/api/v1/actions/${police.id}`,
      { status: "done", note: "Done by someone else" },
      { "if-match": 'W/"v1"' },
    );
    expect(wrongAgency.statusCode).toBe(403);
    expect(wrongAgency.json().error.message).toContain("Only Northmoor Police can update it");
    const page = await worker.form(`/actions/${police.id}`, { version: "1", status: "done", note: "x" });
    expect(page.statusCode).toBe(403);
    const noEvidence = await officer.api(
      "PATCH",
      `/api/v1/actions/${police.id}`,
      { status: "done" },
      { "if-match": 'W/"v1"' },
    );
    expect(noEvidence.statusCode).toBe(400);
    const noIfMatch = await officer.api("PATCH", `/api/v1/actions/${police.id}`, { status: "in_progress" });
    expect(noIfMatch.statusCode).toBe(428);
    const ok = await officer.api(
      "PATCH",
      `/api/v1/actions/${police.id}`,
      { status: "in_progress", note: "Notice drafted" },
      { "if-match": 'W/"v1"' },
    );
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('W/"v2"');
    const stale = await officer.api(
      "PATCH",
      `/api/v1/actions/${police.id}`,
      { status: "done", note: "Served" },
      { "if-match": 'W/"v1"' },
    );
    expect(stale.statusCode).toBe(412);
    const own = await worker.form(`/actions/${social.id}`, {
      version: "1",
      status: "done",
      note: "Visited on Tuesday; Maya talked about football.",
    });
    expect(own.statusCode).toBe(303);
    const rows = await t.app.db
      .selectFrom("plan_actions")
      .select(["id", "status", "evidence"])
      .where("id", "in", [police.id, social.id])
      .execute();
    expect(rows.find((r) => r.id === police.id)).toMatchObject({
      status: "in_progress",
      evidence: "Notice drafted",
    });
    expect(rows.find((r) => r.id === social.id)).toMatchObject({ status: "done" });
    const history = await t.app.db
      .selectFrom("action_updates")
      .select(["kind", "status"])
      .where("action_id", "=", police.id)
      .orderBy("at")
      .execute();
    expect(history.map((h) => h.kind)).toEqual(["created", "update"]);
  });

  it("overdue actions escalate through the jobs: to the agency, then to the panel after 14 days", async () => {
    const entry = await t.app.db
      .selectFrom("cohort_entries")
      .select(["id", "child_id"])
      .where("child_id", "=", childId)
      .executeTakeFirstOrThrow();
    const id = newId();
    await t.app.db
      .insertInto("plan_actions")
      .values({
        id,
        cohort_entry_id: entry.id,
        child_id: childId,
        text: "Old action",
        owner_agency_id: ag.police.id,
        due_on: day(-20),
        created_by_agency_id: ag.partnership.id,
      })
      .execute();
    const worker = registerJobs(
      new Worker(t.app.jobs, createLogger("silent"), () => t.app.clock.now()),
      t.app,
    );
    await worker.enqueueSchedules();
    await worker.drain();
    const a = await t.app.db
      .selectFrom("plan_actions")
      .select(["escalation_level"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(a.escalation_level).toBe(2);
    const alerts = await t.app.db
      .selectFrom("follow_up_alerts")
      .select(["kind", "record_id"])
      .where("record_id", "=", id)
      .execute();
    expect(alerts.map((x) => x.kind).sort()).toEqual(["action_escalated", "action_overdue"]);
    // The escalation puts the child on the next agenda as an escalation.
    const c = await client("coordinator");
    const held = new Date(Date.now() + 9 * 86_400_000);
    const m = await c.form("/meetings", {
      kind: "mace_panel",
      title: "Next panel",
      "heldAt-day": String(held.getUTCDate()),
      "heldAt-month": String(held.getUTCMonth() + 1),
      "heldAt-year": String(held.getUTCFullYear()),
      "heldAt-time": "10:00",
    });
    const page = await c.get(String(m.headers.location));
    expect(page.body).toMatch(/Maya Osei<\/strong> \([^)]+\) · High risk · Escalation/);
    expect(page.body).toContain("1 action escalated to the panel");
    const tracker = await c.get("/tracker");
    expect(tracker.body).toContain("Overdue by more than 14 days: escalated to the MACE panel: Old action");
  });
});

describe("placements and leaving the cohort", () => {
  it("hides the placement address from users without the placement field group", async () => {
    const worker = await client("worker");
    const p = await worker.form(`/children/${childId}/placements`, {
      placementType: "Children's home",
      placingAuthority: "Northmoor County Council",
      address: "12 Quiet Lane, Eastbridge",
      postcode: "EB4 7QT",
      outOfArea: "yes",
      hostAuthority: "City of Eastbridge Council",
      "startedOn-day": "3",
      "startedOn-month": "9",
      "startedOn-year": "2026",
    });
    expect(p.statusCode).toBe(303);
    const police = await (await client("officer")).api("GET", `/api/v1/children/${childId}/placements`);
    expect(police.json().placements[0].address).toBe("12 Quiet Lane, Eastbridge");
    expect(police.headers["x-lantern-field-groups"]).toContain("placement");
    for (const who of ["teacher", "coordinator"]) {
      const c = await client(who);
      const api = await c.api("GET", `/api/v1/children/${childId}/placements`);
      expect(api.statusCode).toBe(200);
      expect(api.headers["x-lantern-field-groups"]).not.toContain("placement");
      expect(api.json().placements[0].address).toBeUndefined();
      expect(JSON.stringify(api.json())).not.toContain("Quiet Lane");
      expect(api.json().placements[0].host_authority).toBe("City of Eastbridge Council");
      const page = await c.get(`/children/${childId}/tracker`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain("Quiet Lane");
      expect(page.body).not.toContain("7 Hidden Row");
      expect(page.body).toContain("Address hidden: your access does not include placement addresses.");
    }
    const notify = await worker.form(
      `/placements/${(await t.app.db.selectFrom("placements").select("id").where("child_id", "=", childId).executeTakeFirstOrThrow()).id}/notifications`,
      {
        "notified-day": String(new Date().getUTCDate()),
        "notified-month": String(new Date().getUTCMonth() + 1),
        "notified-year": String(new Date().getUTCFullYear()),
        "notified-time": "00:01",
        method: "secure_email",
        contact: "Eastbridge children's services front door",
      },
    );
    expect(notify.statusCode).toBe(303);
  });

  it("leaving needs a reason and an outcome; then the panel's access through the cohort ends", async () => {
    const c = await client("coordinator");
    const entry = await t.app.db
      .selectFrom("cohort_entries")
      .select(["id", "version"])
      .where("child_id", "=", child2)
      .executeTakeFirstOrThrow();
    const bad = await c.form(`/tracker/entries/${entry.id}/leave`, {
      version: String(entry.version),
      leavingReason: "",
      leavingOutcome: "",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("Say why the child is leaving the cohort");
    expect(bad.body).toContain("Choose the outcome");
    const ok = await c.form(`/tracker/entries/${entry.id}/leave`, {
      version: String(entry.version),
      leavingReason: "Risk reduced over three reviews; plan held by social care.",
      leavingOutcome: "risk_reduced",
    });
    expect(ok.statusCode).toBe(303);
    const row = await t.app.db
      .selectFrom("cohort_entries")
      .select(["status", "leaving_outcome"])
      .where("id", "=", entry.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "left", leaving_outcome: "risk_reduced" });
    const officer = await client("officer");
    expect((await officer.api("GET", `/api/v1/children/${child2}/missing`)).statusCode).toBe(403);
    expect((await officer.api("GET", `/api/v1/children/${childId}/missing`)).statusCode).toBe(200);
  });
});
