// Referrals and joint screening on a real database (PGlite, or PostgreSQL with DATABASE_URL):
// bad input names its fields and writes nothing; a double submit makes one referral; a school
// referrer sees its own referral's status but not the police contribution; screeners see each
// other's contributions by field group; the decision with its rationale; withdrawal needs a reason;
// overdue referrals are escalated by the job; the child's timeline follows access.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker } from "../../src/boot.ts";
import { EXAMPLE_REFERRAL } from "../../src/modules/referrals/referrals.routes.ts";
import { referralService } from "../../src/modules/referrals/referrals.service.ts";
import { TestClock } from "../../src/platform/clock.ts";
import { newId } from "../../src/platform/ids.ts";
import { Client, makeAgency, makeUser, type TestApp, testApp } from "./app.ts";

const clock = new TestClock(new Date());
let t: TestApp;
const a: Record<string, { id: string }> = {};
const u: Record<string, { id: string; email: string; agencyId: string }> = {};
let childId: string;

async function makeChild(fields: Record<string, unknown> = {}) {
  const id = newId();
  await t.app.db
    .insertInto("children")
    .values({
      id,
      reference: `CH-${id.slice(0, 8).toUpperCase()}`,
      owning_agency_id: a.social.id,
      given_name: "Kai",
      family_name: `Marsh${id.slice(0, 3)}`,
      date_of_birth: "2011-02-03",
      sex: "male",
      send_status: "ehcp",
      ...fields,
    })
    .execute();
  return id;
}

async function client(who: string) {
  const c = new Client(t.server);
  const r = await c.signIn(u[who].email);
  expect(r.statusCode).toBe(303);
  return c;
}

const count = async (table: "referrals" | "referral_persons" | "screening_contributions") =>
  Number(
    (
      await t.app.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );
const audits = async (action: string) =>
  Number(
    (
      await t.app.db
        .selectFrom("audit_log")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("action", "=", action)
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  t = await testApp({ clock });
  a.social = await makeAgency(t.app, "social_care", "Northmoor Children's Services");
  a.police = await makeAgency(t.app, "police", "Northmoor Police");
  a.health = await makeAgency(t.app, "health", "Northmoor Hospitals NHS Trust");
  a.school = await makeAgency(t.app, "school", "Castlegate Academy");
  u.nurse = await makeUser(t.app, { agencyId: a.health.id, name: "Nia Nurse" });
  u.teacher = await makeUser(t.app, { agencyId: a.school.id, name: "Tom Teacher" });
  u.policeScreener = await makeUser(t.app, {
    agencyId: a.police.id,
    roles: ["screener"],
    name: "Pat Police",
  });
  u.socialScreener = await makeUser(t.app, {
    agencyId: a.social.id,
    roles: ["screener"],
    name: "Sam Social",
  });
  u.healthScreener = await makeUser(t.app, {
    agencyId: a.health.id,
    roles: ["screener"],
    name: "Hana Health",
  });
  u.socialWorker = await makeUser(t.app, { agencyId: a.social.id, name: "Wendy Worker" });
  u.socialManager = await makeUser(t.app, { agencyId: a.social.id, roles: ["manager"] });
  u.policeManager = await makeUser(t.app, { agencyId: a.police.id, roles: ["manager"] });
  u.schoolManager = await makeUser(t.app, { agencyId: a.school.id, roles: ["manager"] });
  childId = await makeChild();
});
afterAll(async () => {
  await t.close();
});

describe("making a referral through the API", () => {
  it("accepts a complete referral (201) with its screening deadline, and gives the referrer no relationship to the child", async () => {
    const c = await client("nurse");
    const r = await c.api("POST", "/api/v1/referrals", EXAMPLE_REFERRAL(childId));
    expect(r.statusCode).toBe(201);
    const body = r.json();
    expect(body.reference).toMatch(/^REF-\d{4}-\d{6}$/);
    expect(body.status).toBe("awaiting_screening");
    expect(Date.parse(body.dueAt)).toBeGreaterThan(Date.parse(body.receivedAt));
    const row = await t.app.db
      .selectFrom("referrals")
      .selectAll()
      .where("id", "=", body.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      send_status: "ehcp",
      worker_gender_preference: "male",
      referrer_user_id: u.nurse.id,
    });
    expect(
      await t.app.db.selectFrom("referral_persons").selectAll().where("referral_id", "=", body.id).execute(),
    ).toHaveLength(1);
    const rels = await t.app.db
      .selectFrom("relationships")
      .selectAll()
      .where("user_id", "=", u.nurse.id)
      .execute();
    expect(rels).toEqual([]);
    expect((await c.api("GET", `/api/v1/children/${childId}`)).json().child).toBeNull(); // signpost only
  });

  it("each required field missing or malformed gives a 400 naming the field, and nothing is written", async () => {
    const c = await client("nurse");
    const good = EXAMPLE_REFERRAL(childId) as Record<string, unknown>;
    const person = (good.personsOfConcern as Record<string, unknown>[])[0];
    const without = (k: string) => Object.fromEntries(Object.entries(good).filter(([x]) => x !== k));
    const cases: [string, Record<string, unknown>, string][] = [
      ["about missing", without("about"), "about"],
      ["about malformed", { ...good, about: "someone" }, "about"],
      ["child missing", without("childId"), "childId"],
      ["child malformed", { ...good, childId: "kai" }, "childId"],
      ["child unknown", { ...good, childId: newId() }, "childId"],
      [
        "unknown child not described",
        { ...without("childId"), about: "unknown_child" },
        "unknownChildDescription",
      ],
      [
        "unknown child's age malformed",
        {
          ...without("childId"),
          about: "unknown_child",
          unknownChildDescription: "Boy of about 14 at the station",
          unknownChildAge: 30,
        },
        "unknownChildAge",
      ],
      ["concerns missing", without("concernTypes"), "concernTypes"],
      ["concerns empty", { ...good, concernTypes: [] }, "concernTypes"],
      ["concern malformed", { ...good, concernTypes: ["gangs"] }, "concernTypes.0"],
      ["urgency missing", without("urgency"), "urgency"],
      ["urgency malformed", { ...good, urgency: "soon" }, "urgency"],
      ["what happened missing", without("whatHappened"), "whatHappened"],
      ["what happened too short", { ...good, whatHappened: "Worried." }, "whatHappened"],
      ["indicator malformed", { ...good, indicators: ["bad_attitude"] }, "indicators.0"],
      ["worker preference missing", without("workerGenderPreference"), "workerGenderPreference"],
      ["parents aware missing", without("parentsAware"), "parentsAware"],
      ["SEND missing", without("send"), "send"],
      ["SEND malformed", { ...good, send: "yes" }, "send"],
      ["disability missing", without("disability"), "disability"],
      ["looked after missing", without("lookedAfter"), "lookedAfter"],
      ["public source not named", { ...good, source: "public_via_practitioner" }, "publicSourceDetails"],
      [
        "person neither named nor described",
        { ...good, personsOfConcern: [{ sex: "male" }] },
        "personsOfConcern.0.description",
      ],
      [
        "person's phone malformed",
        { ...good, personsOfConcern: [{ ...person, phones: ["call me"] }] },
        "personsOfConcern.0.phones.0",
      ],
      [
        "person's age malformed",
        { ...good, personsOfConcern: [{ ...person, approximateAge: "thirty" }] },
        "personsOfConcern.0.approximateAge",
      ],
    ];
    const before = [
      await count("referrals"),
      await count("referral_persons"),
      await audits("referral.submit"),
    ];
    for (const [label, body, field] of cases) {
      const r = await c.api("POST", "/api/v1/referrals", body);
      expect(r.statusCode, label).toBe(400);
      const fields = (r.json().error.fields as { field: string }[]).map((f) => f.field);
      expect(fields, label).toContain(field);
    }
    const unknownKey = await c.api("POST", "/api/v1/referrals", { ...good, favouriteColour: "blue" });
    expect(unknownKey.statusCode).toBe(400);
    const badKey = await c.api("POST", "/api/v1/referrals", good, { "idempotency-key": "x" });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().error.fields[0].field).toBe("Idempotency-Key");
    expect([
      await count("referrals"),
      await count("referral_persons"),
      await audits("referral.submit"),
    ]).toEqual(before);
  });

  it("the same Idempotency-Key twice makes one referral; with different answers it is refused", async () => {
    const c = await client("nurse");
    const before = await count("referrals");
    const key = { "idempotency-key": `k-${newId()}` };
    const first = await c.api("POST", "/api/v1/referrals", EXAMPLE_REFERRAL(childId), key);
    const again = await c.api("POST", "/api/v1/referrals", EXAMPLE_REFERRAL(childId), key);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(await count("referrals")).toBe(before + 1);
    const changed = await c.api(
      "POST",
      "/api/v1/referrals",
      { ...EXAMPLE_REFERRAL(childId), urgency: "low" },
      key,
    );
    expect(changed.statusCode).toBe(409);
    // Keys belong to the user who sent them: another user's same key is another referral.
    const other = await client("teacher");
    expect((await other.api("POST", "/api/v1/referrals", EXAMPLE_REFERRAL(childId), key)).statusCode).toBe(
      201,
    );
    expect(await count("referrals")).toBe(before + 2);
  });

  it("intelligence without a child and a sighting of an unidentified child are referrals too", async () => {
    const c = await client("teacher");
    const intel = await c.api("POST", "/api/v1/referrals", {
      about: "intelligence",
      concernTypes: ["county_lines"],
      urgency: "medium",
      whatHappened:
        "Several children are seen going into the flat above the takeaway on Mill Street after school.",
      personsOfConcern: [
        {
          description: "Man in his thirties who lets the children in",
          places: ["Flat above the takeaway, Mill Street"],
        },
      ],
    });
    expect(intel.statusCode).toBe(201);
    expect(intel.json().kind).toBe("intelligence");
    const sighting = await c.api("POST", "/api/v1/referrals", {
      about: "unknown_child",
      unknownChildDescription: "Boy, about 13, small for his age, seen leaving the flat during school hours.",
      unknownChildAge: 13,
      unknownChildSex: "male",
      concernTypes: ["cce"],
      urgency: "high",
      whatHappened: "Seen three times this week leaving the flat with a rucksack during school hours.",
      workerGenderPreference: "not_asked",
      parentsAware: "not_applicable",
      send: "unknown",
      disability: "unknown",
      lookedAfter: "unknown",
    });
    expect(sighting.statusCode).toBe(201);
    const row = await t.app.db
      .selectFrom("referrals")
      .selectAll()
      .where("id", "=", sighting.json().id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      kind: "unknown_child",
      child_id: null,
      unknown_child_age: 13,
      unknown_child_sex: "male",
    });
  });
});

describe("the question pages", () => {
  it("walks a named child's referral through every page to Check your answers; bad answers are field errors and change nothing", async () => {
    const c = await client("nurse");
    const start = await c.form("/referrals/new", {});
    expect(start.statusCode).toBe(400);
    expect(start.body).toContain('href="#about"');
    const made = await c.form("/referrals/new", { about: "child" });
    expect(made.statusCode).toBe(303);
    const base = String(made.headers.location).replace(/\/child$/, "");
    const draftId = base.split("/").pop()!;
    const draftData = async () =>
      (
        await t.app.db
          .selectFrom("referral_drafts")
          .select("data")
          .where("id", "=", draftId)
          .executeTakeFirstOrThrow()
      ).data;

    const search = await c.get(`${base}/child?name=Kai`);
    expect(search.statusCode).toBe(200);
    expect(search.body).toContain(`value="${childId}"`);
    expect((await c.form(`${base}/child`, {})).body).toContain("Select the child from the search results");
    expect((await c.form(`${base}/child`, { childId })).headers.location).toBe(`${base}/concern`);

    const pages: [string, Record<string, string>, string[], Record<string, string | string[]>][] = [
      [
        "concern",
        { urgency: "sometime" },
        ["concernTypes", "urgency"],
        { concernTypes: ["cce", "county_lines"], urgency: "high", indicators: "multiple_phones" },
      ],
      [
        "what-happened",
        { whatHappened: "Worried." },
        ["whatHappened"],
        {
          whatHappened:
            "Brought to the emergency department by police at 02:00 after being found 40 miles from home with two phones.",
          source: "professional",
        },
      ],
      [
        "voice",
        { childWords: "I owe them" },
        ["workerGenderPreference", "parentsAware"],
        {
          childWords: "If I lose it I owe them.",
          childWishes: "Wants to go home.",
          workerGenderPreference: "male",
          parentsAware: "yes",
        },
      ],
      [
        "needs",
        { send: "ehcp" },
        ["disability", "lookedAfter"],
        {
          send: "ehcp",
          disability: "yes",
          disabilityDetails: "Autistic; prefers short, clear questions.",
          lookedAfter: "no",
        },
      ],
    ];
    for (const [step, bad, fields, good] of pages) {
      const before = await draftData();
      const r = await c.form(`${base}/${step}`, bad);
      expect(r.statusCode, step).toBe(400);
      expect(r.body, step).toContain("govuk-error-summary");
      for (const f of fields) {
        expect(r.body, `${step} links to ${f}`).toContain(`href="#${f}"`);
        expect(r.body, `${step} has a field with id ${f}`).toContain(`id="${f}"`);
      }
      expect(await draftData(), `${step}: nothing written`).toEqual(before);
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(good))
        for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      body.append("_csrf", c.csrf);
      const ok = await t.server.inject({
        method: "POST",
        url: `${base}/${step}`,
        cookies: c.cookies,
        payload: body.toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(ok.statusCode, step).toBe(303);
    }
    const noPerson = await c.form(`${base}/person`, { sex: "male" });
    expect(noPerson.statusCode).toBe(400);
    expect(noPerson.body).toContain('href="#description"');
    const badPhone = await c.form(`${base}/person`, {
      description: "Man about 25 in a grey car",
      phones: "ring him",
    });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.body).toContain('href="#phones"');
    expect(
      (
        await c.form(`${base}/person`, {
          description: "Man, about 25, slim, short dark hair; waits in a grey hatchback outside the park.",
          approximateAge: "25",
          sex: "male",
          vehicles: "Grey hatchback, registration starts KX19",
          phones: "07700 900123",
          places: "Riverside Park car park",
        })
      ).headers.location,
    ).toBe(`${base}/persons`);
    const check = await c.get(`${base}/check`);
    expect(check.statusCode).toBe(200);
    for (const text of [
      "Check your answers",
      "If I lose it I owe them.",
      "Grey hatchback",
      "Yes: education, health and care plan (EHCP)",
      "Would prefer to speak to a man",
    ])
      expect(check.body).toContain(text);
    expect(check.body).not.toContain('data-testid="check-todo"');

    // A double click: two submits at once make one referral.
    const before = await count("referrals");
    const [s1, s2] = await Promise.all([c.form(`${base}/submit`, {}), c.form(`${base}/submit`, {})]);
    expect(s1.statusCode).toBe(303);
    expect(s2.statusCode).toBe(303);
    expect(s1.headers.location).toBe(s2.headers.location);
    expect(await count("referrals")).toBe(before + 1);
    const again = await c.form(`${base}/submit`, {});
    expect(again.headers.location).toBe(s1.headers.location);
    expect(await count("referrals")).toBe(before + 1);
    const sent = await c.get(String(s1.headers.location));
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain("Referral sent");
  });

  it("Check your answers lists what is missing and sending an incomplete draft is refused with field errors", async () => {
    const c = await client("nurse");
    const made = await c.form("/referrals/new", { about: "intelligence" });
    const base = String(made.headers.location).replace(/\/concern$/, "");
    const check = await c.get(`${base}/check`);
    expect(check.body).toContain('data-testid="check-todo"');
    const before = await count("referrals");
    const r = await c.form(`${base}/submit`, {});
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain("Select at least one concern");
    expect(r.body).toContain(`${base}/concern?returnTo=check`);
    expect(await count("referrals")).toBe(before);
  });
});

describe("the language checker on a referral's narrative", () => {
  const flagsOf = (recordId: string) =>
    t.app.db
      .selectFrom("language_flags")
      .select(["field", "phrase", "kept", "reason", "record_type", "user_id", "dictionary_version"])
      .where("record_id", "=", recordId)
      .orderBy("field")
      .execute();

  it("flags the referrer's words (not the child's own), with kept wording and its reason, in the same transaction", async () => {
    const c = await client("nurse");
    const r = await c.api("POST", "/api/v1/referrals", {
      ...EXAMPLE_REFERRAL(childId),
      whatHappened: "Staff say he keeps putting himself at risk by going to the flat on Mill Lane at night.",
      childWords: "He is my boyfriend, he looks after me.",
      childWishes: "Wants to stay at home; his mum says he is a drug runner.",
      languageKept: [
        {
          phrase: "putting himself at risk",
          reason: "The ward staff's words, quoted as they said them.",
          field: "whatHappened",
        },
      ],
    });
    expect(r.statusCode).toBe(201);
    const flags = await flagsOf(r.json().id);
    expect(flags.map((f) => [f.field, f.phrase.toLowerCase(), f.kept])).toEqual([
      ["childWishes", "drug runner", false],
      ["whatHappened", "putting himself at risk", true],
    ]);
    expect(flags.every((f) => f.record_type === "referral" && f.user_id === u.nurse.id)).toBe(true);
    expect(flags[1].reason).toBe("The ward staff's words, quoted as they said them.");
    expect(flags[0].dictionary_version).toMatch(/\S/);

    // A refused referral records no checks either.
    const before = await t.app.db
      .selectFrom("language_checks")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const bad = await c.api("POST", "/api/v1/referrals", {
      ...EXAMPLE_REFERRAL(childId),
      urgency: "whenever",
      whatHappened: "She keeps putting herself at risk at the hotel by the ring road.",
    });
    expect(bad.statusCode).toBe(400);
    const after = await t.app.db
      .selectFrom("language_checks")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("the question pages carry the hints and keep the writer's decisions from page to page until it is sent", async () => {
    const c = await client("nurse");
    const made = await c.form("/referrals/new", { about: "child" });
    const base = String(made.headers.location).replace(/\/child$/, "");
    await c.form(`${base}/child`, { childId });
    await c.form(`${base}/concern`, { concernTypes: "cse", urgency: "medium" });
    const page = await c.get(`${base}/what-happened`);
    expect(page.body).toMatch(
      /<textarea[^>]*name="whatHappened"[^>]*data-language-check="true"|<textarea[^>]*data-language-check="true"[^>]*name="whatHappened"/,
    );
    const kept = {
      phrase: "putting herself at risk",
      reason: "Her foster carer's words, recorded as said.",
      field: "whatHappened",
    };
    const saved = await c.form(`${base}/what-happened`, {
      whatHappened: "Since October she keeps putting herself at risk with older men at the takeaway.",
      source: "professional",
      languageOverride: JSON.stringify(kept),
    });
    expect(saved.statusCode).toBe(303);
    const back = await c.get(`${base}/what-happened`);
    expect(back.body).toContain('name="languageOverride"');
    expect(back.body).toContain('data-language-for="whatHappened"');
    // The voice page's own decisions do not replace this page's.
    const voice = await c.get(`${base}/voice`);
    expect(voice.body).toMatch(
      /name="childWishes"[^>]*data-language-check|data-language-check[^>]*name="childWishes"/,
    );
    expect(voice.body).not.toMatch(/<textarea[^>]*name="childWords"[^>]*data-language-check/);
    await c.form(`${base}/voice`, {
      childWishes: "Wants to see her sister.",
      workerGenderPreference: "female",
      parentsAware: "yes",
    });
    await c.form(`${base}/needs`, { send: "none", disability: "no", lookedAfter: "yes" });
    const sent = await c.form(`${base}/submit`, {});
    expect(sent.statusCode).toBe(303);
    const id = String(sent.headers.location).split("/").pop()!.split("?")[0];
    const flags = await flagsOf(id);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ field: "whatHappened", kept: true, reason: kept.reason });
  });
});

describe("who sees what", () => {
  let referralId: string;
  const POLICE_DETAIL =
    "PNC: the described man is linked to Class A supply in Northmoor (intelligence graded 2B).";
  const HEALTH_DETAIL = "Two emergency department attendances in October with unexplained injuries.";

  beforeAll(async () => {
    const teacher = await client("teacher");
    const r = await teacher.api("POST", "/api/v1/referrals", EXAMPLE_REFERRAL(childId));
    referralId = r.json().id;
    const police = await client("policeScreener");
    const add = await police.api("POST", `/api/v1/screening/referrals/${referralId}/contributions`, {
      checksMade: ["Police National Computer (PNC)"],
      findings: POLICE_DETAIL,
      sharedSummary: "Police hold intelligence on the adult described.",
      riskView: "high",
    });
    expect(add.statusCode).toBe(201);
    expect(add.json()).toMatchObject({ discipline: "police", fieldGroup: "police_intelligence" });
    const health = await client("healthScreener");
    expect(
      (
        await health.api("POST", `/api/v1/screening/referrals/${referralId}/contributions`, {
          findings: HEALTH_DETAIL,
          sharedSummary: "Health records show recent injuries.",
          riskView: "medium",
        })
      ).statusCode,
    ).toBe(201);
  });

  it("a school referrer sees its own referral's status, not the police contribution or the child's record", async () => {
    const c = await client("teacher");
    const api = await c.api("GET", `/api/v1/referrals/${referralId}`);
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ view: "status", status: "in_screening", statusLabel: "In screening" });
    expect(api.body).not.toContain("PNC");
    expect(api.body).not.toContain("Police hold intelligence");
    expect(api.json().contributions).toBeUndefined();
    expect(api.headers["x-lantern-field-groups"]).toBe("");
    const page = await c.get(`/referrals/${referralId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-testid="referral-status"');
    expect(page.body).not.toContain("Class A supply");
    expect(page.body).not.toContain("Police hold intelligence");
    expect((await c.get(`/screening/referrals/${referralId}`)).statusCode).toBe(403);
    expect((await c.api("GET", `/api/v1/screening/referrals/${referralId}`)).statusCode).toBe(403);
    expect((await c.api("GET", `/api/v1/children/${childId}/timeline`)).statusCode).toBe(403);
    const record = await c.get(`/children/${childId}`);
    expect(record.body).toContain('data-testid="signpost"');
    // The same database rows, read as the school user under row-level security: no contributions.
    const rows = await t.app.access.asUser(
      {
        id: u.teacher.id,
        email: u.teacher.email,
        displayName: "",
        agencyId: a.school.id,
        agencyName: "",
        agencyKind: "school",
        roles: ["practitioner"],
        sessionId: "",
      },
      (tx) =>
        tx.selectFrom("screening_contributions").select("id").where("referral_id", "=", referralId).execute(),
    );
    expect(rows).toEqual([]);
  });

  it("another practitioner without a relationship cannot see the referral at all", async () => {
    const c = await client("nurse");
    expect((await c.api("GET", `/api/v1/referrals/${referralId}`)).statusCode).toBe(403);
  });

  it("screeners see each contribution's detail only in their own agency's field groups, and every summary", async () => {
    const seen = async (who: string) => {
      const r = await (await client(who)).api("GET", `/api/v1/screening/referrals/${referralId}`);
      expect(r.statusCode).toBe(200);
      const byDiscipline = Object.fromEntries(
        (
          r.json().contributions as {
            discipline: string;
            findings: string | null;
            sharedSummary: string;
            restricted: boolean;
          }[]
        ).map((x) => [x.discipline, x]),
      );
      return byDiscipline;
    };
    const social = await seen("socialScreener");
    expect(social.police).toMatchObject({
      findings: null,
      restricted: true,
      sharedSummary: "Police hold intelligence on the adult described.",
    });
    expect(social.health).toMatchObject({ findings: null, restricted: true });
    const police = await seen("policeScreener");
    expect(police.police.findings).toBe(POLICE_DETAIL);
    expect(police.health.findings).toBeNull();
    const health = await seen("healthScreener");
    expect(health.health.findings).toBe(HEALTH_DETAIL);
    expect(health.police.findings).toBeNull();
    const page = await (await client("socialScreener")).get(`/screening/referrals/${referralId}`);
    expect(page.body).not.toContain("Class A supply");
    expect(page.body).toContain("Police hold intelligence on the adult described.");
  });

  it("agencies never change each other's contributions; a correction is a new entry pointing at the old", async () => {
    const healthId = (
      await t.app.db
        .selectFrom("screening_contributions")
        .select("id")
        .where("referral_id", "=", referralId)
        .where("discipline", "=", "health")
        .executeTakeFirstOrThrow()
    ).id;
    const police = await client("policeScreener");
    const body = {
      findings: "Corrected by the wrong agency",
      sharedSummary: "Not ours to change",
      riskView: "low",
      supersedesId: healthId,
    };
    expect(
      (await police.api("POST", `/api/v1/screening/referrals/${referralId}/contributions`, body)).statusCode,
    ).toBe(403);
    const health = await client("healthScreener");
    const fixed = await health.api("POST", `/api/v1/screening/referrals/${referralId}/contributions`, {
      ...body,
      findings: `${HEALTH_DETAIL} Also a sexual health clinic attendance in November.`,
      sharedSummary: "Health records show recent injuries and clinic attendance.",
    });
    expect(fixed.statusCode).toBe(201);
    const rows = await t.app.db
      .selectFrom("screening_contributions")
      .selectAll()
      .where("referral_id", "=", referralId)
      .where("discipline", "=", "health")
      .execute();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === fixed.json().id)?.supersedes_id).toBe(healthId);
    const twice = await health.api("POST", `/api/v1/screening/referrals/${referralId}/contributions`, body);
    expect(twice.statusCode).toBe(409);
  });

  it("joining gives a time-limited screening relationship; the decision needs If-Match and a rationale, records who decided, and allocates the lead professional", async () => {
    const s = await client("socialScreener");
    const joined = await s.api("POST", `/api/v1/screening/referrals/${referralId}/participants`);
    expect(joined.statusCode).toBe(200);
    const rel = await t.app.db
      .selectFrom("relationships")
      .selectAll()
      .where("user_id", "=", u.socialScreener.id)
      .where("child_id", "=", childId)
      .executeTakeFirstOrThrow();
    expect(rel.kind).toBe("screening_participant");
    expect(rel.reason).toMatch(/^Joint screening of REF-/);
    expect(rel.ends_at!.getTime() - clock.now().getTime()).toBe(30 * 86_400_000);
    expect((await s.api("GET", `/api/v1/children/${childId}`)).json().child).not.toBeNull();

    const got = await s.api("GET", `/api/v1/screening/referrals/${referralId}`);
    const etag = String(got.headers.etag);
    const decision = {
      decision: "mace",
      rationale: "Adult of concern described; police intelligence; injuries. MACE panel.",
      leadProfessionalId: u.socialWorker.id,
    };
    expect(
      (await s.api("POST", `/api/v1/screening/referrals/${referralId}/decision`, decision)).statusCode,
    ).toBe(428);
    expect(
      (
        await s.api("POST", `/api/v1/screening/referrals/${referralId}/decision`, decision, {
          "if-match": 'W/"v99"',
        })
      ).statusCode,
    ).toBe(412);
    const noWhy = await s.api(
      "POST",
      `/api/v1/screening/referrals/${referralId}/decision`,
      { decision: "mace" },
      { "if-match": etag },
    );
    expect(noWhy.statusCode).toBe(400);
    expect(noWhy.json().error.fields.map((f: { field: string }) => f.field)).toEqual(["rationale"]);
    const wrongLead = await s.api(
      "POST",
      `/api/v1/screening/referrals/${referralId}/decision`,
      { ...decision, leadProfessionalId: u.nurse.id },
      { "if-match": etag },
    );
    expect(wrongLead.statusCode).toBe(400);
    const ok = await s.api("POST", `/api/v1/screening/referrals/${referralId}/decision`, decision, {
      "if-match": etag,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      status: "decided",
      outcome: "MACE: multi-agency child exploitation panel",
    });
    const row = await t.app.db
      .selectFrom("referrals")
      .selectAll()
      .where("id", "=", referralId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      decision: "mace",
      decided_by: u.socialScreener.id,
      lead_professional_id: u.socialWorker.id,
    });
    expect(
      (
        await s.api("POST", `/api/v1/screening/referrals/${referralId}/decision`, decision, {
          "if-match": String(ok.headers.etag),
        })
      ).statusCode,
    ).toBe(409);
    const lead = await t.app.db
      .selectFrom("relationships")
      .selectAll()
      .where("user_id", "=", u.socialWorker.id)
      .where("child_id", "=", childId)
      .executeTakeFirstOrThrow();
    expect(lead).toMatchObject({ kind: "allocated_worker", ends_at: null });
    const after = await t.app.db
      .selectFrom("relationships")
      .select("ends_at")
      .where("id", "=", rel.id)
      .executeTakeFirstOrThrow();
    expect(after.ends_at!.getTime() - clock.now().getTime()).toBeLessThanOrEqual(14 * 86_400_000);

    // The referrer now sees the outcome, still not the rationale or the contributions.
    const teacher = await client("teacher");
    const status = (await teacher.api("GET", `/api/v1/referrals/${referralId}`)).json();
    expect(status).toMatchObject({
      view: "status",
      status: "decided",
      outcome: "MACE: multi-agency child exploitation panel",
    });
    expect(JSON.stringify(status)).not.toContain("Adult of concern described");
  });

  it("the allocated social worker sees the referral and the child's timeline by field group", async () => {
    const c = await client("socialWorker");
    const full = await c.api("GET", `/api/v1/referrals/${referralId}`);
    expect(full.statusCode).toBe(200);
    expect(full.json().view).toBe("full");
    const police = (full.json().contributions as { discipline: string; findings: string | null }[]).find(
      (x) => x.discipline === "police",
    );
    expect(police?.findings).toBeNull();
    const timeline = await c.api("GET", `/api/v1/children/${childId}/timeline`);
    expect(timeline.statusCode).toBe(200);
    const titles = (timeline.json().entries as { title: string }[]).map((e) => e.title);
    expect(titles.some((x) => x.startsWith("Screening decision on"))).toBe(true);
    expect(titles.some((x) => x.startsWith("Police checks for screening"))).toBe(true);
    expect(titles.some((x) => x.startsWith("Police checks: detail"))).toBe(false);
    expect(timeline.json().notShown).toContain("Police intelligence");
    expect(timeline.body).not.toContain("Class A supply");
    const voice = await c.api("GET", `/api/v1/children/${childId}/timeline?voice=1`);
    expect((voice.json().entries as { childsVoice: { words: string } }[]).every((e) => e.childsVoice)).toBe(
      true,
    );
    const page = await c.get(`/children/${childId}`);
    expect(page.body.indexOf('data-testid="record-voice"')).toBeLessThan(page.body.indexOf("Identity"));
    expect(page.body).toContain("They said if I lose it I owe them.");
    expect(page.body).toContain('data-testid="timeline"');
  });
});

describe("an unidentified child, identified later", () => {
  it("the screening team links the referral to the child's record; screeners working it get their relationship", async () => {
    const teacher = await client("teacher");
    const sighting = await teacher.api("POST", "/api/v1/referrals", {
      about: "unknown_child",
      unknownChildDescription:
        "Boy, about 14, small for his age, seen leaving the flat on Mill Street during school hours.",
      concernTypes: ["cce"],
      urgency: "high",
      whatHappened: "Seen three times this week leaving the flat with a rucksack during school hours.",
      workerGenderPreference: "not_asked",
      parentsAware: "not_applicable",
      send: "unknown",
      disability: "unknown",
      lookedAfter: "unknown",
    });
    const id = sighting.json().id;
    const police = await client("policeScreener");
    await police.api("POST", `/api/v1/screening/referrals/${id}/contributions`, {
      findings: "Patrols identified the boy on Tuesday.",
      sharedSummary: "Police have identified the boy.",
      riskView: "high",
    });
    const page = await police.get(`/screening/referrals/${id}/identify?name=Kai`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`value="${childId}"`);
    expect((await police.form(`/screening/referrals/${id}/identify`, {})).statusCode).toBe(400);
    const linked = await police.form(`/screening/referrals/${id}/identify`, { childId });
    expect(linked.statusCode).toBe(303);
    const row = await t.app.db
      .selectFrom("referrals")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: "unknown_child", child_id: childId });
    const rel = await t.app.db
      .selectFrom("relationships")
      .selectAll()
      .where("user_id", "=", u.policeScreener.id)
      .where("child_id", "=", childId)
      .where("reason", "=", `Joint screening of ${row.reference}`)
      .execute();
    expect(rel).toHaveLength(1);
    const again = await police.api("POST", `/api/v1/screening/referrals/${id}/child`, { childId });
    expect(again.statusCode).toBe(409);
    const timeline = await (await client("socialWorker")).api("GET", `/api/v1/children/${childId}/timeline`);
    expect(timeline.body).toContain(row.reference);
  });
});

describe("nothing drops silently", () => {
  it("a withdrawal needs a reason and If-Match, by the referrer or the screening team", async () => {
    const c = await client("nurse");
    const id = (await c.api("POST", "/api/v1/referrals", EXAMPLE_REFERRAL(childId))).json().id;
    const noReason = await c.api("POST", `/api/v1/referrals/${id}/withdraw`, {}, { "if-match": 'W/"v1"' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.fields[0].field).toBe("reason");
    const other = await client("teacher");
    expect(
      (
        await other.api(
          "POST",
          `/api/v1/referrals/${id}/withdraw`,
          { reason: "Not mine to withdraw at all" },
          { "if-match": 'W/"v1"' },
        )
      ).statusCode,
    ).toBe(403);
    const ok = await c.api(
      "POST",
      `/api/v1/referrals/${id}/withdraw`,
      { reason: "Sent twice by mistake; see the earlier referral." },
      { "if-match": 'W/"v1"' },
    );
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: "withdrawn", outcome: "Withdrawn" });
  });

  it("the database refuses a withdrawn referral without a reason, and a decided one without a decision", async () => {
    const c = await client("nurse");
    const id = (await c.api("POST", "/api/v1/referrals", EXAMPLE_REFERRAL(childId))).json().id;
    await expect(
      sql`update referrals set status = 'withdrawn' where id = ${id}`.execute(t.app.db),
    ).rejects.toThrow(/without a reason/);
    await expect(
      sql`update referrals set status = 'decided' where id = ${id}`.execute(t.app.db),
    ).rejects.toThrow(/referrals_decision_recorded/);
  });
});

describe("drafts are not kept longer than needed", () => {
  it("an unsent draft goes after 30 days without a change, a sent one a day after sending; the rest stay", async () => {
    const real = clock.now();
    try {
      clock.set(new Date("2026-06-01T10:00:00Z"));
      let c = await client("nurse");
      const start = async () =>
        String((await c.form("/referrals/new", { about: "intelligence" })).headers.location).split("/")[3];
      const exists = async (id: string) =>
        !!(await t.app.db.selectFrom("referral_drafts").select("id").where("id", "=", id).executeTakeFirst());
      const old = await start();
      const sent = await start();
      await c.form(`/referrals/drafts/${sent}/concern`, { concernTypes: "cse", urgency: "low" });
      await c.form(`/referrals/drafts/${sent}/what-happened`, {
        whatHappened: "A girl of about 14 was seen getting into a silver car outside the chip shop at 22:00.",
        source: "professional",
      });
      const s = await c.form(`/referrals/drafts/${sent}/submit`, {});
      expect(s.headers.location).toMatch(/^\/referrals\/[0-9a-f-]+\?sent=1$/);
      clock.set(new Date("2026-06-03T10:00:00Z"));
      c = await client("nurse"); // the earlier session has timed out
      const recent = await start();
      expect(recent).toMatch(/^[0-9a-f-]{36}$/);
      const mine = await c.get("/referrals");
      expect(mine.body).toContain("deleted after 30 days without a change");

      const svc = referralService(t.app);
      expect(await svc.purgeDrafts()).toMatchObject({ unsent: 0, sent: 1 }); // sent two days ago
      expect(await exists(sent)).toBe(false);
      expect(await exists(old)).toBe(true);
      clock.set(new Date("2026-07-01T10:00:01Z")); // 30 days and a second after the old one was made
      const r = await svc.purgeDrafts();
      expect(r.unsent).toBeGreaterThanOrEqual(1);
      expect(await exists(old)).toBe(false);
      expect(await exists(recent)).toBe(true);
      // The sent referral itself is untouched.
      c = await client("nurse");
      expect((await c.get(String(s.headers.location).split("?")[0])).statusCode).toBe(200);
    } finally {
      clock.set(real);
    }
  });
});

describe("deadlines and escalation", () => {
  it("the queue shows each deadline in working time with red/amber/green in words; the job escalates overdue referrals to managers once per level", async () => {
    const real = clock.now();
    try {
      // Friday 27 March 2026, 15:00 GMT; the clocks go forward on Sunday.
      clock.set(new Date("2026-03-27T15:00:00Z"));
      const c = await client("teacher");
      const r = await c.api("POST", "/api/v1/referrals", {
        ...EXAMPLE_REFERRAL(childId),
        urgency: "immediate",
      });
      expect(r.json().dueAt).toBe("2026-03-30T10:00:00.000Z"); // 4 working hours: 2 on Friday, 2 on Monday (BST)
      const id = r.json().id;
      const decided = (
        await c.api("POST", "/api/v1/referrals", { ...EXAMPLE_REFERRAL(childId), urgency: "immediate" })
      ).json().id;
      await sql`update referrals set status = 'decided', decision = 'single_agency', decision_rationale = 'School support plan agreed', decided_at = now() where id = ${decided}`.execute(
        t.app.db,
      );

      // Sessions time out after 30 idle minutes, so each look after moving the clock signs in again.
      const row = async () => {
        const s = await client("socialScreener");
        const q = await s.api("GET", "/api/v1/screening/queue");
        expect(q.statusCode, q.body.slice(0, 300)).toBe(200);
        return (q.json().referrals as { id: string; deadline: { rag: string; text: string } }[]).find(
          (x) => x.id === id,
        )!;
      };
      expect((await row()).deadline).toMatchObject({ rag: "green", text: "Green: 4 working hours left" });
      clock.set(new Date("2026-03-30T08:30:00Z")); // Monday 09:30 BST: 1.5 working hours left of 4
      expect((await row()).deadline).toMatchObject({
        rag: "amber",
        text: "Amber: 1 working hour 30 minutes left",
      });
      clock.set(new Date("2026-03-30T09:30:00Z"));
      expect((await row()).deadline.rag).toBe("red");

      const worker = buildWorker(t.app);
      clock.set(new Date("2026-03-30T11:00:00Z")); // an hour overdue
      expect((await row()).deadline).toMatchObject({ rag: "red", text: "Red: Overdue by 1 working hour" });
      expect(await referralService(t.app).escalateOverdue()).toMatchObject({ escalated: expect.any(Number) });
      const escalations = await t.app.db
        .selectFrom("referral_escalations")
        .selectAll()
        .where("referral_id", "=", id)
        .execute();
      expect(escalations).toHaveLength(1);
      expect(escalations[0].level).toBe(1);
      expect(new Set(escalations[0].notified_user_ids)).toEqual(
        new Set([u.socialManager.id, u.policeManager.id]),
      );
      expect(
        await t.app.db
          .selectFrom("referral_escalations")
          .selectAll()
          .where("referral_id", "=", decided)
          .execute(),
      ).toEqual([]);
      // Run by the worker's schedule, again: nothing new.
      await worker.enqueueSchedules();
      await worker.drain();
      expect(
        await t.app.db.selectFrom("referral_escalations").selectAll().where("referral_id", "=", id).execute(),
      ).toHaveLength(1);
      const job = await t.app.db
        .selectFrom("jobs")
        .selectAll()
        .where("kind", "=", "referrals.escalate_overdue")
        .executeTakeFirstOrThrow();
      expect(job.status).toBe("succeeded");
      // A working day later: the second escalation.
      clock.set(new Date("2026-03-31T11:00:00Z"));
      await referralService(t.app).escalateOverdue();
      const levels = (
        await t.app.db
          .selectFrom("referral_escalations")
          .select("level")
          .where("referral_id", "=", id)
          .orderBy("level")
          .execute()
      ).map((e) => e.level);
      expect(levels).toEqual([1, 2]);
      expect(
        (
          await t.app.db
            .selectFrom("referrals")
            .select("escalation_level")
            .where("id", "=", id)
            .executeTakeFirstOrThrow()
        ).escalation_level,
      ).toBe(2);
      expect(await audits("referral.escalate")).toBeGreaterThanOrEqual(2);

      const manager = await client("socialManager");
      const home = await manager.get("/");
      expect(home.body).toContain('data-testid="escalations"');
      expect(home.body).toContain(r.json().reference);
      const schoolManager = await client("schoolManager");
      expect((await schoolManager.get("/")).body).not.toContain('data-testid="escalations"');
    } finally {
      clock.set(real);
    }
  });

  it("a screener's home page shows the queue; a practitioner's shows their referrals and status", async () => {
    const s = await client("socialScreener");
    const home = await s.get("/");
    expect(home.body).toContain('data-testid="home-queue"');
    const n = await client("nurse");
    const mine = await n.get("/");
    expect(mine.body).toContain('data-testid="home-my-referrals"');
    expect(mine.body).not.toContain('data-testid="home-queue"');
  });
});
