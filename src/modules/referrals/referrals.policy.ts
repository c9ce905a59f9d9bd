// Who sees what of a referral, as pure functions over the access module's decision.
// - The referrer sees their own referral's status (and what they wrote), never the child's record
//   or any agency's screening contribution.
// - Anyone with a legitimate relationship to the child (or break-glass, or manager oversight) sees
//   the referral in full, and each contribution by field group.
// - The joint screening team works every referral from the queue; each screener sees contributions
//   by their own agency's field groups (police intelligence stays with police, health with health),
//   and every agency's summary for partners.
import type { AgencyKind } from "../../db/schema.ts";
import { type ChildDecision, type FieldGroup, GROUPS_BY_AGENCY } from "../access/access.policy.ts";
import type { ContributionFieldGroup, Discipline } from "./referrals.tables.ts";

export type ReferralView = "full" | "status" | "none";

export function referralViewFor(
  viewer: { userId: string },
  referral: { referrer_user_id: string | null; child_id: string | null },
  decision: Pick<ChildDecision, "read"> | null,
): ReferralView {
  if (referral.child_id && decision?.read) return "full";
  if (referral.referrer_user_id === viewer.userId) return "status";
  return "none";
}

export const DISCIPLINE_BY_AGENCY: Record<AgencyKind, Discipline> = {
  police: "police",
  health: "health",
  school: "education",
  council: "education",
  social_care: "social_care",
  youth_justice: "youth_justice",
  voluntary: "voluntary",
  partnership: "other",
};

export const FIELD_GROUP_BY_DISCIPLINE: Record<Discipline, ContributionFieldGroup> = {
  police: "police_intelligence",
  health: "health",
  education: "education",
  social_care: "narrative",
  youth_justice: "narrative",
  voluntary: "narrative",
  other: "narrative",
};

/** The field groups a screener sees while screening: their agency's, relationship or not. */
export const screeningGroups = (agencyKind: AgencyKind): readonly FieldGroup[] =>
  GROUPS_BY_AGENCY[agencyKind];

export type ContributionLike = {
  field_group: string;
  findings: string;
  checks_made: string[];
  shared_summary: string;
};

/** A contribution as a viewer with these field groups may see it. */
export function redactContribution<T extends ContributionLike>(c: T, groups: readonly string[]) {
  const detail = groups.includes(c.field_group);
  return {
    ...c,
    restricted: !detail,
    findings: detail ? c.findings : null,
    checks_made: detail ? c.checks_made : null,
    shared_summary: groups.includes("narrative") ? c.shared_summary : null,
  };
}
