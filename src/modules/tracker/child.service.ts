// "Following this child": everything the tracker, missing and contexts modules hold about one
// child, on one page: the cohort entry and its reviews, the plan (goals, actions and their
// history), missing episodes with return-interview clocks and the repeat-missing pattern,
// placements (addresses only with the placement field group) and the contexts the child is linked
// to. One access decision, one row-level-security transaction, one audit row.
import "./tracker.tables.ts";
import type { App } from "../../app.ts";
import type { SessionUser } from "../../http/routes.ts";
import { Forbidden } from "../../platform/errors.ts";
import { redactChild } from "../access/access.policy.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import { contextsForChild } from "../contexts/contexts.queries.ts";
import { episodesFor, patternOf } from "../missing/missing.service.ts";
import { placementsFor } from "../missing/placements.service.ts";
import { actionHistory, actionsOf, goalsOf } from "./tracker.queries.ts";

export async function childFollowUp(app: App, u: SessionUser, actor: Actor, childId: string) {
  const d = await app.access.decide(u, childId);
  if (!d.read) throw new Forbidden(d.why);
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    const row = await tx.selectFrom("children").selectAll().where("id", "=", childId).executeTakeFirst();
    if (!row) throw new Forbidden("The database refused access to this record.");
    const child = redactChild(row as unknown as Record<string, unknown>, d.fieldGroups) as Partial<
      typeof row
    >;
    const entries = await tx
      .selectFrom("cohort_entries as e")
      .innerJoin("agencies as a", "a.id", "e.lead_agency_id")
      .innerJoin("users as by", "by.id", "e.added_by")
      .leftJoin("referrals as r", "r.id", "e.referral_id")
      .selectAll("e")
      .select([
        "a.name as lead_agency",
        "by.display_name as added_by_name",
        "r.reference as referral_reference",
      ])
      .where("e.child_id", "=", childId)
      .orderBy("e.added_at", "desc")
      .execute();
    const entry = entries.find((e) => e.status === "open") ?? entries[0];
    const reviews = entry
      ? await tx
          .selectFrom("cohort_reviews as r")
          .innerJoin("users as u", "u.id", "r.reviewed_by")
          .innerJoin("agencies as a", "a.id", "r.agency_id")
          .innerJoin("agencies as la", "la.id", "r.lead_agency_id")
          .select([
            "r.id",
            "r.reviewed_at",
            "r.risk_level",
            "r.risk_trend",
            "r.next_review_on",
            "r.note",
            "r.meeting_id",
            "r.lead_professional",
            "u.display_name as by",
            "a.name as agency",
            "la.name as lead_agency",
          ])
          .where("r.cohort_entry_id", "=", entry.id)
          .orderBy("r.reviewed_at", "desc")
          .execute()
      : [];
    const goals = entry ? await goalsOf(tx, { entryId: entry.id }) : [];
    const actions = entry ? await actionsOf(tx, { entryId: entry.id }) : [];
    const history = await actionHistory(
      tx,
      actions.map((a) => a.id),
    );
    const episodes = await episodesFor(tx, childId, now, d.fieldGroups);
    const placements = await placementsFor(tx, childId, d.fieldGroups);
    const contexts = await contextsForChild(tx, childId);
    const meetings = await tx
      .selectFrom("meeting_minutes as mm")
      .innerJoin("meetings as m", "m.id", "mm.meeting_id")
      .select(["m.id", "m.title", "m.held_at", "mm.item_id", "mm.risk_level", "mm.summary"])
      .where("mm.child_id", "=", childId)
      .orderBy("m.held_at", "desc")
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "child.follow_up.view",
        recordType: "child",
        recordId: childId,
        childId,
        fieldGroups: d.fieldGroups,
        reason: "view the child's tracker, plan, missing episodes and contexts",
        details: { basis: d.basis },
      }),
    );
    return {
      decision: d,
      child,
      entry,
      pastEntries: entries.filter((e) => e !== entry),
      reviews,
      goals,
      actions: actions.map((a) => ({ ...a, history: history.filter((h) => h.action_id === a.id) })),
      episodes,
      pattern: patternOf(episodes, now),
      placements,
      contexts,
      meetings,
    };
  });
}
