// Tracker API (/api/v1): the cohort rows (as on the page), joining the cohort, reviews (If-Match)
// and action updates by the owning agency (If-Match).
import { z } from "zod";
import type { App } from "../../app.ts";
import { requireIfMatch, setEtag } from "../../http/etag.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { updateAction } from "./plans.service.ts";
import {
  actionUpdateSchema,
  addToCohortSchema,
  idParams,
  reviewSchema,
  trackerApiQuery,
  trackerRowSchema,
} from "./tracker.schema.ts";
import { addToCohort, listTracker, reviewEntry } from "./tracker.service.ts";
import { trackerQuery } from "./tracker.table.ts";

const safeguarding = rolesOnly(...SAFEGUARDING_ROLES);
const coordinator = rolesOnly("mace_coordinator");
const nextYear = () => `${new Date().getUTCFullYear() + 1}-01-15`;

export function trackerRoutes(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/api/v1/tracker",
      kind: "api",
      summary: "The MACE cohort rows you may see, filtered and sorted as on the tracker page",
      tags: ["tracker"],
      access: safeguarding,
      query: trackerApiQuery,
      response: z.object({ rows: z.array(trackerRowSchema), visible: z.number() }),
      handler: async ({ req, user, query }) => {
        const r = await listTracker(app, user!, actorOf(user!, req), trackerQuery.parse(query));
        return { rows: r.rows, visible: r.visible, summary: r.summary };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/tracker",
      kind: "api",
      summary: "Add a child to the MACE cohort (coordinators; Idempotency-Key header makes retries safe)",
      tags: ["tracker"],
      access: coordinator,
      body: addToCohortSchema,
      status: 201,
      recordPolicy: "cohort.add",
      example: (f) => ({
        body: {
          childId: f.childId,
          reason: "Found twice with adults linked to drug supply in another town.",
          concerns: ["cce", "county_lines"],
          leadAgencyId: f.ownAgencyId,
          riskLevel: "high",
          nextReviewOn: nextYear(),
        },
      }),
      response: z.object({ id: z.uuid() }),
      handler: async ({ req, reply, user, body }) => {
        const r = await addToCohort(app, user!, actorOf(user!, req), {
          ...body,
          idempotencyKey: (req.headers["idempotency-key"] as string | undefined) ?? null,
        });
        if (r.replayed) reply.header("idempotent-replayed", "true");
        setEtag(reply, 1);
        return { id: r.id };
      },
    }),
    defineRoute({
      method: "PATCH",
      url: "/api/v1/tracker/:id",
      kind: "api",
      summary: "Review a cohort entry: risk, trend, lead, next review (coordinators; If-Match required)",
      tags: ["tracker"],
      access: coordinator,
      params: idParams,
      body: reviewSchema,
      recordPolicy: "cohort.manage",
      example: (f) => ({
        params: { id: f.cohortEntryId },
        body: {
          riskLevel: "medium",
          riskTrend: "decreasing",
          leadAgencyId: f.ownAgencyId,
          nextReviewOn: nextYear(),
        },
        headers: { "if-match": 'W/"v1"' },
      }),
      response: z.object({ version: z.number() }),
      handler: async ({ req, reply, user, params, body }) => {
        const r = await reviewEntry(
          app,
          user!,
          actorOf(user!, req),
          params.id,
          () => requireIfMatch(req),
          body,
        );
        setEtag(reply, r.version);
        return r;
      },
    }),
    defineRoute({
      method: "PATCH",
      url: "/api/v1/actions/:id",
      kind: "api",
      summary: "Update an action your agency owns: status and evidence (If-Match required)",
      tags: ["tracker"],
      access: safeguarding,
      params: idParams,
      body: actionUpdateSchema,
      recordPolicy: "entry.ownAgency",
      example: (f) => ({
        params: { id: f.actionId },
        body: { status: "in_progress", note: "Visit booked" },
        headers: { "if-match": 'W/"v1"' },
      }),
      response: z.object({ version: z.number() }),
      handler: async ({ req, reply, user, params, body }) => {
        const r = await updateAction(
          app,
          user!,
          actorOf(user!, req),
          params.id,
          () => requireIfMatch(req),
          body,
        );
        setEtag(reply, r.version);
        return r;
      },
    }),
  ];
}
