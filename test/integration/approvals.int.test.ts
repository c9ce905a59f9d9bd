// Two-person approval of bulk exports, end to end on a seeded demo county: a MACE coordinator's
// export of the whole cohort waits for a manager of the same agency (never the requester, never
// another agency's manager), who approves with a password or refuses with a reason; the
// requester downloads it once, within a day; every step audited; bad input changes nothing.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoCounty, generateCounty, seedDemo } from "../../src/modules/demo/index.ts";
import { TestClock } from "../../src/platform/clock.ts";
import { Client, type TestApp, testApp } from "./app.ts";

const PASSWORD = "lantern-demo";
const OPTS = { children: 300, seed: 4, referenceDate: "2026-11-15" };
const clock = new TestClock(new Date("2026-11-20T10:00:00Z"));
let t: TestApp;
let county: DemoCounty;

function userNamed(name: string) {
  const u = county.users.find((x) => x.display_name === name);
  if (!u) throw new Error(`no demo user ${name}`);
  return u;
}
async function signedIn(name: string): Promise<Client> {
  const c = new Client(t.server);
  expect((await c.signIn(userNamed(name).email, PASSWORD)).statusCode).toBe(303);
  await c.get("/tracker");
  return c;
}
const requests = () => t.app.db.selectFrom("export_requests").selectAll().orderBy("requested_at").execute();
const audits = (action: string) =>
  t.app.db
    .selectFrom("audit_log")
    .select(["user_id", "record_id", "details"])
    .where("action", "=", action)
    .execute();

beforeAll(async () => {
  t = await testApp({ clock, env: { BULK_EXPORT_CHILDREN: "5" } });
  await seedDemo(t.app.db, OPTS);
  county = generateCounty(OPTS);
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe("bulk export approval", () => {
  let requestId = "";
  let cohort = 0;

  it("asks the requester why, then records the request instead of exporting", async () => {
    const coordinator = await signedIn("Joanne Fisher");
    cohort = (await coordinator.api("GET", "/api/v1/tracker")).json().rows.length;
    expect(cohort).toBeGreaterThan(5);
    const noReason = await coordinator.form("/tracker/export", {
      password: PASSWORD,
      sort: "child",
      dir: "asc",
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('href="#reason"');
    expect(noReason.body).toContain(`it lists ${cohort} children, so a manager must approve it`);
    expect(noReason.headers["content-type"]).toContain("text/html");
    expect(await requests()).toHaveLength(0);

    const asked = await coordinator.form("/tracker/export", {
      password: PASSWORD,
      sort: "child",
      dir: "asc",
      reason: "Whole cohort for the annual MACE audit by the partnership board",
    });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain("Export sent for approval");
    const [r] = await requests();
    expect(r).toMatchObject({ status: "pending", children: cohort, kind: "tracker" });
    expect(asked.body).toContain(r.reference);
    requestId = r.id;
    expect((await audits("export.request")).map((a) => a.record_id)).toEqual([requestId]);
    // Nothing to download yet.
    const early = await coordinator.form(`/tracker/export/${requestId}/download`, { password: PASSWORD });
    expect(early.statusCode).toBe(409);
    expect(early.body).toContain("still waiting for a manager");
  });

  it("is not for another agency's manager, and not for the requester to approve", async () => {
    const other = await signedIn("Angela Price"); // a manager in children's social care
    expect((await other.get(`/approvals/${requestId}`)).statusCode).toBe(403);
    expect(
      (await other.form(`/approvals/${requestId}`, { decision: "approve", password: PASSWORD, version: "1" }))
        .statusCode,
    ).toBe(403);
    expect((await other.get("/approvals")).body).toContain("No export requests are waiting for a decision");
    // A practitioner cannot open the approval page at all.
    const coordinator = await signedIn("Joanne Fisher");
    expect((await coordinator.get(`/approvals/${requestId}`)).statusCode).toBe(403);
    // The database refuses self-approval even if the application did not.
    const [r] = await requests();
    await expect(
      t.app.db
        .updateTable("export_requests")
        .set({
          status: "approved",
          decided_by: r.requested_by,
          decided_at: new Date(),
          download_by: new Date(),
        })
        .where("id", "=", requestId)
        .execute(),
    ).rejects.toThrow(/check/);
    expect((await requests())[0].status).toBe("pending");
  });

  it("lets a manager of the same agency refuse only with a reason, and approve with their password", async () => {
    const manager = await signedIn("Helen Carter");
    const list = await manager.get("/approvals");
    expect(list.body).toContain(`href="/approvals/${requestId}"`);
    const page = await manager.get(`/approvals/${requestId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Whole cohort for the annual MACE audit");
    expect(page.body).toContain(`<dd class="govuk-summary-list__value">${cohort}</dd>`);

    const refuseBare = await manager.form(`/approvals/${requestId}`, {
      decision: "refuse",
      password: PASSWORD,
      version: "1",
      reason: "",
    });
    expect(refuseBare.statusCode).toBe(400);
    expect(refuseBare.body).toContain("Say why you are refusing");
    const wrongPassword = await manager.form(`/approvals/${requestId}`, {
      decision: "approve",
      password: "not mine",
      version: "1",
    });
    expect(wrongPassword.statusCode).toBe(400);
    expect(wrongPassword.body).toContain("The password is not correct");
    expect((await requests())[0].status).toBe("pending");

    const ok = await manager.form(`/approvals/${requestId}`, {
      decision: "approve",
      password: PASSWORD,
      version: "1",
    });
    expect(ok.statusCode).toBe(303);
    const [r] = await requests();
    expect(r.status).toBe("approved");
    expect(r.decided_by).toBe(userNamed("Helen Carter").id);
    expect(new Date(r.download_by!).getTime() - clock.now().getTime()).toBe(24 * 3_600_000);
    expect((await audits("export.approve")).map((a) => a.record_id)).toEqual([requestId]);
    const again = await manager.form(`/approvals/${requestId}`, {
      decision: "refuse",
      password: PASSWORD,
      version: "2",
      reason: "Changed my mind about it",
    });
    expect(again.statusCode).toBe(409);
  });

  it("lets only the requester download it, once, with their password", async () => {
    const colleague = await signedIn("Kwame Asante"); // another coordinator, same agency
    expect(
      (await colleague.form(`/tracker/export/${requestId}/download`, { password: PASSWORD })).statusCode,
    ).toBe(404);
    const coordinator = await signedIn("Joanne Fisher");
    const mine = await coordinator.get("/approvals");
    expect(mine.body).toContain("Approved: ready to download");
    const wrong = await coordinator.form(`/tracker/export/${requestId}/download`, { password: "nope" });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain(`href="#password-${requestId}"`);
    expect((await requests())[0].status).toBe("approved");

    const file = await t.server.inject({
      method: "POST",
      url: `/tracker/export/${requestId}/download`,
      cookies: coordinator.cookies,
      payload: new URLSearchParams({ _csrf: coordinator.csrf, password: PASSWORD }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-type"]).toContain("spreadsheetml");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    let rows = 0;
    wb.getWorksheet("Tracker")!.eachRow((_r, n) => {
      if (n >= 6) rows++;
    });
    expect(rows).toBe(cohort);
    expect((await requests())[0].status).toBe("downloaded");
    const [download] = await audits("export.download");
    expect(download.record_id).toBe(requestId);
    expect((download.details as { rows: number }).rows).toBe(cohort);
    const twice = await coordinator.form(`/tracker/export/${requestId}/download`, { password: PASSWORD });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain("already been downloaded");
  });

  it("expires an approval that is not used within a day", async () => {
    const coordinator = await signedIn("Joanne Fisher");
    await coordinator.form("/tracker/export", {
      password: PASSWORD,
      reason: "Cohort list for the quarterly review with the police",
    });
    const latest = (await requests()).at(-1)!;
    const manager = await signedIn("Helen Carter");
    expect(
      (
        await manager.form(`/approvals/${latest.id}`, {
          decision: "approve",
          password: PASSWORD,
          version: "1",
        })
      ).statusCode,
    ).toBe(303);
    clock.set(new Date(clock.now().getTime() + 25 * 3_600_000));
    // A day later the old session has ended too: sign in again.
    const later = await signedIn("Joanne Fisher");
    const late = await later.form(`/tracker/export/${latest.id}/download`, { password: PASSWORD });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain("The approval has expired");
    expect((await later.get("/approvals")).body).toContain("Approval expired");
  });

  it("exports a small selection at once, without approval", async () => {
    const coordinator = await signedIn("Joanne Fisher");
    const before = (await requests()).length;
    const small = await t.server.inject({
      method: "POST",
      url: "/tracker/export",
      cookies: coordinator.cookies,
      payload: new URLSearchParams({
        _csrf: coordinator.csrf,
        password: PASSWORD,
        q: "zzz-no-child",
      }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(small.statusCode).toBe(200);
    expect(small.headers["content-type"]).toContain("spreadsheetml");
    expect(await requests()).toHaveLength(before);
  });
});
