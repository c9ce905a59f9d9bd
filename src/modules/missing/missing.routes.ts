// Missing API (/api/v1): a child's episodes with their return-interview clocks and pattern,
// recording an episode (refused when it ends before it starts or overlaps another), recording the
// return (the reporting agency, If-Match), and placements (addresses only with the placement group).
import { z } from "zod";
import type { App } from "../../app.ts";
import { requireIfMatch, setEtag } from "../../http/etag.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { episodeSchema, idParams, returnSchema } from "./missing.schema.ts";
import { missingForChild, recordEpisode, recordReturn } from "./missing.service.ts";
import { listPlacements } from "./placements.service.ts";

const safeguarding = rolesOnly(...SAFEGUARDING_ROLES);
const ago = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

export function missingRoutes(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/api/v1/children/:id/missing",
      kind: "api",
      summary:
        "A child's missing episodes: times, where found, the 72-hour return-interview clock, and the repeat-missing pattern",
      tags: ["missing"],
      access: safeguarding,
      params: idParams,
      recordPolicy: "child.readContent",
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const r = await missingForChild(app, user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", r.decision.fieldGroups.join(","));
        return {
          pattern: r.pattern,
          episodes: r.episodes.map((e) => ({
            id: e.id,
            kind: e.kind,
            missingFrom: e.missing_from,
            startedAt: e.started_at,
            reportedAt: e.reported_at,
            reportedBy: e.reported_by,
            endedAt: e.ended_at,
            missingNow: !e.ended_at,
            foundLocation: e.found_location,
            foundWith: e.found_with,
            risk: e.risk,
            policeReference: e.police_reference,
            version: e.version,
            returnInterview: {
              clock: { state: e.clock.state, dueAt: e.clock.dueAt, text: e.clock.text },
              outcome: e.outcome,
              interviewer: e.interviewer,
              independent: e.independent,
              offeredAt: e.offered_at ?? e.rhi_offered_at,
              completedAt: e.completed_at ?? e.rhi_completed_at,
              childAccount: e.child_account,
              followUp: e.follow_up,
            },
          })),
        };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/children/:id/missing",
      kind: "api",
      summary:
        "Record a missing episode (refused, with nothing written, when it ends before it starts or overlaps another)",
      tags: ["missing"],
      access: safeguarding,
      params: idParams,
      body: episodeSchema,
      status: 201,
      recordPolicy: "child.addEntry",
      example: (f) => ({
        params: { id: f.childId },
        body: { kind: "missing", startedAt: ago(30 * 24), endedAt: ago(30 * 24 - 5), reportedBy: "Parent" },
      }),
      response: z.object({ id: z.uuid() }),
      handler: async ({ req, reply, user, params, body }) => {
        const r = await recordEpisode(app, user!, actorOf(user!, req), params.id, {
          ...body,
          startedAt: new Date(body.startedAt),
          reportedAt: body.reportedAt ? new Date(body.reportedAt) : null,
          endedAt: body.endedAt ? new Date(body.endedAt) : null,
          idempotencyKey: (req.headers["idempotency-key"] as string | undefined) ?? null,
        });
        if (r.replayed) reply.header("idempotent-replayed", "true");
        setEtag(reply, 1);
        return { id: r.id };
      },
    }),
    defineRoute({
      method: "PATCH",
      url: "/api/v1/missing/:id",
      kind: "api",
      summary:
        "Record that the child was found or returned (the agency that reported the episode; If-Match required)",
      tags: ["missing"],
      access: safeguarding,
      params: idParams,
      body: returnSchema,
      recordPolicy: "entry.ownAgency",
      example: (f) => ({
        params: { id: f.openEpisodeId },
        body: { endedAt: ago(1), foundLocation: "Home" },
        headers: { "if-match": 'W/"v1"' },
      }),
      response: z.object({ version: z.number() }),
      handler: async ({ req, reply, user, params, body }) => {
        const r = await recordReturn(app, user!, actorOf(user!, req), params.id, () => requireIfMatch(req), {
          ...body,
          endedAt: new Date(body.endedAt),
        });
        setEtag(reply, r.version);
        return r;
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/children/:id/placements",
      kind: "api",
      summary:
        "A looked-after child's placements and out-of-area notifications (addresses only with the placement field group)",
      tags: ["missing"],
      access: safeguarding,
      params: idParams,
      recordPolicy: "child.readContent",
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const r = await listPlacements(app, user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", r.decision.fieldGroups.join(","));
        return { placements: r.placements };
      },
    }),
  ];
}
