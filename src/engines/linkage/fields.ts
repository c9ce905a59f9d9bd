// The person fields the linkage engine understands, the column names it recognises for each,
// and the mapping of a file's header onto them.

export type FieldKind =
  | "given"
  | "surname"
  | "date"
  | "sex"
  | "postcode"
  | "nhs"
  | "id"
  | "phone"
  | "email"
  | "house"
  | "address"
  | "town"
  | "category";

export interface FieldSpec {
  /** Canonical field name, used in --map, blocking rules and reports. */
  name: string;
  kind: FieldKind;
  label: string;
  /** Normalised column names recognised for this field (see normaliseHeader). */
  synonyms: readonly string[];
  /** Apply a term-frequency adjustment to exact matches (common values count for less). */
  tf: boolean;
}

export const FIELD_SPECS: readonly FieldSpec[] = [
  {
    name: "given_name",
    kind: "given",
    label: "Given name",
    tf: true,
    synonyms: [
      "given_name",
      "given_names",
      "givenname",
      "first_name",
      "firstname",
      "first_names",
      "forename",
      "forenames",
      "fname",
      "christian_name",
      "name_first",
      "first",
      "given",
    ],
  },
  {
    name: "middle_name",
    kind: "given",
    label: "Middle name",
    tf: false,
    synonyms: ["middle_name", "middle_names", "middlename", "other_names", "second_name"],
  },
  {
    name: "surname",
    kind: "surname",
    label: "Surname",
    tf: true,
    synonyms: [
      "surname",
      "family_name",
      "familyname",
      "last_name",
      "lastname",
      "lname",
      "name_last",
      "sur_name",
      "last",
    ],
  },
  {
    name: "dob",
    kind: "date",
    label: "Date of birth",
    tf: true,
    synonyms: ["dob", "date_of_birth", "dateofbirth", "birth_date", "birthdate", "d_o_b", "birthday", "born"],
  },
  { name: "sex", kind: "sex", label: "Sex", tf: false, synonyms: ["sex", "gender", "sex_gender"] },
  {
    name: "postcode",
    kind: "postcode",
    label: "Postcode",
    tf: true,
    synonyms: ["postcode", "post_code", "postal_code", "postalcode", "zip", "zipcode", "zip_code", "pcode"],
  },
  {
    name: "street_number",
    kind: "house",
    label: "House number",
    tf: false,
    synonyms: [
      "street_number",
      "street_no",
      "house_number",
      "house_no",
      "housenumber",
      "building_number",
      "number",
    ],
  },
  {
    name: "address_1",
    kind: "address",
    label: "Address line 1",
    tf: false,
    synonyms: [
      "address_1",
      "address1",
      "address_line_1",
      "address_line1",
      "addressline1",
      "add1",
      "line_1",
      "address",
      "street",
      "street_address",
    ],
  },
  {
    name: "address_2",
    kind: "address",
    label: "Address line 2",
    tf: false,
    synonyms: ["address_2", "address2", "address_line_2", "address_line2", "addressline2", "add2", "line_2"],
  },
  {
    name: "suburb",
    kind: "town",
    label: "Town or suburb",
    tf: true,
    synonyms: ["suburb", "town", "city", "town_city", "post_town", "locality", "address_3", "address_line_3"],
  },
  {
    name: "state",
    kind: "category",
    label: "County or state",
    tf: false,
    synonyms: ["state", "county", "region", "province"],
  },
  {
    name: "nhs_number",
    kind: "nhs",
    label: "NHS number",
    tf: false,
    synonyms: ["nhs_number", "nhs_no", "nhsnumber", "nhs_num", "nhs"],
  },
  {
    name: "upn",
    kind: "id",
    label: "Unique pupil number",
    tf: false,
    synonyms: ["upn", "unique_pupil_number", "pupil_number"],
  },
  {
    name: "ni_number",
    kind: "id",
    label: "National Insurance number",
    tf: false,
    synonyms: ["ni_number", "nino", "ni_no", "national_insurance_number"],
  },
  {
    name: "soc_sec_id",
    kind: "id",
    label: "Social security id",
    tf: false,
    synonyms: ["soc_sec_id", "soc_sec_no", "ssn", "social_security_number"],
  },
  {
    name: "phone",
    kind: "phone",
    label: "Phone",
    tf: false,
    synonyms: [
      "phone",
      "phone_number",
      "telephone",
      "telephone_number",
      "tel",
      "mobile",
      "mobile_number",
      "phone_no",
    ],
  },
  {
    name: "email",
    kind: "email",
    label: "Email",
    tf: false,
    synonyms: ["email", "email_address", "e_mail"],
  },
];

const BY_NAME = new Map(FIELD_SPECS.map((f) => [f.name, f]));
const BY_SYNONYM = new Map<string, FieldSpec>();
for (const f of FIELD_SPECS) for (const s of f.synonyms) if (!BY_SYNONYM.has(s)) BY_SYNONYM.set(s, f);

export function fieldSpec(name: string): FieldSpec | undefined {
  return BY_NAME.get(name) ?? BY_SYNONYM.get(normaliseHeader(name));
}

/** "  Date of Birth " → "date_of_birth". */
export function normaliseHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** One field read from one column of the input. */
export interface ColumnMapping {
  field: FieldSpec;
  column: number;
  header: string;
}

export interface ResolvedColumns {
  idColumn: number;
  mappings: ColumnMapping[];
  /** Headers used for nothing (neither the id nor a field). */
  unknown: string[];
}

export class MappingError extends Error {
  override name = "MappingError";
}

/**
 * Parse a `--map` value "given_name=Forename,dob=Birth Date" into field → header pairs.
 * The field may be a canonical name or any recognised synonym.
 */
export function parseMapSpec(spec: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!spec) return out;
  for (const entry of spec.split(",")) {
    if (entry.trim() === "") continue;
    const eq = entry.indexOf("=");
    if (eq <= 0 || eq === entry.length - 1) {
      throw new MappingError(`bad --map entry "${entry.trim()}": expected field=column`);
    }
    const fieldName = entry.slice(0, eq).trim();
    const column = entry.slice(eq + 1).trim();
    const spec = fieldSpec(fieldName);
    if (!spec) {
      throw new MappingError(
        `bad --map entry "${entry.trim()}": unknown field "${fieldName}" (known: ${FIELD_SPECS.map((f) => f.name).join(", ")})`,
      );
    }
    if (column === "") throw new MappingError(`bad --map entry "${entry.trim()}": empty column name`);
    out.set(spec.name, column);
  }
  return out;
}

/**
 * Match a header row to fields: explicit `map` entries first, then recognised column names
 * (case-insensitive, surrounding spaces ignored). `idColumn` names the identifier column
 * (default: the first column), which is never used as a field.
 */
export function resolveColumns(
  header: readonly string[],
  options: { idColumn?: string; map?: Map<string, string> } = {},
): ResolvedColumns {
  const norm = header.map(normaliseHeader);
  const trimmed = header.map((h) => h.trim());
  const findColumn = (name: string): number => {
    const exact = trimmed.indexOf(name.trim());
    if (exact >= 0) return exact;
    const lower = trimmed.findIndex((h) => h.toLowerCase() === name.trim().toLowerCase());
    if (lower >= 0) return lower;
    return norm.indexOf(normaliseHeader(name));
  };
  let idColumn = 0;
  if (options.idColumn !== undefined) {
    idColumn = findColumn(options.idColumn);
    if (idColumn < 0) {
      throw new MappingError(`no id column "${options.idColumn}" (columns: ${trimmed.join(", ")})`);
    }
  }
  const used = new Set<number>([idColumn]);
  const mappings: ColumnMapping[] = [];
  const taken = new Set<string>();
  for (const [fieldName, column] of options.map ?? []) {
    const c = findColumn(column);
    if (c < 0) {
      throw new MappingError(
        `bad --map entry "${fieldName}=${column}": no column "${column}" (columns: ${trimmed.join(", ")})`,
      );
    }
    mappings.push({ field: BY_NAME.get(fieldName)!, column: c, header: trimmed[c]! });
    used.add(c);
    taken.add(fieldName);
  }
  for (let c = 0; c < header.length; c++) {
    if (used.has(c)) continue;
    const spec = BY_SYNONYM.get(norm[c]!);
    if (!spec || taken.has(spec.name)) continue;
    mappings.push({ field: spec, column: c, header: trimmed[c]! });
    used.add(c);
    taken.add(spec.name);
  }
  // Keep the catalogue's order, so reports and comparisons are stable whatever the file's order.
  const order = new Map(FIELD_SPECS.map((f, i) => [f.name, i]));
  mappings.sort((a, b) => order.get(a.field.name)! - order.get(b.field.name)!);
  const unknown = trimmed.filter((_, c) => !used.has(c));
  return { idColumn, mappings, unknown };
}
