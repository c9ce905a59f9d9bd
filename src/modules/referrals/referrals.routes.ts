// Referral and joint screening API under /api/v1. Thin: parse → service → present. Bad input is a
// 400 listing the fields; a repeat with the same Idempotency-Key returns the referral already made.
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app.ts";
import { requireIfMatch, setEtag } from "../../http/etag.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { Invalid } from "../../platform/errors.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import type { DeadlineState } from "./referrals.deadline.ts";
import type { ContributionRow, PersonRow, ReferralRow } from "./referrals.queries.ts";
import {
  contributionSchema,
  contributionView,
  decisionSchema,
  queueQuery,
  queueRowSchema,
  referralFullSchema,
  referralIdParams,
  referralStatusSchema,
  referralSubmission,
  settingsSchema,
  withdrawSchema,
} from "./referrals.schema.ts";
import { referralService, statusOf } from "./referrals.service.ts";

const safeguarding = rolesOnly(...SAFEGUARDING_ROLES);
const screener = rolesOnly("screener");

export const EXAMPLE_REFERRAL = (childId: string) => ({
  about: "child",
  childId,
  concernTypes: ["cce", "county_lines"],
  urgency: "high",
  indicators: ["missing_episodes", "multiple_phones"],
  whatHappened:
    "The child was found by police at a railway station 40 miles from home at 23:00 with two phones and cash. He said adults had told him to travel there.",
  childWords: "They said if I lose it I owe them.",
  workerGenderPreference: "male",
  parentsAware: "yes",
  send: "ehcp",
  disability: "no",
  lookedAfter: "no",
  personsOfConcern: [
    {
      description:
        "Man, about 25, slim, short dark hair, drives a grey hatchback; collects the child from the park.",
      approximateAge: 25,
      sex: "male",
      vehicles: ["Grey hatchback, registration starts KX19"],
      phones: ["07700 900123"],
      places: ["Riverside Park car park"],
    },
  ],
});

function idempotencyKey(req: FastifyRequest, userId: string): string | undefined {
  const raw = req.headers["idempotency-key"];
  if (raw === undefined) return undefined;
  const key = String(raw).trim();
  if (!/^[A-Za-z0-9._:-]{8,200}$/.test(key))
    throw new Invalid("The Idempotency-Key header must be 8 to 200 letters, digits or . _ : -", [
      { field: "Idempotency-Key", message: "must be 8 to 200 letters, digits or . _ : -" },
    ]);
  return `api:${userId}:${key}`;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
const deadlineJson = (d: DeadlineState) => ({
  dueAt: iso(d.dueAt),
  rule: d.rule,
  rag: d.rag,
  text: `${d.label}: ${d.text}`,
  minutesLeft: d.minutesLeft,
});
const statusJson = (r: ReferralRow) => {
  const s = statusOf(r);
  return { ...s, receivedAt: s.receivedAt.toISOString(), decidedAt: iso(s.decidedAt) };
};
const personJson = (p: PersonRow) => ({
  name: p.name,
  description: p.description,
  approximateAge: p.approximate_age,
  sex: p.sex,
  ethnicity: p.ethnicity,
  vehicles: p.vehicles,
  phones: p.phones,
  places: p.places,
  onlineAccounts: p.online_accounts,
  relationshipToChild: p.relationship_to_child,
});
const contributionJson = (
  c: Omit<ContributionRow, "findings" | "checks_made" | "shared_summary"> & {
    findings: string | null;
    checks_made: string[] | null;
    shared_summary: string | null;
    restricted: boolean;
    supersededBy: string | null;
  },
) => ({
  id: c.id,
  agency: c.agency_name,
  discipline: c.discipline,
  author: c.author_name,
  recordedAt: c.recorded_at.toISOString(),
  riskView: c.risk_view,
  sharedSummary: c.shared_summary,
  checksMade: c.checks_made,
  findings: c.findings,
  fieldGroup: c.field_group,
  restricted: c.restricted,
  supersedesId: c.supersedes_id,
  supersededBy: c.supersededBy,
});
function fullJson(
  r: ReferralRow,
  extra: {
    persons: PersonRow[];
    contributions: Parameters<typeof contributionJson>[0][];
    deadline: DeadlineState;
    decidedBy: { name: string } | null;
  },
) {
  return {
    ...statusJson(r),
    view: "full" as const,
    childId: r.child_id,
    unknownChild:
      r.kind === "unknown_child"
        ? {
            description: r.unknown_child_description,
            approximateAge: r.unknown_child_age,
            sex: r.unknown_child_sex,
          }
        : null,
    indicators: r.indicators,
    whatHappened: r.what_happened,
    childWords: r.child_voice,
    childWishes: r.child_wishes,
    workerGenderPreference: r.worker_gender_preference,
    send: r.send_status,
    disability: r.disability,
    lookedAfter: r.looked_after,
    personsOfConcern: extra.persons.map(personJson),
    deadline: deadlineJson(extra.deadline),
    contributions: extra.contributions.map(contributionJson),
    decision:
      r.status === "decided" && r.decision
        ? {
            decision: r.decision,
            rationale: r.decision_rationale ?? "",
            decidedBy: extra.decidedBy?.name ?? "",
            decidedAt: iso(r.decided_at)!,
          }
        : null,
    version: r.version,
  };
}

export function referralRoutes(app: App): RouteDef[] {
  const svc = referralService(app);
  return [
    defineRoute({
      method: "POST",
      url: "/api/v1/referrals",
      kind: "api",
      summary: "Make a referral (a named child, an unidentified child, or intelligence only)",
      description:
        "Send an Idempotency-Key header: a repeat with the same key returns the same referral (200) instead of making another; the same key with different answers is refused (409). Every problem with the body is listed by field (400) and nothing is written.",
      tags: ["referrals"],
      access: safeguarding,
      body: referralSubmission,
      response: referralStatusSchema.extend({ dueAt: z.string().nullable() }),
      status: 201,
      example: (f) => ({
        body: EXAMPLE_REFERRAL(f.childId),
        headers: { "idempotency-key": `authz-${f.childId}` },
      }),
      handler: async ({ req, reply, user, body }) => {
        const key = idempotencyKey(req, user!.id);
        const r = await svc.submit(user!, actorOf(user!, req), body, { key });
        reply.header("location", `/api/v1/referrals/${r.referral.id}`);
        const out = { ...statusJson(r.referral), dueAt: iso(r.referral.screening_due_at) };
        // A repeat of the same request: the referral already made, 200 rather than 201.
        if (r.replayed) return reply.code(200).send(out);
        return out;
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/referrals",
      kind: "api",
      summary: "Referrals I have made, with their status and outcome",
      tags: ["referrals"],
      access: safeguarding,
      response: z.object({ referrals: z.array(referralStatusSchema.extend({ about: z.string() })) }),
      handler: async ({ req, user }) => {
        const mine = await svc.mine(user!, actorOf(user!, req));
        return {
          referrals: mine.referrals.map((r) => ({
            ...r,
            receivedAt: r.receivedAt.toISOString(),
            decidedAt: iso(r.decidedAt),
          })),
        };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/referrals/:id",
      kind: "api",
      summary:
        "A referral: in full with access to its child (by field group); its status only for the referrer",
      tags: ["referrals"],
      access: safeguarding,
      params: referralIdParams,
      response: referralFullSchema.or(
        referralStatusSchema.extend({ view: z.literal("status"), version: z.number() }),
      ),
      recordPolicy: "referral.read",
      example: (f) => ({ params: { id: f.referralId } }),
      handler: async ({ req, reply, user, params }) => {
        const v = await svc.open(user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", v.fieldGroups.join(","));
        setEtag(reply, v.referral.version);
        if (v.view === "status")
          return { ...statusJson(v.referral), view: "status" as const, version: v.referral.version };
        return fullJson(v.referral, {
          persons: v.persons,
          contributions: v.contributions,
          deadline: v.deadline,
          decidedBy: v.decidedBy,
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/referrals/:id/withdraw",
      kind: "api",
      summary: "Withdraw a referral you made, with a reason (If-Match required)",
      tags: ["referrals"],
      access: safeguarding,
      params: referralIdParams,
      body: withdrawSchema,
      response: referralStatusSchema,
      recordPolicy: "referral.own",
      example: (f) => ({
        params: { id: f.ownReferralId },
        body: { reason: "Sent twice by mistake: see the other referral." },
        headers: { "if-match": 'W/"v1"' },
      }),
      handler: async ({ req, reply, user, params, body }) => {
        const meta = await svc.open(user!, actorOf(user!, req), params.id);
        if (meta.referral.referrer_user_id !== user!.id) {
          const { Forbidden } = await import("../../platform/errors.ts");
          throw new Forbidden(
            "Only the person who made the referral can withdraw it here; the screening team uses the screening API.",
          );
        }
        const r = await svc.withdraw(
          user!,
          actorOf(user!, req),
          params.id,
          () => requireIfMatch(req),
          body.reason,
        );
        setEtag(reply, r.version);
        return statusJson(r);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/screening/queue",
      kind: "api",
      summary: "The joint screening queue: open referrals by deadline with red/amber/green",
      tags: ["screening"],
      access: rolesOnly("screener", "manager"),
      query: queueQuery,
      response: z.object({
        referrals: z.array(queueRowSchema),
        counts: z.object({
          red: z.number(),
          amber: z.number(),
          green: z.number(),
          overdue: z.number(),
          total: z.number(),
        }),
      }),
      handler: async ({ req, user, query }) => {
        const q = await svc.queue(user!, actorOf(user!, req), query);
        return {
          referrals: q.rows.map((r) => ({
            id: r.id,
            reference: r.reference,
            kind: r.kind,
            about: r.about,
            concernTypes: r.concernTypes,
            urgency: r.urgency,
            status: r.status,
            receivedAt: r.receivedAt.toISOString(),
            deadline: deadlineJson(r.deadline),
            participants: r.participants,
            contributions: r.contributions,
            escalationLevel: r.escalationLevel,
          })),
          counts: q.counts,
        };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/screening/referrals/:id",
      kind: "api",
      summary: "A referral as the screening team works it (contributions by your agency's field groups)",
      tags: ["screening"],
      access: screener,
      params: referralIdParams,
      response: referralFullSchema,
      recordPolicy: "referral.screen",
      example: (f) => ({ params: { id: f.referralId } }),
      handler: async ({ req, reply, user, params }) => {
        const v = await svc.forScreening(user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", v.fieldGroups.join(","));
        setEtag(reply, v.referral.version);
        return fullJson(v.referral, {
          persons: v.persons,
          contributions: v.contributions,
          deadline: v.deadline,
          decidedBy: v.decidedBy,
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/screening/referrals/:id/participants",
      kind: "api",
      summary:
        "Join a screening: you become a participant, with a 30-day screening_participant relationship to a named child",
      tags: ["screening"],
      access: screener,
      params: referralIdParams,
      response: referralStatusSchema,
      recordPolicy: "referral.screen",
      example: (f) => ({ params: { id: f.referralId } }),
      handler: async ({ req, user, params }) =>
        statusJson(await svc.join(user!, actorOf(user!, req), params.id)),
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/screening/referrals/:id/contributions",
      kind: "api",
      summary: "Add your own agency's contribution (or a correction of it, pointing at the one it replaces)",
      tags: ["screening"],
      access: screener,
      params: referralIdParams,
      body: contributionSchema,
      status: 201,
      response: z.object({ id: z.uuid(), discipline: z.string(), fieldGroup: z.string() }),
      recordPolicy: "referral.screen",
      example: (f) => ({
        params: { id: f.referralId },
        body: {
          checksMade: ["Own agency records"],
          findings: "No records held about the child or the adults described.",
          sharedSummary: "Nothing known to this agency.",
          riskView: "not_assessed",
        },
      }),
      handler: async ({ req, user, params, body }) =>
        svc.contribute(user!, actorOf(user!, req), params.id, body),
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/screening/referrals/:id/child",
      kind: "api",
      summary:
        "Link a referral about an unidentified child to the child's record, once the team knows who the child is",
      tags: ["screening"],
      access: screener,
      params: referralIdParams,
      body: z.object({ childId: z.uuid({ error: "Select the child from the search results" }) }).strict(),
      response: referralStatusSchema,
      recordPolicy: "referral.screen",
      example: (f) => ({ params: { id: f.unknownReferralId }, body: { childId: f.childId } }),
      handler: async ({ req, user, params, body }) =>
        statusJson(await svc.identify(user!, actorOf(user!, req), params.id, body.childId)),
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/screening/referrals/:id/decision",
      kind: "api",
      summary: "Record the screening decision with its rationale (If-Match required)",
      tags: ["screening"],
      access: screener,
      params: referralIdParams,
      body: decisionSchema,
      response: referralStatusSchema,
      recordPolicy: "referral.screen",
      example: (f) => ({
        params: { id: f.referralId },
        body: {
          decision: "strategy_discussion",
          rationale:
            "Reasonable cause to suspect significant harm; strategy discussion with police, health and education.",
        },
        headers: { "if-match": 'W/"v1"' },
      }),
      handler: async ({ req, reply, user, params, body }) => {
        const r = await svc.decide(user!, actorOf(user!, req), params.id, () => requireIfMatch(req), body);
        setEtag(reply, r.version);
        return statusJson(r);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/screening/referrals/:id/withdraw",
      kind: "api",
      summary: "Withdraw a referral from screening, with a reason (If-Match required)",
      tags: ["screening"],
      access: screener,
      params: referralIdParams,
      body: withdrawSchema,
      response: referralStatusSchema,
      recordPolicy: "referral.screen",
      example: (f) => ({
        params: { id: f.referralId },
        body: { reason: "Duplicate of another referral about the same incident." },
        headers: { "if-match": 'W/"v1"' },
      }),
      handler: async ({ req, reply, user, params, body }) => {
        const r = await svc.withdraw(
          user!,
          actorOf(user!, req),
          params.id,
          () => requireIfMatch(req),
          body.reason,
        );
        setEtag(reply, r.version);
        return statusJson(r);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/screening/settings",
      kind: "api",
      summary: "Screening deadlines per urgency, working hours and red/amber/green thresholds",
      tags: ["screening"],
      access: rolesOnly("screener", "manager", "admin"),
      response: settingsSchema,
      handler: async ({ reply }) => {
        const s = await svc.settings();
        setEtag(reply, s.version);
        return s.settings;
      },
    }),
    defineRoute({
      method: "PUT",
      url: "/api/v1/screening/settings",
      kind: "api",
      summary: "Change the screening settings (administrators; If-Match required; applies to new referrals)",
      tags: ["screening"],
      access: rolesOnly("admin"),
      body: settingsSchema,
      response: settingsSchema,
      example: (f) => ({
        body: {
          deadlines: {
            immediate: { amount: 4, unit: "working_hours" },
            high: { amount: 1, unit: "working_days" },
            medium: { amount: 3, unit: "working_days" },
            low: { amount: 5, unit: "working_days" },
          },
          workingHours: { start: "09:00", end: "17:00", days: [1, 2, 3, 4, 5], closedDates: [] },
          rag: { amberBelow: 0.5, redBelow: 0.25 },
          secondEscalationAfterWorkingHours: 8,
        },
        headers: { "if-match": `W/"v${f.screeningSettingsVersion}"` },
      }),
      handler: async ({ req, reply, user, body }) => {
        const r = await svc.updateSettings(user!, actorOf(user!, req), requireIfMatch(req), body);
        setEtag(reply, r.version);
        return r.settings;
      },
    }),
  ];
}

export { contributionView };
