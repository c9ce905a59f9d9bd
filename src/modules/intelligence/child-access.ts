// Access decisions for many children at once, for the link chart and network lists. The same facts
// AccessService.decide reads for one child (owning agency, the user's active relationships, an
// unexpired break-glass), read in three queries for a batch, and the access module's own pure
// policy (decideChildAccess) applied to each. Children's names are then read under the user's
// row-level-security scope, so the database must agree with every decision.
import { type Kysely, sql } from "kysely";
import type { Scope } from "../../db/rls.ts";
import type { DB, RelationshipKind } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { type ChildDecision, decideChildAccess, subjectOf } from "../access/index.ts";
import type { AuditEntry } from "../audit/audit.service.ts";

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The same transaction as inScope(db, userScope(u), fn) (db/rls.ts: the user's settings, SET LOCAL
 * ROLE lantern_app), opened in one round trip instead of three: begin, the settings and the role go
 * as one simple-protocol statement. For the hot read paths (the link chart). The ids are checked to
 * be UUIDs before they are written into the statement.
 */
export async function inUserScope<T>(
  db: Kysely<DB>,
  u: SessionUser,
  fn: (tx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (!UUID.test(u.id) || !UUID.test(u.agencyId)) throw new Error("user and agency ids must be UUIDs");
  const s = userScope(u);
  return db.connection().execute(async (conn) => {
    await sql
      .raw(
        `begin; select set_config('lantern.scope', 'user', true), set_config('lantern.user_id', '${u.id}', true), set_config('lantern.agency_id', '${u.agencyId}', true), set_config('lantern.oversight', '${s.oversight ? "on" : "off"}', true), set_config('lantern.screening', '${s.screening ? "on" : "off"}', true); set local role lantern_app`,
      )
      .execute(conn);
    try {
      const out = await fn(conn);
      await sql.raw("commit").execute(conn);
      return out;
    } catch (e) {
      await sql
        .raw("rollback")
        .execute(conn)
        .catch(() => {});
      throw e;
    }
  });
}

export const userScope = (u: SessionUser): Scope => ({
  scope: "user",
  userId: u.id,
  agencyId: u.agencyId,
  oversight: u.roles.includes("manager"),
  screening: u.roles.includes("screener"),
});

/** The user's active relationships and break-glass grants (all of them, or for `ids`), in one query. */
export type AccessFacts = { related: Map<string, Set<RelationshipKind>>; glass: Set<string> };

export async function loadAccessFacts(
  tx: Kysely<DB>,
  u: SessionUser,
  now: Date,
  ids?: readonly string[],
): Promise<AccessFacts> {
  const only = ids ? sql`and child_id = any(${[...ids]}::uuid[])` : sql``;
  const rows = await sql<{ child_id: string; kind: string }>`
    select child_id, kind from relationships
      where user_id = ${u.id} and starts_at <= ${now} and (ends_at is null or ends_at > ${now}) ${only}
    union all
    select child_id, 'break_glass' from break_glass where user_id = ${u.id} and expires_at > ${now} ${only}`.execute(
    tx,
  );
  const related = new Map<string, Set<RelationshipKind>>();
  const glass = new Set<string>();
  for (const r of rows.rows) {
    if (r.kind === "break_glass") {
      // A break-glass row in relationships is not a relationship; the grant is in break_glass.
      if (!related.has(r.child_id)) related.set(r.child_id, new Set());
      continue;
    }
    const s = related.get(r.child_id) ?? new Set<RelationshipKind>();
    s.add(r.kind as RelationshipKind);
    related.set(r.child_id, s);
  }
  for (const r of rows.rows) if (r.kind === "break_glass") glass.add(r.child_id);
  return { related, glass };
}

/**
 * May the user walk through this child? Exact for everyone but managers (whose oversight of their
 * own agency's children depends on the owning agency: they use decideChildren instead).
 */
export function readsWithoutOwner(u: SessionUser, facts: AccessFacts, childId: string): boolean {
  return decideChildAccess(subjectOf(u), {
    owningAgencyId: "",
    relationships: [...(facts.related.get(childId) ?? [])],
    breakGlass: facts.glass.has(childId),
  }).read;
}

/**
 * Decides and, where allowed, reads the children `ids` inside the caller's transaction (which must
 * run under the user's scope, userScope(u), as lantern_app). Switches to the signpost scope to learn references and owners, then
 * back to the user's scope to read names: rows the database refuses are treated as signpost only.
 */
export async function decideChildren(
  tx: Kysely<DB>,
  u: SessionUser,
  ids: readonly string[],
  now: Date,
  known?: AccessFacts,
): Promise<Map<string, ChildFacts>> {
  const out = new Map<string, ChildFacts>();
  const list = [...new Set(ids)];
  if (!list.length) return out;
  // The caller's transaction already runs as lantern_app under the user's scope: only the scope
  // name changes (signpost: identity only, read here as reference and owner), then back.
  await sql`select set_config('lantern.scope', 'signpost', true)`.execute(tx);
  const rows = await tx
    .selectFrom("children")
    .select(["id", "reference", "owning_agency_id"])
    .where(sql<boolean>`id = any(${list}::uuid[])`)
    .execute();
  await sql`select set_config('lantern.scope', 'user', true)`.execute(tx);
  const facts = known ?? (await loadAccessFacts(tx, u, now, list));
  const subject = subjectOf(u);
  for (const r of rows) {
    const decision = decideChildAccess(subject, {
      owningAgencyId: r.owning_agency_id,
      relationships: [...(facts.related.get(r.id) ?? [])],
      breakGlass: facts.glass.has(r.id),
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

/**
 * Audit rows for many children, and optionally one summary row, in one statement (the audit
 * trigger chains each row, as for the audit module's audit()).
 */
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
  summary?: AuditEntry,
): Promise<void> {
  const values = rows.map((r) => ({
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
  }));
  if (summary)
    values.push({
      user_id: summary.userId as string,
      agency_id: summary.agencyId as string,
      action: summary.action,
      record_type: summary.recordType ?? (null as unknown as string),
      record_id: summary.recordId ?? (null as unknown as string),
      child_id: summary.childId ?? (null as unknown as string),
      field_groups: sql`${[...(summary.fieldGroups ?? [])]}::text[]` as unknown as string[],
      reason: summary.reason ?? (null as unknown as string),
      request_id: summary.requestId ?? null,
      ip: summary.ip ?? null,
      details: JSON.stringify(summary.details ?? {}),
      prev_hash: "",
      hash: "",
    });
  if (!values.length) return;
  await tx.insertInto("audit_log").values(values).execute();
}
