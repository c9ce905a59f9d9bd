// API contracts for the tracker (zod): cohort rows, joining the cohort, reviews, action updates.
import { z } from "zod";
import { FLAGS, SORT_KEYS } from "./tracker.table.ts";
import { ACTION_STATUSES, CONCERNS, RISK_LEVELS, RISK_TRENDS } from "./tracker.vocab.ts";

const isoDate = z.iso.date({ message: "must be a date like 2026-12-01" });

export const trackerApiQuery = z.object({
  q: z.string().trim().max(100).optional(),
  risk: z.enum(RISK_LEVELS).optional(),
  trend: z.enum(RISK_TRENDS).optional(),
  lead: z.uuid().optional(),
  sex: z.enum(["female", "male", "other", "unknown"]).optional(),
  flag: z.union([z.enum(FLAGS), z.array(z.enum(FLAGS))]).optional(),
  sort: z.enum(SORT_KEYS).optional(),
  dir: z.enum(["asc", "desc"]).optional(),
});

export const trackerRowSchema = z.object({
  entryId: z.uuid(),
  childId: z.uuid(),
  reference: z.string(),
  name: z.string(),
  age: z.number().nullable(),
  sex: z.string(),
  send: z.string(),
  lookedAfter: z.boolean(),
  outOfArea: z.boolean(),
  concerns: z.array(z.string()),
  riskLevel: z.enum(RISK_LEVELS),
  riskTrend: z.enum(RISK_TRENDS),
  leadAgency: z.string(),
  leadProfessional: z.string().nullable(),
  lastReviewOn: z.string().nullable(),
  nextReviewOn: z.string(),
  reviewOverdue: z.boolean(),
  openActions: z.number(),
  overdueActions: z.number(),
  missing90: z.number(),
  missingNow: z.boolean(),
  rhiOverdue: z.number(),
  version: z.number(),
});

export const addToCohortSchema = z.object({
  childId: z.uuid(),
  referralId: z.uuid().nullable().optional(),
  reason: z
    .string()
    .trim()
    .min(10, "Say why the child is joining the cohort, in at least 10 characters")
    .max(4000),
  concerns: z.array(z.enum(CONCERNS)).min(1, "Choose at least one concern"),
  leadAgencyId: z.uuid(),
  leadProfessional: z.string().trim().max(200).nullable().optional(),
  riskLevel: z.enum(RISK_LEVELS),
  nextReviewOn: isoDate,
});

export const reviewSchema = z.object({
  riskLevel: z.enum(RISK_LEVELS),
  riskTrend: z.enum(RISK_TRENDS),
  leadAgencyId: z.uuid(),
  leadProfessional: z.string().trim().max(200).nullable().optional(),
  nextReviewOn: isoDate,
  note: z.string().trim().max(4000).nullable().optional(),
});

export const actionUpdateSchema = z.object({
  status: z.enum(ACTION_STATUSES),
  note: z.string().trim().max(4000).nullable().optional(),
});

export const idParams = z.object({ id: z.uuid({ message: "must be an id" }) });
