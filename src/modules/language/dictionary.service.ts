// The dictionary as living data: seeded from the engine's shipped dictionary at first use, then
// changed by administrators (add, edit, retire, restore). Every change makes a new dictionary
// version, keeps the entry's earlier revisions, and is audited in the same transaction. Checks use
// the latest version; compiled dictionaries are cached per version, so an edit takes effect on the
// very next check (in every process: the version is read from the database each time).
import "./language.tables.ts";
import { sql } from "kysely";
import type { App } from "../../app.ts";
import {
  type CompiledDictionary,
  check,
  compileDictionary,
  type Dictionary,
  type DictionaryEntry,
  defaultDictionary,
  type FieldError,
  validateEntry,
} from "../../engines/language/index.ts";
import { Conflict, Invalid, NotFound } from "../../platform/errors.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import {
  type Db,
  entriesAt,
  hasShippedVersion,
  latestRevision,
  latestVersion,
  latestVersionRow,
  macrosAt,
  maxPosition,
  shippedBaseAt,
  versionRow,
} from "./language.queries.ts";
import type { DictionaryAction } from "./language.tables.ts";

const DICTIONARY_LOCK = 7305301;
const CACHE_VERSIONS = 8;

export type LoadedDictionary = {
  /** the database's dictionary version number */
  version: number;
  /** the label every flag records, e.g. "2025.1+3" */
  label: string;
  dictionary: Dictionary;
  compiled: CompiledDictionary;
};

type State = {
  byVersion: Map<number, LoadedDictionary & { stamp: number }>;
  shippedChecked: boolean;
  shipped: Dictionary;
};
const states = new WeakMap<object, State>();

function stateOf(app: App): State {
  let s = states.get(app);
  if (!s) {
    s = { byVersion: new Map(), shippedChecked: false, shipped: defaultDictionary };
    states.set(app, s);
  }
  return s;
}

/** For tests: make this app import a different "shipped" dictionary (as after an upgrade). */
export function useShippedDictionary(app: App, shipped: Dictionary): void {
  const s = stateOf(app);
  s.shipped = shipped;
  s.shippedChecked = false;
}

export const labelFor = (base: string | null, version: number) => `${base ?? "local"}+${version}`;

const lock = (db: Db) => sql`select pg_advisory_xact_lock(${DICTIONARY_LOCK})`.execute(db);

async function insertVersion(
  db: Db,
  v: {
    version: number;
    action: DictionaryAction;
    entryId: string | null;
    summary: string;
    shipped?: string | null;
    macros?: Record<string, string> | null;
    by: string | null;
  },
): Promise<string> {
  const base = v.shipped ?? (await shippedBaseAt(db, v.version - 1));
  const label = labelFor(base, v.version);
  await db
    .insertInto("language_dictionary_versions")
    .values({
      version: v.version,
      label,
      action: v.action,
      entry_id: v.entryId,
      summary: v.summary,
      shipped_version: v.shipped ?? null,
      macros: v.macros ? JSON.stringify(v.macros) : null,
      created_by: v.by,
    })
    .execute();
  return label;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Imports the shipped dictionary when this database has not seen its version: the first time, as
 * the seed (version 1); after an upgrade, as one "update" version that adds new shipped entries
 * and refreshes shipped entries no administrator has changed (administrators' edits are kept).
 * Runs under an advisory lock, so concurrent first uses import once.
 */
async function importShipped(db: Db, shipped: Dictionary): Promise<void> {
  await lock(db);
  if (await hasShippedVersion(db, shipped.version)) return;
  const current = await latestVersion(db);
  if (current === null) {
    await insertVersion(db, {
      version: 1,
      action: "seed",
      entryId: null,
      summary: `Seeded from the dictionary shipped with Lantern (${shipped.version}, ${shipped.entries.length} entries)`,
      shipped: shipped.version,
      macros: shipped.macros ?? {},
      by: null,
    });
    const rows = shipped.entries.map((e, i) => ({
      entry_id: e.id,
      dictionary_version: 1,
      entry_version: e.version,
      position: i,
      active: e.active,
      data: JSON.stringify(e),
      source: "shipped" as const,
      created_by: null,
    }));
    for (let i = 0; i < rows.length; i += 200)
      await db
        .insertInto("language_entries")
        .values(rows.slice(i, i + 200))
        .execute();
    return;
  }
  const version = current + 1;
  const existing = new Map((await entriesAt(db, current)).map((r) => [r.entry_id, r]));
  let position = await maxPosition(db);
  const rows = [];
  for (const e of shipped.entries) {
    const have = existing.get(e.id);
    if (!have) {
      rows.push({ e, position: ++position, entryVersion: e.version });
    } else if (have.source === "shipped" && !same(have.data, e)) {
      rows.push({ e, position: have.position, entryVersion: Math.max(e.version, have.entry_version + 1) });
    }
  }
  await insertVersion(db, {
    version,
    action: "update",
    entryId: null,
    summary: `Updated from the dictionary shipped with Lantern (${shipped.version}): ${rows.length} entries added or refreshed; entries changed by administrators kept`,
    shipped: shipped.version,
    macros: shipped.macros ?? {},
    by: null,
  });
  for (const r of rows)
    await db
      .insertInto("language_entries")
      .values({
        entry_id: r.e.id,
        dictionary_version: version,
        entry_version: r.entryVersion,
        position: r.position,
        active: r.e.active,
        data: JSON.stringify({ ...r.e, version: r.entryVersion }),
        source: "shipped",
        created_by: null,
      })
      .execute();
}

/**
 * Imports the shipped dictionary into `db` if it has not been (for seeding outside a running app,
 * such as the demo county) and returns the latest version's label.
 */
export async function ensureShippedDictionary(db: Db): Promise<string> {
  await importShipped(db, defaultDictionary);
  const row = await latestVersionRow(db);
  return (await versionRow(db, row!.version))!.label;
}

/** The latest version (number and creation time), importing the shipped dictionary on first use. */
async function ensureLatest(app: App, db: Db): Promise<{ version: number; stamp: number }> {
  const s = stateOf(app);
  let row = await latestVersionRow(db);
  if (!row || !s.shippedChecked) {
    await importShipped(db, s.shipped);
    s.shippedChecked = true;
    row = await latestVersionRow(db);
  }
  return { version: row!.version, stamp: new Date(row!.created_at).getTime() };
}

/** The current dictionary version number, importing the shipped dictionary on first use. */
export async function ensureDictionary(app: App, db: Db = app.db): Promise<number> {
  return (await ensureLatest(app, db)).version;
}

function compileSafely(app: App, d: Dictionary): CompiledDictionary {
  try {
    return compileDictionary(d);
  } catch (e) {
    // A stored entry that no longer compiles (for example after macros changed) must not stop
    // every check: drop it, say so in the log, keep the rest.
    const ok = d.entries.filter((entry) => {
      try {
        compileDictionary([entry], { macros: d.macros ?? {}, version: d.version });
        return true;
      } catch (err) {
        app.logger.error({ entry: entry.id, err }, "language dictionary entry does not compile; skipped");
        return false;
      }
    });
    app.logger.error({ err: e }, "language dictionary compiled without entries that failed");
    return compileDictionary({ ...d, entries: ok });
  }
}

/**
 * The dictionary at a version, compiled; cached per version (a version never changes once made).
 * The cache key includes the version's creation time, so a version number reused after a rolled
 * back transaction is never served from a stale entry.
 */
export async function dictionaryAt(
  app: App,
  db: Db,
  version: number,
  stamp?: number,
): Promise<LoadedDictionary> {
  const s = stateOf(app);
  const hit = s.byVersion.get(version);
  if (hit && (stamp === undefined || hit.stamp === stamp)) return hit;
  const row = await versionRow(db, version);
  if (!row) throw new NotFound(`There is no dictionary version ${version}.`);
  const revisions = await entriesAt(db, version);
  const macros = await macrosAt(db, version);
  const dictionary: Dictionary = {
    version: row.label,
    macros,
    entries: revisions.map((r) => r.data as DictionaryEntry),
  };
  const loaded: LoadedDictionary & { stamp: number } = {
    version,
    label: row.label,
    dictionary,
    compiled: compileSafely(app, dictionary),
    stamp: new Date(row.created_at).getTime(),
  };
  s.byVersion.set(version, loaded);
  if (s.byVersion.size > CACHE_VERSIONS) {
    const oldest = Math.min(...s.byVersion.keys());
    s.byVersion.delete(oldest);
  }
  return loaded;
}

/** The latest dictionary, compiled. `db` may be a transaction (the caller's), so this never opens another. */
export async function currentDictionary(app: App, db: Db = app.db): Promise<LoadedDictionary> {
  const { version, stamp } = await ensureLatest(app, db);
  return dictionaryAt(app, db, version, stamp);
}

// ---------- Administrators' changes ----------

/** Problems with an entry, as the engine and the dictionary see them, each naming its field. */
export function entryProblems(entry: unknown, macros: Record<string, string>): FieldError[] {
  const r = validateEntry(entry, { macros });
  if (!r.ok) return r.errors;
  const e = r.value;
  const errors: FieldError[] = [];
  const alone = compileDictionary([e], { macros, version: "draft" });
  (e.examples?.flag ?? []).forEach((ex, i) => {
    if (!check(ex, alone).flags.some((f) => f.entryId === e.id))
      errors.push({
        field: `examples.flag[${i}]`,
        message: `"${ex}" is not flagged by this entry: change the pattern or the example`,
      });
  });
  (e.examples?.pass ?? []).forEach((ex, i) => {
    if (check(ex, alone).flags.some((f) => f.entryId === e.id))
      errors.push({
        field: `examples.pass[${i}]`,
        message: `"${ex}" is flagged by this entry but should not be: add a condition or change the example`,
      });
  });
  return errors;
}

function invalid(errors: FieldError[]): Invalid {
  return new Invalid(
    `The dictionary entry has ${errors.length === 1 ? "a problem" : `${errors.length} problems`}`,
    errors.map((e) => ({ field: e.field, message: e.message })),
  );
}

export type ChangeResult = {
  entryId: string;
  entryVersion: number;
  dictionaryVersion: number;
  label: string;
};

/** Fields an administrator provides; the dictionary sets version and active. */
export type EntryDraft = Omit<DictionaryEntry, "version" | "active"> & { active?: boolean };

async function change(
  app: App,
  actor: Actor,
  op: { action: DictionaryAction; entryId: string },
  build: (
    db: Db,
    macros: Record<string, string>,
    current: number,
  ) => Promise<{
    entry: DictionaryEntry;
    position: number;
    summary: string;
    details: Record<string, unknown>;
  }>,
): Promise<ChangeResult> {
  return app.db.transaction().execute(async (tx) => {
    await ensureDictionary(app, tx);
    await lock(tx);
    const current = (await latestVersion(tx))!;
    const macros = await macrosAt(tx, current);
    const { entry, position, summary, details } = await build(tx, macros, current);
    const version = current + 1;
    const label = await insertVersion(tx, {
      version,
      action: op.action,
      entryId: op.entryId,
      summary,
      by: actor.userId,
    });
    await tx
      .insertInto("language_entries")
      .values({
        entry_id: entry.id,
        dictionary_version: version,
        entry_version: entry.version,
        position,
        active: entry.active,
        data: JSON.stringify(entry),
        source: "admin",
        created_by: actor.userId,
      })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: `language.entry.${op.action}`,
        recordType: "language_entry",
        recordId: entry.id,
        reason: "dictionary change",
        details: { dictionaryVersion: label, entryVersion: entry.version, summary, ...details },
      }),
    );
    return { entryId: entry.id, entryVersion: entry.version, dictionaryVersion: version, label };
  });
}

function clean(draft: EntryDraft, version: number, active: boolean): DictionaryEntry {
  const e: Record<string, unknown> = { ...draft, version, active };
  for (const k of ["subject", "negatable", "unless", "requires", "examples", "comment"])
    if (e[k] === undefined || e[k] === null) delete e[k];
  return e as unknown as DictionaryEntry;
}

const changedFields = (before: Record<string, unknown>, after: Record<string, unknown>) =>
  [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => k !== "version" && !same(before[k], after[k]))
    .sort();

/** An entry draft's problems against the current dictionary, without changing anything (for forms). */
export async function draftProblems(
  app: App,
  draft: EntryDraft,
  mode: "add" | "edit",
): Promise<FieldError[]> {
  const version = await ensureDictionary(app);
  const macros = await macrosAt(app.db, version);
  const errors = entryProblems(clean(draft, 1, true), macros);
  if (mode === "add" && typeof draft.id === "string" && (await latestRevision(app.db, draft.id)))
    errors.unshift({
      field: "id",
      message: `An entry with the id "${draft.id}" already exists: choose another`,
    });
  return errors;
}

/** Adds an entry (version 1, active). The id must be new. */
export function addEntry(app: App, actor: Actor, draft: EntryDraft): Promise<ChangeResult> {
  return change(app, actor, { action: "add", entryId: String(draft.id) }, async (db, macros) => {
    const entry = clean(draft, 1, draft.active ?? true);
    const errors = entryProblems(entry, macros);
    if (typeof entry.id === "string" && (await latestRevision(db, entry.id)))
      errors.unshift({
        field: "id",
        message: `An entry with the id "${entry.id}" already exists: choose another`,
      });
    if (errors.length) throw invalid(errors);
    return {
      entry,
      position: (await maxPosition(db)) + 1,
      summary: `Added "${entry.id}" (${entry.category})`,
      details: { entry },
    };
  });
}

async function current(db: Db, entryId: string, expectedVersion: number) {
  const rev = await latestRevision(db, entryId);
  if (!rev) throw new NotFound(`There is no dictionary entry "${entryId}".`);
  if (rev.entry_version !== expectedVersion)
    throw new Conflict(
      `Someone else changed "${entryId}" while you were editing it (it is now at version ${rev.entry_version}). Reload it and make your change again.`,
      { currentVersion: rev.entry_version },
    );
  return rev;
}

/** Changes an entry: a new revision with the next entry version. expectedVersion guards against lost updates. */
export function editEntry(
  app: App,
  actor: Actor,
  entryId: string,
  expectedVersion: number,
  draft: EntryDraft,
): Promise<ChangeResult> {
  return change(app, actor, { action: "edit", entryId }, async (db, macros) => {
    const rev = await current(db, entryId, expectedVersion);
    const before = rev.data as Record<string, unknown>;
    const entry = clean({ ...draft, id: entryId }, rev.entry_version + 1, draft.active ?? rev.active);
    const errors = entryProblems(entry, macros);
    if (errors.length) throw invalid(errors);
    const fields = changedFields(before, entry as unknown as Record<string, unknown>);
    if (fields.length === 0)
      throw new Invalid("Nothing was changed", [{ field: "pattern", message: "Change at least one field" }]);
    return {
      entry,
      position: rev.position,
      summary: `Changed "${entryId}": ${fields.join(", ")}`,
      details: { changed: fields, before, after: entry },
    };
  });
}

/** Retires (active false) or restores (active true) an entry. Retired entries stay, with their history. */
export function setEntryActive(
  app: App,
  actor: Actor,
  entryId: string,
  expectedVersion: number,
  active: boolean,
  reason: string,
): Promise<ChangeResult> {
  const action = active ? "restore" : "retire";
  return change(app, actor, { action, entryId }, async (db) => {
    const rev = await current(db, entryId, expectedVersion);
    if (rev.active === active)
      throw new Invalid(`"${entryId}" is already ${active ? "in use" : "retired"}`, [
        { field: "reason", message: `"${entryId}" is already ${active ? "in use" : "retired"}` },
      ]);
    const trimmed = reason.trim();
    if (trimmed.length < 5 || trimmed.length > 500)
      throw new Invalid("Give a reason", [
        {
          field: "reason",
          message: `Explain why you are ${active ? "restoring" : "retiring"} this entry (5–500 characters)`,
        },
      ]);
    const entry = { ...(rev.data as DictionaryEntry), version: rev.entry_version + 1, active };
    return {
      entry,
      position: rev.position,
      summary: `${active ? "Restored" : "Retired"} "${entryId}": ${trimmed}`,
      details: { reason: trimmed },
    };
  });
}
