import { z } from "zod";

export const auditQuery = z.object({
  child: z.string().trim().max(40).optional().describe("Child reference, e.g. CH-000123"),
  user: z.string().trim().max(254).optional().describe("User email"),
  from: z.iso.date({ message: "must be a date like 2026-11-01" }).optional(),
  to: z.iso.date({ message: "must be a date like 2026-11-30" }).optional(),
});

export const reviewSchema = z.object({
  outcome: z.enum(["justified", "not_justified"], { message: "Choose whether the access was justified" }),
  note: z.string().trim().max(2000).optional(),
});

export const auditRowSchema = z.object({
  id: z.number(),
  occurredAt: z.string(),
  action: z.string(),
  childReference: z.string().nullable(),
  fieldGroups: z.array(z.string()),
  reason: z.string().nullable(),
  user: z.string().nullable(),
  agency: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
});
