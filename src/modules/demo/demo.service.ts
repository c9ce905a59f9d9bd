// Loads the synthetic demo county into the database: all rows in ONE transaction (all or nothing),
// in multi-row batches, under the "system" row-level-security scope. Refuses a database that
// already has agencies unless asked to replace it.
import { type Insertable, type Kysely, sql, type Transaction } from "kysely";
import type { App } from "../../app.ts";
import type { DB } from "../../db/schema.ts";
import { londonDate } from "../../platform/clock.ts";
import { audit } from "../audit/index.ts";
import { hashPassword } from "../identity/identity.service.ts";
import { AGENCIES } from "./demo.data.ts";
import {
  type Counts,
  countsOf,
  DEFAULT_REFERENCE_DATE,
  DEMO_PASSWORD,
  generateCounty,
  KEY_DEMO_USERS,
} from "./demo.generator.ts";
import { seedIntelligenceDemo } from "./demo.intelligence.ts";
import { seedLanguageDemo } from "./demo.language.ts";
import { seedReferralsDemo } from "./demo.referrals.ts";
import { seedTrackerDemo } from "./demo.tracker.ts";
import { progressReporter } from "./progress.ts";

export type SeedOptions = {
  children: number;
  seed: number;
  /** YYYY-MM-DD the data is relative to (default 2026-11-01). */
  referenceDate?: string;
  /** Delete what is there first (same transaction). */
  replace?: boolean;
  onProgress?: (phase: string, done: number, total: number) => void;
};

/** The database already holds data and replace was not asked for. */
export class DemoSeedRefused extends Error {}

/** Rows per statement. Each batch travels as ONE bind parameter (a JSON array), far from the 65,535 limit. */
const BATCH_ROWS = 2_000;

/**
 * Columns the generator fills that later migrations add (withdrawal reasons, updated_at …). They
 * are written when the table has them and left out otherwise, so the seeder works on the schema
 * of any migration level. Any other column missing from a table is an error.
 */
const LATER_COLUMNS: Record<string, readonly string[]> = {
  referrals: [
    "withdrawn_reason",
    "withdrawn_by",
    "withdrawn_at",
    "screening_started_at",
    "send_status",
    "disability",
    "looked_after",
    "unknown_child_age",
    "unknown_child_sex",
  ],
  missing_episodes: ["updated_at"],
  persons_of_concern: ["updated_at"],
  entities: ["updated_at"],
};

async function columnsOf(tx: Transaction<DB>, table: string): Promise<Set<string>> {
  const r = await sql<{ column_name: string }>`
    select column_name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table}`.execute(tx);
  return new Set(r.rows.map((x) => x.column_name));
}

/**
 * Multi-row inserts of BATCH_ROWS rows per statement: `insert … select … from
 * json_populate_recordset(null::table, $1)`. PostgreSQL converts each JSON value to the column's
 * type (uuid, date, timestamptz, text[], jsonb, boolean). One JSON parameter per batch is about
 * three times faster on PGlite than 25 bind parameters per row, and works the same on PostgreSQL.
 * Columns left out of the rows (version, …) take their defaults. Every row of a table has the same keys.
 */
async function insertBatched<T extends keyof DB & string>(
  tx: Transaction<DB>,
  table: T,
  phase: string,
  rows: readonly Insertable<DB[T]>[],
  progress: NonNullable<SeedOptions["onProgress"]>,
): Promise<void> {
  progress(phase, 0, rows.length);
  if (rows.length === 0) return;
  const present = await columnsOf(tx, table);
  const keys = Object.keys(rows[0] as object).filter((c) => {
    if (present.has(c)) return true;
    if (LATER_COLUMNS[table]?.includes(c)) return false;
    throw new Error(
      `cannot load the demo county: table ${table} has no column ${c} (are all migrations applied?)`,
    );
  });
  const columns = sql.join(keys.map((c) => sql.ref(c)));
  for (let i = 0; i < rows.length; i += BATCH_ROWS) {
    const batch = JSON.stringify(rows.slice(i, i + BATCH_ROWS));
    await sql`insert into ${sql.table(table)} (${columns})
      select ${columns} from json_populate_recordset(null::${sql.table(table)}, ${batch}::json)`.execute(tx);
    progress(phase, Math.min(i + BATCH_ROWS, rows.length), rows.length);
  }
}

/**
 * Tables to empty before a replace: agencies and every table that refers to it, directly or through
 * other tables. Read from the catalogue, so tables added by later migrations are included. (The
 * audit log has no foreign keys: it is kept.)
 */
async function tablesToClear(tx: Transaction<DB>): Promise<string[]> {
  const edges = await sql<{ child: string; parent: string }>`
    select c.relname as child, p.relname as parent
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_class p on p.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = current_schema()`.execute(tx);
  const found = new Set(["agencies"]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of edges.rows) {
      if (found.has(e.parent) && !found.has(e.child)) {
        found.add(e.child);
        grew = true;
      }
    }
  }
  return [...found].sort();
}

/**
 * Empties a demo database for --replace. Refuses when any agency is not one of the demo county's,
 * so a real partnership's data can never be wiped this way. One TRUNCATE of agencies and every
 * table that refers to it (row-level "never deleted" triggers, e.g. on case notes, are for the
 * application's records; replacing the demo county starts them afresh). The audit log stays and
 * records what was removed.
 */
async function clearExisting(
  tx: Transaction<DB>,
  progress: NonNullable<SeedOptions["onProgress"]>,
): Promise<Record<string, number>> {
  const demoCodes = AGENCIES.map((a) => a.code);
  const foreign = await tx
    .selectFrom("agencies")
    .select(["code", "name"])
    .where("code", "not in", demoCodes)
    .limit(3)
    .execute();
  if (foreign.length) {
    throw new DemoSeedRefused(
      `--replace only replaces the demo county, and this database has other agencies (${foreign.map((a) => `${a.code} ${a.name}`).join("; ")})`,
    );
  }
  const tables = await tablesToClear(tx);
  const deleted: Record<string, number> = {};
  progress("clearing", 0, tables.length + 1);
  for (const [i, t] of tables.entries()) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(tx);
    deleted[t] = r.rows[0].n;
    progress("clearing", i + 1, tables.length + 1);
  }
  await sql`truncate table ${sql.join(tables.map((t) => sql.table(t)))}`.execute(tx);
  progress("clearing", tables.length + 1, tables.length + 1);
  return deleted;
}

const refusal = (agencies: number) =>
  new DemoSeedRefused(
    `the database already has ${agencies} agencies; the demo county is only loaded into an empty database (use --replace to delete everything first)`,
  );

async function agencyCount(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom("agencies")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function seedDemo(db: Kysely<DB>, opts: SeedOptions): Promise<Counts> {
  const progress = opts.onProgress ?? (() => {});
  // Refuse early, before generating anything; checked again under a lock inside the transaction.
  if (!opts.replace) {
    const n = await agencyCount(db);
    if (n > 0) throw refusal(n);
  }
  progress("generating", 0, 1);
  const county = generateCounty({
    children: opts.children,
    seed: opts.seed,
    referenceDate: opts.referenceDate ?? DEFAULT_REFERENCE_DATE,
  });
  progress("generating", 1, 1);
  // Demo only: every demo user has the same published password, so it is hashed once and the
  // hash reused for all of them. Real accounts each get their own hash (and salt).
  progress("hashing password", 0, 1);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  progress("hashing password", 1, 1);

  await db.transaction().execute(async (tx) => {
    // The "system" scope of the row-level-security policies (src/db/rls.ts): where the policies
    // apply (a non-superuser login in production) they admit every row. No SET ROLE: checking a
    // policy that is always true for each of 100,000 rows would only make the load slower.
    await sql`select set_config('lantern.scope', 'system', true)`.execute(tx);
    // Two processes seeding one empty PostgreSQL database at once: the second waits, then refuses.
    await sql`lock table agencies in share row exclusive mode`.execute(tx);
    const existing = await agencyCount(tx);
    let deleted: Record<string, number> | null = null;
    if (existing > 0) {
      if (!opts.replace) throw refusal(existing);
      deleted = await clearExisting(tx, progress);
    }
    await insertBatched(tx, "agencies", "agencies", county.agencies, progress);
    await insertBatched(
      tx,
      "users",
      "users",
      county.users.map((u) => ({ ...u, password_hash: passwordHash })),
      progress,
    );
    await insertBatched(tx, "children", "children", county.children, progress);
    await insertBatched(tx, "referrals", "referrals", county.referrals, progress);
    await insertBatched(tx, "missing_episodes", "missing episodes", county.missing_episodes, progress);
    await insertBatched(tx, "persons_of_concern", "persons of concern", county.persons_of_concern, progress);
    // attributes go in as JSON objects (json → jsonb), not as strings.
    await insertBatched(
      tx,
      "entities",
      "entities",
      county.entities as unknown as Insertable<DB["entities"]>[],
      progress,
    );
    await insertBatched(tx, "links", "links", county.links, progress);
    await seedIntelligenceDemo(tx, county, progress);
    await insertBatched(tx, "relationships", "relationships", county.relationships, progress);
    await seedReferralsDemo(tx, county, progress);
    await seedTrackerDemo(tx, county, progress);
    await seedLanguageDemo(tx, county, progress);
    await audit(tx, {
      userId: null,
      agencyId: null,
      action: deleted ? "demo.replace" : "demo.seed",
      recordType: "demo_county",
      reason: "Synthetic demo data loaded by `lantern demo seed` or first start",
      details: {
        county: county.county,
        seed: county.seed,
        referenceDate: county.referenceDate,
        counts: countsOf(county),
        ...(deleted ? { deleted } : {}),
      },
    });
  });
  return countsOf(county);
}

/** At start: loads the demo county only when there are no agencies yet. */
export async function seedIfEmpty(app: App, opts: { children: number; seed?: number }): Promise<void> {
  if ((await agencyCount(app.db)) > 0) return;
  const seed = opts.seed ?? 1;
  // Dates relative to today (London), so "awaiting screening" and "missing now" are current.
  const referenceDate = londonDate(app.clock.now());
  app.logger.info(
    { children: opts.children, seed, referenceDate },
    "empty database: loading the synthetic demo county",
  );
  const bar = progressReporter(process.stderr);
  const t0 = performance.now();
  try {
    const counts = await seedDemo(app.db, {
      children: opts.children,
      seed,
      referenceDate,
      onProgress: bar.update,
    });
    bar.stop();
    app.logger.info({ counts, ms: Math.round(performance.now() - t0) }, "demo county loaded");
  } catch (e) {
    bar.stop();
    if (e instanceof DemoSeedRefused) {
      app.logger.info("demo county not loaded: another process loaded data first");
      return;
    }
    throw e;
  }
}

/** The start-up banner: the key demo sign-ins present in this database, or how to load them. */
export async function demoSignInsText(app: App): Promise<string> {
  const emails = KEY_DEMO_USERS.map((k) => k.email);
  const rows = await app.db
    .selectFrom("users")
    .innerJoin("agencies", "agencies.id", "users.agency_id")
    .select(["users.email as email", "agencies.name as agency"])
    .where("users.email", "in", emails)
    .where("users.active", "=", true)
    .execute();
  if (rows.length === 0) {
    return "No demo users in this database. To load the synthetic demo county, run: lantern demo seed\n";
  }
  const agencyOf = new Map(rows.map((r) => [r.email, r.agency]));
  const present = KEY_DEMO_USERS.filter((k) => agencyOf.has(k.email));
  const w1 = Math.max(...present.map((k) => k.email.length));
  const w2 = Math.max(...present.map((k) => k.label.length));
  const lines = [
    ...(app.config.NODE_ENV === "production"
      ? [
          "WARNING: this production database holds the synthetic demo county and its shared-password demo users.",
        ]
      : []),
    `Demo sign-ins (synthetic data). Password for every demo user: ${DEMO_PASSWORD}`,
    ...present.map((k) => `  ${k.email.padEnd(w1)}  ${k.label.padEnd(w2)}  ${agencyOf.get(k.email)}`),
  ];
  return `${lines.join("\n")}\n`;
}
