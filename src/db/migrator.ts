// Applies the ordered, checked-in SQL files in ./migrations. Each runs in its own transaction with
// its record in schema_migrations: a failing migration rolls back entirely and stops start-up.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Kysely, sql } from "kysely";
import type { DB } from "./schema.ts";

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), "migrations");

export type Migration = { name: string; sql: string; checksum: string };

export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(`migration ${migration} failed and was rolled back: ${(cause as Error).message ?? String(cause)}`);
  }
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), "utf8");
      return { name, sql: text, checksum: createHash("sha256").update(text).digest("hex") };
    });
}

async function ensureTable(db: Kysely<DB>): Promise<void> {
  await sql`create table if not exists schema_migrations (
    name text primary key, checksum text not null, applied_at timestamptz not null default now())`.execute(
    db,
  );
}

export async function pendingMigrations(db: Kysely<DB>, dir = MIGRATIONS_DIR): Promise<Migration[]> {
  await ensureTable(db);
  const applied = await db.selectFrom("schema_migrations").select(["name", "checksum"]).execute();
  const done = new Map(applied.map((r) => [r.name, r.checksum]));
  const all = listMigrations(dir);
  for (const m of all) {
    const sum = done.get(m.name);
    if (sum && sum !== m.checksum) {
      throw new MigrationError(
        m.name,
        new Error("it was changed after it was applied; add a new migration instead"),
      );
    }
  }
  return all.filter((m) => !done.has(m.name));
}

/** Applies pending migrations; returns the names applied. Concurrent migrators wait on an advisory lock. */
export async function migrate(
  db: Kysely<DB>,
  opts: { dir?: string; onApplied?: (name: string) => void } = {},
): Promise<string[]> {
  await ensureTable(db);
  const appliedNow: string[] = [];
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(7305201)`.execute(conn);
    try {
      for (const m of await pendingMigrations(conn, opts.dir)) {
        try {
          await conn.transaction().execute(async (tx) => {
            await sql.raw(m.sql).execute(tx);
            await tx.insertInto("schema_migrations").values({ name: m.name, checksum: m.checksum }).execute();
          });
        } catch (e) {
          throw new MigrationError(m.name, e);
        }
        appliedNow.push(m.name);
        opts.onApplied?.(m.name);
      }
    } finally {
      await sql`select pg_advisory_unlock(7305201)`.execute(conn);
    }
  });
  return appliedNow;
}
