// Kysely queries for contexts: no rules. Child links are read under row-level security, so each
// viewer sees only the children they may see.
import "./contexts.tables.ts";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";

/** The contexts a child is linked to now (the child record shows them). */
export function contextsForChild(db: Kysely<DB>, childId: string) {
  return db
    .selectFrom("context_children as l")
    .innerJoin("contexts as c", "c.id", "l.context_id")
    .select([
      "c.id",
      "c.reference",
      "c.kind",
      "c.name",
      "c.place_type",
      "c.platform",
      "c.risk_level",
      "c.status",
      "l.how",
      "l.linked_at",
    ])
    .where("l.child_id", "=", childId)
    .where("l.ended_at", "is", null)
    .orderBy("c.name")
    .execute();
}

export function listContexts(db: Kysely<DB>, kind?: string) {
  let q = db
    .selectFrom("contexts as c")
    .innerJoin("agencies as a", "a.id", "c.owning_agency_id")
    .select([
      "c.id",
      "c.reference",
      "c.kind",
      "c.name",
      "c.place_type",
      "c.location",
      "c.platform",
      "c.risk_level",
      "c.status",
      "c.updated_at",
      "a.name as agency",
      (eb) =>
        eb
          .selectFrom("context_children as l")
          .select((x) => x.fn.countAll<number>().as("n"))
          .whereRef("l.context_id", "=", "c.id")
          .where("l.ended_at", "is", null)
          .as("children_visible"),
      (eb) =>
        eb
          .selectFrom("plan_actions as p")
          .select((x) => x.fn.countAll<number>().as("n"))
          .whereRef("p.context_id", "=", "c.id")
          .where("p.status", "in", ["open", "in_progress"])
          .as("open_actions"),
      (eb) =>
        eb
          .selectFrom("context_assessments as s")
          .select((x) => x.fn.max("s.assessed_on").as("d"))
          .whereRef("s.context_id", "=", "c.id")
          .as("last_assessed"),
    ])
    .where("c.status", "=", "active");
  if (kind) q = q.where("c.kind", "=", kind as "place");
  return q.orderBy("c.name").execute();
}

export function contextById(db: Kysely<DB>, id: string) {
  return db
    .selectFrom("contexts as c")
    .innerJoin("agencies as a", "a.id", "c.owning_agency_id")
    .selectAll("c")
    .select(["a.name as agency"])
    .where("c.id", "=", id)
    .executeTakeFirst();
}

export function linkedChildren(db: Kysely<DB>, contextId: string) {
  return db
    .selectFrom("context_children as l")
    .innerJoin("children as c", "c.id", "l.child_id")
    .innerJoin("agencies as a", "a.id", "l.agency_id")
    .select([
      "l.id",
      "l.child_id",
      "l.how",
      "l.linked_at",
      "c.reference",
      "c.given_name",
      "c.family_name",
      "a.name as agency",
    ])
    .where("l.context_id", "=", contextId)
    .where("l.ended_at", "is", null)
    .orderBy("c.family_name")
    .execute();
}

export function assessmentsOf(db: Kysely<DB>, contextId: string) {
  return db
    .selectFrom("context_assessments as s")
    .innerJoin("agencies as a", "a.id", "s.agency_id")
    .leftJoin("users as u", "u.id", "s.assessed_by")
    .select([
      "s.id",
      "s.assessed_on",
      "s.risk_level",
      "s.factors",
      "s.summary",
      "s.recommendations",
      "a.name as agency",
      "u.display_name as by",
    ])
    .where("s.context_id", "=", contextId)
    .orderBy("s.assessed_on", "desc")
    .execute();
}
