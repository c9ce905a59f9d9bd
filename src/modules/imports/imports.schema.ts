// API contracts for imports.
import { z } from "zod";
import type { AuthzFixture } from "../../http/routes.ts";
import { newId } from "../../platform/ids.ts";
import { IMPORT_KINDS, SUBJECTS } from "./imports.tables.ts";

export const batchIdParams = z.object({ id: z.uuid() });

export const uploadBody = z
  .object({
    agencyId: z.uuid(),
    kind: z.enum(IMPORT_KINDS),
    subject: z.enum(SUBJECTS).default("child"),
    sourceName: z
      .string()
      .trim()
      .min(1)
      .max(120)
      .describe("the agency's name for this extract, e.g. “Niche nominal extract”"),
    filename: z.string().max(255).optional(),
    content: z.string().max(20_000_000).optional().describe("the file as text (CSV)"),
    contentBase64: z.string().max(30_000_000).optional().describe("the file, base64-encoded (CSV or .xlsx)"),
  })
  .refine((b) => Boolean(b.content) !== Boolean(b.contentBase64), {
    message: "send the file as content (text) or contentBase64, not both",
    path: ["content"],
  });

export const mappingBody = z.object({
  mapping: z
    .record(z.string(), z.string())
    .describe("column header → Lantern field (see GET /api/v1/imports/:id)"),
});

export const decisionBody = z.object({
  choice: z
    .enum(["all", "valid_only", "cancel"])
    .describe("import every row; import only the valid rows; import nothing"),
});

export const batchSchema = z.object({
  id: z.uuid(),
  reference: z.string(),
  status: z.string(),
  agency: z.string(),
  source: z.string(),
  kind: z.string(),
  subject: z.string(),
  filename: z.string().nullable(),
  sha256: z.string(),
  bytes: z.number(),
  header: z.array(z.string()),
  mapping: z.record(z.string(), z.string()).nullable(),
  rows: z.object({
    total: z.number().nullable(),
    valid: z.number().nullable(),
    invalid: z.number().nullable(),
    done: z.number(),
    inserted: z.number(),
    updated: z.number(),
    unchanged: z.number(),
  }),
  onlyValid: z.boolean(),
  duplicateOf: z.string().nullable(),
  error: z.string().nullable(),
  uploadedAt: z.string(),
});

/** An id from the authorization test's fixture, or a fresh one (anonymous checks have no fixture). */
export const fixtureId = (f: AuthzFixture, key: string): string => f[key] || newId();
