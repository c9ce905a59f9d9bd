// Screening deadlines: the rule per urgency (defaults here, overridden by the settings row), the due
// time from working hours and bank holidays, and red/amber/green by the share of time left, always
// with words as well as a colour.
import {
  type DeadlineRule,
  deadlineAfter,
  describeMinutes,
  minutesLeft,
  type WorkingHours,
  workingDayMinutes,
} from "../../platform/working-time.ts";
import type { ScreeningSettings } from "./referrals.schema.ts";
import type { Urgency } from "./referrals.vocab.ts";

export const DEFAULT_SETTINGS: ScreeningSettings = {
  deadlines: {
    immediate: { amount: 4, unit: "working_hours" },
    high: { amount: 1, unit: "working_days" },
    medium: { amount: 3, unit: "working_days" },
    low: { amount: 5, unit: "working_days" },
  },
  workingHours: { start: "09:00", end: "17:00", days: [1, 2, 3, 4, 5], closedDates: [] },
  rag: { amberBelow: 0.5, redBelow: 0.25 },
  secondEscalationAfterWorkingHours: 8,
};

export const hoursOf = (s: ScreeningSettings): WorkingHours => ({
  start: s.workingHours.start,
  end: s.workingHours.end,
  days: s.workingHours.days,
  closedDates: s.workingHours.closedDates,
  bankHolidays: true,
});

export function describeRule(r: DeadlineRule): string {
  const unit =
    r.unit === "working_hours" ? "working hour" : r.unit === "working_days" ? "working day" : "hour";
  return `${r.amount} ${unit}${r.amount === 1 ? "" : "s"}`;
}

export function dueFor(
  received: Date,
  urgency: Urgency,
  s: ScreeningSettings,
): { due: Date; rule: DeadlineRule } {
  const rule = s.deadlines[urgency];
  return { due: deadlineAfter(received, rule, hoursOf(s)), rule };
}

export type DeadlineState = {
  dueAt: Date | null;
  rule: string;
  rag: "red" | "amber" | "green" | "met" | "missed" | "none";
  /** The tag's words: "Red", "Amber", "Green", "Met", "Missed". */
  label: string;
  /** "3 working hours left", "Overdue by 1 working day", "Decided 2 hours before the deadline". */
  text: string;
  minutesLeft: number | null;
  tagClass: string;
};

const TAG: Record<DeadlineState["rag"], string> = {
  red: "govuk-tag--red",
  amber: "govuk-tag--orange",
  green: "govuk-tag--green",
  met: "govuk-tag--green",
  missed: "govuk-tag--red",
  none: "govuk-tag--grey",
};

/**
 * Where a referral stands against its deadline. Open referrals: red when overdue or when less than
 * `redBelow` of the allowed time is left, amber below `amberBelow`, otherwise green. Closed ones: met
 * or missed, measured at the decision (or withdrawal).
 */
export function deadlineState(
  r: {
    received_at: Date;
    screening_due_at: Date | null;
    status: string;
    decided_at: Date | null;
    withdrawn_at?: Date | null;
    deadline_rule?: unknown;
    urgency: string;
  },
  now: Date,
  s: ScreeningSettings,
): DeadlineState {
  const rule: DeadlineRule =
    (r.deadline_rule as DeadlineRule | null) ?? s.deadlines[r.urgency as Urgency] ?? s.deadlines.medium;
  const h = hoursOf(s);
  const ruleText = describeRule(rule);
  const day = rule.unit === "hours" ? null : workingDayMinutes(h);
  const working = rule.unit !== "hours";
  const base = { dueAt: r.screening_due_at, rule: ruleText };
  if (!r.screening_due_at)
    return {
      ...base,
      rag: "none",
      label: "No deadline",
      text: "No deadline set",
      minutesLeft: null,
      tagClass: TAG.none,
    };
  const due = r.screening_due_at;
  const closedAt =
    r.status === "decided" ? r.decided_at : r.status === "withdrawn" ? (r.withdrawn_at ?? null) : null;
  if (r.status === "decided" || r.status === "withdrawn") {
    if (!closedAt)
      return { ...base, rag: "none", label: "Closed", text: "Closed", minutesLeft: null, tagClass: TAG.none };
    const spare = minutesLeft(closedAt, due, rule.unit, h);
    const verb = r.status === "decided" ? "Decided" : "Withdrawn";
    return spare >= 0
      ? {
          ...base,
          rag: "met",
          label: "Met",
          text: `${verb} within the deadline`,
          minutesLeft: spare,
          tagClass: TAG.met,
        }
      : {
          ...base,
          rag: "missed",
          label: "Missed",
          text: `${verb} ${describeMinutes(-spare, day, working)} after the deadline`,
          minutesLeft: spare,
          tagClass: TAG.missed,
        };
  }
  const left = minutesLeft(now, due, rule.unit, h);
  const total = Math.max(1, minutesLeft(r.received_at, due, rule.unit, h));
  if (left <= 0 && now.getTime() >= due.getTime()) {
    const over = -minutesLeft(now, due, rule.unit, h);
    return {
      ...base,
      rag: "red",
      label: "Red",
      text: over > 0 ? `Overdue by ${describeMinutes(over, day, working)}` : "Overdue",
      minutesLeft: -over,
      tagClass: TAG.red,
    };
  }
  const share = left / total;
  const rag = share < s.rag.redBelow ? "red" : share < s.rag.amberBelow ? "amber" : "green";
  return {
    ...base,
    rag,
    label: rag === "red" ? "Red" : rag === "amber" ? "Amber" : "Green",
    text: `${describeMinutes(left, day, working)} left`,
    minutesLeft: left,
    tagClass: TAG[rag],
  };
}
