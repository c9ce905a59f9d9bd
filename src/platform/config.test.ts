import { describe, expect, it } from "vitest";
import { ConfigError, describeDatabase, loadConfig } from "./config.ts";

describe("configuration", () => {
  it("has working defaults for a newcomer", () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.dataDir).toMatch(/data$/);
    expect(describeDatabase(c)).toMatch(/embedded PGlite/);
  });

  it.each([
    [{ PORT: "abc" }, "PORT", /whole number.*"abc"/],
    [{ PORT: "70000" }, "PORT", /between 1 and 65535/],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL", /postgres:\/\//],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL", /.+/],
    [{ SESSION_SECRET: "short" }, "SESSION_SECRET", /at least 32/],
    [{ NODE_ENV: "production" }, "SESSION_SECRET", /required in production/],
    [{ COOKIE_SECURE: "maybe" }, "COOKIE_SECURE", /true or false/],
  ])("refuses %j naming the setting", (env, setting, reason) => {
    try {
      loadConfig(env as NodeJS.ProcessEnv);
      expect.unreachable("should have thrown");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).setting).toBe(setting);
      expect((e as ConfigError).message).toMatch(reason);
      expect((e as ConfigError).message).not.toContain("\n");
    }
  });

  it("names where PostgreSQL is", () => {
    expect(describeDatabase(loadConfig({ DATABASE_URL: "postgres://u@db.internal:6543/lantern" }))).toBe(
      "PostgreSQL at db.internal:6543/lantern",
    );
  });
});
