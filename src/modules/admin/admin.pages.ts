// Administration: background job status (the job queue is shared by web and worker processes).
import { z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";

const STATUS_TAG: Record<string, string> = {
  queued: "govuk-tag--blue",
  running: "govuk-tag--yellow",
  succeeded: "govuk-tag--green",
  failed: "govuk-tag--orange",
  dead: "govuk-tag--red",
};

export function adminPages(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/admin/jobs",
      kind: "page",
      summary: "Background jobs: what is queued, running, done or failed",
      access: rolesOnly("admin"),
      handler: async ({ reply }) => {
        const [counts, jobs] = await Promise.all([app.jobs.counts(), app.jobs.recent(100)]);
        return reply.page("admin/views/jobs.njk", {
          title: "Background jobs",
          counts,
          jobs: jobs.map((j) => ({ ...j, tag: STATUS_TAG[j.status] ?? "" })),
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/jobs",
      kind: "api",
      summary: "Background job status",
      tags: ["admin"],
      access: rolesOnly("admin"),
      response: z.object({
        counts: z.record(z.string(), z.number()),
        jobs: z.array(
          z.object({
            id: z.number(),
            kind: z.string(),
            status: z.string(),
            attempts: z.number(),
            lastError: z.string().nullable(),
            runAt: z.string(),
          }),
        ),
      }),
      handler: async () => {
        const [counts, jobs] = await Promise.all([app.jobs.counts(), app.jobs.recent(100)]);
        return {
          counts,
          jobs: jobs.map((j) => ({
            id: j.id,
            kind: j.kind,
            status: j.status,
            attempts: j.attempts,
            lastError: j.last_error,
            runAt: j.run_at.toISOString(),
          })),
        };
      },
    }),
  ];
}
