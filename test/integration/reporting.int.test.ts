// The partnership report on a seeded demo county: its figures against counts made here in
// JavaScript from the generator's own rows, small numbers hidden everywhere (page and JSON), who
// may see it, clear errors for a bad quarter, and the audit of every view.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoCounty, generateCounty, seedDemo } from "../../src/modules/demo/index.ts";
import { AGENCY_KIND_LABELS } from "../../src/modules/reporting/index.ts";
import { quartersEnding } from "../../src/modules/reporting/partnership.service.ts";
import { TestClock } from "../../src/platform/clock.ts";
import { Client, type TestApp, testApp } from "./app.ts";

const NOW = new Date("2026-11-20T12:00:00Z");
// The default demo county's size: enough referrals each quarter for figures both shown and hidden.
const OPTS = { children: 2000, seed: 11, referenceDate: "2026-11-15" };
let t: TestApp;
let county: DemoCounty;
const quarters = quartersEnding(NOW);

type Figure = { shown: string; value: number | null; hidden: false | "primary" | "secondary" };

async function signedIn(role: string): Promise<Client> {
  const u = county.users.find((x) => x.roles.includes(role as never));
  if (!u) throw new Error(`the demo county has no ${role}`);
  const c = new Client(t.server);
  expect((await c.signIn(u.email, "lantern-demo")).statusCode).toBe(303);
  return c;
}

const inQuarter = (iso: string | null | undefined, i: number) => {
  if (!iso) return false;
  const at = Date.parse(iso);
  return at >= quarters[i].start.getTime() && at < quarters[i].end.getTime();
};

/** A figure agrees with the true count: shown exactly, or hidden ("<5" only for 1 to 4). */
function expectFigure(f: Figure, truth: number, where: string) {
  if (truth > 0 && truth < 5) {
    expect(f, where).toEqual({ shown: "<5", value: null, hidden: "primary" });
  } else if (f.hidden) {
    expect(f.hidden, where).toBe("secondary");
    expect(f.value, where).toBeNull();
  } else {
    expect(f.value, where).toBe(truth);
  }
}

/** Every figure anywhere in the JSON: hidden ones carry no value, and no shown value is 1 to 4. */
function walkFigures(v: unknown, out: Figure[] = []): Figure[] {
  if (Array.isArray(v)) for (const x of v) walkFigures(x, out);
  else if (v && typeof v === "object") {
    if ("shown" in v && "hidden" in v) out.push(v as Figure);
    else for (const x of Object.values(v)) walkFigures(x, out);
  }
  return out;
}

beforeAll(async () => {
  t = await testApp({ clock: new TestClock(NOW) });
  await seedDemo(t.app.db, OPTS);
  county = generateCounty(OPTS);
}, 180_000);
afterAll(async () => {
  await t.close();
});

describe("partnership report", () => {
  it("counts referrals, children and missing episodes per quarter as the records say, small numbers hidden", async () => {
    const manager = await signedIn("manager");
    const res = await manager.api("GET", "/api/v1/reports/partnership");
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.quarters.map((q: { key: string }) => q.key)).toEqual([
      "2026-01",
      "2026-04",
      "2026-07",
      "2026-10",
    ]);
    expect(r.quarters[3].label).toBe("Oct–Dec 2026 (to date)");

    const kindOf = new Map(county.agencies.map((a) => [a.id, a.kind]));
    const labels: Record<string, string> = AGENCY_KIND_LABELS;
    const live = county.referrals.filter((x) => x.status !== "withdrawn");
    let nonZero = 0;
    for (let i = 0; i < 4; i++) {
      const inQ = live.filter((x) => inQuarter(x.received_at, i));
      expectFigure(r.referrals.byAgency.totals[i], inQ.length, `all referrals, quarter ${i}`);
      for (const [kind, label] of Object.entries(labels)) {
        const truth = inQ.filter((x) => kindOf.get(x.referrer_agency_id) === kind).length;
        const row = r.referrals.byAgency.rows.find((x: { label: string }) => x.label === label);
        if (!row) {
          expect(truth, `${label} has no row but referred in quarter ${i}`).toBe(0);
          continue;
        }
        expectFigure(row.cells[i], truth, `${label}, quarter ${i}`);
        if (truth > 0) nonZero++;
      }
      // Children referred (each once per quarter) by sex.
      const sexOf = new Map(county.children.map((c) => [c.id, c.sex]));
      const kids = new Set(inQ.map((x) => x.child_id).filter((x): x is string => !!x));
      const boys = [...kids].filter((k) => sexOf.get(k) === "male").length;
      const girls = [...kids].filter((k) => sexOf.get(k) === "female").length;
      expectFigure(r.children.bySex.totals[i], kids.size, `children, quarter ${i}`);
      expectFigure(r.children.bySex.rows[0].cells[i], girls, `girls, quarter ${i}`);
      expectFigure(r.children.bySex.rows[1].cells[i], boys, `boys, quarter ${i}`);
      // Decisions on time.
      const decided = county.referrals.filter((x) => x.status === "decided" && inQuarter(x.decided_at, i));
      const onTime = decided.filter(
        (x) => !x.screening_due_at || Date.parse(x.decided_at!) <= Date.parse(x.screening_due_at),
      ).length;
      const pct = r.screening.onTime[i];
      if (pct.value !== null) expect(pct.value).toBeCloseTo((100 * onTime) / decided.length, 9);
      else
        expect(decided.length < 5 || onTime % decided.length < 5 || decided.length - onTime < 5).toBe(true);
      // Missing episodes that began in the quarter.
      const episodes = county.missing_episodes.filter((m) => inQuarter(m.started_at, i)).length;
      expectFigure(r.missing.episodes[i], episodes, `missing episodes, quarter ${i}`);
    }
    expect(nonZero).toBeGreaterThan(8); // the county really has figures to show

    const figures = walkFigures(r);
    expect(figures.length).toBeGreaterThan(100);
    for (const f of figures) {
      if (f.hidden) expect(f.value).toBeNull();
      else expect(f.value === 0 || (f.value ?? 0) >= 5, JSON.stringify(f)).toBe(true);
    }
    expect(figures.some((f) => f.hidden === "primary")).toBe(true);
    expect(figures.filter((f) => !f.hidden && (f.value ?? 0) >= 5).length).toBeGreaterThan(20);
    // The JSON has no charts and nothing about a child.
    expect(JSON.stringify(r)).not.toMatch(/svg|given_name|reference/);
    for (const c of county.children.slice(0, 50)) expect(JSON.stringify(r)).not.toContain(c.reference);
  });

  it("is a page with charts and tables that a committee member can read, and every view is audited", async () => {
    const committee = await signedIn("committee");
    const page = await committee.get("/reports/partnership");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Partnership report</h1>');
    expect(page.body).toContain('data-testid="referrals-by-agency"');
    expect(page.body).toContain('id="chart-referrals-title"');
    expect(page.body).toContain("Return-home interviews offered within 72 hours");
    expect(page.body).not.toMatch(/href="\/children\//);
    expect(page.body).toContain('href="/reports/partnership"'); // in the navigation
    const earlier = await committee.get("/reports/partnership?to=2026-01");
    expect(earlier.statusCode).toBe(200);
    expect(earlier.body).toContain("Apr–Jun 2025");
    const audit = await t.app.db
      .selectFrom("audit_log")
      .select(["action", "record_id"])
      .where("action", "=", "reporting.partnership.view")
      .execute();
    expect(audit.map((a) => a.record_id)).toEqual(
      expect.arrayContaining(["2026-01..2026-10", "2025-04..2026-01"]),
    );
  });

  it("downloads as a spreadsheet with the same figures and the same hidden numbers, audited", async () => {
    const committee = await signedIn("committee");
    const json = (await committee.api("GET", "/api/v1/reports/partnership?to=2026-07")).json();
    const page = await committee.get("/reports/partnership?to=2026-07");
    expect(page.body).toContain('href="/reports/partnership.xlsx?to=2026-07"');
    const res = await committee.get("/reports/partnership.xlsx?to=2026-07");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-disposition"]).toContain(
      "lantern-partnership-report-2025-10-to-2026-07.xlsx",
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      "Referrals",
      "Screening",
      "Children",
      "Missing",
      "MACE",
      "Disruption",
    ]);
    const ws = wb.getWorksheet("Referrals")!;
    expect(String(ws.getCell("A1").value)).toMatch(
      /^OFFICIAL\. Partnership report, Oct–Dec 2025 to Jul–Sep 2026/,
    );
    // The "All referrals" row: numbers where the page shows them, the same marks where it hides them.
    let totals: unknown[] | undefined;
    ws.eachRow((row) => {
      if (row.getCell(1).value === "All referrals") totals = (row.values as unknown[]).slice(2, 6);
    });
    expect(totals).toEqual(json.referrals.byAgency.totals.map((f: Figure) => (f.hidden ? f.shown : f.value)));
    const marks: unknown[] = [];
    for (const w of wb.worksheets) w.eachRow((row) => row.eachCell((c) => marks.push(c.value)));
    expect(marks).toContain("<5");
    for (const v of marks) if (typeof v === "number") expect(v === 0 || v >= 5).toBe(true);
    const audit = await t.app.db
      .selectFrom("audit_log")
      .select("record_id")
      .where("action", "=", "reporting.partnership.download")
      .execute();
    expect(audit.map((a) => a.record_id)).toEqual(["2025-10..2026-07"]);
  });

  it("is refused to roles that work with children's records, and to anyone signed out", async () => {
    for (const role of ["practitioner", "screener", "mace_coordinator", "admin", "auditor"]) {
      if (!county.users.some((u) => u.roles.includes(role as never))) continue;
      const c = await signedIn(role);
      expect((await c.get("/reports/partnership")).statusCode, role).toBe(403);
      expect((await c.api("GET", "/api/v1/reports/partnership")).statusCode, role).toBe(403);
      expect((await c.get("/reports/partnership.xlsx")).statusCode, role).toBe(403);
    }
    for (const role of ["analyst", "manager", "committee"]) {
      const c = await signedIn(role);
      expect((await c.get("/reports/partnership")).statusCode, role).toBe(200);
    }
    const anonymous = new Client(t.server);
    const page = await anonymous.get("/reports/partnership");
    expect([302, 303]).toContain(page.statusCode);
    expect(page.headers.location).toMatch(/^\/sign-in\?next=/);
    expect((await anonymous.api("GET", "/api/v1/reports/partnership")).statusCode).toBe(401);
  });

  it("says clearly when the quarter asked for is not one, or is in the future", async () => {
    const c = await signedIn("committee");
    const api = await c.api("GET", "/api/v1/reports/partnership?to=2026-05");
    expect(api.statusCode).toBe(400);
    expect(api.json().error.fields[0].field).toBe("to");
    const future = await c.get("/reports/partnership?to=2027-04");
    expect(future.statusCode).toBe(400);
    expect(future.body).toContain("There is a problem");
    expect(future.body).toContain('href="#to"');
    expect(future.body).toContain("The last quarter cannot be in the future");
  });
});
