// Disruption on a real database: record tactics against persons, places and businesses (and NRM
// referrals for children), optimistic concurrency, only the recording agency changes its record,
// breaches from any agency, counts for reporting, the expiry warnings job, and the form journey.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inScope } from "../../src/db/rls.ts";
import { warnExpiring } from "../../src/modules/disruption/index.ts";
import { TestClock } from "../../src/platform/clock.ts";
import { newId } from "../../src/platform/ids.ts";
import { Client, makeAgency, makeUser, type TestApp, testApp } from "./app.ts";
import "../../src/modules/disruption/disruption.tables.ts";

let t: TestApp;
const clock = new TestClock(new Date("2026-11-02T10:00:00Z"));
let police: { id: string };
let council: { id: string };
let cops: Client;
let licensing: Client;
let practitioner: Client;
let copUser: { id: string; email: string };
let personId: string;
let takeawayId: string;
let phoneId: string;
let childId: string;
const system = <T>(fn: Parameters<typeof inScope<T>>[2]) => inScope(t.app.db, { scope: "system" }, fn);

beforeAll(async () => {
  t = await testApp({ clock });
  police = await makeAgency(t.app, "police", "Kestrel Police");
  council = await makeAgency(t.app, "council", "Kestrel Council Licensing");
  copUser = await makeUser(t.app, { roles: ["analyst"], agencyId: police.id });
  const lic = await makeUser(t.app, { roles: ["manager"], agencyId: council.id });
  const prac = await makeUser(t.app, { roles: ["practitioner"], agencyId: council.id });
  cops = new Client(t.server);
  licensing = new Client(t.server);
  practitioner = new Client(t.server);
  await cops.signIn(copUser.email);
  await licensing.signIn(lic.email);
  await practitioner.signIn(prac.email);
  personId = newId();
  takeawayId = newId();
  phoneId = newId();
  childId = newId();
  await t.app.db
    .insertInto("persons_of_concern")
    .values({
      id: personId,
      reference: "POC-700001",
      owning_agency_id: police.id,
      given_name: "Dean",
      family_name: "Harlow",
      sex: "male",
    })
    .execute();
  await t.app.db
    .insertInto("entities")
    .values([
      {
        id: takeawayId,
        kind: "location",
        label: "Golden Grill (takeaway), Kestrel",
        subtype: "takeaway",
        owning_agency_id: police.id,
      },
      { id: phoneId, kind: "phone", label: "07700 900333", subtype: "mobile", owning_agency_id: police.id },
    ])
    .execute();
  await t.app.db
    .insertInto("children")
    .values({
      id: childId,
      reference: "CH-DIS001",
      owning_agency_id: council.id,
      given_name: "Amber",
      family_name: "Disrupt",
    })
    .execute();
});
afterAll(async () => {
  await t.close();
});

describe("recording and changing disruption", () => {
  let cawn: string;
  it("records a CAWN with an expiry; validates tactic against subject and dates; idempotent", async () => {
    const bad = await cops.api("POST", "/api/v1/disruptions", {
      tactic: "closure_order",
      subject: `person:${personId}`,
      starts_on: "2026-10-01",
      expires_on: "2026-09-01",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(["expires_on", "tactic"]),
    );
    const phone = await cops.api("POST", "/api/v1/disruptions", {
      tactic: "closure_order",
      subject: `entity:${phoneId}`,
      starts_on: "2026-10-01",
    });
    expect(phone.statusCode).toBe(400);
    const body = {
      tactic: "cawn",
      subject: `person:${personId}`,
      starts_on: "2026-10-14",
      expires_on: "2026-11-20",
      conditions: "Not to contact or be with the named child",
    };
    const a = await cops.api("POST", "/api/v1/disruptions", body, { "idempotency-key": "cawn-1" });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json().reference).toMatch(/^DIS-2026-\d{6}$/);
    const b = await cops.api("POST", "/api/v1/disruptions", body, { "idempotency-key": "cawn-1" });
    expect(b.statusCode).toBe(200);
    expect(b.json().id).toBe(a.json().id);
    cawn = a.json().id;
    const list = await licensing.api("GET", `/api/v1/disruptions?subject=person:${personId}`);
    expect(list.json().disruptions).toHaveLength(1);
    expect(list.json().disruptions[0]).toMatchObject({
      tactic: "cawn",
      state: "expiring",
      stateLabel: "Expires in 18 days",
    });
  });

  it("changes need If-Match and the recording agency; other agencies record breaches as their own entries", async () => {
    const url = `/api/v1/disruptions/${cawn}`;
    const got = await cops.api("GET", url);
    expect(got.headers.etag).toBe('W/"v1"');
    expect((await cops.api("PATCH", url, { outcome: "Served in person" })).statusCode).toBe(428);
    expect(
      (await licensing.api("PATCH", url, { outcome: "Served" }, { "if-match": 'W/"v1"' })).statusCode,
    ).toBe(403);
    const ok = await cops.api("PATCH", url, { outcome: "Served in person" }, { "if-match": 'W/"v1"' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await cops.api("PATCH", url, { outcome: "Again" }, { "if-match": 'W/"v1"' })).statusCode).toBe(
      412,
    );
    const br = await licensing.api("POST", `${url}/breaches`, {
      occurred_on: "2026-10-30",
      description: "Seen with the child at the takeaway",
    });
    expect(br.statusCode, br.body).toBe(201);
    const future = await licensing.api("POST", `${url}/breaches`, {
      occurred_on: "2027-01-01",
      description: "Not yet happened",
    });
    expect(future.statusCode).toBe(400);
    const detail = (await cops.api("GET", url)).json();
    expect(detail.breaches).toHaveLength(1);
    expect(detail.breaches[0].agency).toBe("Kestrel Council Licensing");
    expect(detail.disruption.outcome).toBe("Served in person");
  });

  it("licensing review and closure order on a place; practitioners cannot record disruption", async () => {
    const r = await licensing.api("POST", "/api/v1/disruptions", {
      tactic: "licensing_review",
      subject: `entity:${takeawayId}`,
      status: "sought",
      applied_on: "2026-10-20",
    });
    expect(r.statusCode, r.body).toBe(201);
    const c = await cops.api("POST", "/api/v1/disruptions", {
      tactic: "closure_order",
      subject: `entity:${takeawayId}`,
      starts_on: "2026-08-01",
      expires_on: "2026-10-31",
    });
    expect(c.statusCode).toBe(201);
    expect((await practitioner.api("GET", "/api/v1/disruptions")).statusCode).toBe(403);
  });

  it("an NRM referral for a child needs a relationship with the child; others never see it", async () => {
    const body = { tactic: "nrm_referral", subject: `child:${childId}`, starts_on: "2026-10-25" };
    expect((await cops.api("POST", "/api/v1/disruptions", body)).statusCode).toBe(403);
    await t.app.db
      .insertInto("relationships")
      .values({
        id: newId(),
        user_id: copUser.id,
        child_id: childId,
        kind: "allocated_worker",
        reason: "test",
        starts_at: new Date("2026-01-01"),
      })
      .execute();
    const ok = await cops.api("POST", "/api/v1/disruptions", body);
    expect(ok.statusCode, ok.body).toBe(201);
    const mine = (await cops.api("GET", "/api/v1/disruptions")).json().disruptions as {
      tactic: string;
      subject: { label: string };
    }[];
    expect(mine.find((d) => d.tactic === "nrm_referral")?.subject.label).toContain("Amber Disrupt");
    const theirs = (await licensing.api("GET", "/api/v1/disruptions")).json().disruptions as {
      tactic: string;
    }[];
    expect(theirs.some((d) => d.tactic === "nrm_referral")).toBe(false);
  });

  it("counts for reporting, by tactic", async () => {
    const r = await licensing.api("GET", "/api/v1/disruptions/counts");
    expect(r.statusCode).toBe(200);
    const by = Object.fromEntries((r.json().tactics as { tactic: string }[]).map((x) => [x.tactic, x]));
    expect(by.cawn).toMatchObject({ total: 1, in_force: 1, expiring: 1, breached: 1, breaches: 1 });
    expect(by.licensing_review).toMatchObject({ total: 1, sought: 1 });
    expect(by.closure_order).toMatchObject({ total: 1, expired: 1, in_force: 0 });
    expect(by.nrm_referral).toMatchObject({ total: 1 });
    expect(r.json().total.total).toBe(4);
    const page = await licensing.get("/disruptions");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Child abduction warning notice (CAWN)");
  });
});

describe("the expiry warnings job", () => {
  it("warns 28 days and 7 days before, and when expired; once per expiry date", async () => {
    const id = newId();
    await system((tx) =>
      tx
        .insertInto("disruptions")
        .values({
          id,
          reference: "DIS-2026-999001",
          tactic: "shpo",
          subject_kind: "person",
          subject_id: personId,
          child_id: null,
          owning_agency_id: police.id,
          recorded_by: null,
          applied_on: null,
          starts_on: "2021-12-20",
          expires_on: "2026-12-20",
          ended_on: null,
          conditions: null,
          outcome: null,
          notes: null,
          idempotency_key: null,
        })
        .execute(),
    );
    const kinds = async () =>
      (
        await system((tx) =>
          tx
            .selectFrom("disruption_warnings")
            .select("kind")
            .where("disruption_id", "=", id)
            .orderBy("created_at")
            .execute(),
        )
      ).map((w) => w.kind);
    clock.set(new Date("2026-11-10T09:00:00Z")); // 40 days before: nothing
    await warnExpiring(t.app.db, clock);
    expect(await kinds()).toEqual([]);
    clock.set(new Date("2026-11-25T09:00:00Z")); // 25 days
    const r = await warnExpiring(t.app.db, clock);
    expect(r.warned.expires_28_days).toBeGreaterThanOrEqual(1);
    await warnExpiring(t.app.db, clock);
    expect(await kinds()).toEqual(["expires_28_days"]);
    clock.set(new Date("2026-12-15T09:00:00Z")); // 5 days
    await warnExpiring(t.app.db, clock);
    clock.set(new Date("2026-12-21T09:00:00Z")); // expired
    await warnExpiring(t.app.db, clock);
    expect(await kinds()).toEqual(["expires_28_days", "expires_7_days", "expired"]);
    // Extended: warns again for the new date when it comes near.
    await system((tx) =>
      tx.updateTable("disruptions").set({ expires_on: "2027-01-10" }).where("id", "=", id).execute(),
    );
    await warnExpiring(t.app.db, clock);
    expect((await kinds()).length).toBe(4);
    const audits = await system((tx) =>
      tx
        .selectFrom("audit_log")
        .select("reason")
        .where("action", "=", "disruption.expiry_warning")
        .where("record_id", "=", id)
        .execute(),
    );
    expect(audits).toHaveLength(4);
    clock.set(new Date("2026-11-02T10:00:00Z"));
  });
});

describe("the form journey", () => {
  it("form → check your answers → recorded once (double submit) → back to the chart with a banner", async () => {
    const start = await cops.get(
      `/disruptions/new?subject=person:${personId}&return=${encodeURIComponent(`/network?centre=person:${personId}`)}`,
    );
    expect(start.statusCode).toBe(200);
    const token = /name="token" value="([^"]+)"/.exec(start.body)![1];
    const empty = await cops.form("/disruptions/check", {
      subject: `person:${personId}`,
      token,
      return: "/network",
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain("govuk-error-summary");
    expect(empty.body).toContain('href="#tactic"');
    const fields = {
      subject: `person:${personId}`,
      tactic: "sexual_risk_order",
      status: "in_force",
      starts_on: "2026-10-01",
      expires_on: "2028-10-01",
      conditions: "Not to be alone with any child under 16",
      token,
      return: `/network?centre=person:${personId}`,
    };
    const check = await cops.form("/disruptions/check", fields);
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain("Check your answers before recording the disruption");
    const count = async () =>
      (
        await system((tx) =>
          tx.selectFrom("disruptions").select("id").where("tactic", "=", "sexual_risk_order").execute(),
        )
      ).length;
    const first = await cops.form("/disruptions", fields);
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toMatch(
      /^\/network\?centre=person:[^&]+&recorded=DIS-2026-\d{6}#disruption-panel$/,
    );
    const second = await cops.form("/disruptions", fields);
    expect(second.statusCode).toBe(303);
    expect(await count()).toBe(1);
    const offsite = await cops.form("/disruptions", {
      ...fields,
      token: "other-token",
      return: "//evil.example/x",
    });
    expect(offsite.headers.location).toMatch(/^\/disruptions\/[0-9a-f-]+\?recorded=1$/);
  });
});
