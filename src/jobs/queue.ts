// A small PostgreSQL-backed job queue that behaves the same on PGlite and PostgreSQL: jobs are rows,
// claimed with FOR UPDATE SKIP LOCKED, retried with exponential backoff, and their status is
// kept for the jobs page. (The maintained queue libraries need LISTEN/NOTIFY and several
// connections, which embedded PGlite does not give, so this is hand-written and kept small.)
import { hostname } from "node:os";
import { type Kysely, sql } from "kysely";
import type { DB, JobStatus } from "../db/schema.ts";
import type { Clock } from "../platform/clock.ts";

export type JobRow = {
  id: number;
  kind: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
};

export type EnqueueOptions = { runAt?: Date; maxAttempts?: number; dedupeKey?: string };

export const backoffMs = (attempt: number): number => Math.min(2 ** attempt * 1000, 60 * 60_000);

export class JobQueue {
  readonly workerId = `${hostname()}:${process.pid}`;
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  /** Adds a job; with a dedupeKey, a second enqueue of the same key is ignored (returns null). */
  async enqueue(kind: string, payload: unknown = {}, opts: EnqueueOptions = {}): Promise<number | null> {
    const row = await this.db
      .insertInto("jobs")
      .values({
        kind,
        payload: JSON.stringify(payload ?? {}),
        run_at: opts.runAt ?? this.clock.now(),
        max_attempts: opts.maxAttempts ?? 5,
        dedupe_key: opts.dedupeKey ?? null,
        created_at: this.clock.now(),
      })
      .onConflict((oc) => oc.column("dedupe_key").doNothing())
      .returning("id")
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /** Claims the next job that is due, or null. */
  async claim(kinds: readonly string[]): Promise<JobRow | null> {
    if (kinds.length === 0) return null;
    const now = this.clock.now();
    const r = await sql<JobRow>`
      update jobs set status = 'running', attempts = attempts + 1, locked_at = ${now}, locked_by = ${this.workerId}
      where id = (
        select id from jobs
        where status = 'queued' and run_at <= ${now} and kind in (${sql.join(kinds.map((k) => sql`${k}`))})
        order by run_at, id
        for update skip locked
        limit 1)
      returning id, kind, payload, status, attempts, max_attempts, run_at, last_error, created_at, finished_at`.execute(
      this.db,
    );
    return r.rows[0] ?? null;
  }

  async succeed(id: number, result: unknown): Promise<void> {
    await this.db
      .updateTable("jobs")
      .set({
        status: "succeeded",
        result: JSON.stringify(result ?? null),
        finished_at: this.clock.now(),
        locked_at: null,
        locked_by: null,
      })
      .where("id", "=", id)
      .execute();
  }

  /** Records a failure: retried later with backoff, or marked dead after max attempts. */
  async fail(job: JobRow, error: unknown): Promise<"retry" | "dead"> {
    const message = error instanceof Error ? error.message : String(error);
    const dead = job.attempts >= job.max_attempts;
    await this.db
      .updateTable("jobs")
      .set({
        status: dead ? "dead" : "queued",
        last_error: message.slice(0, 2000),
        run_at: new Date(this.clock.now().getTime() + backoffMs(job.attempts)),
        finished_at: dead ? this.clock.now() : null,
        locked_at: null,
        locked_by: null,
      })
      .where("id", "=", job.id)
      .execute();
    return dead ? "dead" : "retry";
  }

  /** Jobs left 'running' by a process that died are put back after `staleMs`. */
  async requeueStale(staleMs = 10 * 60_000): Promise<number> {
    const r = await this.db
      .updateTable("jobs")
      .set({ status: "queued", locked_at: null, locked_by: null })
      .where("status", "=", "running")
      .where("locked_at", "<", new Date(this.clock.now().getTime() - staleMs))
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async get(id: number): Promise<JobRow | undefined> {
    return (await this.db
      .selectFrom("jobs")
      .select([
        "id",
        "kind",
        "payload",
        "status",
        "attempts",
        "max_attempts",
        "run_at",
        "last_error",
        "created_at",
        "finished_at",
      ])
      .where("id", "=", id)
      .executeTakeFirst()) as JobRow | undefined;
  }

  async recent(limit = 50): Promise<JobRow[]> {
    return (await this.db
      .selectFrom("jobs")
      .select([
        "id",
        "kind",
        "payload",
        "status",
        "attempts",
        "max_attempts",
        "run_at",
        "last_error",
        "created_at",
        "finished_at",
      ])
      .orderBy("id", "desc")
      .limit(limit)
      .execute()) as JobRow[];
  }

  async counts(): Promise<Record<JobStatus, number>> {
    const rows = await this.db
      .selectFrom("jobs")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute();
    const out: Record<JobStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, dead: 0 };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }
}
