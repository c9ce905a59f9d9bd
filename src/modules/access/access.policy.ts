// The access policy: one pure function answers "may this user do this to this child's record, and
// which field groups may they see?" from their roles, agency, relationship to the child, the
// record's owning agency and each field group's sensitivity. Deny by default.
// Everything here is data + pure functions, so it can be listed, explained and property-tested.
import type { AgencyKind, RelationshipKind } from "../../db/schema.ts";
import { type Role, SAFEGUARDING_ROLES } from "../identity/roles.ts";

export const FIELD_GROUPS = [
  "identity",
  "contact",
  "placement",
  "education",
  "health",
  "police_intelligence",
  "narrative",
] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

export const FIELD_GROUP_LABELS: Record<FieldGroup, string> = {
  identity: "Identity",
  contact: "Contact and address",
  placement: "Placement address (looked-after children)",
  education: "Education",
  health: "Health, including sexual health",
  police_intelligence: "Police intelligence",
  narrative: "Narrative and the child's voice",
};

/** Which field groups a worker with a legitimate relationship sees, by the kind of agency they work for. */
export const GROUPS_BY_AGENCY: Record<AgencyKind, readonly FieldGroup[]> = {
  police: ["identity", "contact", "placement", "education", "police_intelligence", "narrative"],
  social_care: ["identity", "contact", "placement", "education", "narrative"],
  council: ["identity", "contact", "placement", "education", "narrative"],
  partnership: ["identity", "contact", "education", "narrative"],
  health: ["identity", "contact", "education", "health", "narrative"],
  school: ["identity", "contact", "education", "narrative"],
  youth_justice: ["identity", "contact", "education", "narrative"],
  voluntary: ["identity", "contact", "narrative"],
};

/** Roles that may hold a legitimate relationship and read a child's record through it. */
export const RECORD_ROLES: readonly Role[] = SAFEGUARDING_ROLES;

export type Subject = { userId: string; agencyId: string; agencyKind: AgencyKind; roles: readonly Role[] };
export type ChildAccessContext = {
  owningAgencyId: string;
  /** The subject's active relationships to this child (ended ones excluded by the caller). */
  relationships: readonly RelationshipKind[];
  /** An unexpired break-glass grant. */
  breakGlass: boolean;
};

export type Basis = "relationship" | "break_glass" | "agency_oversight" | "signpost" | "none";
export type ChildDecision = {
  /** May see the record's content (field groups below). */
  read: boolean;
  /** May change the core record (only the owning agency's allocated worker). */
  write: boolean;
  /** May add entries (notes, episodes, contributions) owned by their own agency. */
  addEntries: boolean;
  /** May learn the child is known and whom to contact (search and signpost). */
  signpost: boolean;
  /** May use break-glass to get time-limited access. */
  breakGlass: boolean;
  fieldGroups: FieldGroup[];
  basis: Basis;
  why: string;
  /** The subject's active relationships to the child. */
  relationships: readonly RelationshipKind[];
  /** May see who has looked at this record (the allocated worker; auditors are allowed by role). */
  accessLog: boolean;
  /** Works for the agency that owns the record (or asked for the export, for approvals). */
  sameAgency: boolean;
};

const has = (s: Subject, roles: readonly Role[]) => s.roles.some((r) => roles.includes(r));

export function decideChildAccess(s: Subject, c: ChildAccessContext): ChildDecision {
  const safeguarding = has(s, SAFEGUARDING_ROLES);
  const base: ChildDecision = {
    read: false,
    write: false,
    addEntries: false,
    signpost: safeguarding,
    breakGlass: safeguarding,
    fieldGroups: [],
    basis: safeguarding ? "signpost" : "none",
    relationships: c.relationships,
    accessLog: s.roles.includes("auditor"),
    sameAgency: s.agencyId === c.owningAgencyId,
    why: safeguarding
      ? "No legitimate relationship: you can see that the child is known and whom to contact."
      : "Your role does not give access to children's records.",
  };
  if (!has(s, RECORD_ROLES)) return base;
  const groups = [...GROUPS_BY_AGENCY[s.agencyKind]];
  const ownAgency = s.agencyId === c.owningAgencyId;
  // A referrer follows their own referral's status; being the referrer gives no access to the record.
  const granting = c.relationships.filter((k) => k !== "referrer");
  if (granting.length > 0) {
    return {
      ...base,
      read: true,
      write: ownAgency && c.relationships.includes("allocated_worker"),
      addEntries: true,
      fieldGroups: groups,
      basis: "relationship",
      accessLog: base.accessLog || c.relationships.includes("allocated_worker"),
      why: `Legitimate relationship: ${c.relationships.join(", ").replaceAll("_", " ")}.`,
    };
  }
  if (c.breakGlass) {
    return {
      ...base,
      read: true,
      addEntries: true,
      fieldGroups: groups,
      basis: "break_glass",
      why: "Break-glass access: time-limited, and reviewed by an auditor.",
    };
  }
  if (ownAgency && s.roles.includes("manager")) {
    return {
      ...base,
      read: true,
      fieldGroups: groups,
      basis: "agency_oversight",
      why: "Manager oversight of your own agency's records.",
    };
  }
  return base;
}

/** Which columns of the children table belong to which field group. Unlisted columns are never shown. */
export const CHILD_COLUMNS: Record<FieldGroup, readonly string[]> = {
  identity: [
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "gender_identity",
    "ethnicity",
    "nhs_number",
    "upn",
    "first_language",
    "send_status",
    "disability",
    "looked_after",
    "out_of_area",
  ],
  contact: ["home_address", "home_postcode"],
  placement: ["placement_address", "placement_postcode", "placing_authority", "placement_type"],
  education: ["school_agency_id"],
  health: [],
  police_intelligence: [],
  narrative: [],
};

/** Keeps only the fields the decision allows (plus the record's id, reference, owner and version). */
export function redactChild<T extends Record<string, unknown>>(
  row: T,
  groups: readonly FieldGroup[],
): Partial<T> {
  const keep = new Set(["id", "reference", "owning_agency_id", "version", "created_at", "updated_at"]);
  for (const g of groups) for (const col of CHILD_COLUMNS[g]) keep.add(col);
  return Object.fromEntries(Object.entries(row).filter(([k]) => keep.has(k))) as Partial<T>;
}

export const BREAK_GLASS_HOURS = 4;

/** What a request subject to a record policy should come to, for a given decision. */
export type Outcome = "ok" | "denied" | "refused";
export type RecordPolicyDef = {
  describe: string;
  expect: (d: ChildDecision, method: string) => Outcome;
  /** Field groups a successful response must report (x-lantern-field-groups), if the route shows child data. */
  fieldGroups?: (d: ChildDecision) => readonly FieldGroup[];
};

/**
 * The record-level policies routes declare (RouteDef.recordPolicy). The generated authorization
 * test evaluates these against decideChildAccess for every subject and checks the server agrees.
 * A module adding child-data routes adds its policies here.
 */
export const RECORD_POLICIES = {
  "child.read": {
    describe: "Read a child's record: content by field group with a relationship, otherwise the signpost",
    expect: (d) => (d.read || d.signpost ? "ok" : "denied"),
    fieldGroups: (d) => (d.read ? d.fieldGroups : []),
  },
  "child.readContent": {
    describe: "Read entries on a child's record (notes, contributions): only with access, by field group",
    expect: (d) => (d.read ? "ok" : "denied"),
    fieldGroups: (d) => (d.read ? d.fieldGroups : []),
  },
  "child.addEntry": {
    describe: "Add an entry to a child's record as your own agency (relationship or break-glass)",
    expect: (d) => (d.addEntries ? "ok" : "denied"),
  },
  "child.write": {
    describe: "Change the child's core record: the owning agency's allocated worker only",
    expect: (d) => (d.write ? "ok" : "denied"),
  },
  "child.accessLog": {
    describe: "See who has looked at the record: allocated worker and auditors",
    expect: (d) => (d.accessLog ? "ok" : "denied"),
  },
  "child.breakGlass": {
    describe: "Break-glass: safeguarding roles without access; refused when access already exists",
    expect: (d, method) => (!d.breakGlass ? "denied" : d.read ? (method === "GET" ? "ok" : "refused") : "ok"),
  },
  "referral.read": {
    describe:
      "Read a referral: in full with access to its child (by field group); its referrer sees the status only (the test's referral is someone else's); screeners use referral.screen",
    expect: (d) => (d.read ? "ok" : "denied"),
    fieldGroups: (d) => (d.read ? d.fieldGroups : []),
  },
  "referral.own": {
    describe: "Act on a referral you made yourself (withdraw it, with a reason)",
    expect: () => "ok",
  },
  "referral.screen": {
    describe:
      "Joint screening (role-gated to screeners): any referral in the queue; contributions by the screener's own agency field groups",
    expect: () => "ok",
  },
  "child.network": {
    describe:
      "The link chart centred on a child walks the child's own links: only with access to the record (identity shown)",
    expect: (d) => (d.read ? "ok" : "denied"),
    fieldGroups: (d) => (d.read ? ["identity"] : []),
  },
  "entry.ownAgency": {
    describe:
      "Change an existing entry (a plan action, a missing episode, a placement's notifications): only users of the agency that made or owns it, with access to add entries for the child. The test's entries belong to the child's owning agency, so there the subject must be in that agency with a relationship (d.write)",
    expect: (d) => (d.addEntries && d.write ? "ok" : "denied"),
  },
  "cohort.add": {
    describe:
      "Add a child to the MACE cohort (role-gated to MACE coordinators): any child known to the partnership (signpost); the panel then gets a relationship",
    expect: (d) => (d.signpost ? "ok" : "denied"),
  },
  "cohort.agenda": {
    describe:
      "Put a cohort child on a meeting's agenda (MACE coordinators): only children whose record you can see; others are refused as not in your cohort",
    expect: (d) => (d.read ? "ok" : "refused"),
  },
  "cohort.manage": {
    describe:
      "Review a cohort entry, record panel minutes, or end the entry (role-gated to MACE coordinators): with access to the child's record",
    expect: (d) => (d.read ? "ok" : "denied"),
  },
  "export.approve": {
    describe:
      "See or decide a bulk-export request (role-gated to managers): only a manager of the agency that asked for it, and never the person who asked (the test's requests are made by another user of the record's owning agency)",
    expect: (d) => (d.sameAgency ? "ok" : "denied"),
  },
  "child.masterIndex": {
    describe:
      "A child's master index entry (role-gated to analysts, whose work is record linkage across all agencies): which agencies' records are linked to the child, identity fields only, audited",
    expect: () => "ok",
    fieldGroups: () => ["identity"],
  },
  "child.masterIndexChange": {
    describe:
      "Change a child's master index entry, e.g. split a wrongly linked record off (role-gated to analysts); audited and reversible",
    expect: () => "ok",
  },
} satisfies Record<string, RecordPolicyDef>;
export type RecordPolicy = keyof typeof RECORD_POLICIES;
