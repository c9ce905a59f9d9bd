// The application context: configuration, database, clock, logger and services, built once at
// start and handed to routes, pages and jobs.
import type { Kysely } from "kysely";
import type { Database } from "./db/database.ts";
import type { DB } from "./db/schema.ts";
import type { JobQueue } from "./jobs/queue.ts";
import { AccessService } from "./modules/access/access.service.ts";
import { IdentityService } from "./modules/identity/identity.service.ts";
import type { Clock } from "./platform/clock.ts";
import type { Config } from "./platform/config.ts";
import type { Logger } from "./platform/logger.ts";

export type App = {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
  identity: IdentityService;
  access: AccessService;
};

export function createApp(parts: Omit<App, "db" | "identity" | "access">): App {
  const db = parts.database.db;
  return {
    ...parts,
    db,
    identity: new IdentityService(db, parts.clock, {
      idleMinutes: parts.config.SESSION_IDLE_MINUTES,
      absoluteHours: parts.config.SESSION_ABSOLUTE_HOURS,
    }),
    access: new AccessService(db, parts.clock),
  };
}
