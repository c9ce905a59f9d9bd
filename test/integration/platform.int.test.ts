// The HTTP platform on a real database: health, readiness, OpenAPI, security headers, errors.
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, makeUser, type TestApp, testApp } from "./app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

describe("health and readiness", () => {
  it("/healthz answers 200", async () => {
    const r = await t.server.inject({ url: "/healthz" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: "ok" });
  });

  it("/readyz answers 200 with no pending migrations", async () => {
    const r = await t.server.inject({ url: "/readyz" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: "ready", pendingMigrations: [] });
  });

  it("/readyz answers 503 when a migration is missing from the database", async () => {
    await t.app.db
      .deleteFrom("schema_migrations")
      .where("name", "=", "0002_children_and_cases.sql")
      .execute();
    try {
      const r = await t.server.inject({ url: "/readyz" });
      expect(r.statusCode).toBe(503);
      expect(r.json().pendingMigrations).toContain("0002_children_and_cases.sql");
    } finally {
      const { listMigrations } = await import("../../src/db/migrator.ts");
      const m = listMigrations().find((x) => x.name === "0002_children_and_cases.sql")!;
      await t.app.db.insertInto("schema_migrations").values({ name: m.name, checksum: m.checksum }).execute();
    }
  });
});

describe("OpenAPI", () => {
  it("/api/openapi.json is a valid OpenAPI 3.1 document listing the API", async () => {
    const r = await t.server.inject({ url: "/api/openapi.json" });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/healthz", "/readyz", "/api/v1/session"]),
    );
    expect(doc.paths["/api/v1/session"].post.requestBody.content["application/json"].schema.required).toEqual(
      ["email", "password"],
    );
  });

  it("/api/docs serves the browsable documentation", async () => {
    const page = await t.server.inject({ url: "/api/docs" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("swagger-ui");
    expect(String(page.headers["content-security-policy"])).not.toContain("unsafe-inline");
    const json = await t.server.inject({ url: "/api/docs/json" });
    expect(json.json().openapi).toBe("3.1.0");
  });
});

describe("security headers and errors", () => {
  it("pages carry a strict CSP with a nonce, no inline script without it, and a request id", async () => {
    const r = await t.server.inject({ url: "/sign-in", headers: { "x-request-id": "test-request-0001" } });
    const csp = String(r.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    const inline = [...r.body.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(inline.length).toBeGreaterThan(0);
    for (const s of inline) expect(s[1]).toContain(`nonce="${nonce}"`);
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["x-request-id"]).toBe("test-request-0001");
    expect(r.headers["cache-control"]).toBe("no-store");
  });

  it("an unknown page is a 404 page that leaks nothing; an unknown API path is a JSON 404", async () => {
    const page = await t.server.inject({ url: "/no/such/page" });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain("Page not found");
    expect(page.body).not.toMatch(/at .*\.ts:\d+/);
    const api = await t.server.inject({ url: "/api/v1/no-such-thing" });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({
      error: { code: "not_found", message: expect.any(String), requestId: expect.any(String) },
    });
  });

  it("a bad request body gets 400 naming each field, and malformed JSON gets a clear 400", async () => {
    const r = await t.server.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { email: "not-an-email" },
    });
    expect(r.statusCode).toBe(400);
    const body = r.json();
    expect(body.error.code).toBe("invalid");
    expect(body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(["email", "password"]);
    const bad = await t.server.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/not valid JSON/);
  });

  it("static files cannot escape their folders", async () => {
    expect((await t.server.inject({ url: "/static/govuk-frontend.min.css" })).statusCode).toBe(200);
    expect((await t.server.inject({ url: "/static/../package.json" })).statusCode).toBe(404);
    expect((await t.server.inject({ url: "/static/%2e%2e/%2e%2e/package.json" })).statusCode).toBe(404);
  });

  it("a signed-in user's page shows their name and agency; pages refuse anonymous visitors", async () => {
    const anon = await t.server.inject({ url: "/" });
    expect(anon.statusCode).toBe(302);
    expect(anon.headers.location).toBe("/sign-in?next=%2F");
    const u = await makeUser(t.app, { name: "Sam Okafor", agencyKind: "health" });
    const c = new Client(t.server);
    expect((await c.signIn(u.email)).statusCode).toBe(303);
    const home = await c.get("/");
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain("Sam Okafor");
    expect(home.body).toMatch(/data-testid="user-agency">Test health/);
  });
});
