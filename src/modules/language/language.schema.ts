// API contracts of the language module (zod: validation and the OpenAPI document), and the words
// shown for each category.
import { z } from "zod";
import { CATEGORIES, type Category } from "../../engines/language/index.ts";

export const CATEGORY_LABELS: Record<Category, string> = {
  "consent-choice": "Implies the child chose or consented",
  sexualising: "Sexualises or labels the child",
  criminalising: "Treats the child as an offender",
  responsibility: "Puts the responsibility on the child",
  minimising: "Minimises the harm",
  missing: "Blames the child for going missing",
  labelling: "Labels the child",
  "abuser-language": "Uses friendly words for the abuser",
};

export const MAX_CHECK_CHARS = 100_000;

export const checkBody = z.object({
  text: z
    .string()
    .max(MAX_CHECK_CHARS, `must be ${MAX_CHECK_CHARS.toLocaleString("en-GB")} characters or fewer`),
});

export const flagSchema = z.object({
  phrase: z.string().describe("the words found: text.slice(start, end)"),
  start: z.number().int().describe("offset into text (JavaScript string index)"),
  end: z.number().int(),
  category: z.enum(CATEGORIES),
  categoryLabel: z.string(),
  why: z.string(),
  alternatives: z.array(z.string()),
  entryId: z.string(),
});

export const noteSchema = z.object({
  kind: z.literal("quoted"),
  phrase: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  category: z.enum(CATEGORIES),
  entryId: z.string(),
  message: z.string(),
});

export const checkResponse = z.object({
  flags: z.array(flagSchema),
  notes: z.array(noteSchema),
  dictionaryVersion: z.string(),
});

export const keptSchema = z.object({
  phrase: z.string().min(1).max(500),
  reason: z.string().trim().min(1, "Give a reason for keeping the wording").max(1000),
  entryId: z.string().max(80).optional(),
  field: z.string().max(80).optional(),
});

const condition = z.union([
  z.object({ before: z.string() }).strict(),
  z.object({ after: z.string() }).strict(),
  z.object({ at: z.string() }).strict(),
  z.object({ sentence: z.string() }).strict(),
]);

/** A dictionary entry as administrators send it (validated in full by the engine's validateEntry). */
export const entryDraftSchema = z.object({
  id: z.string().describe("kebab-case id, e.g. putting-self-at-risk"),
  pattern: z.union([z.string(), z.array(z.string())]),
  category: z.enum(CATEGORIES),
  why: z.string(),
  alternatives: z.array(z.string()),
  active: z.boolean().optional(),
  subject: z.enum(["child", "any"]).optional(),
  negatable: z.boolean().optional(),
  unless: z.array(condition).optional(),
  requires: z.array(condition).optional(),
  examples: z
    .object({ flag: z.array(z.string()).optional(), pass: z.array(z.string()).optional() })
    .optional(),
  comment: z.string().optional(),
});

export const entrySchema = entryDraftSchema.extend({
  version: z.number().int(),
  active: z.boolean(),
});

export const dictionaryResponse = z.object({
  version: z.string(),
  dictionaryVersion: z.number().int(),
  macros: z.record(z.string(), z.string()),
  entries: z.array(entrySchema),
});

export const changeResponse = z.object({
  entryId: z.string(),
  entryVersion: z.number().int(),
  dictionaryVersion: z.string(),
});

export const entryIdParams = z.object({ entryId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/) });
