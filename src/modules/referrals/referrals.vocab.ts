// The words of referral and joint screening: codes stored in the database and what people read.
// Labels follow the language guidance: they describe what adults do and what was seen, never the
// child's "choices".

export const REFERRAL_KINDS = ["child", "unknown_child", "intelligence"] as const;
export type ReferralKind = (typeof REFERRAL_KINDS)[number];
export const KIND_LABELS: Record<ReferralKind, string> = {
  child: "A child you can name",
  unknown_child: "A child who has not been identified yet",
  intelligence: "Intelligence only: no child named",
};

export const CONCERN_TYPES = ["cse", "cce", "county_lines", "trafficking", "online", "other"] as const;
export type ConcernType = (typeof CONCERN_TYPES)[number];
export const CONCERN_LABELS: Record<ConcernType, string> = {
  cse: "Child sexual exploitation (CSE)",
  cce: "Child criminal exploitation (CCE)",
  county_lines: "County lines",
  trafficking: "Trafficking or modern slavery",
  online: "Online exploitation or abuse",
  other: "Other exploitation concern",
};
export const CONCERN_SHORT: Record<ConcernType, string> = {
  cse: "CSE",
  cce: "CCE",
  county_lines: "County lines",
  trafficking: "Trafficking",
  online: "Online",
  other: "Other",
};

export const URGENCIES = ["immediate", "high", "medium", "low"] as const;
export type Urgency = (typeof URGENCIES)[number];
export const URGENCY_LABELS: Record<Urgency, string> = {
  immediate: "Immediate",
  high: "High",
  medium: "Medium",
  low: "Low",
};
export const URGENCY_HINTS: Record<Urgency, string> = {
  immediate:
    "The child may be in danger now or in the next few hours. If a child is in immediate danger, call 999 as well.",
  high: "Serious harm is likely without action within a day.",
  medium: "Signs of exploitation that need a multi-agency view within days.",
  low: "Early signs or background information.",
};

/** Indicators a referrer may have seen. Codes match the demo county's referrals. */
export const INDICATORS = {
  missing_episodes: "Going missing from home, care or school",
  found_out_of_area: "Found in another area with no explanation",
  unexplained_money_or_gifts: "Unexplained money, gifts, clothing or phones",
  multiple_phones: "More than one phone, or a phone that receives many calls",
  older_partner: "Being groomed by an older person",
  associating_with_adults_of_concern: "Being targeted by adults of concern",
  substance_misuse: "Being given drugs or alcohol",
  school_absence: "Missing school or falling attendance",
  excluded_from_school: "Excluded from school or at risk of exclusion",
  injuries: "Unexplained injuries",
  sexual_health_concerns: "Sexual health concerns",
  change_in_behaviour: "A change in behaviour or mood",
  online_contact_with_adults: "Online contact from unknown adults",
  debt_bondage: "Being controlled through a debt",
  carrying_drugs_or_weapons: "Found with drugs, cash or a weapon",
  travel_without_explanation: "Unexplained travel (trains, taxis, lifts)",
  hotel_or_party_attendance: "Taken to hotels, parties or flats",
} as const;
export type IndicatorCode = keyof typeof INDICATORS;
export const INDICATOR_CODES = Object.keys(INDICATORS) as IndicatorCode[];

export const SOURCES = ["professional", "public_via_practitioner"] as const;
export const SOURCE_LABELS: Record<(typeof SOURCES)[number], string> = {
  professional: "What I or my colleagues saw or were told",
  public_via_practitioner: "A member of the public or a family member told me",
};

export const SEND_OPTIONS = ["ehcp", "sen_support", "suspected", "none", "unknown"] as const;
export const SEND_LABELS: Record<(typeof SEND_OPTIONS)[number], string> = {
  ehcp: "Yes: education, health and care plan (EHCP)",
  sen_support: "Yes: SEN support",
  suspected: "Needs may not have been identified yet",
  none: "No",
  unknown: "I do not know",
};
export const YES_NO_UNKNOWN = ["yes", "no", "unknown"] as const;
export const YES_NO_UNKNOWN_LABELS: Record<(typeof YES_NO_UNKNOWN)[number], string> = {
  yes: "Yes",
  no: "No",
  unknown: "I do not know",
};
export const WORKER_GENDER = ["female", "male", "no_preference", "not_asked"] as const;
export const WORKER_GENDER_LABELS: Record<(typeof WORKER_GENDER)[number], string> = {
  female: "Would prefer to speak to a woman",
  male: "Would prefer to speak to a man",
  no_preference: "No preference",
  not_asked: "Not asked yet",
};
export const PARENTS_AWARE = ["yes", "no", "not_safe", "not_applicable"] as const;
export const PARENTS_AWARE_LABELS: Record<(typeof PARENTS_AWARE)[number], string> = {
  yes: "Yes, they know about this referral",
  no: "No, not yet",
  not_safe: "No: telling them could put the child at risk",
  not_applicable: "Not applicable",
};
export const SEX = ["female", "male", "other", "unknown"] as const;
export const SEX_LABELS: Record<(typeof SEX)[number], string> = {
  female: "Female",
  male: "Male",
  other: "Other",
  unknown: "Not known",
};

export const STATUS_LABELS: Record<string, string> = {
  awaiting_screening: "Awaiting screening",
  in_screening: "In screening",
  decided: "Decided",
  withdrawn: "Withdrawn",
};
export const STATUS_TAG: Record<string, string> = {
  awaiting_screening: "govuk-tag--blue",
  in_screening: "govuk-tag--light-blue",
  decided: "govuk-tag--green",
  withdrawn: "govuk-tag--grey",
};

export const DECISIONS = [
  "no_further_action",
  "single_agency",
  "strategy_discussion",
  "mace",
  "nrm_referral",
] as const;
export type Decision = (typeof DECISIONS)[number];
export const DECISION_LABELS: Record<Decision, string> = {
  no_further_action: "No further action",
  single_agency: "Single-agency support",
  strategy_discussion: "Strategy discussion",
  mace: "MACE: multi-agency child exploitation panel",
  nrm_referral: "National Referral Mechanism (NRM) referral",
};
export const DECISION_HINTS: Record<Decision, string> = {
  no_further_action: "No indicators of exploitation found. Say what advice was given and to whom.",
  single_agency: "One agency will support the child. Say which agency and what it will do.",
  strategy_discussion:
    "There is reasonable cause to suspect significant harm: convene a strategy discussion.",
  mace: "Add the child to the MACE cohort for multi-agency planning and disruption.",
  nrm_referral: "Indicators of trafficking or modern slavery: a first responder makes an NRM referral.",
};

export const DISCIPLINES = [
  "police",
  "health",
  "education",
  "social_care",
  "youth_justice",
  "voluntary",
  "other",
] as const;
export const DISCIPLINE_LABELS: Record<(typeof DISCIPLINES)[number], string> = {
  police: "Police checks",
  health: "Health",
  education: "Education",
  social_care: "Children's social care",
  youth_justice: "Youth justice",
  voluntary: "Voluntary sector",
  other: "Other partner",
};
/** The four core contributions a joint screening expects. */
export const CORE_DISCIPLINES = ["police", "health", "education", "social_care"] as const;

/** Checks an agency typically makes, offered as checkboxes on its contribution. */
export const CHECKS: Record<(typeof DISCIPLINES)[number], readonly string[]> = {
  police: [
    "Police National Computer (PNC)",
    "Police National Database (PND)",
    "Local intelligence systems",
    "Missing person reports",
    "Domestic abuse records",
    "Custody records",
  ],
  health: [
    "GP records",
    "Emergency department attendances",
    "Sexual health services",
    "CAMHS",
    "School nursing and health visiting",
    "Substance misuse services",
  ],
  education: [
    "Attendance records",
    "Exclusions and part-time timetables",
    "SEND records",
    "Designated safeguarding lead's records",
    "Children missing education",
  ],
  social_care: [
    "Children's social care case records",
    "Early help records",
    "Looked-after children records",
    "Previous referrals and assessments",
  ],
  youth_justice: ["Youth justice case records", "Out-of-court disposals"],
  voluntary: ["Case records", "Return home interviews"],
  other: ["Own agency records"],
};

export const RISK_VIEWS = ["low", "medium", "high", "very_high", "not_assessed"] as const;
export const RISK_VIEW_LABELS: Record<(typeof RISK_VIEWS)[number], string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  very_high: "Very high",
  not_assessed: "Not able to say from our records",
};

export const labelOf = <T extends string>(
  labels: Record<T, string>,
  v: T | null | undefined,
  empty = "Not recorded",
) => (v ? (labels[v] ?? v) : empty);
