// Demo county, intelligence and disruption (issue 8): graded intelligence reports about each network
// (some sanitised for partners, some C-coded, a few graded E) and the disruption used against the
// adults, places and businesses: hotel notices, licensing reviews, closure orders, orders against
// adults, NRM referrals for children. Deterministic (seeded), relative to the county's reference
// date, inserted inside seedDemo's transaction.
import { sql, type Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import "../intelligence/intelligence.tables.ts";
import "../disruption/disruption.tables.ts";
import type { DemoCounty } from "./demo.generator.ts";
import { Rng } from "./prng.ts";

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

type Report = {
  id: string;
  reference: string;
  originating_agency_id: string;
  submitted_by: string | null;
  submitted_at: string;
  intelligence_date: string;
  source_evaluation: "1" | "2" | "3";
  intelligence_assessment: "A" | "B" | "C" | "D" | "E";
  handling_code: "P" | "C";
  handling_conditions: string | null;
  sanitised_text: string | null;
  sanitised_at: string | null;
  original: string;
  subjects: { kind: "child" | "person" | "entity"; id: string; rowId?: string }[];
};

type Disruption = {
  id: string;
  reference: string;
  tactic: string;
  subject_kind: "person" | "entity" | "child";
  subject_id: string;
  child_id: string | null;
  owning_agency_id: string;
  status: "sought" | "in_force" | "refused" | "ended" | "withdrawn";
  applied_on: string | null;
  starts_on: string | null;
  expires_on: string | null;
  ended_on: string | null;
  conditions: string | null;
  outcome: string | null;
  created_at: string;
};

export type IntelligenceDemo = { reports: Report[]; disruptions: Disruption[]; breaches: number };

/** Pure: the intelligence reports and disruption for a generated county. */
export function generateIntelligence(county: DemoCounty): IntelligenceDemo {
  const rng = new Rng(county.seed, "intelligence-demo");
  const now = Date.parse(`${county.referenceDate}T12:00:00Z`);
  const year = new Date(now).getUTCFullYear();
  const agency = (code: string) => county.agencies.find((a) => a.code === code)?.id ?? county.agencies[0].id;
  const analyst =
    county.users.find((u) => u.agency_id === agency("KCON") && u.roles.includes("analyst"))?.id ?? null;
  const person = new Map(county.persons_of_concern.map((p) => [p.id, p]));
  const entity = new Map(county.entities.map((e) => [e.id, e]));
  const name = (id: string) => {
    const p = person.get(id);
    if (!p) return "an unknown adult";
    return (
      [p.given_name, p.family_name].filter(Boolean).join(" ") ||
      (p.aliases[0] ? `"${p.aliases[0]}"` : "an unknown adult")
    );
  };
  const reports: Report[] = [];
  const disruptions: Disruption[] = [];
  let reportSeq = 0;
  let disSeq = 0;
  const report = (r: Omit<Report, "id" | "reference" | "submitted_at" | "sanitised_at">) => {
    const when = Date.parse(`${r.intelligence_date}T12:00:00Z`) + rng.int(1, 6) * DAY;
    reports.push({
      ...r,
      subjects: r.subjects.map((s) => ({ ...s, rowId: rng.uuid() })),
      id: rng.uuid(),
      reference: `INT-${year}-${String(++reportSeq).padStart(6, "0")}`,
      submitted_at: new Date(Math.min(now - DAY, when)).toISOString(),
      sanitised_at: r.sanitised_text ? new Date(Math.min(now - DAY, when + 2 * DAY)).toISOString() : null,
    });
  };
  const disrupt = (d: Omit<Disruption, "id" | "reference" | "created_at">) => {
    const created = Date.parse(`${d.applied_on ?? d.starts_on ?? iso(now - 30 * DAY)}T10:00:00Z`);
    disruptions.push({
      ...d,
      id: rng.uuid(),
      reference: `DIS-${year}-${String(++disSeq).padStart(6, "0")}`,
      created_at: new Date(Math.min(now - DAY, created)).toISOString(),
    });
  };
  const grading = (): [
    Report["source_evaluation"],
    Report["intelligence_assessment"],
    Report["handling_code"],
  ] => [
    rng.weighted([
      ["1", 15],
      ["2", 55],
      ["3", 30],
    ] as const),
    rng.weighted([
      ["A", 10],
      ["B", 45],
      ["C", 30],
      ["D", 10],
      ["E", 5],
    ] as const),
    rng.chance(0.85) ? "P" : "C",
  ];

  county.networks.forEach((n, index) => {
    const adults = n.person_ids;
    const places = n.entity_ids.map((id) => entity.get(id)!).filter(Boolean);
    const trap = places.find((e) => e.subtype === "residential");
    const hotel = places.find((e) => e.subtype === "hotel");
    const takeaway = places.find((e) => e.subtype === "takeaway");
    const car = places.find((e) => e.kind === "vehicle");
    const date = iso(now - rng.int(20, 200) * DAY);
    const [s, a, h] = grading();
    if (adults.length) {
      const lead = name(adults[0]);
      const text =
        n.kind === "county_lines"
          ? `${lead} is believed to control a deal line supplying ${n.towns.join(" and ")}. A source reports that younger boys are sent by train to ${trap ? trap.label : "an address"} and are kept there for days at a time${car ? `; ${car.label} is used to collect them from the station` : ""}.`
          : n.kind === "cse_group"
            ? `${lead} and associates are reported to give girls and boys free food, alcohol and lifts at ${takeaway?.label ?? "a takeaway"} and to take them to ${hotel?.label ?? "a hotel"} late at night. A source saw two children leave the hotel with adult men at about 2am.`
            : n.kind === "online"
              ? `${lead} is believed to use several online accounts to contact children aged 11 to 15, offering money for images.`
              : `${lead} is reported to supply cannabis to younger children at ${places[0]?.label ?? "a park"} and to ask them to hold and move drugs.`;
      const sanitised =
        h === "P" && rng.chance(0.7)
          ? n.kind === "county_lines"
            ? `Intelligence indicates that an adult linked to ${n.towns[0]} is involved in a county line exploiting children.`
            : n.kind === "cse_group"
              ? `Intelligence indicates that adults linked to ${takeaway?.label ?? "a takeaway"} may be sexually exploiting children.`
              : "Intelligence indicates that an adult may be exploiting children in this area."
          : null;
      report({
        originating_agency_id: agency("KCON"),
        submitted_by: analyst,
        intelligence_date: date,
        source_evaluation: s,
        intelligence_assessment: a,
        handling_code: h,
        handling_conditions:
          h === "C"
            ? "Covert source: not to be disseminated outside Kestershire Constabulary without the Force Intelligence Bureau's agreement."
            : null,
        sanitised_text: sanitised,
        original: text,
        subjects: [
          ...adults.slice(0, 3).map((id) => ({ kind: "person" as const, id })),
          ...places.slice(0, 2).map((e) => ({ kind: "entity" as const, id: e.id })),
        ],
      });
    }
    // A partner's report about the children (social care or a voluntary project), P-coded, sanitised at source.
    if (n.child_ids.length && rng.chance(0.6)) {
      const from = rng.pick(["KCC-CSC", "KESTREL", "WAYHOME"]);
      const text = `Workers have seen ${n.child_ids.length} children from the same group together late at night${places[0] ? ` near ${places[0].label}` : ""}; two said older people "look after them" and give them money. The children are scared of what will happen if they stop.`;
      report({
        originating_agency_id: agency(from),
        submitted_by: null,
        intelligence_date: iso(now - rng.int(10, 120) * DAY),
        source_evaluation: "2",
        intelligence_assessment: rng.pick(["B", "C"] as const),
        handling_code: "P",
        handling_conditions: null,
        sanitised_text: rng.chance(0.5)
          ? `Children known to services are being seen together late at night${places[0] ? ` near ${places[0].label}` : ""}.`
          : null,
        original: text,
        subjects: [
          ...n.child_ids.slice(0, 3).map((id) => ({ kind: "child" as const, id })),
          ...adults.slice(0, 1).map((id) => ({ kind: "person" as const, id })),
        ],
      });
    }
    // Disruption (the first county line is left undisrupted: the Playwright journey records a CAWN there).
    if (n.kind === "county_lines" && index > 0) {
      if (trap)
        disrupt({
          tactic: "closure_order",
          subject_kind: "entity",
          subject_id: trap.id,
          child_id: null,
          owning_agency_id: agency("KCON"),
          status: "in_force",
          applied_on: iso(now - 70 * DAY),
          starts_on: iso(now - 66 * DAY),
          expires_on: iso(now - 66 * DAY + 90 * DAY),
          ended_on: null,
          conditions: "No one but the tenant may enter the premises for three months.",
          outcome: null,
        });
      if (adults[0] && rng.chance(0.6))
        disrupt({
          tactic: "slavery_trafficking_risk_order",
          subject_kind: "person",
          subject_id: adults[0],
          child_id: null,
          owning_agency_id: agency("KCON"),
          status: rng.chance(0.7) ? "in_force" : "sought",
          applied_on: iso(now - 120 * DAY),
          starts_on: iso(now - 100 * DAY),
          expires_on: iso(now - 100 * DAY + 2 * 365 * DAY),
          ended_on: null,
          conditions:
            "Not to have more than one mobile phone; not to travel to the named towns; not to contact anyone under 18.",
          outcome: null,
        });
      for (const c of n.child_ids.slice(0, 1))
        disrupt({
          tactic: "nrm_referral",
          subject_kind: "child",
          subject_id: c,
          child_id: c,
          owning_agency_id: agency("KCC-CSC"),
          status: "sought",
          applied_on: iso(now - rng.int(10, 60) * DAY),
          starts_on: null,
          expires_on: null,
          ended_on: null,
          conditions: null,
          outcome: "Awaiting a reasonable grounds decision from the Single Competent Authority.",
        });
    }
    if (n.kind === "cse_group") {
      if (hotel)
        disrupt({
          tactic: "hotel_information_notice",
          subject_kind: "entity",
          subject_id: hotel.id,
          child_id: null,
          owning_agency_id: agency("KCON"),
          status: "in_force",
          applied_on: null,
          starts_on: iso(now - 340 * DAY),
          expires_on: iso(now - 340 * DAY + 365 * DAY),
          ended_on: null,
          conditions: "Provide guests' names and addresses on request for six months.",
          outcome: null,
        });
      if (takeaway)
        disrupt({
          tactic: "licensing_review",
          subject_kind: "entity",
          subject_id: takeaway.id,
          child_id: null,
          owning_agency_id: agency("KSCP"),
          status: "sought",
          applied_on: iso(now - 21 * DAY),
          starts_on: null,
          expires_on: null,
          ended_on: null,
          conditions: null,
          outcome: null,
        });
      const rso = adults.find((id) => person.get(id)?.registered_sex_offender);
      if (rso)
        disrupt({
          tactic: "shpo",
          subject_kind: "person",
          subject_id: rso,
          child_id: null,
          owning_agency_id: agency("KCON"),
          status: "in_force",
          applied_on: null,
          starts_on: iso(now - 900 * DAY),
          expires_on: iso(now - 900 * DAY + 5 * 365 * DAY),
          ended_on: null,
          conditions: "Not to be alone with any child under 16; devices to be made available for inspection.",
          outcome: null,
        });
      const other = adults.find((id) => id !== rso);
      if (other)
        disrupt({
          tactic: "cawn",
          subject_kind: "person",
          subject_id: other,
          child_id: null,
          owning_agency_id: agency("KCON"),
          status: "in_force",
          applied_on: null,
          starts_on: iso(now - 160 * DAY),
          expires_on: iso(now - 160 * DAY + 180 * DAY),
          ended_on: null,
          conditions: "Not to contact, meet or be with the children named in the notice.",
          outcome: null,
        });
    }
    if (n.kind === "online" && adults[0])
      disrupt({
        tactic: "sexual_risk_order",
        subject_kind: "person",
        subject_id: adults[0],
        child_id: null,
        owning_agency_id: agency("KCON"),
        status: rng.chance(0.5) ? "in_force" : "refused",
        applied_on: iso(now - 200 * DAY),
        starts_on: iso(now - 180 * DAY),
        expires_on: iso(now - 180 * DAY + 2 * 365 * DAY),
        ended_on: null,
        conditions: "Not to use any internet device that does not keep its history.",
        outcome: null,
      });
  });
  return { reports, disruptions, breaches: 0 };
}

/** Inserts the reports and disruption (inside seedDemo's transaction, system scope). */
export async function seedIntelligenceDemo(
  tx: Transaction<DB>,
  county: DemoCounty,
  progress: (phase: string, done: number, total: number) => void = () => {},
): Promise<{ reports: number; disruptions: number }> {
  const demo = generateIntelligence(county);
  const chunk = 500;
  progress("intelligence reports", 0, demo.reports.length);
  for (let i = 0; i < demo.reports.length; i += chunk) {
    const batch = demo.reports.slice(i, i + chunk);
    await tx
      .insertInto("intelligence_reports")
      .values(
        batch.map(({ original: _o, subjects: _s, ...r }) => ({
          ...r,
          sanitised_by: null,
          idempotency_key: null,
        })),
      )
      .execute();
    await tx
      .insertInto("intelligence_report_originals")
      .values(batch.map((r) => ({ report_id: r.id, original_text: r.original })))
      .execute();
    const subjects = batch.flatMap((r) =>
      r.subjects.map((s) => ({
        id: s.rowId!,
        report_id: r.id,
        node_kind: s.kind,
        node_id: s.id,
        created_at: r.submitted_at,
      })),
    );
    if (subjects.length) await tx.insertInto("intelligence_report_subjects").values(subjects).execute();
    progress("intelligence reports", Math.min(i + chunk, demo.reports.length), demo.reports.length);
  }
  progress("disruption", 0, demo.disruptions.length);
  for (let i = 0; i < demo.disruptions.length; i += chunk) {
    await tx
      .insertInto("disruptions")
      .values(
        demo.disruptions.slice(i, i + chunk).map((d) => ({
          ...d,
          tactic: d.tactic as never,
          recorded_by: null,
          notes: null,
          idempotency_key: null,
          updated_at: d.created_at,
        })),
      )
      .execute();
  }
  progress("disruption", demo.disruptions.length, demo.disruptions.length);
  // The next references continue after the demo's.
  await sql`select setval('intelligence_report_seq', ${Math.max(1, demo.reports.length)}, ${demo.reports.length > 0})`.execute(
    tx,
  );
  await sql`select setval('disruption_seq', ${Math.max(1, demo.disruptions.length)}, ${demo.disruptions.length > 0})`.execute(
    tx,
  );
  return { reports: demo.reports.length, disruptions: demo.disruptions.length };
}
