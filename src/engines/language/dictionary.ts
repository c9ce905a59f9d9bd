// Dictionary handling: validation of entries (for administrators' edits) and compilation of a
// whole dictionary into matchers indexed by the words a match can start with.
import { BUILTIN_SLOTS, type CompiledPattern, compilePattern, type Node, PatternError } from "./pattern.ts";
import {
  CATEGORIES,
  type Category,
  type Condition,
  type Dictionary,
  type DictionaryEntry,
  type FieldError,
  type ValidationResult,
} from "./types.ts";

export interface CompiledCondition {
  where: "before" | "after" | "at" | "sentence";
  pattern: CompiledPattern;
}

export interface CompiledEntry {
  entry: DictionaryEntry;
  /** position in the dictionary; lower wins when two entries flag the same span */
  order: number;
  patterns: CompiledPattern[];
  unless: CompiledCondition[];
  requires: CompiledCondition[];
  subject: "child" | "any";
  negatable: boolean;
}

export interface IndexedPattern {
  entry: CompiledEntry;
  pattern: CompiledPattern;
  /** position in CompiledDictionary.patterns */
  slot: number;
}

export interface CompiledDictionary {
  readonly compiled: true;
  version: string;
  entries: CompiledEntry[];
  /** every active pattern; `slot` indexes this list */
  patterns: IndexedPattern[];
  /** first word → patterns that can start there */
  index: Map<string, IndexedPattern[]>;
  /** patterns that can start with any token (tested everywhere) */
  anyStart: IndexedPattern[];
  /** required word → slots of the patterns that need it (patterns with no filter are in `unfiltered`) */
  requiredBy: Map<string, number[]>;
  unfiltered: number[];
  /** 1 for the slots of patterns with no required word (always tried) */
  alwaysLive: Uint8Array;
}

const ENTRY_FIELDS = new Set([
  "id",
  "pattern",
  "category",
  "why",
  "alternatives",
  "version",
  "active",
  "subject",
  "negatable",
  "unless",
  "requires",
  "examples",
  "comment",
]);
const WHERE = ["before", "after", "at", "sentence"] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkPattern(src: unknown, field: string, macros: Record<string, string>, errors: FieldError[]) {
  if (typeof src !== "string" || src.trim() === "") {
    errors.push({ field, message: "must be a non-empty pattern string" });
    return;
  }
  try {
    compilePattern(src, macros);
  } catch (e) {
    errors.push({ field, message: e instanceof PatternError ? e.message : String(e) });
  }
}

function checkConditions(v: unknown, field: string, macros: Record<string, string>, errors: FieldError[]) {
  if (v === undefined) return;
  if (!Array.isArray(v)) {
    errors.push({ field, message: "must be a list of conditions" });
    return;
  }
  v.forEach((c, i) => {
    const f = `${field}[${i}]`;
    if (!isRecord(c)) {
      errors.push({ field: f, message: 'must be an object such as { "after": "pattern" }' });
      return;
    }
    const keys = Object.keys(c);
    if (keys.length !== 1 || !(WHERE as readonly string[]).includes(keys[0])) {
      errors.push({ field: f, message: `must have exactly one of ${WHERE.join(", ")}` });
      return;
    }
    checkPattern(c[keys[0]], `${f}.${keys[0]}`, macros, errors);
  });
}

function stringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === "string");
}

/**
 * Check one dictionary entry (for example an administrator's edit). Returns every problem, each
 * naming the field at fault, or the entry itself when it is valid.
 */
export function validateEntry(
  entry: unknown,
  options: { macros?: Record<string, string> } = {},
): ValidationResult<DictionaryEntry> {
  const macros = options.macros ?? {};
  const errors: FieldError[] = [];
  if (!isRecord(entry)) return { ok: false, errors: [{ field: "entry", message: "must be an object" }] };
  for (const k of Object.keys(entry))
    if (!ENTRY_FIELDS.has(k)) errors.push({ field: k, message: "is not a known field" });
  const { id, pattern, category, why, alternatives, version, active } = entry;
  if (typeof id !== "string" || !/^[a-z0-9][a-z0-9-]{0,79}$/.test(id))
    errors.push({
      field: "id",
      message: "must be 1–80 characters of a-z, 0-9 and -, starting with a letter or digit",
    });
  if (Array.isArray(pattern)) {
    if (pattern.length === 0) errors.push({ field: "pattern", message: "must have at least one pattern" });
    pattern.forEach((p, i) => {
      checkPattern(p, `pattern[${i}]`, macros, errors);
    });
  } else checkPattern(pattern, "pattern", macros, errors);
  if (typeof category !== "string" || !(CATEGORIES as readonly string[]).includes(category))
    errors.push({ field: "category", message: `must be one of ${CATEGORIES.join(", ")}` });
  if (typeof why !== "string" || why.trim().length < 10 || why.length > 1000)
    errors.push({ field: "why", message: "must explain why, in 10–1000 characters" });
  if (!stringList(alternatives) || alternatives.length === 0 || alternatives.some((a) => a.trim() === ""))
    errors.push({ field: "alternatives", message: "must be a non-empty list of non-empty strings" });
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1)
    errors.push({ field: "version", message: "must be a whole number, 1 or more" });
  if (typeof active !== "boolean") errors.push({ field: "active", message: "must be true or false" });
  if (entry.subject !== undefined && entry.subject !== "child" && entry.subject !== "any")
    errors.push({ field: "subject", message: 'must be "child" or "any"' });
  if (entry.negatable !== undefined && typeof entry.negatable !== "boolean")
    errors.push({ field: "negatable", message: "must be true or false" });
  checkConditions(entry.unless, "unless", macros, errors);
  checkConditions(entry.requires, "requires", macros, errors);
  if (entry.examples !== undefined) {
    const ex = entry.examples;
    if (!isRecord(ex) || Object.keys(ex).some((k) => k !== "flag" && k !== "pass"))
      errors.push({ field: "examples", message: "must be an object with optional flag and pass lists" });
    else {
      if (ex.flag !== undefined && !stringList(ex.flag))
        errors.push({ field: "examples.flag", message: "must be a list of strings" });
      if (ex.pass !== undefined && !stringList(ex.pass))
        errors.push({ field: "examples.pass", message: "must be a list of strings" });
    }
  }
  if (entry.comment !== undefined && typeof entry.comment !== "string")
    errors.push({ field: "comment", message: "must be a string" });
  return errors.length ? { ok: false, errors } : { ok: true, value: entry as unknown as DictionaryEntry };
}

/** Check a whole dictionary: version, macros, every entry, and that ids are unique. */
export function validateDictionary(dict: unknown): ValidationResult<Dictionary> {
  const errors: FieldError[] = [];
  if (!isRecord(dict)) return { ok: false, errors: [{ field: "dictionary", message: "must be an object" }] };
  if (typeof dict.version !== "string" || dict.version.trim() === "")
    errors.push({ field: "version", message: "must be a non-empty string" });
  const macros: Record<string, string> = {};
  if (dict.macros !== undefined) {
    if (!isRecord(dict.macros))
      errors.push({ field: "macros", message: "must be an object of NAME: pattern" });
    else
      for (const [name, src] of Object.entries(dict.macros)) {
        if (!/^[A-Z][A-Z0-9_]*$/.test(name) || BUILTIN_SLOTS.has(name))
          errors.push({
            field: `macros.${name}`,
            message: "name must be UPPER_CASE and not a built-in slot",
          });
        else if (typeof src !== "string")
          errors.push({ field: `macros.${name}`, message: "must be a pattern string" });
        else macros[name] = src;
      }
    for (const [name, src] of Object.entries(macros)) checkPattern(src, `macros.${name}`, macros, errors);
  }
  if (!Array.isArray(dict.entries)) errors.push({ field: "entries", message: "must be a list" });
  else {
    const seen = new Set<string>();
    dict.entries.forEach((e, i) => {
      const r = validateEntry(e, { macros });
      if (!r.ok)
        for (const err of r.errors)
          errors.push({ field: `entries[${i}].${err.field}`, message: err.message });
      const id = isRecord(e) ? e.id : undefined;
      if (typeof id === "string") {
        if (seen.has(id)) errors.push({ field: `entries[${i}].id`, message: `duplicate id "${id}"` });
        seen.add(id);
      }
    });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: dict as unknown as Dictionary };
}

/** FNV-1a hash, hex: a content version for entry lists given without one. */
export function contentHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

function compileCondition(
  c: Condition,
  macros: Record<string, string>,
  cache: Map<string, Node>,
): CompiledCondition {
  const where = WHERE.find((w) => w in c)!;
  return { where, pattern: compilePattern((c as Record<string, string>)[where], macros, cache) };
}

const cache = new WeakMap<object, CompiledDictionary>();

export function isCompiled(d: unknown): d is CompiledDictionary {
  return isRecord(d) && d.compiled === true;
}

/**
 * Compile a dictionary (or a bare list of entries) into matchers. Cached per input object, so
 * calling it again with the same object is free; a changed dictionary is a new object. Throws
 * PatternError on a bad pattern — validate edits with validateEntry first.
 */
export function compileDictionary(
  input: Dictionary | DictionaryEntry[],
  options: { version?: string; macros?: Record<string, string> } = {},
): CompiledDictionary {
  const hit = cache.get(input);
  if (hit && options.version === undefined && options.macros === undefined) return hit;
  const entries = Array.isArray(input) ? input : input.entries;
  const macros = options.macros ?? (Array.isArray(input) ? {} : (input.macros ?? {}));
  const version =
    options.version ??
    (Array.isArray(input) ? `h${contentHash(JSON.stringify({ entries, macros }))}` : input.version);
  const compiled: CompiledEntry[] = [];
  const patterns: IndexedPattern[] = [];
  const index = new Map<string, IndexedPattern[]>();
  const anyStart: IndexedPattern[] = [];
  const requiredBy = new Map<string, number[]>();
  const unfiltered: number[] = [];
  const macroCache = new Map<string, Node>();
  entries.forEach((entry, order) => {
    if (!entry.active) return;
    const sources = Array.isArray(entry.pattern) ? entry.pattern : [entry.pattern];
    const ce: CompiledEntry = {
      entry,
      order,
      patterns: sources.map((s) => compilePattern(s, macros, macroCache)),
      unless: (entry.unless ?? []).map((c) => compileCondition(c, macros, macroCache)),
      requires: (entry.requires ?? []).map((c) => compileCondition(c, macros, macroCache)),
      subject: entry.subject ?? "child",
      negatable: entry.negatable ?? true,
    };
    compiled.push(ce);
    for (const pattern of ce.patterns) {
      const ip: IndexedPattern = { entry: ce, pattern, slot: patterns.length };
      patterns.push(ip);
      if (pattern.required) {
        for (const w of pattern.required) {
          const list = requiredBy.get(w) ?? [];
          if (list.length === 0) requiredBy.set(w, list);
          list.push(ip.slot);
        }
      } else unfiltered.push(ip.slot);
      if (pattern.first.any) {
        anyStart.push(ip);
        continue;
      }
      for (const w of pattern.first.words) {
        const list = index.get(w) ?? [];
        if (list.length === 0) index.set(w, list);
        list.push(ip);
      }
    }
  });
  const result: CompiledDictionary = {
    compiled: true,
    version,
    entries: compiled,
    patterns,
    index,
    anyStart,
    requiredBy,
    unfiltered,
    alwaysLive: Uint8Array.from(patterns, (p) => (p.pattern.required ? 0 : 1)),
  };
  if (options.version === undefined && options.macros === undefined) cache.set(input, result);
  return result;
}

export type { Category };
