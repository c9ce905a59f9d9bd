// Start-up in one place: open the database, apply migrations, build the app, seed the demo county
// when the database is empty, serve HTTP and run the in-process worker.
import type { FastifyInstance } from "fastify";
import { type App, createApp } from "./app.ts";
import { openDatabase } from "./db/database.ts";
import { migrate } from "./db/migrator.ts";
import { allRoutes } from "./http/all-routes.ts";
import { buildServer } from "./http/server.ts";
import { registerJobs } from "./jobs/handlers.ts";
import { JobQueue } from "./jobs/queue.ts";
import { Worker } from "./jobs/worker.ts";
import { type Clock, systemClock } from "./platform/clock.ts";
import type { Config } from "./platform/config.ts";
import { createLogger, type Logger } from "./platform/logger.ts";

export type Running = { app: App; server: FastifyInstance; worker: Worker | null; stop(): Promise<void> };

export async function openApp(config: Config, opts: { clock?: Clock; logger?: Logger } = {}): Promise<App> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const clock = opts.clock ?? systemClock;
  const database = await openDatabase(config);
  try {
    const applied = await migrate(database.db);
    if (applied.length) logger.info({ applied }, "migrations applied");
  } catch (e) {
    await database.close();
    throw e;
  }
  return createApp({ config, database, clock, logger, jobs: new JobQueue(database.db, clock) });
}

export async function buildHttp(app: App): Promise<FastifyInstance> {
  return buildServer(app, allRoutes(app));
}

export function buildWorker(app: App): Worker {
  return registerJobs(
    new Worker(app.jobs, app.logger.child({ component: "worker" }), () => app.clock.now()),
    app,
  );
}

export async function startLantern(
  config: Config,
  opts: { clock?: Clock; logger?: Logger; seed?: (app: App) => Promise<void> } = {},
): Promise<Running> {
  const app = await openApp(config, opts);
  try {
    if (opts.seed) await opts.seed(app);
    const server = await buildHttp(app);
    await server.listen({ port: config.PORT, host: config.HOST });
    const worker = config.RUN_WORKER ? buildWorker(app) : null;
    worker?.start();
    return {
      app,
      server,
      worker,
      async stop() {
        await worker?.stop();
        await server.close();
        await app.database.close();
      },
    };
  } catch (e) {
    await app.database.close();
    throw e;
  }
}
