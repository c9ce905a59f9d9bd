// The job queue on a real database: run, retry with backoff, give up, deduplicate, no double claims.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffMs, JobQueue } from "../../src/jobs/queue.ts";
import { Worker } from "../../src/jobs/worker.ts";
import { TestClock } from "../../src/platform/clock.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { type TestApp, testApp } from "./app.ts";

let t: TestApp;
const clock = new TestClock(new Date("2026-11-25T09:00:00Z"));
beforeAll(async () => {
  t = await testApp({ clock });
});
afterAll(async () => {
  await t.close();
});

describe("job queue", () => {
  it("runs a job and records its result", async () => {
    const q = new JobQueue(t.app.db, clock);
    const w = new Worker(q, createLogger("silent"), () => clock.now()).handle("t.echo", async (p) => ({
      got: p,
    }));
    const id = (await q.enqueue("t.echo", { n: 1 }))!;
    expect(await w.drain()).toBe(1);
    const job = await q.get(id);
    expect(job?.status).toBe("succeeded");
  });

  it("retries a failing job with backoff, then marks it dead after max attempts", async () => {
    const q = new JobQueue(t.app.db, clock);
    let calls = 0;
    const w = new Worker(q, createLogger("silent"), () => clock.now()).handle("t.flaky", async () => {
      calls++;
      throw new Error(`boom ${calls}`);
    });
    const id = (await q.enqueue("t.flaky", {}, { maxAttempts: 3 }))!;
    expect(await w.drain()).toBe(1);
    let job = await q.get(id);
    expect(job).toMatchObject({ status: "queued", attempts: 1, last_error: "boom 1" });
    expect(job!.run_at.getTime()).toBe(clock.now().getTime() + backoffMs(1));
    expect(await w.drain()).toBe(0); // not due yet
    clock.advance(backoffMs(1));
    await w.drain();
    clock.advance(backoffMs(2));
    await w.drain();
    job = await q.get(id);
    expect(job).toMatchObject({ status: "dead", attempts: 3, last_error: "boom 3" });
    expect(calls).toBe(3);
  });

  it("a dedupe key enqueues once; schedules enqueue once per slot", async () => {
    const q = new JobQueue(t.app.db, clock);
    expect(await q.enqueue("t.once", {}, { dedupeKey: "k1" })).not.toBeNull();
    expect(await q.enqueue("t.once", {}, { dedupeKey: "k1" })).toBeNull();
    const w = new Worker(q, createLogger("silent"), () => clock.now()).every("t.tick", 60_000);
    await w.enqueueSchedules();
    await w.enqueueSchedules();
    const n = await t.app.db.selectFrom("jobs").where("kind", "=", "t.tick").selectAll().execute();
    expect(n).toHaveLength(1);
  });

  it("concurrent claims never take the same job twice", async () => {
    const q = new JobQueue(t.app.db, clock);
    for (let i = 0; i < 20; i++) await q.enqueue("t.race", { i });
    const claims = await Promise.all(Array.from({ length: 30 }, () => q.claim(["t.race"])));
    const ids = claims.filter((c) => c !== null).map((c) => c!.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });
});
