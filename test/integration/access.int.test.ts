// Access control and audit on a real database: row-level security on its own, audit rows for every
// look, the append-only hash chain and `lantern audit verify`, optimistic concurrency, break-glass.
import { spawnSync } from "node:child_process";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.ts";
import { newId } from "../../src/platform/ids.ts";
import { Client, makeAgency, makeUser, TEST_PASSWORD, type TestApp, testApp } from "./app.ts";

let t: TestApp;
let social: { id: string };
let police: { id: string };
let school: { id: string };
beforeAll(async () => {
  t = await testApp({ onDisk: true });
  social = await makeAgency(t.app, "social_care", "Northmoor Children's Services");
  police = await makeAgency(t.app, "police", "Northmoor Police");
  school = await makeAgency(t.app, "school", "Castlegate Academy");
});
afterAll(async () => {
  await t.close();
});

async function child(fields: Record<string, unknown> = {}) {
  const id = newId();
  await t.app.db
    .insertInto("children")
    .values({
      id,
      reference: `CH-${id.slice(0, 8).toUpperCase()}`,
      owning_agency_id: social.id,
      given_name: "Kai",
      family_name: "Marsh",
      date_of_birth: "2010-06-01",
      sex: "male",
      send_status: "sen_support",
      looked_after: true,
      placement_address: "4 Hidden Lane",
      placement_postcode: "NM4 2QX",
      home_address: "9 Willow Road",
      ...fields,
    })
    .execute();
  return id;
}
const relate = (userId: string, childId: string, kind = "allocated_worker") =>
  t.app.db
    .insertInto("relationships")
    .values({
      id: newId(),
      user_id: userId,
      child_id: childId,
      kind: kind as "allocated_worker",
      reason: "test",
    })
    .execute();

describe("row-level security on its own", () => {
  it("a raw SELECT as the app role sees no child without a relationship, and only its own with one", async () => {
    const a = await child();
    const b = await child();
    const u = await makeUser(t.app, { agencyId: police.id });
    await relate(u.id, a);
    const rawAs = async (settings: Record<string, string>) =>
      t.app.db.transaction().execute(async (tx) => {
        for (const [k, v] of Object.entries(settings))
          await sql`select set_config(${k}, ${v}, true)`.execute(tx);
        await sql`set local role lantern_app`.execute(tx);
        return (
          await sql<{ id: string }>`select id from children where id in (${a}, ${b})`.execute(tx)
        ).rows.map((r) => r.id);
      });
    expect(await rawAs({})).toEqual([]);
    const other = await makeUser(t.app, { agencyId: police.id });
    expect(
      await rawAs({ "lantern.scope": "user", "lantern.user_id": other.id, "lantern.agency_id": police.id }),
    ).toEqual([]);
    expect(
      await rawAs({ "lantern.scope": "user", "lantern.user_id": u.id, "lantern.agency_id": police.id }),
    ).toEqual([a]);
    // Being the referrer opens nothing, in the database as in the access policy.
    const referrer = await makeUser(t.app, { agencyId: school.id });
    await relate(referrer.id, b, "referrer");
    expect(
      await rawAs({
        "lantern.scope": "user",
        "lantern.user_id": referrer.id,
        "lantern.agency_id": school.id,
      }),
    ).toEqual([]);
    // Same for referrals and missing episodes: nothing without a setting.
    const r = await t.app.db.transaction().execute(async (tx) => {
      await sql`set local role lantern_app`.execute(tx);
      return (
        await sql<{
          n: number;
        }>`select (select count(*) from referrals)::int + (select count(*) from missing_episodes)::int as n`.execute(
          tx,
        )
      ).rows[0].n;
    });
    expect(r).toBe(0);
  });
});

describe("audit", () => {
  it("opening a child's record writes an audit row naming the field groups shown", async () => {
    const id = await child();
    const officer = await makeUser(t.app, { agencyId: police.id, roles: ["practitioner"] });
    const teacher = await makeUser(t.app, { agencyId: school.id, roles: ["practitioner"] });
    await relate(officer.id, id);
    await relate(teacher.id, id);
    for (const [u, groups] of [
      [officer, ["identity", "contact", "placement", "education", "police_intelligence", "narrative"]],
      [teacher, ["identity", "contact", "education", "narrative"]],
    ] as const) {
      const c = new Client(t.server);
      await c.signIn(u.email);
      const r = await c.api("GET", `/api/v1/children/${id}`);
      expect(r.statusCode).toBe(200);
      expect(r.json().access.fieldGroups).toEqual(groups);
      const row = await t.app.db
        .selectFrom("audit_log")
        .selectAll()
        .where("user_id", "=", u.id)
        .where("action", "=", "child.view")
        .executeTakeFirstOrThrow();
      expect(row.child_id).toBe(id);
      expect(row.field_groups).toEqual(groups);
      expect(row.request_id).toBe(r.headers["x-request-id"]);
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      if (u === teacher) {
        expect(r.json().child.placement_address).toBeUndefined();
        expect(r.json().child.home_address).toBe("9 Willow Road");
      } else expect(r.json().child.placement_address).toBe("4 Hidden Lane");
    }
  });

  it("the audit log refuses UPDATE and DELETE, even from the application's own connection", async () => {
    await expect(sql`update audit_log set reason = 'changed'`.execute(t.app.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log`.execute(t.app.db)).rejects.toThrow(/append-only/);
  });
});

describe("optimistic concurrency", () => {
  it("two updates with the same ETag: one succeeds, one gets 412; no If-Match gets 428", async () => {
    const id = await child();
    const worker = await makeUser(t.app, { agencyId: social.id });
    await relate(worker.id, id);
    const c = new Client(t.server);
    await c.signIn(worker.email);
    const got = await c.api("GET", `/api/v1/children/${id}`);
    const etag = String(got.headers.etag);
    expect(etag).toBe('W/"v1"');
    const first = await c.api(
      "PATCH",
      `/api/v1/children/${id}`,
      { first_language: "Polish" },
      { "if-match": etag },
    );
    const second = await c.api(
      "PATCH",
      `/api/v1/children/${id}`,
      { first_language: "Romanian" },
      { "if-match": etag },
    );
    expect([first.statusCode, second.statusCode]).toEqual([200, 412]);
    expect(first.headers.etag).toBe('W/"v2"');
    expect(second.json().error.code).toBe("precondition_failed");
    const none = await c.api("PATCH", `/api/v1/children/${id}`, { first_language: "Urdu" });
    expect(none.statusCode).toBe(428);
    const row = await t.app.db
      .selectFrom("children")
      .select(["first_language", "version"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ first_language: "Polish", version: 2 });
  });

  it("another agency's worker cannot change the record, even with a relationship; a bad body changes nothing", async () => {
    const id = await child();
    const officer = await makeUser(t.app, { agencyId: police.id });
    await relate(officer.id, id);
    const c = new Client(t.server);
    await c.signIn(officer.email);
    const r = await c.api(
      "PATCH",
      `/api/v1/children/${id}`,
      { first_language: "Polish" },
      { "if-match": 'W/"v1"' },
    );
    expect(r.statusCode).toBe(403);
    const worker = await makeUser(t.app, { agencyId: social.id });
    await relate(worker.id, id);
    const w = new Client(t.server);
    await w.signIn(worker.email);
    const bad = await w.api(
      "PATCH",
      `/api/v1/children/${id}`,
      { date_of_birth: "31/02/2011", nonsense: 1 },
      { "if-match": 'W/"v1"' },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(["date_of_birth"]),
    );
    const row = await t.app.db
      .selectFrom("children")
      .select(["version"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.version).toBe(1);
  });
});

describe("search, signpost and break-glass", () => {
  it("a school user finds the child, sees only the signpost, breaks glass with a reason and password, then sees the record; the auditor reviews it", async () => {
    const id = await child({ given_name: "Tyreese", family_name: "Okonkwo" });
    const worker = await makeUser(t.app, { agencyId: social.id });
    await relate(worker.id, id);
    const teacher = await makeUser(t.app, { agencyId: school.id });
    const c = new Client(t.server);
    await c.signIn(teacher.email);
    const found = await c.api("GET", "/api/v1/children?name=Tyrese%20Okonkwo");
    expect(found.statusCode).toBe(200);
    const hit = found.json().results.find((x: { id: string }) => x.id === id);
    expect(hit).toMatchObject({ canOpen: false, familyName: "Okonkwo" });
    expect(hit.agencies.map((a: { agency: string }) => a.agency)).toContain("Northmoor Children's Services");
    expect(JSON.stringify(found.json())).not.toContain("Hidden Lane");
    const before = await c.api("GET", `/api/v1/children/${id}`);
    expect(before.json()).toMatchObject({ child: null, access: { basis: "signpost", fieldGroups: [] } });
    const wrong = await c.api("POST", `/api/v1/children/${id}/break-glass`, {
      reason: "Found at 2am at the station",
      password: "not mine",
    });
    expect(wrong.statusCode).toBe(401);
    const short = await c.api("POST", `/api/v1/children/${id}/break-glass`, {
      reason: "urgent",
      password: TEST_PASSWORD,
    });
    expect(short.statusCode).toBe(400);
    expect(
      await t.app.db.selectFrom("break_glass").where("child_id", "=", id).selectAll().execute(),
    ).toHaveLength(0);
    const ok = await c.api("POST", `/api/v1/children/${id}/break-glass`, {
      reason: "Found at 2am at the station, need to know who holds the case",
      password: TEST_PASSWORD,
    });
    expect(ok.statusCode).toBe(201);
    const after = await c.api("GET", `/api/v1/children/${id}`);
    expect(after.json().access).toMatchObject({
      basis: "break_glass",
      fieldGroups: ["identity", "contact", "education", "narrative"],
    });
    const auditor = await makeUser(t.app, { agencyId: social.id, roles: ["auditor"] });
    const a = new Client(t.server);
    await a.signIn(auditor.email);
    const queue = await a.get("/audit/break-glass");
    expect(queue.body).toContain("Found at 2am at the station");
    const review = await a.form(`/audit/break-glass/${ok.json().id}`, {
      outcome: "justified",
      note: "Confirmed with the duty manager",
    });
    expect(review.statusCode).toBe(303);
    const row = await t.app.db
      .selectFrom("break_glass")
      .selectAll()
      .where("id", "=", ok.json().id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ review_outcome: "justified", reviewed_by: auditor.id });
    const log = await a.get(`/children/${id}/access-log`);
    expect(log.statusCode).toBe(200);
    expect(log.body).toContain("break_glass.granted");
    // The teacher may not see who has looked; the allocated worker may.
    expect((await c.get(`/children/${id}/access-log`)).statusCode).toBe(403);
    const w = new Client(t.server);
    await w.signIn(worker.email);
    expect((await w.get(`/children/${id}/access-log`)).statusCode).toBe(200);
  });
});

describe("tamper evidence (closes the app: keep last)", () => {
  it("`lantern audit verify` passes an intact chain and names the first row a superuser changed", async () => {
    const u = await makeUser(t.app, { agencyId: police.id });
    const c = new Client(t.server);
    await c.signIn(u.email);
    for (const name of ["Kai", "Marsh", "Kye Marsh"])
      expect((await c.api("GET", `/api/v1/children?name=${encodeURIComponent(name)}`)).statusCode).toBe(200);
    const rows = await t.app.db.selectFrom("audit_log").select("id").orderBy("id").execute();
    expect(rows.length).toBeGreaterThan(2);
    const victim = rows[1].id;
    await t.server.close();
    await t.app.database.close();
    const cli = () =>
      spawnSync(process.execPath, ["bin/lantern.js", "audit", "verify"], {
        env: { ...process.env, ...t.dbEnv, LOG_LEVEL: "silent" },
        encoding: "utf8",
      });
    const ok = cli();
    expect(ok.stdout + ok.stderr).toMatch(/intact/);
    expect(ok.status).toBe(0);
    const db = await openDatabase({
      dataDir: t.dbEnv.DATA_DIR ?? ":memory:",
      DATABASE_URL: t.dbEnv.DATABASE_URL || undefined,
      DB_POOL_SIZE: 1,
    });
    await sql`alter table audit_log disable trigger audit_no_update`.execute(db.db);
    await sql`update audit_log set reason = 'nothing to see here' where id = ${victim}`.execute(db.db);
    await sql`alter table audit_log enable trigger audit_no_update`.execute(db.db);
    await db.close();
    const bad = cli();
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`row ${victim}`);
    expect(bad.stderr).toMatch(/TAMPERED/);
  });
});
