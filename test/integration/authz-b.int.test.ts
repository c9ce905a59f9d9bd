// The generated authorization test, part b (roles split across files so they run in parallel):
// every declared route and page × role × own/other agency × with/without a relationship.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allRoutes } from "../../src/http/all-routes.ts";
import type { RouteDef } from "../../src/http/routes.ts";
import type { Role } from "../../src/modules/identity/roles.ts";
import { type TestApp, testApp } from "./app.ts";
import { checkDeclarations, runAuthorizationMatrix } from "./authz-run.ts";

const ROLES_HERE: Role[] = ["mace_coordinator", "analyst"];
let t: TestApp;
let routes: RouteDef[];
beforeAll(async () => {
  t = await testApp();
  routes = allRoutes(t.app);
});
afterAll(async () => {
  await t.close();
});

describe("generated authorization test (b)", () => {
  it("every route has a declared policy and a way to call it", () => checkDeclarations(routes));

  for (const role of ROLES_HERE) {
    it(`allows and denies exactly as declared for ${role} × agency × relationship`, {
      timeout: 900_000,
    }, async () => {
      const { checked, unexpected } = await runAuthorizationMatrix(t, routes, [role], {
        anonymous: false,
      });
      console.log(
        `authorization (${role}): ${checked} combinations checked over ${routes.length} routes, ${unexpected.length} unexpected`,
      );
      expect(unexpected).toEqual([]);
    });
  }
});
