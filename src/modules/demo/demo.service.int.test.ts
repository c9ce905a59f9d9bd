import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { verify } from "@node-rs/argon2";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../../test/integration/db.ts";
import { type App, createApp } from "../../app.ts";
import type { Database } from "../../db/database.ts";
import { migrate } from "../../db/migrator.ts";
import { JobQueue } from "../../jobs/queue.ts";
import { TestClock } from "../../platform/clock.ts";
import { loadConfig } from "../../platform/config.ts";
import { newId } from "../../platform/ids.ts";
import { createLogger } from "../../platform/logger.ts";
import { countsOf, generateCounty } from "./demo.generator.ts";
import {
  DEMO_PASSWORD,
  DemoSeedRefused,
  demoSignInsText,
  KEY_DEMO_USERS,
  seedDemo,
  seedIfEmpty,
} from "./index.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const TABLES = [
  "agencies",
  "users",
  "children",
  "referrals",
  "missing_episodes",
  "persons_of_concern",
  "entities",
  "links",
  "relationships",
] as const;

async function tableCounts(database: Database): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of [...TABLES, "audit_log"]) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(database.db);
    out[t] = r.rows[0].n;
  }
  return out;
}

function appOn(database: Database): App {
  const clock = new TestClock(new Date("2026-11-20T10:00:00Z"));
  return createApp({
    config: loadConfig({ DATA_DIR: ":memory:", LOG_LEVEL: "silent" }),
    database,
    clock,
    logger: createLogger("silent"),
    jobs: new JobQueue(database.db, clock),
  });
}

describe("seedDemo", () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase());
    await migrate(database.db);
  });
  afterAll(async () => {
    await cleanup();
  });

  it("loads 300 children and everything around them in one go, with counts matching the generator", async () => {
    const phases = new Set<string>();
    const counts = await seedDemo(database.db, {
      children: 300,
      seed: 5,
      onProgress: (phase, done, total) => {
        phases.add(phase);
        expect(done).toBeLessThanOrEqual(Math.max(total, 1));
      },
    });
    const expected = countsOf(generateCounty({ children: 300, seed: 5 }));
    expect(counts).toEqual(expected);
    const inDb = await tableCounts(database);
    // Module seed extensions (MACE panels, intelligence) add rows to some of these tables on top of
    // the generator's; every generated row must be there, and the core tables match exactly.
    for (const t of TABLES) expect(inDb[t]).toBeGreaterThanOrEqual(expected[t]);
    for (const t of ["agencies", "users", "children", "referrals", "missing_episodes"] as const)
      expect(inDb[t]).toBe(expected[t]);
    expect(inDb.audit_log).toBe(1);
    for (const p of ["children", "links", "relationships"]) expect(phases.has(p)).toBe(true);

    // Arrays, JSON and timestamps arrive as the right types.
    const ref = await database.db
      .selectFrom("referrals")
      .select(["concern_types", "received_at"])
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(Array.isArray(ref.concern_types)).toBe(true);
    expect(ref.received_at).toBeInstanceOf(Date);
    const ent = await database.db
      .selectFrom("entities")
      .select(["attributes"])
      .where("kind", "=", "location")
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(typeof ent.attributes).toBe("object");
    expect((ent.attributes as { town?: string }).town).toBeTruthy();
  });

  it("shares one password hash that verifies against the demo password", async () => {
    const hashes = await database.db.selectFrom("users").select("password_hash").distinct().execute();
    expect(hashes).toHaveLength(1);
    expect(await verify(hashes[0].password_hash, DEMO_PASSWORD)).toBe(true);
  });

  it("refuses a second seed without replace and changes nothing", async () => {
    const before = await tableCounts(database);
    await expect(seedDemo(database.db, { children: 50, seed: 9 })).rejects.toBeInstanceOf(DemoSeedRefused);
    expect(await tableCounts(database)).toEqual(before);
  });

  it("replaces everything in one transaction when asked, including records added since", async () => {
    // A case note (its rows are never deleted one by one) added while the demo was in use.
    const child = await database.db
      .selectFrom("children")
      .select(["id", "owning_agency_id"])
      .limit(1)
      .executeTakeFirstOrThrow();
    const author = await database.db.selectFrom("users").select("id").limit(1).executeTakeFirstOrThrow();
    await sql`insert into case_notes (id, child_id, agency_id, author_id, occurred_at, text)
      values (${newId()}, ${child.id}, ${child.owning_agency_id}, ${author.id}, now(), 'Visited at home.')`.execute(
      database.db,
    );
    const counts = await seedDemo(database.db, { children: 120, seed: 9, replace: true });
    const inDb = await tableCounts(database);
    for (const t of TABLES) expect(inDb[t]).toBeGreaterThanOrEqual(counts[t]);
    expect(inDb.children).toBe(120);
    const notes = await sql<{ n: number }>`select count(*)::int as n from case_notes`.execute(database.db);
    expect(notes.rows[0].n).toBe(0);
    expect(inDb.audit_log).toBe(2); // the audit log is kept, and records the replacement
    const last = await sql<{ action: string; details: { deleted: Record<string, number> } }>`
      select action, details from audit_log order by id desc limit 1`.execute(database.db);
    expect(last.rows[0].action).toBe("demo.replace");
    expect(last.rows[0].details.deleted.children).toBe(300);
    expect(last.rows[0].details.deleted.case_notes).toBe(1);
  });

  it("refuses to replace a database that holds agencies other than the demo county's", async () => {
    await database.db
      .insertInto("agencies")
      .values({
        id: newId(),
        code: "REAL-1",
        name: "A real agency",
        kind: "police",
        contact_email: null,
        contact_phone: null,
      })
      .execute();
    const before = await tableCounts(database);
    await expect(seedDemo(database.db, { children: 10, seed: 1, replace: true })).rejects.toThrow(
      /other agencies \(REAL-1/,
    );
    expect(await tableCounts(database)).toEqual(before);
    await database.db.deleteFrom("agencies").where("code", "=", "REAL-1").execute();
  });

  it("prints the key demo sign-ins present in the database", async () => {
    const text = await demoSignInsText(appOn(database));
    expect(text).toContain(DEMO_PASSWORD);
    for (const k of KEY_DEMO_USERS) expect(text).toContain(k.email);
    expect(text).toContain("Kestershire Constabulary");
  });
});

describe("seedIfEmpty", () => {
  it("seeds an empty database once, dated from the app clock, and then leaves it alone", async () => {
    const { database, cleanup } = await freshDatabase();
    try {
      await migrate(database.db);
      const app = appOn(database);
      expect(await demoSignInsText(app)).toMatch(/lantern demo seed/);
      await seedIfEmpty(app, { children: 60 });
      const first = await tableCounts(database);
      expect(first.children).toBe(60);
      const latest = await database.db
        .selectFrom("referrals")
        .select((eb) => eb.fn.max("received_at").as("at"))
        .executeTakeFirstOrThrow();
      expect(new Date(latest.at as unknown as string).toISOString().slice(0, 10) <= "2026-11-20").toBe(true);
      await seedIfEmpty(app, { children: 90 });
      expect(await tableCounts(database)).toEqual(first);
    } finally {
      await cleanup();
    }
  });
});

describe("lantern demo seed (CLI)", () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [join(ROOT, "bin", "lantern.js"), "demo", "seed", ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "silent", ...env },
      encoding: "utf8",
      timeout: 120_000,
    });

  it("rejects a bad --children with one line naming the option", () => {
    for (const bad of ["abc", "-5", "1.5"]) {
      const r = run(["--children", bad], { DATA_DIR: "/nonexistent-never-opened" });
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain("--children");
    }
  });

  it("seeds, prints counts and sign-ins, then refuses a second run", async () => {
    const fresh = await freshDatabase({ onDisk: true });
    await fresh.database.close(); // the CLI process owns the database while it runs
    try {
      const ok = run(["--children", "150", "--seed", "3", "--reference-date", "2026-11-01"], fresh.env);
      expect(ok.stderr).not.toMatch(/Error/);
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/children\s+150/);
      expect(ok.stdout).toContain(DEMO_PASSWORD);
      const again = run(["--children", "150"], fresh.env);
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/nothing loaded: the database already has \d+ agencies/);
    } finally {
      await fresh.cleanup();
    }
  });
});
