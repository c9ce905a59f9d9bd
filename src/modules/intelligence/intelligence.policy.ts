// Who sees which intelligence. Pure functions over plain facts, so they can be listed, explained
// and tested; the same rules are enforced again by row-level security in migration 0007.
//
// Intelligence is graded 3x5x2: source evaluation (1 reliable, 2 untested, 3 not reliable),
// intelligence assessment (A known directly … E suspected false or malicious) and handling code
// (P lawful sharing permitted; C not to be disseminated outside the originating agency without its
// permission). The police intelligence field group (access.policy.ts GROUPS_BY_AGENCY) is what lets
// police agencies see original reports.
//
//   viewer                                    | P-coded report           | C-coded report
//   ------------------------------------------|--------------------------|-------------------------
//   the originating agency                    | original                 | original
//   a police agency (police_intelligence)     | original                 | nothing (unless permitted)
//   any other agency                          | sanitised text, if one   | nothing (unless permitted,
//                                             | exists and not graded E  |  then as for P)
//
// Links carry the same rules: a link made from a report is seen exactly by those who may see the
// report (including agencies given permission for a C-coded one); any other link graded …C only by
// the agency that recorded it, and one graded E (suspected false or malicious) only by police
// agencies and the recording agency.
//
// Children on the chart: a child node shows the child's name and age only to a viewer whose access
// decision (access.policy.ts decideChildAccess) allows reading the record (a legitimate
// relationship, break-glass or manager oversight). Everyone else sees a signpost-level label: the
// child's reference, with a link to the signpost page (which agencies are involved and whom to
// contact). A signpost-only child is a leaf on the chart: it cannot be expanded or walked through,
// because its other links are the child's information.
import type { AgencyKind } from "../../db/schema.ts";
import { type ChildDecision, GROUPS_BY_AGENCY } from "../access/access.policy.ts";
import { type Role, SAFEGUARDING_ROLES } from "../identity/roles.ts";
import type { HandlingCode, IntelligenceAssessment, SourceEvaluation } from "./intelligence.tables.ts";

/** Anyone doing safeguarding work may submit intelligence and read what is shared with their agency. */
export const INTEL_SUBMIT_ROLES: readonly Role[] = SAFEGUARDING_ROLES;
/** Persons of concern, entities, the link chart and networks. */
export const INTEL_VIEW_ROLES: readonly Role[] = ["analyst", "screener", "mace_coordinator", "manager"];
/** Record persons of concern, entities and links. */
export const INTEL_EDIT_ROLES: readonly Role[] = ["analyst", "screener", "manager"];
/** Sanitise a report and grant permission to disseminate it (in the originating agency). */
export const SANITISE_ROLES: readonly Role[] = ["analyst", "manager"];

export type Viewer = { agencyId: string; agencyKind: AgencyKind | string };

/** Does the viewer's agency hold the police intelligence field group? */
export const holdsPoliceIntelligence = (kind: AgencyKind | string): boolean =>
  (GROUPS_BY_AGENCY[kind as AgencyKind] ?? []).includes("police_intelligence");

export type ReportFacts = {
  originatingAgencyId: string;
  handlingCode: HandlingCode;
  assessment: IntelligenceAssessment;
  hasSanitised: boolean;
  /** Agencies the originating agency has permitted to receive a C-coded report. */
  permittedAgencyIds: readonly string[];
};
export type ReportView = "original" | "sanitised" | "none";

export function reportViewFor(v: Viewer, r: ReportFacts): { view: ReportView; why: string } {
  if (v.agencyId === r.originatingAgencyId)
    return { view: "original", why: "Your agency submitted this intelligence." };
  const permitted = r.handlingCode === "P" || r.permittedAgencyIds.includes(v.agencyId);
  if (!permitted)
    return {
      view: "none",
      why: "Handling code C: not disseminated outside the originating agency without its permission.",
    };
  if (holdsPoliceIntelligence(v.agencyKind))
    return { view: "original", why: "Police intelligence field group: police agencies see the original." };
  if (r.assessment === "E")
    return {
      view: "none",
      why: "Assessed E (suspected false or malicious): not disseminated to partner agencies.",
    };
  if (!r.hasSanitised) return { view: "none", why: "Not yet sanitised for sharing with partner agencies." };
  return { view: "sanitised", why: "Partner agencies see the sanitised version only." };
}

/** A grading string "2BP" → its parts, or null. */
export function parseGrading(
  g: string | null | undefined,
): { source: SourceEvaluation; assessment: IntelligenceAssessment; handling: HandlingCode } | null {
  const m = /^([1-3])([A-E])([PC])$/.exec(g ?? "");
  return m
    ? {
        source: m[1] as SourceEvaluation,
        assessment: m[2] as IntelligenceAssessment,
        handling: m[3] as HandlingCode,
      }
    : null;
}

export type LinkFacts = {
  sourceAgencyId: string;
  grading: string | null;
  /** When the link was made from an intelligence report: what the viewer may see of that report. */
  reportView: ReportView | null;
};

export function linkVisibleTo(v: Viewer, l: LinkFacts): boolean {
  // A link made from a report follows the report (its handling code, grading and permissions).
  if (l.reportView !== null) return l.reportView !== "none";
  if (v.agencyId === l.sourceAgencyId) return true;
  const g = parseGrading(l.grading);
  if (!g) return true;
  if (g.handling === "C") return false;
  if (g.assessment === "E" && !holdsPoliceIntelligence(v.agencyKind)) return false;
  return true;
}

/** The registered sex offender flag is police intelligence: police agencies and the record's owner. */
export const maySeeRsoFlag = (v: Viewer, owningAgencyId: string): boolean =>
  v.agencyId === owningAgencyId || holdsPoliceIntelligence(v.agencyKind);

/** May the viewer walk through (expand) this child on the chart? Only with read access to the record. */
export const mayExpandChild = (d: Pick<ChildDecision, "read">): boolean => d.read;

export const SOURCE_EVALUATION_LABELS: Record<SourceEvaluation, string> = {
  "1": "1 – Reliable",
  "2": "2 – Untested",
  "3": "3 – Not reliable",
};
export const ASSESSMENT_LABELS: Record<IntelligenceAssessment, string> = {
  A: "A – Known directly to the source",
  B: "B – Known indirectly to the source but corroborated",
  C: "C – Known indirectly to the source",
  D: "D – Not known",
  E: "E – Suspected to be false or malicious",
};
export const HANDLING_LABELS: Record<HandlingCode, string> = {
  P: "P – Lawful sharing permitted",
  C: "C – Not to be disseminated outside the originating agency without its permission",
};
