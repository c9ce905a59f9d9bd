// Risk assessment pages: a child's assessments and trajectory, the task list of a draft, one page
// per section, "Check your answers" with the score, explanation and professional judgement, and a
// completed assessment with its explanation and the child's trajectory.
import type { FastifyReply } from "fastify";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";

import { AppError, Invalid } from "../../platform/errors.ts";
import { FIELD_GROUP_LABELS } from "../access/access.policy.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { childIdParams } from "../people/people.schema.ts";
import { errorsFor } from "../referrals/referrals.present.ts";
import { assessmentIdParams, sectionParams } from "./assessments.schema.ts";
import { assessmentService } from "./assessments.service.ts";
import type { Level } from "./assessments.tables.ts";
import {
  ANSWER_LABELS,
  ANSWERS,
  allIndicators,
  allSections,
  CIN_FACTORS,
  CURRENT_TOOL,
  LEVEL_LABELS,
  LEVEL_TAG,
  LEVELS,
} from "./tool.ts";

const safeguarding = rolesOnly(...SAFEGUARDING_ROLES);
type Form = Record<string, string | string[] | undefined>;
const text = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) ? String(v[0] ?? "") : "");
const list = (v: unknown) =>
  Array.isArray(v) ? v.map(String) : typeof v === "string" && v ? v.split(",") : [];

const levelInfo = {
  labels: LEVEL_LABELS,
  tags: LEVEL_TAG,
  answers: ANSWER_LABELS,
  fieldGroups: FIELD_GROUP_LABELS,
};

export function assessmentPages(app: App): RouteDef[] {
  const svc = assessmentService(app);

  async function renderSection(
    reply: FastifyReply,
    req: import("fastify").FastifyRequest,
    id: string,
    section: string,
    submitted?: { answers: Record<string, string>; note: string; childView: string },
    fields: { field: string; message: string }[] = [],
    status = 200,
  ) {
    const u = req.user!;
    const p = await svc.preview(u, actorOf(u, req), id);
    const sections = allSections(p.tool);
    const idx = section === "voice" ? sections.length : sections.findIndex((s) => s.code === section);
    const s = sections[idx];
    const answers = submitted?.answers ?? ((p.row.answers ?? {}) as Record<string, string>);
    const notes = (p.row.notes ?? {}) as Record<string, string>;
    const questions = s
      ? s.indicators.map((i) => ({
          code: i.code,
          text: i.text,
          critical: Boolean(i.critical),
          items: ANSWERS.map((a) => ({ value: a, text: ANSWER_LABELS[a], checked: answers[i.code] === a })),
        }))
      : [];
    return reply.page(
      "assessments/views/section.njk",
      {
        title: s ? s.title : "The child's view",
        id,
        section,
        s,
        questions,
        note: submitted?.note ?? notes[section] ?? "",
        childView: submitted?.childView ?? p.row.child_view ?? "",
        childName: p.childName,
        position: `Section ${Math.min(idx + 1, sections.length + 1)} of ${sections.length + 1}`,
        nextLabel: idx < sections.length ? "Save and continue" : "Save and check your answers",
        fieldGroupLabel: s ? FIELD_GROUP_LABELS[s.fieldGroup] : null,
        ...errorsFor(fields),
      },
      status,
    );
  }

  async function renderCheck(
    reply: FastifyReply,
    req: import("fastify").FastifyRequest,
    id: string,
    values: {
      level?: string;
      reason?: string;
      reviewDueOn?: string;
      cinFactors?: string[];
      agree?: string;
    } | null,
    fields: { field: string; message: string }[] = [],
    status = 200,
  ) {
    const u = req.user!;
    const p = await svc.preview(u, actorOf(u, req), id);
    const suggested = new Set(p.suggestedCin.map((c) => c.code));
    const chosen = new Set(values?.cinFactors ?? p.suggestedCin.map((c) => c.code));
    const answers = (p.row.answers ?? {}) as Record<string, string>;
    return reply.page(
      "assessments/views/check.njk",
      {
        title: "Check the assessment and record your judgement",
        id,
        row: p.row,
        tool: p.tool,
        childName: p.childName,
        explanation: p.explanation,
        sections: p.sections,
        complete: p.complete,
        answersBySection: allSections(p.tool).map((s) => ({
          code: s.code,
          title: s.title,
          rows: s.indicators.map((i) => ({
            text: i.text,
            answer: answers[i.code] ? ANSWER_LABELS[answers[i.code] as "yes"] : "Not answered",
          })),
        })),
        info: levelInfo,
        values: {
          agree: values?.agree ?? "yes",
          level: values?.level ?? "",
          reason: values?.reason ?? "",
          reviewDueOn: values?.reviewDueOn ?? p.defaultReview,
        },
        levelItems: LEVELS.filter((l) => l !== p.explanation.level).map((l) => ({
          value: l,
          text: LEVEL_LABELS[l],
          selected: values?.level === l,
        })),
        cinItems: CIN_FACTORS.map((c) => ({
          value: c.code,
          text: `${c.code}: ${c.text}`,
          checked: chosen.has(c.code),
          hint: suggested.has(c.code)
            ? { text: `Suggested: ${p.suggestedCin.find((x) => x.code === c.code)!.because}` }
            : undefined,
        })),
        ...errorsFor(fields, (f) =>
          f.startsWith("section-") ? `/assessments/${id}/sections/${f.slice(8)}` : `#${f}`,
        ),
      },
      status,
    );
  }

  return [
    defineRoute({
      method: "GET",
      url: "/children/:id/assessments",
      kind: "page",
      summary: "A child's risk assessments and trajectory",
      access: safeguarding,
      params: childIdParams,
      recordPolicy: "child.readContent",
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const r = await svc.forChild(user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", r.decision.fieldGroups.join(","));
        return reply.page("assessments/views/list.njk", {
          ...r,
          childId: params.id,
          title: `Risk assessments: ${r.childName}`,
          info: levelInfo,
          canAssess: r.decision.addEntries,
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/children/:id/assessments",
      kind: "page",
      summary: "Start a risk assessment for a child",
      access: safeguarding,
      params: childIdParams,
      recordPolicy: "child.addEntry",
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Form;
        const referralId = /^[0-9a-f-]{36}$/.test(text(form.referralId)) ? text(form.referralId) : undefined;
        const id = await svc.start(user!, actorOf(user!, req), params.id, referralId);
        return reply.redirect(`/assessments/${id}`, 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/assessments/:id",
      kind: "page",
      summary: "A risk assessment: its result and explanation, or the task list while it is a draft",
      access: safeguarding,
      params: assessmentIdParams,
      recordPolicy: "child.readContent",
      example: (f) => ({ params: { id: f.assessmentId } }),
      handler: async ({ req, reply, user, params }) => {
        const v = await svc.view(user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", v.decision.fieldGroups.join(","));
        if (v.row.status === "draft") {
          if (v.row.author_id !== user!.id || !v.decision.addEntries)
            return reply.page("assessments/views/draft-other.njk", {
              title: "Risk assessment in progress",
              author: v.author,
              childId: v.row.child_id,
              childName: v.childName,
            });
          const p = await svc.preview(user!, actorOf(user!, req), params.id);
          return reply.page("assessments/views/tasks.njk", {
            title: "Exploitation risk assessment",
            id: params.id,
            childName: p.childName,
            childId: p.row.child_id,
            tool: p.tool,
            sections: p.sections,
            taskItems: p.sections.map((s) => ({
              title: { text: s.title },
              href: `/assessments/${params.id}/sections/${s.code}`,
              status: s.done
                ? { text: "Completed" }
                : s.started
                  ? { tag: { text: "Incomplete", classes: "govuk-tag--light-blue" } }
                  : { tag: { text: "Not yet started", classes: "govuk-tag--blue" } },
            })),
            voiceDone: Boolean(p.row.child_view),
            complete: p.complete,
            answered: Object.keys((p.row.answers ?? {}) as object).length,
            total: allIndicators(p.tool).length,
          });
        }
        const answers = v.answers as Record<string, string>;
        return reply.page("assessments/views/assessment.njk", {
          ...v,
          title: `Risk assessment ${v.row.reference}`,
          info: levelInfo,
          completed: (req.query as Record<string, string>).completed === "1",
          cin: CIN_FACTORS.filter((c) => v.row.cin_factors.includes(c.code)),
          answersBySection: allSections(v.tool)
            .filter((s) => v.decision.fieldGroups.includes(s.fieldGroup))
            .map((s) => ({
              title: s.title,
              note: (v.notes as Record<string, string>)[s.code] ?? null,
              rows: s.indicators.map((i) => ({
                text: i.text,
                answer: answers[i.code] ? ANSWER_LABELS[answers[i.code] as "yes"] : "Not answered",
                yes: answers[i.code] === "yes",
              })),
            })),
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/assessments/:id/sections/:section",
      kind: "page",
      summary: "One section of a draft risk assessment",
      access: safeguarding,
      params: sectionParams,
      recordPolicy: "child.addEntry",
      example: (f) => ({ params: { id: f.assessmentDraftId, section: "missing" } }),
      handler: async ({ req, reply, params }) => renderSection(reply, req, params.id, params.section),
    }),
    defineRoute({
      method: "POST",
      url: "/assessments/:id/sections/:section",
      kind: "page",
      summary: "Save one section of a draft risk assessment",
      access: safeguarding,
      params: sectionParams,
      recordPolicy: "child.addEntry",
      example: (f) => ({
        params: { id: f.assessmentDraftId, section: "phones" },
        form: {
          multiple_phones: "yes",
          contacted_all_hours: "not_known",
          note: "Two phones found when he was stopped.",
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Form;
        const answers = Object.fromEntries(
          Object.entries(form)
            .filter(([k]) => !["_csrf", "note", "childView"].includes(k))
            .map(([k, v]) => [k, text(v)]),
        );
        try {
          await svc.saveSection(user!, actorOf(user!, req), params.id, params.section, {
            answers,
            note: text(form.note),
            childView: text(form.childView),
          });
        } catch (e) {
          if (e instanceof Invalid)
            return renderSection(
              reply,
              req,
              params.id,
              params.section,
              { answers, note: text(form.note), childView: text(form.childView) },
              e.fields,
              400,
            );
          throw e;
        }
        const codes = [...allSections(CURRENT_TOOL).map((s) => s.code), "voice"];
        const next = codes[codes.indexOf(params.section) + 1];
        return reply.redirect(
          next ? `/assessments/${params.id}/sections/${next}` : `/assessments/${params.id}/check`,
          303,
        );
      },
    }),
    defineRoute({
      method: "GET",
      url: "/assessments/:id/check",
      kind: "page",
      summary: "Check a risk assessment: score, level, explanation, professional judgement",
      access: safeguarding,
      params: assessmentIdParams,
      recordPolicy: "child.addEntry",
      example: (f) => ({ params: { id: f.assessmentDraftId } }),
      handler: async ({ req, reply, params }) => renderCheck(reply, req, params.id, null),
    }),
    defineRoute({
      method: "POST",
      url: "/assessments/:id/complete",
      kind: "page",
      summary:
        "Complete a risk assessment (judgement, review date, CIN factors; the form carries the version)",
      access: safeguarding,
      params: assessmentIdParams,
      recordPolicy: "child.addEntry",
      example: (f) => ({
        params: { id: f.assessmentDraftId },
        form: {
          agree: "yes",
          reviewDueOn: new Date(Date.now() + 28 * 86_400_000).toISOString().slice(0, 10),
          cinFactors: "10A",
          version: "1",
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Form;
        const values = {
          agree: text(form.agree) || "yes",
          level: text(form.level),
          reason: text(form.reason),
          reviewDueOn: text(form.reviewDueOn).trim(),
          cinFactors: list(form.cinFactors),
        };
        const fields: { field: string; message: string }[] = [];
        if (values.agree === "no" && !LEVELS.includes(values.level as Level))
          fields.push({ field: "level", message: "Select the level your professional judgement gives" });
        if (fields.length) return renderCheck(reply, req, params.id, values, fields, 400);
        try {
          await svc.complete(user!, actorOf(user!, req), params.id, Number(text(form.version)), {
            level: values.agree === "no" ? (values.level as Level) : undefined,
            reason: values.reason,
            reviewDueOn: values.reviewDueOn,
            cinFactors: values.cinFactors.filter((c) => CIN_FACTORS.some((x) => x.code === c)),
          });
        } catch (e) {
          if (e instanceof Invalid) return renderCheck(reply, req, params.id, values, e.fields, 400);
          if (e instanceof AppError && e.code === "precondition_failed")
            return renderCheck(reply, req, params.id, values, [{ field: "agree", message: e.message }], 409);
          throw e;
        }
        return reply.redirect(`/assessments/${params.id}?completed=1`, 303);
      },
    }),
  ];
}
