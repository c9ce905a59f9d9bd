// Missing episodes on a real database: an episode with no end is "missing now"; the 72-hour
// return-home interview clock runs from the return, in Europe/London across the clock change, and
// turns overdue as a test clock passes the deadline (and the job raises an alert); an episode that
// ends before it starts or overlaps another is refused with a clear message and nothing is
// written; only the reporting agency records the return; interviews record who, when, independence
// and what the child said.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerJobs } from "../../src/jobs/handlers.ts";
import { Worker } from "../../src/jobs/worker.ts";
import { TestClock } from "../../src/platform/clock.ts";
import { newId } from "../../src/platform/ids.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { Client, makeAgency, makeUser, type TestApp, testApp } from "./app.ts";

const _HOUR = 3_600_000;
let t: TestApp;
let clock: TestClock;
let childId: string;
const u: Record<string, { id: string; email: string; agencyId: string }> = {};

const count = async () =>
  Number(
    (
      await t.app.db
        .selectFrom("missing_episodes")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("child_id", "=", childId)
        .executeTakeFirstOrThrow()
    ).n,
  );
async function client(who: string) {
  const c = new Client(t.server);
  expect((await c.signIn(u[who].email)).statusCode).toBe(303);
  return c;
}

beforeAll(async () => {
  // Saturday 28 March 2026, 09:00 GMT: the clocks go forward at 01:00 GMT the next morning.
  clock = new TestClock(new Date("2026-03-28T09:00:00Z"));
  t = await testApp({ clock });
  const social = await makeAgency(t.app, "social_care", "Northmoor Children's Services");
  const police = await makeAgency(t.app, "police", "Northmoor Police");
  const rhi = await makeAgency(t.app, "voluntary", "Way Home Northmoor");
  u.officer = await makeUser(t.app, { agencyId: police.id, name: "PC Walsh" });
  u.worker = await makeUser(t.app, { agencyId: social.id, name: "Emma Richardson" });
  u.rhi = await makeUser(t.app, { agencyId: rhi.id, name: "Sam Rivers" });
  childId = newId();
  await t.app.db
    .insertInto("children")
    .values({
      id: childId,
      reference: `CH-${childId.slice(0, 6)}`,
      owning_agency_id: social.id,
      given_name: "Leah",
      family_name: "Brook",
      sex: "female",
      looked_after: true,
    })
    .execute();
  for (const who of ["officer", "worker", "rhi"])
    await t.app.db
      .insertInto("relationships")
      .values({
        id: newId(),
        user_id: u[who].id,
        child_id: childId,
        kind: "allocated_worker",
        reason: "test",
        starts_at: new Date("2020-01-01"),
      })
      .execute();
});
afterAll(async () => {
  await t.close();
});

describe("missing now and the return", () => {
  let episodeId: string;
  it("an episode with no end is missing now, with no interview clock yet", async () => {
    const c = await client("officer");
    const r = await c.api(
      "POST",
      `/api/v1/children/${childId}/missing`,
      {
        kind: "missing",
        startedAt: "2026-03-27T21:30:00Z",
        reportedAt: "2026-03-27T23:00:00Z",
        reportedBy: "Foster carer",
        risk: "high",
        policeReference: "NP-26-000123",
        missingFrom: "Foster placement",
      },
      { "idempotency-key": "ep-1" },
    );
    expect(r.statusCode).toBe(201);
    episodeId = r.json().id;
    const list = await c.api("GET", `/api/v1/children/${childId}/missing`);
    const ep = list.json().episodes[0];
    expect(ep.missingNow).toBe(true);
    expect(ep.returnInterview.clock.state).toBe("missing_now");
    expect(list.json().pattern.missingNow).toBe(true);
    const board = await c.get("/missing");
    expect(board.body).toContain("Missing now (1)");
    expect(board.body).toContain("Leah Brook");
  });

  it("only the agency that reported the episode records the return", async () => {
    const c = await client("worker");
    const r = await c.api(
      "PATCH",
      `/api/v1/missing/${episodeId}`,
      { endedAt: "2026-03-28T10:00:00Z" },
      { "if-match": 'W/"v1"' },
    );
    expect(r.statusCode).toBe(403);
    expect(r.json().error.message).toContain("Only Northmoor Police can change it");
  });

  it("records the return on the form: the 72-hour clock runs 72 elapsed hours across the clock change", async () => {
    clock.set(new Date("2026-03-28T10:30:00Z"));
    const c = await client("officer");
    const r = await c.form(`/missing/${episodeId}/return`, {
      version: "1",
      "ended-day": "28",
      "ended-month": "3",
      "ended-year": "2026",
      "ended-time": "10:00",
      foundLocation: "Kesterbridge bus station",
      foundWith: "Two adult males not known to the family",
    });
    expect(r.statusCode).toBe(303);
    const row = await t.app.db
      .selectFrom("missing_episodes")
      .select(["ended_at", "rhi_status"])
      .where("id", "=", episodeId)
      .executeTakeFirstOrThrow();
    expect(row.ended_at?.toISOString()).toBe("2026-03-28T10:00:00.000Z");
    expect(row.rhi_status).toBe("due");
    const page = await c.get(`/missing/${episodeId}`);
    expect(page.body).toMatch(/data-state="due"[^>]*>Due</);
    // 72 elapsed hours from 10:00 GMT on Saturday is 10:00 UTC on Tuesday = 11:00 BST.
    expect(page.body).toContain("offer the interview by 31 March 2026, 11:00");
  });

  it("turns due soon, then overdue as the clock passes the deadline; the job raises an overdue alert", async () => {
    clock.set(new Date("2026-03-31T09:30:00Z"));
    const c = await client("officer");
    const soon = await c.get(`/missing/${episodeId}`);
    expect(soon.body).toMatch(/data-state="due_soon"[^>]*>Due soon</);
    expect(soon.body).toContain("Due in 30 minutes");
    clock.set(new Date("2026-03-31T11:00:00Z"));
    const late = await (await client("officer")).get(`/missing/${episodeId}`);
    expect(late.body).toMatch(/data-state="overdue"[^>]*>Overdue</);
    expect(late.body).toContain(
      "Overdue by 1 hour: the interview should have been offered by 31 March 2026, 11:00",
    );
    const worker = registerJobs(new Worker(t.app.jobs, createLogger("silent"), () => clock.now()), t.app);
    await worker.enqueueSchedules();
    await worker.drain();
    const alerts = await t.app.db
      .selectFrom("follow_up_alerts")
      .select(["kind", "message"])
      .where("record_id", "=", episodeId)
      .execute();
    expect(alerts.map((a) => a.kind)).toContain("rhi_overdue");
    expect(alerts.find((a) => a.kind === "rhi_overdue")!.message).toContain("31 Mar 2026, 11:00");
    const board = await (await client("officer")).get("/missing");
    expect(board.body).toContain("Return interviews not yet offered (1)");
  });

  it("the independent interview is recorded by the service that offers it; the clock shows it was offered late", async () => {
    clock.set(new Date("2026-03-31T13:00:00Z"));
    const c = await client("rhi");
    const r = await c.form(`/missing/${episodeId}/interview`, {
      outcome: "completed",
      interviewer: "Sam Rivers, Way Home",
      independent: "yes",
      "offered-day": "31",
      "offered-month": "3",
      "offered-year": "2026",
      "offered-time": "11:30",
      "completed-day": "31",
      "completed-month": "3",
      "completed-year": "2026",
      "completed-time": "12:15",
      childAccount: "Leah said she was taken to a flat in Saltmarsh and was scared to leave.",
      followUp: "Shared with the allocated social worker and the police exploitation team.",
    });
    expect(r.statusCode, r.body.match(/govuk-error-summary__list[\s\S]*?<\/ul>/)?.[0]).toBe(303);
    const ep = await t.app.db
      .selectFrom("missing_episodes")
      .select(["rhi_status", "rhi_offered_at", "rhi_completed_at"])
      .where("id", "=", episodeId)
      .executeTakeFirstOrThrow();
    expect(ep.rhi_status).toBe("completed");
    expect(ep.rhi_offered_at?.toISOString()).toBe("2026-03-31T10:30:00.000Z");
    const officer = await client("officer");
    const list = await officer.api("GET", `/api/v1/children/${childId}/missing`);
    const ri = list.json().episodes[0].returnInterview;
    expect(ri.clock.state).toBe("offered_late");
    expect(ri.independent).toBe(true);
    expect(ri.childAccount).toContain("taken to a flat in Saltmarsh");
    // Another agency cannot change the interview record.
    const other = await officer.form(`/missing/${episodeId}/interview`, {
      outcome: "declined",
      interviewer: "Someone else",
      independent: "no",
      "offered-day": "31",
      "offered-month": "3",
      "offered-year": "2026",
      "offered-time": "11:30",
      "declined-day": "31",
      "declined-month": "3",
      "declined-year": "2026",
      "declined-time": "11:45",
    });
    expect(other.statusCode).toBe(403);
  });
});

describe("oversight", () => {
  it("a manager sees their own agency's children's episodes without a relationship; another agency's manager does not", async () => {
    const own = await makeUser(t.app, { roles: ["manager"], agencyId: u.worker.agencyId });
    const other = await makeUser(t.app, { roles: ["manager"], agencyId: u.officer.agencyId });
    for (const [who, n] of [
      [own, 1],
      [other, 0],
    ] as const) {
      const c = new Client(t.server);
      await c.signIn(who.email);
      const r = await c.api("GET", `/api/v1/children/${childId}/missing`);
      if (n) {
        expect(r.statusCode).toBe(200);
        expect(r.json().episodes.length).toBeGreaterThan(0);
      } else expect(r.statusCode).toBe(403);
    }
  });
});

describe("bad input is refused with a clear message and nothing is written", () => {
  it("an episode that ends before it starts (API and form)", async () => {
    const c = await client("officer");
    const before = await count();
    const api = await c.api("POST", `/api/v1/children/${childId}/missing`, {
      kind: "missing",
      startedAt: "2026-03-20T22:00:00Z",
      endedAt: "2026-03-20T21:00:00Z",
    });
    expect(api.statusCode).toBe(400);
    expect(api.json().error.fields[0]).toEqual({
      field: "ended",
      message:
        "The episode ends before it starts: the time the child was found or returned (20 March 2026, 21:00) must be after they went missing (20 March 2026, 22:00)",
    });
    const form = await c.form(`/children/${childId}/missing`, {
      kind: "missing",
      "started-day": "20",
      "started-month": "3",
      "started-year": "2026",
      "started-time": "22:00",
      returned: "yes",
      "ended-day": "20",
      "ended-month": "3",
      "ended-year": "2026",
      "ended-time": "21:00",
      token: "bad-1",
    });
    expect(form.statusCode).toBe(400);
    expect(form.body).toContain("There is a problem");
    expect(form.body).toContain('href="#ended-day"');
    expect(form.body).toContain("The episode ends before it starts");
    expect(await count()).toBe(before);
  });

  it("an episode that overlaps another for the same child, including an open one", async () => {
    const c = await client("officer");
    const before = await count();
    const overlap = await c.api("POST", `/api/v1/children/${childId}/missing`, {
      kind: "missing",
      startedAt: "2026-03-28T08:00:00Z",
      endedAt: "2026-03-28T12:00:00Z",
    });
    expect(overlap.statusCode).toBe(400);
    expect(overlap.json().error.message).toBe(
      "These times overlap another episode for this child (from 27 March 2026, 21:30 to 28 March 2026, 10:00). Check the times, or record the return on that episode instead.",
    );
    expect(await count()).toBe(before);
    // An open episode now, then another starting later is refused because the child is missing now.
    const open = await c.api("POST", `/api/v1/children/${childId}/missing`, {
      kind: "missing",
      startedAt: "2026-03-31T10:40:00Z",
    });
    expect(open.statusCode).toBe(201);
    const later = await c.api("POST", `/api/v1/children/${childId}/missing`, {
      kind: "absent",
      startedAt: "2026-03-31T10:50:00Z",
      endedAt: "2026-03-31T10:55:00Z",
    });
    expect(later.statusCode).toBe(400);
    expect(later.json().error.message).toContain("still open: the child is recorded as missing now");
    // Touching is not overlapping: an absence that ended as the open episode began is accepted.
    const touching = await c.api("POST", `/api/v1/children/${childId}/missing`, {
      kind: "absent",
      startedAt: "2026-03-30T18:00:00Z",
      endedAt: "2026-03-31T10:40:00Z",
    });
    expect(touching.statusCode).toBe(201);
    expect(await count()).toBe(before + 2);
  });

  it("a time that did not exist in the UK (the hour the clocks went forward) is refused", async () => {
    const c = await client("officer");
    const before = await count();
    const form = await c.form(`/children/${childId}/missing`, {
      kind: "missing",
      "started-day": "29",
      "started-month": "3",
      "started-year": "2026",
      "started-time": "01:30",
      returned: "no",
      token: "bad-2",
    });
    expect(form.statusCode).toBe(400);
    expect(form.body).toContain(
      "01:30 on 29 March 2026 did not happen in the UK: the clocks went forward an hour",
    );
    expect(await count()).toBe(before);
  });

  it("a repeated form submission (same token) records one episode", async () => {
    clock.set(new Date("2026-04-10T12:00:00Z"));
    const c = await client("officer");
    await c.api(
      "PATCH",
      `/api/v1/missing/${(await t.app.db.selectFrom("missing_episodes").select("id").where("child_id", "=", childId).where("ended_at", "is", null).executeTakeFirstOrThrow()).id}`,
      { endedAt: "2026-04-01T06:00:00Z" },
      { "if-match": 'W/"v1"' },
    );
    const before = await count();
    const body = {
      kind: "missing",
      "started-day": "5",
      "started-month": "4",
      "started-year": "2026",
      "started-time": "20:00",
      returned: "yes",
      "ended-day": "6",
      "ended-month": "4",
      "ended-year": "2026",
      "ended-time": "02:00",
      token: "same-token",
    };
    const a = await c.form(`/children/${childId}/missing`, body);
    const b = await c.form(`/children/${childId}/missing`, body);
    expect(a.statusCode).toBe(303);
    expect(b.statusCode).toBe(303);
    expect(b.headers.location).toBe(a.headers.location);
    expect(await count()).toBe(before + 1);
    const stored = await t.app.db
      .selectFrom("missing_episodes")
      .select(["started_at", "ended_at"])
      .where("id", "=", String(a.headers.location).split("/")[2].split("?")[0])
      .executeTakeFirstOrThrow();
    expect(stored.started_at.toISOString()).toBe("2026-04-05T19:00:00.000Z"); // 20:00 BST
    expect(stored.ended_at!.toISOString()).toBe("2026-04-06T01:00:00.000Z");
  });
});
