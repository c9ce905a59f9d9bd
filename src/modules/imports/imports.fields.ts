// What an import can bring into Lantern: the fields of each kind of file (an agency's extract, a
// partnership's Excel tracker, the three SSDA903 tables), the column names each is recognised by,
// which are required, and how each row's key is made. Pure data; validation is in imports.validate.ts.
import type { ImportKind, RecordType, Subject } from "./imports.tables.ts";

export type FieldType =
  | "id"
  | "text"
  | "name"
  | "full_name"
  | "date"
  | "sex"
  | "ssda_sex"
  | "ethnicity"
  | "nhs"
  | "upn"
  | "postcode"
  | "yesno"
  | "send"
  | "integer"
  | "code";

export interface TargetField {
  name: string;
  label: string;
  type: FieldType;
  /** Normalised column names (see normaliseHeader) suggested for this field. */
  synonyms: readonly string[];
  /** Allowed values for "code" fields (upper case). */
  codes?: readonly string[];
  hint?: string;
}

/** "  Date of Birth " → "date_of_birth". */
export function normaliseHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

// ---- person fields (extracts and trackers) ----------------------------------------------------

const RECORD_ID: TargetField = {
  name: "record_id",
  label: "The agency's own ID for the person",
  type: "id",
  hint: "Used to recognise the same row when the next extract arrives",
  synonyms: [
    "record_id",
    "id",
    "person_id",
    "child_id",
    "client_id",
    "case_id",
    "case_number",
    "ref",
    "reference",
    "ref_no",
    "reference_number",
    "nominal_id",
    "nominal_ref",
    "mosaic_id",
    "lcs_id",
    "pupil_id",
    "patient_id",
    "local_id",
    "system_id",
    "person_ref",
    "cr_number",
    "young_person_id",
  ],
};

const PERSON_FIELDS: readonly TargetField[] = [
  RECORD_ID,
  {
    name: "given_name",
    label: "Given name",
    type: "name",
    synonyms: [
      "given_name",
      "given_names",
      "first_name",
      "firstname",
      "forename",
      "forenames",
      "first_names",
      "fname",
    ],
  },
  {
    name: "family_name",
    label: "Family name",
    type: "name",
    synonyms: ["family_name", "surname", "last_name", "lastname", "lname", "sur_name"],
  },
  {
    name: "full_name",
    label: "Full name (split into given and family name)",
    type: "full_name",
    hint: "“Given Family” or “FAMILY, Given”",
    synonyms: [
      "full_name",
      "name",
      "young_person",
      "child_name",
      "name_of_child",
      "child",
      "person_name",
      "nominal",
      "client_name",
      "patient_name",
      "pupil_name",
    ],
  },
  {
    name: "other_names",
    label: "Other names or aliases",
    type: "text",
    synonyms: [
      "other_names",
      "aliases",
      "alias",
      "known_as",
      "aka",
      "middle_name",
      "middle_names",
      "nickname",
    ],
  },
  {
    name: "date_of_birth",
    label: "Date of birth",
    type: "date",
    synonyms: ["date_of_birth", "dob", "d_o_b", "birth_date", "birthdate", "dateofbirth", "born"],
  },
  { name: "sex", label: "Sex", type: "sex", synonyms: ["sex", "gender", "sex_gender", "legal_sex"] },
  {
    name: "ethnicity",
    label: "Ethnicity",
    type: "ethnicity",
    synonyms: [
      "ethnicity",
      "ethnic",
      "ethnic_origin",
      "ethnic_group",
      "ethnicity_code",
      "ethnic_code",
      "self_defined_ethnicity",
    ],
  },
  {
    name: "nhs_number",
    label: "NHS number",
    type: "nhs",
    synonyms: ["nhs_number", "nhs_no", "nhs", "nhsnumber", "nhs_num"],
  },
  {
    name: "upn",
    label: "Unique pupil number (UPN)",
    type: "upn",
    synonyms: ["upn", "unique_pupil_number", "pupil_number"],
  },
  {
    name: "postcode",
    label: "Home postcode",
    type: "postcode",
    synonyms: [
      "postcode",
      "post_code",
      "home_postcode",
      "home_post",
      "postal_code",
      "address_postcode",
      "pcode",
    ],
  },
  {
    name: "address",
    label: "Home address",
    type: "text",
    synonyms: [
      "address",
      "home_address",
      "address_1",
      "address_line_1",
      "address1",
      "street",
      "street_address",
    ],
  },
  {
    name: "phone",
    label: "Phone",
    type: "text",
    synonyms: ["phone", "telephone", "mobile", "phone_number", "mobile_number", "tel"],
  },
  {
    name: "school",
    label: "School or education setting",
    type: "text",
    synonyms: [
      "school",
      "school_name",
      "education_setting",
      "establishment",
      "setting",
      "education_provider",
    ],
  },
  {
    name: "disability",
    label: "Disability (yes or no)",
    type: "yesno",
    synonyms: ["disability", "disabled", "has_disability", "disability_flag", "any_disability"],
  },
  {
    name: "send_status",
    label: "Special educational needs (none, SEN support, EHCP)",
    type: "send",
    synonyms: [
      "send",
      "sen",
      "send_status",
      "sen_status",
      "sen_provision",
      "send_provision",
      "ehcp",
      "sen_support",
    ],
  },
  {
    name: "looked_after",
    label: "Looked after (yes or no)",
    type: "yesno",
    synonyms: ["looked_after", "lac", "cla", "cla_status", "looked_after_child", "lac_status", "in_care"],
  },
];

const TRACKER_FIELDS: readonly TargetField[] = [
  ...PERSON_FIELDS,
  {
    name: "risk_level",
    label: "Risk level",
    type: "text",
    synonyms: ["risk", "risk_level", "rag", "rag_rating", "risk_rating", "current_risk", "level_of_risk"],
  },
  {
    name: "concern",
    label: "Type of exploitation or concern",
    type: "text",
    synonyms: [
      "concern",
      "exploitation_type",
      "type_of_exploitation",
      "category",
      "concern_type",
      "exploitation",
    ],
  },
  {
    name: "lead_agency",
    label: "Lead agency",
    type: "text",
    synonyms: ["lead_agency", "lead", "lead_professional_agency"],
  },
  {
    name: "missing_count",
    label: "Number of missing episodes",
    type: "integer",
    synonyms: [
      "missing_count",
      "missing_episodes",
      "no_of_missing_episodes",
      "number_of_missing_episodes",
      "times_missing",
    ],
  },
  { name: "notes", label: "Notes", type: "text", synonyms: ["notes", "comments", "summary", "update"] },
];

// ---- SSDA903 (children looked after return): the published field names ------------------------

export const SSDA903_ETHNIC = [
  "WBRI",
  "WIRI",
  "WOTH",
  "WIRT",
  "WROM",
  "MWBC",
  "MWBA",
  "MWAS",
  "MOTH",
  "AIND",
  "APKN",
  "ABAN",
  "AOTH",
  "BCRB",
  "BAFR",
  "BOTH",
  "CHNE",
  "OOTH",
  "REFU",
  "NOBT",
] as const;
const RNE = ["S", "P", "L", "T", "U", "B"];
const LS = ["C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"];
const CIN = ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"];
const PLACE = [
  "A3",
  "A4",
  "A5",
  "A6",
  "H5",
  "K1",
  "K2",
  "P1",
  "P2",
  "P3",
  "R1",
  "R2",
  "R3",
  "R5",
  "S1",
  "T0",
  "T1",
  "T2",
  "T3",
  "T4",
  "U1",
  "U2",
  "U3",
  "U4",
  "U5",
  "U6",
  "Z1",
];
const PLACE_PROVIDER = ["PR0", "PR1", "PR2", "PR3", "PR4", "PR5"];
const REC = [
  "E11",
  "E12",
  "E13",
  "E14",
  "E15",
  "E16",
  "E17",
  "E2",
  "E3",
  "E4A",
  "E4B",
  "E41",
  "E45",
  "E46",
  "E47",
  "E48",
  "E5",
  "E6",
  "E7",
  "E8",
  "E9",
  "X1",
];
const REASON_PLACE_CHANGE = [
  "CARPL",
  "CLOSE",
  "ALLEG",
  "STAND",
  "APPRR",
  "CREQB",
  "CREQO",
  "CHILD",
  "LAREQ",
  "PLACE",
  "PROVR",
  "OTHER",
];

const ssda = (name: string, label: string, type: FieldType, codes?: readonly string[]): TargetField => ({
  name,
  label: `${name}: ${label}`,
  type,
  synonyms: [name.toLowerCase()],
  ...(codes ? { codes } : {}),
});

const SSDA903_HEADER: readonly TargetField[] = [
  ssda("CHILD", "child identifier", "id"),
  ssda("SEX", "sex (1 male, 2 female)", "ssda_sex"),
  ssda("DOB", "date of birth", "date"),
  ssda("ETHNIC", "ethnic origin code", "code", SSDA903_ETHNIC),
  ssda("UPN", "unique pupil number", "upn"),
  ssda("MOTHER", "the child is a mother (1 yes, 0 no)", "code", ["0", "1"]),
  ssda("MC_DOB", "date of birth of the mother's child", "date"),
];
const SSDA903_EPISODES: readonly TargetField[] = [
  ssda("CHILD", "child identifier", "id"),
  ssda("DECOM", "date episode commenced", "date"),
  ssda("RNE", "reason for new episode", "code", RNE),
  ssda("LS", "legal status", "code", LS),
  ssda("CIN", "category of need", "code", CIN),
  ssda("PLACE", "placement type", "code", PLACE),
  ssda("PLACE_PROVIDER", "placement provider", "code", PLACE_PROVIDER),
  ssda("DEC", "date episode ceased", "date"),
  ssda("REC", "reason episode ceased", "code", REC),
  ssda("REASON_PLACE_CHANGE", "reason for placement change", "code", REASON_PLACE_CHANGE),
  ssda("HOME_POST", "postcode of the child's home", "postcode"),
  ssda("PL_POST", "postcode of the placement", "postcode"),
  ssda("URN", "Ofsted URN of the placement", "text"),
];
const SSDA903_MISSING: readonly TargetField[] = [
  ssda("CHILD", "child identifier", "id"),
  ssda("MISSING", "missing (M) or away from placement without authorisation (A)", "code", ["M", "A"]),
  ssda("MIS_START", "date the episode started", "date"),
  ssda("MIS_END", "date the episode ended", "date"),
];

export interface KindSpec {
  kind: ImportKind;
  label: string;
  hint: string;
  fields: readonly TargetField[];
  /** Every group must be met by the mapping: one of its fields mapped. */
  requiredColumns: (subject: Subject) => readonly (readonly string[])[];
  /** Fields that must have a value in every row (one of each group). */
  requiredValues: (subject: Subject) => readonly (readonly string[])[];
  /** The fields that make a row's key (joined by "|"). */
  keyFields: readonly string[];
  recordType: (subject: Subject) => RecordType;
  /** Fields that must not be later than another (date order). */
  dateOrder?: readonly [string, string][];
}

const personRequired = (subject: Subject) =>
  subject === "child"
    ? [["record_id"], ["family_name", "full_name"], ["date_of_birth"]]
    : [["record_id"], ["family_name", "full_name"]];

export const KINDS: Record<ImportKind, KindSpec> = {
  extract: {
    kind: "extract",
    label: "An agency's extract (CSV or Excel)",
    hint: "Any list of children or persons of concern from a case system, with a header row.",
    fields: PERSON_FIELDS,
    requiredColumns: personRequired,
    requiredValues: personRequired,
    keyFields: ["record_id"],
    recordType: (s) => s,
  },
  tracker: {
    kind: "tracker",
    label: "The partnership's Excel vulnerability tracker",
    hint: "The spreadsheet the partnership kept before Lantern: one row per child.",
    fields: TRACKER_FIELDS,
    requiredColumns: personRequired,
    requiredValues: personRequired,
    keyFields: ["record_id"],
    recordType: (s) => s,
  },
  ssda903_header: {
    kind: "ssda903_header",
    label: "SSDA903 header table (children looked after)",
    hint: "One row per child: CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB.",
    fields: SSDA903_HEADER,
    requiredColumns: () => [["CHILD"], ["SEX"], ["DOB"], ["ETHNIC"]],
    requiredValues: () => [["CHILD"], ["SEX"], ["DOB"], ["ETHNIC"]],
    keyFields: ["CHILD"],
    recordType: () => "child",
  },
  ssda903_episodes: {
    kind: "ssda903_episodes",
    label: "SSDA903 episodes table (placements)",
    hint: "One row per episode: CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE, HOME_POST, PL_POST, URN.",
    fields: SSDA903_EPISODES,
    requiredColumns: () => [["CHILD"], ["DECOM"], ["RNE"], ["LS"], ["CIN"], ["PLACE"]],
    requiredValues: () => [["CHILD"], ["DECOM"], ["RNE"], ["LS"], ["CIN"], ["PLACE"]],
    keyFields: ["CHILD", "DECOM"],
    recordType: () => "episode",
    dateOrder: [["DECOM", "DEC"]],
  },
  ssda903_missing: {
    kind: "ssda903_missing",
    label: "SSDA903 missing table (missing or away from placement)",
    hint: "One row per episode: CHILD, MISSING, MIS_START, MIS_END.",
    fields: SSDA903_MISSING,
    requiredColumns: () => [["CHILD"], ["MISSING"], ["MIS_START"]],
    requiredValues: () => [["CHILD"], ["MISSING"], ["MIS_START"]],
    keyFields: ["CHILD", "MIS_START"],
    recordType: () => "missing",
    dateOrder: [["MIS_START", "MIS_END"]],
  },
};

export const isSsda903 = (kind: ImportKind) => kind.startsWith("ssda903_");

/** header → field name. */
export type Mapping = Record<string, string>;

/**
 * Suggests a mapping for a header: the source's saved mapping first (for headers it names), then
 * recognised column names. Each field is used once.
 */
export function suggestMapping(kind: ImportKind, header: readonly string[], saved: Mapping = {}): Mapping {
  const fields = KINDS[kind].fields;
  const known = new Set(fields.map((f) => f.name));
  const out: Mapping = {};
  const taken = new Set<string>();
  for (const h of header) {
    const f = saved[h];
    if (f && known.has(f) && !taken.has(f)) {
      out[h] = f;
      taken.add(f);
    }
  }
  const bySynonym = new Map<string, string>();
  for (const f of fields) for (const s of f.synonyms) if (!bySynonym.has(s)) bySynonym.set(s, f.name);
  for (const h of header) {
    if (out[h] !== undefined || h.trim() === "") continue;
    const f = bySynonym.get(normaliseHeader(h));
    if (f && !taken.has(f)) {
      out[h] = f;
      taken.add(f);
    }
  }
  // A separate given and family name beat a full name.
  if (taken.has("given_name") && taken.has("family_name") && taken.has("full_name")) {
    for (const h of Object.keys(out)) if (out[h] === "full_name") delete out[h];
  }
  return out;
}

/** Problems with a mapping itself: required columns not mapped, a field mapped twice, unknown fields. */
export function mappingProblems(
  kind: ImportKind,
  subject: Subject,
  header: readonly string[],
  mapping: Mapping,
) {
  const spec = KINDS[kind];
  const known = new Map(spec.fields.map((f) => [f.name, f]));
  const problems: { field: string; message: string }[] = [];
  const used = new Map<string, string>();
  for (const [h, f] of Object.entries(mapping)) {
    if (!f) continue;
    if (!header.includes(h)) problems.push({ field: h, message: `There is no column “${h}” in the file` });
    else if (!known.has(f)) problems.push({ field: h, message: `“${f}” is not a field Lantern imports` });
    else if (used.has(f))
      problems.push({
        field: h,
        message: `${known.get(f)!.label} is already taken by the column “${used.get(f)}”`,
      });
    else used.set(f, h);
  }
  for (const group of spec.requiredColumns(subject)) {
    if (!group.some((f) => used.has(f))) {
      problems.push({
        field: group[0]!,
        message: `Missing required column: ${group.map((f) => known.get(f)?.label ?? f).join(" or ")}`,
      });
    }
  }
  return problems;
}
