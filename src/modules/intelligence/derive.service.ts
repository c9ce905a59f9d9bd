// Links derived from Lantern's own records, each marked derived and explained:
//   missing_together  two children missing at the same time (starts within an hour, returns within
//                     two hours) on two or more days, or once when found together → "missing_with"
//   found_at_place    a missing episode's "found at" names a known place → child → place "found_at"
//   phone_in_referral a mobile number written in referrals about two or more children, or matching
//                     a known phone → child → phone "phone_in_referral"
// The job (intelligence.derive-links) recomputes them all: ids are derived from the rule and the two
// ends, so re-running changes nothing unless the records changed; links the records no longer
// support are removed. Links recorded by people (derived_rule null) are never touched.
import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { inScope } from "../../db/rls.ts";
import type { DB } from "../../db/schema.ts";
import type { Clock } from "../../platform/clock.ts";
import { audit } from "../audit/index.ts";
import "./intelligence.tables.ts";

export const DERIVED_RULES = ["missing_together", "found_at_place", "phone_in_referral"] as const;
export type DerivedRule = (typeof DERIVED_RULES)[number];

const HOUR = 3_600_000;
const TOGETHER_START_MS = HOUR;
const TOGETHER_END_MS = 2 * HOUR;

/** A stable UUID (version 8, RFC 9562 "custom") from a string. */
export function stableId(s: string): string {
  const h = createHash("sha256").update(s).digest("hex");
  const variant = ((Number.parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** UK mobile numbers in free text, normalised as "07700 900123". */
export function phoneNumbersIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?<![\d+])(?:\+44\s?|0044\s?|0)(7\d{3})\s?(\d{3})\s?(\d{3})(?!\d)/g))
    out.add(`0${m[1]} ${m[2]}${m[3]}`);
  return [...out];
}
const normalisePhone = (label: string) => phoneNumbersIn(label)[0] ?? null;

type Episode = {
  id: string;
  child_id: string;
  started_at: Date;
  ended_at: Date | null;
  found_location: string | null;
  found_with?: string | null;
  reported_by_agency_id: string;
};

export type DerivedLink = {
  id: string;
  rule: DerivedRule;
  from_kind: "child" | "entity";
  from_id: string;
  to_kind: "child" | "entity";
  to_id: string;
  link_type: string;
  valid_from: string;
  valid_to: string | null;
  source_agency_id: string;
  explanation: string;
};

const day = (d: Date) => d.toISOString().slice(0, 10);
const list = (xs: string[]) =>
  xs.length <= 6 ? xs.join(", ") : `${xs.slice(0, 6).join(", ")} and ${xs.length - 6} more`;

/**
 * Pairs of children missing together: episodes that started within an hour of each other and
 * ended within two hours of each other (or are both still open), on two or more days — or on one
 * day when either episode records being found with the other child (by reference). Pure.
 */
export function missingTogether(
  episodes: readonly Episode[],
  _now: Date,
  references: ReadonlyMap<string, string> = new Map(),
): DerivedLink[] {
  const sorted = [...episodes].sort((a, b) => a.started_at.getTime() - b.started_at.getTime());
  const pairs = new Map<
    string,
    { a: string; b: string; days: Set<string>; named: Set<string>; agency: string }
  >();
  const names = (e: Episode, other: string) => {
    const ref = references.get(other);
    return Boolean(ref && e.found_with?.includes(ref));
  };
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i];
    const xs = x.started_at.getTime();
    for (let j = i + 1; j < sorted.length; j++) {
      const y = sorted[j];
      const ys = y.started_at.getTime();
      if (ys - xs > TOGETHER_START_MS) break;
      if (y.child_id === x.child_id) continue;
      const bothOpen = x.ended_at === null && y.ended_at === null;
      const endsClose =
        x.ended_at !== null &&
        y.ended_at !== null &&
        Math.abs(x.ended_at.getTime() - y.ended_at.getTime()) <= TOGETHER_END_MS;
      if (!bothOpen && !endsClose) continue;
      const [a, b] = x.child_id < y.child_id ? [x.child_id, y.child_id] : [y.child_id, x.child_id];
      const key = `${a}|${b}`;
      const p = pairs.get(key) ?? {
        a,
        b,
        days: new Set<string>(),
        named: new Set<string>(),
        agency: x.reported_by_agency_id,
      };
      p.days.add(day(x.started_at));
      if (names(x, y.child_id) || names(y, x.child_id)) p.named.add(day(x.started_at));
      pairs.set(key, p);
    }
  }
  const out: DerivedLink[] = [];
  for (const p of pairs.values()) {
    if (p.days.size < 2 && p.named.size === 0) continue;
    const days = [...p.days].sort();
    const found = p.named.size
      ? ` Found together on ${list([...p.named].sort())} (recorded on the missing episode).`
      : "";
    out.push({
      id: stableId(`missing_together|${p.a}|${p.b}`),
      rule: "missing_together",
      from_kind: "child",
      from_id: p.a,
      to_kind: "child",
      to_id: p.b,
      link_type: "missing_with",
      valid_from: days[0],
      valid_to: days[days.length - 1],
      source_agency_id: p.agency,
      explanation: `Missing at the same time on ${days.length === 1 ? "1 occasion" : `${days.length} occasions`} (${list(days)}): their missing episodes started within an hour and ended within two hours of each other.${found} Derived from missing episode records.`,
    });
  }
  return out;
}

/** Children found at a known place (the "found at" text names a place Lantern knows). Pure. */
export function foundAtPlaces(
  episodes: readonly Episode[],
  places: readonly { id: string; label: string }[],
): DerivedLink[] {
  const byLabel = new Map(places.map((p) => [p.label.trim().toLowerCase(), p]));
  const hits = new Map<
    string,
    { child: string; place: { id: string; label: string }; days: Set<string>; agency: string }
  >();
  for (const e of episodes) {
    const text = e.found_location?.trim();
    if (!text) continue;
    const candidates = [text, ...text.split(/\bat\s+/i).slice(1)].map((s) =>
      s.trim().replace(/[.]$/, "").toLowerCase(),
    );
    const place = candidates.map((c) => byLabel.get(c)).find(Boolean);
    if (!place) continue;
    const key = `${e.child_id}|${place.id}`;
    const h = hits.get(key) ?? {
      child: e.child_id,
      place,
      days: new Set<string>(),
      agency: e.reported_by_agency_id,
    };
    h.days.add(day(e.started_at));
    hits.set(key, h);
  }
  return [...hits.values()].map((h) => {
    const days = [...h.days].sort();
    return {
      id: stableId(`found_at_place|${h.child}|${h.place.id}`),
      rule: "found_at_place" as const,
      from_kind: "child" as const,
      from_id: h.child,
      to_kind: "entity" as const,
      to_id: h.place.id,
      link_type: "found_at",
      valid_from: days[0],
      valid_to: days[days.length - 1],
      source_agency_id: h.agency,
      explanation: `Found at ${h.place.label} after going missing ${days.length === 1 ? "once" : `${days.length} times`} (${list(days)}). Derived from missing episode records.`,
    };
  });
}

type ReferralText = {
  id: string;
  reference: string;
  child_id: string;
  received_at: Date;
  referrer_agency_id: string;
  text: string;
};

/** Mobile numbers in referrals about two or more children, or matching a known phone. Pure. */
export function phonesInReferrals(
  referrals: readonly ReferralText[],
  phones: readonly { id: string; label: string }[],
): { links: DerivedLink[]; newPhones: { id: string; number: string; agency: string }[] } {
  const known = new Map<string, string>();
  for (const p of phones) {
    const n = normalisePhone(p.label);
    if (n && !known.has(n)) known.set(n, p.id);
  }
  const seen = new Map<string, ReferralText[]>();
  for (const r of referrals)
    for (const n of phoneNumbersIn(r.text)) {
      const l = seen.get(n) ?? [];
      l.push(r);
      seen.set(n, l);
    }
  const links: DerivedLink[] = [];
  const newPhones: { id: string; number: string; agency: string }[] = [];
  for (const [number, refs] of seen) {
    refs.sort((a, b) => a.received_at.getTime() - b.received_at.getTime());
    const children = [...new Set(refs.map((r) => r.child_id))];
    let phoneId = known.get(number);
    if (!phoneId) {
      if (children.length < 2) continue;
      phoneId = stableId(`phone_in_referral|phone|${number}`);
      newPhones.push({ id: phoneId, number, agency: refs[0].referrer_agency_id });
    }
    const cited = refs.map((r) => `${r.reference} (${day(r.received_at)})`);
    for (const child of children) {
      const mine = refs.filter((r) => r.child_id === child);
      links.push({
        id: stableId(`phone_in_referral|${child}|${phoneId}`),
        rule: "phone_in_referral",
        from_kind: "child",
        from_id: child,
        to_kind: "entity",
        to_id: phoneId,
        link_type: "phone_in_referral",
        valid_from: day(mine[0].received_at),
        valid_to: day(mine[mine.length - 1].received_at),
        source_agency_id: mine[0].referrer_agency_id,
        explanation: `The number ${number} is written in ${refs.length === 1 ? "a referral" : `${refs.length} referrals`}${children.length > 1 ? ` about ${children.length} children` : ""}: ${list(cited)}. Derived from referral records.`,
      });
    }
  }
  return { links, newPhones };
}

export type DeriveResult = Record<DerivedRule, number> & { removed: number; phonesCreated: number };

/** Recomputes every derived link (system scope, one transaction). */
export async function deriveLinks(db: Kysely<DB>, clock: Clock): Promise<DeriveResult> {
  const now = clock.now();
  return inScope(db, { scope: "system" }, async (tx) => {
    const episodes = (await tx
      .selectFrom("missing_episodes")
      .select([
        "id",
        "child_id",
        "started_at",
        "ended_at",
        "found_location",
        "found_with",
        "reported_by_agency_id",
      ])
      .execute()) as Episode[];
    const withRefs = [...new Set(episodes.filter((e) => e.found_with).map((e) => e.child_id))];
    const refRows = withRefs.length
      ? await tx
          .selectFrom("children")
          .select(["id", "reference"])
          .where(sql<boolean>`id = any(${[...new Set(episodes.map((e) => e.child_id))]}::uuid[])`)
          .execute()
      : [];
    const references = new Map(refRows.map((r) => [r.id, r.reference]));
    const places = await tx
      .selectFrom("entities")
      .select(["id", "label"])
      .where("kind", "in", ["location", "organisation"])
      .execute();
    const phones = await tx
      .selectFrom("entities")
      .select(["id", "label"])
      .where("kind", "=", "phone")
      .execute();
    const referrals = await sql<ReferralText>`select id, reference, child_id, received_at, referrer_agency_id,
        concat_ws(' ', what_happened, child_voice, child_wishes) as text
      from referrals where child_id is not null and concat_ws(' ', what_happened, child_voice, child_wishes) ~ '(\\+44|0044|0)\\s?7[0-9]{3}'`
      .execute(tx)
      .then((r) => r.rows);

    const phoneResult = phonesInReferrals(referrals, phones);
    let derived = [
      ...missingTogether(episodes, now, references),
      ...foundAtPlaces(episodes, places),
      ...phoneResult.links,
    ];
    // Links people (or the demo) already recorded between the same two ends, of the same type, win.
    const existing = await tx
      .selectFrom("links")
      .select(["from_id", "to_id", "link_type"])
      .where("derived_rule", "is", null)
      .where("link_type", "in", ["missing_with", "found_at", "phone_in_referral"])
      .execute();
    const taken = new Set(
      existing.flatMap((l) => [
        `${l.from_id}|${l.to_id}|${l.link_type}`,
        `${l.to_id}|${l.from_id}|${l.link_type}`,
      ]),
    );
    derived = derived.filter((d) => !taken.has(`${d.from_id}|${d.to_id}|${d.link_type}`));

    for (const p of phoneResult.newPhones) {
      await tx
        .insertInto("entities")
        .values({
          id: p.id,
          kind: "phone",
          label: p.number,
          subtype: "mobile",
          attributes: JSON.stringify({
            number: p.number,
            note: "Recorded from referrals that mention it",
          }) as never,
          owning_agency_id: p.agency,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
    }
    for (let i = 0; i < derived.length; i += 500) {
      const batch = derived.slice(i, i + 500);
      await tx
        .insertInto("links")
        .values(
          batch.map((d) => ({
            id: d.id,
            from_kind: d.from_kind,
            from_id: d.from_id,
            to_kind: d.to_kind,
            to_id: d.to_id,
            link_type: d.link_type,
            valid_from: d.valid_from,
            valid_to: d.valid_to,
            source_agency_id: d.source_agency_id,
            provenance: "Derived by Lantern from its own records",
            grading: null,
            derived: true,
            derived_rule: d.rule,
            explanation: d.explanation,
            created_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.column("id").doUpdateSet((eb) => ({
            valid_from: eb.ref("excluded.valid_from"),
            valid_to: eb.ref("excluded.valid_to"),
            explanation: eb.ref("excluded.explanation"),
            source_agency_id: eb.ref("excluded.source_agency_id"),
          })),
        )
        .execute();
    }
    const keep = derived.map((d) => d.id);
    const removed = await tx
      .deleteFrom("links")
      .where("derived_rule", "in", [...DERIVED_RULES])
      .where(sql<boolean>`id <> all(${keep}::uuid[])`)
      .executeTakeFirst();
    const counts = {
      missing_together: derived.filter((d) => d.rule === "missing_together").length,
      found_at_place: derived.filter((d) => d.rule === "found_at_place").length,
      phone_in_referral: derived.filter((d) => d.rule === "phone_in_referral").length,
      removed: Number(removed.numDeletedRows),
      phonesCreated: phoneResult.newPhones.length,
    };
    await audit(tx, {
      userId: null,
      agencyId: null,
      action: "links.derive",
      recordType: "link",
      reason: "derived links recomputed from missing episodes and referrals",
      details: counts,
    });
    return counts;
  });
}
