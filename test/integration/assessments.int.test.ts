// Exploitation risk assessment on a real database: the API completes an assessment in one request
// (every problem named by field, nothing written), the question pages from the task list to the
// result with its explanation, professional judgement with a reason, the trajectory, answers shown
// by field group, and who may assess.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleAssessment } from "../../src/modules/assessments/index.ts";
import { allIndicators, CURRENT_TOOL } from "../../src/modules/assessments/tool.ts";
import { TestClock } from "../../src/platform/clock.ts";
import { newId } from "../../src/platform/ids.ts";
import { Client, makeAgency, makeUser, type TestApp, testApp } from "./app.ts";

const clock = new TestClock(new Date());
let t: TestApp;
const a: Record<string, { id: string }> = {};
const u: Record<string, { id: string; email: string }> = {};
let childId: string;
const inDays = (n: number) => new Date(clock.now().getTime() + n * 86_400_000).toISOString().slice(0, 10);
const count = async () =>
  Number(
    (
      await t.app.db
        .selectFrom("risk_assessments")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

async function client(who: string) {
  const c = new Client(t.server);
  expect((await c.signIn(u[who].email)).statusCode).toBe(303);
  return c;
}
async function relate(userId: string, kind = "allocated_worker") {
  await t.app.db
    .insertInto("relationships")
    .values({
      id: newId(),
      user_id: userId,
      child_id: childId,
      kind: kind as "allocated_worker",
      reason: "test",
      starts_at: new Date(clock.now().getTime() - 60_000),
    })
    .execute();
}

beforeAll(async () => {
  t = await testApp({ clock });
  a.social = await makeAgency(t.app, "social_care");
  a.police = await makeAgency(t.app, "police");
  a.health = await makeAgency(t.app, "health");
  u.worker = await makeUser(t.app, { agencyId: a.social.id, name: "Wendy Worker" });
  u.officer = await makeUser(t.app, { agencyId: a.police.id, name: "Olly Officer" });
  u.nurse = await makeUser(t.app, { agencyId: a.health.id, name: "Nia Nurse" });
  u.stranger = await makeUser(t.app, { agencyId: a.police.id });
  u.manager = await makeUser(t.app, { agencyId: a.social.id, roles: ["manager"] });
  childId = newId();
  await t.app.db
    .insertInto("children")
    .values({
      id: childId,
      reference: "CH-RA0001",
      owning_agency_id: a.social.id,
      given_name: "Jayden",
      family_name: "Cole",
      sex: "male",
      send_status: "ehcp",
    })
    .execute();
  await relate(u.worker.id);
  await relate(u.officer.id);
  await relate(u.nurse.id);
});
afterAll(async () => {
  await t.close();
});

describe("completing an assessment through the API", () => {
  it("returns the score, the level and the answers that drove it", async () => {
    const c = await client("worker");
    const r = await c.api(
      "POST",
      `/api/v1/children/${childId}/assessments`,
      exampleAssessment(inDays(28), ["missing_recent", "multiple_phones", "unexplained_money"]),
    );
    expect(r.statusCode, r.body).toBe(201);
    const body = r.json();
    expect(body).toMatchObject({
      score: 6,
      computedLevel: "medium",
      finalLevel: "medium",
      status: "completed",
      tool: { code: CURRENT_TOOL.code, version: 1 },
    });
    expect(body.reference).toMatch(/^RA-\d{4}-\d{6}$/);
    expect(body.explanation.drivers.map((d: { code: string }) => d.code).sort()).toEqual([
      "missing_recent",
      "multiple_phones",
      "unexplained_money",
    ]);
    expect(body.explanation.summary).toContain("Score 6");
  });

  it("each missing or malformed part is a 400 naming the field, and nothing is written", async () => {
    const c = await client("worker");
    const good = exampleAssessment(inDays(28));
    const answers = { ...good.answers } as Record<string, string>;
    delete answers.debt;
    delete answers.trusted_adult;
    const before = await count();
    const cases: [string, unknown, string[]][] = [
      ["two answers missing", { ...good, answers }, ["answers.debt", "answers.trusted_adult"]],
      ["an answer malformed", { ...good, answers: { ...good.answers, debt: "maybe" } }, ["answers.debt"]],
      [
        "an unknown question",
        { ...good, answers: { ...good.answers, favourite_colour: "no" } },
        ["answers.favourite_colour"],
      ],
      ["review date missing", { ...good, reviewDueOn: undefined }, ["reviewDueOn"]],
      ["review date malformed", { ...good, reviewDueOn: "next week" }, ["reviewDueOn"]],
      ["review date in the past", { ...good, reviewDueOn: inDays(-1) }, ["reviewDueOn"]],
      ["override without a reason", { ...good, judgement: { level: "low" } }, ["judgement.reason"]],
      ["CIN factor malformed", { ...good, cinFactors: ["99Z"] }, ["cinFactors.0"]],
    ];
    for (const [label, body, fields] of cases) {
      const r = await c.api("POST", `/api/v1/children/${childId}/assessments`, body);
      expect(r.statusCode, label).toBe(400);
      const got = (r.json().error.fields as { field: string }[]).map((f) => f.field);
      for (const f of fields) expect(got, label).toContain(f);
    }
    expect(await count()).toBe(before);
  });

  it("professional judgement can set another level with a reason; an Idempotency-Key repeat returns the same assessment", async () => {
    const c = await client("worker");
    const key = { "idempotency-key": `ra-${newId()}` };
    const body = {
      ...exampleAssessment(inDays(14), ["missing_recent"]),
      judgement: {
        level: "high",
        reason: "He disclosed last night that adults are threatening his younger brother.",
      },
    };
    const r1 = await c.api("POST", `/api/v1/children/${childId}/assessments`, body, key);
    const r2 = await c.api("POST", `/api/v1/children/${childId}/assessments`, body, key);
    expect(r1.statusCode).toBe(201);
    expect(r2.statusCode).toBe(200);
    expect(r2.json().id).toBe(r1.json().id);
    expect(r1.json()).toMatchObject({
      computedLevel: "low",
      finalLevel: "high",
      overrideReason: body.judgement.reason,
    });
  });

  it("only someone working with the child may assess; a manager's oversight reads but does not assess", async () => {
    const stranger = await client("stranger");
    expect(
      (await stranger.api("POST", `/api/v1/children/${childId}/assessments`, exampleAssessment(inDays(28))))
        .statusCode,
    ).toBe(403);
    expect((await stranger.api("GET", `/api/v1/children/${childId}/assessments`)).statusCode).toBe(403);
    const manager = await client("manager");
    expect((await manager.api("GET", `/api/v1/children/${childId}/assessments`)).statusCode).toBe(200);
    expect(
      (await manager.api("POST", `/api/v1/children/${childId}/assessments`, exampleAssessment(inDays(28))))
        .statusCode,
    ).toBe(403);
  });
});

describe("the assessment pages", () => {
  it("task list → sections (errors per question) → result with explanation → judgement → completed with trajectory", async () => {
    const c = await client("worker");
    const started = await c.form(`/children/${childId}/assessments`, {});
    expect(started.statusCode).toBe(303);
    const base = String(started.headers.location);
    const tasks = await c.get(base);
    expect(tasks.statusCode).toBe(200);
    expect(tasks.body).toContain("Not yet started");

    const missing = await c.form(`${base}/sections/missing`, { missing_recent: "yes" });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#missing_repeat"');
    expect(missing.body).toContain('id="missing_repeat"');

    const yes = new Set([
      "missing_recent",
      "missing_repeat",
      "missing_far",
      "made_to_hold",
      "debt",
      "multiple_phones",
      "found_out_of_area",
      "unexplained_travel",
      "trusted_service",
    ]);
    for (const s of [...CURRENT_TOOL.sections, CURRENT_TOOL.protective]) {
      const form = Object.fromEntries(
        s.indicators.map((i) => [i.code, yes.has(i.code) ? "yes" : i.code === "images" ? "not_known" : "no"]),
      );
      const r = await c.form(`${base}/sections/${s.code}`, {
        ...form,
        note: s.code === "county_lines" ? "Found in a flat in Eastbridge by police." : "",
      });
      expect(r.statusCode, s.code).toBe(303);
    }
    expect(
      (await c.form(`${base}/sections/voice`, { childView: "I want them to leave my family alone." })).headers
        .location,
    ).toBe(`${base}/check`);

    const check = await c.get(`${base}/check`);
    expect(check.statusCode).toBe(200);
    // 2+3+3 (missing) + 3+3 (hold, debt) + 2 (phones) + 3+2 (county lines) = 21, less 2 protective = 19: high by
    // score; three serious indicators raise it to very high.
    expect(check.body).toContain('data-testid="score">19<');
    expect(check.body).toContain('data-testid="computed-level">Very high<');
    expect(check.body).toContain("Two or more serious indicators raise the level to at least very high");
    expect(check.body).toContain("1 answer not known");
    const noReason = await c.form(`${base}/complete`, {
      agree: "no",
      level: "high",
      reason: "",
      reviewDueOn: inDays(14),
      version: "15",
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('href="#reason"');
    const past = await c.form(`${base}/complete`, { agree: "yes", reviewDueOn: inDays(-3), version: "15" });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain("The review date must be in the future");
    const version = (
      await t.app.db
        .selectFrom("risk_assessments")
        .select("version")
        .where("id", "=", base.split("/").pop()!)
        .executeTakeFirstOrThrow()
    ).version;
    const stale = await c.form(`${base}/complete`, {
      agree: "yes",
      reviewDueOn: inDays(14),
      version: String(version - 1),
    });
    expect(stale.statusCode).toBe(409);
    const done = await c.form(`${base}/complete`, {
      agree: "yes",
      reviewDueOn: inDays(14),
      cinFactors: "24A",
      version: String(version),
    });
    expect(done.statusCode).toBe(303);
    const view = await c.get(String(done.headers.location));
    expect(view.statusCode).toBe(200);
    for (const text of [
      "Risk assessment completed",
      'data-testid="final-level">Very high<',
      "What drove this result",
      "Is being made to hold, hide or move drugs",
      "24A: Child criminal exploitation",
      "I want them to leave my family alone.",
    ])
      expect(view.body).toContain(text);
    // The trajectory: an SVG with a title and description for screen readers, and its data as a table.
    expect(view.body).toMatch(/<svg[^>]+role="img"[^>]+aria-labelledby="trajectory-title trajectory-desc"/);
    expect(view.body).toContain('<title id="trajectory-title">Risk score over time</title>');
    expect(view.body).toMatch(
      /<desc id="trajectory-desc">\d+ assessments from .* Latest: score 19, very high\./,
    );
    expect(view.body).toContain('data-testid="trajectory-table"');
    const list = await c.get(`/children/${childId}/assessments`);
    expect(list.body).toContain("Completed assessments");
    const record = await c.get(`/children/${childId}`);
    expect(record.body).toContain('data-testid="record-risk"');
    expect(record.body).toContain("Very high");
  });

  it("answers are shown by field group: a police officer does not see the sexual health section, but sees that it counted", async () => {
    const nurse = await client("nurse");
    const r = await nurse.api(
      "POST",
      `/api/v1/children/${childId}/assessments`,
      exampleAssessment(inDays(28), ["sti_pregnancy", "missing_recent"]),
    );
    expect(r.statusCode).toBe(201);
    const id = r.json().id;
    const asNurse = (await nurse.api("GET", `/api/v1/assessments/${id}`)).json();
    expect(asNurse.answers.sti_pregnancy).toBe("yes");
    const officer = await client("officer");
    const asOfficer = (await officer.api("GET", `/api/v1/assessments/${id}`)).json();
    expect(asOfficer.answers.sti_pregnancy).toBeUndefined();
    expect(asOfficer.answers.missing_recent).toBe("yes");
    expect(asOfficer.hiddenSections).toContain("Sexual health");
    const hidden = (
      asOfficer.explanation.drivers as { code: string | null; restricted: boolean; weight: number }[]
    ).find((d) => d.restricted);
    expect(hidden).toMatchObject({ code: null, weight: 3 });
    expect(JSON.stringify(asOfficer)).not.toContain("sexually transmitted");
    expect(asOfficer.score).toBe(asNurse.score);
    const page = await officer.get(`/assessments/${id}`);
    expect(page.body).not.toContain("A sexually transmitted infection");
    expect(page.body).toContain("Not shown, because your access does not include them: Sexual health");
  });

  it("the trajectory lists every completed assessment in order, and the allocated worker's home page shows reviews due", async () => {
    const c = await client("worker");
    expect(
      (await c.api("POST", `/api/v1/children/${childId}/assessments`, exampleAssessment(inDays(7), ["debt"])))
        .statusCode,
    ).toBe(201);
    const traj = (await c.api("GET", `/api/v1/children/${childId}/assessments`)).json();
    expect(traj.points.length).toBeGreaterThanOrEqual(4);
    const times = traj.points.map((p: { completedAt: string }) => Date.parse(p.completedAt));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(traj.description).toMatch(/^\d+ assessments from /);
    const home = await c.get("/");
    expect(home.body).toContain('data-testid="home-reviews"');
    expect(home.body).toContain("Jayden Cole");
    expect(allIndicators(CURRENT_TOOL).length).toBeGreaterThan(30);
  });
});
