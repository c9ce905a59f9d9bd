// Intelligence on a real database: 3x5x2 grading and handling codes decide who sees what (through
// the API and again through row-level security on its own); links inherit the rules; children on
// the link chart are named only with access and are audited; paths and networks respect the same
// rules; persons of concern, links and pins; the Excel export needs the password.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inScope } from "../../src/db/rls.ts";
import { newId } from "../../src/platform/ids.ts";
import { Client, makeAgency, makeUser, type TestApp, testApp } from "./app.ts";
import "../../src/modules/intelligence/intelligence.tables.ts";

let t: TestApp;
const A: Record<string, { id: string }> = {};
const U: Record<string, { id: string; email: string; agencyId: string }> = {};
const C: Record<string, Client> = {};
const R: Record<string, string> = {};
let personId: string;
let entityId: string;
let hotelId: string;

const system = <T>(fn: Parameters<typeof inScope<T>>[2]) => inScope(t.app.db, { scope: "system" }, fn);

async function report(
  key: string,
  agency: string,
  grading: [string, string, string],
  sanitised: string | null,
  subjects: string[] = [],
) {
  const id = newId();
  await system(async (tx) => {
    await tx
      .insertInto("intelligence_reports")
      .values({
        id,
        reference: `INT-TEST-${key}`,
        originating_agency_id: agency,
        submitted_by: null,
        submitted_at: new Date(),
        intelligence_date: "2026-10-01",
        source_evaluation: grading[0] as "1",
        intelligence_assessment: grading[1] as "A",
        handling_code: grading[2] as "P",
        handling_conditions: null,
        sanitised_text: sanitised,
        sanitised_by: null,
        sanitised_at: sanitised ? new Date() : null,
        idempotency_key: null,
      })
      .execute();
    await tx
      .insertInto("intelligence_report_originals")
      .values({
        report_id: id,
        original_text: `ORIGINAL ${key}: the source, a neighbour at number 12, saw it.`,
      })
      .execute();
    for (const s of subjects) {
      const [kind, nodeId] = s.split(":");
      await tx
        .insertInto("intelligence_report_subjects")
        .values({ id: newId(), report_id: id, node_kind: kind as "person", node_id: nodeId })
        .execute();
    }
  });
  R[key] = id;
  return id;
}

async function link(
  from: string,
  to: string,
  type: string,
  agency: string,
  extra: Record<string, unknown> = {},
) {
  const [fk, fid] = from.split(":");
  const [tk, tid] = to.split(":");
  const id = newId();
  await system((tx) =>
    tx
      .insertInto("links")
      .values({
        id,
        from_kind: fk as "person",
        from_id: fid,
        to_kind: tk as "entity",
        to_id: tid,
        link_type: type,
        source_agency_id: agency,
        valid_from: "2026-01-01",
        ...extra,
      })
      .execute(),
  );
  return id;
}

async function child(owner: string, name: string) {
  const id = newId();
  await t.app.db
    .insertInto("children")
    .values({
      id,
      reference: `CH-${id.slice(0, 6).toUpperCase()}`,
      owning_agency_id: owner,
      given_name: name,
      family_name: "Testchild",
      date_of_birth: "2011-03-04",
      sex: "female",
    })
    .execute();
  return id;
}
const relate = (userId: string, childId: string) =>
  t.app.db
    .insertInto("relationships")
    .values({ id: newId(), user_id: userId, child_id: childId, kind: "allocated_worker", reason: "test" })
    .execute();

beforeAll(async () => {
  t = await testApp();
  A.policeA = await makeAgency(t.app, "police", "Kestrel Police");
  A.policeB = await makeAgency(t.app, "police", "Neighbouring Police");
  A.social = await makeAgency(t.app, "social_care", "Kestrel Children's Services");
  A.school = await makeAgency(t.app, "school", "Kestrel Academy");
  U.policeA = await makeUser(t.app, { roles: ["analyst"], agencyId: A.policeA.id });
  U.policeB = await makeUser(t.app, { roles: ["analyst"], agencyId: A.policeB.id });
  U.social = await makeUser(t.app, { roles: ["analyst"], agencyId: A.social.id });
  U.school = await makeUser(t.app, { roles: ["practitioner"], agencyId: A.school.id });
  for (const [k, u] of Object.entries(U)) {
    C[k] = new Client(t.server);
    expect((await C[k].signIn(u.email)).statusCode).toBe(303);
  }
  personId = newId();
  await t.app.db
    .insertInto("persons_of_concern")
    .values({
      id: personId,
      reference: "POC-900001",
      owning_agency_id: A.policeA.id,
      given_name: "Dean",
      family_name: "Harlow",
      sex: "male",
      registered_sex_offender: true,
    })
    .execute();
  entityId = newId();
  hotelId = newId();
  await t.app.db
    .insertInto("entities")
    .values([
      {
        id: entityId,
        kind: "location",
        label: "Golden Grill (takeaway), Kestrel",
        subtype: "takeaway",
        owning_agency_id: A.policeA.id,
      },
      {
        id: hotelId,
        kind: "location",
        label: "The Mill House Hotel, Kestrel",
        subtype: "hotel",
        owning_agency_id: A.policeA.id,
      },
    ])
    .execute();
  // The five kinds of report the table in intelligence.policy.ts describes.
  await report(
    "P-SANITISED",
    A.policeA.id,
    ["2", "B", "P"],
    "An adult is believed to meet children at a takeaway.",
    [`person:${personId}`],
  );
  await report("P-RAW", A.policeA.id, ["1", "A", "P"], null, [`person:${personId}`]);
  await report("C-SANITISED", A.policeA.id, ["1", "B", "C"], "Sanitised but C-coded.", [
    `person:${personId}`,
  ]);
  await report("P-E", A.policeA.id, ["3", "E", "P"], "Possibly malicious allegation, sanitised.", [
    `person:${personId}`,
  ]);
  await report("C-SOCIAL", A.social.id, ["2", "C", "C"], "Social care C-coded, sanitised.", [
    `person:${personId}`,
  ]);
});
afterAll(async () => {
  await t.close();
});

const view = async (who: string, key: string) => {
  const r = await C[who].api("GET", `/api/v1/intelligence/reports/${R[key]}`);
  if (r.statusCode === 404) return { view: "none", text: null as string | null, body: r.body };
  expect(r.statusCode, r.body).toBe(200);
  const body = r.json() as { report: { view: string; text: string; original: string | null } };
  return { view: body.report.view, text: body.report.text, body: r.body };
};

describe("grading and handling codes decide who sees what", () => {
  const table: [string, string, string][] = [
    // viewer, report, expected view
    ["policeA", "P-SANITISED", "original"],
    ["policeA", "P-RAW", "original"],
    ["policeA", "C-SANITISED", "original"],
    ["policeA", "P-E", "original"],
    ["policeA", "C-SOCIAL", "none"],
    ["policeB", "P-SANITISED", "original"],
    ["policeB", "P-RAW", "original"],
    ["policeB", "C-SANITISED", "none"],
    ["policeB", "P-E", "original"],
    ["policeB", "C-SOCIAL", "none"],
    ["social", "P-SANITISED", "sanitised"],
    ["social", "P-RAW", "none"],
    ["social", "C-SANITISED", "none"],
    ["social", "P-E", "none"],
    ["social", "C-SOCIAL", "original"],
    ["school", "P-SANITISED", "sanitised"],
    ["school", "P-RAW", "none"],
    ["school", "C-SANITISED", "none"],
    ["school", "P-E", "none"],
    ["school", "C-SOCIAL", "none"],
  ];
  it.each(table)("%s sees %s as %s", async (who, key, expected) => {
    const v = await view(who, key);
    expect(v.view).toBe(expected);
    if (expected === "sanitised") {
      expect(v.body).not.toContain("ORIGINAL");
      expect(v.body).not.toContain("neighbour at number 12");
    }
    if (expected === "original") expect(v.text).toContain(`ORIGINAL ${key}`);
    if (expected === "none")
      expect(v.body).not.toContain(key === "C-SOCIAL" ? "Social care C-coded" : "ORIGINAL");
  });

  it("lists show the same: nothing hidden leaks into the list", async () => {
    for (const who of ["policeA", "policeB", "social", "school"]) {
      const r = await C[who].api("GET", "/api/v1/intelligence/reports");
      expect(r.statusCode).toBe(200);
      const shown = (r.json() as { reports: { reference: string; view: string }[] }).reports;
      for (const [viewer, key, expected] of table.filter((x) => x[0] === who)) {
        const hit = shown.find((s) => s.reference === `INT-TEST-${key}`);
        expect(hit?.view ?? "none", `${viewer} ${key}`).toBe(expected);
      }
      if (who === "social" || who === "school") expect(r.body).not.toContain("ORIGINAL INT");
    }
  });

  it("row-level security on its own refuses the same rows (originals apart from sanitised text)", async () => {
    const rows = async (who: string) =>
      inScope(t.app.db, { scope: "user", userId: U[who].id, agencyId: U[who].agencyId }, async (tx) => ({
        reports: (await tx.selectFrom("intelligence_reports").select("reference").execute()).map(
          (r) => r.reference,
        ),
        originals: (
          await tx
            .selectFrom("intelligence_report_originals")
            .innerJoin(
              "intelligence_reports",
              "intelligence_reports.id",
              "intelligence_report_originals.report_id",
            )
            .select("intelligence_reports.reference")
            .execute()
        ).map((r) => r.reference),
      }));
    const social = await rows("social");
    expect(social.reports.sort()).toEqual(["INT-TEST-C-SOCIAL", "INT-TEST-P-SANITISED"]);
    expect(social.originals).toEqual(["INT-TEST-C-SOCIAL"]);
    const b = await rows("policeB");
    expect(b.reports.sort()).toEqual(["INT-TEST-P-E", "INT-TEST-P-RAW", "INT-TEST-P-SANITISED"]);
    expect(b.originals.sort()).toEqual(["INT-TEST-P-E", "INT-TEST-P-RAW", "INT-TEST-P-SANITISED"]);
    const none = await inScope(t.app.db, { scope: "user", userId: U.school.id, agencyId: "" }, (tx) =>
      tx.selectFrom("intelligence_report_originals").select("report_id").execute(),
    );
    expect(none).toEqual([]);
  });

  it("permission to disseminate a C-coded report: only the originator grants it; the permitted agency then sees the sanitised text", async () => {
    const refused = await C.social.api(
      "POST",
      `/api/v1/intelligence/reports/${R["C-SANITISED"]}/permissions`,
      {
        agency_id: A.social.id,
      },
    );
    expect(refused.statusCode).toBe(404);
    const p = await C.policeA.api("POST", `/api/v1/intelligence/reports/${R["C-SANITISED"]}/permissions`, {
      agency_id: A.social.id,
      conditions: "For the MACE panel only",
    });
    expect(p.statusCode, p.body).toBe(201);
    expect((await view("social", "C-SANITISED")).view).toBe("sanitised");
    expect((await view("school", "C-SANITISED")).view).toBe("none");
    expect((await view("policeB", "C-SANITISED")).view).toBe("none");
    const again = await C.policeA.api("POST", `/api/v1/intelligence/reports/${R["P-RAW"]}/permissions`, {
      agency_id: A.social.id,
    });
    expect(again.statusCode).toBe(400);
  });

  it("sanitising: the originating agency only, with If-Match; then partners see the sanitised text", async () => {
    const url = `/api/v1/intelligence/reports/${R["P-RAW"]}/sanitised`;
    const body = { sanitised_text: "Partners: an adult has been seen with children at a takeaway." };
    expect((await C.policeA.api("PUT", url, body)).statusCode).toBe(428);
    expect((await C.policeB.api("PUT", url, body, { "if-match": 'W/"v1"' })).statusCode).toBe(403);
    expect((await C.social.api("PUT", url, body, { "if-match": 'W/"v1"' })).statusCode).toBe(404);
    const ok = await C.policeA.api("PUT", url, body, { "if-match": 'W/"v1"' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).toBe('W/"v2"');
    expect((await C.policeA.api("PUT", url, body, { "if-match": 'W/"v1"' })).statusCode).toBe(412);
    const v = await view("social", "P-RAW");
    expect(v.view).toBe("sanitised");
    expect(v.text).toBe(body.sanitised_text);
    // A report graded E is never passed to partners, sanitised or not.
    expect((await view("school", "P-E")).view).toBe("none");
  });

  it("submitting: graded, validated, idempotent; the originator sees the original", async () => {
    const bad = await C.school.api("POST", "/api/v1/intelligence/reports", {
      text: "short",
      source_evaluation: "4",
      handling_code: "X",
    });
    expect(bad.statusCode).toBe(400);
    const fields = (bad.json() as { error: { fields: { field: string }[] } }).error.fields.map(
      (f) => f.field,
    );
    expect(fields).toEqual(
      expect.arrayContaining(["text", "source_evaluation", "intelligence_assessment", "handling_code"]),
    );
    const before = await system((tx) => tx.selectFrom("intelligence_reports").select("id").execute());
    const input = {
      text: "A man in a silver car collects two pupils after school on Fridays.",
      source_evaluation: "2",
      intelligence_assessment: "C",
      handling_code: "P",
      subjects: [`person:${personId}`, `entity:${hotelId}`],
    };
    const a = await C.school.api("POST", "/api/v1/intelligence/reports", input, { "idempotency-key": "k-1" });
    expect(a.statusCode, a.body).toBe(201);
    const b = await C.school.api("POST", "/api/v1/intelligence/reports", input, { "idempotency-key": "k-1" });
    expect(b.statusCode).toBe(200);
    expect(b.json().id).toBe(a.json().id);
    const after = await system((tx) => tx.selectFrom("intelligence_reports").select("id").execute());
    expect(after.length).toBe(before.length + 1);
    const mine = await C.school.api("GET", `/api/v1/intelligence/reports/${a.json().id}`);
    expect(mine.json().report.view).toBe("original");
    expect(
      mine
        .json()
        .subjects.map((s: { id: string }) => s.id)
        .sort(),
    ).toEqual([`entity:${hotelId}`, `person:${personId}`].sort());
    // Police see another agency's P-coded original; social care do not (not sanitised yet).
    expect(
      (await C.policeB.api("GET", `/api/v1/intelligence/reports/${a.json().id}`)).json().report.view,
    ).toBe("original");
    expect((await C.social.api("GET", `/api/v1/intelligence/reports/${a.json().id}`)).statusCode).toBe(404);
  });
});

describe("links and the link chart", () => {
  let kidRelated: string;
  let kidOther: string;
  let cLink: string;
  let eLink: string;
  let reportLink: string;
  beforeAll(async () => {
    kidRelated = await child(A.social.id, "Amber");
    kidOther = await child(A.social.id, "Bella");
    await relate(U.social.id, kidRelated);
    await link(`person:${personId}`, `entity:${entityId}`, "owns", A.policeA.id, { grading: "2BP" });
    await link(`child:${kidRelated}`, `person:${personId}`, "seen_with", A.policeA.id, { grading: "2BP" });
    await link(`child:${kidOther}`, `person:${personId}`, "seen_with", A.policeA.id, { grading: "2BP" });
    await link(`child:${kidOther}`, `entity:${hotelId}`, "found_at", A.policeA.id, { grading: "1AP" });
    cLink = await link(`person:${personId}`, `entity:${hotelId}`, "frequents", A.policeA.id, {
      grading: "1BC",
    });
    eLink = await link(`entity:${entityId}`, `entity:${hotelId}`, "associate", A.policeA.id, {
      grading: "3EP",
    });
    reportLink = await link(`person:${personId}`, `entity:${hotelId}`, "seen_with", A.policeA.id, {
      grading: "1BC",
      intelligence_report_id: R["C-SANITISED"],
    });
  });

  const chart = async (who: string, query: string) => {
    const r = await C[who].api("GET", `/api/v1/network/chart?${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as {
      nodes: {
        id: string;
        label: string;
        restricted: boolean;
        expandable: boolean;
        broker: boolean;
        rso: boolean | null;
        type: string;
      }[];
      edges: { id: string; type: string }[];
      brokers: string[];
    };
  };

  it("links graded C, graded E or made from a hidden report are seen only where the rules allow", async () => {
    const ids = async (who: string) =>
      (await chart(who, `centre=person:${personId}&radius=2`)).edges.map((e) => e.id);
    const a = await ids("policeA");
    expect(a).toEqual(expect.arrayContaining([cLink, eLink, reportLink]));
    const b = await ids("policeB");
    expect(b).toContain(eLink);
    expect(b).not.toContain(cLink);
    expect(b).not.toContain(reportLink);
    const s = await ids("social");
    expect(s).not.toContain(cLink);
    expect(s).not.toContain(eLink);
    // Social care has permission for the C-coded report (granted above), so its link shows.
    expect(s).toContain(reportLink);
  });

  it("children: named only with access, otherwise the reference, not expandable, and every one audited", async () => {
    const before = await system((tx) =>
      tx.selectFrom("audit_log").select("id").where("action", "=", "network.child").execute(),
    );
    const s = await chart("social", `centre=person:${personId}&radius=1`);
    const related = s.nodes.find((n) => n.id === `child:${kidRelated}`)!;
    const other = s.nodes.find((n) => n.id === `child:${kidOther}`)!;
    expect(related.label).toContain("Amber Testchild");
    expect(related.restricted).toBe(false);
    expect(related.expandable).toBe(true);
    expect(other.label).toMatch(/^Child CH-/);
    expect(other.label).not.toContain("Bella");
    expect(other.restricted).toBe(true);
    expect(other.expandable).toBe(false);
    // Police without a relationship see both children at signpost level only.
    const p = await chart("policeA", `centre=person:${personId}&radius=1`);
    expect(p.nodes.filter((n) => n.type === "child").every((n) => n.restricted)).toBe(true);
    expect(JSON.stringify(p)).not.toContain("Amber");
    // Expanding a signpost-only child shows none of its other links (the hotel is reached only through it).
    const x = await chart("policeB", `centre=person:${personId}&radius=1&expand=child:${kidOther}`);
    expect(x.nodes.map((n) => n.id)).not.toContain(`entity:${hotelId}`);
    const audits = await system((tx) =>
      tx
        .selectFrom("audit_log")
        .select(["child_id", "field_groups", "user_id"])
        .where("action", "=", "network.child")
        .execute(),
    );
    const fresh = audits.slice(before.length);
    expect(fresh.find((r) => r.user_id === U.social.id && r.child_id === kidRelated)?.field_groups).toEqual([
      "identity",
    ]);
    expect(fresh.find((r) => r.user_id === U.social.id && r.child_id === kidOther)?.field_groups).toEqual([]);
    expect(fresh.filter((r) => r.user_id === U.policeA.id).length).toBeGreaterThanOrEqual(2);
  });

  it("the chart centred on a child needs access to the child's record", async () => {
    expect((await C.policeA.api("GET", `/api/v1/children/${kidRelated}/network`)).statusCode).toBe(403);
    const ok = await C.social.api("GET", `/api/v1/children/${kidRelated}/network`);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["x-lantern-field-groups"]).toBe("identity");
    expect((await C.policeA.api("GET", `/api/v1/network/chart?centre=child:${kidRelated}`)).statusCode).toBe(
      403,
    );
  });

  it("the registered sex offender flag is police intelligence", async () => {
    const p = await C.policeB.api("GET", `/api/v1/intelligence/persons/${personId}`);
    expect(p.json().person.registered_sex_offender).toBe(true);
    const s = await C.social.api("GET", `/api/v1/intelligence/persons/${personId}`);
    expect(s.json().person.registered_sex_offender).toBeNull();
  });

  it("filters: entity type, link type, date window; communities, centrality and brokers from the engine", async () => {
    const onlyPlaces = await chart("policeA", `centre=person:${personId}&radius=2&types=location`);
    expect(onlyPlaces.nodes.map((n) => n.type).sort()).toEqual(["location", "location", "person"]);
    const onlyOwns = await chart("policeA", `centre=person:${personId}&radius=2&links=owns`);
    expect(onlyOwns.edges.every((e) => e.type === "owns")).toBe(true);
    await link(`person:${personId}`, `entity:${entityId}`, "frequents", A.policeA.id, {
      grading: "2BP",
      valid_from: "2020-01-01",
      valid_to: "2020-06-30",
    });
    const old = await chart("policeA", `centre=person:${personId}&radius=1&to=2020-12-31`);
    expect(old.edges.map((e) => e.type)).toEqual(["frequents"]);
    // A barbell: two groups of three joined only through one adult, who is the broker.
    const people = Array.from({ length: 7 }, () => newId());
    await t.app.db
      .insertInto("persons_of_concern")
      .values(
        people.map((id, i) => ({
          id,
          reference: `POC-8000${i}`,
          owning_agency_id: A.policeA.id,
          given_name: `Barbell${i}`,
          sex: "male" as const,
        })),
      )
      .execute();
    const P = (i: number) => `person:${people[i]}`;
    for (const [a, b] of [
      [0, 1],
      [1, 2],
      [0, 2],
      [3, 4],
      [4, 5],
      [3, 5],
      [6, 0],
      [6, 3],
    ])
      await link(P(a), P(b), "associate", A.policeA.id, { grading: "2BP" });
    const bar = await chart("policeA", `centre=${P(6)}&radius=3`);
    expect(bar.nodes).toHaveLength(7);
    expect(bar.brokers[0]).toBe(P(6));
    expect(bar.nodes.find((n) => n.id === P(6))!.broker).toBe(true);
    expect(bar.nodes.filter((n) => n.broker).every((n) => n.type !== "child")).toBe(true);
    const bad = await C.policeA.api(
      "GET",
      `/api/v1/network/chart?centre=person:${personId}&from=2026-02-01&to=2025-01-01`,
    );
    expect(bad.statusCode).toBe(400);
  });

  it("shortest path between two entities; never through a child without access", async () => {
    const kidOnly = await child(A.social.id, "Cara");
    const lonely = newId();
    await t.app.db
      .insertInto("entities")
      .values({
        id: lonely,
        kind: "vehicle",
        label: "ZX21 ABC (silver hatchback)",
        subtype: "car",
        owning_agency_id: A.policeA.id,
      })
      .execute();
    await link(`child:${kidOnly}`, `entity:${lonely}`, "seen_in", A.policeA.id, { grading: "2BP" });
    await link(`child:${kidOnly}`, `person:${personId}`, "seen_with", A.policeA.id, { grading: "2BP" });
    const p = await C.policeA.api(
      "GET",
      `/api/v1/network/path?from=person:${personId}&to=entity:${entityId}`,
    );
    expect(p.json().found).toBe(true);
    expect(p.json().length).toBe(1);
    const through = await C.policeA.api(
      "GET",
      `/api/v1/network/path?from=person:${personId}&to=entity:${lonely}`,
    );
    expect(through.json().found).toBe(false);
    await relate(U.policeA.id, kidOnly);
    const now = await C.policeA.api(
      "GET",
      `/api/v1/network/path?from=person:${personId}&to=entity:${lonely}`,
    );
    expect(now.json().found).toBe(true);
    expect(now.json().nodes.map((n: { id: string }) => n.id)).toEqual([
      `person:${personId}`,
      `child:${kidOnly}`,
      `entity:${lonely}`,
    ]);
    const fromChild = await C.policeB.api(
      "GET",
      `/api/v1/network/path?from=child:${kidOnly}&to=entity:${lonely}`,
    );
    expect(fromChild.statusCode).toBe(403);
  });

  it("networks: two or more people, with adults, children by reference, places and brokers", async () => {
    const r = await C.policeA.api("GET", "/api/v1/network/networks");
    expect(r.statusCode).toBe(200);
    const body = r.json() as {
      networks: {
        adults: { label: string }[];
        children: { label: string; restricted: boolean }[];
        places: unknown[];
        brokers: { id: string }[];
        size: number;
      }[];
    };
    const n = body.networks.find((x) => x.adults.some((a) => a.label.includes("Dean Harlow")))!;
    expect(n).toBeDefined();
    expect(n.children.length).toBeGreaterThan(0);
    expect(n.children.every((c) => c.restricted === !c.label.includes("Cara"))).toBe(true);
    expect(n.brokers.every((b) => !b.id.startsWith("child:"))).toBe(true);
    const page = await C.policeA.get("/network/networks");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Dean Harlow");
  });
});

describe("persons of concern, links, pins, export", () => {
  it("a person of concern: validated, idempotent, changed only by the recording agency with If-Match", async () => {
    const bad = await C.policeA.api("POST", "/api/v1/intelligence/persons", {
      sex: "dragon",
      estimated_age: 4,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(["sex", "estimated_age"]),
    );
    const input = {
      given_name: "Ray",
      family_name: "Stone",
      aliases: ["Stoney"],
      sex: "male",
      ethnicity: "WBRI",
      disability: false,
    };
    const a = await C.policeA.api("POST", "/api/v1/intelligence/persons", input, {
      "idempotency-key": "p-1",
    });
    expect(a.statusCode, a.body).toBe(201);
    const b = await C.policeA.api("POST", "/api/v1/intelligence/persons", input, {
      "idempotency-key": "p-1",
    });
    expect(b.json().id).toBe(a.json().id);
    const id = a.json().id;
    const url = `/api/v1/intelligence/persons/${id}`;
    expect((await C.policeA.api("PUT", url, { ...input, family_name: "Stones" })).statusCode).toBe(428);
    expect(
      (await C.social.api("PUT", url, { ...input, family_name: "Stones" }, { "if-match": 'W/"v1"' }))
        .statusCode,
    ).toBe(403);
    const ok = await C.policeA.api("PUT", url, { ...input, family_name: "Stones" }, { "if-match": 'W/"v1"' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await C.policeA.api("PUT", url, input, { "if-match": 'W/"v1"' })).statusCode).toBe(412);
    // The form: errors re-render with the error summary and nothing is written.
    await C.policeA.get("/intelligence/persons/new");
    const f = await C.policeA.form("/intelligence/persons", { date_of_birth: "not a date", token: "tok-1" });
    expect(f.statusCode).toBe(400);
    expect(f.body).toContain("govuk-error-summary");
    expect(f.body).toContain('href="#given_name"');
  });

  it("links: a child end needs a relationship; reports give their grading; the chart shows the link", async () => {
    const kid = await child(A.social.id, "Dana");
    const refused = await C.policeA.api("POST", "/api/v1/intelligence/links", {
      from: `child:${kid}`,
      to: `person:${personId}`,
      link_type: "seen_with",
    });
    expect(refused.statusCode).toBe(403);
    await relate(U.policeA.id, kid);
    const ok = await C.policeA.api("POST", "/api/v1/intelligence/links", {
      from: `child:${kid}`,
      to: `person:${personId}`,
      link_type: "seen_with",
      intelligence_report_id: R["P-SANITISED"],
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const row = await system((tx) =>
      tx.selectFrom("links").selectAll().where("id", "=", ok.json().id).executeTakeFirstOrThrow(),
    );
    expect(row.grading).toBe("2BP");
    expect(row.provenance).toBe("Intelligence report INT-TEST-P-SANITISED");
    const missing = await C.policeA.api("POST", "/api/v1/intelligence/links", {
      from: `person:${personId}`,
      to: `entity:${newId()}`,
      link_type: "frequents",
    });
    expect(missing.statusCode).toBe(400);
  });

  it("pins and notes belong to their author", async () => {
    const put = await C.policeA.api("PUT", "/api/v1/network/pins", {
      node: `person:${personId}`,
      note: "Check the car",
      x: 10,
      y: 20,
    });
    expect(put.statusCode, put.body).toBe(200);
    const mine = await C.policeA.api("GET", "/api/v1/network/pins");
    expect(mine.json().pins).toHaveLength(1);
    expect((await C.policeB.api("GET", "/api/v1/network/pins")).json().pins).toHaveLength(0);
    const chart = await C.policeA.api("GET", `/api/v1/network/chart?centre=person:${personId}&radius=0`);
    expect(chart.json().nodes[0].pin.note).toBe("Check the car");
    expect(
      (await C.policeA.api("DELETE", `/api/v1/network/pins?node=person:${personId}`)).json().removed,
    ).toBe(true);
  });

  it("the Excel export needs the password, is watermarked and is audited", async () => {
    await C.policeA.get(`/network/export?centre=person:${personId}&radius=1`);
    const wrong = await C.policeA.form("/network/export", {
      centre: `person:${personId}`,
      radius: "1",
      password: "nope",
    });
    expect(wrong.statusCode).toBe(400);
    const r = await t.server.inject({
      method: "POST",
      url: "/network/export",
      cookies: C.policeA.cookies,
      payload: new URLSearchParams({
        _csrf: C.policeA.csrf,
        centre: `person:${personId}`,
        radius: "1",
        password: "correct horse battery staple",
      }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toContain("spreadsheetml");
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("Entities")!;
    expect(String(ws.getCell("A1").value)).toContain("OFFICIAL-SENSITIVE");
    const labels = ws.getColumn(3).values.map(String);
    expect(labels).toContain("Golden Grill (takeaway), Kestrel");
    const audited = await system((tx) =>
      tx
        .selectFrom("audit_log")
        .select("details")
        .where("action", "=", "network.export")
        .where("user_id", "=", U.policeA.id)
        .execute(),
    );
    expect(audited).toHaveLength(1);
  });

  it("pages render for an analyst (person, entity, chart, table view, networks, reports)", async () => {
    for (const url of [
      `/intelligence/persons/${personId}`,
      `/intelligence/entities/${entityId}`,
      `/network?centre=person:${personId}&radius=2`,
      `/network?centre=person:${personId}&radius=2&view=table`,
      "/network/networks",
      "/intelligence/reports",
      `/intelligence/reports/${R["P-SANITISED"]}`,
      "/intelligence",
    ]) {
      const r = await C.policeA.get(url);
      expect(r.statusCode, url).toBe(200);
    }
    const table = await C.social.get(`/network?centre=person:${personId}&radius=1&view=table`);
    expect(table.body).toContain("Signpost only");
    expect(table.body).not.toContain("Bella");
    expect(await sql`select 1`.execute(t.app.db)).toBeTruthy();
  });
});
