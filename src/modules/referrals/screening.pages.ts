// Joint screening pages: the queue (deadline and red/amber/green), one referral as the team works
// it, each agency's contribution, the decision, withdrawal, and the deadline settings.
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { AppError, Invalid } from "../../platform/errors.ts";
import { FIELD_GROUP_LABELS } from "../access/access.policy.ts";
import { actorOf } from "../access/access.service.ts";
import { type KeptWording, parseLanguageOverrides } from "../language/index.ts";
import { describeRule } from "./referrals.deadline.ts";
import { concernsText, errorsFor, items, LABELS, personLines, personTitle } from "./referrals.present.ts";
import {
  contributionSchema,
  decisionSchema,
  queueQuery,
  referralIdParams,
  type ScreeningSettings,
  settingsSchema,
  withdrawSchema,
} from "./referrals.schema.ts";
import { referralService } from "./referrals.service.ts";
import {
  CHECKS,
  DECISION_HINTS,
  DECISION_LABELS,
  DISCIPLINE_LABELS,
  RISK_VIEW_LABELS,
  URGENCIES,
  URGENCY_LABELS,
} from "./referrals.vocab.ts";

const screener = rolesOnly("screener");
type Form = Record<string, string | string[] | undefined>;
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === "string" && v ? [v] : []);
const text = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) ? String(v[0] ?? "") : "");
/** The writer's "keep my wording" decisions, from the live language hints' hidden inputs. */
const keptIn = (form: Form): KeptWording[] | undefined => {
  const k = parseLanguageOverrides(form.languageOverride);
  return k.length ? k : undefined;
};

export function screeningPages(app: App): RouteDef[] {
  const svc = referralService(app);

  const screeningData = async (
    req: import("fastify").FastifyRequest,
    u: import("../../http/routes.ts").SessionUser,
    id: string,
  ) => {
    const v = await svc.forScreening(u, actorOf(u, req), id);
    return {
      ...v,
      r: v.referral,
      labels: LABELS,
      concernsText,
      personLines,
      personTitle,
      fieldGroupLabels: FIELD_GROUP_LABELS,
      title: `Screening ${v.referral.reference}`,
    };
  };

  return [
    defineRoute({
      method: "GET",
      url: "/screening",
      kind: "page",
      summary: "The joint screening queue: open referrals by deadline, red/amber/green",
      access: rolesOnly("screener", "manager"),
      handler: async ({ req, reply, user }) => {
        const raw = Object.fromEntries(
          Object.entries(req.query as Record<string, string>).filter(([, v]) => v),
        );
        const parsed = queueQuery.safeParse(raw);
        const f = parsed.success ? parsed.data : {};
        const data = await svc.queue(user!, actorOf(user!, req), f);
        const sortLink = (key: string) => {
          const order =
            f.sort === key || (!f.sort && key === "due") ? (f.order === "desc" ? "asc" : "desc") : "asc";
          const qs = new URLSearchParams({ ...raw, sort: key, order });
          return `/screening?${qs.toString()}`;
        };
        const ariaSort = (key: string) =>
          f.sort === key || (!f.sort && key === "due")
            ? f.order === "desc"
              ? "descending"
              : "ascending"
            : "none";
        return reply.page("referrals/views/queue.njk", {
          ...data,
          f,
          title: "Joint screening queue",
          labels: LABELS,
          concernsText,
          sortLink,
          ariaSort,
          canScreen: user!.roles.includes("screener"),
          urgencyItems: [
            { value: "", text: "Any" },
            ...URGENCIES.map((u) => ({ value: u, text: URGENCY_LABELS[u], selected: f.urgency === u })),
          ],
          ragItems: [
            { value: "", text: "Any" },
            { value: "red", text: "Red", selected: f.rag === "red" },
            { value: "amber", text: "Amber", selected: f.rag === "amber" },
            { value: "green", text: "Green", selected: f.rag === "green" },
          ],
          rules: Object.fromEntries(URGENCIES.map((u) => [u, describeRule(data.settings.deadlines[u])])),
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/screening/referrals/:id",
      kind: "page",
      summary: "A referral as the joint screening team works it",
      access: screener,
      params: referralIdParams,
      recordPolicy: "referral.screen",
      example: (f) => ({ params: { id: f.referralId } }),
      handler: async ({ req, reply, user, params }) => {
        const data = await screeningData(req, user!, params.id);
        reply.header("x-lantern-field-groups", data.fieldGroups.join(","));
        const flash = (req.query as Record<string, string>).done;
        return reply.page("referrals/views/screening.njk", {
          ...data,
          flash:
            flash === "joined"
              ? "You have joined this screening. You can now open the child's record."
              : flash === "contribution"
                ? "Your agency's contribution was added."
                : flash === "decided"
                  ? "Decision recorded."
                  : flash === "withdrawn"
                    ? "The referral was withdrawn."
                    : flash === "identified"
                      ? "The referral is now linked to the child's record."
                      : null,
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/screening/referrals/:id/join",
      kind: "page",
      summary: "Join a screening (a time-limited screening_participant relationship to the child)",
      access: screener,
      params: referralIdParams,
      recordPolicy: "referral.screen",
      example: (f) => ({ params: { id: f.referralId } }),
      handler: async ({ req, reply, user, params }) => {
        await svc.join(user!, actorOf(user!, req), params.id);
        return reply.redirect(`/screening/referrals/${params.id}?done=joined`, 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/screening/referrals/:id/contribution",
      kind: "page",
      summary: "Add your agency's contribution to a screening",
      access: screener,
      params: referralIdParams,
      recordPolicy: "referral.screen",
      example: (f) => ({ params: { id: f.referralId } }),
      handler: async ({ req, reply, user, params }) => {
        const data = await screeningData(req, user!, params.id);
        const correcting = (req.query as Record<string, string>).correct === "1" ? data.myContribution : null;
        return reply.page(
          "referrals/views/contribution.njk",
          contributionView(
            data,
            correcting
              ? {
                  findings: correcting.findings ?? "",
                  sharedSummary: correcting.shared_summary ?? "",
                  riskView: correcting.risk_view,
                  checksMade: correcting.checks_made ?? [],
                }
              : {},
            correcting?.id,
          ),
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/screening/referrals/:id/contribution",
      kind: "page",
      summary: "Save your agency's contribution",
      access: screener,
      params: referralIdParams,
      recordPolicy: "referral.screen",
      example: (f) => ({
        params: { id: f.referralId },
        form: {
          findings: "No records held about the child or the adults described.",
          sharedSummary: "Nothing known to this agency.",
          riskView: "not_assessed",
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Form;
        const input = {
          checksMade: list(form.checksMade),
          findings: text(form.findings),
          sharedSummary: text(form.sharedSummary),
          riskView: text(form.riskView) || undefined,
          supersedesId: text(form.supersedesId) || undefined,
          languageKept: keptIn(form),
        };
        const parsed = contributionSchema.safeParse(input);
        const fail = async (fields: { field: string; message: string }[], status: number) => {
          const data = await screeningData(req, user!, params.id);
          return reply.page(
            "referrals/views/contribution.njk",
            { ...contributionView(data, input, input.supersedesId), ...errorsFor(fields) },
            status,
          );
        };
        if (!parsed.success)
          return fail(
            parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? "findings"), message: i.message })),
            400,
          );
        try {
          await svc.contribute(user!, actorOf(user!, req), params.id, parsed.data);
        } catch (e) {
          if (e instanceof Invalid) return fail(e.fields, 400);
          if (e instanceof AppError && e.code === "conflict")
            return fail([{ field: "findings", message: e.message }], 409);
          throw e;
        }
        return reply.redirect(`/screening/referrals/${params.id}?done=contribution`, 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/screening/referrals/:id/decision",
      kind: "page",
      summary: "Record the screening decision",
      access: screener,
      params: referralIdParams,
      recordPolicy: "referral.screen",
      example: (f) => ({ params: { id: f.referralId } }),
      handler: async ({ req, reply, user, params }) => {
        const data = await screeningData(req, user!, params.id);
        return reply.page("referrals/views/decision.njk", await decisionView(user!, data, {}));
      },
    }),
    defineRoute({
      method: "POST",
      url: "/screening/referrals/:id/decision",
      kind: "page",
      summary: "Save the screening decision (with its rationale; the form carries the version)",
      access: screener,
      params: referralIdParams,
      recordPolicy: "referral.screen",
      example: (f) => ({
        params: { id: f.referralId },
        form: {
          decision: "mace",
          rationale:
            "Several indicators of exploitation and an adult of concern described; MACE planning needed.",
          version: "1",
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Form;
        const input = {
          decision: text(form.decision) || undefined,
          rationale: text(form.rationale),
          leadProfessionalId: text(form.leadProfessionalId) || undefined,
          languageKept: keptIn(form),
        };
        const fail = async (
          fields: { field: string; message: string }[],
          status: number,
          conflict = false,
        ) => {
          const data = await screeningData(req, user!, params.id);
          return reply.page(
            "referrals/views/decision.njk",
            { ...(await decisionView(user!, data, input)), conflict, ...errorsFor(fields) },
            status,
          );
        };
        const parsed = decisionSchema.safeParse(input);
        if (!parsed.success)
          return fail(
            parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? "decision"), message: i.message })),
            400,
          );
        try {
          await svc.decide(
            user!,
            actorOf(user!, req),
            params.id,
            () => Number(text(form.version)),
            parsed.data,
          );
        } catch (e) {
          if (e instanceof Invalid) return fail(e.fields, 400);
          if (e instanceof AppError && (e.code === "precondition_failed" || e.code === "conflict"))
            return fail([{ field: "decision", message: e.message }], 409, true);
          throw e;
        }
        return reply.redirect(`/screening/referrals/${params.id}?done=decided`, 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/screening/referrals/:id/withdraw",
      kind: "page",
      summary: "Withdraw a referral from screening (with a reason)",
      access: screener,
      params: referralIdParams,
      recordPolicy: "referral.screen",
      example: (f) => ({ params: { id: f.referralId } }),
      handler: async ({ req, reply, user, params }) => {
        const data = await screeningData(req, user!, params.id);
        return reply.page("referrals/views/withdraw.njk", {
          referral: data.referral,
          title: "Withdraw referral",
          values: {},
          formAction: `/screening/referrals/${params.id}/withdraw`,
          backHref: `/screening/referrals/${params.id}`,
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/screening/referrals/:id/withdraw",
      kind: "page",
      summary: "Withdraw a referral from screening",
      access: screener,
      params: referralIdParams,
      recordPolicy: "referral.screen",
      example: (f) => ({
        params: { id: f.referralId },
        form: { reason: "Duplicate of another referral about the same incident.", version: "1" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Form;
        const parsed = withdrawSchema.safeParse({ reason: text(form.reason) });
        const fail = async (
          fields: { field: string; message: string }[],
          status: number,
          conflict = false,
        ) => {
          const data = await screeningData(req, user!, params.id);
          return reply.page(
            "referrals/views/withdraw.njk",
            {
              referral: data.referral,
              title: "Withdraw referral",
              values: form,
              conflict,
              formAction: `/screening/referrals/${params.id}/withdraw`,
              backHref: `/screening/referrals/${params.id}`,
              ...errorsFor(fields),
            },
            status,
          );
        };
        if (!parsed.success)
          return fail(
            parsed.error.issues.map((i) => ({ field: "reason", message: i.message })),
            400,
          );
        try {
          await svc.withdraw(
            user!,
            actorOf(user!, req),
            params.id,
            () => Number(text(form.version)),
            parsed.data.reason,
          );
        } catch (e) {
          if (e instanceof AppError && (e.code === "precondition_failed" || e.code === "conflict"))
            return fail([{ field: "reason", message: e.message }], 409, true);
          throw e;
        }
        return reply.redirect(`/screening/referrals/${params.id}?done=withdrawn`, 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/screening/referrals/:id/identify",
      kind: "page",
      summary: "Identify the child in a referral about a child who had not been identified",
      access: screener,
      params: referralIdParams,
      recordPolicy: "referral.screen",
      example: (f) => ({ params: { id: f.unknownReferralId } }),
      handler: async ({ req, reply, user, params }) => {
        const data = await screeningData(req, user!, params.id);
        return reply.page(
          "referrals/views/identify.njk",
          await identifyView(req, user!, data, (req.query ?? {}) as Record<string, string>),
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/screening/referrals/:id/identify",
      kind: "page",
      summary: "Link the referral to the child's record",
      access: screener,
      params: referralIdParams,
      recordPolicy: "referral.screen",
      example: (f) => ({ params: { id: f.unknownReferralId }, form: { childId: f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Form;
        const childId = text(form.childId);
        const fail = async (message: string, status: number) => {
          const data = await screeningData(req, user!, params.id);
          return reply.page(
            "referrals/views/identify.njk",
            { ...(await identifyView(req, user!, data, {})), ...errorsFor([{ field: "childId", message }]) },
            status,
          );
        };
        if (!/^[0-9a-f-]{36}$/i.test(childId)) return fail("Select the child from the search results", 400);
        try {
          await svc.identify(user!, actorOf(user!, req), params.id, childId);
        } catch (e) {
          if (e instanceof Invalid) return fail(e.fields[0]?.message ?? e.message, 400);
          if (e instanceof AppError && e.code === "conflict") return fail(e.message, 409);
          throw e;
        }
        return reply.redirect(`/screening/referrals/${params.id}?done=identified`, 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/screening/settings",
      kind: "page",
      summary: "Screening deadlines and working hours",
      access: rolesOnly("screener", "manager", "admin"),
      handler: async ({ req, reply, user }) => {
        const s = await svc.settings();
        return reply.page(
          "referrals/views/settings.njk",
          settingsView(
            s.settings,
            s.version,
            user!.roles.includes("admin"),
            (req.query as Record<string, string>).saved === "1",
          ),
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/screening/settings",
      kind: "page",
      summary: "Change screening deadlines and working hours (administrators)",
      access: rolesOnly("admin"),
      example: (f) => ({
        form: {
          immediate_amount: "4",
          immediate_unit: "working_hours",
          high_amount: "1",
          high_unit: "working_days",
          medium_amount: "3",
          medium_unit: "working_days",
          low_amount: "5",
          low_unit: "working_days",
          start: "09:00",
          end: "17:00",
          days: "1,2,3,4,5",
          closedDates: "",
          amberPercent: "50",
          redPercent: "25",
          secondEscalation: "8",
          version: f.screeningSettingsVersion,
        },
      }),
      handler: async ({ req, reply, user }) => {
        const form = (req.body ?? {}) as Form;
        const num = (k: string) => (text(form[k]).trim() === "" ? Number.NaN : Number(text(form[k])));
        const input = {
          deadlines: Object.fromEntries(
            URGENCIES.map((u) => [u, { amount: num(`${u}_amount`), unit: text(form[`${u}_unit`]) }]),
          ),
          workingHours: {
            start: text(form.start),
            end: text(form.end),
            days: list(form.days)
              .flatMap((d) => d.split(","))
              .filter(Boolean)
              .map(Number),
            closedDates: text(form.closedDates)
              .split(/[\s,]+/)
              .filter(Boolean),
          },
          rag: { amberBelow: num("amberPercent") / 100, redBelow: num("redPercent") / 100 },
          secondEscalationAfterWorkingHours: num("secondEscalation"),
        };
        const parsed = settingsSchema.safeParse(input);
        const fieldOf = (path: PropertyKey[]) => {
          const p = path.map(String);
          if (p[0] === "deadlines") return `${p[1]}_${p[2] ?? "amount"}`;
          if (p[0] === "workingHours") return p[1] === "closedDates" ? "closedDates" : (p[1] ?? "start");
          if (p[0] === "rag") return p[1] === "redBelow" ? "redPercent" : "amberPercent";
          return "secondEscalation";
        };
        if (!parsed.success) {
          const s = await svc.settings();
          return reply.page(
            "referrals/views/settings.njk",
            {
              ...settingsView(
                input as unknown as ScreeningSettings,
                Number(text(form.version)),
                true,
                false,
                form,
              ),
              ...errorsFor(parsed.error.issues.map((i) => ({ field: fieldOf(i.path), message: i.message }))),
              currentVersion: s.version,
            },
            400,
          );
        }
        try {
          await svc.updateSettings(user!, actorOf(user!, req), Number(text(form.version)), parsed.data);
        } catch (e) {
          if (e instanceof AppError && e.code === "precondition_failed")
            return reply.page(
              "referrals/views/settings.njk",
              {
                ...settingsView(parsed.data, Number(text(form.version)), true, false, form),
                ...errorsFor([{ field: "immediate_amount", message: e.message }]),
              },
              409,
            );
          throw e;
        }
        return reply.redirect("/screening/settings?saved=1", 303);
      },
    }),
  ];

  async function identifyView(
    req: import("fastify").FastifyRequest,
    u: import("../../http/routes.ts").SessionUser,
    data: Awaited<ReturnType<typeof screeningData>>,
    q: Record<string, string>,
  ) {
    const name = (q.name ?? "").trim();
    const dateOfBirth = (q.dateOfBirth ?? "").trim();
    let results: Awaited<ReturnType<typeof app.access.search>> = [];
    let searchError: string | null = null;
    if (name || dateOfBirth) {
      if (dateOfBirth && !/^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth))
        searchError = "Enter a date of birth like 2011-04-23";
      else
        results = await app.access.search(u, actorOf(u, req), {
          name: name || undefined,
          dateOfBirth: dateOfBirth || undefined,
        });
    }
    return {
      ...data,
      title: `Identify the child in ${data.referral.reference}`,
      search: { name, dateOfBirth },
      searched: Boolean(name || dateOfBirth),
      searchError,
      childItems: results.map((r) => ({
        value: r.id,
        text: `${r.givenName ?? ""} ${r.familyName ?? ""}`.trim() || r.reference,
        hint: {
          text: `Born ${r.dateOfBirth ?? "date not known"} · ${r.school ?? "school not recorded"} · ${r.reference}`,
        },
      })),
    };
  }

  function contributionView(
    data: Awaited<ReturnType<typeof screeningData>>,
    values: {
      findings?: string;
      sharedSummary?: string;
      riskView?: string;
      checksMade?: string[];
      languageKept?: KeptWording[];
    },
    supersedesId?: string,
  ) {
    return {
      ...data,
      title: `${DISCIPLINE_LABELS[data.myDiscipline]}: contribution to ${data.referral.reference}`,
      values,
      supersedesId: supersedesId ?? null,
      checkItems: items(
        Object.fromEntries(CHECKS[data.myDiscipline].map((c) => [c, c])),
        values.checksMade ?? [],
      ),
      riskItems: items(RISK_VIEW_LABELS, values.riskView),
      fieldGroupLabel:
        FIELD_GROUP_LABELS[
          (
            { police: "police_intelligence", health: "health", education: "education" } as Record<
              string,
              keyof typeof FIELD_GROUP_LABELS
            >
          )[data.myDiscipline] ?? "narrative"
        ],
    };
  }

  async function decisionView(
    u: import("../../http/routes.ts").SessionUser,
    data: Awaited<ReturnType<typeof screeningData>>,
    values: {
      decision?: string;
      rationale?: string;
      leadProfessionalId?: string;
      languageKept?: KeptWording[];
    },
  ) {
    const leads = data.referral.child_id ? await svc.leadProfessionalOptions(u) : [];
    return {
      ...data,
      title: `Decision on ${data.referral.reference}`,
      values,
      decisionItems: items(DECISION_LABELS, values.decision, DECISION_HINTS),
      leads,
      leadItems: [
        { value: "", text: "No allocation now" },
        ...leads.map((l) => ({
          value: l.id,
          text: `${l.display_name}${l.job_title ? `, ${l.job_title}` : ""}${l.team ? ` (${l.team})` : ""}`,
          selected: l.id === values.leadProfessionalId,
        })),
      ],
    };
  }

  function settingsView(
    s: ScreeningSettings,
    version: number,
    editable: boolean,
    saved: boolean,
    form?: Form,
  ) {
    return {
      title: "Screening deadlines and working hours",
      s,
      version,
      editable,
      saved,
      form: form ?? null,
      urgencies: URGENCIES.map((u) => ({ code: u, label: URGENCY_LABELS[u], rule: s.deadlines[u] })),
      days: [
        ["1", "Monday"],
        ["2", "Tuesday"],
        ["3", "Wednesday"],
        ["4", "Thursday"],
        ["5", "Friday"],
        ["6", "Saturday"],
        ["7", "Sunday"],
      ].map(([v, t]) => ({
        value: v,
        text: t,
        checked: (s.workingHours?.days ?? []).map(String).includes(v),
      })),
    };
  }
}
