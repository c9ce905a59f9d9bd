// The administrator's entry form as plain text fields (one pattern, alternative, condition or
// example per line) and back, and the engine's field names mapped to the form's fields.
import type { Category, Condition, DictionaryEntry } from "../../engines/language/index.ts";
import type { FieldIssue } from "../../platform/errors.ts";
import type { EntryDraft } from "./dictionary.service.ts";

export type EntryForm = {
  id: string;
  pattern: string;
  category: string;
  why: string;
  alternatives: string;
  subject: string;
  negatable: string;
  unless: string;
  requires: string;
  examplesFlag: string;
  examplesPass: string;
  comment: string;
};

export const FORM_FIELDS: (keyof EntryForm)[] = [
  "id",
  "pattern",
  "category",
  "why",
  "alternatives",
  "subject",
  "negatable",
  "unless",
  "requires",
  "examplesFlag",
  "examplesPass",
  "comment",
];

const WHERE = ["before", "after", "at", "sentence"] as const;

const lines = (s: string | undefined): string[] =>
  (s ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");

const str = (v: unknown): string => (typeof v === "string" ? v : Array.isArray(v) ? String(v[0] ?? "") : "");

/** Reads the posted form (values may be strings or repeated fields). */
export function readForm(body: unknown): EntryForm {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(FORM_FIELDS.map((k) => [k, str(b[k])])) as EntryForm;
}

function conditions(
  text: string,
  field: "unless" | "requires",
  errors: FieldIssue[],
): Condition[] | undefined {
  const out: Condition[] = [];
  lines(text).forEach((l, i) => {
    const m = /^(before|after|at|sentence)\s*:\s*(.+)$/i.exec(l);
    if (!m) {
      errors.push({
        field,
        message: `Line ${i + 1}: start with before:, after:, at: or sentence: followed by a pattern`,
      });
      return;
    }
    out.push({ [m[1].toLowerCase()]: m[2].trim() } as Condition);
  });
  return out.length ? out : undefined;
}

/** The form as an entry draft, plus problems the form itself can see (condition lines). */
export function toDraft(form: EntryForm): { draft: EntryDraft; errors: FieldIssue[] } {
  const errors: FieldIssue[] = [];
  const patterns = lines(form.pattern);
  const flag = lines(form.examplesFlag);
  const pass = lines(form.examplesPass);
  const draft: EntryDraft = {
    id: form.id.trim(),
    pattern: patterns.length === 1 ? patterns[0] : patterns,
    category: form.category as Category,
    why: form.why.trim(),
    alternatives: lines(form.alternatives),
  };
  if (form.subject === "any" || form.subject === "child") draft.subject = form.subject;
  if (form.negatable === "no") draft.negatable = false;
  const unless = conditions(form.unless, "unless", errors);
  if (unless) draft.unless = unless;
  const requires = conditions(form.requires, "requires", errors);
  if (requires) draft.requires = requires;
  if (flag.length || pass.length) {
    draft.examples = {};
    if (flag.length) draft.examples.flag = flag;
    if (pass.length) draft.examples.pass = pass;
  }
  if (form.comment.trim()) draft.comment = form.comment.trim();
  return { draft, errors };
}

const condLines = (cs: Condition[] | undefined) =>
  (cs ?? [])
    .map((c) => {
      const where = WHERE.find((w) => w in c)!;
      return `${where}: ${(c as Record<string, string>)[where]}`;
    })
    .join("\n");

/** An entry as form values (for editing). */
export function fromEntry(e: DictionaryEntry): EntryForm {
  return {
    id: e.id,
    pattern: (Array.isArray(e.pattern) ? e.pattern : [e.pattern]).join("\n"),
    category: e.category,
    why: e.why,
    alternatives: e.alternatives.join("\n"),
    subject: e.subject ?? "child",
    negatable: e.negatable === false ? "no" : "yes",
    unless: condLines(e.unless),
    requires: condLines(e.requires),
    examplesFlag: (e.examples?.flag ?? []).join("\n"),
    examplesPass: (e.examples?.pass ?? []).join("\n"),
    comment: e.comment ?? "",
  };
}

/**
 * The engine names fields like "pattern[2]", "unless[0].after", "examples.flag[1]"; the form has
 * one field per list, so errors point at the form field and say which line.
 */
const FRIENDLY: Record<string, string> = {
  id: "Enter an id of up to 80 lower-case letters, digits and hyphens, starting with a letter or digit",
  category: "Choose a category",
  why: "Explain why the wording matters, in 10 to 1,000 characters",
  alternatives: "Enter at least one alternative, one per line",
};

export function toFormIssue(e: { field: string; message: string }): FieldIssue {
  if (FRIENDLY[e.field] && e.message.startsWith("must"))
    return { field: e.field, message: FRIENDLY[e.field] };
  if (e.field === "pattern")
    return {
      field: "pattern",
      message: e.message.startsWith("must be a non-empty pattern")
        ? "Enter at least one pattern"
        : `Line 1: ${e.message}`,
    };
  const m =
    /^(pattern|alternatives|unless|requires|examples\.flag|examples\.pass)(?:\[(\d+)\])?(?:\.\w+)?$/.exec(
      e.field,
    );
  if (!m) {
    const known: Record<string, keyof EntryForm> = {
      examples: "examplesFlag",
      version: "pattern",
      active: "pattern",
    };
    const field = (FORM_FIELDS as string[]).includes(e.field) ? e.field : (known[e.field] ?? "pattern");
    return { field, message: `${labelOf(field)} ${e.message}`.trim() };
  }
  const field =
    m[1] === "examples.flag"
      ? "examplesFlag"
      : m[1] === "examples.pass"
        ? "examplesPass"
        : (m[1] as keyof EntryForm);
  const line = m[2] !== undefined ? `Line ${Number(m[2]) + 1}: ` : `${labelOf(field)} `;
  return { field, message: `${line}${e.message}` };
}

export const FIELD_LABELS: Record<keyof EntryForm, string> = {
  id: "Id",
  pattern: "Patterns",
  category: "Category",
  why: "Why it matters",
  alternatives: "Alternatives",
  subject: "About whom",
  negatable: "Negation",
  unless: "Not flagged when",
  requires: "Flagged only when",
  examplesFlag: "Examples to flag",
  examplesPass: "Examples not to flag",
  comment: "Note for administrators",
};

function labelOf(field: string): string {
  return FIELD_LABELS[field as keyof EntryForm] ?? field;
}

/** The engine's messages start lower-case ("must be…"): as a sentence after the field's label. */
export function sentence(issue: FieldIssue): FieldIssue {
  const msg = issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
  return { ...issue, message: msg };
}
