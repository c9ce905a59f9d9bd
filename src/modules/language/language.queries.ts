// Kysely queries for the language module. No rules here: services decide what to call and when.
import "./language.tables.ts";
import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.ts";

export type Db = Kysely<DB>;

export async function latestVersion(db: Db): Promise<number | null> {
  const r = await db
    .selectFrom("language_dictionary_versions")
    .select((eb) => eb.fn.max("version").as("v"))
    .executeTakeFirst();
  return r?.v == null ? null : Number(r.v);
}

/** The newest version: its number and when it was made (one indexed row). */
export const latestVersionRow = (db: Db) =>
  db
    .selectFrom("language_dictionary_versions")
    .select(["version", "created_at"])
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();

export const versionRow = (db: Db, version: number) =>
  db.selectFrom("language_dictionary_versions").selectAll().where("version", "=", version).executeTakeFirst();

export const hasShippedVersion = async (db: Db, shipped: string) =>
  !!(await db
    .selectFrom("language_dictionary_versions")
    .select("version")
    .where("shipped_version", "=", shipped)
    .executeTakeFirst());

/** The base label (shipped dictionary version) in force at a version: the latest seed/update at or before it. */
export async function shippedBaseAt(db: Db, version: number): Promise<string | null> {
  const r = await db
    .selectFrom("language_dictionary_versions")
    .select("shipped_version")
    .where("version", "<=", version)
    .where("shipped_version", "is not", null)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  return r?.shipped_version ?? null;
}

export async function macrosAt(db: Db, version: number): Promise<Record<string, string>> {
  const r = await db
    .selectFrom("language_dictionary_versions")
    .select("macros")
    .where("version", "<=", version)
    .where("macros", "is not", null)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  return (r?.macros as Record<string, string> | undefined) ?? {};
}

export type EntryRevision = {
  entry_id: string;
  dictionary_version: number;
  entry_version: number;
  position: number;
  active: boolean;
  data: unknown;
  source: "shipped" | "admin";
  created_by: string | null;
  created_at: Date;
};

/** Each entry as it stood at a dictionary version (its latest revision at or before it), in dictionary order. */
export async function entriesAt(db: Db, version: number): Promise<EntryRevision[]> {
  const r = await sql<EntryRevision>`
    select distinct on (entry_id) entry_id, dictionary_version, entry_version, position, active, data, source,
      created_by, created_at
    from language_entries where dictionary_version <= ${version}
    order by entry_id, dictionary_version desc`.execute(db);
  return r.rows.sort((a, b) => a.position - b.position || a.entry_id.localeCompare(b.entry_id));
}

export const entryRevisions = (db: Db, entryId: string) =>
  db
    .selectFrom("language_entries as e")
    .innerJoin("language_dictionary_versions as v", "v.version", "e.dictionary_version")
    .leftJoin("users as u", "u.id", "e.created_by")
    .select([
      "e.entry_id",
      "e.dictionary_version",
      "e.entry_version",
      "e.active",
      "e.data",
      "e.source",
      "e.created_at",
      "v.label",
      "v.action",
      "v.summary",
      "u.display_name as created_by_name",
    ])
    .where("e.entry_id", "=", entryId)
    .orderBy("e.dictionary_version", "desc")
    .execute();

export async function latestRevision(db: Db, entryId: string) {
  return db
    .selectFrom("language_entries")
    .selectAll()
    .where("entry_id", "=", entryId)
    .orderBy("dictionary_version", "desc")
    .limit(1)
    .executeTakeFirst();
}

export async function maxPosition(db: Db): Promise<number> {
  const r = await db
    .selectFrom("language_entries")
    .select((eb) => eb.fn.max("position").as("p"))
    .executeTakeFirst();
  return r?.p == null ? -1 : Number(r.p);
}

/** The dictionary's changes as the audit log records them: who, when, what. */
export const dictionaryAudit = (db: Db, limit = 20, entryId?: string) => {
  let q = db
    .selectFrom("audit_log as a")
    .leftJoin("users as u", "u.id", "a.user_id")
    .leftJoin("agencies as g", "g.id", "a.agency_id")
    .select([
      "a.id",
      "a.occurred_at",
      "a.action",
      "a.record_id",
      "a.details",
      "u.display_name as user_name",
      "u.email as user_email",
      "g.name as agency_name",
    ])
    .where("a.record_type", "=", "language_entry")
    .orderBy("a.id", "desc")
    .limit(limit);
  if (entryId) q = q.where("a.record_id", "=", entryId);
  return q.execute();
};

export const userTeam = async (db: Db, userId: string) =>
  (await db.selectFrom("users").select("team").where("id", "=", userId).executeTakeFirst())?.team ?? null;
