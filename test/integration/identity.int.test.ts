// Sign-in, sessions, CSRF and throttling against a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BAD_CREDENTIALS, MAX_FAILURES_PER_EMAIL } from "../../src/modules/identity/identity.service.ts";
import { TestClock } from "../../src/platform/clock.ts";
import { Client, makeUser, type TestApp, testApp } from "./app.ts";

let t: TestApp;
const clock = new TestClock(new Date("2026-11-25T10:00:00Z"));
beforeAll(async () => {
  t = await testApp({ clock });
});
afterAll(async () => {
  await t.close();
});

const errorText = (html: string) =>
  /govuk-error-summary__list">\s*<li>\s*<a[^>]*>([^<]*)</.exec(html)?.[1]?.trim();

describe("sign-in", () => {
  it("signs in, shows the session, and signs out (the session row is gone)", async () => {
    const u = await makeUser(t.app, { roles: ["practitioner"] });
    const c = new Client(t.server);
    const r = await c.signIn(u.email);
    expect(r.statusCode).toBe(303);
    const cookie = r.cookies.find((x) => x.name === "lantern_session")!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.secure).toBe(true);
    expect(cookie.sameSite).toBe("Lax");
    expect(
      await t.app.db.selectFrom("sessions").where("user_id", "=", u.id).selectAll().execute(),
    ).toHaveLength(1);
    const s = await c.api("GET", "/api/v1/session");
    expect(s.json().user.email).toBe(u.email);
    const out = await c.form("/sign-out", {});
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe("/sign-in?signed_out=1");
    expect(
      await t.app.db.selectFrom("sessions").where("user_id", "=", u.id).selectAll().execute(),
    ).toHaveLength(0);
    expect((await c.get("/")).statusCode).toBe(302);
  });

  it("a wrong password and an unknown email get the same answer", async () => {
    const u = await makeUser(t.app);
    const a = new Client(t.server);
    const wrong = await a.signIn(u.email, "wrong password");
    const b = new Client(t.server);
    const unknown = await b.signIn("nobody-here@test.example", "wrong password");
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(errorText(wrong.body)).toBe(BAD_CREDENTIALS);
    expect(errorText(unknown.body)).toBe(BAD_CREDENTIALS);
  });

  it("missing fields get field-level errors linked from the summary", async () => {
    const c = new Client(t.server);
    await c.get("/sign-in");
    const r = await c.form("/sign-in", { email: "", password: "" });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('href="#email"');
    expect(r.body).toContain('href="#password"');
    expect(r.body).toContain("Enter your email address");
  });

  it(`throttles after ${MAX_FAILURES_PER_EMAIL} wrong passwords, for known and unknown emails alike`, async () => {
    const u = await makeUser(t.app);
    for (const email of [u.email, "ghost@test.example"]) {
      const c = new Client(t.server);
      for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++)
        expect((await c.signIn(email, `bad-${i}`)).statusCode).toBe(401);
      const blocked = await c.signIn(email, "bad-again");
      expect(blocked.statusCode).toBe(429);
      expect(errorText(blocked.body)).toMatch(/Too many attempts/);
    }
    // Even the right password is refused while throttled; the window passing lets it through.
    expect((await new Client(t.server).signIn(u.email)).statusCode).toBe(429);
    clock.advance(16 * 60_000);
    expect((await new Client(t.server).signIn(u.email)).statusCode).toBe(303);
  });

  it("a session ends after the idle timeout", async () => {
    const u = await makeUser(t.app);
    const c = new Client(t.server);
    await c.signIn(u.email);
    expect((await c.get("/")).statusCode).toBe(200);
    clock.advance((t.app.config.SESSION_IDLE_MINUTES + 1) * 60_000);
    const r = await c.get("/");
    expect(r.statusCode).toBe(302);
    expect(
      await t.app.db.selectFrom("sessions").where("user_id", "=", u.id).selectAll().execute(),
    ).toHaveLength(0);
  });
});

describe("CSRF", () => {
  it("refuses a form post without the token and one with another session's token", async () => {
    const u = await makeUser(t.app);
    const c = new Client(t.server);
    await c.signIn(u.email);
    const none = await c.form("/sign-out", {}, false);
    expect(none.statusCode).toBe(403);
    const other = new Client(t.server);
    await other.signIn((await makeUser(t.app)).email);
    const forged = await c.form("/sign-out", { _csrf: other.csrf }, false);
    expect(forged.statusCode).toBe(403);
    // Still signed in: nothing happened.
    expect((await c.get("/")).statusCode).toBe(200);
  });

  it("refuses a signed-in JSON write without the x-csrf-token header", async () => {
    const u = await makeUser(t.app);
    const c = new Client(t.server);
    await c.signIn(u.email);
    const r = await t.server.inject({ method: "DELETE", url: "/api/v1/session", cookies: c.cookies });
    expect(r.statusCode).toBe(403);
    const ok = await c.api("DELETE", "/api/v1/session");
    expect(ok.statusCode).toBe(204);
  });
});
