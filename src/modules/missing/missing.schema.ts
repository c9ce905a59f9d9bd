// API contracts for missing episodes and placements (zod). Times are ISO 8601 instants with an
// offset ("2026-03-28T21:05:00Z" or "…+01:00").
import { z } from "zod";

const instant = z.iso.datetime({
  offset: true,
  message: "must be a date and time like 2026-03-28T21:05:00Z",
});

export const episodeSchema = z.object({
  kind: z.enum(["missing", "absent"]).default("missing"),
  missingFrom: z.string().trim().max(200).nullable().optional(),
  startedAt: instant,
  reportedAt: instant.nullable().optional(),
  reportedBy: z.string().trim().max(200).nullable().optional(),
  risk: z.enum(["high", "medium", "low"]).nullable().optional(),
  policeReference: z.string().trim().max(50).nullable().optional(),
  circumstances: z.string().trim().max(8000).nullable().optional(),
  endedAt: instant.nullable().optional(),
  foundLocation: z.string().trim().max(500).nullable().optional(),
  foundWith: z.string().trim().max(500).nullable().optional(),
});

export const returnSchema = z.object({
  endedAt: instant,
  foundLocation: z.string().trim().max(500).nullable().optional(),
  foundWith: z.string().trim().max(500).nullable().optional(),
  risk: z.enum(["high", "medium", "low"]).nullable().optional(),
  policeReference: z.string().trim().max(50).nullable().optional(),
});

export const idParams = z.object({ id: z.uuid({ message: "must be an id" }) });
