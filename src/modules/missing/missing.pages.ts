// Missing pages: children missing now and return interviews due or overdue; recording an episode
// (went missing, who reported, times, risk, police reference; found or returned); an episode's page
// with the 72-hour return-home interview clock and the interview form; placements and
// out-of-area notifications for looked-after children.
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly, type SessionUser } from "../../http/routes.ts";
import { formatLondon } from "../../platform/clock.ts";
import { type FieldIssue, Forbidden, Invalid } from "../../platform/errors.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { shortDateTime } from "../tracker/format.ts";
import {
  dateItems,
  type Errors,
  type Form,
  readChoice,
  readDate,
  readDateTime,
  str,
} from "../tracker/forms.ts";
import { formOf, handleForm, queryOf } from "../tracker/page-helpers.ts";
import { signpostScope } from "../tracker/tracker.service.ts";
import { HOUR_MS, humanDuration, wallTimeOf } from "./missing.clock.ts";
import {
  episodeDetail,
  missingBoard,
  recordEpisode,
  recordInterview,
  recordReturn,
} from "./missing.service.ts";
import { recordNotification, recordPlacement } from "./placements.service.ts";

const safeguarding = rolesOnly(...SAFEGUARDING_ROLES);
const idParams = z.object({ id: z.uuid({ message: "must be an id" }) });
const RISK_ITEMS = [
  { value: "high", text: "High" },
  { value: "medium", text: "Medium" },
  { value: "low", text: "Low" },
];
const OUTCOME_ITEMS = [
  { value: "offered", text: "Offered, not yet held" },
  { value: "completed", text: "Offered and completed" },
  { value: "declined", text: "Offered; the child declined" },
  {
    value: "not_completed",
    text: "Offered; could not be completed (for example, the child could not be reached)",
  },
];
const DATE_FIELDS = ["started", "reported", "ended", "offered", "completed", "declined", "notified"];

/** A date input + time field pair for a form, refilled from posted values or an instant. */
function dateTime(form: Form, name: string, at: Date | null | undefined, byField: Record<string, string>) {
  const src: Form = form[`${name}-day`] !== undefined ? form : at ? prefill(name, at) : {};
  return { items: dateItems(src, name, Boolean(byField[name])), time: str(src, `${name}-time`) };
}
function prefill(name: string, at: Date): Form {
  const w = wallTimeOf(at);
  return {
    [`${name}-day`]: w.day,
    [`${name}-month`]: w.month,
    [`${name}-year`]: w.year,
    [`${name}-time`]: w.time,
  };
}

export function missingPages(app: App): RouteDef[] {
  async function childHeader(u: SessionUser, childId: string) {
    const d = await app.access.decide(u, childId);
    if (!d.addEntries)
      throw new Forbidden(d.read ? "Your access to this child does not include adding entries." : d.why);
    return app.access.asUser(u, async (tx) => {
      const c = await tx
        .selectFrom("children")
        .select(["id", "reference", "given_name", "family_name", "looked_after", "placement_type"])
        .where("id", "=", childId)
        .executeTakeFirst();
      if (!c) throw new Forbidden("The database refused access to this record.");
      return { ...c, name: [c.given_name, c.family_name].filter(Boolean).join(" ") || c.reference };
    });
  }

  async function renderNew(
    reply: FastifyReply,
    u: SessionUser,
    childId: string,
    extra: Partial<Errors> & { values?: Form } = {},
    status = 200,
  ) {
    const child = await childHeader(u, childId);
    const values = extra.values ?? {};
    const byField = extra.byField ?? {};
    const now = app.clock.now();
    return reply.page(
      "missing/views/new-episode.njk",
      {
        title: `Record a missing episode: ${child.name}`,
        child,
        v: Object.fromEntries(Object.keys(values).map((k) => [k, str(values, k)])),
        started: dateTime(values, "started", values["started-day"] === undefined ? null : undefined, byField),
        reported: dateTime(values, "reported", null, byField),
        ended: dateTime(values, "ended", null, byField),
        kindItems: [
          {
            value: "missing",
            text: "Missing: whereabouts not known",
            checked: (str(values, "kind") || "missing") === "missing",
          },
          {
            value: "absent",
            text: "Absent: not where they should be, but whereabouts known",
            checked: str(values, "kind") === "absent",
          },
        ],
        riskItems: RISK_ITEMS.map((r) => ({ ...r, checked: str(values, "risk") === r.value })),
        errors: extra.errors,
        byField,
        token: str(values, "token") || randomUUID(),
        nowText: formatLondon(now),
      },
      status,
    );
  }

  async function renderEpisode(
    req: FastifyRequest,
    reply: FastifyReply,
    u: SessionUser,
    id: string,
    extra: Partial<Errors> & { values?: Form; open?: string } = {},
    status = 200,
  ) {
    const r = await episodeDetail(app, u, actorOf(u, req), id);
    reply.header("x-lantern-field-groups", r.decision.fieldGroups.join(","));
    const e = r.episode;
    const values = extra.values ?? {};
    const byField = extra.byField ?? {};
    const now = app.clock.now();
    const v = (k: string, fallback: string | null | undefined = "") =>
      values[k] !== undefined ? str(values, k) : (fallback ?? "");
    return reply.page(
      "missing/views/episode.njk",
      {
        title: `Missing episode: ${[r.child.given_name, r.child.family_name].filter(Boolean).join(" ") || r.child.reference}`,
        child: {
          ...r.child,
          name: [r.child.given_name, r.child.family_name].filter(Boolean).join(" ") || r.child.reference,
        },
        e: {
          ...e,
          started: shortDateTime(e.started_at),
          reported: shortDateTime(e.reported_at),
          ended: shortDateTime(e.ended_at),
          duration: humanDuration(e.durationMs),
          offered: shortDateTime(e.offered_at ?? e.rhi_offered_at),
          completed: shortDateTime(e.completed_at ?? e.rhi_completed_at),
          declined: shortDateTime(e.declined_at),
          dueIso: e.clock.dueAt?.toISOString() ?? "",
          due: e.clock.dueAt ? formatLondon(e.clock.dueAt) : "",
        },
        pattern: r.pattern,
        canChange: r.canChange,
        canAdd: r.decision.addEntries,
        rhiMine: !e.rhi_id || e.provider_agency_id === u.agencyId,
        ended: dateTime(values, "ended", null, byField),
        offered: dateTime(values, "offered", e.offered_at, byField),
        completed: dateTime(values, "completed", e.completed_at, byField),
        declined: dateTime(values, "declined", e.declined_at, byField),
        outcomeItems: OUTCOME_ITEMS.map((o) => ({ ...o, checked: v("outcome", e.outcome) === o.value })),
        independentItems: [
          {
            value: "yes",
            text: "Yes: not involved in the child's care or the search",
            checked: v("independent", e.rhi_id ? (e.independent ? "yes" : "no") : "") === "yes",
          },
          {
            value: "no",
            text: "No",
            checked: v("independent", e.rhi_id ? (e.independent ? "yes" : "no") : "") === "no",
          },
        ],
        riskItems: RISK_ITEMS.map((x) => ({ ...x, checked: v("risk", e.risk) === x.value })),
        v: {
          interviewer: v("interviewer", e.interviewer),
          childAccount: v("childAccount", e.child_account),
          followUp: v("followUp", e.follow_up),
          foundLocation: v("foundLocation"),
          foundWith: v("foundWith"),
          policeReference: v("policeReference", e.police_reference),
        },
        errors: extra.errors,
        byField,
        open: extra.open ?? "",
        flash: queryOf(req).saved ?? "",
        nowText: formatLondon(now),
        hoursSinceReturn: e.ended_at ? Math.floor((now.getTime() - e.ended_at.getTime()) / HOUR_MS) : null,
      },
      status,
    );
  }

  return [
    defineRoute({
      method: "GET",
      url: "/missing",
      kind: "page",
      summary: "Children missing now, and return-home interviews due or overdue (children you may see)",
      access: safeguarding,
      handler: async ({ req, reply, user }) => {
        const b = await missingBoard(app, user!, actorOf(user!, req));
        const now = app.clock.now();
        return reply.page("missing/views/board.njk", {
          title: "Missing now and return interviews",
          missingNow: b.missingNow.map((r) => ({
            ...r,
            since: shortDateTime(r.started_at),
            forText: humanDuration(now.getTime() - r.started_at.getTime()),
          })),
          rhi: b.rhi.map((r) => ({
            ...r,
            returned: shortDateTime(r.ended_at),
            due: r.clock.dueAt ? formatLondon(r.clock.dueAt) : "",
            dueIso: r.clock.dueAt?.toISOString() ?? "",
          })),
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/children/:id/missing/new",
      kind: "page",
      summary: "Record a missing episode for a child",
      access: safeguarding,
      params: idParams,
      recordPolicy: "child.addEntry",
      example: (f) => ({ params: { id: f.childId } }),
      handler: ({ reply, user, params }) => renderNew(reply, user!, params.id),
    }),
    defineRoute({
      method: "POST",
      url: "/children/:id/missing",
      kind: "page",
      summary:
        "Record a missing episode (refused with a clear message when it ends before it starts or overlaps another)",
      access: safeguarding,
      params: idParams,
      recordPolicy: "child.addEntry",
      example: (f) => {
        const w = wallTimeOf(new Date(Date.now() - 20 * 24 * HOUR_MS));
        return {
          params: { id: f.childId },
          form: {
            kind: "missing",
            "started-day": w.day,
            "started-month": w.month,
            "started-year": w.year,
            "started-time": "21:00",
            reportedBy: "Foster carer",
            missingFrom: "Foster placement",
            risk: "medium",
            returned: "yes",
            "ended-day": w.day,
            "ended-month": w.month,
            "ended-year": w.year,
            "ended-time": "23:30",
            foundLocation: "Returned to placement",
            token: randomUUID(),
          },
        };
      },
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        return handleForm(
          reply,
          async () => {
            const issues: FieldIssue[] = [];
            const startedAt = readDateTime(form, "started", "the child went missing", issues, {
              required: true,
            });
            const reportedAt = readDateTime(form, "reported", "it was reported", issues);
            const returned = ["ended-day", "ended-month", "ended-year", "ended-time"].some((k) =>
              str(form, k),
            );
            const endedAt = returned
              ? readDateTime(form, "ended", "the child was found or returned", issues, { required: true })
              : null;
            const kind = readChoice(
              form,
              "kind",
              ["missing", "absent"] as const,
              "Choose whether the child was missing or absent",
              issues,
            );
            if (issues.length) throw new Invalid("The missing episode has problems", issues);
            const r = await recordEpisode(app, user!, actorOf(user!, req), params.id, {
              kind: kind!,
              startedAt: startedAt!,
              reportedAt,
              reportedBy: str(form, "reportedBy") || null,
              missingFrom: str(form, "missingFrom") || null,
              risk: str(form, "risk") || null,
              policeReference: str(form, "policeReference") || null,
              circumstances: str(form, "circumstances") || null,
              endedAt,
              foundLocation: str(form, "foundLocation") || null,
              foundWith: str(form, "foundWith") || null,
              idempotencyKey: str(form, "token") || null,
            });
            return reply.redirect(`/missing/${r.id}?saved=recorded`, 303);
          },
          (errs) => renderNew(reply, user!, params.id, { ...errs, values: form }, 400),
          DATE_FIELDS,
        );
      },
    }),
    defineRoute({
      method: "GET",
      url: "/missing/:id",
      kind: "page",
      summary:
        "A missing episode: times, where found, the 72-hour return-home interview clock and the interview",
      access: safeguarding,
      params: idParams,
      recordPolicy: "child.readContent",
      example: (f) => ({ params: { id: f.episodeId } }),
      handler: ({ req, reply, user, params }) => renderEpisode(req, reply, user!, params.id),
    }),
    defineRoute({
      method: "POST",
      url: "/missing/:id/return",
      kind: "page",
      summary: "Record that the child was found or returned (the agency that reported the episode)",
      access: safeguarding,
      params: idParams,
      recordPolicy: "entry.ownAgency",
      example: (f) => {
        const w = wallTimeOf(new Date(Date.now() - HOUR_MS));
        return {
          params: { id: f.openEpisodeId },
          form: {
            version: "1",
            "ended-day": w.day,
            "ended-month": w.month,
            "ended-year": w.year,
            "ended-time": w.time,
            foundLocation: "Kesterbridge bus station",
          },
        };
      },
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        return handleForm(
          reply,
          async () => {
            const issues: FieldIssue[] = [];
            const endedAt = readDateTime(form, "ended", "the child was found or returned", issues, {
              required: true,
            });
            if (issues.length) throw new Invalid("The return has problems", issues);
            await recordReturn(
              app,
              user!,
              actorOf(user!, req),
              params.id,
              () => Number(str(form, "version")),
              {
                endedAt: endedAt!,
                foundLocation: str(form, "foundLocation") || null,
                foundWith: str(form, "foundWith") || null,
                risk: str(form, "risk") || null,
                policeReference: str(form, "policeReference") || null,
              },
            );
            return reply.redirect(`/missing/${params.id}?saved=returned`, 303);
          },
          (errs) =>
            renderEpisode(req, reply, user!, params.id, { ...errs, values: form, open: "return" }, 400),
          DATE_FIELDS,
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/missing/:id/interview",
      kind: "page",
      summary:
        "Record the return-home interview: offered, completed or declined, by whom, what the child said, follow-up",
      access: safeguarding,
      params: idParams,
      recordPolicy: "child.addEntry",
      example: (f) => {
        const w = wallTimeOf(new Date(Date.now() - 2 * HOUR_MS));
        return {
          params: { id: f.episodeId },
          form: {
            outcome: "offered",
            interviewer: "Way Home worker",
            independent: "yes",
            "offered-day": w.day,
            "offered-month": w.month,
            "offered-year": w.year,
            "offered-time": w.time,
          },
        };
      },
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        return handleForm(
          reply,
          async () => {
            const issues: FieldIssue[] = [];
            const offeredAt = readDateTime(form, "offered", "the interview was offered", issues, {
              required: true,
            });
            const outcome = str(form, "outcome");
            const completedAt =
              outcome === "completed"
                ? readDateTime(form, "completed", "the interview took place", issues, { required: true })
                : null;
            const declinedAt =
              outcome === "declined"
                ? readDateTime(form, "declined", "the child declined", issues, { required: true })
                : null;
            if (issues.length) throw new Invalid("The return-home interview has problems", issues);
            const ind = str(form, "independent");
            await recordInterview(app, user!, actorOf(user!, req), params.id, {
              outcome,
              interviewer: str(form, "interviewer"),
              independent: ind === "yes" ? true : ind === "no" ? false : null,
              offeredAt: offeredAt!,
              completedAt,
              declinedAt,
              childAccount: str(form, "childAccount") || null,
              followUp: str(form, "followUp") || null,
              version: str(form, "rhiVersion") ? Number(str(form, "rhiVersion")) : null,
            });
            return reply.redirect(`/missing/${params.id}?saved=interview#interview`, 303);
          },
          (errs) =>
            renderEpisode(req, reply, user!, params.id, { ...errs, values: form, open: "interview" }, 400),
          DATE_FIELDS,
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/children/:id/placements",
      kind: "page",
      summary:
        "Record a looked-after child's placement (placement address is restricted); the owning agency's allocated worker",
      access: safeguarding,
      params: idParams,
      recordPolicy: "child.write",
      example: (f) => ({
        params: { id: f.childId },
        form: {
          placementType: "Foster care (independent fostering agency)",
          placingAuthority: "Kestershire County Council",
          address: "14 Orchard Row, Saltmarsh Quay",
          postcode: "SQ3 4JT",
          "startedOn-day": "1",
          "startedOn-month": "9",
          "startedOn-year": "2026",
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        const { renderChildPage } = await import("../tracker/child.page.ts");
        return handleForm(
          reply,
          async () => {
            const issues: FieldIssue[] = [];
            const startedOn = readDate(form, "startedOn", "the date the placement started", issues, {
              required: true,
            });
            if (issues.length) throw new Invalid("The placement has problems", issues);
            await recordPlacement(app, user!, actorOf(user!, req), params.id, {
              placementType: str(form, "placementType"),
              placingAuthority: str(form, "placingAuthority"),
              hostAuthority: str(form, "hostAuthority") || null,
              address: str(form, "address") || null,
              postcode: str(form, "postcode") || null,
              outOfArea: str(form, "outOfArea") === "yes",
              startedOn,
            });
            return reply.redirect(`/children/${params.id}/tracker?saved=placement#placement`, 303);
          },
          (errs) =>
            renderChildPage(
              app,
              req,
              reply,
              user!,
              params.id,
              { ...errs, values: form, open: "placement" },
              400,
            ),
          ["startedOn"],
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/placements/:id/notifications",
      kind: "page",
      summary: "Record a notification to the host authority of an out-of-area placement (the placing agency)",
      access: safeguarding,
      params: idParams,
      recordPolicy: "entry.ownAgency",
      example: (f) => {
        const w = wallTimeOf(new Date(Date.now() - 3 * HOUR_MS));
        return {
          params: { id: f.placementId },
          form: {
            "notified-day": w.day,
            "notified-month": w.month,
            "notified-year": w.year,
            "notified-time": w.time,
            method: "secure_email",
            contact: "Host authority duty desk",
          },
        };
      },
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        const p = await signpostScope(app, user!, (tx) =>
          tx.selectFrom("placements").select("child_id").where("id", "=", params.id).executeTakeFirst(),
        );
        const { renderChildPage } = await import("../tracker/child.page.ts");
        return handleForm(
          reply,
          async () => {
            const issues: FieldIssue[] = [];
            const notifiedAt = readDateTime(form, "notified", "the host authority was told", issues, {
              required: true,
            });
            if (issues.length) throw new Invalid("The notification has problems", issues);
            await recordNotification(app, user!, actorOf(user!, req), params.id, {
              notifiedAt,
              method: str(form, "method"),
              contact: str(form, "contact") || null,
              reference: str(form, "reference") || null,
            });
            return reply.redirect(`/children/${p?.child_id}/tracker?saved=notification#placement`, 303);
          },
          (errs) =>
            p
              ? renderChildPage(
                  app,
                  req,
                  reply,
                  user!,
                  p.child_id,
                  { ...errs, values: form, open: "notify" },
                  400,
                )
              : reply.page("errors/error.njk", { message: errs.errors[0]?.text }, 400),
          ["notified"],
        );
      },
    }),
  ];
}
