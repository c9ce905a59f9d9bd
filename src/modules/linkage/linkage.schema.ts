// API contracts for record linkage, the master child index and the data-gaps report.
import { z } from "zod";

export const idParams = z.object({ id: z.uuid() });

export const runBody = z.object({
  threshold: z
    .number()
    .gt(0.5)
    .max(1)
    .optional()
    .describe("link automatically at or above this match probability (default 0.95)"),
  reviewThreshold: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe("pairs from here up to the threshold go to review (default 0.5)"),
});

export const runSchema = z.object({
  id: z.uuid(),
  reference: z.string(),
  status: z.string(),
  phase: z.string().nullable(),
  threshold: z.number(),
  reviewThreshold: z.number(),
  records: z.number().nullable(),
  children: z.number().nullable(),
  candidatePairs: z.number().nullable(),
  autoLinks: z.number().nullable(),
  reviewPairs: z.number().nullable(),
  unmatchedGroups: z.number().nullable(),
  error: z.string().nullable(),
});

export const nodeSchema = z.object({
  kind: z.enum(["child", "record"]),
  id: z.uuid(),
  label: z.string(),
  agency: z.string(),
  source: z.string().nullable(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  sex: z.string().nullable(),
  postcode: z.string().nullable(),
  childReference: z.string().nullable(),
});

export const pairDecisionBody = z.object({
  decision: z
    .enum(["same", "different"])
    .describe("same: link, or merge two children; different: keep apart from now on"),
  reason: z.string().max(2000).optional(),
});

export const undoBody = z.object({ reason: z.string().max(2000).optional() });
