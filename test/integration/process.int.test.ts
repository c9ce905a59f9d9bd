// The real `lantern` process: bad configuration exits 1 with one line; a record written through the
// API survives SIGKILL and a restart on the same data (PGlite folder, or PostgreSQL database).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateCounty } from "../../src/modules/demo/index.ts";
import { londonDate } from "../../src/platform/clock.ts";
import { freshDatabase } from "./db.ts";

const lantern = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ["bin/lantern.js", ...args], {
    env: { ...process.env, LOG_LEVEL: "silent", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

describe("bad configuration stops the process with one line and exit 1", () => {
  it.each([
    [{ PORT: "abc" }, /^lantern: Invalid configuration: PORT must be a whole number/],
    [{ PORT: "99999" }, /^lantern: Invalid configuration: PORT must be between 1 and 65535/],
    [
      { DATABASE_URL: "mysql://nope" },
      /^lantern: Invalid configuration: DATABASE_URL must start with postgres:\/\//,
    ],
    [
      { DATABASE_URL: "postgres://postgres@127.0.0.1:1/lantern" },
      /^lantern: Database unavailable: cannot reach PostgreSQL at 127\.0\.0\.1:1\/lantern: connection refused/,
    ],
  ])("%j", (env, message) => {
    const r = lantern(["start"], env as Record<string, string>);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\s+at .*:\d+:\d+/);
  });

  it("a port already in use", async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, "0.0.0.0");
    await new Promise((r) => blocker.once("listening", r));
    const dir = mkdtempSync(join(tmpdir(), "lantern-port-"));
    try {
      const r = lantern(["start", "--no-seed"], { PORT: String(port), DATA_DIR: dir, DATABASE_URL: "" });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toMatch(new RegExp(`^lantern: Cannot listen: port ${port} is already in use`));
    } finally {
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("durability", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("a record written through the API survives SIGKILL and a restart on the same data", async () => {
    let env: Record<string, string>;
    if (process.env.DATABASE_URL) {
      const fresh = await freshDatabase();
      await fresh.database.close();
      env = { DATABASE_URL: fresh.url! };
      cleanups.push(async () => {
        const pg = (await import("pg")).default;
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`drop database if exists ${new URL(fresh.url!).pathname.slice(1)} with (force)`);
        await c.end();
      });
    } else {
      const dir = mkdtempSync(join(tmpdir(), "lantern-durable-"));
      env = { DATA_DIR: dir, DATABASE_URL: "" };
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const start = async (): Promise<ChildProcess> => {
      const p = spawn(process.execPath, ["bin/lantern.js", "start"], {
        env: {
          ...process.env,
          ...env,
          PORT: String(port),
          DEMO_CHILDREN: "60",
          LOG_LEVEL: "silent",
          COOKIE_SECURE: "false",
        },
        stdio: "ignore",
      });
      cleanups.push(() => {
        if (p.exitCode === null) p.kill("SIGKILL");
      });
      for (let i = 0; i < 120; i++) {
        if (p.exitCode !== null) throw new Error(`lantern exited with ${p.exitCode}`);
        const ok = await fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return p;
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error("lantern did not become ready");
    };

    const county = generateCounty({ children: 60, seed: 1, referenceDate: londonDate(new Date()) });
    // An allocated worker in the agency that holds the child's record may change it.
    const rel = county.relationships.find((r) => {
      if (r.kind !== "allocated_worker") return false;
      const u = county.users.find((x) => x.id === r.user_id)!;
      return county.children.find((c) => c.id === r.child_id)!.owning_agency_id === u.agency_id;
    })!;
    const worker = county.users.find((u) => u.id === rel.user_id)!;
    const childId = rel.child_id;

    const first = await start();
    const signIn = await fetch(`${base}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: worker.email, password: "lantern-demo" }),
    });
    expect(signIn.status).toBe(201);
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .find((c) => c.startsWith("lantern_session="))!;
    const session = await (await fetch(`${base}/api/v1/session`, { headers: { cookie } })).json();
    const opened = await fetch(`${base}/api/v1/children/${childId}`, { headers: { cookie } });
    expect(opened.status).toBe(200);
    const patched = await fetch(`${base}/api/v1/children/${childId}`, {
      method: "PATCH",
      headers: {
        cookie,
        "content-type": "application/json",
        "x-csrf-token": session.csrfToken,
        "if-match": opened.headers.get("etag")!,
      },
      body: JSON.stringify({ first_language: "Tigrinya" }),
    });
    expect(patched.status).toBe(200);

    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));

    const second = await start();
    const again = await fetch(`${base}/api/v1/children/${childId}`, { headers: { cookie } });
    expect(again.status).toBe(200);
    expect((await again.json()).child.first_language).toBe("Tigrinya");
    second.kill("SIGTERM");
    await new Promise((r) => second.once("exit", r));
  });
});
