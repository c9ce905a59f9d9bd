// Reading the audit log (auditors) and the break-glass review queue. No rules here.
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";

export type AuditFilter = { childId?: string; userId?: string; from?: Date; to?: Date; limit?: number };

export const searchAudit = (db: Kysely<DB>, f: AuditFilter) => {
  let q = db
    .selectFrom("audit_log as a")
    .leftJoin("users as u", "u.id", "a.user_id")
    .leftJoin("agencies as g", "g.id", "a.agency_id")
    .leftJoin("children as c", "c.id", "a.child_id")
    .select([
      "a.id",
      "a.occurred_at",
      "a.action",
      "a.record_type",
      "a.record_id",
      "a.child_id",
      "c.reference as child_reference",
      "a.field_groups",
      "a.reason",
      "a.request_id",
      "a.ip",
      "u.display_name as user_name",
      "u.email as user_email",
      "g.name as agency_name",
    ])
    .orderBy("a.id", "desc")
    .limit(f.limit ?? 200);
  if (f.childId) q = q.where("a.child_id", "=", f.childId);
  if (f.userId) q = q.where("a.user_id", "=", f.userId);
  if (f.from) q = q.where("a.occurred_at", ">=", f.from);
  if (f.to) q = q.where("a.occurred_at", "<", f.to);
  return q.execute();
};

export const breakGlassQueue = (db: Kysely<DB>, includeReviewed = false) => {
  let q = db
    .selectFrom("break_glass as b")
    .innerJoin("users as u", "u.id", "b.user_id")
    .innerJoin("agencies as g", "g.id", "u.agency_id")
    .innerJoin("children as c", "c.id", "b.child_id")
    .leftJoin("users as r", "r.id", "b.reviewed_by")
    .select([
      "b.id",
      "b.reason",
      "b.granted_at",
      "b.expires_at",
      "b.reviewed_at",
      "b.review_outcome",
      "b.review_note",
      "b.child_id",
      "c.reference as child_reference",
      "u.display_name as user_name",
      "u.email as user_email",
      "g.name as agency_name",
      "r.display_name as reviewer_name",
    ])
    .orderBy("b.granted_at", "desc");
  if (!includeReviewed) q = q.where("b.reviewed_at", "is", null);
  return q.execute();
};
