// Record linkage API: start a run, its status, the review queue, decide a pair (If-Match), undo a
// decision, a child's master index entry, and the data-gaps report.
import { z } from "zod";
import type { App } from "../../app.ts";
import { requireIfMatch, setEtag } from "../../http/etag.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { actorOf } from "../access/access.service.ts";
import { fixtureId } from "../imports/imports.schema.ts";
import { DATA_GAPS_ROLES, LINKAGE_ROLES, RUN_ROLES } from "../imports/index.ts";
import { dataGaps } from "./data-gaps.service.ts";
import { idParams, nodeSchema, pairDecisionBody, runBody, runSchema, undoBody } from "./linkage.schema.ts";
import { linkageService, type NodeView } from "./linkage.service.ts";

const tags = ["linkage"];

type RunRow = Awaited<ReturnType<ReturnType<typeof linkageService>["run"]>>;
export const presentRun = (r: RunRow) => ({
  id: r.id,
  reference: r.reference,
  status: r.status,
  phase: r.phase,
  threshold: r.threshold,
  reviewThreshold: r.review_threshold,
  records: r.records,
  children: r.children,
  candidatePairs: r.candidate_pairs,
  autoLinks: r.auto_links,
  reviewPairs: r.review_pairs,
  unmatchedGroups: r.new_groups,
  error: r.error,
});
const presentNode = (n: NodeView) => ({
  kind: n.kind,
  id: n.id,
  label: n.label,
  agency: n.agency,
  source: n.source,
  givenName: n.givenName,
  familyName: n.familyName,
  dateOfBirth: n.dateOfBirth,
  sex: n.sex,
  postcode: n.postcode,
  childReference: n.childReference,
});

export function linkageRoutes(app: App): RouteDef[] {
  const s = linkageService(app);
  return [
    defineRoute({
      method: "POST",
      url: "/api/v1/linkage/runs",
      kind: "api",
      summary: "Start a linkage run (a background job); while one is queued or running, that one is returned",
      tags,
      access: rolesOnly(...RUN_ROLES),
      body: runBody,
      status: 202,
      response: runSchema,
      example: () => ({ body: {} }),
      handler: async ({ req, user, body }) => {
        const r = await s.startRun(user!, actorOf(user!, req), body);
        return presentRun(await s.run(user!, r.id));
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/linkage/runs/:id",
      kind: "api",
      summary: "A linkage run: status, phase, counts",
      tags,
      access: rolesOnly(...RUN_ROLES),
      params: idParams,
      response: runSchema,
      example: (f) => ({ params: { id: fixtureId(f, "linkageRunId") } }),
      handler: async ({ user, params }) => presentRun(await s.run(user!, params.id)),
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/linkage/review",
      kind: "api",
      summary: "The review queue: uncertain pairs and possible duplicate children, strongest first",
      tags,
      access: rolesOnly(...LINKAGE_ROLES),
      response: z.object({
        total: z.number(),
        pairs: z.array(
          z.object({
            id: z.uuid(),
            probability: z.number(),
            reason: z.string().nullable(),
            conflicts: z.array(z.string()),
            left: nodeSchema,
            right: nodeSchema,
          }),
        ),
      }),
      handler: async ({ req, user }) => {
        const q = await s.reviewQueue(user!, actorOf(user!, req));
        return {
          total: q.total,
          pairs: q.pairs.map((p) => ({
            id: p.id,
            probability: p.probability,
            reason: p.reason,
            conflicts: p.conflicts,
            left: presentNode(p.left),
            right: presentNode(p.right),
          })),
        };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/linkage/pairs/:id",
      kind: "api",
      summary: "A candidate pair: both sides, the match probability and its per-field explanation (ETag)",
      tags,
      access: rolesOnly(...LINKAGE_ROLES),
      params: idParams,
      example: (f) => ({ params: { id: fixtureId(f, "linkagePairId") } }),
      handler: async ({ req, reply, user, params }) => {
        const p = await s.pair(user!, actorOf(user!, req), params.id);
        setEtag(reply, p.pair.version);
        return {
          id: p.pair.id,
          status: p.pair.status,
          probability: p.pair.match_probability,
          band: p.pair.band,
          reason: p.pair.reason,
          conflicts: p.pair.conflicts,
          action: p.action,
          left: presentNode(p.left),
          right: presentNode(p.right),
          explanation: p.explanation,
        };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/linkage/pairs/:id/decision",
      kind: "api",
      summary: "Decide a pair: the same child (link, or merge two children) or different children (If-Match)",
      tags,
      access: rolesOnly(...LINKAGE_ROLES),
      params: idParams,
      body: pairDecisionBody,
      response: z.object({ decisionId: z.uuid(), kind: z.string() }),
      example: (f) => ({
        params: { id: fixtureId(f, "linkagePairId") },
        body: { decision: "same" },
        headers: { "if-match": 'W/"v1"' },
      }),
      handler: async ({ req, user, params, body }) =>
        s.decidePair(user!, actorOf(user!, req), params.id, body.decision, requireIfMatch(req), body.reason),
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/linkage/decisions/:id/undo",
      kind: "api",
      summary:
        "Undo a master index decision (a link, merge, split, keep-apart, new child, or a run's automatic links)",
      tags,
      access: rolesOnly(...LINKAGE_ROLES),
      params: idParams,
      body: undoBody,
      response: z.object({ decisionId: z.uuid() }),
      example: (f) => ({ params: { id: fixtureId(f, "linkageDecisionId") }, body: {} }),
      handler: async ({ req, user, params, body }) =>
        s.undo(user!, actorOf(user!, req), params.id, body.reason),
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/master-index/children/:id",
      kind: "api",
      summary: "A child's master index entry: which agencies' records are linked to it (identity fields)",
      tags,
      access: rolesOnly(...LINKAGE_ROLES),
      params: idParams,
      recordPolicy: "child.masterIndex",
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const m = await s.masterIndex(user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", "identity");
        return {
          child: { id: m.child.id, reference: m.child.reference },
          mergedInto: m.mergedInto?.reference ?? null,
          records: m.active.map((l) => ({
            linkId: l.id,
            status: l.status,
            probability: l.match_probability,
            agency: l.agency,
            source: l.source,
            rowKey: l.row_key,
          })),
        };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/data-gaps",
      kind: "api",
      summary:
        "The data-gaps report: completeness by agency and source, conflicts between agencies, duplicate rates",
      tags,
      access: rolesOnly(...DATA_GAPS_ROLES),
      handler: async ({ req, user }) => dataGaps(app, user!, actorOf(user!, req)),
    }),
  ];
}
