// The child's timeline: everything Lantern knows about a child in date order (referrals, screening
// contributions and decisions, risk assessments, missing episodes, and later modules' entries),
// each entry in a field group, filtered by the viewer's access. The child's voice is gathered from
// the same records and shown first. Sources are registered, so later modules (meetings, disruption)
// add theirs without changing this file.
import type { Kysely, Transaction } from "kysely";
import type { App } from "../../app.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { type ChildDecision, FIELD_GROUP_LABELS, type FieldGroup } from "../access/access.policy.ts";
import { LEVEL_LABELS, LEVEL_TAG } from "../assessments/tool.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import "../assessments/assessments.tables.ts";
import "../referrals/referrals.tables.ts";
import {
  CONCERN_SHORT,
  type ConcernType,
  DECISION_LABELS,
  type Decision,
  DISCIPLINE_LABELS,
  RISK_VIEW_LABELS,
  URGENCY_LABELS,
  type Urgency,
  WORKER_GENDER_LABELS,
} from "../referrals/referrals.vocab.ts";

export type TimelineKind = "referral" | "screening" | "decision" | "assessment" | "missing" | "other";
export const KIND_LABELS: Record<TimelineKind, string> = {
  referral: "Referrals",
  screening: "Screening",
  decision: "Decisions",
  assessment: "Risk assessments",
  missing: "Missing episodes",
  other: "Other",
};

export type TimelineEvent = {
  at: Date;
  kind: TimelineKind;
  title: string;
  summary?: string;
  /** The field group that holds the entry's content; entries outside the viewer's groups are left out. */
  fieldGroup: FieldGroup;
  agency?: string;
  who?: string;
  href?: string;
  tag?: { text: string; classes: string };
  /** The child's own words or wishes in this entry. */
  voice?: { words?: string | null; wishes?: string | null; worker?: string | null };
};

export type TimelineSource = (tx: Kysely<DB>, childId: string) => Promise<TimelineEvent[]>;
const SOURCES = new Map<string, TimelineSource>();
/** Adds a source of timeline entries (one per module). */
export function registerTimelineSource(name: string, source: TimelineSource): void {
  SOURCES.set(name, source);
}

registerTimelineSource("referrals", async (tx, childId) => {
  const rows = await tx
    .selectFrom("referrals as r")
    .innerJoin("agencies as a", "a.id", "r.referrer_agency_id")
    .leftJoin("users as u", "u.id", "r.referrer_user_id")
    .leftJoin("users as d", "d.id", "r.decided_by")
    .leftJoin("agencies as da", "da.id", "d.agency_id")
    .select([
      "r.id",
      "r.reference",
      "r.received_at",
      "r.concern_types",
      "r.urgency",
      "r.what_happened",
      "r.child_voice",
      "r.child_wishes",
      "r.worker_gender_preference",
      "r.status",
      "r.decision",
      "r.decision_rationale",
      "r.decided_at",
      "r.withdrawn_at",
      "r.withdrawn_reason",
      "a.name as agency",
      "u.display_name as referrer",
      "d.display_name as decider",
      "da.name as decider_agency",
    ])
    .where("r.child_id", "=", childId)
    .execute();
  const out: TimelineEvent[] = [];
  for (const r of rows) {
    out.push({
      at: r.received_at,
      kind: "referral",
      title: `Referral ${r.reference}: ${r.concern_types.map((c) => CONCERN_SHORT[c as ConcernType] ?? c).join(", ")} (${URGENCY_LABELS[r.urgency as Urgency].toLowerCase()} urgency)`,
      summary: r.what_happened,
      fieldGroup: "narrative",
      agency: r.agency,
      who: r.referrer ?? undefined,
      href: `/referrals/${r.id}`,
      voice: {
        words: r.child_voice,
        wishes: r.child_wishes,
        worker:
          r.worker_gender_preference &&
          r.worker_gender_preference !== "not_asked" &&
          r.worker_gender_preference !== "no_preference"
            ? WORKER_GENDER_LABELS[r.worker_gender_preference]
            : null,
      },
    });
    if (r.status === "decided" && r.decided_at && r.decision)
      out.push({
        at: r.decided_at,
        kind: "decision",
        title: `Screening decision on ${r.reference}: ${DECISION_LABELS[r.decision as Decision]}`,
        summary: r.decision_rationale ?? undefined,
        fieldGroup: "narrative",
        agency: r.decider_agency ?? undefined,
        who: r.decider ?? undefined,
        href: `/referrals/${r.id}`,
        tag: { text: r.decision === "mace" ? "MACE" : "Decision", classes: "govuk-tag--purple" },
      });
    if (r.status === "withdrawn" && r.withdrawn_at)
      out.push({
        at: r.withdrawn_at,
        kind: "decision",
        title: `Referral ${r.reference} withdrawn`,
        summary: r.withdrawn_reason ?? undefined,
        fieldGroup: "narrative",
        href: `/referrals/${r.id}`,
        tag: { text: "Withdrawn", classes: "govuk-tag--grey" },
      });
  }
  return out;
});

registerTimelineSource("screening", async (tx, childId) => {
  const rows = await tx
    .selectFrom("screening_contributions as c")
    .innerJoin("agencies as a", "a.id", "c.agency_id")
    .innerJoin("users as u", "u.id", "c.author_id")
    .innerJoin("referrals as r", "r.id", "c.referral_id")
    .select([
      "c.recorded_at",
      "c.discipline",
      "c.field_group",
      "c.findings",
      "c.shared_summary",
      "c.risk_view",
      "c.supersedes_id",
      "a.name as agency",
      "u.display_name as author",
      "r.reference",
      "r.id as referral_id",
    ])
    .where("c.child_id", "=", childId)
    .execute();
  const out: TimelineEvent[] = [];
  for (const c of rows) {
    const title = `${DISCIPLINE_LABELS[c.discipline]}${c.supersedes_id ? " (correction)" : ""} for screening ${c.reference}: agency's view of risk ${RISK_VIEW_LABELS[c.risk_view].toLowerCase()}`;
    // The summary for partners is narrative; the detail stays in the agency's own field group.
    out.push({
      at: c.recorded_at,
      kind: "screening",
      title,
      summary: c.shared_summary,
      fieldGroup: "narrative",
      agency: c.agency,
      who: c.author,
      href: `/referrals/${c.referral_id}`,
    });
    if (c.field_group !== "narrative")
      out.push({
        at: c.recorded_at,
        kind: "screening",
        title: `${DISCIPLINE_LABELS[c.discipline]}: detail for screening ${c.reference}`,
        summary: c.findings,
        fieldGroup: c.field_group as FieldGroup,
        agency: c.agency,
        who: c.author,
        tag: { text: FIELD_GROUP_LABELS[c.field_group as FieldGroup], classes: "govuk-tag--grey" },
      });
  }
  return out;
});

registerTimelineSource("assessments", async (tx, childId) => {
  const rows = await tx
    .selectFrom("risk_assessments as ra")
    .innerJoin("users as u", "u.id", "ra.author_id")
    .innerJoin("agencies as a", "a.id", "ra.agency_id")
    .select([
      "ra.id",
      "ra.reference",
      "ra.completed_at",
      "ra.score",
      "ra.computed_level",
      "ra.final_level",
      "ra.override_reason",
      "ra.child_view",
      "ra.review_due_on",
      "u.display_name as author",
      "a.name as agency",
    ])
    .where("ra.child_id", "=", childId)
    .where("ra.status", "=", "completed")
    .execute();
  return rows.map((r) => ({
    at: r.completed_at!,
    kind: "assessment" as const,
    title: `Risk assessment ${r.reference}: ${LEVEL_LABELS[r.final_level!]} (score ${r.score})`,
    summary:
      r.final_level !== r.computed_level
        ? `Professional judgement set ${LEVEL_LABELS[r.final_level!].toLowerCase()}; the tool gave ${LEVEL_LABELS[r.computed_level!].toLowerCase()}. ${r.override_reason ?? ""}`
        : `Review by ${r.review_due_on}.`,
    fieldGroup: "narrative" as const,
    agency: r.agency,
    who: r.author,
    href: `/assessments/${r.id}`,
    tag: { text: LEVEL_LABELS[r.final_level!], classes: LEVEL_TAG[r.final_level!] },
    voice: r.child_view ? { words: r.child_view } : undefined,
  }));
});

registerTimelineSource("missing", async (tx, childId) => {
  const rows = await tx
    .selectFrom("missing_episodes as m")
    .innerJoin("agencies as a", "a.id", "m.reported_by_agency_id")
    .select([
      "m.kind",
      "m.started_at",
      "m.ended_at",
      "m.missing_from",
      "m.found_location",
      "m.risk",
      "m.rhi_status",
      "a.name as agency",
    ])
    .where("m.child_id", "=", childId)
    .execute();
  const out: TimelineEvent[] = [];
  for (const m of rows) {
    const hours = m.ended_at ? Math.round((m.ended_at.getTime() - m.started_at.getTime()) / 3_600_000) : null;
    out.push({
      at: m.started_at,
      kind: "missing",
      title: `${m.kind === "absent" ? "Absent" : "Missing"}${m.missing_from ? ` from ${m.missing_from}` : ""}${m.risk ? ` (${m.risk} risk)` : ""}`,
      summary: m.ended_at
        ? `Back after ${hours} hour${hours === 1 ? "" : "s"}${m.found_location ? `; found at ${m.found_location}` : ""}. Return interview: ${m.rhi_status.replaceAll("_", " ")}.`
        : "Still missing.",
      fieldGroup: "narrative",
      agency: m.agency,
      tag: m.ended_at ? undefined : { text: "Missing now", classes: "govuk-tag--red" },
    });
  }
  return out;
});

export type TimelineView = {
  events: TimelineEvent[];
  total: number;
  kinds: { kind: TimelineKind; label: string; count: number; selected: boolean }[];
  hiddenGroups: string[];
  voice: {
    at: Date;
    words?: string | null;
    wishes?: string | null;
    worker?: string | null;
    source: string;
  }[];
  /** The latest completed risk assessment, if any. */
  risk: { title: string; label: string; tag: string; at: Date; href: string } | null;
  voiceOnly: boolean;
};

/**
 * Builds the timeline inside the caller's row-level-security transaction, keeps only entries in the
 * viewer's field groups, and audits the read.
 */
export async function timelineIn(
  tx: Transaction<DB>,
  actor: Actor,
  childId: string,
  groups: readonly FieldGroup[],
  filter: { kinds?: string[]; voiceOnly?: boolean } = {},
): Promise<TimelineView> {
  const all: TimelineEvent[] = [];
  for (const source of SOURCES.values()) all.push(...(await source(tx, childId)));
  const visible = all.filter((e) => groups.includes(e.fieldGroup));
  visible.sort((a, b) => b.at.getTime() - a.at.getTime());
  const wanted = new Set(filter.kinds?.filter((k) => k in KIND_LABELS) ?? []);
  const events = visible.filter(
    (e) => (!wanted.size || wanted.has(e.kind)) && (!filter.voiceOnly || e.voice),
  );
  const hiddenGroups = [
    ...new Set(all.filter((e) => !groups.includes(e.fieldGroup)).map((e) => e.fieldGroup)),
  ].map((g) => FIELD_GROUP_LABELS[g]);
  const voice = visible
    .filter((e) => e.voice && (e.voice.words || e.voice.wishes || e.voice.worker))
    .map((e) => ({ at: e.at, ...e.voice!, source: `${e.title}${e.who ? `, recorded by ${e.who}` : ""}` }));
  const latest = visible.find((e) => e.kind === "assessment");
  const kinds = (Object.keys(KIND_LABELS) as TimelineKind[])
    .map((k) => ({
      kind: k,
      label: KIND_LABELS[k],
      count: visible.filter((e) => e.kind === k).length,
      selected: wanted.has(k),
    }))
    .filter((k) => k.count > 0);
  await audit(
    tx,
    auditFor(actor, {
      action: "child.timeline.view",
      recordType: "child",
      recordId: childId,
      childId,
      fieldGroups: groups,
      reason: "child's timeline",
      details: { entries: events.length, hidden: all.length - visible.length },
    }),
  );
  return {
    events,
    total: visible.length,
    kinds,
    hiddenGroups,
    voice,
    risk: latest
      ? {
          title: latest.title,
          label: latest.tag?.text ?? "",
          tag: latest.tag?.classes ?? "",
          at: latest.at,
          href: latest.href ?? "",
        }
      : null,
    voiceOnly: Boolean(filter.voiceOnly),
  };
}

/** The timeline for a user with read access to the child (the access decision is made by the caller). */
export async function childTimeline(
  app: App,
  u: SessionUser,
  actor: Actor,
  childId: string,
  decision: Pick<ChildDecision, "read" | "fieldGroups">,
  filter: { kinds?: string[]; voiceOnly?: boolean } = {},
): Promise<TimelineView | null> {
  if (!decision.read) return null;
  return app.access.asUser(u, (tx) => timelineIn(tx, actor, childId, decision.fieldGroups, filter));
}

/** Entries shown on the record page before "Show all". */
export const RECORD_PAGE_ENTRIES = 250;

/** What the child record page adds: the child's voice first, the latest risk level, and the timeline. */
export async function recordExtras(
  app: App,
  u: SessionUser,
  actor: Actor,
  childId: string,
  decision: Pick<ChildDecision, "read" | "fieldGroups" | "addEntries">,
  query: Record<string, string | string[] | undefined> = {},
) {
  const kinds = Array.isArray(query.kind)
    ? query.kind
    : typeof query.kind === "string" && query.kind
      ? [query.kind]
      : [];
  const timeline = await childTimeline(app, u, actor, childId, decision, {
    kinds,
    voiceOnly: query.voice === "1",
  });
  if (!timeline) return {};
  // Long histories: the latest entries first, the rest on request.
  const shown = query.all === "1" ? timeline.events : timeline.events.slice(0, RECORD_PAGE_ENTRIES);
  return {
    timeline: {
      ...timeline,
      events: shown,
      matching: timeline.events.length,
      truncated: shown.length < timeline.events.length,
    },
    childVoice: timeline.voice.slice(0, 3),
    timelineKindLabels: KIND_LABELS,
    canAssess: decision.addEntries,
  };
}
