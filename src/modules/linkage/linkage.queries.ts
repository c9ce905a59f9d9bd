// Kysely queries for linkage runs and the master child index. No rules here.
import type { Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import "./linkage.tables.ts";
import "../imports/imports.tables.ts";

type Tx = Transaction<DB>;

/** Where each merged-away child went (active merges): from → into. */
export async function activeMerges(tx: Tx): Promise<Map<string, string>> {
  const rows = await tx
    .selectFrom("child_merges")
    .select(["from_child_id", "into_child_id"])
    .where("ended_at", "is", null)
    .execute();
  return new Map(rows.map((r) => [r.from_child_id, r.into_child_id]));
}

/** A child's surviving record, following merges. */
export function survivor(merges: Map<string, string>, childId: string): string {
  let c = childId;
  for (let guard = 0; guard < 100; guard++) {
    const next = merges.get(c);
    if (!next) return c;
    c = next;
  }
  return c;
}

/** Active (positive) links: source record → child. */
export async function activeLinks(tx: Tx, recordIds?: readonly string[]) {
  let q = tx
    .selectFrom("master_links")
    .select(["id", "source_record_id", "child_id", "status", "match_probability", "decision_id"])
    .where("ended_at", "is", null)
    .where("status", "in", ["auto", "accepted", "merged"]);
  if (recordIds) {
    if (recordIds.length === 0) return [];
    q = q.where("source_record_id", "in", recordIds);
  }
  return q.execute();
}

export async function activeExclusions(tx: Tx) {
  return tx
    .selectFrom("linkage_exclusions")
    .select(["a_kind", "a_id", "b_kind", "b_id"])
    .where("ended_at", "is", null)
    .execute();
}

/** Current person records of children (not superseded). */
export async function currentChildRecords(tx: Tx) {
  return tx
    .selectFrom("source_records as r")
    .innerJoin("import_sources as s", "s.id", "r.source_id")
    .select(["r.id", "r.agency_id", "r.source_id", "r.std", "r.row_key", "s.kind"])
    .where("r.record_type", "=", "child")
    .where("r.superseded_by", "is", null)
    .execute();
}
