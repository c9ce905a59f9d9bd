// Case notes: each agency writes as itself, nobody edits another's entry (corrections are new
// entries), field groups decide who reads what, retries with the same Idempotency-Key add one note.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/platform/ids.ts";
import { Client, makeAgency, makeUser, type TestApp, testApp } from "./app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

describe("case notes", () => {
  it("health notes are read by health only; corrections point at the original; entries cannot be edited", async () => {
    const social = await makeAgency(t.app, "social_care");
    const health = await makeAgency(t.app, "health");
    const police = await makeAgency(t.app, "police");
    const childId = newId();
    await t.app.db
      .insertInto("children")
      .values({
        id: childId,
        reference: `CH-N${childId.slice(0, 6)}`,
        owning_agency_id: social.id,
        given_name: "Mia",
        family_name: "Hart",
      })
      .execute();
    const nurse = await makeUser(t.app, { agencyId: health.id });
    const officer = await makeUser(t.app, { agencyId: police.id });
    for (const u of [nurse, officer]) {
      await t.app.db
        .insertInto("relationships")
        .values({ id: newId(), user_id: u.id, child_id: childId, kind: "allocated_worker", reason: "test" })
        .execute();
    }
    const n = new Client(t.server);
    await n.signIn(nurse.email);
    const h = await n.api("POST", `/api/v1/children/${childId}/notes`, {
      text: "Seen at clinic; STI screen offered.",
      fieldGroup: "health",
    });
    expect(h.statusCode).toBe(201);
    const o = new Client(t.server);
    await o.signIn(officer.email);
    const bad = await o.api("POST", `/api/v1/children/${childId}/notes`, {
      text: "Clinic attendance noted",
      fieldGroup: "health",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].field).toBe("fieldGroup");
    const p1 = await o.api(
      "POST",
      `/api/v1/children/${childId}/notes`,
      { text: "Found at the station at 02:10 with an older male." },
      { "idempotency-key": "k-1" },
    );
    const p2 = await o.api(
      "POST",
      `/api/v1/children/${childId}/notes`,
      { text: "Found at the station at 02:10 with an older male." },
      { "idempotency-key": "k-1" },
    );
    expect(p1.statusCode).toBe(201);
    expect(p2.statusCode).toBe(200);
    expect(p2.json().id).toBe(p1.json().id);
    const fix = await n.api("POST", `/api/v1/children/${childId}/notes`, {
      text: "Correction: found at 01:40, not 02:10.",
      correctsId: p1.json().id,
    });
    expect(fix.statusCode).toBe(201);
    const seenByPolice = (await o.api("GET", `/api/v1/children/${childId}/notes`)).json().notes;
    expect(seenByPolice.map((x: { text: string }) => x.text)).not.toContain(
      "Seen at clinic; STI screen offered.",
    );
    expect(seenByPolice).toHaveLength(2);
    const original = seenByPolice.find((x: { id: string }) => x.id === p1.json().id);
    expect(original.correctedBy).toEqual([fix.json().id]);
    const seenByNurse = (await n.api("GET", `/api/v1/children/${childId}/notes`)).json().notes;
    expect(seenByNurse).toHaveLength(3);
    await expect(
      sql`update case_notes set text = 'changed' where id = ${p1.json().id}`.execute(t.app.db),
    ).rejects.toThrow(/never changed/);
    await expect(sql`delete from case_notes where id = ${p1.json().id}`.execute(t.app.db)).rejects.toThrow(
      /never changed/,
    );
    const actions = await t.app.db
      .selectFrom("audit_log")
      .select("action")
      .where("child_id", "=", childId)
      .execute();
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(["note.add", "note.correct", "note.list"]),
    );
  });
});

describe("the child record's other pages", () => {
  it("lists the tracker and assessments for everyone who may read it, the link chart only for intelligence roles", async () => {
    const social = await makeAgency(t.app, "social_care");
    const police = await makeAgency(t.app, "police");
    const childId = newId();
    await t.app.db
      .insertInto("children")
      .values({
        id: childId,
        reference: `CH-R${childId.slice(0, 6)}`,
        owning_agency_id: social.id,
        given_name: "Ola",
      })
      .execute();
    const worker = await makeUser(t.app, { agencyId: social.id });
    const analyst = await makeUser(t.app, { agencyId: police.id, roles: ["analyst"] });
    for (const u of [worker, analyst])
      await t.app.db
        .insertInto("relationships")
        .values({ id: newId(), user_id: u.id, child_id: childId, kind: "allocated_worker", reason: "test" })
        .execute();
    const related = async (email: string) => {
      const c = new Client(t.server);
      await c.signIn(email);
      const r = await c.get(`/children/${childId}`);
      expect(r.statusCode).toBe(200);
      const list = /data-testid="related-pages">([\s\S]*?)<\/ul>/.exec(r.body)?.[1] ?? "";
      return [...list.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    };
    expect(await related(worker.email)).toEqual([
      `/children/${childId}/tracker`,
      `/children/${childId}/assessments`,
    ]);
    const forAnalyst = await related(analyst.email);
    expect(forAnalyst).toContain(`/children/${childId}/network`);
    const c = new Client(t.server);
    await c.signIn(analyst.email);
    for (const href of forAnalyst) expect((await c.get(href)).statusCode, href).toBe(200);
  });
});
