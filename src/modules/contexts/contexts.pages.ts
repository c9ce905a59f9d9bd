// Contexts pages: peer groups, places and online spaces as records; the children linked to them
// (each viewer sees only the children they work with); context assessments; the plan aimed at the
// context (goals and actions owned by agencies).
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly, type SessionUser } from "../../http/routes.ts";
import { londonDate } from "../../platform/clock.ts";
import { type FieldIssue, Invalid } from "../../platform/errors.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { shortDate, shortDateTime } from "../tracker/format.ts";
import { all, dateItems, type Errors, type Form, readDate, str } from "../tracker/forms.ts";
import { formOf, handleForm, isUuid, queryOf } from "../tracker/page-helpers.ts";
import { addAction, addGoal } from "../tracker/plans.service.ts";
import { agencyList, childByReference } from "../tracker/tracker.service.ts";
import {
  ACTION_COLOURS,
  ACTION_LABELS,
  ACTION_STATUSES,
  RISK_COLOURS,
  RISK_LABELS,
  RISK_LEVELS,
} from "../tracker/tracker.vocab.ts";
import { addAssessment, contextDetail, contextsList, createContext, linkChild } from "./contexts.service.ts";
import {
  CONTEXT_KINDS,
  CONTEXT_LABELS,
  FACTOR_KEYS,
  FACTORS,
  PLACE_LABELS,
  PLACE_TYPES,
} from "./contexts.vocab.ts";

const safeguarding = rolesOnly(...SAFEGUARDING_ROLES);
const idParams = z.object({ id: z.uuid({ message: "must be an id" }) });

export function contextsPages(app: App): RouteDef[] {
  async function renderList(
    req: FastifyRequest,
    reply: FastifyReply,
    user: SessionUser,
    extra: Partial<Errors> & { values?: Form } = {},
    status = 200,
  ) {
    const kind = (CONTEXT_KINDS as readonly string[]).includes(queryOf(req).kind ?? "")
      ? queryOf(req).kind
      : undefined;
    const list = await contextsList(app, user, kind);
    const values = extra.values ?? {};
    return reply.page(
      "contexts/views/list.njk",
      {
        title: "Contexts: peer groups, places and online spaces",
        contexts: list.map((c) => ({
          ...c,
          kindLabel: CONTEXT_LABELS[c.kind],
          placeLabel: c.place_type ? PLACE_LABELS[c.place_type] : "",
          risk: c.risk_level ? RISK_LABELS[c.risk_level] : "Not assessed",
          riskColour: c.risk_level ? RISK_COLOURS[c.risk_level] : "grey",
          assessed: shortDate(c.last_assessed as string | null),
        })),
        kind,
        kinds: CONTEXT_KINDS.map((k) => ({ value: k, text: CONTEXT_LABELS[k] })),
        kindItems: CONTEXT_KINDS.map((k) => ({
          value: k,
          text: CONTEXT_LABELS[k],
          checked: str(values, "kind") === k,
        })),
        placeItems: [
          { value: "", text: "Choose the kind of place" },
          ...PLACE_TYPES.map((p) => ({
            value: p,
            text: PLACE_LABELS[p],
            selected: str(values, "placeType") === p,
          })),
        ],
        riskItems: RISK_LEVELS.map((r) => ({
          value: r,
          text: RISK_LABELS[r],
          checked: str(values, "riskLevel") === r,
        })),
        v: Object.fromEntries(Object.keys(values).map((k) => [k, str(values, k)])),
        errors: extra.errors,
        byField: extra.byField ?? {},
        token: str(values, "token") || randomUUID(),
      },
      status,
    );
  }

  async function renderContext(
    req: FastifyRequest,
    reply: FastifyReply,
    user: SessionUser,
    id: string,
    extra: Partial<Errors> & { values?: Form; open?: string } = {},
    status = 200,
  ) {
    const d = await contextDetail(app, user, actorOf(user, req), id);
    const ags = await agencyList(app);
    const values = extra.values ?? {};
    const isCoordinator = user.roles.includes("mace_coordinator");
    const today = londonDate(app.clock.now());
    const c = d.context;
    return reply.page(
      "contexts/views/context.njk",
      {
        title: c.name,
        c: {
          ...c,
          kindLabel: CONTEXT_LABELS[c.kind],
          placeLabel: c.place_type ? PLACE_LABELS[c.place_type] : "",
          risk: c.risk_level ? RISK_LABELS[c.risk_level] : "Not assessed",
          riskColour: c.risk_level ? RISK_COLOURS[c.risk_level] : "grey",
        },
        children: d.children.map((x) => ({
          ...x,
          name: [x.given_name, x.family_name].filter(Boolean).join(" ") || x.reference,
          at: shortDateTime(x.linked_at),
        })),
        hiddenChildren: d.hiddenChildren,
        assessments: d.assessments.map((a) => ({
          ...a,
          on: shortDate(a.assessed_on),
          risk: RISK_LABELS[a.risk_level],
          riskColour: RISK_COLOURS[a.risk_level],
          factorText: a.factors.map((f) => FACTORS[f as keyof typeof FACTORS] ?? f),
        })),
        goals: d.goals,
        actions: d.actions.map((a) => ({
          ...a,
          statusLabel: ACTION_LABELS[a.status],
          statusColour: ACTION_COLOURS[a.status],
          due: shortDate(a.due_on),
          overdue: (a.status === "open" || a.status === "in_progress") && a.due_on < today,
          mine: a.owner_agency_id === user.agencyId,
          statusItems: ACTION_STATUSES.map((s) => ({
            value: s,
            text: ACTION_LABELS[s],
            checked: s === a.status,
          })),
        })),
        riskItems: RISK_LEVELS.map((r) => ({
          value: r,
          text: RISK_LABELS[r],
          checked: str(values, "riskLevel") === r,
        })),
        factorItems: FACTOR_KEYS.map((f) => ({
          value: f,
          text: FACTORS[f],
          checked: all(values, "factors").includes(f),
        })),
        agencyItems: [
          { value: "", text: "Choose an agency" },
          ...ags
            .filter((a) => isCoordinator || a.id === user.agencyId)
            .map((a) => ({ value: a.id, text: a.name, selected: str(values, "ownerAgencyId") === a.id })),
        ],
        dueItems: dateItems(values, "dueOn", Boolean(extra.byField?.dueOn)),
        v: Object.fromEntries(Object.keys(values).map((k) => [k, str(values, k)])),
        errors:
          extra.errors ?? (queryOf(req).error ? [{ text: queryOf(req).error, href: "#plan" }] : undefined),
        byField: extra.byField ?? {},
        open: extra.open ?? "",
        flash: queryOf(req).saved ?? "",
        token: randomUUID(),
      },
      status,
    );
  }

  return [
    defineRoute({
      method: "GET",
      url: "/contexts",
      kind: "page",
      summary: "Contexts: peer groups, places and online spaces where children are harmed",
      access: safeguarding,
      handler: ({ req, reply, user }) => renderList(req, reply, user!),
    }),
    defineRoute({
      method: "POST",
      url: "/contexts",
      kind: "page",
      summary: "Record a peer group, place or online space as a context",
      access: safeguarding,
      example: () => ({
        form: {
          kind: "place",
          name: "Riverside Park skate area",
          placeType: "park",
          location: "Riverside Park, Kesterbridge",
          token: randomUUID(),
        },
      }),
      handler: async ({ req, reply, user }) => {
        const form = formOf(req);
        return handleForm(
          reply,
          async () => {
            const r = await createContext(app, user!, actorOf(user!, req), {
              kind: str(form, "kind"),
              name: str(form, "name"),
              description: str(form, "description") || null,
              placeType: str(form, "placeType") || null,
              location: str(form, "location") || null,
              postcode: str(form, "postcode") || null,
              platform: str(form, "platform") || null,
              riskLevel: str(form, "riskLevel") || null,
              idempotencyKey: str(form, "token") || null,
            });
            return reply.redirect(`/contexts/${r.id}?saved=created`, 303);
          },
          (errs) => renderList(req, reply, user!, { ...errs, values: form }, 400),
        );
      },
    }),
    defineRoute({
      method: "GET",
      url: "/contexts/:id",
      kind: "page",
      summary: "A context: linked children (those you work with), assessments and the plan aimed at it",
      access: safeguarding,
      params: idParams,
      example: (f) => ({ params: { id: f.contextId } }),
      handler: ({ req, reply, user, params }) => renderContext(req, reply, user!, params.id),
    }),
    defineRoute({
      method: "POST",
      url: "/contexts/:id/children",
      kind: "page",
      summary: "Link a child to a context (needs access to add entries for the child)",
      access: safeguarding,
      params: idParams,
      recordPolicy: "child.addEntry",
      example: (f) => ({
        params: { id: f.contextId },
        form: { child: f.childId, how: "Seen at the park with older males on several evenings" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        return handleForm(
          reply,
          async () => {
            const ref = str(form, "child");
            const found = ref ? await childByReference(app, user!, ref) : undefined;
            if (!found)
              throw new Invalid("Find the child", [
                { field: "child", message: "Enter the Lantern reference of a child, like CH-004213" },
              ]);
            await linkChild(app, user!, actorOf(user!, req), params.id, found.id, str(form, "how"));
            return reply.redirect(`/contexts/${params.id}?saved=linked#children`, 303);
          },
          (errs) => renderContext(req, reply, user!, params.id, { ...errs, values: form, open: "link" }, 400),
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/contexts/:id/plan",
      kind: "page",
      summary:
        "Add an assessment, a goal or an action aimed at a context (actions for your own agency; coordinators assign any)",
      access: safeguarding,
      params: idParams,
      example: (f) => ({
        params: { id: f.contextId },
        form: {
          intent: "assessment",
          riskLevel: "high",
          factors: "adults_of_concern",
          summary: "Adults gather at the skate area most evenings and give children cannabis.",
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        const intent = ["assessment", "goal", "action"].includes(str(form, "intent"))
          ? str(form, "intent")
          : "action";
        return handleForm(
          reply,
          async () => {
            const actor = actorOf(user!, req);
            if (intent === "assessment")
              await addAssessment(app, user!, actor, params.id, {
                riskLevel: str(form, "riskLevel"),
                factors: all(form, "factors"),
                summary: str(form, "summary"),
                recommendations: str(form, "recommendations") || null,
              });
            else if (intent === "goal")
              await addGoal(app, user!, actor, { contextId: params.id }, str(form, "goal"));
            else {
              const issues: FieldIssue[] = [];
              const due = readDate(form, "dueOn", "the date the action is due", issues, { required: true });
              if (issues.length) throw new Invalid("The action has problems", issues);
              await addAction(
                app,
                user!,
                actor,
                { contextId: params.id },
                {
                  text: str(form, "text"),
                  ownerAgencyId: str(form, "ownerAgencyId"),
                  ownerName: str(form, "ownerName") || null,
                  dueOn: due!,
                  goalId: isUuid(str(form, "goalId")) ? str(form, "goalId") : null,
                  idempotencyKey: str(form, "token") || null,
                },
              );
            }
            return reply.redirect(
              `/contexts/${params.id}?saved=${intent}#${intent === "assessment" ? "assessments" : "plan"}`,
              303,
            );
          },
          (errs) => renderContext(req, reply, user!, params.id, { ...errs, values: form, open: intent }, 400),
          ["dueOn"],
        );
      },
    }),
  ];
}
