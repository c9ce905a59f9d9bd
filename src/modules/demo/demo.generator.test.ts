import { describe, expect, it } from "vitest";
import { ROLES } from "../identity/roles.ts";
import { DEMO_PASSWORD, emailLocalPart, generateCounty, KEY_DEMO_USERS } from "./demo.generator.ts";
import {
  addWorkingDays,
  isoDate,
  isoInstant,
  isValidNhsNumber,
  isValidUpn,
  londonTime,
  nhsCheckDigit,
  UK_POSTCODE,
} from "./demo.identifiers.ts";
import { Rng } from "./prng.ts";

const big = generateCounty({ children: 5000, seed: 7 });
const share = (n: number, of: number) => n / of;

describe("generateCounty: determinism", () => {
  it("gives byte-identical output for the same size and seed, and different output for another seed", () => {
    const a = JSON.stringify(generateCounty({ children: 800, seed: 42 }));
    const b = JSON.stringify(generateCounty({ children: 800, seed: 42 }));
    const c = JSON.stringify(generateCounty({ children: 800, seed: 43 }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("keeps dates relative to the reference date", () => {
    const a = generateCounty({ children: 300, seed: 1, referenceDate: "2026-11-01" });
    const b = generateCounty({ children: 300, seed: 1, referenceDate: "2027-03-15" });
    expect(a.children.map((c) => c.id)).toEqual(b.children.map((c) => c.id));
    expect(a.referrals[0].received_at).not.toBe(b.referrals[0].received_at);
    for (const county of [a, b]) {
      const limit = `${county.referenceDate}T09:00:00.000Z`;
      for (const r of county.referrals) expect(r.received_at < limit).toBe(true);
      for (const m of county.missing_episodes) expect(m.started_at < limit).toBe(true);
    }
  });

  it("uses version-4-format ids that are unique across every table", () => {
    const ids = [
      ...big.agencies,
      ...big.users,
      ...big.children,
      ...big.referrals,
      ...big.missing_episodes,
      ...big.persons_of_concern,
      ...big.entities,
      ...big.links,
      ...big.relationships,
    ].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 500))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("rejects a negative or fractional size and a bad reference date", () => {
    expect(() => generateCounty({ children: -1, seed: 1 })).toThrow(RangeError);
    expect(() => generateCounty({ children: 1.5, seed: 1 })).toThrow(RangeError);
    expect(() => generateCounty({ children: 10, seed: 1, referenceDate: "2026-02-30" })).toThrow(RangeError);
  });

  it("works for an empty or tiny county", () => {
    expect(generateCounty({ children: 0, seed: 1 }).children).toHaveLength(0);
    expect(generateCounty({ children: 7, seed: 1 }).children).toHaveLength(7);
  });
});

describe("generateCounty: children", () => {
  const kids = big.children;
  const n = kids.length;

  it("has the requested number of children with unique references", () => {
    expect(n).toBe(5000);
    expect(new Set(kids.map((c) => c.reference)).size).toBe(n);
    expect(kids[0].reference).toMatch(/^CH-\d{6}$/);
  });

  it("has realistic proportions: about half boys, ~30% SEND, ~10% looked after, mostly aged 10–17", () => {
    expect(share(kids.filter((c) => c.sex === "male").length, n)).toBeGreaterThanOrEqual(0.45);
    expect(share(kids.filter((c) => c.sex === "male").length, n)).toBeLessThanOrEqual(0.55);
    expect(kids.some((c) => c.sex === "other") && kids.some((c) => c.sex === "unknown")).toBe(true);
    const send = share(
      kids.filter((c) => c.send_status === "sen_support" || c.send_status === "ehcp").length,
      n,
    );
    expect(send).toBeGreaterThanOrEqual(0.25);
    expect(send).toBeLessThanOrEqual(0.35);
    const lac = share(kids.filter((c) => c.looked_after).length, n);
    expect(lac).toBeGreaterThanOrEqual(0.07);
    expect(lac).toBeLessThanOrEqual(0.13);
    const ref = Date.parse(big.referenceDate);
    const age = (dob: string) => (ref - Date.parse(dob)) / (365.25 * 86_400_000);
    const teens = kids.filter((c) => {
      const a = age(c.date_of_birth!);
      return a >= 10 && a < 18;
    }).length;
    expect(share(teens, n)).toBeGreaterThan(0.65);
    expect(kids.every((c) => age(c.date_of_birth!) < 18)).toBe(true);
    expect(share(kids.filter((c) => c.ethnicity === "WBRI").length, n)).toBeGreaterThan(0.6);
    expect(new Set(kids.map((c) => c.ethnicity)).size).toBeGreaterThan(12);
  });

  it("gives looked-after children a placement and placing authority, some out of area", () => {
    const lac = kids.filter((c) => c.looked_after);
    for (const c of lac) {
      expect(c.placing_authority).toBeTruthy();
      expect(c.placement_type).toBeTruthy();
      expect(c.placement_address).toBeTruthy();
    }
    expect(lac.filter((c) => c.out_of_area).length).toBeGreaterThan(lac.length * 0.1);
    expect(kids.filter((c) => !c.looked_after).every((c) => !c.placing_authority && !c.out_of_area)).toBe(
      true,
    );
  });

  it("gives valid NHS numbers (mod 11, the 999 test range, unique) with some missing", () => {
    expect(isValidNhsNumber("9434765919")).toBe(true); // the NHS's published example
    expect(isValidNhsNumber("9434765918")).toBe(false);
    expect(nhsCheckDigit("943476591")).toBe(9);
    const nhs = kids.map((c) => c.nhs_number).filter((x): x is string => x !== null);
    expect(nhs.length).toBeLessThan(n);
    expect(nhs.length).toBeGreaterThan(n * 0.85);
    for (const x of nhs) {
      expect(isValidNhsNumber(x)).toBe(true);
      expect(x.startsWith("999")).toBe(true);
    }
    expect(new Set(nhs).size).toBe(nhs.length);
  });

  it("gives 13-character UPNs with a correct check letter, some missing", () => {
    const upns = kids.map((c) => c.upn).filter((x): x is string => x !== null);
    expect(upns.length).toBeGreaterThan(n * 0.6);
    expect(upns.length).toBeLessThan(n);
    for (const u of upns) expect(isValidUpn(u)).toBe(true);
    expect(isValidUpn(`${upns[0][0] === "A" ? "B" : "A"}${upns[0].slice(1)}`)).toBe(false);
  });

  it("uses UK-format postcodes from invented postcode areas only", () => {
    const postcodes = [
      ...kids.flatMap((c) => [c.home_postcode, c.placement_postcode]),
      ...big.entities.map((e) => e.attributes.postcode ?? null),
    ].filter((p): p is string => p !== null);
    expect(postcodes.length).toBeGreaterThan(n);
    for (const p of postcodes) {
      expect(p).toMatch(UK_POSTCODE);
      expect(p).toMatch(/^(NM|KR|FW)\d/);
    }
  });

  it("puts school-age children in schools of the right kind", () => {
    const schools = new Map(big.agencies.filter((a) => a.kind === "school").map((a) => [a.id, a.name]));
    expect(schools.size).toBeGreaterThanOrEqual(38);
    const inSchool = kids.filter((c) => c.school_agency_id);
    expect(inSchool.length).toBeGreaterThan(n * 0.8);
    for (const c of inSchool) expect(schools.has(c.school_agency_id!)).toBe(true);
  });
});

describe("generateCounty: agencies and users", () => {
  it("has the partnership's agencies with drama-range phone numbers", () => {
    const kinds = big.agencies.map((a) => a.kind);
    for (const k of [
      "police",
      "social_care",
      "health",
      "school",
      "youth_justice",
      "voluntary",
      "council",
      "partnership",
    ]) {
      expect(kinds).toContain(k);
    }
    expect(kinds.filter((k) => k === "health")).toHaveLength(2);
    expect(kinds.filter((k) => k === "voluntary")).toHaveLength(2);
    for (const a of big.agencies) {
      expect(a.contact_phone).toMatch(/^01632 960\d{3}$/);
      expect(a.contact_email).toMatch(/^[a-z0-9.]+@[a-z0-9.-]+\.example$/);
    }
    expect(new Set(big.agencies.map((a) => a.code)).size).toBe(big.agencies.length);
  });

  it("has users for every role across several agencies, with unique valid lower-case emails", () => {
    const users = big.users;
    expect(users.length).toBeGreaterThanOrEqual(40);
    expect(users.length).toBeLessThanOrEqual(80);
    for (const role of ROLES) expect(users.some((u) => u.roles.includes(role))).toBe(true);
    const emails = users.map((u) => u.email);
    expect(new Set(emails).size).toBe(emails.length);
    for (const e of emails) {
      expect(e).toBe(e.toLowerCase());
      expect(e).toMatch(/^[a-z0-9]+([.-][a-z0-9]+)*@([a-z0-9-]+\.)+example$/);
    }
    const kindOf = new Map(big.agencies.map((a) => [a.id, a.kind]));
    const practitionerKinds = new Set(
      users.filter((u) => u.roles.includes("practitioner")).map((u) => kindOf.get(u.agency_id)),
    );
    for (const k of ["police", "social_care", "health", "school", "youth_justice", "voluntary"])
      expect(practitionerKinds).toContain(k);
    expect(emailLocalPart("Liam O'Connor")).toBe("liam.oconnor");
    expect(emailLocalPart("Ewa Zielińska")).toBe("ewa.zielinska");
  });

  it("lists key demo users (one per role, a school DSL and a health practitioner) who all exist", () => {
    expect(DEMO_PASSWORD).toBe("lantern-demo");
    const emails = new Set(big.users.map((u) => u.email));
    expect(KEY_DEMO_USERS.length).toBeGreaterThanOrEqual(8);
    expect(KEY_DEMO_USERS.length).toBeLessThanOrEqual(10);
    for (const k of KEY_DEMO_USERS) expect(emails.has(k.email)).toBe(true);
    for (const role of ROLES) expect(KEY_DEMO_USERS.some((k) => k.role === role)).toBe(true);
    expect(KEY_DEMO_USERS.some((k) => k.email.includes(".sch.example"))).toBe(true);
    expect(KEY_DEMO_USERS.some((k) => k.email.includes(".nhs.example") && k.role === "practitioner")).toBe(
      true,
    );
  });
});

describe("generateCounty: exploitation work", () => {
  const childIds = new Set(big.children.map((c) => c.id));
  const personIds = new Set(big.persons_of_concern.map((p) => p.id));
  const entityIds = new Set(big.entities.map((e) => e.id));
  const exists = (kind: string, id: string) =>
    kind === "child" ? childIds.has(id) : kind === "person" ? personIds.has(id) : entityIds.has(id);

  it("makes a minority of children known through referrals", () => {
    const referred = new Set(big.referrals.map((r) => r.child_id).filter(Boolean));
    const s = share(referred.size, big.children.length);
    expect(s).toBeGreaterThanOrEqual(0.03);
    expect(s).toBeLessThanOrEqual(0.06);
  });

  it("links only things that exist, with valid grading and explained derived links", () => {
    expect(big.links.length).toBeGreaterThan(100);
    for (const l of big.links) {
      expect(exists(l.from_kind, l.from_id)).toBe(true);
      expect(exists(l.to_kind, l.to_id)).toBe(true);
      if (l.grading !== null) expect(l.grading).toMatch(/^[1-3][A-E][PC]$/);
      expect(l.provenance).toBeTruthy();
      if (l.valid_to) expect(l.valid_to >= l.valid_from!).toBe(true);
    }
    const derived = big.links.filter((l) => l.derived);
    expect(derived.length).toBeGreaterThan(0);
    for (const d of derived) expect(d.provenance).toMatch(/on \d occasions/);
    const types = new Set(big.links.map((l) => l.link_type));
    for (const t of [
      "associate",
      "seen_with",
      "found_at",
      "uses_phone",
      "drives",
      "missing_with",
      "frequents",
      "owns",
    ]) {
      expect(types).toContain(t);
    }
  });

  it("builds several networks of at least two people, of each kind, exploiting girls and boys", () => {
    const nets = big.networks;
    expect(nets.length).toBeGreaterThanOrEqual(3);
    for (const net of nets) {
      expect(net.child_ids.length + net.person_ids.length).toBeGreaterThanOrEqual(2);
      for (const id of net.child_ids) expect(childIds.has(id)).toBe(true);
      for (const id of net.person_ids) expect(personIds.has(id)).toBe(true);
      for (const id of net.entity_ids) expect(entityIds.has(id)).toBe(true);
    }
    const kinds = new Set(nets.map((x) => x.kind));
    for (const k of ["county_lines", "cse_group", "peer_group"]) expect(kinds).toContain(k);
    const sexOf = new Map(big.children.map((c) => [c.id, c.sex]));
    const mixed = nets.filter(
      (x) =>
        x.kind === "cse_group" &&
        x.child_ids.some((id) => sexOf.get(id) === "male") &&
        x.child_ids.some((id) => sexOf.get(id) === "female"),
    );
    expect(mixed.length).toBeGreaterThan(0);
    const line = nets.find((x) => x.kind === "county_lines")!;
    expect(line.towns).toHaveLength(2);
    expect(line.person_ids.length).toBeGreaterThanOrEqual(2); // line holder and middle tier
  });

  it("the small county used by integration tests still has all three network kinds", () => {
    const small = generateCounty({ children: 300, seed: 1 });
    expect(new Set(small.networks.map((x) => x.kind))).toEqual(
      new Set(["county_lines", "cse_group", "peer_group"]),
    );
  });

  it("has referrals of every kind and state, internally consistent", () => {
    const r = big.referrals;
    const kinds = new Set(r.map((x) => x.kind));
    expect(kinds).toEqual(new Set(["child", "intelligence", "unknown_child"]));
    const statuses = new Set(r.map((x) => x.status));
    for (const s of ["awaiting_screening", "in_screening", "decided"]) expect(statuses).toContain(s);
    const users = new Set(big.users.map((u) => u.id));
    for (const x of r) {
      expect(x.reference).toMatch(/^REF-\d{4}-\d{6}$/);
      expect(x.what_happened.length).toBeGreaterThan(40);
      expect(x.concern_types.length).toBeGreaterThan(0);
      expect(x.screening_due_at! > x.received_at).toBe(true);
      if (x.kind === "child") expect(childIds.has(x.child_id!)).toBe(true);
      else expect(x.child_id).toBeNull();
      if (x.kind === "unknown_child") expect(x.unknown_child_description).toBeTruthy();
      if (x.referrer_user_id) expect(users.has(x.referrer_user_id)).toBe(true);
      if (x.status === "decided") {
        expect(x.decision && x.decided_by && x.decided_at && x.decision_rationale).toBeTruthy();
        expect(x.decided_at! >= x.received_at).toBe(true);
      } else expect(x.decision).toBeNull();
      expect(x.what_happened).not.toMatch(/\{[a-zA-Z]+\}/); // every placeholder filled
    }
    expect(new Set(r.map((x) => x.reference)).size).toBe(r.length);
    expect(
      r.some((x) => x.status === "awaiting_screening" && x.screening_due_at! < `${big.referenceDate}T08:00`),
    ).toBe(true);
    const concerns = new Set(r.flatMap((x) => x.concern_types));
    for (const c of ["cse", "cce", "county_lines", "trafficking", "online", "other"])
      expect(concerns).toContain(c);
  });

  it("has missing episodes that never overlap for one child, some open now, with return interviews", () => {
    const eps = big.missing_episodes;
    const byChild = new Map<string, [number, number][]>();
    for (const e of eps) {
      expect(childIds.has(e.child_id)).toBe(true);
      const s = Date.parse(e.started_at);
      const end = e.ended_at ? Date.parse(e.ended_at) : Number.POSITIVE_INFINITY;
      expect(end).toBeGreaterThanOrEqual(s);
      if (e.ended_at === null) expect(e.rhi_status).toBe("not_due");
      if (e.rhi_status === "completed") expect(e.rhi_completed_at! >= e.rhi_offered_at!).toBe(true);
      const list = byChild.get(e.child_id) ?? [];
      list.push([s, end]);
      byChild.set(e.child_id, list);
    }
    for (const list of byChild.values()) {
      list.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < list.length; i++) expect(list[i][0]).toBeGreaterThan(list[i - 1][1]);
    }
    expect(eps.some((e) => e.ended_at === null)).toBe(true);
    expect([...byChild.values()].some((l) => l.length >= 4)).toBe(true); // repeat missing
    const rhi = new Set(eps.map((e) => e.rhi_status));
    for (const s of ["completed", "declined", "not_completed", "due", "offered"]) expect(rhi).toContain(s);
  });

  it("gives persons of concern demographics (sometimes missing) and a few registered sex offenders", () => {
    const p = big.persons_of_concern;
    expect(p.some((x) => x.registered_sex_offender)).toBe(true);
    expect(p.some((x) => x.ethnicity === null)).toBe(true);
    expect(p.some((x) => x.sex === "female")).toBe(true);
    for (const x of p) expect(x.date_of_birth !== null || x.estimated_age !== null).toBe(true);
    const phones = big.entities.filter((e) => e.kind === "phone");
    for (const ph of phones) expect(ph.label).toMatch(/^07700 900\d{3}$/);
    for (const kind of ["location", "vehicle", "phone", "online_account"]) {
      expect(big.entities.some((e) => e.kind === kind)).toBe(true);
    }
    const subtypes = new Set(big.entities.map((e) => e.subtype));
    for (const s of ["takeaway", "hotel", "park", "residential", "railway_station"])
      expect(subtypes).toContain(s);
  });

  it("gives relationships with a reason to existing users and children", () => {
    const users = new Map(big.users.map((u) => [u.id, u]));
    const kinds = new Set(big.relationships.map((r) => r.kind));
    for (const k of ["allocated_worker", "mace_panel", "referrer"]) expect(kinds).toContain(k);
    const socialCare = big.agencies.find((a) => a.kind === "social_care")!.id;
    for (const r of big.relationships) {
      expect(users.has(r.user_id)).toBe(true);
      expect(childIds.has(r.child_id)).toBe(true);
      expect(r.reason.length).toBeGreaterThan(5);
      if (r.ends_at) expect(r.ends_at >= r.starts_at).toBe(true);
      if (r.kind === "allocated_worker") expect(users.get(r.user_id)!.agency_id).toBe(socialCare);
    }
  });
});

describe("identifiers and clocks", () => {
  it("converts London wall-clock times in both GMT and BST", () => {
    expect(isoInstant(londonTime(Date.UTC(2026, 6, 1), 12 * 60))).toBe("2026-07-01T11:00:00.000Z");
    expect(isoInstant(londonTime(Date.UTC(2026, 11, 1), 12 * 60))).toBe("2026-12-01T12:00:00.000Z");
  });

  it("skips weekends and bank holidays when adding working days", () => {
    const christmasEve = londonTime(Date.UTC(2026, 11, 24), 10 * 60); // Thursday
    expect(isoInstant(addWorkingDays(christmasEve, 1))).toBe("2026-12-29T10:00:00.000Z");
  });

  it("formats dates exactly like Date#toISOString", () => {
    const rng = new Rng(5, "dates");
    for (let i = 0; i < 2000; i++) {
      const ms = rng.int(-2_000_000_000, 2_000_000_000) * 1000 + rng.int(0, 999);
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
      expect(isoDate(ms)).toBe(new Date(ms).toISOString().slice(0, 10));
    }
  });
});
