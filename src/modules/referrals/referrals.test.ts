// The referral question pages (page order, form answers, per-page validation, the whole-referral
// check) and the screening deadline's red/amber/green, on real dates.
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, deadlineState, dueFor } from "./referrals.deadline.ts";
import {
  answersFrom,
  checkAll,
  keptAfter,
  nextStep,
  stepsFor,
  toSubmission,
  validateStep,
} from "./referrals.journey.ts";
import { referralViewFor } from "./referrals.policy.ts";
import { referralSubmission } from "./referrals.schema.ts";

describe("kept wording across the question pages", () => {
  const k = (phrase: string, field: string) => ({ phrase, reason: "Her words, as said.", field });
  it("a page's decisions replace only that page's; other pages' stay; the child's words are never checked", () => {
    const d = {
      languageKept: [k("putting herself at risk", "whatHappened"), k("drug runner", "childWishes")],
    };
    const form = { languageOverride: [JSON.stringify(k("risky behaviour", "whatHappened"))] };
    expect(keptAfter("what-happened", form, d)).toEqual([
      k("drug runner", "childWishes"),
      k("risky behaviour", "whatHappened"),
    ]);
    // None on the page now: that page's earlier decision goes (the words were changed).
    expect(keptAfter("voice", {}, d)).toEqual([k("putting herself at risk", "whatHappened")]);
    // A decision about a field the page does not check (or malformed JSON) is ignored.
    expect(
      keptAfter("voice", { languageOverride: [JSON.stringify(k("boyfriend", "childWords")), "{oops"] }, {}),
    ).toBeUndefined();
    // Pages without narrative fields keep everything as it was.
    expect(keptAfter("needs", {}, d)).toEqual(d.languageKept);
  });
});

describe("the question pages", () => {
  it("ask about the child only when there is one", () => {
    expect(stepsFor({ about: "child" })).toEqual([
      "about",
      "child",
      "concern",
      "what-happened",
      "voice",
      "needs",
      "persons",
    ]);
    expect(stepsFor({ about: "unknown_child" })).toContain("unknown-child");
    expect(stepsFor({ about: "intelligence" })).toEqual(["about", "concern", "what-happened", "persons"]);
    expect(nextStep("persons", { about: "child" })).toBe("check");
    expect(nextStep("person", { about: "child" })).toBe("persons");
  });

  it("turn forms into answers: lists from checkboxes and lines, numbers kept as text when not numbers", () => {
    expect(answersFrom("concern", { concernTypes: "cse", urgency: "high" })).toEqual({
      concernTypes: ["cse"],
      urgency: "high",
      indicators: [],
    });
    const p = answersFrom("person", {
      description: "Man",
      approximateAge: "about 30",
      phones: "07700 900123\r\n\r\n 07700 900456 ",
    });
    expect(p).toMatchObject({
      approximateAge: "about 30",
      phones: ["07700 900123", "07700 900456"],
      sex: "unknown",
    });
    expect(
      answersFrom("what-happened", {
        whatHappened: "x",
        source: "professional",
        publicSourceDetails: "ignored",
      }).publicSourceDetails,
    ).toBeUndefined();
  });

  it("validate each page's fields, including those required only in some cases", () => {
    expect(validateStep("concern", { concernTypes: [], indicators: [] }, {}).map((e) => e.field)).toEqual([
      "concernTypes",
      "urgency",
    ]);
    expect(validateStep("voice", {}, { about: "child" }).map((e) => e.field)).toEqual([
      "workerGenderPreference",
      "parentsAware",
    ]);
    expect(
      validateStep("needs", { send: "ehcp", disability: "no", lookedAfter: "no" }, { about: "child" }),
    ).toEqual([]);
    expect(
      validateStep("person", answersFrom("person", { approximateAge: "thirty" }), {})
        .map((e) => e.field)
        .sort(),
    ).toEqual(["approximateAge", "description"]);
    expect(
      validateStep(
        "what-happened",
        { whatHappened: "Seen at the station at 23:00 with two phones", source: "public_via_practitioner" },
        {},
      ).map((e) => e.field),
    ).toEqual(["publicSourceDetails"]);
  });

  it("check the whole referral as the API would, sending each problem to its page", () => {
    const problems = checkAll({ about: "child" });
    expect(problems.find((p) => p.field === "childId")?.step).toBe("child");
    expect(problems.find((p) => p.field === "concernTypes")?.step).toBe("concern");
    expect(problems.find((p) => p.field === "send")?.step).toBe("needs");
  });

  it("drop answers that do not apply to this kind of referral", () => {
    const s = toSubmission({
      about: "intelligence",
      childId: "x",
      send: "ehcp",
      concernTypes: ["cse"],
      urgency: "low",
      whatHappened: "Adults are seen giving children alcohol in the park.",
    });
    expect(s).toEqual({
      about: "intelligence",
      concernTypes: ["cse"],
      urgency: "low",
      whatHappened: "Adults are seen giving children alcohol in the park.",
    });
    expect(referralSubmission.safeParse(s).success).toBe(true);
  });
});

describe("who sees a referral", () => {
  it("in full with access to the child, its status for its referrer, otherwise nothing", () => {
    const r = { referrer_user_id: "me", child_id: "c" };
    expect(referralViewFor({ userId: "other" }, r, { read: true })).toBe("full");
    expect(referralViewFor({ userId: "me" }, r, { read: false })).toBe("status");
    expect(referralViewFor({ userId: "other" }, r, { read: false })).toBe("none");
    expect(referralViewFor({ userId: "other" }, { referrer_user_id: "me", child_id: null }, null)).toBe(
      "none",
    );
  });
});

describe("screening deadlines", () => {
  const received = new Date("2026-11-27T15:00:00Z"); // Friday 15:00
  const open = (urgency: "immediate" | "high") => {
    const { due, rule } = dueFor(received, urgency, DEFAULT_SETTINGS);
    return {
      received_at: received,
      screening_due_at: due,
      status: "in_screening",
      decided_at: null,
      deadline_rule: rule,
      urgency,
    };
  };

  it("defaults: immediate 4 working hours, high 1 working day, medium 3, low 5", () => {
    expect(dueFor(received, "immediate", DEFAULT_SETTINGS).due.toISOString()).toBe(
      "2026-11-30T11:00:00.000Z",
    );
    expect(dueFor(received, "high", DEFAULT_SETTINGS).due.toISOString()).toBe("2026-11-30T15:00:00.000Z");
    expect(dueFor(received, "medium", DEFAULT_SETTINGS).due.toISOString()).toBe("2026-12-02T15:00:00.000Z");
    expect(dueFor(received, "low", DEFAULT_SETTINGS).due.toISOString()).toBe("2026-12-04T15:00:00.000Z");
  });

  it("is green, then amber, then red by the share of working time left, always in words", () => {
    const r = open("high");
    // Saturday: the clock is stopped at 2 of 8 working hours used.
    expect(deadlineState(r, new Date("2026-11-28T12:00:00Z"), DEFAULT_SETTINGS)).toMatchObject({
      rag: "green",
      label: "Green",
      text: "6 working hours left",
    });
    expect(deadlineState(r, new Date("2026-11-30T11:30:00Z"), DEFAULT_SETTINGS)).toMatchObject({
      rag: "amber",
      text: "3 working hours 30 minutes left",
    });
    expect(deadlineState(r, new Date("2026-11-30T13:30:00Z"), DEFAULT_SETTINGS)).toMatchObject({
      rag: "red",
      text: "1 working hour 30 minutes left",
    });
    expect(deadlineState(r, new Date("2026-12-01T16:00:00Z"), DEFAULT_SETTINGS)).toMatchObject({
      rag: "red",
      text: "Overdue by 1 working day 1 hour",
    });
  });

  it("after the decision: met or missed", () => {
    const r = open("immediate");
    expect(
      deadlineState(
        { ...r, status: "decided", decided_at: new Date("2026-11-30T10:00:00Z") },
        new Date(),
        DEFAULT_SETTINGS,
      ),
    ).toMatchObject({ rag: "met", text: "Decided within the deadline" });
    expect(
      deadlineState(
        { ...r, status: "decided", decided_at: new Date("2026-11-30T13:00:00Z") },
        new Date(),
        DEFAULT_SETTINGS,
      ),
    ).toMatchObject({ rag: "missed", text: "Decided 2 working hours after the deadline" });
  });

  it("a clock-hours rule counts elapsed time", () => {
    const s = {
      ...DEFAULT_SETTINGS,
      deadlines: { ...DEFAULT_SETTINGS.deadlines, immediate: { amount: 4, unit: "hours" as const } },
    };
    const { due } = dueFor(new Date("2026-11-28T22:00:00Z"), "immediate", s);
    expect(due.toISOString()).toBe("2026-11-29T02:00:00.000Z");
  });
});
