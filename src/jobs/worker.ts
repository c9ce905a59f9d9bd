// Runs jobs: in-process by default (RUN_WORKER=true), or alone with `lantern worker`.
// Handlers are registered by kind; schedules enqueue a job per time slot (deduplicated, so several
// workers never run the same slot twice).
import type { Logger } from "../platform/logger.ts";
import type { JobQueue, JobRow } from "./queue.ts";

export type JobHandler = (payload: unknown, job: JobRow) => Promise<unknown>;
export type Schedule = { kind: string; everyMs: number };

export class Worker {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly schedules: Schedule[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = true;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly queue: JobQueue,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  handle(kind: string, handler: JobHandler): this {
    this.handlers.set(kind, handler);
    return this;
  }

  every(kind: string, everyMs: number): this {
    this.schedules.push({ kind, everyMs });
    return this;
  }

  /** Runs due jobs until none is left; returns how many ran. Used by the loop and by tests. */
  async drain(max = 100): Promise<number> {
    let n = 0;
    for (; n < max; n++) {
      const job = await this.queue.claim([...this.handlers.keys()]);
      if (!job) break;
      await this.run(job);
    }
    return n;
  }

  private async run(job: JobRow): Promise<void> {
    const handler = this.handlers.get(job.kind);
    const log = this.logger.child({ job: job.id, kind: job.kind, attempt: job.attempts });
    try {
      const result = await handler!(job.payload, job);
      await this.queue.succeed(job.id, result);
      log.info("job succeeded");
    } catch (e) {
      const outcome = await this.queue.fail(job, e);
      log.warn({ err: e, outcome }, "job failed");
    }
  }

  async enqueueSchedules(): Promise<void> {
    const t = this.now().getTime();
    for (const s of this.schedules) {
      const slot = Math.floor(t / s.everyMs);
      await this.queue.enqueue(s.kind, {}, { dedupeKey: `schedule:${s.kind}:${slot}`, maxAttempts: 3 });
    }
  }

  start(pollMs = 1000): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      if (this.running || this.stopped) return;
      this.running = true;
      this.idle = (async () => {
        try {
          await this.queue.requeueStale();
          await this.enqueueSchedules();
          await this.drain();
        } catch (e) {
          this.logger.error({ err: e }, "worker tick failed");
        } finally {
          this.running = false;
        }
      })();
      await this.idle;
      if (!this.stopped) this.timer = setTimeout(tick, pollMs);
    };
    this.timer = setTimeout(tick, 10);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle;
  }
}
