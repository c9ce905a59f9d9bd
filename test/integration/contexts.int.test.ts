// Contexts on a real database: a place is a record in its own right; children are linked to it by
// agencies that work with them; each viewer sees only the linked children they may see (and how
// many others there are); assessments and actions aim at the place; the child's page shows its
// contexts; each agency updates only its own context actions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/platform/ids.ts";
import { Client, makeAgency, makeUser, type TestApp, testApp } from "./app.ts";

let t: TestApp;
const u: Record<string, { id: string; email: string; agencyId: string }> = {};
const kids: string[] = [];
let contextId: string;
async function client(who: string) {
  const c = new Client(t.server);
  expect((await c.signIn(u[who].email)).statusCode).toBe(303);
  return c;
}

beforeAll(async () => {
  t = await testApp();
  const social = await makeAgency(t.app, "social_care", "Northmoor Children's Services");
  const police = await makeAgency(t.app, "police", "Northmoor Police");
  const youth = await makeAgency(t.app, "voluntary", "Northmoor Youth Service");
  u.officer = await makeUser(t.app, { agencyId: police.id });
  u.worker = await makeUser(t.app, { agencyId: social.id });
  u.youth = await makeUser(t.app, { agencyId: youth.id });
  for (const name of ["Ellis", "Jordan"]) {
    const id = newId();
    kids.push(id);
    await t.app.db
      .insertInto("children")
      .values({
        id,
        reference: `CH-${id.slice(0, 6).toUpperCase()}`,
        owning_agency_id: social.id,
        given_name: name,
        family_name: "Test",
      })
      .execute();
  }
  const rel = (userId: string, childId: string) =>
    t.app.db
      .insertInto("relationships")
      .values({
        id: newId(),
        user_id: userId,
        child_id: childId,
        kind: "allocated_worker",
        reason: "test",
        starts_at: new Date("2020-01-01"),
      })
      .execute();
  await rel(u.officer.id, kids[0]);
  await rel(u.officer.id, kids[1]);
  await rel(u.worker.id, kids[0]);
});
afterAll(async () => {
  await t.close();
});

describe("contexts", () => {
  it("records a place, links children, assesses it and plans actions aimed at it", async () => {
    const c = await client("officer");
    const bad = await c.form("/contexts", { kind: "place", name: "Riverside Park skate area" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("Choose the kind of place");
    const made = await c.form("/contexts", {
      kind: "place",
      name: "Riverside Park skate area",
      placeType: "park",
      location: "Riverside Park, Northmoor",
      token: "ctx-1",
    });
    expect(made.statusCode).toBe(303);
    contextId = String(made.headers.location).split("/")[2].split("?")[0];
    for (const id of kids) {
      const ref = (
        await t.app.db
          .selectFrom("children")
          .select("reference")
          .where("id", "=", id)
          .executeTakeFirstOrThrow()
      ).reference;
      const l = await c.form(`/contexts/${contextId}/children`, {
        child: ref,
        how: "Seen at the skate area on several evenings with adults of concern",
      });
      expect(l.statusCode).toBe(303);
    }
    const a = await c.form(`/contexts/${contextId}/plan`, {
      intent: "assessment",
      riskLevel: "high",
      factors: "adults_of_concern",
      summary: "Adults gather at the skate area most evenings and give children cannabis.",
    });
    expect(a.statusCode).toBe(303);
    const due = new Date(Date.now() + 14 * 86_400_000);
    const act = await c.form(`/contexts/${contextId}/plan`, {
      intent: "action",
      text: "Request CCTV review and licensing visit to the kiosk",
      ownerAgencyId: u.officer.agencyId,
      "dueOn-day": String(due.getUTCDate()),
      "dueOn-month": String(due.getUTCMonth() + 1),
      "dueOn-year": String(due.getUTCFullYear()),
    });
    expect(act.statusCode).toBe(303);
    const otherAgency = await c.form(`/contexts/${contextId}/plan`, {
      intent: "action",
      text: "Detached youth work on Friday evenings",
      ownerAgencyId: u.youth.agencyId,
      "dueOn-day": String(due.getUTCDate()),
      "dueOn-month": String(due.getUTCMonth() + 1),
      "dueOn-year": String(due.getUTCFullYear()),
    });
    expect(otherAgency.statusCode).toBe(400);
    expect(otherAgency.body).toContain("the MACE coordinator assigns actions to other agencies");
    const ctx = await t.app.db
      .selectFrom("contexts")
      .select(["risk_level"])
      .where("id", "=", contextId)
      .executeTakeFirstOrThrow();
    expect(ctx.risk_level).toBe("high");
  });

  it("each viewer sees only the linked children they work with; the child's page shows its contexts", async () => {
    const worker = await client("worker");
    const page = await worker.get(`/contexts/${contextId}`);
    expect(page.body).toContain("Ellis Test");
    expect(page.body).not.toContain("Jordan Test");
    expect(page.body).toContain("1 other child is linked that you do not work with.");
    const child = await worker.get(`/children/${kids[0]}/tracker`);
    expect(child.body).toContain("Riverside Park skate area");
    const youth = await client("youth");
    const yp = await youth.get(`/contexts/${contextId}`);
    expect(yp.statusCode).toBe(200);
    expect(yp.body).toContain("2 other children are linked that you do not work with.");
    const link = await youth.form(`/contexts/${contextId}/children`, {
      child: kids[1],
      how: "Attends youth club",
    });
    expect(link.statusCode).toBe(403);
    const list = await youth.api("GET", "/api/v1/contexts");
    expect(list.json().contexts[0]).toMatchObject({ name: "Riverside Park skate area", children_visible: 0 });
  });

  it("only the owning agency updates a context action", async () => {
    const action = await t.app.db
      .selectFrom("plan_actions")
      .select(["id"])
      .where("context_id", "=", contextId)
      .executeTakeFirstOrThrow();
    const worker = await client("worker");
    expect(
      (
        await worker.api(
          "PATCH",
          `/api/v1/actions/${action.id}`,
          { status: "in_progress" },
          { "if-match": 'W/"v1"' },
        )
      ).statusCode,
    ).toBe(403);
    const officer = await client("officer");
    expect(
      (
        await officer.form(`/actions/${action.id}`, {
          version: "1",
          status: "in_progress",
          note: "CCTV request sent",
        })
      ).statusCode,
    ).toBe(303);
  });
});
