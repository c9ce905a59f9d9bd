// Access decisions for many children at once, for the link chart and network lists. The same facts
// AccessService.decide reads for one child (owning agency, the user's active relationships, an
// unexpired break-glass), read in three queries for a batch, and the access module's own pure
// policy (decideChildAccess) applied to each. Children's names are then read under the user's
// row-level-security scope, so the database must agree with every decision.
import { type Kysely, sql, type Transaction } from "kysely";
import { applyScope, type Scope } from "../../db/rls.ts";
import type { DB, RelationshipKind } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { type ChildDecision, decideChildAccess, subjectOf } from "../access/index.ts";

export type ChildFacts = {
  id: string;
  reference: string;
  owningAgencyId: string;
  decision: ChildDecision;
  /** Present only when decision.read: name and date of birth, read under row-level security. */
  givenName?: string | null;
  familyName?: string | null;
  dateOfBirth?: string | null;
  sex?: string | null;
};

export const userScope = (u: SessionUser): Scope => ({
  scope: "user",
  userId: u.id,
  agencyId: u.agencyId,
  oversight: u.roles.includes("manager"),
  screening: u.roles.includes("screener"),
});

/**
 * Decides and, where allowed, reads the children `ids` inside the caller's transaction (which runs
 * under the user's scope). Switches to the signpost scope to learn references and owners, then
 * back to the user's scope to read names: rows the database refuses are treated as signpost only.
 */
export async function decideChildren(
  tx: Transaction<DB>,
  u: SessionUser,
  ids: readonly string[],
  now: Date,
): Promise<Map<string, ChildFacts>> {
  const out = new Map<string, ChildFacts>();
  const list = [...new Set(ids)];
  if (!list.length) return out;
  await applyScope(tx, { scope: "signpost", userId: u.id, agencyId: u.agencyId });
  const rows = await tx
    .selectFrom("children")
    .select(["id", "reference", "owning_agency_id"])
    .where(sql<boolean>`id = any(${list}::uuid[])`)
    .execute();
  await applyScope(tx, userScope(u));
  const rels = await tx
    .selectFrom("relationships")
    .select(["child_id", "kind"])
    .where("user_id", "=", u.id)
    .where(sql<boolean>`child_id = any(${list}::uuid[])`)
    .where("starts_at", "<=", now)
    .where((eb) => eb.or([eb("ends_at", "is", null), eb("ends_at", ">", now)]))
    .execute();
  const glass = await tx
    .selectFrom("break_glass")
    .select("child_id")
    .where("user_id", "=", u.id)
    .where(sql<boolean>`child_id = any(${list}::uuid[])`)
    .where("expires_at", ">", now)
    .execute();
  const relsBy = new Map<string, Set<RelationshipKind>>();
  for (const r of rels) {
    if (r.kind === "break_glass") continue;
    const s = relsBy.get(r.child_id) ?? new Set<RelationshipKind>();
    s.add(r.kind as RelationshipKind);
    relsBy.set(r.child_id, s);
  }
  const glassed = new Set(glass.map((g) => g.child_id));
  const subject = subjectOf(u);
  for (const r of rows) {
    const decision = decideChildAccess(subject, {
      owningAgencyId: r.owning_agency_id,
      relationships: [...(relsBy.get(r.id) ?? [])],
      breakGlass: glassed.has(r.id),
    });
    out.set(r.id, { id: r.id, reference: r.reference, owningAgencyId: r.owning_agency_id, decision });
  }
  const readable = [...out.values()].filter((c) => c.decision.read).map((c) => c.id);
  if (readable.length) {
    const named = await tx
      .selectFrom("children")
      .select(["id", "given_name", "family_name", "date_of_birth", "sex"])
      .where(sql<boolean>`id = any(${readable}::uuid[])`)
      .execute();
    const seen = new Set<string>();
    for (const n of named) {
      const c = out.get(n.id)!;
      c.givenName = n.given_name;
      c.familyName = n.family_name;
      c.dateOfBirth = n.date_of_birth;
      c.sex = n.sex;
      seen.add(n.id);
    }
    // The database refused a row the policy allowed: deny (treat as signpost only).
    for (const id of readable)
      if (!seen.has(id)) {
        const c = out.get(id)!;
        c.decision = { ...c.decision, read: false, write: false, addEntries: false, fieldGroups: [] };
      }
  }
  return out;
}

/** Age in whole years on a date (both ISO dates). */
export function ageOn(dob: string, on: string): number {
  const [y, m, d] = dob.split("-").map(Number);
  const [Y, M, D] = on.split("-").map(Number);
  return Y - y - (M < m || (M === m && D < d) ? 1 : 0);
}

/** The chart label of a child: name and age with read access, otherwise the reference only. */
export function childLabel(c: ChildFacts, today: string): { label: string; restricted: boolean } {
  if (!c.decision.read) return { label: `Child ${c.reference}`, restricted: true };
  const name = [c.givenName, c.familyName].filter(Boolean).join(" ") || c.reference;
  const age = c.dateOfBirth ? ` (${ageOn(c.dateOfBirth, today)})` : "";
  return { label: `${name}${age}`, restricted: false };
}

/** Audit rows for many children in one statement (the audit trigger chains each row). */
export async function auditChildren(
  tx: Kysely<DB>,
  rows: {
    userId: string;
    agencyId: string;
    requestId: string | null;
    ip: string | null;
    action: string;
    childId: string;
    fieldGroups: readonly string[];
    reason: string;
    details: Record<string, unknown>;
  }[],
): Promise<void> {
  if (!rows.length) return;
  await tx
    .insertInto("audit_log")
    .values(
      rows.map((r) => ({
        user_id: r.userId,
        agency_id: r.agencyId,
        action: r.action,
        record_type: "child",
        record_id: r.childId,
        child_id: r.childId,
        field_groups: sql`${[...r.fieldGroups]}::text[]` as unknown as string[],
        reason: r.reason,
        request_id: r.requestId,
        ip: r.ip,
        details: JSON.stringify(r.details),
        prev_hash: "",
        hash: "",
      })),
    )
    .execute();
}
