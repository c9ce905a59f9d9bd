// The one way to open Lantern's database: PostgreSQL when DATABASE_URL is set, otherwise embedded
// PGlite in DATA_DIR/pglite. Both are driven through Kysely's PostgresDialect.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Kysely, PostgresDialect, sql } from "kysely";
import type { Config } from "../platform/config.ts";
import { describeDatabase } from "../platform/config.ts";
import { PGlitePool } from "./pglite-pool.ts";
import type { DB } from "./schema.ts";

export type Database = {
  db: Kysely<DB>;
  kind: "pglite" | "postgres";
  describe: string;
  close(): Promise<void>;
};

export class DatabaseUnavailable extends Error {}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

function claimDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lock = join(dataDir, "lantern.pid");
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, "utf8").trim());
    let alive = false;
    if (pid && pid !== process.pid) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch {
        alive = false;
      }
    }
    if (alive) {
      throw new DatabaseUnavailable(
        `the embedded database in ${dataDir} is in use by process ${pid}; one process owns it (stop that one, or set DATA_DIR)`,
      );
    }
    rmSync(lock, { force: true });
  }
  const fd = openSync(lock, "wx");
  writeSync(fd, String(process.pid));
  closeSync(fd);
  return () => rmSync(lock, { force: true });
}

export async function openDatabase(
  config: Pick<Config, "DATABASE_URL" | "dataDir" | "DB_POOL_SIZE">,
): Promise<Database> {
  const describe = describeDatabase(config);
  if (config.DATABASE_URL) {
    const pg = await import("pg");
    const { Pool, types } = pg.default;
    types.setTypeParser(INT8, (v: string) => Number(v));
    types.setTypeParser(NUMERIC, (v: string) => Number(v));
    types.setTypeParser(DATE, (v: string) => v);
    const pool = new Pool({
      connectionString: config.DATABASE_URL,
      max: config.DB_POOL_SIZE,
      connectionTimeoutMillis: 5000,
    });
    pool.on("error", () => {
      /* idle client errors are surfaced on the next query */
    });
    try {
      const c = await pool.connect();
      c.release();
    } catch (e) {
      await pool.end().catch(() => {});
      throw new DatabaseUnavailable(`cannot reach ${describe}: ${reason(e)}`);
    }
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: "postgres", describe, close: () => db.destroy() };
  }

  const inMemory = config.dataDir === ":memory:";
  const release = inMemory ? () => {} : claimDataDir(config.dataDir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const pg = await PGlite.create({
      dataDir: inMemory ? undefined : join(config.dataDir, "pglite"),
      relaxedDurability: false,
      parsers: {
        [INT8]: (v: string) => Number(v),
        [NUMERIC]: (v: string) => Number(v),
        [DATE]: (v: string) => v,
      },
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new PGlitePool(pg) }) });
    return {
      db,
      kind: "pglite",
      describe,
      close: async () => {
        await db.destroy();
        release();
      },
    };
  } catch (e) {
    release();
    if (e instanceof DatabaseUnavailable) throw e;
    throw new DatabaseUnavailable(`cannot open ${describe}: ${reason(e)}`);
  }
}

function reason(e: unknown): string {
  const err = e as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = err.code ?? err.errors?.[0]?.code;
  if (code === "ECONNREFUSED") return "connection refused (is the server running?)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "ETIMEDOUT") return "connection timed out";
  if (code === "3D000") return "database does not exist";
  if (code === "28P01" || code === "28000") return "authentication failed";
  const msg = (err.message ?? String(e)).split("\n")[0];
  return msg || code || "unknown error";
}

export async function ping(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}
