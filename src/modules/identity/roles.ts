// The roles a user can hold (DESIGN.md "Users"). A user belongs to one agency and has one or more roles.
export const ROLES = [
  "practitioner",
  "screener",
  "mace_coordinator",
  "analyst",
  "manager",
  "committee",
  "admin",
  "auditor",
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  practitioner: "Practitioner",
  screener: "Joint screening team",
  mace_coordinator: "MACE coordinator",
  analyst: "Analyst",
  manager: "Manager",
  committee: "Committee or scrutiny member",
  admin: "Administrator",
  auditor: "Auditor (information governance)",
};

/** Roles that do safeguarding work with children's records (committee members see aggregates only). */
export const SAFEGUARDING_ROLES: readonly Role[] = [
  "practitioner",
  "screener",
  "mace_coordinator",
  "analyst",
  "manager",
];

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);
