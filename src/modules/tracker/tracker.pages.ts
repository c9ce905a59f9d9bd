// Tracker pages: the one-screen cohort table (sortable, filterable, exportable to Excel), adding a
// child to the cohort, the child's "following" page (entry, reviews, plan, actions, missing,
// placements, contexts) with its forms, and the MACE panel's membership.
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly, type SessionUser } from "../../http/routes.ts";
import { formatLondon } from "../../platform/clock.ts";
import { type FieldIssue, Invalid, NotFound } from "../../platform/errors.ts";
import { actorOf } from "../access/access.service.ts";
import {
  approvedExport,
  markDownloaded,
  needsApproval,
  renderApprovals,
  requestExport,
} from "../approvals/index.ts";
import { audit, auditFor } from "../audit/audit.service.ts";
import { passwordConfirmed } from "../identity/index.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { renderChildPage } from "./child.page.ts";
import { shortDate, shortDateTime, shortDay } from "./format.ts";
import { all, dateItems, type Errors, type Form, readDate, readText, str } from "./forms.ts";
import { formOf, handleForm, isUuid, queryOf } from "./page-helpers.ts";
import { addAction, addGoal, updateAction } from "./plans.service.ts";
import { trackerWorkbook, watermarkText } from "./tracker.export.ts";
import {
  addPanelMember,
  addToCohort,
  agencyList,
  awaitingEntry,
  childByReference,
  countTracker,
  endPanelMember,
  leaveCohort,
  listTracker,
  panel,
  reviewEntry,
  signpostScope,
} from "./tracker.service.ts";
import {
  concernText,
  describeFilters,
  FLAG_LABELS,
  FLAGS,
  filterParams,
  headers,
  type TrackerQuery,
  type TrackerRow,
  trackerQuery,
} from "./tracker.table.ts";
import {
  CONCERN_LONG,
  CONCERNS,
  RISK_COLOURS,
  RISK_LABELS,
  RISK_LEVELS,
  RISK_TRENDS,
  SEND_SHORT,
  SEX_LABELS,
  TREND_ARROWS,
  TREND_LABELS,
} from "./tracker.vocab.ts";

const safeguarding = rolesOnly(...SAFEGUARDING_ROLES);
const coordinator = rolesOnly("mace_coordinator");
const idParams = z.object({ id: z.uuid({ message: "must be an id" }) });

/** The table's rows as display strings (computed here, so the template stays a plain loop). */
function displayRow(r: TrackerRow, today: string) {
  return {
    href: `/children/${r.childId}/tracker`,
    name: r.name,
    reference: r.reference,
    age: r.age ?? "",
    sex: SEX_LABELS[r.sex] ?? r.sex,
    concerns: concernText(r.concerns),
    risk: RISK_LABELS[r.riskLevel],
    riskColour: RISK_COLOURS[r.riskLevel],
    trend: TREND_LABELS[r.riskTrend],
    arrow: TREND_ARROWS[r.riskTrend],
    lead: r.leadAgency,
    professional: r.leadProfessional ?? "",
    lastReview: shortDate(r.lastReviewOn) || "None yet",
    nextReview: shortDate(r.nextReviewOn),
    reviewOverdue: r.reviewOverdue,
    reviewToday: r.nextReviewOn === today,
    openActions: r.openActions,
    overdueActions: r.overdueActions,
    escalated: r.escalatedActions,
    missing90: r.missing90,
    missingNow: r.missingNow,
    rhiOverdue: r.rhiOverdue,
    rhiDue: r.rhiDue,
    send: SEND_SHORT[r.send] ?? r.send,
    lac: r.lookedAfter ? "Yes" : "No",
    ooa: r.outOfArea ? "Yes" : "No",
    added: shortDay(r.addedAt),
  };
}

export function trackerPages(app: App): RouteDef[] {
  const agencies = () => agencyList(app);

  async function renderTracker(
    req: FastifyRequest,
    reply: FastifyReply,
    user: SessionUser,
    raw: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const q = trackerQuery.parse(raw);
    const t0 = performance.now();
    const list = await listTracker(app, user, actorOf(user, req), q);
    const ags = await agencies();
    const params = filterParams(q);
    const rows = list.rows.map((r) => displayRow(r, list.today));
    const ms = (n: number) => n.toFixed(1);
    reply.header(
      "server-timing",
      `tracker;dur=${ms(performance.now() - t0)}, scope;dur=${ms(list.timing.scope)}, rows;dur=${ms(list.timing.rows)}, audit;dur=${ms(list.timing.audit)}`,
    );
    return reply.page(
      "tracker/views/tracker.njk",
      {
        title: "MACE tracker",
        rows,
        summary: list.summary,
        visible: list.visible,
        headers: headers(q, params),
        q,
        filtered: params.toString() !== "",
        filterText: describeFilters(q, (id) => ags.find((a) => a.id === id)?.name),
        riskItems: [
          { value: "", text: "Any" },
          ...RISK_LEVELS.map((v) => ({ value: v, text: RISK_LABELS[v], selected: q.risk === v })),
        ],
        trendItems: [
          { value: "", text: "Any" },
          ...RISK_TRENDS.map((v) => ({ value: v, text: TREND_LABELS[v], selected: q.trend === v })),
        ],
        leadItems: [
          { value: "", text: "Any" },
          ...ags.map((a) => ({ value: a.id, text: a.name, selected: q.lead === a.id })),
        ],
        sexItems: [
          { value: "", text: "Any" },
          ...Object.entries(SEX_LABELS).map(([v, t]) => ({ value: v, text: t, selected: q.sex === v })),
        ],
        flagItems: FLAGS.map((f) => ({ value: f, text: FLAG_LABELS[f], checked: q.flag.includes(f) })),
        hidden: [
          ...params.entries(),
          ...(q.sort ? [["sort", q.sort]] : []),
          ...(q.dir ? [["dir", q.dir]] : []),
        ].map(([name, value]) => ({ name, value })),
        isCoordinator: user.roles.includes("mace_coordinator"),
        bulkThreshold: app.config.BULK_EXPORT_CHILDREN,
        alerts: list.alerts.map((a) => ({
          ...a,
          at: shortDateTime(a.raised_at),
          name: [a.given_name, a.family_name].filter(Boolean).join(" ") || a.reference,
          href:
            a.record_type === "missing_episode"
              ? `/missing/${a.record_id}`
              : a.child_id
                ? `/children/${a.child_id}/tracker`
                : "/tracker",
        })),
        left: queryOf(req).left,
        ...extra,
      },
      status,
    );
  }

  /** The filters and order of a tracker view, as stored with an export request and replayed. */
  const trackerParams = (q: TrackerQuery): Record<string, string | string[]> => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of filterParams(q).entries()) {
      if (k === "flag") out.flag = [...((out.flag as string[] | undefined) ?? []), v];
      else out[k] = v;
    }
    if (q.sort) out.sort = q.sort;
    if (q.dir) out.dir = q.dir;
    return out;
  };

  /**
   * Builds the tracker workbook (the rows this user may see, filtered and ordered) and sends it.
   * `beforeSend` runs once the file is built (an approved bulk export is marked downloaded there):
   * if it throws, nothing is sent.
   */
  async function sendTrackerWorkbook(
    reply: FastifyReply,
    user: SessionUser,
    actor: ReturnType<typeof actorOf>,
    q: TrackerQuery,
    beforeSend?: (rows: number) => Promise<void>,
  ) {
    const at = app.clock.now();
    const reference = `EXP-${randomUUID().slice(0, 8).toUpperCase()}`;
    const list = await listTracker(app, user, actor, q, "export");
    const ags = await agencies();
    const buf = await trackerWorkbook(list.rows, {
      userName: user.displayName,
      agencyName: user.agencyName,
      at,
      reference,
      filters: describeFilters(q, (id) => ags.find((a) => a.id === id)?.name),
      visible: list.visible,
    });
    await beforeSend?.(list.rows.length);
    reply
      .header("content-type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .header(
        "content-disposition",
        `attachment; filename="mace-tracker-${formatLondon(at, "yyyy-MM-dd-HHmm")}.xlsx"`,
      )
      .header("cache-control", "no-store")
      .header("x-lantern-export", reference)
      .header(
        "x-lantern-watermark",
        encodeURIComponent(
          watermarkText({
            userName: user.displayName,
            agencyName: user.agencyName,
            at,
            reference,
            filters: "",
            visible: 0,
          }),
        ),
      );
    return reply.send(buf);
  }

  const renderChild = (
    req: FastifyRequest,
    reply: FastifyReply,
    user: SessionUser,
    childId: string,
    extra: Parameters<typeof renderChildPage>[5] = {},
    status = 200,
  ) => renderChildPage(app, req, reply, user, childId, extra, status);

  return [
    defineRoute({
      method: "GET",
      url: "/tracker",
      kind: "page",
      summary: "The MACE tracker: the cohort in one dense, sortable, filterable table",
      access: safeguarding,
      handler: ({ req, reply, user }) => renderTracker(req, reply, user!, queryOf(req)),
    }),
    defineRoute({
      method: "POST",
      url: "/tracker/export",
      kind: "page",
      summary:
        "Export the tracker (as filtered and sorted) to Excel: re-enter your password; watermarked and audited",
      access: safeguarding,
      // With a reason, so that a subject who sees more children than BULK_EXPORT_CHILDREN gets a
      // request recorded (also "ok") rather than the form again.
      example: (f) => ({ form: { password: f.password, reason: "Whole cohort for the MACE audit (test)" } }),
      handler: async ({ req, reply, user }) => {
        const form = formOf(req);
        const q = trackerQuery.parse(form);
        const actor = actorOf(user!, req);
        /** The tracker again, its export form open, with the one problem (nothing exported). */
        const exportRefused = (field: "password" | "reason", message: string) =>
          renderTracker(
            req,
            reply,
            user!,
            form,
            {
              errors: [{ text: message, href: `#${field}` }],
              byField: { [field]: message },
              exportOpen: true,
            },
            400,
          );
        if (!(await passwordConfirmed(app.db, user!.id, str(form, "password")))) {
          await app.access.asUser(user!, (tx) =>
            audit(
              tx,
              auditFor(actor, {
                action: "tracker.export.refused",
                recordType: "cohort",
                reason: "password not confirmed",
              }),
            ),
          );
          return exportRefused(
            "password",
            str(form, "password") ? "The password is not correct" : "Enter your password to export",
          );
        }
        // A bulk export (more children than BULK_EXPORT_CHILDREN) waits for a second person.
        const count = await countTracker(app, user!, q);
        if (needsApproval(app, count)) {
          const ags = await agencies();
          try {
            const made = await requestExport(app, user!, actor, {
              kind: "tracker",
              params: trackerParams(q),
              filterText: describeFilters(q, (id) => ags.find((a) => a.id === id)?.name),
              children: count,
              reason: str(form, "reason"),
            });
            return reply.page("tracker/views/export-requested.njk", {
              title: "Export sent for approval",
              reference: made.reference,
              children: count,
              threshold: app.config.BULK_EXPORT_CHILDREN,
            });
          } catch (e) {
            if (!(e instanceof Invalid)) throw e;
            return exportRefused("reason", e.fields[0]?.message ?? e.message);
          }
        }
        return sendTrackerWorkbook(reply, user!, actor, q);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/tracker/export/:requestId/download",
      kind: "page",
      summary:
        "Download a bulk tracker export a manager has approved: the requester only, once, within a day; re-enter your password; built now under your access",
      access: safeguarding,
      params: z.object({ requestId: z.uuid({ message: "must be an id" }) }),
      example: (f) => ({ params: { requestId: f.approvedExportId }, form: { password: f.password } }),
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        const actor = actorOf(user!, req);
        const r = await approvedExport(app, user!, params.requestId, "tracker");
        if (!(await passwordConfirmed(app.db, user!.id, str(form, "password")))) {
          const message = str(form, "password")
            ? "The password is not correct"
            : "Enter your password to download the export";
          return renderApprovals(
            app,
            reply,
            user!,
            {
              errors: [{ text: message, href: `#password-${r.id}` }],
              byField: { [`password-${r.id}`]: message },
            },
            400,
          );
        }
        const q = trackerQuery.parse(r.params);
        return sendTrackerWorkbook(reply, user!, actor, q, async (rows) =>
          markDownloaded(app, user!, actor, r, { rows }),
        );
      },
    }),
    defineRoute({
      method: "GET",
      url: "/tracker/add",
      kind: "page",
      summary: "Add a child to the MACE cohort: from a screening decision, or directly by reference",
      access: coordinator,
      handler: async ({ req, reply, user }) => {
        const q = queryOf(req);
        return renderAdd(req, reply, user!, { child: q.child ?? "", referral: q.referral ?? "" });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/tracker/add",
      kind: "page",
      summary: "Add a child to the MACE cohort (with a reason); the panel gets a relationship to the child",
      access: coordinator,
      recordPolicy: "cohort.add",
      example: (f) => ({
        form: {
          childId: f.childId,
          reason: "Repeated missing episodes and found with adults linked to drug supply.",
          concerns: "cce",
          riskLevel: "high",
          leadAgencyId: f.ownAgencyId,
          "nextReviewOn-day": "1",
          "nextReviewOn-month": "1",
          "nextReviewOn-year": String(new Date().getUTCFullYear() + (new Date().getUTCMonth() >= 10 ? 1 : 0)),
          token: randomUUID(),
        },
      }),
      handler: async ({ req, reply, user }) => {
        const form = formOf(req);
        return handleForm(
          reply,
          async () => {
            const issues: FieldIssue[] = [];
            const next = readDate(form, "nextReviewOn", "the date of the next review", issues, {
              required: true,
            });
            const childId = str(form, "childId");
            if (!isUuid(childId))
              issues.push({ field: "child", message: "Find the child by their Lantern reference first" });
            if (issues.length) throw new Invalid("The cohort entry has problems", issues);
            await addToCohort(app, user!, actorOf(user!, req), {
              childId,
              referralId: isUuid(str(form, "referralId")) ? str(form, "referralId") : null,
              reason: str(form, "reason"),
              concerns: all(form, "concerns"),
              leadAgencyId: str(form, "leadAgencyId"),
              leadProfessional: str(form, "leadProfessional") || null,
              riskLevel: str(form, "riskLevel"),
              nextReviewOn: next ?? "",
              idempotencyKey: str(form, "token") || null,
            });
            return reply.redirect(`/children/${childId}/tracker?saved=added`, 303);
          },
          (errs) =>
            renderAdd(
              req,
              reply,
              user!,
              { child: str(form, "childId"), referral: str(form, "referralId") },
              { ...errs, values: form },
              400,
            ),
          ["nextReviewOn"],
        );
      },
    }),
    defineRoute({
      method: "GET",
      url: "/children/:id/tracker",
      kind: "page",
      summary:
        "Following this child: cohort entry, reviews, plan and actions, missing episodes and return interviews, placements, contexts",
      access: safeguarding,
      params: idParams,
      recordPolicy: "child.readContent",
      example: (f) => ({ params: { id: f.childId } }),
      handler: ({ req, reply, user, params }) => renderChild(req, reply, user!, params.id),
    }),
    defineRoute({
      method: "POST",
      url: "/tracker/entries/:id/review",
      kind: "page",
      summary:
        "Review a child in the cohort: risk, trend, lead agency and professional, next review (a new review entry)",
      access: coordinator,
      params: idParams,
      recordPolicy: "cohort.manage",
      example: (f) => ({
        params: { id: f.cohortEntryId },
        form: {
          version: "1",
          riskLevel: "medium",
          riskTrend: "decreasing",
          leadAgencyId: f.ownAgencyId,
          "nextReviewOn-day": "1",
          "nextReviewOn-month": "1",
          "nextReviewOn-year": String(new Date().getUTCFullYear() + 1),
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        const childId = await childOfEntry(params.id, user!);
        return handleForm(
          reply,
          async () => {
            const issues: FieldIssue[] = [];
            const next = readDate(form, "nextReviewOn", "the date of the next review", issues, {
              required: true,
            });
            const note = readText(form, "note", issues, { max: 4000 });
            if (issues.length) throw new Invalid("The review has problems", issues);
            await reviewEntry(
              app,
              user!,
              actorOf(user!, req),
              params.id,
              () => Number(str(form, "version")),
              {
                riskLevel: str(form, "riskLevel"),
                riskTrend: str(form, "riskTrend"),
                leadAgencyId: str(form, "leadAgencyId"),
                leadProfessional: str(form, "leadProfessional") || null,
                nextReviewOn: next!,
                note,
              },
            );
            return reply.redirect(`/children/${childId}/tracker?saved=review#entry`, 303);
          },
          (errs) => renderChild(req, reply, user!, childId, { ...errs, values: form, open: "review" }, 400),
          ["nextReviewOn"],
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/tracker/entries/:id/leave",
      kind: "page",
      summary:
        "A child leaves the cohort, with a reason and an outcome; the panel's access through the cohort ends",
      access: coordinator,
      params: idParams,
      recordPolicy: "cohort.manage",
      example: (f) => ({
        params: { id: f.cohortEntryId },
        form: {
          version: "1",
          leavingReason: "Risk has reduced over three reviews; plan held by social care.",
          leavingOutcome: "risk_reduced",
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        const childId = await childOfEntry(params.id, user!);
        return handleForm(
          reply,
          async () => {
            await leaveCohort(
              app,
              user!,
              actorOf(user!, req),
              params.id,
              () => Number(str(form, "version")),
              {
                reason: str(form, "leavingReason"),
                outcome: str(form, "leavingOutcome"),
              },
            );
            const ref = await app.db
              .selectFrom("children")
              .select("reference")
              .where("id", "=", childId)
              .executeTakeFirst();
            return reply.redirect(`/tracker?left=${encodeURIComponent(ref?.reference ?? "")}`, 303);
          },
          (errs) => renderChild(req, reply, user!, childId, { ...errs, values: form, open: "leave" }, 400),
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/tracker/entries/:id/plan",
      kind: "page",
      summary:
        "Add a goal or an action to a child's multi-agency plan (actions for your own agency; the coordinator assigns any agency)",
      access: safeguarding,
      params: idParams,
      recordPolicy: "child.addEntry",
      example: (f) => ({
        params: { id: f.cohortEntryId },
        form: { intent: "goal", goal: "Reduce time spent missing from placement", token: randomUUID() },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        const childId = await childOfEntry(params.id, user!);
        const intent = str(form, "intent") === "goal" ? "goal" : "action";
        return handleForm(
          reply,
          async () => {
            const actor = actorOf(user!, req);
            if (intent === "goal")
              await addGoal(app, user!, actor, { entryId: params.id }, str(form, "goal"));
            else {
              const issues: FieldIssue[] = [];
              const due = readDate(form, "dueOn", "the date the action is due", issues, { required: true });
              if (issues.length) throw new Invalid("The action has problems", issues);
              await addAction(
                app,
                user!,
                actor,
                { entryId: params.id },
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
            return reply.redirect(`/children/${childId}/tracker?saved=${intent}#plan`, 303);
          },
          (errs) => renderChild(req, reply, user!, childId, { ...errs, values: form, open: intent }, 400),
          ["dueOn"],
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/actions/:id",
      kind: "page",
      summary: "Update an action your agency owns: status and evidence (kept as history)",
      access: safeguarding,
      params: idParams,
      recordPolicy: "entry.ownAgency",
      example: (f) => ({
        params: { id: f.actionId },
        form: { version: "1", status: "in_progress", note: "First visit arranged." },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        const target = await actionTarget(params.id, user!);
        const back = target.child_id
          ? `/children/${target.child_id}/tracker`
          : `/contexts/${target.context_id}`;
        return handleForm(
          reply,
          async () => {
            await updateAction(
              app,
              user!,
              actorOf(user!, req),
              params.id,
              () => Number(str(form, "version")),
              {
                status: str(form, "status"),
                note: str(form, "note") || null,
              },
            );
            return reply.redirect(`${back}?saved=action#action-${params.id}`, 303);
          },
          async (errs) => {
            if (target.child_id)
              return renderChild(
                req,
                reply,
                user!,
                target.child_id,
                { ...errs, values: form, open: `action-${params.id}` },
                400,
              );
            return reply.redirect(
              `${back}?error=${encodeURIComponent(errs.errors[0]?.text ?? "")}#action-${params.id}`,
              303,
            );
          },
        );
      },
    }),
    defineRoute({
      method: "GET",
      url: "/tracker/panel",
      kind: "page",
      summary: "The MACE panel's members (each holds a relationship to every child in the cohort)",
      access: coordinator,
      handler: async ({ reply }) =>
        reply.page("tracker/views/panel.njk", { title: "MACE panel members", members: await panel(app) }),
    }),
    defineRoute({
      method: "POST",
      url: "/tracker/panel",
      kind: "page",
      summary: "Add a member to the MACE panel, or end a membership",
      access: coordinator,
      example: (f) => ({ form: { intent: "add", email: f.email } }),
      handler: async ({ req, reply, user }) => {
        const form = formOf(req);
        return handleForm(
          reply,
          async () => {
            if (str(form, "intent") === "end" && isUuid(str(form, "memberId")))
              await endPanelMember(app, user!, actorOf(user!, req), str(form, "memberId"));
            else await addPanelMember(app, user!, actorOf(user!, req), str(form, "email"));
            return reply.redirect("/tracker/panel?saved=1", 303);
          },
          async (errs) =>
            reply.page(
              "tracker/views/panel.njk",
              { title: "MACE panel members", members: await panel(app), ...errs, email: str(form, "email") },
              400,
            ),
        );
      },
    }),
  ];

  async function childOfEntry(entryId: string, user: SessionUser): Promise<string> {
    const e = await signpostScope(app, user, (tx) =>
      tx.selectFrom("cohort_entries").select("child_id").where("id", "=", entryId).executeTakeFirst(),
    );
    if (!e) throw new NotFound("There is no cohort entry with that id.");
    return e.child_id;
  }

  async function actionTarget(actionId: string, user: SessionUser) {
    const a = await signpostScope(app, user, (tx) =>
      tx
        .selectFrom("plan_actions")
        .select(["child_id", "context_id"])
        .where("id", "=", actionId)
        .executeTakeFirst(),
    );
    if (!a) throw new NotFound("There is no action with that id.");
    return a;
  }

  async function renderAdd(
    req: FastifyRequest,
    reply: FastifyReply,
    user: SessionUser,
    sel: { child: string; referral: string },
    extra: Partial<Errors> & { values?: Form } = {},
    status = 200,
  ) {
    const awaiting = await awaitingEntry(app, user);
    const referral = isUuid(sel.referral) ? awaiting.find((r) => r.id === sel.referral) : undefined;
    const found = referral
      ? {
          id: referral.child_id,
          reference: referral.child_reference,
          given_name: referral.given_name,
          family_name: referral.family_name,
          date_of_birth: null,
        }
      : sel.child
        ? await childByReference(app, user, sel.child)
        : undefined;
    const ags = await agencies();
    const values = extra.values ?? {};
    const defaults: Form = referral ? { concerns: referral.concern_types as string[] } : {};
    const chosen = all(values, "concerns").length ? all(values, "concerns") : all(defaults, "concerns");
    await app.access.asUser(user, (tx) =>
      audit(
        tx,
        auditFor(actorOf(user, req), {
          action: "cohort.awaiting.view",
          recordType: "referral",
          fieldGroups: ["identity"],
          reason: "see screening decisions awaiting a tracker entry",
          details: { shown: awaiting.map((a) => a.reference), child: found?.reference ?? null },
        }),
      ),
    );
    return reply.page(
      "tracker/views/add.njk",
      {
        title: "Add a child to the MACE cohort",
        awaiting: awaiting.map((a) => ({
          ...a,
          name: [a.given_name, a.family_name].filter(Boolean).join(" "),
          decided: shortDateTime(a.decided_at),
        })),
        found,
        notFound: Boolean(sel.child && !found),
        search: sel.child,
        referral,
        concernItems: CONCERNS.map((c) => ({ value: c, text: CONCERN_LONG[c], checked: chosen.includes(c) })),
        riskItems: RISK_LEVELS.map((r) => ({
          value: r,
          text: RISK_LABELS[r],
          checked: str(values, "riskLevel") === r,
        })),
        leadItems: [
          { value: "", text: "Choose an agency" },
          ...ags.map((a) => ({ value: a.id, text: a.name, selected: str(values, "leadAgencyId") === a.id })),
        ],
        nextReviewItems: dateItems(values, "nextReviewOn", Boolean(extra.byField?.nextReviewOn)),
        v: Object.fromEntries(Object.keys(values).map((k) => [k, str(values, k)])),
        errors: extra.errors,
        byField: extra.byField ?? {},
        token: str(values, "token") || randomUUID(),
      },
      status,
    );
  }
}
