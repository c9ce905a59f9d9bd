// Kysely queries for the tracker: no rules here. Callers run them inside the access module's scoped
// transactions (row-level security decides which rows come back).
import "./tracker.tables.ts";
import "../missing/missing.tables.ts";
import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.ts";
import { RHI_HOURS } from "../missing/missing.clock.ts";

export type CohortDbRow = {
  entry_id: string;
  child_id: string;
  reference: string;
  given_name: string | null;
  family_name: string | null;
  date_of_birth: string | null;
  sex: string;
  send_status: string;
  looked_after: boolean;
  out_of_area: boolean;
  concern_types: string[];
  risk_level: "high" | "medium" | "low";
  risk_trend: "new" | "increasing" | "stable" | "decreasing";
  lead_agency_id: string;
  lead_agency: string;
  lead_professional: string | null;
  last_review_on: string | null;
  next_review_on: string;
  added_at: Date;
  source: "screening" | "direct";
  version: number;
  open_actions: number;
  overdue_actions: number;
  escalated_actions: number;
  missing_90: number;
  missing_now: boolean;
  rhi_overdue: number;
  rhi_due: number;
  last_missing_at: Date | null;
};

/**
 * One row per open cohort entry the current scope may see, with its open/overdue actions and the
 * child's missing episodes in the last 90 days, missing now, and return interviews due/overdue.
 * Three simple statements joined in memory: each is a single scan or index walk whatever the
 * table statistics say (embedded PGlite has no autovacuum to keep them current).
 */
export async function cohortRows(db: Kysely<DB>, now: Date, today: string): Promise<CohortDbRow[]> {
  const since90 = new Date(now.getTime() - 90 * 86_400_000);
  const since365 = new Date(now.getTime() - 365 * 86_400_000);
  const rhiCut = new Date(now.getTime() - RHI_HOURS * 3_600_000);
  const entries = await sql<
    Omit<
      CohortDbRow,
      | "open_actions"
      | "overdue_actions"
      | "escalated_actions"
      | "missing_90"
      | "missing_now"
      | "rhi_overdue"
      | "rhi_due"
      | "last_missing_at"
    >
  >`
    select e.id as entry_id, e.child_id, c.reference, c.given_name, c.family_name, c.date_of_birth, c.sex,
      c.send_status, c.looked_after, c.out_of_area, e.concern_types, e.risk_level, e.risk_trend,
      e.lead_agency_id, a.name as lead_agency, e.lead_professional, e.last_review_on, e.next_review_on,
      e.added_at, e.source, e.version
    from cohort_entries e
    join children c on c.id = e.child_id
    join agencies a on a.id = e.lead_agency_id
    where e.status = 'open'`.execute(db);
  const acts = await sql<{
    cohort_entry_id: string;
    open_actions: number;
    overdue_actions: number;
    escalated_actions: number;
  }>`
    select cohort_entry_id,
      count(*)::int as open_actions,
      count(*) filter (where due_on < ${today}::date)::int as overdue_actions,
      count(*) filter (where escalation_level >= 2)::int as escalated_actions
    from plan_actions
    where cohort_entry_id is not null and status in ('open','in_progress')
    group by cohort_entry_id`.execute(db);
  const miss = await sql<{
    child_id: string;
    missing_90: number;
    missing_now: boolean;
    rhi_overdue: number;
    rhi_due: number;
    last_missing_at: Date | null;
  }>`
    select child_id,
      count(*) filter (where kind = 'missing' and started_at >= ${since90})::int as missing_90,
      coalesce(bool_or(kind = 'missing' and ended_at is null), false) as missing_now,
      count(*) filter (where kind = 'missing' and ended_at is not null and rhi_offered_at is null
        and rhi_completed_at is null and rhi_status not in ('offered','completed','declined','not_completed')
        and ended_at < ${rhiCut})::int as rhi_overdue,
      count(*) filter (where kind = 'missing' and ended_at is not null and rhi_offered_at is null
        and rhi_completed_at is null and rhi_status not in ('offered','completed','declined','not_completed')
        and ended_at >= ${rhiCut})::int as rhi_due,
      max(started_at) filter (where kind = 'missing') as last_missing_at
    from missing_episodes
    where started_at >= ${since365} or ended_at is null
    group by child_id`.execute(db);
  const byEntry = new Map(acts.rows.map((r) => [r.cohort_entry_id, r]));
  const byChild = new Map(miss.rows.map((r) => [r.child_id, r]));
  return entries.rows.map((e) => {
    const a = byEntry.get(e.entry_id);
    const m = byChild.get(e.child_id);
    return {
      ...e,
      open_actions: a?.open_actions ?? 0,
      overdue_actions: a?.overdue_actions ?? 0,
      escalated_actions: a?.escalated_actions ?? 0,
      missing_90: m?.missing_90 ?? 0,
      missing_now: m?.missing_now ?? false,
      rhi_overdue: m?.rhi_overdue ?? 0,
      rhi_due: m?.rhi_due ?? 0,
      last_missing_at: m?.last_missing_at ?? null,
    };
  });
}

/** The cohort entry behind an id: its child and status (read in the signpost scope, like decide()). */
export function entryFacts(db: Kysely<DB>, entryId: string) {
  return db
    .selectFrom("cohort_entries")
    .select(["id", "child_id", "status", "version", "added_by_agency_id"])
    .where("id", "=", entryId)
    .executeTakeFirst();
}

export function actionFacts(db: Kysely<DB>, actionId: string) {
  return db
    .selectFrom("plan_actions")
    .select(["id", "child_id", "context_id", "cohort_entry_id", "owner_agency_id", "status", "version"])
    .where("id", "=", actionId)
    .executeTakeFirst();
}

export function openEntryForChild(db: Kysely<DB>, childId: string) {
  return db
    .selectFrom("cohort_entries")
    .select(["id", "status"])
    .where("child_id", "=", childId)
    .where("status", "=", "open")
    .executeTakeFirst();
}

export function agencies(db: Kysely<DB>) {
  return db.selectFrom("agencies").select(["id", "name", "kind"]).orderBy("name").execute();
}

export function currentPanel(db: Kysely<DB>) {
  return db
    .selectFrom("mace_panel_members as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .innerJoin("agencies as a", "a.id", "u.agency_id")
    .select([
      "m.id",
      "m.user_id",
      "m.added_at",
      "u.display_name",
      "u.job_title",
      "u.email",
      "a.name as agency",
    ])
    .where("m.ended_at", "is", null)
    .orderBy("a.name")
    .orderBy("u.display_name")
    .execute();
}

/** Actions of a cohort entry or a context, with their agency names. */
export function actionsOf(db: Kysely<DB>, where: { entryId?: string; contextId?: string }) {
  let q = db
    .selectFrom("plan_actions as p")
    .innerJoin("agencies as a", "a.id", "p.owner_agency_id")
    .leftJoin("plan_goals as g", "g.id", "p.goal_id")
    .select([
      "p.id",
      "p.text",
      "p.owner_agency_id",
      "a.name as owner_agency",
      "p.owner_name",
      "p.due_on",
      "p.status",
      "p.evidence",
      "p.completed_at",
      "p.escalation_level",
      "p.escalated_at",
      "p.source_meeting_id",
      "p.version",
      "p.created_at",
      "p.goal_id",
      "g.text as goal",
      "p.child_id",
      "p.context_id",
    ]);
  if (where.entryId) q = q.where("p.cohort_entry_id", "=", where.entryId);
  if (where.contextId) q = q.where("p.context_id", "=", where.contextId);
  return q.orderBy("p.due_on").orderBy("p.created_at").execute();
}

export function goalsOf(db: Kysely<DB>, where: { entryId?: string; contextId?: string }) {
  let q = db
    .selectFrom("plan_goals as g")
    .innerJoin("agencies as a", "a.id", "g.agency_id")
    .select(["g.id", "g.text", "g.status", "g.created_at", "a.name as agency"]);
  if (where.entryId) q = q.where("g.cohort_entry_id", "=", where.entryId);
  if (where.contextId) q = q.where("g.context_id", "=", where.contextId);
  return q.orderBy("g.created_at").execute();
}

export function actionHistory(db: Kysely<DB>, actionIds: string[]) {
  if (!actionIds.length) return Promise.resolve([]);
  return db
    .selectFrom("action_updates as h")
    .leftJoin("users as u", "u.id", "h.user_id")
    .leftJoin("agencies as a", "a.id", "h.agency_id")
    .select([
      "h.action_id",
      "h.at",
      "h.status",
      "h.note",
      "h.kind",
      "u.display_name as by",
      "a.name as agency",
    ])
    .where("h.action_id", "in", actionIds)
    .orderBy("h.at")
    .execute();
}
