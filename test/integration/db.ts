// A fresh, empty database for one test: PGlite (in memory, or on disk when a separate process such
// as the CLI must open it) by default, or — when DATABASE_URL is set — a new uniquely named
// PostgreSQL database, dropped afterwards, so tests never collide.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/database.ts";

export type Fresh = {
  database: Database;
  url?: string;
  /** Environment for a child process (the CLI) to open the same database once this one is closed. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
};

export async function freshDatabase(opts: { onDisk?: boolean } = {}): Promise<Fresh> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    if (opts.onDisk) {
      const dir = mkdtempSync(join(tmpdir(), "lantern-db-"));
      const database = await openDatabase({ dataDir: dir, DB_POOL_SIZE: 1, DATABASE_URL: undefined });
      let closed = false;
      return {
        database,
        env: { DATA_DIR: dir, DATABASE_URL: "" },
        async cleanup() {
          if (!closed) await database.close().catch(() => {});
          closed = true;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    const database = await openDatabase({ dataDir: ":memory:", DB_POOL_SIZE: 1, DATABASE_URL: undefined });
    return { database, env: {}, cleanup: () => database.close() };
  }
  const name = `lantern_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ dataDir: ":memory:", DB_POOL_SIZE: 5, DATABASE_URL: url.toString() });
  let closed = false;
  return {
    database,
    url: url.toString(),
    env: { DATABASE_URL: url.toString() },
    async cleanup() {
      if (!closed) await database.close().catch(() => {});
      closed = true;
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
