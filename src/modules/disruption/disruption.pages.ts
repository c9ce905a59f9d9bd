// Disruption pages: the list with counts and expiry warnings, recording a tactic (form → check your
// answers → recorded), one disruption with its breaches, and the panel on the person, place and
// link-chart pages.
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly, type SessionUser } from "../../http/routes.ts";
import { AppError, Invalid } from "../../platform/errors.ts";
import { newToken } from "../../platform/ids.ts";
import { actorOf } from "../access/access.service.ts";
import {
  addSubjectPanel,
  errorView,
  intelligenceServices,
  type NodeRef,
  nodeKey,
  parseForm,
  parseNodeRef,
} from "../intelligence/index.ts";
import { DISRUPTION_ROLES } from "./disruption.routes.ts";
import {
  breachInput,
  disruptionInput,
  disruptionUpdate,
  STATUS_LABELS,
  TACTIC_LABELS,
  TACTIC_SUBJECTS,
} from "./disruption.schema.ts";
import { type DisruptionService, openWarnings } from "./disruption.service.ts";
import { TACTICS } from "./disruption.tables.ts";

const roles = rolesOnly(...DISRUPTION_ROLES);
const str = (v: unknown) => (Array.isArray(v) ? String(v[0] ?? "") : typeof v === "string" ? v : "");
const form = (req: FastifyRequest) => (req.body ?? {}) as Record<string, unknown>;
/** Only same-site paths are followed back. */
const safeReturn = (v: unknown) => {
  const s = str(v);
  return s.startsWith("/") && !s.startsWith("//") && !s.includes("\\") ? s : "";
};
const FIELDS = [
  "tactic",
  "subject",
  "status",
  "applied_on",
  "starts_on",
  "expires_on",
  "child_reference",
  "conditions",
  "notes",
  "return",
  "token",
];

async function subjectLabel(app: App, u: SessionUser, ref: NodeRef) {
  const [s] = await intelligenceServices(app).intel.describeSubjects(u, [ref]);
  return s;
}

export function disruptionPages(app: App, s: DisruptionService): RouteDef[] {
  // The disruption panel on the person of concern, entity and link-chart pages.
  addSubjectPanel(app, "disruption", async (user, subject) => {
    if (!user.roles.some((r) => DISRUPTION_ROLES.includes(r))) return null;
    const list = await s.list(
      user,
      { userId: user.id, agencyId: user.agencyId, requestId: null, ip: null },
      { subject },
    );
    return {
      template: "disruption/views/_panel.njk",
      data: {
        subject: nodeKey(subject),
        disruptions: list,
        tactics: TACTICS.filter((t) => (TACTIC_SUBJECTS[t] as readonly string[]).includes(subject.kind)).map(
          (t) => TACTIC_LABELS[t],
        ),
      },
    };
  });

  async function formPage(
    user: SessionUser,
    values: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const ref = parseNodeRef(str(values.subject));
    if (!ref)
      throw new Invalid("Choose who or what the disruption is against", [
        { field: "subject", message: "Choose a subject" },
      ]);
    const subject = await subjectLabel(app, user, ref);
    const tactics = TACTICS.filter((t) => (TACTIC_SUBJECTS[t] as readonly string[]).includes(ref.kind)).map(
      (t) => ({
        value: t,
        text: TACTIC_LABELS[t],
        checked: str(values.tactic) === t,
      }),
    );
    return {
      page: "disruption/views/form.njk",
      data: { title: "Record disruption", subject, tactics, values, ...extra },
      status,
    };
  }

  /** Form values → the API's input (the child is given by reference). */
  async function checked(user: SessionUser, f: Record<string, unknown>) {
    const childRef = str(f.child_reference).trim().toUpperCase();
    let child: string | null = null;
    const issues: { field: string; message: string }[] = [];
    if (childRef) {
      const found = await intelligenceServices(app).intel.resolveReferences(user, [childRef]);
      const hit = found.get(childRef);
      if (hit?.startsWith("child:")) child = hit;
      else issues.push({ field: "child_reference", message: `No child has the reference ${childRef}` });
    }
    const parsed = parseForm(disruptionInput, {
      tactic: str(f.tactic) || undefined,
      subject: str(f.subject),
      child,
      status: str(f.status) || "in_force",
      applied_on: str(f.applied_on).trim() || null,
      starts_on: str(f.starts_on).trim() || null,
      expires_on: str(f.expires_on).trim() || null,
      conditions: str(f.conditions),
      notes: str(f.notes),
    });
    if (!parsed.ok) issues.push(...parsed.issues);
    return issues.length || !parsed.ok
      ? { ok: false as const, issues }
      : { ok: true as const, data: parsed.data };
  }

  return [
    defineRoute({
      method: "GET",
      url: "/disruptions",
      kind: "page",
      summary: "Disruption: what is in place, expiring soon or breached, and counts by tactic",
      access: roles,
      handler: async ({ req, reply, user }) => {
        const raw = req.query as Record<string, string>;
        const status = ["open", "expiring", "expired", "all"].includes(raw.status) ? raw.status : "all";
        const actor = actorOf(user!, req);
        const [list, counts, warnings] = [
          await s.list(user!, actor, { status }),
          await s.counts(user!, actor),
          await openWarnings(app.db, user!, app.clock),
        ];
        return reply.page("disruption/views/list.njk", {
          title: "Disruption",
          section: "disruptions",
          list,
          counts,
          warnings: warnings.map((w) => ({ ...w, tacticLabel: TACTIC_LABELS[w.tactic] })),
          status,
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/disruptions/new",
      kind: "page",
      summary: "Record disruption against a person, place or business",
      access: roles,
      example: (f) => ({ query: { subject: `person:${f.personId}` } }),
      handler: async ({ req, reply, user }) => {
        const raw = req.query as Record<string, unknown>;
        const p = await formPage(user!, {
          subject: str(raw.subject),
          status: "in_force",
          return: safeReturn(raw.return),
          token: newToken(12),
        });
        return reply.page(p.page, p.data);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/disruptions/check",
      kind: "page",
      summary: "Record disruption: check your answers",
      access: roles,
      example: (f) => ({
        form: {
          tactic: "cawn",
          subject: `person:${f.personId}`,
          status: "in_force",
          starts_on: "2026-01-10",
          expires_on: "2027-01-09",
        },
      }),
      handler: async ({ req, reply, user }) => {
        const f = form(req);
        const values = Object.fromEntries(FIELDS.map((k) => [k, str(f[k])]));
        values.return = safeReturn(values.return);
        const c = await checked(user!, values);
        if (!c.ok || str(f.edit) === "1") {
          const p = await formPage(user!, values, c.ok ? {} : errorView(c.issues), c.ok ? 200 : 400);
          return reply.page(p.page, p.data, p.status);
        }
        const subject = await subjectLabel(app, user!, c.data.subject);
        const child = c.data.child ? await subjectLabel(app, user!, c.data.child) : null;
        return reply.page("disruption/views/check.njk", {
          title: "Check your answers before recording the disruption",
          values,
          subject,
          child,
          tacticLabel: TACTIC_LABELS[c.data.tactic],
          statusLabel: STATUS_LABELS[c.data.status],
          fields: FIELDS,
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/disruptions",
      kind: "page",
      summary: "Record disruption (after checking answers)",
      access: roles,
      example: (f) => ({
        form: {
          tactic: "cawn",
          subject: `person:${f.personId}`,
          status: "in_force",
          starts_on: "2026-01-10",
          expires_on: "2027-01-09",
          token: newToken(8),
        },
      }),
      handler: async ({ req, reply, user }) => {
        const f = form(req);
        const values = Object.fromEntries(FIELDS.map((k) => [k, str(f[k])]));
        values.return = safeReturn(values.return);
        const c = await checked(user!, values);
        if (!c.ok) {
          const p = await formPage(user!, values, errorView(c.issues), 400);
          return reply.page(p.page, p.data, p.status);
        }
        const r = await s.record(user!, actorOf(user!, req), c.data, values.token || undefined);
        if (values.return) {
          const sep = values.return.includes("?") ? "&" : "?";
          return reply.redirect(
            `${values.return}${sep}recorded=${encodeURIComponent(r.reference)}#disruption-panel`,
            303,
          );
        }
        return reply.redirect(`/disruptions/${r.id}?recorded=1`, 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/disruptions/:id",
      kind: "page",
      summary: "One disruption: dates, conditions, breaches, outcome",
      access: roles,
      params: idParamsSchema(),
      example: (f) => ({ params: { id: f.disruptionId ?? f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const r = await s.get(user!, actorOf(user!, req), params.id);
        const q = req.query as Record<string, string>;
        return reply.page("disruption/views/disruption.njk", {
          title: `${r.disruption.tacticLabel}: ${r.disruption.reference}`,
          ...r,
          statuses: Object.entries(STATUS_LABELS).map(([value, text]) => ({
            value,
            text,
            selected: value === r.disruption.status,
          })),
          recorded: q.recorded === "1",
          updated: q.updated === "1",
          breachRecorded: q.breach === "1",
          values: {},
          token: newToken(12),
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/disruptions/:id/breaches",
      kind: "page",
      summary: "Record a breach (form)",
      access: roles,
      params: idParamsSchema(),
      example: (f) => ({
        params: { id: f.disruptionId ?? f.childId },
        form: {
          occurred_on: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
          description: "Seen with the child",
          token: newToken(8),
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const f = form(req);
        const parsed = parseForm(breachInput, {
          occurred_on: str(f.occurred_on).trim(),
          description: str(f.description),
          action_taken: str(f.action_taken),
        });
        const again = async (issues: { field: string; message: string }[], status = 400) => {
          const r = await s.get(user!, actorOf(user!, req), params.id);
          return reply.page(
            "disruption/views/disruption.njk",
            {
              title: `${r.disruption.tacticLabel}: ${r.disruption.reference}`,
              ...r,
              statuses: Object.entries(STATUS_LABELS).map(([value, text]) => ({
                value,
                text,
                selected: value === r.disruption.status,
              })),
              values: f,
              token: str(f.token),
              ...errorView(issues),
            },
            status,
          );
        };
        if (!parsed.ok) return again(parsed.issues);
        try {
          await s.addBreach(user!, actorOf(user!, req), params.id, parsed.data, str(f.token) || undefined);
        } catch (e) {
          if (e instanceof Invalid) return again(e.fields);
          throw e;
        }
        return reply.redirect(`/disruptions/${params.id}?breach=1`, 303);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/disruptions/:id",
      kind: "page",
      summary: "Change a disruption: status, expiry, outcome (form; the recording agency)",
      access: roles,
      params: idParamsSchema(),
      example: (f) => ({
        params: { id: f.disruptionId ?? f.childId },
        form: { status: "in_force", expires_on: "2027-06-30", outcome: "Complied so far", version: "1" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const f = form(req);
        const parsed = parseForm(disruptionUpdate, {
          status: str(f.status) || undefined,
          expires_on: str(f.expires_on).trim() || null,
          outcome: str(f.outcome),
          conditions: str(f.conditions) || undefined,
        });
        const again = async (issues: { field: string; message: string }[], status = 400) => {
          const r = await s.get(user!, actorOf(user!, req), params.id);
          return reply.page(
            "disruption/views/disruption.njk",
            {
              title: `${r.disruption.tacticLabel}: ${r.disruption.reference}`,
              ...r,
              statuses: Object.entries(STATUS_LABELS).map(([value, text]) => ({
                value,
                text,
                selected: value === str(f.status),
              })),
              values: f,
              token: newToken(12),
              ...errorView(issues),
            },
            status,
          );
        };
        if (!parsed.ok) return again(parsed.issues);
        try {
          const version = Number(str(f.version));
          await s.update(user!, actorOf(user!, req), params.id, () => version, parsed.data);
        } catch (e) {
          if (e instanceof Invalid) return again(e.fields);
          if (e instanceof AppError && e.code === "precondition_failed")
            return again([{ field: "status", message: e.message }], 409);
          throw e;
        }
        return reply.redirect(`/disruptions/${params.id}?updated=1`, 303);
      },
    }),
  ];
}

function idParamsSchema() {
  return z.object({ id: z.uuid({ message: "must be a disruption id" }) });
}
