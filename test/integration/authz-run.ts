// The generated authorization test (run by authz-*.int.test.ts, split by role so the files run in
// parallel): every declared route and page × every role × own/other agency
// × with/without a legitimate relationship, against the real server and database. The expected
// outcome comes from the route's declared access and record policy, evaluated by the access
// module's pure policy; the actual outcome from the HTTP response (status and field groups shown).
import { expect } from "vitest";
import type { AgencyKind } from "../../src/db/schema.ts";
import { allows, type RouteDef, type SessionUser } from "../../src/http/routes.ts";
import { decideChildAccess, type Outcome, RECORD_POLICIES } from "../../src/modules/access/access.policy.ts";
import type { Role } from "../../src/modules/identity/roles.ts";
import { newId } from "../../src/platform/ids.ts";
import { Client, makeAgency, makeUser, TEST_PASSWORD, type TestApp } from "./app.ts";
import { buildFixture } from "./authz-fixture.ts";

const outcomeOf = (status: number, location?: string): Outcome => {
  if (status === 401 || status === 403) return "denied";
  if (status >= 300 && status < 400) return location?.startsWith("/sign-in?next=") ? "denied" : "ok";
  if (status === 400 || status === 409) return "refused";
  if (status >= 200 && status < 300) return "ok";
  return "refused";
};

// Routes that change the session (sign in, sign out) run last for each subject, each with a fresh
// sign-in; other state-changing routes run after the reads, those expected to be denied first.
const changesSession = (r: RouteDef) =>
  r.url === "/sign-in" || r.url === "/sign-out" || r.url === "/api/v1/session";
const order = (r: RouteDef, expected: Outcome) =>
  changesSession(r) && r.method !== "GET"
    ? 4
    : r.method === "GET"
      ? 0
      : expected === "denied"
        ? 1
        : r.recordPolicy === "child.breakGlass"
          ? 3
          : 2;

/** Agencies other than the record's owner (children's social care) that subjects work for. */
export const OTHER_AGENCY_KINDS: AgencyKind[] = ["police", "school"];

export function checkDeclarations(routes: RouteDef[]): void {
  for (const r of routes) {
    expect(r.access, `${r.method} ${r.url} has no access policy`).toBeDefined();
    if (r.url.includes(":"))
      expect(
        r.example,
        `${r.method} ${r.url} has path parameters but no example for the authorization test`,
      ).toBeDefined();
    if (r.url.includes("/children/:id"))
      expect(
        r.recordPolicy ?? null,
        `${r.method} ${r.url} reaches a child's record without a record policy`,
      ).not.toBeNull();
  }
}

/** Calls every route as each subject; returns the number of combinations and the unexpected results. */
export async function runAuthorizationMatrix(
  t: TestApp,
  routes: RouteDef[],
  roles: readonly Role[],
  opts: { anonymous: boolean },
): Promise<{ checked: number; unexpected: string[] }> {
  const own = await makeAgency(t.app, "social_care", "Own Children's Services");
  const others: Record<string, { id: string }> = {};
  for (const k of OTHER_AGENCY_KINDS) others[k] = await makeAgency(t.app, k, `Other ${k}`);
  const reviewer = await makeUser(t.app, { roles: ["practitioner"], agencyId: own.id });
  let checked = 0;
  const unexpected: string[] = [];

  const agencies: [string, string, AgencyKind][] = [
    ["own", own.id, "social_care"],
    ...Object.entries(others).map(
      ([k, v]) => [`other ${k}`, v.id, k as AgencyKind] as [string, string, AgencyKind],
    ),
  ];
  for (const role of roles) {
    for (const [agencyLabel, agencyId, agencyKind] of agencies) {
      for (const related of [false, true]) {
        const u = await makeUser(t.app, { roles: [role], agencyId });
        const fixtureFor = () =>
          buildFixture(t.app, {
            ownAgencyId: own.id,
            userId: u.id,
            email: u.email,
            password: TEST_PASSWORD,
            related,
            otherUserId: reviewer.id,
          });
        const shared = await fixtureFor();
        const c = new Client(t.server);
        expect((await c.signIn(u.email)).statusCode).toBe(303);
        const session: SessionUser = {
          id: u.id,
          email: u.email,
          displayName: "",
          agencyId,
          agencyName: "",
          agencyKind,
          roles: [role],
          sessionId: "",
        };
        // Each route's expected outcome, from its declared access and record policy.
        const decision = decideChildAccess(
          { userId: u.id, agencyId, agencyKind, roles: [role] },
          {
            owningAgencyId: own.id,
            relationships: related ? ["allocated_worker"] : [],
            breakGlass: false,
          },
        );
        const plan = routes.map((r) => {
          let expected: Outcome = "ok";
          let expectedGroups: readonly string[] | undefined;
          if (!allows(r.access, session)) expected = "denied";
          else if (r.recordPolicy) {
            const policy = RECORD_POLICIES[r.recordPolicy];
            expected = policy.expect(decision, r.method);
            if ("fieldGroups" in policy) expectedGroups = policy.fieldGroups(decision);
          }
          return { r, expected, expectedGroups };
        });
        plan.sort((a, b) => order(a.r, a.expected) - order(b.r, b.expected));
        for (const { r, expected, expectedGroups } of plan) {
          if (order(r, expected) === 4) {
            await c.signIn(u.email);
            if (r.url === "/sign-in" && r.method === "POST") {
              delete c.cookies.lantern_session;
              await c.get("/sign-in");
            }
          }
          // A route that changes state gets records of its own when it is expected to act, so earlier
          // routes cannot affect it. One expected to be denied changes nothing and uses the shared
          // records (before any route that acts, whose effects can reach beyond its own records,
          // such as joining the MACE panel): if it wrongly acted, that is reported all the same.
          const fixture = r.method === "GET" || expected === "denied" ? shared : await fixtureFor();
          const ex = r.example?.(fixture) ?? {};
          const url =
            r.url.replace(/:([A-Za-z_]+)/g, (_m, k: string) => ex.params?.[k] ?? "") +
            (ex.query ? `?${new URLSearchParams(ex.query).toString()}` : "");
          const res =
            r.method === "GET"
              ? await c.get(url)
              : ex.form || r.kind === "page"
                ? await c.form(url, ex.form ?? {})
                : await c.api(r.method, url, ex.body ?? {}, ex.headers);
          const actual = outcomeOf(res.statusCode, res.headers.location as string | undefined);
          checked++;
          const label = `${r.method} ${r.url} as ${role} (${agencyLabel}, ${related ? "allocated worker" : "no relationship"})`;
          if (actual !== expected)
            unexpected.push(
              `${label}: expected ${expected}, got ${res.statusCode} ${res.headers.location ?? ""}`,
            );
          if (expectedGroups && actual === "ok") {
            const shown = String(res.headers["x-lantern-field-groups"] ?? "");
            const got = shown ? shown.split(",").sort() : [];
            if (got.join(",") !== [...expectedGroups].sort().join(",")) {
              unexpected.push(`${label}: field groups expected [${expectedGroups}], got [${got}]`);
            }
          }
        }
      }
    }
  }
  if (opts.anonymous) {
    // Anonymous visitors: everything but public routes is denied.
    const anon = new Client(t.server);
    await anon.get("/sign-in");
    for (const r of routes) {
      const ex =
        r.example?.({
          childId: newId(),
          breakGlassId: newId(),
          email: "nobody@test.example",
          password: "x",
        }) ?? {};
      const url = r.url.replace(/:([A-Za-z_]+)/g, (_m, k: string) => ex.params?.[k] ?? "");
      const res = r.method === "GET" ? await anon.get(url) : await anon.api(r.method, url, ex.body ?? {});
      checked++;
      if (
        r.access.kind !== "public" &&
        outcomeOf(res.statusCode, res.headers.location as string | undefined) !== "denied"
      ) {
        unexpected.push(`${r.method} ${r.url} anonymous: expected denied, got ${res.statusCode}`);
      }
    }
  }
  return { checked, unexpected };
}
