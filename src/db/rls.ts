// Row-level security sessions: every transaction that touches child data runs as the lantern_app
// role (SET LOCAL ROLE) with per-transaction settings the policies read. Without these settings
// the policies return no rows: deny by default.
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "./schema.ts";

export type Scope = {
  /** user: rows the user may see; signpost: search across all children (identity only, enforced by the app); system: jobs and seeding. */
  scope: "user" | "signpost" | "system";
  userId?: string;
  agencyId?: string;
  /** Managers: their own agency's children. */
  oversight?: boolean;
  /** Joint screening team: all referrals. */
  screening?: boolean;
};

export async function applyScope(tx: Kysely<DB>, s: Scope): Promise<void> {
  await sql`select
    set_config('lantern.scope', ${s.scope}, true),
    set_config('lantern.user_id', ${s.userId ?? ""}, true),
    set_config('lantern.agency_id', ${s.agencyId ?? ""}, true),
    set_config('lantern.oversight', ${s.oversight ? "on" : "off"}, true),
    set_config('lantern.screening', ${s.screening ? "on" : "off"}, true)`.execute(tx);
  await sql`set local role lantern_app`.execute(tx);
}

export function inScope<T>(db: Kysely<DB>, s: Scope, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await applyScope(tx, s);
    return fn(tx);
  });
}
