// Referral and joint screening contracts: one set of zod schemas validates the API, the question
// pages (step by step) and "Check your answers" (the whole referral), with the same field names and
// the same messages, written for the person filling in the form.
import { z } from "zod";
import { languageKeptSchema } from "../language/index.ts";
import {
  CONCERN_TYPES,
  DECISIONS,
  INDICATOR_CODES,
  PARENTS_AWARE,
  REFERRAL_KINDS,
  RISK_VIEWS,
  SEND_OPTIONS,
  SEX,
  SOURCES,
  URGENCIES,
  WORKER_GENDER,
  YES_NO_UNKNOWN,
} from "./referrals.vocab.ts";

const optionalText = (max: number, what: string) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .max(max, `${what} must be ${max} characters or fewer`)
    .optional()
    .transform((v) => (v ? v : undefined));

const choice = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.enum(values, { error: message });

/** Phone numbers as a referrer may know them: digits with spaces, brackets, dashes or +, 6 to 15 digits. */
export const phoneSchema = z
  .string()
  .trim()
  .refine(
    (v) =>
      /^[+()\d\s-]+$/.test(v) && (v.match(/\d/g)?.length ?? 0) >= 6 && (v.match(/\d/g)?.length ?? 0) <= 15,
    {
      message: "Enter phone numbers using digits, like 07700 900123 (at least 6 digits)",
    },
  );

export const personSchema = z
  .object({
    name: optionalText(200, "Name"),
    description: optionalText(4000, "Description"),
    approximateAge: z
      .number({ error: "Enter an approximate age as a number, like 30" })
      .int("Enter an approximate age as a whole number, like 30")
      .min(10, "Approximate age must be between 10 and 100")
      .max(100, "Approximate age must be between 10 and 100")
      .optional(),
    sex: choice(SEX, "Select the person's sex, or 'Not known'").default("unknown"),
    ethnicity: optionalText(100, "Ethnicity"),
    vehicles: z
      .array(z.string().trim().min(1).max(200, "Each vehicle must be 200 characters or fewer"))
      .max(20)
      .default([]),
    phones: z.array(phoneSchema).max(20, "Enter up to 20 phone numbers").default([]),
    places: z
      .array(z.string().trim().min(1).max(300, "Each place must be 300 characters or fewer"))
      .max(20)
      .default([]),
    onlineAccounts: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
    relationshipToChild: optionalText(500, "How they know the child"),
  })
  .strict()
  .superRefine(
    (p, ctx) => {
      if (!p || typeof p !== "object") return;
      if (!p.name && !p.description)
        ctx.addIssue({
          code: "custom",
          path: ["description"],
          message: "Enter a name or a description of the person (what they look like, what they do)",
        });
    },
    { when: () => true },
  );
export type PersonInput = z.output<typeof personSchema>;

/** Flagged wording the writer chose to keep, each with a reason and the field it is in. */
const languageKept = z
  .array(languageKeptSchema)
  .max(200)
  .optional()
  .describe("flagged wording the writer chose to keep, each with a reason (see POST /api/v1/language/check)");

const referralShape = {
  about: choice(REFERRAL_KINDS, "Select who the referral is about"),
  childId: z.uuid({ error: "Select the child from the search results" }).optional(),
  unknownChildDescription: optionalText(4000, "The description"),
  unknownChildAge: z
    .number({ error: "Enter the child's approximate age as a number, like 14" })
    .int("Enter the child's approximate age as a whole number")
    .min(0, "A child's approximate age must be between 0 and 17")
    .max(17, "A child's approximate age must be between 0 and 17")
    .optional(),
  unknownChildSex: choice(SEX, "Select the child's sex, or 'Not known'").optional(),
  concernTypes: z
    .array(choice(CONCERN_TYPES, "Select concerns from the list"), { error: "Select at least one concern" })
    .min(1, "Select at least one concern"),
  urgency: choice(URGENCIES, "Select how urgent this is"),
  indicators: z
    .array(choice(INDICATOR_CODES as [string, ...string[]], "Select indicators from the list"))
    .default([]),
  whatHappened: z
    .string({ error: "Describe what happened" })
    .trim()
    .min(1, "Describe what happened")
    .min(20, "Describe what happened in at least 20 characters")
    .max(10000, "What happened must be 10,000 characters or fewer"),
  source: choice(SOURCES, "Select where this information came from").default("professional"),
  publicSourceDetails: optionalText(2000, "Who told you"),
  childWords: optionalText(4000, "The child's words"),
  childWishes: optionalText(2000, "The child's wishes"),
  workerGenderPreference: choice(
    WORKER_GENDER,
    "Select whether the child would prefer a woman or a man to speak to",
  ).optional(),
  parentsAware: choice(
    PARENTS_AWARE,
    "Select whether the child's parents or carers know about this referral",
  ).optional(),
  send: choice(SEND_OPTIONS, "Select whether the child has special educational needs").optional(),
  disability: choice(YES_NO_UNKNOWN, "Select whether the child has a disability").optional(),
  disabilityDetails: optionalText(2000, "Details of the disability"),
  lookedAfter: choice(YES_NO_UNKNOWN, "Select whether the child is looked after").optional(),
  personsOfConcern: z
    .array(personSchema)
    .max(10, "Add up to 10 people; describe others in what happened")
    .default([]),
  languageKept: languageKept,
};

type Ctx = z.RefinementCtx;
type Partial = {
  about?: string;
  childId?: string;
  unknownChildDescription?: string;
  source?: string;
  publicSourceDetails?: string;
  send?: string;
  disability?: string;
  lookedAfter?: string;
  workerGenderPreference?: string;
  parentsAware?: string;
};

/** Answers required only in some cases (a named child, an unknown child, a child at all, a public source). */
export function conditionalIssues(v: Partial): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (v.about === "child" && !v.childId)
    out.push({ field: "childId", message: "Select the child from the search results" });
  if (v.about === "unknown_child") {
    if (!v.unknownChildDescription)
      out.push({
        field: "unknownChildDescription",
        message: "Describe the child: what they look like, where they were seen and with whom",
      });
    else if (v.unknownChildDescription.length < 10)
      out.push({ field: "unknownChildDescription", message: "Describe the child in at least 10 characters" });
  }
  if (v.about && v.about !== "intelligence") {
    if (!v.workerGenderPreference)
      out.push({
        field: "workerGenderPreference",
        message: "Select whether the child would prefer a woman or a man to speak to, or 'Not asked yet'",
      });
    if (!v.parentsAware)
      out.push({
        field: "parentsAware",
        message: "Select whether the child's parents or carers know about this referral",
      });
    if (!v.send)
      out.push({ field: "send", message: "Select whether the child has special educational needs" });
    if (!v.disability)
      out.push({ field: "disability", message: "Select whether the child has a disability" });
    if (!v.lookedAfter)
      out.push({ field: "lookedAfter", message: "Select whether the child is looked after" });
  }
  if (v.source === "public_via_practitioner" && !v.publicSourceDetails)
    out.push({
      field: "publicSourceDetails",
      message: "Say who told you (for example 'a neighbour') and how to reach them, if you can",
    });
  return out;
}

const addConditional = (v: Partial, ctx: Ctx) => {
  if (!v || typeof v !== "object") return;
  for (const i of conditionalIssues(v)) ctx.addIssue({ code: "custom", path: [i.field], message: i.message });
};
/** Run the conditional checks even when other fields are wrong, so every problem is named at once. */
const always = { when: () => true };

export const referralSubmission = z.object(referralShape).strict().superRefine(addConditional, always);
export type ReferralSubmission = z.output<typeof referralSubmission>;
export const referralShapeFields = referralShape;

export const referralIdParams = z.object({ id: z.uuid({ error: "must be a referral id" }) });
export const draftParams = z.object({
  draftId: z.uuid({ error: "must be a draft id" }),
  step: z.string().max(40).optional(),
});

export const contributionSchema = z
  .object({
    checksMade: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
    findings: z
      .string({ error: "Enter what your agency's records show" })
      .trim()
      .min(1, "Enter what your agency's records show")
      .min(10, "Enter what your agency's records show, in at least 10 characters")
      .max(10000, "Findings must be 10,000 characters or fewer"),
    sharedSummary: z
      .string({ error: "Enter a summary partners can see" })
      .trim()
      .min(1, "Enter a summary partners can see")
      .min(10, "Enter a summary partners can see, in at least 10 characters")
      .max(2000, "The summary must be 2,000 characters or fewer"),
    riskView: choice(RISK_VIEWS, "Select your agency's view of the risk"),
    supersedesId: z.uuid({ error: "must be the id of a contribution to correct" }).optional(),
    languageKept,
  })
  .strict();
export type ContributionInput = z.output<typeof contributionSchema>;

export const decisionSchema = z
  .object({
    decision: choice(DECISIONS, "Select the decision"),
    rationale: z
      .string({ error: "Explain the decision" })
      .trim()
      .min(1, "Explain the decision")
      .min(20, "Explain the decision in at least 20 characters")
      .max(10000, "The rationale must be 10,000 characters or fewer"),
    leadProfessionalId: z.uuid({ error: "Select a lead professional from the list" }).optional(),
    languageKept,
  })
  .strict();
export type DecisionInput = z.output<typeof decisionSchema>;

export const withdrawSchema = z
  .object({
    reason: z
      .string({ error: "Explain why the referral is being withdrawn" })
      .trim()
      .min(1, "Explain why the referral is being withdrawn")
      .min(10, "Explain why the referral is being withdrawn, in at least 10 characters")
      .max(4000, "The reason must be 4,000 characters or fewer"),
  })
  .strict();

const rule = z
  .object({
    amount: z
      .number({ error: "Enter a number" })
      .positive("Enter a number greater than 0")
      .max(60, "Enter 60 or fewer"),
    unit: z.enum(["working_hours", "working_days", "hours"], {
      error: "Select working hours, working days or hours",
    }),
  })
  .strict();
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "Enter a time like 09:00");
export const settingsSchema = z
  .object({
    deadlines: z.object({ immediate: rule, high: rule, medium: rule, low: rule }).strict(),
    workingHours: z
      .object({
        start: hhmm,
        end: hhmm,
        days: z.array(z.number().int().min(1).max(7)).min(1, "Select at least one working day"),
        closedDates: z
          .array(z.iso.date({ error: "Enter dates like 2026-12-29" }))
          .max(100)
          .default([]),
      })
      .strict()
      .refine((h) => h.end > h.start, { message: "Working hours must end after they start", path: ["end"] }),
    rag: z
      .object({
        amberBelow: z.number().min(0).max(1),
        redBelow: z.number().min(0).max(1),
      })
      .strict()
      .refine((r) => r.redBelow <= r.amberBelow, {
        message: "Red must start at or below amber",
        path: ["redBelow"],
      }),
    secondEscalationAfterWorkingHours: z.number().positive().max(200),
  })
  .strict();
export type ScreeningSettings = z.output<typeof settingsSchema>;

// ----- Responses (OpenAPI) -----

export const deadlineSchema = z.object({
  dueAt: z.string().nullable(),
  rule: z.string().describe("e.g. '4 working hours'"),
  rag: z.enum(["red", "amber", "green", "met", "missed", "none"]),
  text: z.string().describe("What the colour means, in words"),
  minutesLeft: z.number().nullable(),
});

export const referralStatusSchema = z.object({
  id: z.uuid(),
  reference: z.string(),
  kind: z.enum(REFERRAL_KINDS),
  receivedAt: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  outcome: z.string().nullable().describe("The decision's category once decided (not its rationale)"),
  decidedAt: z.string().nullable(),
  concernTypes: z.array(z.string()),
  urgency: z.string(),
});

export const contributionView = z.object({
  id: z.uuid(),
  agency: z.string(),
  discipline: z.string(),
  author: z.string(),
  recordedAt: z.string(),
  riskView: z.string(),
  sharedSummary: z.string().nullable(),
  checksMade: z.array(z.string()).nullable(),
  findings: z
    .string()
    .nullable()
    .describe("Null when your access does not include this agency's field group"),
  fieldGroup: z.string(),
  restricted: z.boolean(),
  supersedesId: z.string().nullable(),
  supersededBy: z.string().nullable(),
});

export const referralFullSchema = referralStatusSchema.extend({
  view: z.enum(["status", "full"]),
  childId: z.string().nullable(),
  unknownChild: z
    .object({
      description: z.string().nullable(),
      approximateAge: z.number().nullable(),
      sex: z.string().nullable(),
    })
    .nullable(),
  indicators: z.array(z.string()).optional(),
  whatHappened: z.string().optional(),
  childWords: z.string().nullable().optional(),
  childWishes: z.string().nullable().optional(),
  workerGenderPreference: z.string().nullable().optional(),
  send: z.string().nullable().optional(),
  disability: z.string().nullable().optional(),
  lookedAfter: z.string().nullable().optional(),
  personsOfConcern: z.array(z.record(z.string(), z.unknown())).optional(),
  deadline: deadlineSchema.optional(),
  contributions: z.array(contributionView).optional(),
  decision: z
    .object({ decision: z.string(), rationale: z.string(), decidedBy: z.string(), decidedAt: z.string() })
    .nullable()
    .optional(),
  version: z.number(),
});

export const queueRowSchema = z.object({
  id: z.uuid(),
  reference: z.string(),
  kind: z.enum(REFERRAL_KINDS),
  about: z.string(),
  concernTypes: z.array(z.string()),
  urgency: z.string(),
  status: z.string(),
  receivedAt: z.string(),
  deadline: deadlineSchema,
  participants: z.array(z.string()),
  contributions: z.array(z.string()),
  escalationLevel: z.number(),
});

export const queueQuery = z.object({
  urgency: z.enum(URGENCIES).optional(),
  rag: z.enum(["red", "amber", "green"]).optional(),
  status: z.enum(["awaiting_screening", "in_screening"]).optional(),
  sort: z.enum(["due", "received", "urgency", "reference"]).optional(),
  order: z.enum(["asc", "desc"]).optional(),
});
