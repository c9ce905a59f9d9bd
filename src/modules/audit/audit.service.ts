// The audit trail: every read and write of a child's data is recorded here, in the same
// transaction as the read or write. The database chains each row to the previous one by hash
// (trigger in migration 0003) and refuses updates and deletes; verify() re-checks the chain.
import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.ts";

export type AuditEntry = {
  userId: string | null;
  agencyId: string | null;
  action: string;
  recordType?: string;
  recordId?: string;
  childId?: string | null;
  fieldGroups?: readonly string[];
  reason?: string | null;
  requestId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
};

/** Who is acting and from where: passed from routes to services so audit rows are complete. */
export type Actor = {
  userId: string;
  agencyId: string;
  requestId: string | null;
  ip: string | null;
};

export async function audit(db: Kysely<DB>, e: AuditEntry): Promise<void> {
  await sql`insert into audit_log
    (user_id, agency_id, action, record_type, record_id, child_id, field_groups, reason, request_id, ip, details, prev_hash, hash)
    values (${e.userId}, ${e.agencyId}, ${e.action}, ${e.recordType ?? null}, ${e.recordId ?? null}, ${e.childId ?? null},
      ${sql`${[...(e.fieldGroups ?? [])]}::text[]`}, ${e.reason ?? null}, ${e.requestId ?? null}, ${e.ip ?? null},
      ${JSON.stringify(e.details ?? {})}::jsonb, '', '')`.execute(db);
}

export const auditFor = (
  actor: Actor,
  e: Omit<AuditEntry, "userId" | "agencyId" | "requestId" | "ip">,
): AuditEntry => ({
  ...e,
  userId: actor.userId,
  agencyId: actor.agencyId,
  requestId: actor.requestId,
  ip: actor.ip,
});

/** Audit rows written by background jobs: on behalf of the user who started the work, if known. */
export const jobAudit = (
  userId: string | null,
  e: Omit<AuditEntry, "userId" | "agencyId" | "requestId" | "ip">,
): AuditEntry => ({
  ...e,
  userId,
  agencyId: null,
  requestId: null,
  ip: null,
});

export type VerifyResult =
  | { ok: true; rows: number }
  | { ok: false; rows: number; firstBadId: number; problem: string };

/** Walks the chain in id order; names the first row whose hash or link to its predecessor is wrong. */
export async function verifyAuditChain(
  db: Kysely<DB>,
  onProgress?: (done: number) => void,
): Promise<VerifyResult> {
  let prev = "genesis";
  let after = 0;
  let rows = 0;
  for (;;) {
    const page = await sql<{ id: number; prev_hash: string; hash: string; expected: string }>`
      select id, prev_hash, hash, lantern_audit_hash(a) as expected
      from audit_log a where id > ${after} order by id limit 5000`.execute(db);
    if (page.rows.length === 0) return { ok: true, rows };
    for (const r of page.rows) {
      if (r.prev_hash !== prev) {
        return {
          ok: false,
          rows,
          firstBadId: r.id,
          problem: "its link to the previous row does not match (a row was removed or changed)",
        };
      }
      if (r.hash !== r.expected) {
        return {
          ok: false,
          rows,
          firstBadId: r.id,
          problem: "its contents do not match its hash (the row was changed)",
        };
      }
      prev = r.hash;
      after = r.id;
      rows++;
    }
    onProgress?.(rows);
  }
}
