// A fresh, empty database for one test file: PGlite in memory by default, or — when DATABASE_URL is
// set — a new uniquely named PostgreSQL database, dropped afterwards, so test files never collide.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/database.ts";

export async function freshDatabase(): Promise<{
  database: Database;
  url?: string;
  cleanup(): Promise<void>;
}> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const database = await openDatabase({ dataDir: ":memory:", DB_POOL_SIZE: 1, DATABASE_URL: undefined });
    return { database, cleanup: () => database.close() };
  }
  const name = `lantern_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ dataDir: ":memory:", DB_POOL_SIZE: 5, DATABASE_URL: url.toString() });
  return {
    database,
    url: url.toString(),
    async cleanup() {
      await database.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
