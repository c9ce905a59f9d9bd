// Risk assessment API under /api/v1: the current tool definition, a child's assessments and
// trajectory, completing an assessment in one request (Idempotency-Key), one assessment.
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app.ts";
import { setEtag } from "../../http/etag.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { Invalid } from "../../platform/errors.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { childIdParams } from "../people/people.schema.ts";
import {
  assessmentIdParams,
  assessmentView,
  completeAssessmentSchema,
  trajectorySchema,
} from "./assessments.schema.ts";
import { assessmentService } from "./assessments.service.ts";
import { allIndicators, CURRENT_TOOL } from "./tool.ts";

const safeguarding = rolesOnly(...SAFEGUARDING_ROLES);

function key(req: FastifyRequest): string | undefined {
  const raw = req.headers["idempotency-key"];
  if (raw === undefined) return undefined;
  const k = String(raw).trim();
  if (!/^[A-Za-z0-9._:-]{8,200}$/.test(k))
    throw new Invalid("The Idempotency-Key header must be 8 to 200 letters, digits or . _ : -", [
      { field: "Idempotency-Key", message: "must be 8 to 200 letters, digits or . _ : -" },
    ]);
  return k;
}

/** A complete, valid assessment body (used by the API's example and tests). */
export function exampleAssessment(
  reviewDueOn: string,
  yes: string[] = ["missing_recent", "multiple_phones", "debt"],
) {
  return {
    answers: Object.fromEntries(
      allIndicators(CURRENT_TOOL).map((i) => [i.code, yes.includes(i.code) ? "yes" : "no"]),
    ),
    childView:
      "He said he wants the adults to leave him alone and would like to talk to the youth worker he knows.",
    reviewDueOn,
    cinFactors: ["10A", "24A"],
  };
}

export function assessmentRoutes(app: App): RouteDef[] {
  const svc = assessmentService(app);
  return [
    defineRoute({
      method: "GET",
      url: "/api/v1/assessment-tools/current",
      kind: "api",
      summary:
        "The current exploitation risk assessment tool: sections, indicators, weights, thresholds (versioned)",
      tags: ["assessments"],
      access: safeguarding,
      response: z.object({ code: z.string(), version: z.number(), name: z.string() }).loose(),
      handler: () => CURRENT_TOOL,
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/children/:id/assessments",
      kind: "api",
      summary: "A child's completed risk assessments and their trajectory over time",
      tags: ["assessments"],
      access: safeguarding,
      params: childIdParams,
      recordPolicy: "child.readContent",
      response: trajectorySchema,
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const r = await svc.forChild(user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", r.decision.fieldGroups.join(","));
        return {
          points: [...r.assessments].reverse().map((a) => ({
            id: a.id,
            reference: a.reference,
            completedAt: a.completed_at!.toISOString(),
            score: a.score!,
            computedLevel: a.computed_level!,
            finalLevel: a.final_level!,
          })),
          description: r.trajectory.description,
        };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/children/:id/assessments",
      kind: "api",
      summary:
        "Complete a risk assessment for a child in one request (every question answered; Idempotency-Key)",
      description:
        "Answers are yes, no or not_known for every indicator of the current tool. The response gives the score, the level and the explanation. A different level in judgement.level needs judgement.reason.",
      tags: ["assessments"],
      access: safeguarding,
      params: childIdParams,
      body: completeAssessmentSchema,
      status: 201,
      recordPolicy: "child.addEntry",
      response: assessmentView,
      example: (f) => ({
        params: { id: f.childId },
        body: exampleAssessment(new Date(Date.now() + 28 * 86_400_000).toISOString().slice(0, 10)),
      }),
      handler: async ({ req, reply, user, params, body }) => {
        const r = await svc.completeDirect(user!, actorOf(user!, req), params.id, body, key(req));
        reply.header("location", `/api/v1/assessments/${r.id}`);
        const out = present(await svc.view(user!, actorOf(user!, req), r.id));
        if (r.replayed) return reply.code(200).send(out);
        return out;
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/assessments/:id",
      kind: "api",
      summary:
        "One risk assessment: score, level, explanation and answers (only the sections your field groups allow)",
      tags: ["assessments"],
      access: safeguarding,
      params: assessmentIdParams,
      recordPolicy: "child.readContent",
      response: assessmentView,
      example: (f) => ({ params: { id: f.assessmentId } }),
      handler: async ({ req, reply, user, params }) => {
        const v = await svc.view(user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", v.decision.fieldGroups.join(","));
        setEtag(reply, v.row.version);
        return present(v);
      },
    }),
  ];
}

function present(v: Awaited<ReturnType<ReturnType<typeof assessmentService>["view"]>>) {
  const r = v.row;
  return {
    id: r.id,
    reference: r.reference,
    childId: r.child_id,
    status: r.status,
    tool: { code: r.tool_code, version: r.tool_version },
    score: r.score,
    computedLevel: r.computed_level,
    finalLevel: r.final_level,
    overrideReason: r.override_reason,
    explanation: v.explanation
      ? {
          summary: v.explanation.summary,
          drivers: v.explanation.drivers,
          protective: v.explanation.protective,
          floor: v.explanation.floor,
          notKnown: v.explanation.notKnown.length,
        }
      : null,
    answers: v.answers,
    hiddenSections: v.hiddenSections,
    cinFactors: r.cin_factors,
    childView: r.child_view,
    reviewDueOn: r.review_due_on,
    completedAt: r.completed_at ? r.completed_at.toISOString() : null,
    assessor: v.author ? `${v.author.name}, ${v.author.agency}` : "",
    version: r.version,
  };
}
