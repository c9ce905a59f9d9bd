// The demo county's joint screening and risk assessment data (issue 5): each agency's screening
// contributions to decided referrals (and some still in screening), the screeners working open
// referrals, people of concern as referrers described them, the deadline rule each referral was
// given, and exploitation risk assessments with realistic trajectories for children whose
// screening led to a strategy discussion, MACE or an NRM referral.
// Pure planning (planReferralsDemo: the same county always gives the same rows) plus one insert pass.
import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.ts";
import "../referrals/referrals.tables.ts";
import "../assessments/assessments.tables.ts";
import type { Level } from "../assessments/assessments.tables.ts";
import { scoreAssessment, suggestCinFactors } from "../assessments/scoring.ts";
import { allIndicators, CURRENT_TOOL } from "../assessments/tool.ts";
import { BUILDS, CHILD_VOICE, FEATURES, HAIR, VEHICLES } from "./demo.data.ts";
import type { DemoCounty, ReferralRow } from "./demo.generator.ts";
import { DAY, HOUR, isoDate, isoInstant, londonTime, MINUTE, parseIsoDate } from "./demo.identifiers.ts";
import { Rng } from "./prng.ts";

type Row = Record<string, unknown>;
export type ReferralsDemo = {
  referral_persons: Row[];
  screening_participants: Row[];
  screening_contributions: Row[];
  risk_assessments: Row[];
};

const POLICE = {
  findings: [
    "PNC: no convictions or cautions for the child. Local systems: three missing person reports in the last twelve months. The adult described matches a nominal linked to Class A supply in the area (intelligence graded 2B).",
    "No trace on PNC or PND for the child. Two intelligence logs place the vehicle described near the address of concern in the last month.",
    "The child is recorded as a victim in a crime report (assault, last year). No intelligence held on the adults described.",
    "Custody record: arrested last month for possession with intent to supply; treated as a possible victim of exploitation and released under investigation. Intelligence links the phone number given to a county line.",
  ],
  summary: [
    "Police hold intelligence relevant to the adults described; details are held by police.",
    "No police records about the child; intelligence about the location of concern.",
    "Police have no relevant records.",
    "Police records show a recent arrest in which the child was treated as a possible victim of exploitation.",
  ],
};
const SOCIAL = {
  findings: [
    "Known to children's social care: early help in the past (closed). No current plan.",
    "Open child in need plan; the allocated social worker knows about the missing episodes and the new older associates.",
    "Looked after; carers report missing episodes late at night and gifts the child cannot explain.",
    "Two previous referrals about the same concerns; both closed after single-agency support.",
  ],
  summary: [
    "Previously known to social care; no open plan.",
    "Open to social care under a child in need plan.",
    "Looked-after child; carers are worried about missing episodes.",
    "Repeat referrals for the same concerns.",
  ],
};
const HEALTH = {
  findings: [
    "Two emergency department attendances in the last six months (injury to the hand; intoxication). GP aware.",
    "Sexual health clinic attendance in the last three months; safeguarding concerns recorded by the nurse.",
    "CAMHS referral last year for low mood; not yet seen. School nurse has met the child twice.",
  ],
  summary: [
    "Health records show recent injuries.",
    "Health has relevant safeguarding records; details held by health.",
    "Known to health services for emotional wellbeing.",
  ],
};
const EDUCATION = {
  findings: [
    "Attendance has fallen to 61% this term, with one fixed-term exclusion. The DSL has recorded older males waiting at the gates.",
    "Attends alternative provision on a part-time timetable since the spring; frequently absent on Fridays.",
    "Good attendance until October; now missing afternoon lessons. Staff noticed a new phone and expensive trainers.",
  ],
  summary: [
    "Attendance has fallen sharply and there are concerns about adults at the gates.",
    "On a part-time timetable; frequent absence.",
    "Recent change in attendance and behaviour.",
  ],
};
const OVERRIDE_REASONS = [
  "The child told me last night that adults are threatening their younger brother; the questions do not capture the threat to the family.",
  "Found with an adult of concern two days ago, after the answers were gathered; the risk is higher than the score suggests.",
  "Professional judgement: the child is now in a stable placement with a worker they trust, and the adults concerned have been arrested.",
];
const BEHAVIOURS = [
  "waits outside the school and the takeaway in the evenings",
  "gives the children lifts and buys them food",
  "is seen at the park with younger teenagers most evenings",
  "collects the child late at night",
  "has been seen taking the child to a flat in another town",
];

export function planReferralsDemo(county: DemoCounty): ReferralsDemo {
  const rng = new Rng(county.seed, "referrals-extras");
  const now = londonTime(parseIsoDate(county.referenceDate), 8 * 60);
  const agencyKind = new Map(county.agencies.map((a) => [a.id, a.kind]));
  const screeners = county.users.filter((u) => u.roles.includes("screener"));
  const screenerOf = (kind: string) => screeners.filter((u) => agencyKind.get(u.agency_id) === kind);
  const police = screenerOf("police");
  const social = screenerOf("social_care");
  const health = screenerOf("health");
  const education = screeners.filter((u) =>
    ["council", "school"].includes(agencyKind.get(u.agency_id) ?? ""),
  );
  const out: ReferralsDemo = {
    referral_persons: [],
    screening_participants: [],
    screening_contributions: [],
    risk_assessments: [],
  };

  const contribute = (
    r: ReferralRow,
    who: (typeof screeners)[number] | undefined,
    discipline: string,
    fieldGroup: string,
    text: { findings: readonly string[]; summary: readonly string[] },
    from: number,
    to: number,
  ) => {
    if (!who) return;
    const i = rng.int(0, text.findings.length - 1);
    const at = Math.min(to - MINUTE, from + rng.next() * Math.max(MINUTE, to - from));
    out.screening_contributions.push({
      id: rng.uuid(),
      referral_id: r.id,
      child_id: r.child_id,
      agency_id: who.agency_id,
      author_id: who.id,
      discipline,
      field_group: fieldGroup,
      checks_made: [],
      findings: text.findings[i],
      shared_summary: text.summary[i],
      risk_view: rng.weighted([
        ["medium", 3],
        ["high", 3],
        ["low", 1],
        ["very_high", 1],
      ] as const),
      recorded_at: isoInstant(at),
      created_at: isoInstant(at),
    });
    if (!out.screening_participants.some((p) => p.referral_id === r.id && p.user_id === who.id))
      out.screening_participants.push({
        referral_id: r.id,
        user_id: who.id,
        agency_id: who.agency_id,
        joined_at: isoInstant(at - 5 * MINUTE),
      });
  };

  for (const r of county.referrals) {
    const received = Date.parse(r.received_at);
    // People of concern, as the referrer described them.
    const describes =
      r.kind !== "child" ||
      (r.concern_types.some((c) => ["cse", "cce", "county_lines", "trafficking"].includes(c)) &&
        rng.chance(0.55));
    if (describes) {
      const male = rng.chance(0.85);
      out.referral_persons.push({
        id: rng.uuid(),
        referral_id: r.id,
        position: 1,
        name: rng.chance(0.25) ? rng.pick(["'Ty'", "'Big M'", "'Dex'", "'Rico'", "'K'"]) : null,
        description: `${male ? "Man" : "Woman"}, ${rng.pick(BUILDS)}, ${rng.pick(HAIR)}, ${rng.pick(FEATURES)}; ${rng.pick(BEHAVIOURS)}.`,
        approximate_age: rng.int(18, 42),
        sex: male ? "male" : "female",
        ethnicity: null,
        vehicles: rng.chance(0.6)
          ? [
              `${rng.weighted(VEHICLES)}, registration starting ${rng.pick(["KX", "KT", "LR", "FD"])}${rng.int(10, 24)}`,
            ]
          : [],
        phones: rng.chance(0.4) ? [`07700 900${String(rng.int(0, 999)).padStart(3, "0")}`] : [],
        places: [],
        online_accounts: [],
        relationship_to_child: null,
        created_at: r.received_at,
      });
    }
    // Contributions: every decided referral has police and social care; often health and education.
    if (r.status === "decided" && r.decided_at) {
      const decided = Date.parse(r.decided_at);
      contribute(
        r,
        police.length ? rng.pick(police) : undefined,
        "police",
        "police_intelligence",
        POLICE,
        received,
        decided,
      );
      if (r.kind !== "intelligence")
        contribute(
          r,
          social.length ? rng.pick(social) : undefined,
          "social_care",
          "narrative",
          SOCIAL,
          received,
          decided,
        );
      if (r.kind === "child" && rng.chance(0.6))
        contribute(
          r,
          health.length ? rng.pick(health) : undefined,
          "health",
          "health",
          HEALTH,
          received,
          decided,
        );
      if (r.kind === "child" && rng.chance(0.5))
        contribute(
          r,
          education.length ? rng.pick(education) : undefined,
          "education",
          "education",
          EDUCATION,
          received,
          decided,
        );
    } else if (r.status === "in_screening") {
      const started = r.screening_started_at ? Date.parse(r.screening_started_at) : received + 30 * MINUTE;
      const working = county.relationships.filter(
        (x) => x.kind === "screening_participant" && x.reason === `Joint screening of ${r.reference}`,
      );
      for (const w of working) {
        const user = county.users.find((x) => x.id === w.user_id)!;
        if (!out.screening_participants.some((p) => p.referral_id === r.id && p.user_id === user.id))
          out.screening_participants.push({
            referral_id: r.id,
            user_id: user.id,
            agency_id: user.agency_id,
            joined_at: isoInstant(Math.min(now - MINUTE, started)),
          });
      }
      if (rng.chance(0.5))
        contribute(
          r,
          police.length ? rng.pick(police) : undefined,
          "police",
          "police_intelligence",
          POLICE,
          Math.min(started, now - 2 * HOUR),
          now,
        );
    }
  }

  // Risk assessments: children whose screening led to multi-agency work, with a trajectory.
  const allocating = new Set(["strategy_discussion", "mace", "nrm_referral"]);
  const byChild = new Map<string, ReferralRow[]>();
  for (const r of county.referrals)
    if (r.child_id && r.status === "decided" && r.decision && allocating.has(r.decision) && r.decided_at)
      byChild.set(r.child_id, [...(byChild.get(r.child_id) ?? []), r]);
  const workers = county.users.filter(
    (u) => agencyKind.get(u.agency_id) === "social_care" && u.roles.includes("practitioner"),
  );
  const indicators = allIndicators(CURRENT_TOOL);
  const protectiveCodes = new Set(CURRENT_TOOL.protective.indicators.map((i) => i.code));
  const RELATED: Record<string, string[]> = {
    missing_episodes: ["missing_recent", "missing_repeat", "missing_far"],
    found_out_of_area: ["found_out_of_area", "unexplained_travel", "missing_far"],
    unexplained_money_or_gifts: ["unexplained_money", "paid_for"],
    multiple_phones: ["multiple_phones", "contacted_all_hours"],
    older_partner: ["targeted_by_older", "driven_by_adults"],
    associating_with_adults_of_concern: ["adult_of_concern", "targeted_by_older"],
    substance_misuse: ["given_substances", "substance_increase"],
    school_absence: ["attendance_falling"],
    excluded_from_school: ["excluded"],
    injuries: ["unexplained_injuries"],
    sexual_health_concerns: ["sti_pregnancy", "repeat_tests"],
    online_contact_with_adults: ["unknown_contacts"],
    debt_bondage: ["debt"],
    carrying_drugs_or_weapons: ["made_to_hold", "weapon"],
    travel_without_explanation: ["unexplained_travel"],
    hotel_or_party_attendance: ["paid_for", "driven_by_adults"],
  };
  const draft: Row[] = [];
  for (const [childId, refs] of [...byChild.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    refs.sort((a, b) => (a.decided_at! < b.decided_at! ? -1 : 1));
    const first = Date.parse(refs[0].decided_at!);
    const concerns = [...new Set(refs.flatMap((r) => r.concern_types))];
    const signals = new Set(refs.flatMap((r) => r.indicators).flatMap((i) => RELATED[i] ?? []));
    const allocated = county.relationships.filter(
      (x) => x.child_id === childId && x.kind === "allocated_worker",
    );
    const shape = rng.weighted([
      ["rising", 3],
      ["falling", 4],
      ["flat", 2],
    ] as const);
    let risk =
      shape === "rising"
        ? 0.25 + rng.next() * 0.2
        : shape === "falling"
          ? 0.6 + rng.next() * 0.25
          : 0.35 + rng.next() * 0.3;
    let at = first + rng.int(2, 10) * DAY + rng.int(9, 16) * HOUR;
    for (let k = 0; k < 4 && at < now - 2 * DAY; k++) {
      const worker =
        allocated.find((x) => Date.parse(x.starts_at) <= at && (!x.ends_at || Date.parse(x.ends_at) > at))
          ?.user_id ?? rng.pick(workers).id;
      const author = county.users.find((u) => u.id === worker)!;
      const answers: Record<string, "yes" | "no" | "not_known"> = {};
      for (const i of indicators) {
        if (protectiveCodes.has(i.code)) {
          answers[i.code] = rng.chance(0.85 - risk * 0.7) ? "yes" : rng.chance(0.1) ? "not_known" : "no";
          continue;
        }
        const p = Math.min(
          0.95,
          (signals.has(i.code) ? 0.35 + risk * 0.6 : risk * 0.22) * (i.critical ? 0.35 : 1),
        );
        answers[i.code] = rng.chance(p) ? "yes" : rng.chance(0.06) ? "not_known" : "no";
      }
      const e = scoreAssessment(CURRENT_TOOL, answers);
      const override = rng.chance(0.1);
      const levels: Level[] = ["low", "medium", "high", "very_high"];
      const idx = levels.indexOf(e.level);
      const finalLevel = override
        ? levels[Math.min(3, Math.max(0, idx + (rng.chance(0.7) ? 1 : -1)))]
        : e.level;
      const review = at + CURRENT_TOOL.reviewWeeks[finalLevel] * 7 * DAY;
      draft.push({
        id: rng.uuid(),
        reference: "",
        child_id: childId,
        referral_id: refs[0].id,
        author_id: author.id,
        agency_id: author.agency_id,
        tool_code: CURRENT_TOOL.code,
        tool_version: CURRENT_TOOL.version,
        status: "completed",
        answers: JSON.stringify(answers),
        notes: JSON.stringify({}),
        score: e.score,
        computed_level: e.level,
        final_level: finalLevel,
        override_reason: finalLevel !== e.level ? rng.pick(OVERRIDE_REASONS) : null,
        explanation: JSON.stringify(e),
        cin_factors: suggestCinFactors(answers, concerns).map((c) => c.code),
        child_view: rng.chance(0.55) ? rng.pick(CHILD_VOICE) : null,
        review_due_on: isoDate(review),
        completed_at: isoInstant(at),
        created_at: isoInstant(at - rng.int(1, 48) * HOUR),
        updated_at: isoInstant(at),
      });
      const step = 0.08 + rng.next() * 0.12;
      risk = Math.max(
        0.05,
        Math.min(
          0.95,
          shape === "rising"
            ? risk + step
            : shape === "falling"
              ? risk - step
              : risk + (rng.next() - 0.5) * 0.1,
        ),
      );
      at += Math.round(CURRENT_TOOL.reviewWeeks[finalLevel] * 7 * DAY * (0.8 + rng.next() * 0.5));
    }
  }
  // References in order of completion: RA-YYYY-000001 …
  draft.sort((a, b) => (String(a.completed_at) < String(b.completed_at) ? -1 : 1));
  const perYear = new Map<string, number>();
  for (const a of draft) {
    const y = String(a.completed_at).slice(0, 4);
    const n = (perYear.get(y) ?? 0) + 1;
    perYear.set(y, n);
    a.reference = `RA-${y}-${String(n).padStart(6, "0")}`;
  }
  out.risk_assessments = draft;
  return out;
}

const ORDER: (keyof ReferralsDemo)[] = [
  "referral_persons",
  "screening_participants",
  "screening_contributions",
  "risk_assessments",
];

/** Inserts the referral and assessment demo rows in the seeding transaction (system scope, set by seedDemo). */
export async function seedReferralsDemo(
  tx: Kysely<DB>,
  county: DemoCounty,
  progress: (phase: string, done: number, total: number) => void = () => {},
): Promise<Record<string, number>> {
  const plan = planReferralsDemo(county);
  const counts: Record<string, number> = {};
  for (const table of ORDER) {
    const rows = plan[table];
    counts[table] = rows.length;
    progress(`referrals: ${table.replaceAll("_", " ")}`, 0, rows.length);
    for (let i = 0; i < rows.length; i += 400)
      await tx
        .insertInto(table)
        .values(rows.slice(i, i + 400) as never)
        .execute();
    progress(`referrals: ${table.replaceAll("_", " ")}`, rows.length, rows.length);
  }
  // The rule each demo referral's deadline was set by (the generator's: immediate = 4 clock hours).
  await sql`update referrals set deadline_rule = case urgency
      when 'immediate' then '{"amount":4,"unit":"hours"}'::jsonb
      when 'high' then '{"amount":1,"unit":"working_days"}'::jsonb
      when 'medium' then '{"amount":3,"unit":"working_days"}'::jsonb
      else '{"amount":5,"unit":"working_days"}'::jsonb end
    where deadline_rule is null`.execute(tx);
  return counts;
}
