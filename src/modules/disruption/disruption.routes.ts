// Disruption API (/api/v1/disruptions): record, read, change (If-Match), breaches, counts.
import type { FastifyReply } from "fastify";
import { z } from "zod";
import type { App } from "../../app.ts";
import { requireIfMatch, setEtag } from "../../http/etag.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { actorOf } from "../access/access.service.ts";
import { INTEL_VIEW_ROLES } from "../intelligence/index.ts";
import { breachInput, disruptionInput, disruptionUpdate, listQuery } from "./disruption.schema.ts";
import type { DisruptionService } from "./disruption.service.ts";

export const DISRUPTION_ROLES = INTEL_VIEW_ROLES;
const roles = rolesOnly(...DISRUPTION_ROLES);
const idParams = z.object({ id: z.uuid({ message: "must be a disruption id" }) });
/** 201 for a new record; a replayed Idempotency-Key answers 200 with the same record. */
const created = (reply: FastifyReply, r: { created: boolean }) => {
  if (r.created) return r;
  reply.code(200).send(r);
  return reply;
};
const idem = (h: unknown) => (typeof h === "string" && h.length <= 200 ? h : undefined);

const countRow = z.object({
  tactic: z.string(),
  label: z.string(),
  total: z.number(),
  sought: z.number(),
  in_force: z.number(),
  expiring: z.number(),
  expired: z.number(),
  ended: z.number(),
  refused: z.number(),
  breached: z.number().describe("Disruptions with at least one breach"),
  breaches: z.number(),
});

export function disruptionRoutes(_app: App, s: DisruptionService): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/api/v1/disruptions",
      kind: "api",
      summary: "Disruptions you may see (optionally for one subject; open, expiring or expired)",
      tags: ["disruption"],
      access: roles,
      query: listQuery,
      handler: async ({ req, user, query }) => ({
        disruptions: await s.list(user!, actorOf(user!, req), {
          subject: query.subject,
          status: query.status,
        }),
      }),
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/disruptions/counts",
      kind: "api",
      summary:
        "Counts for reporting: by tactic, sought, in force, expiring in 28 days, expired, ended, breached",
      tags: ["disruption"],
      access: roles,
      response: z.object({
        asOf: z.string(),
        warnDays: z.number(),
        tactics: z.array(countRow),
        total: countRow.omit({ tactic: true, label: true }),
      }),
      handler: async ({ req, user }) => s.counts(user!, actorOf(user!, req)),
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/disruptions",
      kind: "api",
      summary:
        "Record a disruption tactic against a person, place or business (or an NRM referral for a child)",
      tags: ["disruption"],
      access: roles,
      body: disruptionInput,
      status: 201,
      example: (f) => ({
        body: {
          tactic: "cawn",
          subject: `person:${f.personId}`,
          status: "in_force",
          starts_on: "2026-01-10",
          expires_on: "2027-01-09",
          conditions: "Not to contact or be with the named child",
        },
      }),
      handler: async ({ req, reply, user, body }) => {
        const r = await s.record(user!, actorOf(user!, req), body, idem(req.headers["idempotency-key"]));
        return created(reply, r);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/disruptions/:id",
      kind: "api",
      summary: "One disruption with its breaches and expiry warnings",
      tags: ["disruption"],
      access: roles,
      params: idParams,
      example: (f) => ({ params: { id: f.disruptionId ?? f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const r = await s.get(user!, actorOf(user!, req), params.id);
        setEtag(reply, r.disruption.version);
        return r;
      },
    }),
    defineRoute({
      method: "PATCH",
      url: "/api/v1/disruptions/:id",
      kind: "api",
      summary:
        "Change a disruption: status, expiry, conditions, outcome (the recording agency; If-Match required)",
      tags: ["disruption"],
      access: roles,
      params: idParams,
      body: disruptionUpdate,
      example: (f) => ({
        params: { id: f.disruptionId ?? f.childId },
        body: { outcome: "Complied so far" },
        headers: { "if-match": 'W/"v1"' },
      }),
      handler: async ({ req, reply, user, params, body }) => {
        const r = await s.update(user!, actorOf(user!, req), params.id, () => requireIfMatch(req), body);
        setEtag(reply, r.version);
        return r;
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/disruptions/:id/breaches",
      kind: "api",
      summary: "Record a breach (any agency, as its own entry)",
      tags: ["disruption"],
      access: roles,
      params: idParams,
      body: breachInput,
      status: 201,
      example: (f) => ({
        params: { id: f.disruptionId ?? f.childId },
        body: {
          occurred_on: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
          description: "Seen with the child outside school",
        },
      }),
      handler: async ({ req, reply, user, params, body }) => {
        const r = await s.addBreach(
          user!,
          actorOf(user!, req),
          params.id,
          body,
          idem(req.headers["idempotency-key"]),
        );
        return created(reply, r);
      },
    }),
  ];
}
