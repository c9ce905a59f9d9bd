// The row-level-security scope for imported data and the master index. Row-level security lets a
// user's transaction see these tables only when it is marked lantern.linkage = 'on' (migration
// 0008); the services mark it only after checking the user's role here. Jobs run as 'system'.
import { sql, type Transaction } from "kysely";
import type { App } from "../../app.ts";
import { inScope } from "../../db/rls.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { Forbidden } from "../../platform/errors.ts";
import type { Role } from "../identity/roles.ts";

/** Import files (and see their batches): analysts and administrators. */
export const IMPORT_ROLES: readonly Role[] = ["analyst", "admin"];
/** Review linkage, split and merge, create children from unmatched records: analysts. */
export const LINKAGE_ROLES: readonly Role[] = ["analyst"];
/** Start a linkage run and see runs: analysts and administrators. */
export const RUN_ROLES: readonly Role[] = ["analyst", "admin"];
/** The data-gaps report (aggregates and conflicts by child reference). */
export const DATA_GAPS_ROLES: readonly Role[] = ["analyst", "manager", "admin"];

export const hasRole = (u: SessionUser, roles: readonly Role[]) => u.roles.some((r) => roles.includes(r));

export function requireRole(u: SessionUser, roles: readonly Role[], what: string): void {
  if (!hasRole(u, roles)) throw new Forbidden(`Your role does not allow you to ${what}.`);
}

/**
 * Runs fn with imported data visible (the caller has checked the role), or as the system for
 * jobs. A user's transaction runs in the signpost scope: linkage compares records with every
 * child, so children's identities are visible as search-and-signpost allows; the services show
 * identity fields only and audit every view.
 */
export function linkageScope<T>(
  app: App,
  u: SessionUser | null,
  fn: (tx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  if (!u) return inScope(app.db, { scope: "system" }, fn);
  return inScope(app.db, { scope: "signpost", userId: u.id, agencyId: u.agencyId }, async (tx) => {
    await sql`select set_config('lantern.linkage', 'on', true)`.execute(tx);
    return fn(tx);
  });
}
