// The child's "following" page (tracker, plan, missing, placements, contexts): rendered by its own
// GET route and again, with the error summary, by every form on it that is refused.
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { App } from "../../app.ts";
import type { SessionUser } from "../../http/routes.ts";
import { formatLondon, londonDate } from "../../platform/clock.ts";
import { actorOf } from "../access/access.service.ts";
import { CONTEXT_LABELS } from "../contexts/contexts.vocab.ts";
import { humanDuration } from "../missing/missing.clock.ts";
import { NOTIFY_LABELS, NOTIFY_METHODS } from "../missing/placements.service.ts";
import { childFollowUp } from "./child.service.ts";
import { shortDate, shortDateTime, shortDay } from "./format.ts";
import { dateItems, dateParts, type Errors, type Form, str } from "./forms.ts";
import { queryOf } from "./page-helpers.ts";
import { agencyList } from "./tracker.service.ts";
import {
  ACTION_COLOURS,
  ACTION_LABELS,
  ACTION_STATUSES,
  CONCERN_LONG,
  LEAVING_LABELS,
  LEAVING_OUTCOMES,
  RISK_COLOURS,
  RISK_LABELS,
  RISK_LEVELS,
  RISK_TRENDS,
  TREND_ARROWS,
  TREND_LABELS,
} from "./tracker.vocab.ts";

export async function renderChildPage(
  app: App,
  req: FastifyRequest,
  reply: FastifyReply,
  user: SessionUser,
  childId: string,
  extra: Partial<Errors> & { values?: Form; open?: string; flash?: string } = {},
  status = 200,
) {
  const f = await childFollowUp(app, user, actorOf(user, req), childId);
  const ags = await agencyList(app);
  reply.header("x-lantern-field-groups", f.decision.fieldGroups.join(","));
  const c = f.child;
  const name = [c.given_name, c.family_name].filter(Boolean).join(" ") || c.reference;
  const values = extra.values ?? {};
  const isCoordinator = user.roles.includes("mace_coordinator");
  const entry = f.entry;
  const open = entry?.status === "open";
  const today = londonDate(app.clock.now());
  const agencyItems = (selected?: string, onlyOwn = false) => [
    { value: "", text: "Choose an agency" },
    ...ags
      .filter((a) => !onlyOwn || a.id === user.agencyId)
      .map((a) => ({ value: a.id, text: a.name, selected: a.id === selected })),
  ];
  const v = (k: string, fallback = "") => (values[k] !== undefined ? str(values, k) : fallback);
  return reply.page(
    "tracker/views/child.njk",
    {
      title: `${name}: following this child`,
      name,
      child: c,
      decision: f.decision,
      groups: f.decision.fieldGroups,
      entry: entry && {
        ...entry,
        open,
        riskLabel: RISK_LABELS[entry.risk_level],
        riskColour: RISK_COLOURS[entry.risk_level],
        trendLabel: TREND_LABELS[entry.risk_trend],
        arrow: TREND_ARROWS[entry.risk_trend],
        concerns: entry.concern_types
          .map((k) => CONCERN_LONG[k as keyof typeof CONCERN_LONG] ?? k)
          .join(", "),
        addedAt: shortDateTime(entry.added_at),
        nextReview: shortDate(entry.next_review_on),
        lastReview: shortDate(entry.last_review_on) || "None yet",
        reviewOverdue: entry.next_review_on < today && open,
        leftAt: shortDateTime(entry.left_at),
        leavingOutcome: entry.leaving_outcome ? LEAVING_LABELS[entry.leaving_outcome] : "",
      },
      pastEntries: f.pastEntries.map((e) => ({
        ...e,
        addedAt: shortDay(e.added_at),
        leftAt: shortDay(e.left_at),
        outcome: e.leaving_outcome ? LEAVING_LABELS[e.leaving_outcome] : "",
      })),
      reviews: f.reviews.map((r) => ({
        ...r,
        at: shortDateTime(r.reviewed_at),
        risk: RISK_LABELS[r.risk_level],
        trend: TREND_LABELS[r.risk_trend],
        next: shortDate(r.next_review_on),
      })),
      goals: f.goals,
      actions: f.actions.map((a) => ({
        ...a,
        statusLabel: ACTION_LABELS[a.status],
        statusColour: ACTION_COLOURS[a.status],
        due: shortDate(a.due_on),
        overdue: (a.status === "open" || a.status === "in_progress") && a.due_on < today,
        mine: a.owner_agency_id === user.agencyId && f.decision.addEntries,
        statusItems: ACTION_STATUSES.map((s) => ({
          value: s,
          text: ACTION_LABELS[s],
          checked: s === a.status,
        })),
        history: a.history.map((h) => ({
          ...h,
          at: shortDateTime(h.at),
          statusLabel: ACTION_LABELS[h.status as keyof typeof ACTION_LABELS] ?? h.status,
        })),
      })),
      episodes: f.episodes.map((e) => ({
        ...e,
        started: shortDateTime(e.started_at),
        ended: shortDateTime(e.ended_at),
        duration: humanDuration(e.durationMs),
        dueIso: e.clock.dueAt?.toISOString() ?? "",
      })),
      pattern: f.pattern,
      placements: f.placements.map((p) => ({
        ...p,
        started: shortDate(p.started_on),
        ended: shortDate(p.ended_on),
        mine: p.agency_id === user.agencyId && f.decision.addEntries,
        notifications: p.notifications.map((n) => ({
          ...n,
          at: shortDateTime(n.notified_at),
          ack: shortDateTime(n.acknowledged_at),
          method: NOTIFY_LABELS[n.method],
        })),
      })),
      contexts: f.contexts.map((x) => ({ ...x, kindLabel: CONTEXT_LABELS[x.kind] })),
      meetings: f.meetings.map((m) => ({ ...m, at: shortDay(m.held_at) })),
      isCoordinator,
      canAdd: f.decision.addEntries,
      canWrite: f.decision.write,
      showPlacement: f.decision.fieldGroups.includes("placement"),
      riskItems: RISK_LEVELS.map((r) => ({
        value: r,
        text: RISK_LABELS[r],
        checked: v("riskLevel", entry?.risk_level) === r,
      })),
      trendItems: RISK_TRENDS.filter((t) => t !== "new").map((t) => ({
        value: t,
        text: TREND_LABELS[t],
        checked: v("riskTrend", entry?.risk_trend) === t,
      })),
      leadItems: agencyItems(v("leadAgencyId", entry?.lead_agency_id)),
      actionAgencyItems: agencyItems(v("ownerAgencyId", isCoordinator ? "" : user.agencyId), !isCoordinator),
      goalItems: [
        { value: "", text: "No particular goal" },
        ...f.goals.map((g) => ({ value: g.id, text: g.text, selected: v("goalId") === g.id })),
      ],
      outcomeItems: LEAVING_OUTCOMES.map((o) => ({
        value: o,
        text: LEAVING_LABELS[o],
        checked: v("leavingOutcome") === o,
      })),
      notifyItems: NOTIFY_METHODS.map((m) => ({
        value: m,
        text: NOTIFY_LABELS[m],
        checked: v("method") === m,
      })),
      nextReviewItems: dateItems(
        values["nextReviewOn-day"] !== undefined
          ? values
          : {
              ...Object.fromEntries(
                Object.entries(dateParts(entry?.next_review_on)).map(([k, x]) => [`nextReviewOn-${k}`, x]),
              ),
            },
        "nextReviewOn",
        Boolean(extra.byField?.nextReviewOn),
      ),
      dueItems: dateItems(values, "dueOn", Boolean(extra.byField?.dueOn)),
      startedOnItems: dateItems(values, "startedOn", Boolean(extra.byField?.startedOn)),
      notifiedItems: dateItems(values, "notified", Boolean(extra.byField?.notified)),
      values,
      v: Object.fromEntries(Object.keys(values).map((k) => [k, str(values, k)])),
      errors: extra.errors,
      byField: extra.byField ?? {},
      open: extra.open ?? "",
      flash: extra.flash ?? queryOf(req).saved ?? "",
      token: randomUUID(),
      childId,
      now: formatLondon(app.clock.now()),
    },
    status,
  );
}
