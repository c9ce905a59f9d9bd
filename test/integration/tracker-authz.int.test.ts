// The generated authorization matrix (authz-run.ts) over the tracker, meetings, missing and
// contexts routes only: every role × own/other agency × with/without a relationship. The full
// matrix (authz-*.int.test.ts) covers them too; this file checks the issue-9 routes on their own,
// quickly, while working on them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allRoutes } from "../../src/http/all-routes.ts";
import type { RouteDef } from "../../src/http/routes.ts";
import { ROLES } from "../../src/modules/identity/roles.ts";
import { type TestApp, testApp } from "./app.ts";
import { checkDeclarations, runAuthorizationMatrix } from "./authz-run.ts";

const MINE =
  /^\/(api\/v1\/)?(tracker|actions|meetings|missing|placements|contexts)(\/|$)|^\/(api\/v1\/)?children\/:id\/(tracker|missing|placements)/;

let t: TestApp;
let routes: RouteDef[];
beforeAll(async () => {
  t = await testApp();
  routes = allRoutes(t.app).filter((r) => MINE.test(r.url));
});
afterAll(async () => {
  await t.close();
});

describe("authorization of the tracker, missing and contexts routes", () => {
  it("has the routes, each with a declared policy and an example", () => {
    expect(routes.length).toBeGreaterThanOrEqual(40);
    checkDeclarations(routes);
  });

  it("allows and denies exactly as declared for every role × agency × relationship", {
    timeout: 1_800_000,
  }, async () => {
    const { checked, unexpected } = await runAuthorizationMatrix(t, routes, ROLES, { anonymous: true });
    console.log(
      `authorization (issue 9 routes): ${checked} combinations over ${routes.length} routes, ${unexpected.length} unexpected`,
    );
    expect(unexpected).toEqual([]);
  });
});
