// Disruption contracts: the tactics used against adults, places and businesses (and the NRM
// referral for a child), with dates, expiry, conditions, breaches and outcome.
import { z } from "zod";
import { nodeRefSchema } from "../intelligence/index.ts";
import { DISRUPTION_STATUSES, type SubjectKind, TACTICS, type Tactic } from "./disruption.tables.ts";

export const TACTIC_LABELS: Record<Tactic, string> = {
  cawn: "Child abduction warning notice (CAWN)",
  sexual_risk_order: "Sexual risk order",
  shpo: "Sexual harm prevention order",
  slavery_trafficking_risk_order: "Slavery and trafficking risk order",
  slavery_trafficking_prevention_order: "Slavery and trafficking prevention order",
  closure_order: "Closure order",
  hotel_information_notice: "Hotel or B&B information notice",
  licensing_review: "Licensing review",
  injunction: "Injunction",
  nrm_referral: "National Referral Mechanism (NRM) referral for the child",
};

export const TACTIC_SHORT: Record<Tactic, string> = {
  cawn: "CAWN",
  sexual_risk_order: "SRO",
  shpo: "SHPO",
  slavery_trafficking_risk_order: "STRO",
  slavery_trafficking_prevention_order: "STPO",
  closure_order: "Closure order",
  hotel_information_notice: "Hotel notice",
  licensing_review: "Licensing review",
  injunction: "Injunction",
  nrm_referral: "NRM referral",
};

/** Who or what each tactic is used against. */
export const TACTIC_SUBJECTS: Record<Tactic, readonly SubjectKind[]> = {
  cawn: ["person"],
  sexual_risk_order: ["person"],
  shpo: ["person"],
  slavery_trafficking_risk_order: ["person"],
  slavery_trafficking_prevention_order: ["person"],
  closure_order: ["entity"],
  hotel_information_notice: ["entity"],
  licensing_review: ["entity"],
  injunction: ["person", "entity"],
  nrm_referral: ["child"],
};

export const STATUS_LABELS: Record<(typeof DISRUPTION_STATUSES)[number], string> = {
  sought: "Applied for",
  in_force: "In force",
  refused: "Refused",
  ended: "Ended",
  withdrawn: "Withdrawn",
};

const isoDate = z.iso.date({ message: "must be a date like 2026-03-01" });
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === "" ? null : s))
    .nullable()
    .optional();

export const disruptionInput = z
  .object({
    tactic: z.enum(TACTICS, { message: "Choose the tactic" }),
    subject: nodeRefSchema,
    child: nodeRefSchema.nullable().optional(),
    status: z.enum(["sought", "in_force"]).default("in_force"),
    applied_on: isoDate.nullable().optional(),
    starts_on: isoDate.nullable().optional(),
    expires_on: isoDate.nullable().optional(),
    conditions: text(4000),
    notes: text(4000),
  })
  .refine((d) => !(d.starts_on && d.expires_on && d.expires_on < d.starts_on), {
    message: "The expiry date must be on or after the date it starts",
    path: ["expires_on"],
  })
  .refine((d) => d.status !== "in_force" || d.starts_on, {
    message: "Enter the date it was issued or granted",
    path: ["starts_on"],
  })
  .refine((d) => (TACTIC_SUBJECTS[d.tactic] as readonly string[]).includes(d.subject.kind), {
    message: "This tactic is not used against this kind of subject",
    path: ["tactic"],
  })
  .refine((d) => !d.child || d.child.kind === "child", { message: "must be a child", path: ["child"] });
export type DisruptionInput = z.output<typeof disruptionInput>;

export const disruptionUpdate = z
  .object({
    status: z.enum(DISRUPTION_STATUSES),
    expires_on: isoDate.nullable(),
    ended_on: isoDate.nullable(),
    conditions: text(4000),
    outcome: text(4000),
    notes: text(4000),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: "Send at least one field to change" });
export type DisruptionUpdate = z.output<typeof disruptionUpdate>;

export const breachInput = z.object({
  occurred_on: isoDate,
  description: z.string().trim().min(5, "Describe the breach").max(4000),
  action_taken: text(4000),
});
export type BreachInput = z.output<typeof breachInput>;

export const listQuery = z.object({
  subject: nodeRefSchema.optional(),
  status: z.enum(["open", "expiring", "expired", "all"]).default("all"),
});
