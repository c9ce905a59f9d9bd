// Jobs that keep the tracker honest: overdue actions escalate (to the owning agency at once, to the
// MACE panel after 14 days), return-home interviews due and overdue, reviews due within a week, and
// children missing now. Each raises an alert once (deduplicated) and resolves it when the thing is
// done. They run in the "system" row-level-security scope.
import type { Kysely } from "kysely";
import type { App } from "../../app.ts";
import { inScope } from "../../db/rls.ts";
import type { DB } from "../../db/schema.ts";
import type { Worker } from "../../jobs/worker.ts";
import { londonDate } from "../../platform/clock.ts";
import { newId } from "../../platform/ids.ts";
import { addDays, HOUR_MS, RHI_HOURS } from "../missing/missing.clock.ts";
import { shortDate, shortDateTime } from "./format.ts";
import type { AlertKind } from "./tracker.tables.ts";

/** Days overdue after which an action is escalated to the MACE panel. */
export const ESCALATE_TO_PANEL_DAYS = 14;

async function raise(
  tx: Kysely<DB>,
  now: Date,
  a: {
    kind: AlertKind;
    childId: string | null;
    recordType: string;
    recordId: string;
    agencyId: string | null;
    message: string;
    key: string;
  },
): Promise<boolean> {
  const r = await tx
    .insertInto("follow_up_alerts")
    .values({
      id: newId(),
      kind: a.kind,
      child_id: a.childId,
      record_type: a.recordType,
      record_id: a.recordId,
      agency_id: a.agencyId,
      message: a.message,
      raised_at: now,
      dedupe_key: a.key,
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function escalateOverdueActions(app: App) {
  const now = app.clock.now();
  const today = londonDate(now);
  return inScope(app.db, { scope: "system" }, async (tx) => {
    const toAgency = await tx
      .updateTable("plan_actions")
      .set({ escalation_level: 1, escalated_at: now })
      .where("status", "in", ["open", "in_progress"])
      .where("due_on", "<", today)
      .where("escalation_level", "=", 0)
      .returning(["id", "child_id", "owner_agency_id", "text", "due_on"])
      .execute();
    const toPanel = await tx
      .updateTable("plan_actions")
      .set({ escalation_level: 2, escalated_at: now })
      .where("status", "in", ["open", "in_progress"])
      .where("due_on", "<", addDays(today, -ESCALATE_TO_PANEL_DAYS))
      .where("escalation_level", "<", 2)
      .returning(["id", "child_id", "owner_agency_id", "text", "due_on"])
      .execute();
    for (const [list, level] of [
      [toAgency, 1],
      [toPanel, 2],
    ] as const) {
      for (const a of list) {
        const note =
          level === 1
            ? `Overdue (due ${shortDate(a.due_on)}): escalated to the owning agency`
            : `Overdue by more than ${ESCALATE_TO_PANEL_DAYS} days: escalated to the MACE panel`;
        await tx
          .insertInto("action_updates")
          .values({
            id: newId(),
            action_id: a.id,
            child_id: a.child_id,
            at: now,
            user_id: null,
            agency_id: null,
            status: "escalated",
            note,
            kind: "escalated",
          })
          .execute();
        await raise(tx, now, {
          kind: level === 1 ? "action_overdue" : "action_escalated",
          childId: a.child_id,
          recordType: "plan_action",
          recordId: a.id,
          agencyId: level === 1 ? a.owner_agency_id : null,
          message: `${note}: ${a.text}`,
          key: `action:${a.id}:${level}`,
        });
      }
    }
    const resolved = await tx
      .updateTable("follow_up_alerts")
      .set({ resolved_at: now })
      .where("resolved_at", "is", null)
      .where("record_type", "=", "plan_action")
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("plan_actions as p")
            .select("p.id")
            .whereRef("p.id", "=", "follow_up_alerts.record_id")
            .where("p.status", "in", ["done", "cancelled"]),
        ),
      )
      .executeTakeFirst();
    return { toAgency: toAgency.length, toPanel: toPanel.length, resolved: Number(resolved.numUpdatedRows) };
  });
}

export async function returnInterviewClocks(app: App) {
  const now = app.clock.now();
  return inScope(app.db, { scope: "system" }, async (tx) => {
    const waiting = await tx
      .selectFrom("missing_episodes")
      .select(["id", "child_id", "ended_at"])
      .where("kind", "=", "missing")
      .where("ended_at", "is not", null)
      .where("ended_at", ">=", new Date(now.getTime() - 30 * 24 * HOUR_MS))
      .where("rhi_offered_at", "is", null)
      .where("rhi_completed_at", "is", null)
      .where("rhi_status", "in", ["due", "not_due"])
      .execute();
    let due = 0;
    let overdue = 0;
    for (const e of waiting) {
      const dueAt = new Date(e.ended_at!.getTime() + RHI_HOURS * HOUR_MS);
      if (now >= dueAt) {
        if (
          await raise(tx, now, {
            kind: "rhi_overdue",
            childId: e.child_id,
            recordType: "missing_episode",
            recordId: e.id,
            agencyId: null,
            message: `Return-home interview overdue: should have been offered by ${shortDateTime(dueAt)}`,
            key: `rhi:${e.id}:overdue`,
          })
        )
          overdue++;
      } else if (dueAt.getTime() - now.getTime() <= 24 * HOUR_MS) {
        if (
          await raise(tx, now, {
            kind: "rhi_due",
            childId: e.child_id,
            recordType: "missing_episode",
            recordId: e.id,
            agencyId: null,
            message: `Return-home interview due by ${shortDateTime(dueAt)}`,
            key: `rhi:${e.id}:due`,
          })
        )
          due++;
      }
    }
    const resolved = await tx
      .updateTable("follow_up_alerts")
      .set({ resolved_at: now })
      .where("resolved_at", "is", null)
      .where("kind", "in", ["rhi_due", "rhi_overdue"])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("missing_episodes as e")
            .select("e.id")
            .whereRef("e.id", "=", "follow_up_alerts.record_id")
            .where((x) =>
              x.or([x("e.rhi_offered_at", "is not", null), x("e.rhi_completed_at", "is not", null)]),
            ),
        ),
      )
      .executeTakeFirst();
    return { due, overdue, resolved: Number(resolved.numUpdatedRows) };
  });
}

export async function reviewsDue(app: App) {
  const now = app.clock.now();
  const today = londonDate(now);
  return inScope(app.db, { scope: "system" }, async (tx) => {
    const entries = await tx
      .selectFrom("cohort_entries")
      .select(["id", "child_id", "next_review_on", "lead_agency_id"])
      .where("status", "=", "open")
      .where("next_review_on", "<=", addDays(today, 7))
      .execute();
    let raised = 0;
    for (const e of entries)
      if (
        await raise(tx, now, {
          kind: "review_due",
          childId: e.child_id,
          recordType: "cohort_entry",
          recordId: e.id,
          agencyId: null,
          message:
            e.next_review_on < today
              ? `Review overdue (was due ${shortDate(e.next_review_on)})`
              : `Review due ${shortDate(e.next_review_on)}`,
          key: `review:${e.id}:${e.next_review_on}`,
        })
      )
        raised++;
    return { raised };
  });
}

export async function missingNow(app: App) {
  const now = app.clock.now();
  return inScope(app.db, { scope: "system" }, async (tx) => {
    const open = await tx
      .selectFrom("missing_episodes")
      .select(["id", "child_id", "started_at", "reported_by_agency_id"])
      .where("ended_at", "is", null)
      .where("kind", "=", "missing")
      .execute();
    let raised = 0;
    for (const e of open)
      if (
        await raise(tx, now, {
          kind: "missing_now",
          childId: e.child_id,
          recordType: "missing_episode",
          recordId: e.id,
          agencyId: null,
          message: `Missing since ${shortDateTime(e.started_at)}`,
          key: `missing:${e.id}`,
        })
      )
        raised++;
    const resolved = await tx
      .updateTable("follow_up_alerts")
      .set({ resolved_at: now })
      .where("resolved_at", "is", null)
      .where("kind", "=", "missing_now")
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("missing_episodes as e")
            .select("e.id")
            .whereRef("e.id", "=", "follow_up_alerts.record_id")
            .where("e.ended_at", "is not", null),
        ),
      )
      .executeTakeFirst();
    return { raised, resolved: Number(resolved.numUpdatedRows) };
  });
}

export function registerTrackerJobs(worker: Worker, app: App): Worker {
  worker.handle("tracker.actions.escalate", () => escalateOverdueActions(app));
  worker.every("tracker.actions.escalate", 15 * 60_000);
  worker.handle("missing.rhi.clock", () => returnInterviewClocks(app));
  worker.every("missing.rhi.clock", 5 * 60_000);
  worker.handle("tracker.reviews.due", () => reviewsDue(app));
  worker.every("tracker.reviews.due", 60 * 60_000);
  worker.handle("missing.now", () => missingNow(app));
  worker.every("missing.now", 5 * 60_000);
  return worker;
}
