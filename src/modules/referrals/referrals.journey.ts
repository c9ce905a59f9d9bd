// The referral question pages: which pages a referral needs (they depend on who it is about), how
// each page's form becomes answers, and each page's validation, using the same zod fields and
// messages as the API. Pure functions, unit-tested.
import { z } from "zod";
import { type KeptWording, parseLanguageOverrides } from "../language/index.ts";
import {
  conditionalIssues,
  referralShapeFields as F,
  type PersonInput,
  personSchema,
  referralSubmission,
} from "./referrals.schema.ts";

export const STEPS = [
  "about",
  "child",
  "unknown-child",
  "concern",
  "what-happened",
  "voice",
  "needs",
  "persons",
  "person",
  "check",
] as const;
export type Step = (typeof STEPS)[number];

export const STEP_TITLES: Record<Step, string> = {
  about: "Who is the referral about?",
  child: "Find the child",
  "unknown-child": "Describe the child",
  concern: "What is the concern?",
  "what-happened": "What happened?",
  voice: "The child's own words and wishes",
  needs: "The child's needs and circumstances",
  persons: "People of concern",
  person: "Describe a person of concern",
  check: "Check your answers before sending your referral",
};

export type Draft = Record<string, unknown> & { about?: string };
export type FieldError = { field: string; message: string };

/** The pages this referral goes through, in order (person and check are reached from persons). */
export function stepsFor(d: Draft): Step[] {
  const out: Step[] = ["about"];
  if (d.about === "child") out.push("child");
  if (d.about === "unknown_child") out.push("unknown-child");
  out.push("concern", "what-happened");
  if (d.about && d.about !== "intelligence") out.push("voice", "needs");
  out.push("persons");
  return out;
}

export function nextStep(current: Step, d: Draft): Step {
  if (current === "person") return "persons";
  const steps = stepsFor(d);
  const i = steps.indexOf(current);
  return i < 0 || i === steps.length - 1 ? "check" : steps[i + 1];
}

export function previousStep(current: Step, d: Draft): Step | null {
  if (current === "person") return "persons";
  if (current === "check") return "persons";
  const steps = stepsFor(d);
  const i = steps.indexOf(current);
  return i > 0 ? steps[i - 1] : null;
}

// ---------- form values ----------

type Form = Record<string, string | string[] | undefined>;
const text = (v: unknown): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== "string") return undefined;
  const t = s.trim();
  return t ? t : undefined;
};
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === "string" ? [v] : []).map((x) => String(x).trim()).filter(Boolean);
const lines = (v: unknown): string[] =>
  (text(v) ?? "")
    .split(/\r?\n/)
    .map((x) => x.trim())
    .filter(Boolean);
/** A number typed in a form: "" → undefined, "14" → 14, anything else stays text so validation names it. */
const num = (v: unknown): number | string | undefined => {
  const s = text(v);
  if (s === undefined) return undefined;
  return /^\d{1,3}$/.test(s) ? Number(s) : s;
};

const pick = (o: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));

/** What each page's form contributes to the answers. */
export function answersFrom(step: Step, form: Form): Record<string, unknown> {
  switch (step) {
    case "about":
      return { about: text(form.about) };
    case "child":
      return { childId: text(form.childId) };
    case "unknown-child":
      return {
        unknownChildDescription: text(form.unknownChildDescription),
        unknownChildAge: num(form.unknownChildAge),
        unknownChildSex: text(form.unknownChildSex),
      };
    case "concern":
      return {
        concernTypes: list(form.concernTypes),
        urgency: text(form.urgency),
        indicators: list(form.indicators),
      };
    case "what-happened":
      return {
        whatHappened: text(form.whatHappened),
        source: text(form.source),
        publicSourceDetails:
          text(form.source) === "public_via_practitioner" ? text(form.publicSourceDetails) : undefined,
      };
    case "voice":
      return {
        childWords: text(form.childWords),
        childWishes: text(form.childWishes),
        workerGenderPreference: text(form.workerGenderPreference),
        parentsAware: text(form.parentsAware),
      };
    case "needs":
      return {
        send: text(form.send),
        disability: text(form.disability),
        disabilityDetails: text(form.disability) === "yes" ? text(form.disabilityDetails) : undefined,
        lookedAfter: text(form.lookedAfter),
      };
    case "person":
      return {
        name: text(form.name),
        description: text(form.description),
        approximateAge: num(form.approximateAge),
        sex: text(form.sex) ?? "unknown",
        ethnicity: text(form.ethnicity),
        vehicles: lines(form.vehicles),
        phones: lines(form.phones),
        places: lines(form.places),
        onlineAccounts: lines(form.onlineAccounts),
        relationshipToChild: text(form.relationshipToChild),
      };
    default:
      return {};
  }
}

/** The narrative fields the language checker reads, by page (the child's own words are never checked). */
export const CHECKED_FIELDS: Partial<Record<Step, string[]>> = {
  "unknown-child": ["unknownChildDescription"],
  "what-happened": ["whatHappened"],
  voice: ["childWishes"],
};

/**
 * The writer's "keep my wording" decisions after saving a page: the page's own decisions replace
 * the ones it had before; other pages' decisions stay. Undefined when there are none at all.
 */
export function keptAfter(step: Step, form: Form, d: Draft): KeptWording[] | undefined {
  const fields = CHECKED_FIELDS[step];
  const before = Array.isArray(d.languageKept) ? (d.languageKept as KeptWording[]) : [];
  if (!fields) return before.length ? before : undefined;
  const mine = parseLanguageOverrides(form.languageOverride).filter(
    (k) => k.field && fields.includes(k.field),
  );
  const out = [...before.filter((k) => !k.field || !fields.includes(k.field)), ...mine];
  return out.length ? out : undefined;
}

const STEP_FIELDS: Partial<Record<Step, (keyof typeof F)[]>> = {
  about: ["about"],
  child: ["childId"],
  "unknown-child": ["unknownChildDescription", "unknownChildAge", "unknownChildSex"],
  concern: ["concernTypes", "urgency", "indicators"],
  "what-happened": ["whatHappened", "source", "publicSourceDetails"],
  voice: ["childWords", "childWishes", "workerGenderPreference", "parentsAware"],
  needs: ["send", "disability", "disabilityDetails", "lookedAfter"],
};

const issuesOf = (e: z.ZodError): FieldError[] =>
  e.issues.map((i) => ({ field: i.path.map(String).join(".") || "form", message: i.message }));

/** Validates one page's answers, as the API would validate those fields. */
export function validateStep(step: Step, answers: Record<string, unknown>, d: Draft): FieldError[] {
  if (step === "person") {
    const r = personSchema.safeParse(answers);
    const errors = r.success ? [] : issuesOf(r.error);
    // The name-or-description rule is reported alongside other problems, not only once they are fixed.
    if (!answers.name && !answers.description && !errors.some((e) => e.field === "description"))
      errors.push({
        field: "description",
        message: "Enter a name or a description of the person (what they look like, what they do)",
      });
    return errors;
  }
  const fields = STEP_FIELDS[step];
  if (!fields) return [];
  const shape = Object.fromEntries(fields.map((k) => [k, F[k]]));
  const r = z.object(shape).safeParse(pick(answers, fields));
  const errors = r.success ? [] : issuesOf(r.error);
  const merged = { ...d, ...answers } as Record<string, string | undefined>;
  for (const i of conditionalIssues(merged))
    if ((fields as string[]).includes(i.field) && !errors.some((e) => e.field === i.field)) errors.push(i);
  return errors;
}

/** The draft's answers as an API submission (drops answers that do not apply to this kind of referral). */
export function toSubmission(d: Draft): Record<string, unknown> {
  const s: Record<string, unknown> = { ...d };
  delete s.returnTo;
  if (d.about !== "child") delete s.childId;
  if (d.about !== "unknown_child") {
    delete s.unknownChildDescription;
    delete s.unknownChildAge;
    delete s.unknownChildSex;
  }
  if (d.about === "intelligence")
    for (const k of [
      "childWords",
      "childWishes",
      "workerGenderPreference",
      "parentsAware",
      "send",
      "disability",
      "disabilityDetails",
      "lookedAfter",
    ])
      delete s[k];
  for (const [k, v] of Object.entries(s)) if (v === undefined || v === null) delete s[k];
  return s;
}

/** Adds the answers required only in some cases, which zod checks only once the basic fields are valid. */
export function withConditional(errors: FieldError[], answers: Record<string, unknown>): FieldError[] {
  const out = [...errors];
  for (const i of conditionalIssues(answers as Record<string, string | undefined>))
    if (!out.some((e) => e.field === i.field)) out.push(i);
  return out;
}

/** Which page each answer is on, for "Check your answers" errors and Change links. */
export function stepOfField(field: string): Step {
  if (field.startsWith("personsOfConcern")) return "persons";
  for (const [step, fields] of Object.entries(STEP_FIELDS))
    if ((fields as string[]).includes(field)) return step as Step;
  return "about";
}

/** The whole referral's problems, each with the page to fix it on. */
export function checkAll(d: Draft): (FieldError & { step: Step })[] {
  const r = referralSubmission.safeParse(toSubmission(d));
  if (r.success) return [];
  return withConditional(issuesOf(r.error), d).map((e) => ({ ...e, step: stepOfField(e.field) }));
}

export const personsOf = (d: Draft): PersonInput[] =>
  Array.isArray(d.personsOfConcern) ? (d.personsOfConcern as PersonInput[]) : [];
