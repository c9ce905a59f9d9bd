// Checking text and recording what the checker found when narrative text is saved. A check on its
// own stores nothing; recordLanguageChecks is called by the module that saves the text, inside its
// own transaction, and stores the flags, the writer's decisions to keep wording (with reasons) and
// the text's word count.
import "./language.tables.ts";
import type { App } from "../../app.ts";
import { type CheckResult, check, type Flag } from "../../engines/language/index.ts";
import { newId } from "../../platform/ids.ts";
import type { Actor } from "../audit/audit.service.ts";
import { currentDictionary } from "./dictionary.service.ts";
import { type Db, userTeam } from "./language.queries.ts";

/** The writer's decision to keep flagged wording, with their reason. */
export type KeptWording = { phrase: string; reason: string; entryId?: string; field?: string };

export type LanguageCheckInput = {
  actor: Actor;
  /** what was saved: "case_note", "referral", "return_interview", "meeting_minutes"… */
  recordType: string;
  recordId: string;
  /** the narrative field within the record: "text", "concerns", "childsVoice"… */
  field: string;
  text: string;
  kept?: KeptWording[] | null;
};

export type RecordedCheck = {
  checkId: string | null;
  wordCount: number;
  flags: (Flag & { kept: boolean; reason: string | null })[];
  keptCount: number;
  dictionaryVersion: string;
};

const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;
export const countWords = (text: string): number => text.match(WORD)?.length ?? 0;

export const normalisePhrase = (s: string): string =>
  s.normalize("NFKC").replace(/[’‘]/g, "'").replace(/\s+/g, " ").trim().toLowerCase();

const MAX_REASON = 1000;
const MAX_KEPT = 200;

/**
 * Reads the writer's "keep this wording" decisions from a form field (the live hints add one
 * hidden input per decision, name="languageOverride", value = JSON) or an API body. Accepts a JSON
 * object, a JSON array, a list of either, or objects; ignores anything malformed (saving is never
 * blocked by a bad decision: the flag is then simply recorded as not kept).
 */
export function parseLanguageOverrides(value: unknown): KeptWording[] {
  const out: KeptWording[] = [];
  const take = (v: unknown) => {
    if (out.length >= MAX_KEPT) return;
    if (typeof v === "string") {
      const s = v.trim();
      if (!s) return;
      try {
        take(JSON.parse(s));
      } catch {
        /* not JSON: ignored */
      }
      return;
    }
    if (Array.isArray(v)) {
      for (const x of v) take(x);
      return;
    }
    if (typeof v !== "object" || v === null) return;
    const o = v as Record<string, unknown>;
    if (typeof o.phrase !== "string" || typeof o.reason !== "string") return;
    const phrase = o.phrase.trim().slice(0, 500);
    const reason = o.reason.trim().slice(0, MAX_REASON);
    if (!phrase || !reason) return;
    const k: KeptWording = { phrase, reason };
    if (typeof o.entryId === "string" && o.entryId) k.entryId = o.entryId.slice(0, 80);
    if (typeof o.field === "string" && o.field) k.field = o.field.slice(0, 80);
    out.push(k);
  };
  take(value);
  return out;
}

/** Which flags the writer kept, and why: matched by phrase (and entry and field when given). */
export function applyKept(
  flags: Flag[],
  kept: readonly KeptWording[],
  field: string,
): (Flag & { kept: boolean; reason: string | null })[] {
  return flags.map((f) => {
    const phrase = normalisePhrase(f.phrase);
    const k = kept.find(
      (x) =>
        normalisePhrase(x.phrase) === phrase &&
        (!x.entryId || x.entryId === f.entryId) &&
        (!x.field || x.field === field) &&
        x.reason.trim() !== "",
    );
    return { ...f, kept: !!k, reason: k ? k.reason.trim().slice(0, MAX_REASON) : null };
  });
}

/** Checks text against the current dictionary. Stores nothing. */
export async function checkText(
  app: App,
  text: string,
  db: Db = app.db,
): Promise<CheckResult & { dictionaryVersion: string }> {
  const d = await currentDictionary(app, db);
  return { ...check(text, d.compiled), dictionaryVersion: d.label };
}

/**
 * Records the checker's findings on narrative text being saved, in the caller's transaction `tx`
 * (so nothing is stored when the save fails): one check row with the word count, one row per flag
 * with the dictionary version, the writer's agency, team and user, the record, and whether the
 * writer kept the wording and why. Empty text records nothing.
 */
export async function recordLanguageChecks(
  app: App,
  tx: Db,
  input: LanguageCheckInput,
): Promise<RecordedCheck> {
  const wordCount = countWords(input.text);
  const d = await currentDictionary(app, tx);
  if (wordCount === 0)
    return { checkId: null, wordCount: 0, flags: [], keptCount: 0, dictionaryVersion: d.label };
  const result = check(input.text, d.compiled);
  const flags = applyKept(result.flags, input.kept ?? [], input.field);
  const keptCount = flags.filter((f) => f.kept).length;
  const team = await userTeam(tx, input.actor.userId);
  const checkedAt = app.clock.now();
  const checkId = newId();
  const common = {
    checked_at: checkedAt,
    agency_id: input.actor.agencyId,
    team,
    user_id: input.actor.userId,
    record_type: input.recordType,
    record_id: input.recordId,
    field: input.field,
    dictionary_version: d.label,
  };
  await tx
    .insertInto("language_checks")
    .values({
      id: checkId,
      ...common,
      word_count: wordCount,
      flag_count: flags.length,
      kept_count: keptCount,
    })
    .execute();
  if (flags.length)
    await tx
      .insertInto("language_flags")
      .values(
        flags.map((f) => ({
          id: newId(),
          check_id: checkId,
          ...common,
          entry_id: f.entryId,
          category: f.category,
          phrase: f.phrase.slice(0, 500),
          start_offset: f.start,
          end_offset: f.end,
          kept: f.kept,
          reason: f.reason,
        })),
      )
      .execute();
  return { checkId, wordCount, flags, keptCount, dictionaryVersion: d.label };
}
