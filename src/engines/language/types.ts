// Public types of the language engine (the checker for language that blames children).

export const CATEGORIES = [
  "consent-choice",
  "sexualising",
  "criminalising",
  "responsibility",
  "minimising",
  "missing",
  "labelling",
  "abuser-language",
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * A context condition, as a pattern anchored somewhere relative to the match:
 * - before: the pattern ends right where the match starts
 * - after: the pattern starts right where the match ends
 * - at: the pattern starts where the match starts (it may run past the match)
 * - sentence: the pattern occurs in the match's sentence (up to 40 tokens either side of it)
 */
export type Condition = { before: string } | { after: string } | { at: string } | { sentence: string };

export interface DictionaryEntry {
  /** stable id, kebab-case: "putting-self-at-risk" */
  id: string;
  /** one pattern or several (any may match); see pattern.ts for the language */
  pattern: string | string[];
  category: Category;
  /** why the wording matters, shown to the writer */
  why: string;
  /** one or more wordings to use instead */
  alternatives: string[];
  /** the entry's own version number, raised on each edit */
  version: number;
  /** retired entries stay in the dictionary with active: false */
  active: boolean;
  /** "child" (default): not flagged when the words are about an adult; "any": always */
  subject?: "child" | "any";
  /** default true: not flagged when negated or rejected ("is not a drug dealer") */
  negatable?: boolean;
  /** not flagged when any of these hold */
  unless?: Condition[];
  /** flagged only when at least one of these holds */
  requires?: Condition[];
  /** short examples; `flag` must be flagged by this entry, `pass` must not (checked by tests) */
  examples?: { flag?: string[]; pass?: string[] };
  /** free-text note for administrators */
  comment?: string;
}

export interface Dictionary {
  /** version of the whole dictionary, reported with every flag */
  version: string;
  /** named sub-patterns usable in patterns as {NAME} */
  macros?: Record<string, string>;
  entries: DictionaryEntry[];
}

export interface Flag {
  /** text.slice(start, end) */
  phrase: string;
  /** JS string offsets (UTF-16 code units) into the checked text */
  start: number;
  end: number;
  category: Category;
  why: string;
  alternatives: string[];
  entryId: string;
  dictionaryVersion: string;
}

export interface Note {
  /**
   * "quoted": the wording is inside quotation marks (e.g. the child's own words);
   * "reported": the writer reports how the child describes someone ("the man she calls her
   * boyfriend"). Either way it is recorded, not flagged.
   */
  kind: "quoted" | "reported";
  phrase: string;
  start: number;
  end: number;
  category: Category;
  entryId: string;
  message: string;
}

export interface CheckResult {
  flags: Flag[];
  notes: Note[];
}

export interface FieldError {
  /** the entry's field at fault: "pattern", "pattern[2]", "unless[0].after", "category"… */
  field: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };
