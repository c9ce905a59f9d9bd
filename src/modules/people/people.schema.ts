// Children: search, record and update contracts.
import { z } from "zod";
import { FIELD_GROUPS } from "../access/access.policy.ts";

export const childIdParams = z.object({ id: z.uuid({ message: "must be a child id" }) });

export const searchQuery = z.object({
  name: z.string().trim().max(100).optional(),
  dateOfBirth: z.iso.date({ message: "must be a date like 2011-04-23" }).optional(),
  nhsNumber: z
    .string()
    .trim()
    .regex(/^\d{3}\s?\d{3}\s?\d{4}$/, "must be 10 digits")
    .optional(),
  school: z.string().trim().max(100).optional(),
});

export const involvementSchema = z.object({
  agency: z.string(),
  kind: z.string(),
  contactEmail: z.string().nullable(),
  contactPhone: z.string().nullable(),
  how: z.string(),
});

export const signpostSchema = z.object({
  id: z.uuid(),
  reference: z.string(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  school: z.string().nullable(),
  agencies: z.array(involvementSchema),
  canOpen: z.boolean().describe("Whether you have access to the record's content"),
  score: z.number(),
});

export const childRecordSchema = z.object({
  access: z.object({
    basis: z.string(),
    why: z.string(),
    fieldGroups: z.array(z.enum(FIELD_GROUPS)),
    canEdit: z.boolean(),
  }),
  child: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe("Only the fields your access allows; null for a signpost"),
  signpost: z
    .object({ reference: z.string(), agencies: z.array(involvementSchema) })
    .nullable()
    .describe("Who to contact, when you have no access to the content"),
});

export const childUpdateSchema = z
  .object({
    given_name: z.string().trim().min(1).max(100),
    family_name: z.string().trim().min(1).max(100),
    other_names: z.string().trim().max(200).nullable(),
    date_of_birth: z.iso.date({ message: "must be a date like 2011-04-23" }),
    sex: z.enum(["female", "male", "other", "unknown"]),
    ethnicity: z.string().trim().max(10).nullable(),
    first_language: z.string().trim().max(60).nullable(),
    send_status: z.enum(["none", "sen_support", "ehcp", "unknown"]),
    disability: z.boolean().nullable(),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: "Send at least one field to change" });

export const breakGlassSchema = z.object({
  reason: z.string().trim().min(10, "Explain why you need access now, in at least 10 characters").max(2000),
  password: z.string().min(1, "Enter your password"),
});
