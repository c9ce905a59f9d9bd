// The tracker's words: codes stored in the database and what people read. RAG levels always carry
// text (never colour alone); wording follows the language guidance (describe what adults do).
import type {
  ActionStatus,
  AgendaReason,
  LeavingOutcome,
  MeetingKind,
  RiskLevel,
  RiskTrend,
} from "./tracker.tables.ts";

export const RISK_LEVELS = ["high", "medium", "low"] as const satisfies readonly RiskLevel[];
export const RISK_LABELS: Record<RiskLevel, string> = { high: "High", medium: "Medium", low: "Low" };
export const RISK_COLOURS: Record<RiskLevel, string> = { high: "red", medium: "orange", low: "green" };
export const RISK_RANK: Record<RiskLevel, number> = { high: 3, medium: 2, low: 1 };

export const RISK_TRENDS = [
  "new",
  "increasing",
  "stable",
  "decreasing",
] as const satisfies readonly RiskTrend[];
export const TREND_LABELS: Record<RiskTrend, string> = {
  new: "New",
  increasing: "Increasing",
  stable: "Stable",
  decreasing: "Decreasing",
};
/** Arrows are decoration beside the words; screen readers get the words. */
export const TREND_ARROWS: Record<RiskTrend, string> = {
  new: "•",
  increasing: "↑",
  stable: "→",
  decreasing: "↓",
};
export const TREND_RANK: Record<RiskTrend, number> = { increasing: 4, new: 3, stable: 2, decreasing: 1 };

export const CONCERNS = ["cse", "cce", "county_lines", "trafficking", "online", "other"] as const;
export type Concern = (typeof CONCERNS)[number];
export const CONCERN_SHORT: Record<Concern, string> = {
  cse: "CSE",
  cce: "CCE",
  county_lines: "County lines",
  trafficking: "Trafficking",
  online: "Online",
  other: "Other",
};
export const CONCERN_LONG: Record<Concern, string> = {
  cse: "Child sexual exploitation (CSE)",
  cce: "Child criminal exploitation (CCE)",
  county_lines: "County lines",
  trafficking: "Trafficking or modern slavery",
  online: "Online exploitation or abuse",
  other: "Other exploitation concern",
};

export const LEAVING_OUTCOMES = [
  "risk_reduced",
  "stepped_down",
  "moved_area",
  "adult_services",
  "custody",
  "other",
] as const satisfies readonly LeavingOutcome[];
export const LEAVING_LABELS: Record<LeavingOutcome, string> = {
  risk_reduced: "Risk reduced: safety plan held by the lead agency",
  stepped_down: "Stepped down to child in need or early help support",
  moved_area: "Moved to another area: transferred to that area's partnership",
  adult_services: "Turned 18: transferred to adult safeguarding or transitions support",
  custody: "In custody or secure accommodation: followed up by youth justice",
  other: "Other (explain in the reason)",
};

export const ACTION_STATUSES = [
  "open",
  "in_progress",
  "done",
  "cancelled",
] as const satisfies readonly ActionStatus[];
export const ACTION_LABELS: Record<ActionStatus, string> = {
  open: "Not started",
  in_progress: "In progress",
  done: "Done",
  cancelled: "Cancelled",
};
export const ACTION_COLOURS: Record<ActionStatus, string> = {
  open: "grey",
  in_progress: "blue",
  done: "green",
  cancelled: "grey",
};

export const MEETING_KINDS = [
  "mace_panel",
  "strategy_discussion",
  "review",
] as const satisfies readonly MeetingKind[];
export const MEETING_LABELS: Record<MeetingKind, string> = {
  mace_panel: "MACE panel",
  strategy_discussion: "Strategy discussion",
  review: "Review meeting",
};
export const AGENDA_REASON_LABELS: Record<AgendaReason, string> = {
  escalation: "Escalation",
  new_entry: "New to the cohort",
  review_due: "Review due",
  added: "Added by the coordinator",
};

export const SEX_LABELS: Record<string, string> = {
  female: "Female",
  male: "Male",
  other: "Other",
  unknown: "Not known",
};
export const SEND_SHORT: Record<string, string> = {
  none: "No",
  sen_support: "SEN support",
  ehcp: "EHCP",
  unknown: "Not known",
};
