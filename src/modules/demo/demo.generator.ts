// The synthetic "demo county" (Kestershire): a pure, deterministic generator of plain rows for
// agencies, users, children, referrals, missing episodes, persons of concern, entities, links and
// relationships. Same { children, seed, referenceDate } → byte-identical output. No I/O, no clock,
// no Math.random: every draw comes from seeded streams (./prng.ts) and every date is relative to
// the reference date. All people, places, numbers and organisations are invented.
import type { AgencyKind, NodeKind, RelationshipKind, SendStatus, Sex } from "../../db/schema.ts";
import { ROLE_LABELS, ROLES, type Role } from "../identity/roles.ts";
import {
  AGENCIES,
  BUILDS,
  CHILD_VOICE,
  CHILD_WISHES,
  CHILDRENS_HOME_NAMES,
  COUNTY,
  COUNTY_COUNCIL,
  type Concern,
  DECISION_RATIONALE,
  ETHNICITIES,
  FEATURES,
  FOUND_PLACES,
  HAIR,
  HERITAGE,
  HOTEL_NAMES,
  INTELLIGENCE_TEXTS,
  type IndicatorCode,
  LA_NUMBER,
  LINE_NAMES,
  NAMES,
  OTHER_AUTHORITIES,
  OUT_OF_COUNTY_TOWNS,
  PARK_NAMES,
  PLACEMENT_TYPES,
  PLATFORMS,
  PROVENANCE,
  REG_LETTERS,
  STREET_NAMES_ADULT,
  TAKEAWAY_NAMES,
  TOWNS,
  type Town,
  UNKNOWN_CHILD_DESCRIPTIONS,
  USERS,
  VEHICLES,
  WHAT_HAPPENED,
  WITHDRAWN_REASONS,
} from "./demo.data.ts";
import {
  addWorkingDays,
  ageOn,
  DAY,
  HOUR,
  isoDate,
  isoInstant,
  londonDay,
  londonTime,
  MINUTE,
  makeUpn,
  parseIsoDate,
  syntheticNhsNumber,
} from "./demo.identifiers.ts";
import { fnv1a, Rng, type Weighted, weightedPicker } from "./prng.ts";

export const DEFAULT_REFERENCE_DATE = "2026-11-01";
/** Every demo user signs in with this password (printed at start; demo data only). */
export const DEMO_PASSWORD = "lantern-demo";
/** Share of children known to exploitation work (referrals, networks, missing). */
export const KNOWN_SHARE = 0.045;

// ---------- Row shapes (what the service inserts; the users' password hash is added there) ----------

export type AgencyRow = {
  id: string;
  code: string;
  name: string;
  kind: AgencyKind;
  contact_email: string;
  contact_phone: string;
};

export type DemoUserRow = {
  id: string;
  agency_id: string;
  email: string;
  display_name: string;
  job_title: string;
  team: string;
  roles: Role[];
  created_at: string;
};

export type ChildRow = {
  id: string;
  reference: string;
  owning_agency_id: string;
  given_name: string | null;
  family_name: string | null;
  other_names: string | null;
  date_of_birth: string | null;
  sex: Sex;
  gender_identity: string | null;
  ethnicity: string | null;
  nhs_number: string | null;
  upn: string | null;
  first_language: string | null;
  send_status: SendStatus;
  disability: boolean | null;
  looked_after: boolean;
  placing_authority: string | null;
  placement_type: string | null;
  out_of_area: boolean;
  school_agency_id: string | null;
  home_address: string | null;
  home_postcode: string | null;
  placement_address: string | null;
  placement_postcode: string | null;
  created_at: string;
  updated_at: string;
};

export type ReferralDecision =
  | "no_further_action"
  | "single_agency"
  | "strategy_discussion"
  | "mace"
  | "nrm_referral";
export type ReferralRow = {
  id: string;
  reference: string;
  kind: "child" | "unknown_child" | "intelligence";
  child_id: string | null;
  unknown_child_description: string | null;
  referrer_user_id: string | null;
  referrer_agency_id: string;
  received_at: string;
  concern_types: Concern[];
  urgency: "immediate" | "high" | "medium" | "low";
  indicators: IndicatorCode[];
  what_happened: string;
  child_voice: string | null;
  child_wishes: string | null;
  status: "awaiting_screening" | "in_screening" | "decided" | "withdrawn";
  screening_due_at: string | null;
  decision: ReferralDecision | null;
  decision_rationale: string | null;
  decided_by: string | null;
  decided_at: string | null;
  idempotency_key: string | null;
  created_at: string;
  updated_at: string;
  // Columns added by migration 0004 (written when present; see demo.service.ts LATER_COLUMNS).
  screening_started_at: string | null;
  withdrawn_reason: string | null;
  withdrawn_by: string | null;
  withdrawn_at: string | null;
  send_status: SendStatus | null;
  disability: "yes" | "no" | "unknown" | null;
  looked_after: "yes" | "no" | null;
  unknown_child_age: number | null;
  unknown_child_sex: Sex | null;
};

export type MissingEpisodeRow = {
  id: string;
  child_id: string;
  reported_by_agency_id: string;
  kind: "missing" | "absent";
  missing_from: string | null;
  started_at: string;
  reported_at: string | null;
  ended_at: string | null;
  found_location: string | null;
  found_with: string | null;
  risk: "high" | "medium" | "low" | null;
  police_reference: string | null;
  rhi_status: "not_due" | "due" | "offered" | "completed" | "declined" | "not_completed";
  rhi_offered_at: string | null;
  rhi_completed_at: string | null;
  created_at: string;
  updated_at: string;
};

export type PersonRow = {
  id: string;
  reference: string;
  owning_agency_id: string;
  given_name: string | null;
  family_name: string | null;
  aliases: string[];
  date_of_birth: string | null;
  estimated_age: number | null;
  sex: Sex;
  ethnicity: string | null;
  description: string | null;
  registered_sex_offender: boolean;
  created_at: string;
  updated_at: string;
};

export type EntityKind = "location" | "vehicle" | "phone" | "online_account" | "organisation";
export type EntityRow = {
  id: string;
  kind: EntityKind;
  label: string;
  subtype: string | null;
  attributes: Record<string, string>;
  owning_agency_id: string;
  created_at: string;
  updated_at: string;
};

export type LinkRow = {
  id: string;
  from_kind: NodeKind;
  from_id: string;
  to_kind: NodeKind;
  to_id: string;
  link_type: string;
  valid_from: string | null;
  valid_to: string | null;
  source_agency_id: string;
  provenance: string | null;
  grading: string | null;
  derived: boolean;
  created_at: string;
};

export type RelationshipRow = {
  id: string;
  user_id: string;
  child_id: string;
  kind: RelationshipKind;
  reason: string;
  starts_at: string;
  ends_at: string | null;
  created_at: string;
};

export type NetworkKind = "county_lines" | "cse_group" | "peer_group" | "online";
/** Not a table: which rows make up each network, so tests and demos can find them. */
export type DemoNetwork = {
  key: string;
  name: string;
  kind: NetworkKind;
  towns: string[];
  active: boolean;
  child_ids: string[];
  person_ids: string[];
  entity_ids: string[];
};

export type DemoCounty = {
  county: string;
  referenceDate: string;
  seed: number;
  agencies: AgencyRow[];
  users: DemoUserRow[];
  children: ChildRow[];
  referrals: ReferralRow[];
  missing_episodes: MissingEpisodeRow[];
  persons_of_concern: PersonRow[];
  entities: EntityRow[];
  links: LinkRow[];
  relationships: RelationshipRow[];
  networks: DemoNetwork[];
};

export type GenerateOptions = { children: number; seed: number; referenceDate?: string };

// ---------- Users: emails and the key sign-ins shown at start ----------

/** "Liam O'Connor" → "liam.oconnor"; accents dropped; hyphens kept. */
export function emailLocalPart(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9 -]/g, "")
    .trim()
    .split(/\s+/)
    .join(".");
}

const agencyByCode = new Map(AGENCIES.map((a) => [a.code, a]));

function userEmails(): string[] {
  const seen = new Set<string>();
  return USERS.map((u) => {
    const base = `${emailLocalPart(u.name)}@${agencyByCode.get(u.agency)!.domain}`;
    let email = base;
    for (let n = 2; seen.has(email); n++) email = base.replace("@", `${n}@`);
    seen.add(email);
    return email;
  });
}
const USER_EMAILS = userEmails();

export type KeyDemoUser = { email: string; role: Role; label: string; agencyCode: string };

/** One sign-in per role, plus a school DSL and a health practitioner: the start-up banner. */
export const KEY_DEMO_USERS: readonly KeyDemoUser[] = (() => {
  const keyed = USERS.map((u, i) => ({ u, email: USER_EMAILS[i] })).filter((x) => x.u.key !== undefined);
  const out: KeyDemoUser[] = [];
  for (const role of ROLES) {
    for (const x of keyed) {
      if (x.u.roles[0] === role) {
        out.push({
          email: x.email,
          role,
          label: x.u.key ? `${ROLE_LABELS[role]} (${x.u.key})` : ROLE_LABELS[role],
          agencyCode: x.u.agency,
        });
      }
    }
  }
  return out;
})();

// ---------- Small helpers ----------

type Pronouns = { he: string; He: string; him: string; his: string; His: string };
const PRONOUNS: Record<Sex, Pronouns> = {
  male: { he: "he", He: "He", him: "him", his: "his", His: "His" },
  female: { he: "she", He: "She", him: "her", his: "her", His: "Her" },
  other: { he: "they", He: "They", him: "them", his: "their", His: "Their" },
  unknown: { he: "they", He: "They", him: "them", his: "their", His: "Their" },
};

function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const hhmm = (minutes: number) => `${pad(Math.floor(minutes / 60) % 24, 2)}:${pad(minutes % 60, 2)}`;

const INWARD = "ABDEFGHJLNPQRSTUWXYZ";
/** A stable postcode for an address: the same street and block of numbers give the same postcode. */
function postcodeFor(town: Town, streetIndex: number, houseNumber: number): string {
  const h = fnv1a(`${town.name}|${streetIndex}|${Math.floor(houseNumber / 24)}`);
  const district = town.districts[(streetIndex + (h & 1)) % town.districts.length];
  const sector = ((streetIndex * 7 + Math.floor(houseNumber / 24)) % 9) + 1;
  return `${town.area}${district} ${sector}${INWARD[(h >>> 3) % 20]}${INWARD[(h >>> 11) % 20]}`;
}

type Address = { line: string; postcode: string; town: Town };
function addressIn(rng: Rng, town: Town, flatChance = 0.18): Address {
  const s = rng.int(0, town.streets.length - 1);
  const number = rng.int(1, 160);
  const postcode = postcodeFor(town, s, number);
  const street = town.streets[s];
  const line = rng.chance(flatChance)
    ? `Flat ${rng.int(1, 24)}, ${number} ${street}, ${town.name}`
    : `${number} ${street}, ${town.name}`;
  return { line, postcode, town };
}

const townPicker = weightedPicker(TOWNS.map((t) => [t, t.weight] as const));
const outTownPicker = weightedPicker(OUT_OF_COUNTY_TOWNS.map((t) => [t, t.weight] as const));
const ethnicityPicker = weightedPicker(ETHNICITIES);
const placementPicker = weightedPicker(PLACEMENT_TYPES);
const AGE_WEIGHTS: Weighted<number> = [
  [0, 0.5],
  [1, 0.5],
  [2, 0.5],
  [3, 0.7],
  [4, 1],
  [5, 2],
  [6, 2.5],
  [7, 3],
  [8, 3.5],
  [9, 4.5],
  [10, 7],
  [11, 8],
  [12, 9],
  [13, 10],
  [14, 11],
  [15, 11.5],
  [16, 11],
  [17, 10],
];
const agePicker = weightedPicker(AGE_WEIGHTS);
const sexPicker = weightedPicker<Sex>([
  ["male", 49.3],
  ["female", 49.3],
  ["other", 0.4],
  ["unknown", 1.0],
]);

function givenName(rng: Rng, pool: string, sex: Sex): string {
  const p = NAMES[pool];
  const boy = sex === "male" || (sex !== "female" && rng.chance(0.5));
  return rng.pick(boy ? p.boys : p.girls);
}

type ChildMeta = {
  age: number;
  dob: number;
  town: Town;
  /** Where the child lives now (placement town when looked after in county). */
  livesIn: Town;
  lac: boolean;
  inCountyPlacement: boolean;
  placementKind: string | null;
  send: boolean;
  ehcp: boolean;
  schoolCode: string | null;
  known: boolean;
  network: number;
};

type NetworkContext = {
  kind: NetworkKind | "none";
  town: string;
  townB: string;
  station: string;
  trap: string;
  takeaway: string;
  hotel: string;
  car: string;
  platform: string;
  handle: string;
  park: string;
  line: string;
  /** Labels of places where this network's children are found when missing. */
  foundAt: { label: string; entityId: string }[];
};

// ---------- The generator ----------

class CountyBuilder {
  readonly ref: number;
  readonly now: number;
  readonly out: DemoCounty;
  private readonly agencyId = new Map<string, string>();
  private readonly usersByAgency = new Map<string, DemoUserRow[]>();
  private readonly usersByRole = new Map<Role, DemoUserRow[]>();
  private readonly meta: ChildMeta[] = [];
  private readonly contexts = new Map<number, NetworkContext>();
  private readonly networkStart: number[] = [];
  private readonly networkEnd: (number | null)[] = [];
  private readonly phonePool: number[];
  private phoneNext = 0;
  private readonly regs = new Set<string>();
  private readonly handles = new Set<string>();
  private readonly stations = new Map<string, EntityRow>();
  private personSeq = 0;
  /** The network (or individual) being built: new persons and entities are first recorded after it starts. */
  private building = -1;
  private intelSeq = 0;
  private readonly policeRefSeq = new Map<number, number>();
  private readonly idRng: Rng;
  /** child index → set of weekly slots (0 = the week before now) already holding a missing episode */
  private readonly slots = new Map<number, Set<number>>();

  constructor(
    readonly n: number,
    readonly seed: number,
    referenceDate: string,
  ) {
    this.ref = parseIsoDate(referenceDate);
    this.now = londonTime(this.ref, 8 * 60);
    this.out = {
      county: COUNTY,
      referenceDate,
      seed,
      agencies: [],
      users: [],
      children: [],
      referrals: [],
      missing_episodes: [],
      persons_of_concern: [],
      entities: [],
      links: [],
      relationships: [],
      networks: [],
    };
    this.idRng = new Rng(seed, "ids");
    this.phonePool = new Rng(seed, "phones").shuffle(Array.from({ length: 1000 }, (_, i) => i));
  }

  private id(): string {
    return this.idRng.uuid();
  }
  private agency(code: string): string {
    return this.agencyId.get(code)!;
  }
  /** When a person or entity was first recorded: soon after the network being built started. */
  private recordedAt(rng: Rng): number {
    const start = this.networkStart[this.building] ?? this.now - 400 * DAY;
    return Math.min(this.now - HOUR, start + rng.int(0, 60 * 24 * 60) * MINUTE);
  }

  build(): DemoCounty {
    this.agencies();
    this.users();
    this.children();
    const known = this.selectKnown();
    this.networks(known);
    this.individuals(known);
    this.referrals(known);
    this.missing(known);
    this.relationships();
    return this.out;
  }

  // ----- agencies and users -----

  private agencies(): void {
    const rng = new Rng(this.seed, "agencies");
    const phones = rng.shuffle(Array.from({ length: 1000 }, (_, i) => i));
    AGENCIES.forEach((a, i) => {
      const row: AgencyRow = {
        id: this.id(),
        code: a.code,
        name: a.name,
        kind: a.kind,
        contact_email: `${a.contact ?? (a.kind === "school" ? "office" : "safeguarding")}@${a.domain}`,
        contact_phone: `01632 960${pad(phones[i], 3)}`,
      };
      this.agencyId.set(a.code, row.id);
      this.out.agencies.push(row);
    });
  }

  private users(): void {
    const rng = new Rng(this.seed, "users");
    USERS.forEach((u, i) => {
      const row: DemoUserRow = {
        id: this.id(),
        agency_id: this.agency(u.agency),
        email: USER_EMAILS[i],
        display_name: u.name,
        job_title: u.title,
        team: u.team,
        roles: [...u.roles],
        created_at: isoInstant(londonTime(this.ref - rng.int(40, 900) * DAY, rng.int(8 * 60, 17 * 60))),
      };
      this.out.users.push(row);
      const byAgency = this.usersByAgency.get(u.agency) ?? [];
      byAgency.push(row);
      this.usersByAgency.set(u.agency, byAgency);
      for (const r of u.roles) {
        const byRole = this.usersByRole.get(r) ?? [];
        byRole.push(row);
        this.usersByRole.set(r, byRole);
      }
    });
  }

  private practitionersOf(code: string): DemoUserRow[] {
    return (this.usersByAgency.get(code) ?? []).filter((u) => u.roles.includes("practitioner"));
  }
  private usersWhere(pred: (def: (typeof USERS)[number]) => boolean): DemoUserRow[] {
    return this.out.users.filter((_, i) => pred(USERS[i]));
  }

  // ----- children -----

  private readonly schoolCache = new Map<string, string[]>();
  private schoolsBy(phase: string, town?: Town): string[] {
    const key = `${phase}|${town?.name ?? ""}`;
    let list = this.schoolCache.get(key);
    if (!list) {
      list = AGENCIES.filter(
        (a) => a.kind === "school" && a.phase === phase && (!town || a.town === town.name),
      ).map((a) => a.code);
      this.schoolCache.set(key, list);
    }
    return list;
  }

  private chooseSchool(rng: Rng, age: number, town: Town, ehcp: boolean): string | null {
    if (age < 4) return null;
    if (ehcp && rng.chance(0.35)) return rng.pick(this.schoolsBy("special"));
    const local = (phases: string[]) => {
      for (const p of phases) {
        const here = this.schoolsBy(p, town);
        if (here.length) return here;
      }
      const key = `area|${phases.join(",")}|${town.area}`;
      let area = this.schoolCache.get(key);
      if (!area) {
        area = AGENCIES.filter(
          (a) =>
            a.kind === "school" &&
            phases.includes(a.phase!) &&
            TOWNS.find((t) => t.name === a.town)?.area === town.area,
        ).map((a) => a.code);
        this.schoolCache.set(key, area);
      }
      return area;
    };
    if (age <= 10) return rng.pick(rng.chance(0.06) ? local(["all_through", "primary"]) : local(["primary"]));
    if (age <= 15) {
      if (rng.chance(0.006)) return rng.pick(this.schoolsBy("pru"));
      return rng.pick(rng.chance(0.1) ? local(["all_through", "secondary"]) : local(["secondary"]));
    }
    const r = rng.next();
    if (r < 0.45) return this.schoolsBy("college")[0];
    if (r < 0.88) return rng.pick(local(["secondary", "all_through"]));
    return null; // not in education, employment or training
  }

  private children(): void {
    const rng = new Rng(this.seed, "children");
    const homesRng = new Rng(this.seed, "childrens-homes");
    const nhsSeen = new Set<string>();
    const upnSerial = new Map<string, number>();
    const homesIn = Array.from({ length: Math.max(2, Math.round(this.n / 1500)) }, (_, i) => {
      const a = addressIn(homesRng, townPicker(homesRng), 0);
      return { ...a, line: `${CHILDRENS_HOME_NAMES[i % CHILDRENS_HOME_NAMES.length]}, ${a.line}` };
    });
    const homesOut = Array.from({ length: Math.max(2, Math.round(this.n / 3000)) }, (_, i) => {
      const a = addressIn(homesRng, outTownPicker(homesRng), 0);
      return { ...a, line: `${CHILDRENS_HOME_NAMES[(i + 7) % CHILDRENS_HOME_NAMES.length]}, ${a.line}` };
    });
    const primaryEstabs = AGENCIES.filter((a) => a.phase === "primary").map((a) => a.establishment!);
    const owner = weightedPicker<string>([
      ["KCC-CSC", 80],
      ["KCC-EDU", 8],
      ["KCH-NHS", 7],
      ["KCON", 5],
    ]);
    let seq = 0;
    while (this.out.children.length < this.n) {
      const town = townPicker(rng);
      const home = addressIn(rng, town);
      const ethnicity = ethnicityPicker(rng);
      const heritage = HERITAGE[ethnicity];
      const surnamePool = rng.weighted(heritage.pools);
      const familyName = rng.pick(NAMES[surnamePool].surnames);
      const language = rng.weighted(heritage.languages);
      const size = Math.min(
        this.n - this.out.children.length,
        rng.weighted([
          [1, 55],
          [2, 30],
          [3, 12],
          [4, 3],
        ] as const),
      );
      // Children placed into the county by another authority have a family home outside it.
      for (let k = 0; k < size; k++) {
        seq++;
        const sex = sexPicker(rng);
        const age = agePicker(rng);
        const dob = this.ref - Math.floor(age * 365.25 + rng.int(1, 364)) * DAY;
        const realAge = ageOn(dob, this.ref);
        const pool = rng.weighted(heritage.pools);
        const given = givenName(rng, pool, sex);
        const sendP = sex === "male" ? [0.28, 0.08] : sex === "female" ? [0.19, 0.05] : [0.24, 0.06];
        const r = rng.next();
        const send_status: SendStatus =
          r < sendP[0]
            ? "sen_support"
            : r < sendP[0] + sendP[1]
              ? "ehcp"
              : rng.chance(0.05)
                ? "unknown"
                : "none";
        const ehcp = send_status === "ehcp";
        const lac = rng.chance(realAge >= 10 ? 0.11 : 0.065);
        let placing: string | null = null;
        let placementType: string | null = null;
        let outOfArea = false;
        let placement: Address | null = null;
        let homeAddr = home;
        let livesIn = town;
        let inCounty = true;
        if (lac) {
          placementType = placementPicker(rng);
          if (realAge < 16 && placementType === "Supported accommodation (16+)")
            placementType = "Children's home";
          const placedIn = rng.chance(0.18);
          placing = placedIn ? rng.pick(OTHER_AUTHORITIES) : COUNTY_COUNCIL;
          if (placedIn) {
            outOfArea = true;
            homeAddr = addressIn(rng, outTownPicker(rng));
          } else {
            outOfArea = placementType !== "Placed with parents" && rng.chance(0.26);
          }
          inCounty = !(outOfArea && !placedIn);
          if (placementType === "Placed with parents") placement = homeAddr;
          else if (placementType === "Children's home" || placementType === "Secure children's home")
            placement = rng.pick(inCounty ? homesIn : homesOut);
          else if (placementType === "Supported accommodation (16+)") {
            const a = addressIn(rng, inCounty ? townPicker(rng) : outTownPicker(rng), 0);
            placement = { ...a, line: `Room ${rng.int(1, 12)}, ${a.line}` };
          } else placement = addressIn(rng, inCounty ? townPicker(rng) : outTownPicker(rng), 0.1);
          if (inCounty) livesIn = placement.town;
        }
        const schoolCode = inCounty ? this.chooseSchool(rng, realAge, livesIn, ehcp) : null;
        let nhs: string | null = null;
        if (rng.chance(0.93)) {
          do nhs = syntheticNhsNumber(rng);
          while (nhsSeen.has(nhs));
          nhsSeen.add(nhs);
        }
        let upn: string | null = null;
        if (realAge >= 4 && rng.chance(0.86)) {
          const estab = rng.pick(primaryEstabs);
          const year = new Date(dob).getUTCFullYear() + 5;
          const key = `${estab}/${year}`;
          const serial = (upnSerial.get(key) ?? 0) + 1;
          upnSerial.set(key, serial);
          if (serial <= 999) upn = makeUpn(LA_NUMBER, estab, year, serial);
        }
        const createdDay = Math.max(dob + DAY, this.ref - rng.int(20, 2900) * DAY);
        const created = londonTime(createdDay, rng.int(8 * 60, 18 * 60));
        const updated = Math.min(this.now - HOUR, created + rng.int(0, 400) * DAY);
        const gi =
          sex === "other"
            ? "Non-binary"
            : realAge >= 11 && rng.chance(0.003)
              ? sex === "female"
                ? "Trans boy"
                : "Trans girl"
              : null;
        const otherNames = rng.chance(0.03)
          ? rng.chance(0.5)
            ? `Previously known as ${given} ${rng.pick(NAMES[surnamePool].surnames)}`
            : `Known as ${given.slice(0, Math.max(2, Math.min(4, given.length - 1)))}`
          : null;
        this.out.children.push({
          id: this.id(),
          reference: `CH-${pad(seq, 6)}`,
          owning_agency_id: this.agency(owner(rng)),
          given_name: given,
          family_name: familyName,
          other_names: otherNames,
          date_of_birth: isoDate(dob),
          sex,
          gender_identity: gi,
          ethnicity,
          nhs_number: nhs,
          upn,
          first_language: language,
          send_status,
          disability: rng.chance(0.08) ? null : ehcp ? rng.chance(0.4) : rng.chance(0.03),
          looked_after: lac,
          placing_authority: placing,
          placement_type: placementType,
          out_of_area: outOfArea,
          school_agency_id: schoolCode ? this.agency(schoolCode) : null,
          home_address: homeAddr.line,
          home_postcode: homeAddr.postcode,
          placement_address: placement?.line ?? null,
          placement_postcode: placement?.postcode ?? null,
          created_at: isoInstant(created),
          updated_at: isoInstant(updated),
        });
        this.meta.push({
          age: realAge,
          dob,
          town: homeAddr.town,
          livesIn,
          lac,
          inCountyPlacement: lac && inCounty,
          placementKind: placementType,
          send: send_status === "sen_support" || ehcp,
          ehcp,
          schoolCode,
          known: false,
          network: -1,
        });
      }
    }
  }

  /** Weighted sample without replacement (Efraimidis–Spirakis): older, looked-after and SEND children weigh more. */
  private selectKnown(): number[] {
    const rng = new Rng(this.seed, "known");
    const k = Math.round(this.n * KNOWN_SHARE);
    const keyed: [number, number][] = [];
    this.meta.forEach((m, i) => {
      if (m.age < 10) return;
      let w = m.age >= 13 ? 3 : m.age >= 11 ? 1.6 : 0.5;
      if (m.lac) w *= 3;
      if (m.send) w *= 1.5;
      keyed.push([-Math.log(1 - rng.next()) / w, i]);
    });
    keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const chosen = keyed.slice(0, k).map(([, i]) => i);
    const pru = this.schoolsBy("pru");
    for (const i of chosen) {
      const m = this.meta[i];
      m.known = true;
      // Exclusion is a known risk factor: some known secondary-age children attend a pupil referral unit.
      if (m.age >= 11 && m.age <= 15 && m.schoolCode && rng.chance(0.12)) {
        m.schoolCode = rng.pick(pru);
        this.out.children[i].school_agency_id = this.agency(m.schoolCode);
      }
    }
    return chosen.sort((a, b) => a - b);
  }

  // ----- persons, entities, links -----

  private person(
    rng: Rng,
    p: {
      sex?: Sex;
      minAge: number;
      maxAge: number;
      role: string;
      rso?: boolean;
      alias?: string[];
      owner?: string;
    },
  ): PersonRow {
    const ethnicity = rng.chance(0.22) ? null : ethnicityPicker(rng);
    const heritage = HERITAGE[ethnicity ?? "WBRI"];
    const pool = rng.weighted(heritage.pools);
    const sex = p.sex ?? (rng.chance(0.9) ? "male" : "female");
    const age = rng.int(p.minAge, p.maxAge);
    const knownDob = rng.chance(0.55);
    const dob = this.ref - Math.floor(age * 365.25 + rng.int(1, 364)) * DAY;
    const nameKnown = rng.chance(0.85);
    const aliases = [...(p.alias ?? [])];
    if (rng.chance(0.45)) aliases.push(rng.pick(STREET_NAMES_ADULT));
    const ageWords = knownDob ? `aged ${ageOn(dob, this.ref)}` : `believed to be around ${age}`;
    const description = `${sex === "female" ? "Female" : sex === "male" ? "Male" : "Adult"}, ${ageWords}, ${rng.pick(BUILDS)}, ${rng.pick(HAIR)}, ${rng.pick(sex === "female" ? FEATURES.filter((f) => f !== "beard" && f !== "moustache") : FEATURES)}. ${p.role}`;
    this.personSeq++;
    const row: PersonRow = {
      id: this.id(),
      reference: `POC-${pad(this.personSeq, 6)}`,
      owning_agency_id: this.agency(p.owner ?? (rng.chance(0.85) ? "KCON" : rng.pick(["KSCP", "KCC-CSC"]))),
      given_name: nameKnown ? givenName(rng, pool, sex) : null,
      family_name: nameKnown ? rng.pick(NAMES[rng.weighted(heritage.pools)].surnames) : null,
      aliases: [...new Set(aliases)],
      date_of_birth: knownDob ? isoDate(dob) : null,
      estimated_age: knownDob ? null : age,
      sex,
      ethnicity,
      description,
      registered_sex_offender: p.rso ?? false,
      created_at: "",
      updated_at: "",
    };
    row.created_at = row.updated_at = isoInstant(this.recordedAt(rng));
    this.out.persons_of_concern.push(row);
    return row;
  }

  private entity(
    rng: Rng,
    kind: EntityKind,
    label: string,
    subtype: string,
    attributes: Record<string, string>,
    owner = "KCON",
  ): EntityRow {
    const row: EntityRow = {
      id: this.id(),
      kind,
      label,
      subtype,
      attributes,
      owning_agency_id: this.agency(owner),
      created_at: "",
      updated_at: "",
    };
    row.created_at = row.updated_at = isoInstant(this.recordedAt(rng));
    this.out.entities.push(row);
    return row;
  }

  private place(rng: Rng, name: string, subtype: string, town: Town, owner = "KCON"): EntityRow {
    const a = addressIn(rng, town, subtype === "residential" ? 0.9 : 0);
    const label = subtype === "residential" ? `${a.line} ${a.postcode}` : `${name}, ${town.name}`;
    return this.entity(
      rng,
      "location",
      label,
      subtype,
      { address: a.line, postcode: a.postcode, town: town.name },
      owner,
    );
  }

  private station(rng: Rng, town: Town): EntityRow {
    let s = this.stations.get(town.name);
    if (!s) {
      s = this.entity(rng, "location", `${town.name} railway station`, "railway_station", {
        address: `Station Approach, ${town.name}`,
        town: town.name,
      });
      this.stations.set(town.name, s);
    }
    return s;
  }

  private phone(rng: Rng, note: string): EntityRow | null {
    if (this.phoneNext >= this.phonePool.length) return null; // only 1,000 drama-range mobile numbers exist
    const number = `07700 900${pad(this.phonePool[this.phoneNext++], 3)}`;
    return this.entity(rng, "phone", number, "mobile", { number, note });
  }

  private vehicle(rng: Rng): EntityRow {
    let reg: string;
    do {
      const L = () => REG_LETTERS[rng.int(0, REG_LETTERS.length - 1)];
      reg = `Z${L()}${pad(rng.pick([15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74]), 2)} ${L()}${L()}${L()}`;
    } while (this.regs.has(reg));
    this.regs.add(reg);
    const desc = rng.weighted(VEHICLES);
    return this.entity(
      rng,
      "vehicle",
      `${reg} (${desc})`,
      desc.includes("private hire") ? "private_hire" : desc.includes("van") ? "van" : "car",
      {
        registration: reg,
        description: desc,
      },
    );
  }

  private account(rng: Rng, platform: string, subtype = "personal"): EntityRow {
    const syll = [
      "kez",
      "ace",
      "zed",
      "nova",
      "lil",
      "mo",
      "jay",
      "vibe",
      "drip",
      "real",
      "sk",
      "xo",
      "lux",
      "trap",
      "dee",
      "bigz",
    ];
    let handle: string;
    do handle = `${rng.pick(syll)}${rng.chance(0.5) ? "_" : ""}${rng.pick(syll)}${rng.int(1, 999)}`;
    while (this.handles.has(handle));
    this.handles.add(handle);
    const label =
      subtype === "group chat" ? `Group chat "${handle}" (${platform})` : `@${handle} (${platform})`;
    return this.entity(rng, "online_account", label, platform, { platform, handle, use: subtype });
  }

  private grading(rng: Rng): string {
    return `${rng.weighted([
      ["1", 15],
      ["2", 55],
      ["3", 30],
    ] as const)}${rng.weighted([
      ["A", 10],
      ["B", 45],
      ["C", 30],
      ["D", 10],
      ["E", 5],
    ] as const)}${rng.chance(0.9) ? "P" : "C"}`;
  }

  private link(
    rng: Rng,
    net: number,
    from: [NodeKind, string],
    to: [NodeKind, string],
    type: string,
    opts: { agency?: string; derived?: string; from?: number; to?: number | null } = {},
  ): LinkRow {
    const start = this.networkStart[net] ?? this.now - 400 * DAY;
    const end = this.networkEnd[net] ?? null;
    const validFrom = opts.from ?? start + rng.next() * Math.max(DAY, (end ?? this.now - 7 * DAY) - start);
    let validTo =
      opts.to === undefined
        ? (end ?? (rng.chance(0.15) ? validFrom + rng.int(20, 200) * DAY : null))
        : opts.to;
    if (validTo !== null && validTo >= this.now) validTo = null;
    if (validTo !== null && validTo < validFrom) validTo = validFrom;
    const agency =
      opts.agency ??
      rng.weighted([
        ["KCON", 70],
        ["KCC-CSC", 12],
        ["KSCP", 8],
        ["KESTREL", 5],
        ["WAYHOME", 5],
      ] as const);
    this.intelSeq++;
    const provenance = opts.derived
      ? opts.derived
      : fill(rng.pick(PROVENANCE[type] ?? ["Police intelligence log {ref}"]), {
          ref: `KP-INT-${new Date(validFrom).getUTCFullYear() % 100}-${pad(this.intelSeq, 5)}`,
        });
    const row: LinkRow = {
      id: this.id(),
      from_kind: from[0],
      from_id: from[1],
      to_kind: to[0],
      to_id: to[1],
      link_type: type,
      valid_from: isoDate(validFrom),
      valid_to: validTo === null ? null : isoDate(validTo),
      source_agency_id: this.agency(agency),
      provenance,
      grading: opts.derived ? null : this.grading(rng),
      derived: Boolean(opts.derived),
      created_at: isoInstant(Math.min(this.now - HOUR, validFrom + rng.int(0, 14) * DAY)),
    };
    this.out.links.push(row);
    return row;
  }

  // ----- networks -----

  private networks(known: number[]): void {
    const rng = new Rng(this.seed, "networks");
    const pool = known.slice();
    const target = Math.floor(known.length * 0.7);
    const cycle: NetworkKind[] = [
      "county_lines",
      "cse_group",
      "peer_group",
      "county_lines",
      "cse_group",
      "online",
      "peer_group",
    ];
    let placed = 0;
    const take = (
      count: number,
      prefer: { sex?: Weighted<Sex>; minAge: number; maxAge: number; towns?: string[] },
    ) => {
      const picked: number[] = [];
      for (let c = 0; c < count && pool.length > 0; c++) {
        const wantSex = prefer.sex ? rng.weighted(prefer.sex) : null;
        let best = -1;
        let bestScore = -1;
        for (let t = 0; t < Math.min(24, pool.length); t++) {
          const j = rng.int(0, pool.length - 1);
          const m = this.meta[pool[j]];
          const s = this.out.children[pool[j]].sex;
          const score =
            (m.age >= prefer.minAge && m.age <= prefer.maxAge ? 2 : 0) +
            (wantSex && s === wantSex ? 2 : 0) +
            (prefer.towns?.includes(m.livesIn.name) ? 1.5 : 0) +
            rng.next();
          if (score > bestScore) {
            bestScore = score;
            best = j;
          }
        }
        picked.push(pool[best]);
        pool[best] = pool[pool.length - 1];
        pool.pop();
      }
      return picked;
    };
    // At least one of each of the first three kinds (county line, group, peer group) when there are enough children.
    while ((placed < target || this.out.networks.length < 3) && pool.length >= 2) {
      const index = this.out.networks.length;
      const kind = cycle[index % cycle.length];
      let size =
        kind === "county_lines"
          ? rng.int(3, 8)
          : kind === "cse_group"
            ? rng.int(3, 7)
            : kind === "peer_group"
              ? rng.int(3, 6)
              : rng.int(2, 4);
      if (index < 3) size = Math.min(size, Math.floor(pool.length / (3 - index)));
      size = Math.max(2, Math.min(size, pool.length));
      const active = rng.chance(0.8);
      const start = this.now - rng.int(120, 900) * DAY;
      this.networkStart.push(start);
      this.networkEnd.push(active ? null : Math.min(this.now - 20 * DAY, start + rng.int(90, 400) * DAY));
      this.building = index;
      const built =
        kind === "county_lines"
          ? this.countyLine(rng, index, size, take)
          : kind === "cse_group"
            ? this.cseGroup(rng, index, size, take)
            : kind === "peer_group"
              ? this.peerGroup(rng, index, size, take)
              : this.onlineNetwork(rng, index, size, take);
      this.networkChildren.push(built.children);
      for (const c of built.children) {
        if (this.meta[c].network < 0) {
          this.meta[c].network = index;
          placed++;
        }
      }
      this.out.networks.push({
        key: `NET-${pad(index + 1, 4)}`,
        name: built.name,
        kind,
        towns: built.towns,
        active,
        child_ids: built.children.map((c) => this.out.children[c].id),
        person_ids: built.persons.map((p) => p.id),
        entity_ids: built.entities.map((e) => e.id),
      });
    }
  }

  private pairUp(
    rng: Rng,
    net: number,
    children: number[],
    pairs: number,
    places: { label: string; entityId: string }[],
  ) {
    for (let p = 0; p < pairs && p * 2 + 1 < children.length; p++) {
      this.jointMissing.push({
        net,
        a: children[p * 2],
        b: children[p * 2 + 1],
        times: rng.int(2, 4),
        places,
      });
    }
  }
  private readonly networkChildren: number[][] = [];
  private readonly jointMissing: {
    net: number;
    a: number;
    b: number;
    times: number;
    places: { label: string; entityId: string }[];
  }[] = [];

  private countyLine(rng: Rng, net: number, size: number, take: TakeFn): Built {
    const townA = rng.weighted(
      TOWNS.map(
        (t) =>
          [
            t,
            t.name === "Kesterbridge" || t.name === "Saltmarsh Quay" ? 3 : t.name === "Ravensholt" ? 2 : 1,
          ] as const,
      ),
    );
    const others = TOWNS.filter((t) => t !== townA);
    const townB = rng.weighted(others.map((t) => [t, t.weight] as const));
    const lineName = `${LINE_NAMES[net % LINE_NAMES.length]}${net >= LINE_NAMES.length ? ` ${Math.floor(net / LINE_NAMES.length) + 1}` : ""}`;
    const name = `'${lineName}' county line (${townA.name} and ${townB.name})`;
    const hub = this.person(rng, {
      sex: "male",
      minAge: 20,
      maxAge: 29,
      alias: [`${lineName} line`],
      role: `Believed to live in Eastbridge and to control the '${lineName}' deal line supplying ${townA.name} and ${townB.name} (line holder).`,
    });
    const middles = Array.from({ length: rng.int(1, 3) }, () =>
      this.person(rng, {
        minAge: 18,
        maxAge: 24,
        role: `Believed to direct the children exploited by the '${lineName}' line and to manage its supply address in ${townB.name}.`,
      }),
    );
    const linePhone = this.phone(rng, `'${lineName}' deal line`);
    const personal = rng.chance(0.5) ? this.phone(rng, "personal phone of line holder") : null;
    const trap = this.place(rng, "", "residential", townB);
    trap.attributes.note =
      "Home of a vulnerable adult believed to have been taken over to supply drugs (cuckooing)";
    const stA = this.station(rng, townA);
    const stB = this.station(rng, townB);
    const car = this.vehicle(rng);
    const acct = rng.chance(0.5) ? this.account(rng, rng.pick(["Snapchat", "Telegram", "Instagram"])) : null;
    const children = take(size, {
      sex: [
        ["male", 85],
        ["female", 15],
      ],
      minAge: 13,
      maxAge: 17,
      towns: [townA.name, townB.name],
    });
    const P = (p: PersonRow): [NodeKind, string] => ["person", p.id];
    const E = (e: EntityRow): [NodeKind, string] => ["entity", e.id];
    const C = (c: number): [NodeKind, string] => ["child", this.out.children[c].id];
    if (linePhone) this.link(rng, net, P(hub), E(linePhone), "uses_phone");
    if (personal) this.link(rng, net, P(hub), E(personal), "uses_phone");
    middles.forEach((m, i) => {
      this.link(rng, net, P(m), P(hub), "associate");
      this.link(rng, net, P(m), E(trap), "frequents");
      if (i === 0) this.link(rng, net, P(m), E(car), "drives");
      if (acct && i === 0) this.link(rng, net, P(m), E(acct), "uses_account");
      if (i > 0) this.link(rng, net, P(m), P(middles[0]), "associate");
    });
    for (const c of children) {
      this.link(
        rng,
        net,
        C(c),
        rng.chance(0.1) ? P(hub) : P(rng.pick(middles)),
        rng.chance(0.5) ? "seen_with" : "associate",
      );
      if (rng.chance(0.6)) this.link(rng, net, C(c), E(trap), "found_at", { agency: "KCON" });
      if (rng.chance(0.4)) this.link(rng, net, C(c), E(rng.chance(0.5) ? stA : stB), "frequents");
      if (linePhone && rng.chance(0.5)) this.link(rng, net, C(c), E(linePhone), "in_contact_with");
      if (rng.chance(0.3)) this.link(rng, net, C(c), E(car), "seen_in");
      if (acct && rng.chance(0.3)) this.link(rng, net, C(c), E(acct), "in_contact_with");
    }
    const places = [
      { label: trap.label, entityId: trap.id },
      { label: stB.label, entityId: stB.id },
    ];
    this.pairUp(rng, net, children, Math.min(2, Math.floor(children.length / 2)), places);
    const ctx: NetworkContext = {
      kind: "county_lines",
      town: townA.name,
      townB: townB.name,
      station: stB.label,
      trap: trap.label,
      takeaway: `the ${rng.pick(TAKEAWAY_NAMES)} takeaway in ${townA.name}`,
      hotel: `${rng.pick(HOTEL_NAMES)} in ${townB.name}`,
      car: car.attributes.description,
      platform: acct?.attributes.platform ?? "Snapchat",
      handle: acct?.attributes.handle ?? "unknown",
      park: `${rng.pick(PARK_NAMES)}, ${townA.name}`,
      line: lineName,
      foundAt: places,
    };
    for (const c of children) this.contexts.set(c, ctx);
    const entities = [linePhone, personal, trap, stA, stB, car, acct].filter(
      (e): e is EntityRow => e !== null,
    );
    return {
      name,
      towns: [townA.name, townB.name],
      children,
      persons: [hub, ...middles],
      entities: [...new Set(entities)],
    };
  }

  private cseGroup(rng: Rng, net: number, size: number, take: TakeFn): Built {
    const town = rng.weighted(TOWNS.map((t) => [t, t.weight] as const));
    const hotelTown = rng.chance(0.6) ? town : rng.weighted(TOWNS.map((t) => [t, t.weight] as const));
    const takeawayName = TAKEAWAY_NAMES[net % TAKEAWAY_NAMES.length];
    const takeaway = this.place(rng, `${takeawayName} (takeaway)`, "takeaway", town);
    const hotel = this.place(rng, HOTEL_NAMES[(net * 7) % HOTEL_NAMES.length], "hotel", hotelTown);
    const name = `Group linked to ${takeawayName} and ${HOTEL_NAMES[(net * 7) % HOTEL_NAMES.length]} (${town.name})`;
    const adultCount = rng.int(3, 5);
    const rsoAt = rng.chance(0.4) ? rng.int(0, adultCount - 1) : -1;
    const adults = Array.from({ length: adultCount }, (_, i) =>
      this.person(rng, {
        sex: i === adultCount - 1 && rng.chance(0.25) ? "female" : "male",
        minAge: 24,
        maxAge: 48,
        rso: i === rsoAt,
        role:
          i === 0
            ? `Believed to run ${takeawayName} in ${town.name}; children are given free food, alcohol and lifts there.`
            : i === 1
              ? "Believed to drive children between the takeaway, addresses and hotels."
              : "Associate of the group; seen with children at the takeaway and at hotels.",
      }),
    );
    const cars = [this.vehicle(rng), ...(rng.chance(0.5) ? [this.vehicle(rng)] : [])];
    const phones = [
      this.phone(rng, "used to contact children"),
      this.phone(rng, "used to contact children"),
    ].filter((p): p is EntityRow => p !== null);
    const accounts = Array.from({ length: rng.int(1, 2) }, () => this.account(rng, rng.pick(PLATFORMS)));
    // Girls AND boys: the first two picks lean one each way, the rest lean towards girls.
    const children = [
      ...take(1, {
        sex: [
          ["female", 90],
          ["male", 10],
        ],
        minAge: 12,
        maxAge: 16,
        towns: [town.name],
      }),
      ...take(1, {
        sex: [
          ["male", 90],
          ["female", 10],
        ],
        minAge: 12,
        maxAge: 16,
        towns: [town.name],
      }),
      ...take(Math.max(0, size - 2), {
        sex: [
          ["female", 65],
          ["male", 35],
        ],
        minAge: 12,
        maxAge: 16,
        towns: [town.name],
      }),
    ];
    const P = (p: PersonRow): [NodeKind, string] => ["person", p.id];
    const E = (e: EntityRow): [NodeKind, string] => ["entity", e.id];
    const C = (c: number): [NodeKind, string] => ["child", this.out.children[c].id];
    this.link(rng, net, P(adults[0]), E(takeaway), "owns");
    adults.slice(1).forEach((a, i) => {
      this.link(rng, net, P(a), P(adults[i]), "associate");
      if (rng.chance(0.6)) this.link(rng, net, P(a), E(takeaway), "frequents");
    });
    this.link(rng, net, P(adults[1]), E(cars[0]), "drives");
    if (cars[1]) this.link(rng, net, P(adults[adults.length - 1]), E(cars[1]), "drives");
    this.link(rng, net, P(rng.pick(adults)), E(hotel), "frequents");
    for (const [i, p] of phones.entries())
      this.link(rng, net, P(adults[i % adults.length]), E(p), "uses_phone");
    for (const a of accounts) this.link(rng, net, P(rng.pick(adults)), E(a), "uses_account");
    for (const c of children) {
      if (rng.chance(0.8)) this.link(rng, net, C(c), E(takeaway), "frequents");
      if (rng.chance(0.5)) this.link(rng, net, C(c), E(hotel), "found_at", { agency: "KCON" });
      this.link(rng, net, C(c), P(rng.pick(adults)), "seen_with");
      if (rng.chance(0.4)) this.link(rng, net, C(c), E(rng.pick(cars)), "seen_in");
      if (phones.length && rng.chance(0.5)) this.link(rng, net, C(c), E(rng.pick(phones)), "in_contact_with");
      if (rng.chance(0.3)) this.link(rng, net, C(c), E(rng.pick(accounts)), "in_contact_with");
    }
    const places = [
      { label: hotel.label, entityId: hotel.id },
      { label: takeaway.label, entityId: takeaway.id },
    ];
    this.pairUp(rng, net, children, Math.min(2, Math.floor(children.length / 2)), places);
    const ctx: NetworkContext = {
      kind: "cse_group",
      town: town.name,
      townB: hotelTown.name,
      station: this.station(rng, town).label,
      trap: `an address in ${hotelTown.name}`,
      takeaway: `the ${takeawayName} takeaway in ${town.name}`,
      hotel: `${HOTEL_NAMES[(net * 7) % HOTEL_NAMES.length]} in ${hotelTown.name}`,
      car: cars[0].attributes.description,
      platform: accounts[0].attributes.platform,
      handle: accounts[0].attributes.handle,
      park: `${rng.pick(PARK_NAMES)}, ${town.name}`,
      line: "",
      foundAt: places,
    };
    for (const c of children) this.contexts.set(c, ctx);
    return {
      name,
      towns: [...new Set([town.name, hotelTown.name])],
      children,
      persons: adults,
      entities: [takeaway, hotel, ...cars, ...phones, ...accounts],
    };
  }

  private peerGroup(rng: Rng, net: number, size: number, take: TakeFn): Built {
    const town = rng.weighted(TOWNS.map((t) => [t, t.weight] as const));
    const parkName = PARK_NAMES[net % PARK_NAMES.length];
    const park = this.place(rng, parkName, "park", town);
    const chat = this.account(rng, rng.pick(["Snapchat", "WhatsApp", "Instagram"]), "group chat");
    const name = `Peer group at ${parkName} (${town.name})`;
    const children = take(size, { minAge: 13, maxAge: 16, towns: [town.name] });
    // Children exploited in one network are often in others: sometimes a county-lines runner joins.
    const lines = this.networkChildren.filter((_, i) => this.out.networks[i].kind === "county_lines");
    if (lines.length && children.length >= 2 && rng.chance(0.3)) {
      const runner = rng.pick(rng.pick(lines));
      if (runner !== undefined && !children.includes(runner)) children.push(runner);
    }
    const older = rng.chance(0.8)
      ? this.person(rng, {
          minAge: 18,
          maxAge: 19,
          role: `Older member of the group at ${parkName}; believed to supply cannabis and to ask younger children to hold and move drugs.`,
        })
      : null;
    const C = (c: number): [NodeKind, string] => ["child", this.out.children[c].id];
    const E = (e: EntityRow): [NodeKind, string] => ["entity", e.id];
    children.forEach((c, i) => {
      if (i > 0)
        this.link(rng, net, C(c), C(children[i - 1]), "associate", {
          agency: rng.pick(["KESTREL", "KCC-CSC", "KCON"]),
        });
      if (rng.chance(0.7))
        this.link(rng, net, C(c), E(park), "frequents", { agency: rng.pick(["KESTREL", "KCON"]) });
      if (rng.chance(0.6)) this.link(rng, net, C(c), E(chat), "in_contact_with");
    });
    if (children.length > 3)
      this.link(rng, net, C(children[0]), C(children[children.length - 1]), "associate");
    if (older) {
      for (const c of rng.sample(children, Math.min(3, children.length)))
        this.link(rng, net, C(c), ["person", older.id], "associate");
      this.link(rng, net, ["person", older.id], E(park), "frequents");
    }
    const places = [{ label: park.label, entityId: park.id }];
    this.pairUp(rng, net, children, 1, places);
    const ctx: NetworkContext = {
      kind: "peer_group",
      town: town.name,
      townB: rng.pick(TOWNS.filter((t) => t !== town)).name,
      station: this.station(rng, town).label,
      trap: `an address in ${town.name}`,
      takeaway: `the ${rng.pick(TAKEAWAY_NAMES)} takeaway in ${town.name}`,
      hotel: `${rng.pick(HOTEL_NAMES)} in ${town.name}`,
      car: rng.weighted(VEHICLES),
      platform: chat.attributes.platform,
      handle: chat.attributes.handle,
      park: park.label,
      line: "",
      foundAt: places,
    };
    for (const c of children) if (!this.contexts.has(c)) this.contexts.set(c, ctx);
    return { name, towns: [town.name], children, persons: older ? [older] : [], entities: [park, chat] };
  }

  private onlineNetwork(rng: Rng, net: number, size: number, take: TakeFn): Built {
    const adults = Array.from({ length: rng.int(1, 2) }, (_, i) =>
      this.person(rng, {
        sex: "male",
        minAge: 26,
        maxAge: 58,
        rso: i === 0 && rng.chance(0.5),
        role: "Believed to contact children online using several accounts, offering money for images.",
      }),
    );
    const accounts = Array.from({ length: rng.int(2, 4) }, () => this.account(rng, rng.pick(PLATFORMS)));
    const phone = rng.chance(0.5) ? this.phone(rng, "linked to online accounts") : null;
    const children = take(size, { minAge: 11, maxAge: 15 });
    const P = (p: PersonRow): [NodeKind, string] => ["person", p.id];
    const E = (e: EntityRow): [NodeKind, string] => ["entity", e.id];
    for (const a of accounts) this.link(rng, net, P(rng.pick(adults)), E(a), "uses_account");
    if (adults[1]) this.link(rng, net, P(adults[1]), P(adults[0]), "associate");
    if (phone) this.link(rng, net, P(adults[0]), E(phone), "uses_phone");
    for (const c of children)
      this.link(rng, net, ["child", this.out.children[c].id], E(rng.pick(accounts)), "in_contact_with", {
        agency: rng.pick(["KCON", "KCC-CSC"]),
      });
    const towns = [...new Set(children.map((c) => this.meta[c].livesIn.name))];
    const ctx: NetworkContext = {
      kind: "online",
      town: towns[0] ?? TOWNS[0].name,
      townB: TOWNS[4].name,
      station: this.station(rng, TOWNS[0]).label,
      trap: "an address outside the county",
      takeaway: `the ${rng.pick(TAKEAWAY_NAMES)} takeaway in ${TOWNS[0].name}`,
      hotel: `${rng.pick(HOTEL_NAMES)}`,
      car: rng.weighted(VEHICLES),
      platform: accounts[0].attributes.platform,
      handle: accounts[0].attributes.handle,
      park: rng.pick(PARK_NAMES),
      line: "",
      foundAt: [],
    };
    for (const c of children) this.contexts.set(c, ctx);
    const handle = accounts[0].attributes.handle;
    return {
      name: `Online accounts linked to @${handle}`,
      towns,
      children,
      persons: adults,
      entities: [...accounts, ...(phone ? [phone] : [])],
    };
  }

  /** Known children outside networks: some have one adult of concern (an older "boyfriend", a dealer). */
  private individuals(known: number[]): void {
    const rng = new Rng(this.seed, "individuals");
    for (const c of known) {
      if (this.meta[c].network >= 0 || !rng.chance(0.3)) continue;
      const sex = this.out.children[c].sex;
      this.networkStart.push(this.now - rng.int(60, 700) * DAY);
      this.networkEnd.push(null);
      const slot = this.networkStart.length - 1;
      this.building = slot;
      const p = this.person(rng, {
        sex: rng.chance(0.88) ? "male" : "female",
        minAge: 18,
        maxAge: 38,
        role:
          sex === "female"
            ? 'Older adult the child describes as "my boyfriend"; gives the child gifts, lifts and alcohol.'
            : "Older adult believed to give the child money and ask favours in return.",
      });
      const childRef: [NodeKind, string] = ["child", this.out.children[c].id];
      this.link(rng, slot, childRef, ["person", p.id], rng.chance(0.5) ? "seen_with" : "associate");
      if (rng.chance(0.4)) {
        const car = this.vehicle(rng);
        this.link(rng, slot, ["person", p.id], ["entity", car.id], "drives");
        this.link(rng, slot, childRef, ["entity", car.id], "seen_in");
      }
    }
  }

  // ----- referrals -----

  private contextFor(rng: Rng, c: number): NetworkContext {
    const ctx = this.contexts.get(c);
    if (ctx) return ctx;
    const town = this.meta[c].livesIn;
    const townB = rng.pick(TOWNS.filter((t) => t !== town));
    return {
      kind: "none",
      town: town.name,
      townB: townB.name,
      station: `${town.name} railway station`,
      trap: `an address in ${townB.name}`,
      takeaway: `the ${rng.pick(TAKEAWAY_NAMES)} takeaway in ${town.name}`,
      hotel: `${rng.pick(HOTEL_NAMES)} in ${town.name}`,
      car: rng.weighted(VEHICLES),
      platform: rng.pick(PLATFORMS),
      handle: "an unknown account",
      park: `${rng.pick(PARK_NAMES)}, ${town.name}`,
      line: "",
      foundAt: [],
    };
  }

  private concernsFor(rng: Rng, kind: NetworkContext["kind"]): Concern[] {
    switch (kind) {
      case "county_lines":
        return rng.chance(0.25) ? ["county_lines", "cce", "trafficking"] : ["county_lines", "cce"];
      case "cse_group":
        return rng.chance(0.2) ? ["cse", "online"] : ["cse"];
      case "peer_group":
        return rng
          .weighted([
            [["cce"], 50],
            [["cse"], 30],
            [["cce", "cse"], 20],
          ] as const)
          .slice() as Concern[];
      case "online":
        return ["online", "cse"];
      default:
        return rng
          .weighted([
            [["cse"], 25],
            [["cce"], 25],
            [["online"], 20],
            [["other"], 20],
            [["county_lines", "cce"], 8],
            [["trafficking"], 2],
          ] as const)
          .slice() as Concern[];
    }
  }

  private indicatorsFor(rng: Rng, concerns: Concern[], lac: boolean): IndicatorCode[] {
    const pool: IndicatorCode[] = [
      "change_in_behaviour",
      "school_absence",
      "missing_episodes",
      "unexplained_money_or_gifts",
    ];
    if (concerns.includes("cce") || concerns.includes("county_lines"))
      pool.push(
        "multiple_phones",
        "found_out_of_area",
        "debt_bondage",
        "carrying_drugs_or_weapons",
        "travel_without_explanation",
        "injuries",
      );
    if (concerns.includes("cse"))
      pool.push(
        "older_partner",
        "sexual_health_concerns",
        "hotel_or_party_attendance",
        "associating_with_adults_of_concern",
        "substance_misuse",
      );
    if (concerns.includes("online")) pool.push("online_contact_with_adults");
    if (concerns.includes("trafficking"))
      pool.push("found_out_of_area", "debt_bondage", "travel_without_explanation");
    if (lac) pool.push("missing_episodes");
    const picked = rng.sample([...new Set(pool)], rng.int(2, 5));
    return picked.sort();
  }

  private referrer(rng: Rng, c: number | null): { user: DemoUserRow | null; agency: string } {
    const code = rng.weighted([
      ["KCON", 30],
      ["SCHOOL", 25],
      ["HEALTH", 12],
      ["KCC-CSC", 10],
      ["KYJS", 8],
      ["CHARITY", 10],
      ["KCC-EDU", 5],
    ] as const);
    if (code === "SCHOOL") {
      const school = c !== null ? this.meta[c].schoolCode : null;
      const code2 = school ?? rng.pick(["SCH-KBA", "SCH-SQA", "SCH-RHS", "SCH-KLC"]);
      const users = this.practitionersOf(code2);
      return { user: users.length ? rng.pick(users) : null, agency: code2 };
    }
    const agency =
      code === "HEALTH"
        ? rng.pick(["KSH-NHS", "KCH-NHS"])
        : code === "CHARITY"
          ? rng.pick(["WAYHOME", "KESTREL"])
          : code;
    const users = this.practitionersOf(agency);
    // Some referrals arrive by phone or email from staff who are not Lantern users.
    return { user: users.length && rng.chance(0.85) ? rng.pick(users) : null, agency };
  }

  private dueAt(received: number, urgency: ReferralRow["urgency"]): number {
    switch (urgency) {
      case "immediate":
        return received + 4 * HOUR;
      case "high":
        return addWorkingDays(received, 1);
      case "medium":
        return addWorkingDays(received, 3);
      default:
        return addWorkingDays(received, 5);
    }
  }

  /** A time on a London day, mostly office hours; never later than 10 minutes before "now". */
  private receivedTime(rng: Rng, day: number): number {
    if (day >= londonDay(this.now)) {
      const latest = Math.floor((this.now - londonTime(day, 0)) / MINUTE) - 10;
      return londonTime(day, rng.int(0, Math.max(0, latest)));
    }
    const minutes = rng.chance(0.75) ? rng.int(8 * 60 + 30, 17 * 60 + 30) : rng.int(0, 24 * 60 - 1);
    return londonTime(day, minutes);
  }

  private referrals(known: number[]): void {
    const rng = new Rng(this.seed, "referrals");
    const drafts: ReferralRow[] = [];
    const screeners = this.usersByRole.get("screener") ?? [];
    const fresh = new Set(rng.sample(known, Math.max(known.length ? 3 : 0, Math.round(known.length * 0.07))));
    const decide = (
      r: ReferralRow,
      received: number,
      inNetwork: boolean,
      concerns: Concern[],
      forceStatus?: ReferralRow["status"],
    ) => {
      const due = this.dueAt(received, r.urgency);
      r.screening_due_at = isoInstant(due);
      if (forceStatus) {
        r.status = forceStatus;
        if (forceStatus === "in_screening") {
          r.screening_started_at = isoInstant(
            Math.min(this.now - 5 * MINUTE, received + rng.int(10, 240) * MINUTE),
          );
        }
        return;
      }
      if (rng.chance(0.04)) {
        r.status = "withdrawn";
        r.updated_at = isoInstant(Math.min(this.now - HOUR, received + rng.int(1, 48) * HOUR));
        r.withdrawn_reason = rng.pick(WITHDRAWN_REASONS);
        r.withdrawn_by = rng.pick(screeners).id;
        r.withdrawn_at = r.updated_at;
        return;
      }
      const decision: ReferralDecision = inNetwork
        ? rng.weighted([
            ["mace", 40],
            ["strategy_discussion", 30],
            [
              concerns.includes("county_lines") || concerns.includes("trafficking")
                ? "nrm_referral"
                : "strategy_discussion",
              15,
            ],
            ["single_agency", 15],
          ] as const)
        : rng.weighted([
            ["no_further_action", r.urgency === "low" || r.urgency === "medium" ? 30 : 0],
            ["single_agency", 35],
            ["strategy_discussion", 20],
            ["mace", 10],
            [
              concerns.includes("cce") || concerns.includes("trafficking") ? "nrm_referral" : "single_agency",
              5,
            ],
          ] as const);
      const late = rng.chance(0.1);
      let decidedAt = late
        ? due + rng.int(1, 30) * HOUR
        : received + rng.next() * Math.max(HOUR, due - received);
      decidedAt = Math.min(decidedAt, this.now - HOUR);
      r.status = "decided";
      r.decision = decision;
      r.decision_rationale = rng.pick(DECISION_RATIONALE[decision]);
      r.decided_by = rng.pick(screeners).id;
      r.decided_at = isoInstant(decidedAt);
      r.updated_at = r.decided_at;
      r.screening_started_at = isoInstant(received + (decidedAt - received) * rng.next() * 0.3);
    };
    for (const c of known) {
      const m = this.meta[c];
      const child = this.out.children[c];
      const ctx = this.contextFor(rng, c);
      const inNetwork = m.network >= 0;
      const count = inNetwork
        ? rng.weighted([
            [1, 50],
            [2, 35],
            [3, 15],
          ] as const)
        : rng.weighted([
            [1, 75],
            [2, 25],
          ] as const);
      const first = inNetwork
        ? Math.max(this.now - 1000 * DAY, this.networkStart[m.network] + rng.int(-60, 120) * DAY)
        : this.now - rng.int(20, 900) * DAY;
      // Not before the child was 11 (12½ for children in networks).
      const earliest = m.dob + Math.round((inNetwork ? 12.5 : 11) * 365.25) * DAY;
      let day = londonDay(Math.min(Math.max(first, earliest + rng.int(0, 200) * DAY), this.now - 6 * DAY));
      const total = count + (fresh.has(c) ? 1 : 0);
      for (let k = 0; k < total; k++) {
        const isFresh = fresh.has(c) && k === total - 1;
        if (isFresh) day = londonDay(this.now) - rng.int(0, 4) * DAY;
        else if (k > 0) day = Math.min(londonDay(this.now - 6 * DAY), day + rng.int(30, 200) * DAY);
        const received = Math.min(this.receivedTime(rng, day), this.now - 10 * MINUTE);
        const concerns = this.concernsFor(rng, ctx.kind);
        const urgency = inNetwork
          ? rng.weighted([
              ["immediate", 20],
              ["high", 45],
              ["medium", 30],
              ["low", 5],
            ] as const)
          : rng.weighted([
              ["immediate", 5],
              ["high", 20],
              ["medium", 50],
              ["low", 25],
            ] as const);
        const ref = this.referrer(rng, c);
        const all = ctx.kind === "peer_group" ? WHAT_HAPPENED.peer : WHAT_HAPPENED[concerns[0]];
        const usable = m.schoolCode ? all : all.filter((t) => !t.includes("{school}"));
        const templates = usable.length ? usable : WHAT_HAPPENED.other.filter((t) => !t.includes("{school}"));
        const age = ageOn(m.dob, londonDay(received));
        const school = m.schoolCode ? AGENCIES.find((a) => a.code === m.schoolCode)!.name : "";
        const placement = m.lac ? (m.placementKind ?? "") : "";
        const carer =
          !m.lac || placement === "Placed with parents"
            ? "parent"
            : placement.startsWith("Foster") || placement.startsWith("Kinship")
              ? "foster carer"
              : placement.startsWith("Supported")
                ? "support worker"
                : "residential key worker";
        const text = fill(rng.pick(templates), {
          N: child.given_name ?? "The child",
          A: age,
          ...PRONOUNS[child.sex],
          station: ctx.station,
          time: hhmm(rng.int(21 * 60, 23 * 60 + 59)),
          miles: rng.int(12, 60),
          cash: rng.int(12, 90) * 10,
          from: m.lac
            ? m.placementKind?.startsWith("Foster")
              ? "a foster placement"
              : "a children's home"
            : "home",
          trap: ctx.trap,
          townB: ctx.townB,
          town: ctx.town,
          school,
          carer,
          att: rng.int(42, 81),
          car: ctx.car,
          takeaway: ctx.takeaway,
          hotel: ctx.hotel,
          platform: ctx.platform,
          park: ctx.park,
        });
        const r: ReferralRow = {
          id: this.id(),
          reference: "",
          kind: "child",
          child_id: child.id,
          unknown_child_description: null,
          referrer_user_id: ref.user?.id ?? null,
          referrer_agency_id: this.agency(ref.agency),
          received_at: isoInstant(received),
          concern_types: concerns,
          urgency,
          indicators: this.indicatorsFor(rng, concerns, m.lac),
          what_happened: text,
          child_voice: rng.chance(0.7) ? rng.pick(CHILD_VOICE) : null,
          child_wishes: rng.chance(0.4) ? rng.pick(CHILD_WISHES) : null,
          status: "awaiting_screening",
          screening_due_at: null,
          decision: null,
          decision_rationale: null,
          decided_by: null,
          decided_at: null,
          idempotency_key: null,
          created_at: isoInstant(received),
          updated_at: isoInstant(received),
          screening_started_at: null,
          withdrawn_reason: null,
          withdrawn_by: null,
          withdrawn_at: null,
          send_status: child.send_status,
          disability: child.disability === null ? "unknown" : child.disability ? "yes" : "no",
          looked_after: child.looked_after ? "yes" : "no",
          unknown_child_age: null,
          unknown_child_sex: null,
        };
        decide(
          r,
          received,
          inNetwork,
          concerns,
          isFresh ? (rng.chance(0.65) ? "awaiting_screening" : "in_screening") : undefined,
        );
        drafts.push(r);
      }
    }
    // Intelligence about places and adults, and sightings of children nobody has named yet.
    const contexts = [...new Set(this.contexts.values())];
    const intel = known.length ? Math.max(2, Math.round(known.length * 0.12)) : 0;
    const unknown = known.length ? Math.max(2, Math.round(known.length * 0.05)) : 0;
    for (let k = 0; k < intel + unknown; k++) {
      const isIntel = k < intel;
      const ctx = contexts.length ? rng.pick(contexts) : this.contextFor(rng, 0);
      const recent = rng.chance(0.2);
      const day = recent
        ? londonDay(this.now) - rng.int(0, 3) * DAY
        : londonDay(this.now - rng.int(7, 700) * DAY);
      const received = Math.min(this.receivedTime(rng, day), this.now - 10 * MINUTE);
      const sighting = isIntel ? null : rng.pick(UNKNOWN_CHILD_DESCRIPTIONS);
      const template = sighting ?? rng.pick(INTELLIGENCE_TEXTS);
      const concerns = template.concerns.slice();
      const vars = {
        station: ctx.station,
        trap: ctx.trap,
        townB: ctx.townB,
        takeaway: ctx.takeaway,
        hotel: ctx.hotel,
        car: ctx.car,
        platform: ctx.platform,
        handle: ctx.handle,
        park: ctx.park,
        school: rng.pick(AGENCIES.filter((a) => a.phase === "secondary")).name,
      };
      const ref = isIntel
        ? (() => {
            const agency = rng.weighted([
              ["KCON", 50],
              ["KESTREL", 20],
              ["WAYHOME", 10],
              ["KCC-CSC", 10],
              ["SCH-KBA", 10],
            ] as const);
            const users = this.practitionersOf(agency);
            return { user: users.length ? rng.pick(users) : null, agency };
          })()
        : this.referrer(rng, null);
      const r: ReferralRow = {
        id: this.id(),
        reference: "",
        kind: isIntel ? "intelligence" : "unknown_child",
        child_id: null,
        unknown_child_description: isIntel ? null : fill(template.text, vars),
        referrer_user_id: ref.user?.id ?? null,
        referrer_agency_id: this.agency(ref.agency),
        received_at: isoInstant(received),
        concern_types: concerns,
        urgency: isIntel
          ? rng.weighted([
              ["high", 20],
              ["medium", 55],
              ["low", 25],
            ] as const)
          : rng.weighted([
              ["immediate", 30],
              ["high", 70],
            ] as const),
        indicators: this.indicatorsFor(rng, concerns, false).slice(0, 3),
        what_happened: isIntel
          ? fill(template.text, vars)
          : `A child who has not yet been identified was seen in circumstances that suggest exploitation. ${fill(template.text, vars)}`,
        child_voice: null,
        child_wishes: null,
        status: "awaiting_screening",
        screening_due_at: null,
        decision: null,
        decision_rationale: null,
        decided_by: null,
        decided_at: null,
        idempotency_key: null,
        created_at: isoInstant(received),
        updated_at: isoInstant(received),
        screening_started_at: null,
        withdrawn_reason: null,
        withdrawn_by: null,
        withdrawn_at: null,
        send_status: null,
        disability: null,
        looked_after: null,
        unknown_child_age: sighting?.age ?? null,
        unknown_child_sex: sighting?.sex ?? null,
      };
      decide(r, received, false, concerns, recent ? "awaiting_screening" : undefined);
      if (r.status === "decided" && isIntel) {
        r.decision = rng.chance(0.7) ? "single_agency" : "strategy_discussion";
        r.decision_rationale =
          r.decision === "single_agency"
            ? "Intelligence passed to the Force Intelligence Bureau and linked to an existing network record."
            : "Intelligence indicates children at risk at this location; strategy discussion to plan disruption.";
      } else if (r.status === "decided") {
        r.decision = rng.chance(0.6) ? "strategy_discussion" : "single_agency";
        r.decision_rationale =
          "Police and partners to identify the child through patrols, CCTV and school liaison; re-screen once identified.";
      }
      drafts.push(r);
    }
    // References in order of receipt: REF-YYYY-000001 …
    drafts.sort((a, b) =>
      a.received_at < b.received_at ? -1 : a.received_at > b.received_at ? 1 : a.id < b.id ? -1 : 1,
    );
    const perYear = new Map<string, number>();
    for (const r of drafts) {
      const y = r.received_at.slice(0, 4);
      const n = (perYear.get(y) ?? 0) + 1;
      perYear.set(y, n);
      r.reference = `REF-${y}-${pad(n, 6)}`;
    }
    this.out.referrals = drafts;
  }

  // ----- missing episodes -----

  /** Weekly slots (0 = the week before now) within a network's active period, or the last two years. */
  private slotRange(net: number): [number, number] {
    if (net < 0) return [0, 103];
    const end = this.networkEnd[net] ?? this.now;
    const lo = Math.max(0, Math.ceil((this.now - end) / (7 * DAY)));
    const hi = Math.min(103, Math.floor((this.now - this.networkStart[net]) / (7 * DAY)));
    return hi - lo >= 4 ? [lo, hi] : [0, 103];
  }

  private freeSlot(rng: Rng, children: number[], range: [number, number] = [0, 103]): number | null {
    for (let t = 0; t < 40; t++) {
      const s = rng.int(range[0], range[1]);
      if (children.every((c) => !this.slots.get(c)?.has(s))) {
        for (const c of children) {
          const set = this.slots.get(c) ?? new Set<number>();
          set.add(s);
          this.slots.set(c, set);
        }
        return s;
      }
    }
    return null;
  }

  private policeRef(at: number): string {
    const y = new Date(at).getUTCFullYear() % 100;
    const n = (this.policeRefSeq.get(y) ?? 0) + 1;
    this.policeRefSeq.set(y, n);
    return `KP-${y}-${pad(n, 6)}`;
  }

  private missingFrom(rng: Rng, c: number): string {
    const m = this.meta[c];
    if (rng.chance(0.08)) return "School";
    if (!m.lac) return "Home address";
    const t = m.placementKind ?? "";
    if (t.startsWith("Foster") || t.startsWith("Kinship")) return "Foster placement";
    if (t.includes("home")) return "Children's home";
    if (t.startsWith("Supported")) return "Supported accommodation";
    return "Home address";
  }

  private episode(
    rng: Rng,
    c: number,
    slot: number,
    opts: {
      open?: boolean;
      /** Returned within the last three days: the return interview is due or offered. */
      recent?: boolean;
      start?: number;
      end?: number;
      found?: string;
      with?: string;
      high?: boolean;
    },
  ): MissingEpisodeRow {
    const weekStart = londonDay(this.now) - (slot + 1) * 7 * DAY;
    let started = opts.start;
    if (started === undefined) {
      const minutes = rng.weighted([
        [rng.int(17 * 60, 23 * 60 + 59), 60],
        [rng.int(0, 3 * 60), 20],
        [rng.int(8 * 60, 16 * 60 + 59), 20],
      ] as const);
      started = opts.open
        ? this.now - rng.int(3 * 60, 72 * 60) * MINUTE
        : opts.recent
          ? this.now - rng.int(30 * 60, 80 * 60) * MINUTE
          : londonTime(weekStart + rng.int(0, slot === 0 ? 5 : 2) * DAY, minutes);
    }
    let ended: number | null = null;
    if (!opts.open) {
      ended =
        opts.end ??
        started +
          rng.weighted([
            [rng.int(2 * 60, 12 * 60), 50],
            [rng.int(12 * 60, 36 * 60), 35],
            [rng.int(36 * 60, 96 * 60), 15],
          ] as const) *
            MINUTE;
      ended = Math.min(ended, this.now - 30 * MINUTE);
    }
    const reported = Math.min(
      started +
        Math.min(rng.int(30, 6 * 60) * MINUTE, ended === null ? Infinity : Math.max(0, ended - started)),
      this.now - 5 * MINUTE,
    );
    const absent = !opts.open && !opts.found && rng.chance(0.04);
    const ctx = this.contextFor(rng, c);
    let rhi: MissingEpisodeRow["rhi_status"] = "not_due";
    let offered: number | null = null;
    let completed: number | null = null;
    if (ended !== null && !absent) {
      if (this.now - ended < 72 * HOUR) {
        if (rng.chance(0.5)) rhi = "due";
        else {
          rhi = "offered";
          offered = Math.min(this.now - 10 * MINUTE, ended + rng.int(2, 30) * HOUR);
        }
      } else {
        rhi = rng.weighted([
          ["completed", 62],
          ["declined", 14],
          ["not_completed", 16],
          ["offered", 8],
        ] as const);
        offered = ended + (rng.chance(0.9) ? rng.int(3, 60) : rng.int(73, 120)) * HOUR;
        if (rhi === "completed") completed = offered + rng.int(2, 70) * HOUR;
        offered = Math.min(offered, this.now - HOUR);
        if (completed !== null) completed = Math.min(completed, this.now - 10 * MINUTE);
      }
    }
    const risk = opts.high
      ? rng.weighted([
          ["high", 40],
          ["medium", 50],
          ["low", 10],
        ] as const)
      : rng.weighted([
          ["high", 15],
          ["medium", 55],
          ["low", 30],
        ] as const);
    return {
      id: this.id(),
      child_id: this.out.children[c].id,
      reported_by_agency_id: this.agency(
        this.meta[c].lac
          ? rng.weighted([
              ["KCON", 60],
              ["KCC-CSC", 40],
            ] as const)
          : rng.weighted([
              ["KCON", 92],
              ["KCC-CSC", 4],
              ["KCC-EDU", 4],
            ] as const),
      ),
      kind: absent ? "absent" : "missing",
      missing_from: this.missingFrom(rng, c),
      started_at: isoInstant(started),
      reported_at: isoInstant(reported),
      ended_at: ended === null ? null : isoInstant(ended),
      found_location: ended === null ? null : (opts.found ?? this.foundPlace(rng, c, ctx)),
      found_with: ended === null ? null : (opts.with ?? null),
      risk,
      police_reference: absent ? null : this.policeRef(started),
      rhi_status: rhi,
      rhi_offered_at: offered === null ? null : isoInstant(offered),
      rhi_completed_at: completed === null ? null : isoInstant(completed),
      created_at: isoInstant(reported),
      updated_at: isoInstant(Math.max(reported, ended ?? 0, offered ?? 0, completed ?? 0)),
    };
  }

  private foundPlace(rng: Rng, c: number, ctx: NetworkContext): string {
    const text = fill(rng.pick(FOUND_PLACES), {
      station: ctx.station,
      town: ctx.town,
      townB: ctx.townB,
      park: ctx.park,
    });
    return this.meta[c].lac && this.meta[c].placementKind !== "Placed with parents"
      ? text
      : text.replace("placement", "home");
  }

  private missing(known: number[]): void {
    const rng = new Rng(this.seed, "missing");
    const episodes = this.out.missing_episodes;
    const networkKind = (c: number) =>
      this.meta[c].network >= 0 ? this.out.networks[this.meta[c].network].kind : null;
    // Missing now: a few known children (slot 0, still open).
    const openCount = known.length ? Math.max(1, Math.round(known.length * 0.02)) : 0;
    const latest = rng.sample(known, openCount * 3);
    for (const [i, c] of latest.entries()) {
      this.slots.set(c, new Set([0]));
      // A third are missing now; the rest came back in the last three days (return interview due).
      episodes.push(
        this.episode(rng, c, 0, i < openCount ? { open: true, high: true } : { recent: true, high: true }),
      );
    }
    // Missing together: the same window, found together; the derived link explains itself.
    for (const j of this.jointMissing) {
      const dates: string[] = [];
      const place = j.places.length ? rng.pick(j.places) : null;
      for (let t = 0; t < j.times; t++) {
        const slot = this.freeSlot(rng, [j.a, j.b], this.slotRange(j.net));
        if (slot === null) break;
        const weekStart = londonDay(this.now) - (slot + 1) * 7 * DAY;
        const start = londonTime(weekStart + rng.int(0, 2) * DAY, rng.int(17 * 60, 23 * 60));
        const end = start + rng.int(10 * 60, 60 * 60) * MINUTE;
        const found = place ? `Found by police at ${place.label}` : undefined;
        const a = this.out.children[j.a];
        const b = this.out.children[j.b];
        episodes.push(
          this.episode(rng, j.a, slot, {
            start,
            end,
            found,
            with: `Another child known to services (${b.reference})`,
            high: true,
          }),
        );
        episodes.push(
          this.episode(rng, j.b, slot, {
            start: start + rng.int(-40, 40) * MINUTE,
            end: end + rng.int(-30, 30) * MINUTE,
            found,
            with: `Another child known to services (${a.reference})`,
            high: true,
          }),
        );
        dates.push(isoDate(londonDay(start)));
      }
      if (dates.length >= 2) {
        dates.sort();
        this.link(
          rng,
          j.net,
          ["child", this.out.children[j.a].id],
          ["child", this.out.children[j.b].id],
          "missing_with",
          {
            agency: "KSCP",
            derived: `Missing at the same time on ${dates.length} occasions (${dates.join(", ")}) and found together; derived from missing episode records.`,
            from: Date.parse(dates[0]),
            to: null,
          },
        );
      }
    }
    // Individual episodes.
    this.meta.forEach((m, c) => {
      const kind = networkKind(c);
      let count: number;
      if (kind === "county_lines") count = rng.int(2, 10);
      else if (kind === "cse_group") count = rng.int(2, 8);
      else if (kind === "peer_group") count = rng.int(1, 4);
      else if (kind === "online") count = rng.int(0, 2);
      else if (m.known) count = rng.chance(0.6) ? rng.int(1, 4) : 0;
      else if (m.lac && m.age >= 8) count = rng.chance(0.12) ? rng.int(1, 3) : 0;
      else count = m.age >= 10 && rng.chance(0.01) ? 1 : 0;
      count -= this.slots.get(c)?.size ?? 0;
      const ctx = kind ? this.contexts.get(c) : undefined;
      for (let k = 0; k < count; k++) {
        const slot = this.freeSlot(rng, [c], this.slotRange(m.network));
        if (slot === null) break;
        const atNetworkPlace =
          ctx && ctx.foundAt.length > 0 && rng.chance(0.35) ? rng.pick(ctx.foundAt) : null;
        const withAdults =
          kind === "county_lines" && rng.chance(0.3)
            ? `With adult males believed to be linked to the '${ctx?.line}' line`
            : kind === "cse_group" && rng.chance(0.3)
              ? "With adult males not known to the family"
              : undefined;
        episodes.push(
          this.episode(rng, c, slot, {
            found: atNetworkPlace ? `Found by police at ${atNetworkPlace.label}` : undefined,
            with: withAdults,
            high: kind !== null,
          }),
        );
      }
    });
  }

  // ----- relationships (the basis of access) -----

  private relationships(): void {
    const rng = new Rng(this.seed, "relationships");
    const rel = this.out.relationships;
    const add = (
      user: DemoUserRow,
      childId: string,
      kind: RelationshipKind,
      reason: string,
      starts: number,
      ends: number | null,
    ) => {
      rel.push({
        id: this.id(),
        user_id: user.id,
        child_id: childId,
        kind,
        reason,
        starts_at: isoInstant(starts),
        ends_at: ends === null ? null : isoInstant(ends),
        created_at: isoInstant(starts),
      });
    };
    const workers = this.usersWhere((u) => Boolean(u.allocates));
    const panel = this.usersWhere((u) => Boolean(u.panel));
    const police = (this.usersByRole.get("screener") ?? []).filter(
      (u) => u.agency_id === this.agency("KCON"),
    );
    const social = (this.usersByRole.get("screener") ?? []).filter(
      (u) => u.agency_id === this.agency("KCC-CSC"),
    );
    const byChild = new Map<string, ReferralRow[]>();
    for (const r of this.out.referrals) {
      if (!r.child_id) continue;
      const list = byChild.get(r.child_id) ?? [];
      list.push(r);
      byChild.set(r.child_id, list);
      const received = Date.parse(r.received_at);
      if (r.referrer_user_id) {
        const user = this.out.users.find((u) => u.id === r.referrer_user_id)!;
        const ends = received + 180 * DAY;
        add(
          user,
          r.child_id,
          "referrer",
          `Referrer of ${r.reference}`,
          received,
          ends < this.now ? ends : null,
        );
      }
      if (r.status === "awaiting_screening" || r.status === "in_screening") {
        for (const s of [rng.pick(police), rng.pick(social)])
          if (s)
            add(s, r.child_id, "screening_participant", `Joint screening of ${r.reference}`, received, null);
      }
    }
    for (const [childId, list] of byChild) {
      const decided = list.filter((r) => r.status === "decided" && r.decided_at);
      const allocating = decided.filter(
        (r) => r.decision === "strategy_discussion" || r.decision === "mace" || r.decision === "nrm_referral",
      );
      if (allocating.length) {
        const first = allocating[0];
        const last = decided[decided.length - 1];
        const start = Date.parse(first.decided_at!);
        const lastAt = Date.parse(last.decided_at!);
        const closed = this.now - lastAt > 420 * DAY;
        const worker = rng.pick(workers);
        if (rng.chance(0.15) && !closed && this.now - start > 90 * DAY) {
          // Reallocated: the first worker's relationship ended when the case moved teams.
          const handover = start + rng.int(30, Math.floor((this.now - start) / DAY) - 30) * DAY;
          const previous = rng.pick(workers.filter((w) => w !== worker));
          add(
            previous,
            childId,
            "allocated_worker",
            `Allocated social worker following ${first.reference}`,
            start,
            handover,
          );
          add(
            worker,
            childId,
            "allocated_worker",
            "Allocated social worker (case transferred)",
            handover,
            null,
          );
        } else {
          const ends = closed ? Math.min(this.now - DAY, lastAt + rng.int(90, 300) * DAY) : null;
          add(
            worker,
            childId,
            "allocated_worker",
            `Allocated social worker following ${first.reference}`,
            start,
            ends,
          );
        }
      }
      const mace = decided.filter((r) => r.decision === "mace").pop();
      if (mace) {
        const at = Date.parse(mace.decided_at!);
        if (this.now - at < 548 * DAY) {
          const ends = this.now - at > 365 * DAY ? at + 365 * DAY : null;
          for (const u of panel)
            add(
              u,
              childId,
              "mace_panel",
              `MACE panel member: child in the MACE cohort since ${isoDate(at)} (${mace.reference})`,
              at,
              ends,
            );
        }
      }
    }
  }
}

type TakeFn = (
  count: number,
  prefer: { sex?: Weighted<Sex>; minAge: number; maxAge: number; towns?: string[] },
) => number[];
type Built = {
  name: string;
  towns: string[];
  children: number[];
  persons: PersonRow[];
  entities: EntityRow[];
};

/** Builds the whole county. Pure: the same options always give the same rows. */
export function generateCounty(opts: GenerateOptions): DemoCounty {
  if (!Number.isSafeInteger(opts.children) || opts.children < 0) {
    throw new RangeError(`children must be a whole number of 0 or more (got ${opts.children})`);
  }
  if (!Number.isSafeInteger(opts.seed))
    throw new RangeError(`seed must be a whole number (got ${opts.seed})`);
  return new CountyBuilder(opts.children, opts.seed, opts.referenceDate ?? DEFAULT_REFERENCE_DATE).build();
}

export type Counts = {
  agencies: number;
  users: number;
  children: number;
  referrals: number;
  missing_episodes: number;
  persons_of_concern: number;
  entities: number;
  links: number;
  relationships: number;
};

export const countsOf = (c: DemoCounty): Counts => ({
  agencies: c.agencies.length,
  users: c.users.length,
  children: c.children.length,
  referrals: c.referrals.length,
  missing_episodes: c.missing_episodes.length,
  persons_of_concern: c.persons_of_concern.length,
  entities: c.entities.length,
  links: c.links.length,
  relationships: c.relationships.length,
});
