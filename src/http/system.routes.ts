// Liveness and readiness for load balancers and orchestrators.
import { z } from "zod";
import type { App } from "../app.ts";
import { ping } from "../db/database.ts";
import { pendingMigrations } from "../db/migrator.ts";
import { defineRoute, PUBLIC, type RouteDef } from "./routes.ts";

export function systemRoutes(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/healthz",
      kind: "system",
      summary: "Liveness: the process is up",
      tags: ["system"],
      access: PUBLIC,
      response: z.object({ status: z.literal("ok") }),
      handler: () => ({ status: "ok" as const }),
    }),
    defineRoute({
      method: "GET",
      url: "/readyz",
      kind: "system",
      summary: "Readiness: the database answers and every migration is applied",
      tags: ["system"],
      access: PUBLIC,
      response: z.object({
        status: z.enum(["ready", "not_ready"]),
        database: z.string(),
        pendingMigrations: z.array(z.string()),
      }),
      handler: async ({ reply }) => {
        try {
          await ping(app.db);
          const pending = (await pendingMigrations(app.db)).map((m) => m.name);
          if (pending.length) reply.code(503);
          return {
            status: pending.length ? "not_ready" : "ready",
            database: app.database.kind,
            pendingMigrations: pending,
          };
        } catch {
          reply.code(503);
          return { status: "not_ready", database: app.database.kind, pendingMigrations: [] };
        }
      },
    }),
  ];
}
