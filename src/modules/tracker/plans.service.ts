// Multi-agency plans: goals and actions for a child in the cohort or for a context (a peer group,
// place or online space). Each action belongs to one agency; only that agency updates it (status,
// evidence), and every update is kept as history. Overdue actions escalate (see tracker.jobs.ts).
import "./tracker.tables.ts";
import type { Kysely } from "kysely";
import type { App } from "../../app.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { londonDate } from "../../platform/clock.ts";
import {
  Conflict,
  type FieldIssue,
  Forbidden,
  Invalid,
  NotFound,
  PreconditionFailed,
} from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import { addDays } from "../missing/missing.clock.ts";
import { actionFacts, entryFacts } from "./tracker.queries.ts";
import { signpostScope } from "./tracker.service.ts";
import type { ActionStatus } from "./tracker.tables.ts";
import { ACTION_STATUSES } from "./tracker.vocab.ts";

export type Target = { entryId: string } | { contextId: string };

export type NewAction = {
  text: string;
  ownerAgencyId: string;
  ownerName?: string | null;
  dueOn: string;
  goalId?: string | null;
  idempotencyKey?: string | null;
};

/** Where a plan lives: the child behind a cohort entry, or a context (no child). */
async function resolveTarget(app: App, u: SessionUser, t: Target) {
  if ("entryId" in t) {
    const e = await signpostScope(app, u, (tx) => entryFacts(tx, t.entryId));
    if (!e) throw new NotFound("There is no cohort entry with that id.");
    const d = await app.access.decide(u, e.child_id);
    if (!d.addEntries)
      throw new Forbidden(d.read ? "Your access to this child does not include adding to the plan." : d.why);
    if (e.status !== "open") throw new Conflict("This child has left the cohort; their plan is closed.");
    return {
      childId: e.child_id as string | null,
      entryId: e.id as string | null,
      contextId: null as string | null,
    };
  }
  const c = await app.db
    .selectFrom("contexts")
    .select(["id", "status"])
    .where("id", "=", t.contextId)
    .executeTakeFirst();
  if (!c) throw new NotFound("There is no context with that id.");
  if (c.status !== "active") throw new Conflict("This context is closed; its plan can no longer change.");
  return { childId: null, entryId: null, contextId: c.id };
}

export function validateAction(app: App, u: SessionUser, a: NewAction, issues: FieldIssue[], prefix = "") {
  const today = londonDate(app.clock.now());
  const text = a.text?.trim() ?? "";
  if (text.length < 3) issues.push({ field: `${prefix}text`, message: "Describe the action" });
  if (text.length > 2000)
    issues.push({ field: `${prefix}text`, message: "The action must be 2,000 characters or fewer" });
  if (!/^[0-9a-f-]{36}$/i.test(a.ownerAgencyId ?? ""))
    issues.push({ field: `${prefix}ownerAgencyId`, message: "Choose the agency that owns the action" });
  else if (!u.roles.includes("mace_coordinator") && a.ownerAgencyId !== u.agencyId)
    issues.push({
      field: `${prefix}ownerAgencyId`,
      message:
        "You can add actions for your own agency; the MACE coordinator assigns actions to other agencies",
    });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(a.dueOn ?? ""))
    issues.push({ field: `${prefix}dueOn`, message: "Enter the date the action is due" });
  else if (a.dueOn < today)
    issues.push({ field: `${prefix}dueOn`, message: "The due date must be today or in the future" });
  else if (a.dueOn > addDays(today, 366))
    issues.push({ field: `${prefix}dueOn`, message: "The due date must be within a year" });
  if ((a.ownerName ?? "").length > 200)
    issues.push({ field: `${prefix}ownerName`, message: "The name must be 200 characters or fewer" });
}

/** Inserts an action (and its 'created' history row). Caller has decided and validated. */
export async function insertAction(
  tx: Kysely<DB>,
  u: SessionUser,
  now: Date,
  where: { childId: string | null; entryId: string | null; contextId: string | null },
  a: NewAction,
  source: { meetingId?: string; minuteId?: string } = {},
) {
  const id = newId();
  await tx
    .insertInto("plan_actions")
    .values({
      id,
      cohort_entry_id: where.entryId,
      context_id: where.contextId,
      child_id: where.childId,
      goal_id: a.goalId || null,
      text: a.text.trim(),
      owner_agency_id: a.ownerAgencyId,
      owner_name: a.ownerName?.trim() || null,
      due_on: a.dueOn,
      source_meeting_id: source.meetingId ?? null,
      source_minute_id: source.minuteId ?? null,
      created_by: u.id,
      created_by_agency_id: u.agencyId,
      idempotency_key: a.idempotencyKey ? `${u.id}:${a.idempotencyKey}` : null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await tx
    .insertInto("action_updates")
    .values({
      id: newId(),
      action_id: id,
      child_id: where.childId,
      at: now,
      user_id: u.id,
      agency_id: u.agencyId,
      status: "open",
      note: source.meetingId ? "Agreed at a meeting" : null,
      kind: "created",
    })
    .execute();
  return id;
}

export async function addAction(app: App, u: SessionUser, actor: Actor, t: Target, a: NewAction) {
  const where = await resolveTarget(app, u, t);
  const issues: FieldIssue[] = [];
  validateAction(app, u, a, issues);
  if (issues.length) throw new Invalid("The action has problems", issues);
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    if (a.idempotencyKey) {
      const prior = await tx
        .selectFrom("plan_actions")
        .select("id")
        .where("idempotency_key", "=", `${u.id}:${a.idempotencyKey}`)
        .executeTakeFirst();
      if (prior) return { id: prior.id, replayed: true };
    }
    if (a.goalId) {
      const g = await tx
        .selectFrom("plan_goals")
        .select(["cohort_entry_id", "context_id"])
        .where("id", "=", a.goalId)
        .executeTakeFirst();
      if (!g || g.cohort_entry_id !== where.entryId || g.context_id !== where.contextId)
        throw new Invalid("Choose a goal from this plan", [
          { field: "goalId", message: "Choose a goal from this plan" },
        ]);
    }
    const id = await insertAction(tx, u, now, where, a);
    await audit(
      tx,
      auditFor(actor, {
        action: "plan.action.add",
        recordType: "plan_action",
        recordId: id,
        childId: where.childId,
        reason: "add an action to a multi-agency plan",
        details: { ownerAgencyId: a.ownerAgencyId, dueOn: a.dueOn, contextId: where.contextId },
      }),
    );
    return { id, replayed: false };
  });
}

export async function addGoal(app: App, u: SessionUser, actor: Actor, t: Target, text: string) {
  const where = await resolveTarget(app, u, t);
  const v = text?.trim() ?? "";
  if (v.length < 3 || v.length > 1000)
    throw new Invalid("The goal has a problem", [
      { field: "goal", message: "Describe the goal in 3 to 1,000 characters" },
    ]);
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    const id = newId();
    await tx
      .insertInto("plan_goals")
      .values({
        id,
        cohort_entry_id: where.entryId,
        context_id: where.contextId,
        child_id: where.childId,
        text: v,
        agency_id: u.agencyId,
        created_by: u.id,
        created_at: now,
      })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "plan.goal.add",
        recordType: "plan_goal",
        recordId: id,
        childId: where.childId,
        reason: "add a goal to a multi-agency plan",
        details: { contextId: where.contextId },
      }),
    );
    return { id };
  });
}

export type ActionUpdate = { status: string; note?: string | null };

/**
 * An agency updates its own action: status and evidence (a note). Refused for other agencies'
 * actions, for a stale version, and for "done" without evidence. Kept as history.
 */
export async function updateAction(
  app: App,
  u: SessionUser,
  actor: Actor,
  actionId: string,
  expectedVersion: () => number,
  change: ActionUpdate,
) {
  const facts = await signpostScope(app, u, (tx) => actionFacts(tx, actionId));
  if (!facts) throw new NotFound("There is no action with that id.");
  if (facts.child_id) {
    const d = await app.access.decide(u, facts.child_id);
    if (!d.addEntries)
      throw new Forbidden(d.read ? "Your access to this child does not include updating actions." : d.why);
  }
  if (facts.owner_agency_id !== u.agencyId) {
    const owner = await app.db
      .selectFrom("agencies")
      .select("name")
      .where("id", "=", facts.owner_agency_id)
      .executeTakeFirst();
    throw new Forbidden(
      `Only ${owner?.name ?? "the agency that owns this action"} can update it. Raise it with them or at the next meeting.`,
    );
  }
  const version = expectedVersion();
  const issues: FieldIssue[] = [];
  if (!(ACTION_STATUSES as readonly string[]).includes(change.status))
    issues.push({ field: "status", message: "Choose the action's status" });
  const note = change.note?.trim() || null;
  if (note && note.length > 4000)
    issues.push({ field: "note", message: "The evidence must be 4,000 characters or fewer" });
  if (change.status === "done" && !note)
    issues.push({ field: "note", message: "Say what was done (the evidence) to mark the action as done" });
  if (change.status === "cancelled" && !note)
    issues.push({ field: "note", message: "Say why the action is cancelled" });
  if (issues.length) throw new Invalid("The update has problems", issues);
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    const closing = change.status === "done" || change.status === "cancelled";
    const updated = await tx
      .updateTable("plan_actions")
      .set({
        status: change.status as ActionStatus,
        ...(note ? { evidence: note } : {}),
        completed_at: closing ? now : null,
        version: (eb) => eb("version", "+", 1),
        updated_at: now,
        updated_by: u.id,
      })
      .where("id", "=", actionId)
      .where("version", "=", version)
      .returning(["version"])
      .executeTakeFirst();
    if (!updated)
      throw new PreconditionFailed(
        "Someone else updated this action since you opened it. Reload it and try again.",
      );
    await tx
      .insertInto("action_updates")
      .values({
        id: newId(),
        action_id: actionId,
        child_id: facts.child_id,
        at: now,
        user_id: u.id,
        agency_id: u.agencyId,
        status: change.status,
        note,
        kind: "update",
      })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "plan.action.update",
        recordType: "plan_action",
        recordId: actionId,
        childId: facts.child_id,
        reason: "update an action",
        details: { status: change.status, fromVersion: version },
      }),
    );
    return { version: updated.version };
  });
}
