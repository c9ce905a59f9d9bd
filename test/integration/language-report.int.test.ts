// Issue 7 (app): the practice report — flags per 1,000 words by agency/team and month, phrases,
// overrides and reasons, briefings — with small-number suppression, and what each role sees.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inScope } from "../../src/db/rls.ts";
import { defaultDictionary } from "../../src/engines/language/index.ts";
import { planLanguageDemo } from "../../src/modules/demo/demo.language.ts";
import { generateCounty, seedDemo } from "../../src/modules/demo/index.ts";
import { recordLanguageChecks } from "../../src/modules/language/index.ts";
import { TestClock } from "../../src/platform/clock.ts";
import { newId } from "../../src/platform/ids.ts";
import { Client, makeAgency, makeUser, type TestApp, testApp } from "./app.ts";

let t: TestApp;
const clock = new TestClock(new Date("2026-09-01T09:00:00Z"));
const ids: Record<string, { id: string; email: string; agencyId: string }> = {};
let agencyA = "";
let agencyB = "";

async function user(
  key: string,
  agencyId: string,
  roles: ("practitioner" | "manager" | "analyst" | "committee")[],
  team: string | null,
) {
  const u = await makeUser(t.app, { agencyId, roles });
  await t.app.db.updateTable("users").set({ team }).where("id", "=", u.id).execute();
  ids[key] = u;
}

async function write(
  key: string,
  at: string,
  text: string,
  opts: { recordId?: string; kept?: { phrase: string; reason: string }[] } = {},
) {
  const u = ids[key];
  clock.set(new Date(at));
  await inScope(t.app.db, { scope: "user", userId: u.id, agencyId: u.agencyId }, (tx) =>
    recordLanguageChecks(t.app, tx, {
      actor: { userId: u.id, agencyId: u.agencyId, requestId: null, ip: null },
      recordType: "case_note",
      recordId: opts.recordId ?? newId(),
      field: "text",
      text,
      kept: opts.kept,
    }),
  );
}

const RISK = "She keeps putting herself at risk."; // 6 words, 1 flag
const RUNNER = "He is a drug runner."; // 5 words, 1 flag
const CLEAN = "Met Ava at school today."; // 5 words

beforeAll(async () => {
  t = await testApp({ clock });
  agencyA = (await makeAgency(t.app, "social_care", "Aardvark Children's Services")).id;
  agencyB = (await makeAgency(t.app, "police", "Badger Police")).id;
  await user("north", agencyA, ["practitioner"], "Team North");
  await user("south", agencyA, ["practitioner"], "Team South");
  await user("police", agencyB, ["practitioner"], "CE Team");
  await user("managerA", agencyA, ["manager"], null);
  await user("managerB", agencyB, ["manager"], null);
  await user("analyst", agencyB, ["analyst"], null);
  await user("committee", agencyA, ["committee"], null);
  for (let i = 0; i < 6; i++) await write("north", `2026-09-0${i + 2}T10:00:00Z`, RISK);
  for (let i = 0; i < 5; i++)
    await write("south", `2026-09-1${i}T10:00:00Z`, RISK, {
      kept: [
        { phrase: "putting herself at risk", reason: `Her own words to the police, interview ${i + 1}` },
      ],
    });
  for (let i = 0; i < 7; i++)
    await write("police", `2026-09-2${i}T10:00:00Z`, RUNNER, {
      kept: i === 0 ? [{ phrase: "drug runner", reason: "Quoting the police log" }] : [],
    });
  await write("north", "2026-10-05T10:00:00Z", RISK);
  await write("north", "2026-10-06T10:00:00Z", RISK);
  // A re-saved text counts once, as last saved.
  const resaved = newId();
  await write("north", "2026-10-07T10:00:00Z", RISK, { recordId: resaved });
  await write("north", "2026-10-08T10:00:00Z", CLEAN, { recordId: resaved });
  for (let i = 0; i < 10; i++) await write("north", `2026-11-1${i}T10:00:00Z`, CLEAN);
  clock.set(new Date("2026-11-25T12:00:00Z"));
});
afterAll(async () => {
  await t.close();
});

async function signedIn(key: string) {
  const c = new Client(t.server);
  expect((await c.signIn(ids[key].email)).statusCode).toBe(303);
  return c;
}

type Row = { label: string; months: { flags: string; rate: string }[]; total: { flags: string } };

describe("language practice report", () => {
  it("suppresses small numbers with secondary suppression; counts each text once, as last saved", async () => {
    const c = await signedIn("managerA");
    const r = await c.api("GET", "/api/v1/language/report?from=2026-09&to=2026-11");
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.summary.texts).toBe(6 + 5 + 7 + 3 + 10);
    expect(body.summary.words).toBe(11 * 6 + 7 * 5 + 2 * 6 + 5 + 10 * 5);
    expect(body.rows.map((x: Row) => [x.label, x.months.map((m) => m.flags), x.total.flags])).toEqual([
      ["Aardvark Children's Services", ["[c]", "<5", "0"], "[c]"],
      ["Badger Police", ["[c]", "0", "0"], "[c]"],
    ]);
    expect(body.totals.map((x: { flags: string }) => x.flags)).toEqual(["[c]", "<5", "0"]);
    expect(body.grand).toEqual({
      flags: "20",
      rate: ((20 / (11 * 6 + 7 * 5 + 2 * 6 + 5 + 10 * 5)) * 1000).toFixed(1),
    });
    expect(body.rows[0].months[1].rate).toBe("hidden (<5 flags)");
    expect(
      body.phrases.map((p: { entryId: string; flags: string; kept: string }) => [p.entryId, p.flags, p.kept]),
    ).toEqual([
      ["putting-self-at-risk", "13", "[c]"],
      ["drug-runner", "7", "<5"],
    ]);
    expect(body.summary.kept).toBe("6");
  });

  it("managers read their own agency's reasons; analysts see teams but no reasons; committee sees agencies only", async () => {
    const a = (
      await (await signedIn("managerA")).api("GET", "/api/v1/language/report?from=2026-09&to=2026-11")
    ).json();
    expect(a.reasons).toHaveLength(5);
    expect(
      a.reasons.every(
        (x: { team: string; reason: string }) =>
          x.team === "Team South" && x.reason.startsWith("Her own words"),
      ),
    ).toBe(true);
    const b = (
      await (await signedIn("managerB")).api("GET", "/api/v1/language/report?from=2026-09&to=2026-11")
    ).json();
    expect(b.reasons.map((x: { reason: string }) => x.reason)).toEqual(["Quoting the police log"]);

    const an = (
      await (await signedIn("analyst")).api("GET", "/api/v1/language/report?from=2026-09&to=2026-11&by=team")
    ).json();
    expect(an.by).toBe("team");
    expect(an.reasons).toBeNull();
    expect(an.rows.map((x: Row) => x.label)).toEqual([
      "Aardvark Children's Services — Team North",
      "Aardvark Children's Services — Team South",
      "Badger Police — CE Team",
    ]);
    // North's 6 hides with its 2 ("<5"); each Sep cell then needs a partner; totals too.
    expect(an.rows.map((x: Row) => x.months.map((m) => m.flags))).toEqual([
      ["[c]", "<5", "0"],
      ["[c]", "0", "0"],
      ["[c]", "0", "0"],
    ]);

    const cm = await signedIn("committee");
    const cj = (await cm.api("GET", "/api/v1/language/report?from=2026-09&to=2026-11&by=team")).json();
    expect(cj.by).toBe("agency");
    expect(cj.reasons).toBeNull();
    const page = await cm.get("/language/report?from=2026-09&to=2026-11&by=team");
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain("Her own words");
    expect(page.body).not.toContain("Team North");
    expect(page.body).toContain("&lt;5");
    const practitioner = await signedIn("north");
    expect((await practitioner.get("/language/report")).statusCode).toBe(403);
    expect((await practitioner.api("GET", "/api/v1/language/report")).statusCode).toBe(403);
  });

  it("briefings are marked on the chart, with the rate before and after; the page has the chart and its table", async () => {
    const m = await signedIn("managerA");
    await m.get("/language/briefings");
    const bad = await m.form("/language/briefings", { heldOn: "2026-13-01", title: "x" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#heldOn"');
    expect(bad.body).toContain('href="#title"');
    const ok = await m.form("/language/briefings", {
      heldOn: "2026-10-01",
      title: "Language matters: CSE and CCE",
      agencyId: "",
    });
    expect(ok.statusCode).toBe(303);
    const r = (await m.api("GET", "/api/v1/language/report?from=2026-09&to=2026-11")).json();
    expect(r.briefings).toEqual([
      {
        heldOn: "2026-10-01",
        title: "Language matters: CSE and CCE",
        agency: "All agencies",
        before: { flags: "18", rate: ((18 / (11 * 6 + 7 * 5)) * 1000).toFixed(1) },
        after: { flags: "<5", rate: "hidden (<5 flags)", days: 55 },
      },
    ]);
    const page = await m.get("/language/report?from=2026-09&to=2026-11");
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<svg [^>]*role="img"/);
    expect(page.body).toContain(">B1</text>");
    expect(page.body).toContain('data-testid="trend-table"');
    expect(page.body).toContain('data-testid="reasons-table"');
    expect(page.body).toContain("Her own words to the police, interview 1");
    const views = await t.app.db
      .selectFrom("audit_log")
      .select("action")
      .where("user_id", "=", ids.managerA.id)
      .where("action", "=", "language.report.view")
      .execute();
    expect(views.length).toBeGreaterThanOrEqual(3);
  });

  it("an empty period is an empty report, not an error", async () => {
    const m = await signedIn("analyst");
    const r = await m.api("GET", "/api/v1/language/report?from=2025-01&to=2025-03");
    expect(r.statusCode).toBe(200);
    expect(r.json().rows).toEqual([]);
    expect(r.json().totals.map((x: { flags: string }) => x.flags)).toEqual(["0", "0", "0"]);
    const page = await m.get("/language/report?from=2025-01&to=2025-03");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("No narrative text was saved in this period.");
  });

  it("refuses a bad period with field errors", async () => {
    const m = await signedIn("managerA");
    const page = await m.get("/language/report?from=2026-13&to=2026-11");
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('href="#from"');
    const api = await m.api("GET", "/api/v1/language/report?from=2026-11&to=2026-01");
    expect(api.statusCode).toBe(400);
    expect(api.json().error.fields[0].field).toBe("from");
  });
});

describe("the demo county's language history", () => {
  it("seedDemo seeds a year of findings from the real checker (and the dictionary) that the report reads", async () => {
    const demo = await testApp({ clock: new TestClock(new Date("2026-11-20T12:00:00Z")) });
    try {
      await seedDemo(demo.app.db, { children: 40, seed: 5, referenceDate: "2026-11-15" });
      const county = generateCounty({ children: 40, seed: 5, referenceDate: "2026-11-15" });
      // The seeded dictionary is the shipped one, as version 1 of this database's dictionary.
      const label = `${defaultDictionary.version}+1`;
      const plan = planLanguageDemo(county, label);
      const counts = { language_checks: plan.language_checks.length };
      expect(counts.language_checks).toBeGreaterThan(100);
      expect(plan.language_briefings).toHaveLength(2);
      const manager = county.users.find((u) => u.roles.includes("manager"))!;
      const c = new Client(demo.server);
      expect((await c.signIn(manager.email, "lantern-demo")).statusCode).toBe(303);
      const r = (await c.api("GET", "/api/v1/language/report?from=2025-12&to=2026-11")).json();
      expect(r.summary.texts).toBe(counts.language_checks);
      expect(r.summary.dictionaryVersions).toEqual([label]);
      expect(r.briefings).toHaveLength(2);
      expect(r.phrases.length).toBeGreaterThan(5);
      const versions = await demo.app.db
        .selectFrom("language_dictionary_versions")
        .select("version")
        .execute();
      expect(versions).toHaveLength(1);
    } finally {
      await demo.close();
    }
  });
});
