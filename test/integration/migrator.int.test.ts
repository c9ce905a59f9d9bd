// Migrations: ordered, each in a transaction; a failing one rolls back completely.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { MigrationError, migrate, pendingMigrations } from "../../src/db/migrator.ts";
import { freshDatabase } from "./db.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const tableExists = async (db: Parameters<typeof migrate>[0], name: string) =>
  (
    await sql<{
      n: number;
    }>`select count(*)::int as n from information_schema.tables where table_name = ${name}`.execute(db)
  ).rows[0].n > 0;

describe("migrator", () => {
  it("a failing migration rolls back entirely and the ones before it stay applied", async () => {
    const { database, cleanup } = await freshDatabase();
    cleanups.push(cleanup);
    const dir = mkdtempSync(join(tmpdir(), "lantern-mig-"));
    writeFileSync(join(dir, "0001_ok.sql"), "create table mig_ok (id int primary key);");
    writeFileSync(
      join(dir, "0002_bad.sql"),
      "create table mig_half (id int);\ninsert into mig_ok values (1);\nselect * from no_such_table;",
    );
    await expect(migrate(database.db, { dir })).rejects.toBeInstanceOf(MigrationError);
    await expect(migrate(database.db, { dir })).rejects.toThrow(/0002_bad\.sql failed and was rolled back/);
    expect(await tableExists(database.db, "mig_ok")).toBe(true);
    expect(await tableExists(database.db, "mig_half")).toBe(false);
    const rows = await sql<{ n: number }>`select count(*)::int as n from mig_ok`.execute(database.db);
    expect(rows.rows[0].n).toBe(0);
    expect((await pendingMigrations(database.db, dir)).map((m) => m.name)).toEqual(["0002_bad.sql"]);
  });

  it("the real migrations apply once and then nothing is pending; an edited migration is refused", async () => {
    const { database, cleanup } = await freshDatabase();
    cleanups.push(cleanup);
    const first = await migrate(database.db);
    expect(first.length).toBeGreaterThan(1);
    expect(await migrate(database.db)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), "lantern-mig-"));
    writeFileSync(join(dir, "0001_foundation.sql"), "-- changed after it was applied\nselect 1;");
    await expect(pendingMigrations(database.db, dir)).rejects.toThrow(/changed after it was applied/);
  });
});
