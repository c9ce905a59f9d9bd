// The exploitation risk assessment tool, as versioned data. A completed assessment records the tool
// code and version it used, so its score and explanation can always be recomputed as they were.
// A new version is added here (never edited in place once assessments use it) and CURRENT_VERSION
// moves to it. Wording follows the language guidance: indicators describe what adults do to the
// child and what professionals see, not the child's "choices".
import type { Level } from "./assessments.tables.ts";

export type Answer = "yes" | "no" | "not_known";
export const ANSWERS: readonly Answer[] = ["yes", "no", "not_known"];
export const ANSWER_LABELS: Record<Answer, string> = { yes: "Yes", no: "No", not_known: "Not known" };

export type Indicator = {
  code: string;
  text: string;
  /** Points added by a "yes" (risk) or taken away (protective). */
  weight: number;
  /** A "yes" alone means the level is at least high; two or more mean very high. */
  critical?: boolean;
};
export type Section = {
  code: string;
  title: string;
  /** The access field group that holds the answers in this section. */
  fieldGroup: "narrative" | "health" | "education";
  hint?: string;
  indicators: readonly Indicator[];
};
export type CinFactor = { code: string; text: string };
export type Tool = {
  code: string;
  version: number;
  name: string;
  published: string;
  sections: readonly Section[];
  protective: Section;
  /** Lower bounds of each level on the final score. */
  thresholds: Readonly<Record<Level, number>>;
  /** Protective factors reduce the score by at most this many points. */
  protectiveCap: number;
  /** Weeks until review by final level (the assessor may choose another date). */
  reviewWeeks: Readonly<Record<Level, number>>;
  cinFactors: readonly CinFactor[];
};

export const LEVELS: readonly Level[] = ["low", "medium", "high", "very_high"];
export const LEVEL_LABELS: Record<Level, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  very_high: "Very high",
};
export const LEVEL_TAG: Record<Level, string> = {
  low: "govuk-tag--green",
  medium: "govuk-tag--yellow",
  high: "govuk-tag--orange",
  very_high: "govuk-tag--red",
};

/** Children in Need census factors identified at assessment (DfE CIN census), those most relevant here. */
export const CIN_FACTORS: readonly CinFactor[] = [
  { code: "1A", text: "Alcohol misuse: concerns about the child" },
  { code: "2A", text: "Drug misuse: concerns about the child" },
  { code: "3A", text: "Domestic abuse: concerns about the child" },
  { code: "4A", text: "Mental health: concerns about the child" },
  { code: "5A", text: "Learning disability: concerns about the child" },
  { code: "6A", text: "Physical disability or illness: concerns about the child" },
  { code: "7A", text: "Young carer" },
  { code: "9A", text: "Unaccompanied asylum-seeking child" },
  { code: "10A", text: "Going or being missing" },
  { code: "11A", text: "Child sexual exploitation" },
  { code: "12A", text: "Trafficking" },
  { code: "13A", text: "Gangs" },
  { code: "14A", text: "Socially unacceptable behaviour" },
  { code: "15A", text: "Self-harm" },
  { code: "16A", text: "Abuse or neglect: neglect" },
  { code: "17A", text: "Abuse or neglect: emotional abuse" },
  { code: "22A", text: "Female genital mutilation" },
  { code: "23A", text: "Abuse linked to faith or belief" },
  { code: "24A", text: "Child criminal exploitation" },
];

const V1: Tool = {
  code: "lantern-exploitation",
  version: 1,
  name: "Child exploitation risk assessment",
  published: "2026-01-05",
  sections: [
    {
      code: "missing",
      title: "Going missing",
      fieldGroup: "narrative",
      indicators: [
        {
          code: "missing_recent",
          text: "Has been missing from home, care or school in the last three months",
          weight: 2,
        },
        {
          code: "missing_repeat",
          text: "Has been missing three or more times in the last three months",
          weight: 3,
        },
        { code: "missing_far", text: "Has been missing overnight, or found far from home", weight: 3 },
        {
          code: "missing_returns_changed",
          text: "Comes back with unexplained money or goods, injuries, or under the influence",
          weight: 2,
        },
      ],
    },
    {
      code: "substances",
      title: "Drugs and alcohol",
      fieldGroup: "narrative",
      indicators: [
        {
          code: "given_substances",
          text: "Is being given drugs or alcohol by adults or older young people",
          weight: 3,
        },
        { code: "substance_increase", text: "A marked increase in drug or alcohol use", weight: 2 },
        {
          code: "made_to_hold",
          text: "Is being made to hold, hide or move drugs",
          weight: 3,
          critical: true,
        },
      ],
    },
    {
      code: "money",
      title: "Money, gifts and debt",
      fieldGroup: "narrative",
      indicators: [
        {
          code: "unexplained_money",
          text: "Has money, clothes, phones or gifts that cannot be explained",
          weight: 2,
        },
        {
          code: "debt",
          text: "Is being controlled through a debt, or told they owe money",
          weight: 3,
          critical: true,
        },
        {
          code: "paid_for",
          text: "Adults pay for the child's food, travel, taxis or hotel rooms",
          weight: 2,
        },
      ],
    },
    {
      code: "phones",
      title: "Phones and contact",
      fieldGroup: "narrative",
      indicators: [
        {
          code: "multiple_phones",
          text: "Has more than one phone, or a phone that receives many short calls",
          weight: 2,
        },
        {
          code: "contacted_all_hours",
          text: "Adults contact the child at all hours or track where they are",
          weight: 2,
        },
      ],
    },
    {
      code: "associates",
      title: "Older associates",
      fieldGroup: "narrative",
      indicators: [
        {
          code: "targeted_by_older",
          text: "Is being targeted by adults or much older young people",
          weight: 3,
        },
        {
          code: "adult_of_concern",
          text: "Is in contact with an adult known or suspected to exploit children",
          weight: 3,
          critical: true,
        },
        {
          code: "driven_by_adults",
          text: "Is picked up or dropped off by unknown adults in cars",
          weight: 2,
        },
      ],
    },
    {
      code: "sexual_health",
      title: "Sexual health",
      fieldGroup: "health",
      hint: "Answers here are health information: only people whose access includes health see them.",
      indicators: [
        {
          code: "sti_pregnancy",
          text: "A sexually transmitted infection, pregnancy or termination",
          weight: 3,
        },
        { code: "repeat_tests", text: "Repeated emergency contraception or sexual health tests", weight: 2 },
        {
          code: "sexual_abuse_disclosed",
          text: "Has disclosed sexual abuse, or sexual activity with an adult",
          weight: 4,
          critical: true,
        },
      ],
    },
    {
      code: "education",
      title: "School attendance and exclusion",
      fieldGroup: "education",
      indicators: [
        {
          code: "attendance_falling",
          text: "Attendance has fallen, or the child is missing lessons",
          weight: 2,
        },
        {
          code: "excluded",
          text: "Has been excluded, is on a part-time timetable, or is missing education",
          weight: 2,
        },
        { code: "collected_from_school", text: "Is collected from school by unknown adults", weight: 2 },
      ],
    },
    {
      code: "peers",
      title: "Peer group",
      fieldGroup: "narrative",
      indicators: [
        {
          code: "peers_exploited",
          text: "Friends are known to be exploited or to be going missing",
          weight: 2,
        },
        { code: "older_group", text: "A sudden change of friends to an older group", weight: 1 },
        { code: "used_to_draw_in", text: "Is being used by exploiters to draw in other children", weight: 2 },
      ],
    },
    {
      code: "online",
      title: "Online",
      fieldGroup: "narrative",
      indicators: [
        {
          code: "unknown_contacts",
          text: "Online contact from unknown adults, or many new online contacts",
          weight: 2,
        },
        {
          code: "images",
          text: "Sexual images of the child have been requested or shared",
          weight: 3,
          critical: true,
        },
        {
          code: "threatened_online",
          text: "Is being threatened or blackmailed online (including sextortion)",
          weight: 3,
          critical: true,
        },
      ],
    },
    {
      code: "injuries",
      title: "Injuries and harm",
      fieldGroup: "narrative",
      indicators: [
        {
          code: "unexplained_injuries",
          text: "Unexplained injuries, or injuries the child is frightened to explain",
          weight: 3,
        },
        {
          code: "weapon",
          text: "Has been found with a weapon, or says they need one for protection",
          weight: 3,
        },
        { code: "self_harm", text: "Self-harm or thoughts of suicide", weight: 2 },
      ],
    },
    {
      code: "county_lines",
      title: "County lines signs",
      fieldGroup: "narrative",
      indicators: [
        {
          code: "found_out_of_area",
          text: "Found in another area, for example in a flat used to supply drugs",
          weight: 3,
          critical: true,
        },
        { code: "unexplained_travel", text: "Unexplained travel by train, taxi or coach", weight: 2 },
        { code: "cuckooing", text: "Found in a home taken over by exploiters (cuckooing)", weight: 3 },
        {
          code: "drug_supply_arrest",
          text: "Arrested for drug supply, or found with drugs packaged for sale",
          weight: 3,
          critical: true,
        },
      ],
    },
  ],
  protective: {
    code: "protective",
    title: "Protective factors",
    fieldGroup: "narrative",
    hint: "What keeps the child safer. Protective factors lower the score a little, but never below what a serious indicator means on its own.",
    indicators: [
      { code: "trusted_adult", text: "Has a trusted adult they can talk to", weight: 2 },
      { code: "trusted_service", text: "Is in touch with a worker or service they trust", weight: 2 },
      {
        code: "protective_carers",
        text: "Lives in a stable home or placement with protective carers",
        weight: 2,
      },
      { code: "in_education", text: "Attends school, college or training regularly", weight: 1 },
      {
        code: "positive_activities",
        text: "Takes part in activities they enjoy (sport, clubs, music, faith)",
        weight: 1,
      },
      {
        code: "talks_about_help",
        text: "Can talk about what is happening and wants help to be safe",
        weight: 1,
      },
    ],
  },
  thresholds: { low: 0, medium: 6, high: 14, very_high: 23 },
  protectiveCap: 6,
  reviewWeeks: { very_high: 2, high: 4, medium: 8, low: 12 },
  cinFactors: CIN_FACTORS,
};

export const TOOLS: readonly Tool[] = [V1];
export const CURRENT_TOOL = V1;

export function toolFor(code: string, version: number): Tool {
  const t = TOOLS.find((x) => x.code === code && x.version === version);
  if (!t) throw new Error(`unknown assessment tool ${code} version ${version}`);
  return t;
}

export const allSections = (t: Tool): readonly Section[] => [...t.sections, t.protective];
export const allIndicators = (t: Tool) =>
  allSections(t).flatMap((s) => s.indicators.map((i) => ({ ...i, section: s })));
