// Risk assessment contracts: the API's complete-in-one-go body, each section page's answers, and the
// judgement (level override with a reason, review date, CIN factors). Same messages for API and pages.
import { z } from "zod";
import { scoreAssessment } from "./scoring.ts";
import { allIndicators, allSections, CIN_FACTORS, CURRENT_TOOL, LEVELS, type Tool } from "./tool.ts";

export const answerValue = z.enum(["yes", "no", "not_known"], { error: "Answer yes, no or not known" });
export const levelValue = z.enum(LEVELS as unknown as ["low", "medium", "high", "very_high"], {
  error: "Select a level: low, medium, high or very high",
});
const cinCodes = CIN_FACTORS.map((c) => c.code) as [string, ...string[]];

export const OVERRIDE_REASON_MIN = 20;

/** Checks every indicator is answered and no unknown codes are sent, adding one issue per missing answer. */
export function answersIssues(t: Tool, answers: Record<string, unknown>, onlySection?: string) {
  const issues: { field: string; message: string }[] = [];
  const known = new Set(allIndicators(t).map((i) => i.code));
  for (const s of allSections(t)) {
    if (onlySection && s.code !== onlySection) continue;
    for (const i of s.indicators)
      if (!answers[i.code])
        issues.push({ field: `answers.${i.code}`, message: `Answer "${i.text}": yes, no or not known` });
  }
  for (const k of Object.keys(answers))
    if (!known.has(k))
      issues.push({ field: `answers.${k}`, message: "This is not a question in the assessment" });
  return issues;
}

export const judgementSchema = z
  .object({
    level: levelValue.optional(),
    reason: z.string().trim().max(4000, "The reason must be 4,000 characters or fewer").optional(),
  })
  .strict();

export const completeAssessmentSchema = z
  .object({
    toolVersion: z
      .literal(CURRENT_TOOL.version, { error: `Use the current tool, version ${CURRENT_TOOL.version}` })
      .optional(),
    referralId: z.uuid({ error: "must be a referral id" }).optional(),
    answers: z.record(z.string(), answerValue, { error: "Answer every question: yes, no or not known" }),
    notes: z
      .partialRecord(
        z.enum(allSections(CURRENT_TOOL).map((s) => s.code) as [string, ...string[]], {
          error: "Notes are by section code",
        }),
        z.string().trim().max(4000, "Each note must be 4,000 characters or fewer"),
      )
      .default({}),
    childView: z.string().trim().max(4000, "The child's view must be 4,000 characters or fewer").optional(),
    judgement: judgementSchema.default({}),
    reviewDueOn: z.iso.date({ error: "Enter a review date like 2027-01-15" }),
    cinFactors: z
      .array(z.enum(cinCodes, { error: "Use CIN census factor codes such as 10A, 11A, 24A" }))
      .max(20)
      .default([]),
  })
  .strict()
  .superRefine((v, ctx) => {
    for (const i of answersIssues(CURRENT_TOOL, v.answers))
      ctx.addIssue({ code: "custom", path: i.field.split("."), message: i.message });
    if (v.judgement.level) {
      const computed = scoreAssessment(CURRENT_TOOL, v.answers as never).level;
      if (v.judgement.level !== computed && (v.judgement.reason ?? "").length < OVERRIDE_REASON_MIN)
        ctx.addIssue({
          code: "custom",
          path: ["judgement", "reason"],
          message: `Explain why your professional judgement differs from the tool's level, in at least ${OVERRIDE_REASON_MIN} characters`,
        });
    }
  });
export type CompleteAssessment = z.output<typeof completeAssessmentSchema>;

export const assessmentIdParams = z.object({ id: z.uuid({ error: "must be an assessment id" }) });
export const sectionParams = z.object({
  id: z.uuid({ error: "must be an assessment id" }),
  section: z.enum([...allSections(CURRENT_TOOL).map((s) => s.code), "voice"] as unknown as [
    string,
    ...string[],
  ]),
});

// ----- Responses (OpenAPI) -----
const driverSchema = z.object({
  code: z.string().nullable(),
  text: z.string(),
  section: z.string(),
  weight: z.number(),
  critical: z.boolean(),
  restricted: z.boolean(),
});
export const assessmentView = z.object({
  id: z.uuid(),
  reference: z.string().nullable(),
  childId: z.uuid(),
  status: z.enum(["draft", "completed"]),
  tool: z.object({ code: z.string(), version: z.number() }),
  score: z.number().nullable(),
  computedLevel: z.string().nullable(),
  finalLevel: z.string().nullable(),
  overrideReason: z.string().nullable(),
  explanation: z
    .object({
      summary: z.string(),
      drivers: z.array(driverSchema),
      protective: z.array(driverSchema),
      floor: z.object({ level: z.string(), because: z.array(z.string()) }).nullable(),
      notKnown: z.number(),
    })
    .nullable(),
  answers: z.record(z.string(), z.string()).describe("Only the sections your field groups allow"),
  hiddenSections: z.array(z.string()),
  cinFactors: z.array(z.string()),
  childView: z.string().nullable(),
  reviewDueOn: z.string().nullable(),
  completedAt: z.string().nullable(),
  assessor: z.string(),
  version: z.number(),
});
export const trajectorySchema = z.object({
  points: z.array(
    z.object({
      id: z.uuid(),
      reference: z.string().nullable(),
      completedAt: z.string(),
      score: z.number(),
      computedLevel: z.string(),
      finalLevel: z.string(),
    }),
  ),
  description: z.string(),
});
