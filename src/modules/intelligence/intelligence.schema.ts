// Intelligence contracts: persons of concern, entities, links, intelligence reports, the link chart.
import { z } from "zod";

export const NODE_KINDS = ["child", "person", "entity"] as const;
export type NodeKind = (typeof NODE_KINDS)[number];
export const ENTITY_KINDS = ["location", "vehicle", "phone", "online_account", "organisation"] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];
/** Node types on the chart: children, persons of concern and the five entity kinds. */
export const CHART_TYPES = ["child", "person", ...ENTITY_KINDS] as const;
export type ChartType = (typeof CHART_TYPES)[number];

export const CHART_TYPE_LABELS: Record<ChartType, string> = {
  child: "Children",
  person: "Persons of concern",
  location: "Places",
  vehicle: "Vehicles",
  phone: "Phones",
  online_account: "Online accounts",
  organisation: "Organisations and businesses",
};
export const ENTITY_KIND_LABELS: Record<EntityKind, string> = {
  location: "Place",
  vehicle: "Vehicle",
  phone: "Phone number",
  online_account: "Online account",
  organisation: "Organisation or business",
};
export const LOCATION_SUBTYPES = [
  "residential",
  "hotspot",
  "hotel",
  "takeaway",
  "park",
  "railway_station",
  "shop",
  "other",
] as const;

export const LINK_TYPES: Record<string, string> = {
  associate: "Associate of",
  seen_with: "Seen with",
  frequents: "Frequents",
  found_at: "Found at",
  lives_at: "Lives at",
  works_at: "Works at",
  owns: "Owns or runs",
  drives: "Drives",
  seen_in: "Seen in (vehicle)",
  uses_phone: "Uses phone",
  uses_account: "Uses account",
  in_contact_with: "In contact with",
  family: "Family member of",
  missing_with: "Missing with",
  phone_in_referral: "Phone number in a referral",
  other: "Other",
};
export const linkTypeLabel = (t: string) => LINK_TYPES[t] ?? t.replaceAll("_", " ");

/** "person:<uuid>" – a node on the chart. */
export const NODE_REF =
  /^(child|person|entity):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
export type NodeRef = { kind: NodeKind; id: string };
export const nodeKey = (r: NodeRef) => `${r.kind}:${r.id}`;
export function parseNodeRef(s: string): NodeRef | null {
  const m = NODE_REF.exec(s.trim());
  return m ? { kind: m[1].toLowerCase() as NodeKind, id: m[2].toLowerCase() } : null;
}
export const nodeRefSchema = z
  .string()
  .trim()
  .regex(NODE_REF, "must be a node such as person:<id>")
  .transform((s) => parseNodeRef(s)!);

const isoDate = z.iso.date({ message: "must be a date like 2026-03-01" });
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === "" ? null : s))
    .nullable()
    .optional();
const sex = z.enum(["female", "male", "other", "unknown"]);

export const idParams = z.object({ id: z.uuid({ message: "must be an id" }) });

export const personInput = z
  .object({
    given_name: optionalText(100),
    family_name: optionalText(100),
    aliases: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
    date_of_birth: isoDate.nullable().optional(),
    estimated_age: z.number().int().min(10).max(110).nullable().optional(),
    sex: sex.default("unknown"),
    ethnicity: optionalText(10),
    disability: z.boolean().nullable().optional(),
    description: optionalText(4000),
    registered_sex_offender: z.boolean().default(false),
  })
  .refine((p) => p.given_name || p.family_name || p.aliases.length || p.description, {
    message: "Enter a name, an alias or a description",
    path: ["given_name"],
  });
export type PersonInput = z.output<typeof personInput>;

export const entityInput = z.object({
  kind: z.enum(ENTITY_KINDS),
  label: z.string().trim().min(1, "Enter what the entity is called").max(300),
  subtype: optionalText(60),
  attributes: z.record(z.string(), z.string().max(500)).default({}),
});
export type EntityInput = z.output<typeof entityInput>;

const grading = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[1-3][A-E][PC]$/, "must be a 3x5x2 grading such as 2BP");

export const linkInput = z
  .object({
    from: nodeRefSchema,
    to: nodeRefSchema,
    link_type: z
      .string()
      .trim()
      .regex(/^[a-z_]{2,40}$/, "must be a link type such as seen_with"),
    valid_from: isoDate.nullable().optional(),
    valid_to: isoDate.nullable().optional(),
    grading: grading.nullable().optional(),
    provenance: optionalText(500),
    intelligence_report_id: z.uuid().nullable().optional(),
  })
  .refine((l) => !(l.valid_from && l.valid_to && l.valid_to < l.valid_from), {
    message: "must be on or after the start date",
    path: ["valid_to"],
  })
  .refine((l) => nodeKey(l.from) !== nodeKey(l.to), {
    message: "A link joins two different things",
    path: ["to"],
  });
export type LinkInput = z.output<typeof linkInput>;

export const reportInput = z.object({
  text: z.string().trim().min(10, "Enter the intelligence, in at least 10 characters").max(20_000),
  intelligence_date: isoDate.nullable().optional(),
  source_evaluation: z.enum(["1", "2", "3"], { message: "Choose the source evaluation (1, 2 or 3)" }),
  intelligence_assessment: z.enum(["A", "B", "C", "D", "E"], {
    message: "Choose the intelligence assessment (A to E)",
  }),
  handling_code: z.enum(["P", "C"], { message: "Choose the handling code (P or C)" }),
  handling_conditions: optionalText(1000),
  sanitised_text: optionalText(20_000),
  subjects: z.array(nodeRefSchema).max(50).default([]),
});
export type ReportInput = z.output<typeof reportInput>;

export const sanitiseInput = z.object({
  sanitised_text: z
    .string()
    .trim()
    .min(10, "Enter the sanitised text, in at least 10 characters")
    .max(20_000),
});
export const permissionInput = z.object({
  agency_id: z.uuid({ message: "Choose an agency" }),
  conditions: optionalText(1000),
});

const csv = (item: z.ZodType<unknown>) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v, ctx) => {
      const parts = (Array.isArray(v) ? v : v ? [v] : [])
        .flatMap((s) => s.split(","))
        .map((s) => s.trim())
        .filter(Boolean);
      const out: unknown[] = [];
      for (const p of parts) {
        const r = item.safeParse(p);
        if (!r.success) {
          ctx.addIssue({ code: "custom", message: `"${p}" is not allowed here` });
          return z.NEVER;
        }
        out.push(r.data);
      }
      return out;
    });

export const chartQuery = z
  .object({
    centre: csv(nodeRefSchema),
    radius: z.coerce.number().int().min(0).max(3).default(2),
    expand: csv(nodeRefSchema),
    from: isoDate.optional().or(z.literal("").transform(() => undefined)),
    to: isoDate.optional().or(z.literal("").transform(() => undefined)),
    types: csv(z.enum(CHART_TYPES)),
    links: csv(z.string().regex(/^[a-z_]{2,40}$/)),
    derived: z.enum(["include", "exclude", "only"]).default("include"),
  })
  .refine((q) => !(q.from && q.to && q.to < q.from), {
    message: "must be on or after the start date",
    path: ["to"],
  });
export type ChartQuery = {
  centre: NodeRef[];
  radius: number;
  expand: NodeRef[];
  from?: string;
  to?: string;
  types: ChartType[];
  links: string[];
  derived: "include" | "exclude" | "only";
};

export const pathQuery = z.object({
  from: nodeRefSchema,
  to: nodeRefSchema,
  start: isoDate.optional(),
  end: isoDate.optional(),
});

export const networksQuery = z.object({
  from: isoDate.optional().or(z.literal("").transform(() => undefined)),
  to: isoDate.optional().or(z.literal("").transform(() => undefined)),
});

export const pinInput = z.object({
  node: nodeRefSchema,
  note: optionalText(2000),
  x: z.number().finite().nullable().optional(),
  y: z.number().finite().nullable().optional(),
});

// ----- responses -----
export const chartNodeSchema = z.object({
  id: z.string().describe("kind:uuid"),
  kind: z.enum(NODE_KINDS),
  type: z.enum(CHART_TYPES),
  label: z.string(),
  subtype: z.string().nullable(),
  restricted: z.boolean().describe("A child shown at signpost level only (reference, no name)"),
  expandable: z.boolean(),
  distance: z.number().nullable(),
  degree: z.number(),
  betweenness: z.number(),
  community: z.number(),
  broker: z.boolean(),
  truncated: z.boolean(),
  rso: z.boolean().nullable(),
  disruptions: z.number(),
  pin: z
    .object({ note: z.string().nullable(), x: z.number().nullable(), y: z.number().nullable() })
    .nullable(),
  url: z.string().nullable(),
});
export const chartEdgeSchema = z.object({
  id: z.string(),
  source: z.string(),
  target: z.string(),
  type: z.string(),
  typeLabel: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  grading: z.string().nullable(),
  derived: z.boolean(),
  explanation: z.string().nullable(),
  sourceAgency: z.string(),
  provenance: z.string().nullable(),
  report: z.string().nullable(),
});
export const chartSchema = z.object({
  centre: z.array(z.string()),
  radius: z.number(),
  window: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  nodes: z.array(chartNodeSchema),
  edges: z.array(chartEdgeSchema),
  communities: z.number(),
  modularity: z.number(),
  brokers: z.array(z.string()),
  linkTypes: z.array(z.object({ value: z.string(), label: z.string() })),
  dateRange: z.object({ min: z.string().nullable(), max: z.string().nullable() }),
});
