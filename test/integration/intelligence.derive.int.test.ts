// Derived links on a real database: children missing together, found at a known place, the same
// phone in referrals about two children. Marked derived, explained, idempotent, and withdrawn when
// the records no longer support them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inScope } from "../../src/db/rls.ts";
import { deriveLinks, phoneNumbersIn, stableId } from "../../src/modules/intelligence/derive.service.ts";
import { newId } from "../../src/platform/ids.ts";
import { makeAgency, type TestApp, testApp } from "./app.ts";
import "../../src/modules/intelligence/intelligence.tables.ts";

let t: TestApp;
let agency: string;
const kids: string[] = [];
let hotel: string;
let phone: string;

const system = <T>(fn: Parameters<typeof inScope<T>>[2]) => inScope(t.app.db, { scope: "system" }, fn);

async function episode(
  child: string,
  start: string,
  hours: number,
  found: string | null = null,
  foundWith: string | null = null,
) {
  const id = newId();
  const s = new Date(start);
  await system((tx) =>
    tx
      .insertInto("missing_episodes")
      .values({
        id,
        child_id: child,
        reported_by_agency_id: agency,
        started_at: s,
        ended_at: new Date(s.getTime() + hours * 3_600_000),
        found_location: found,
        found_with: foundWith,
      })
      .execute(),
  );
  return id;
}

async function referral(child: string, text: string, when: string) {
  const id = newId();
  await system((tx) =>
    tx
      .insertInto("referrals")
      .values({
        id,
        reference: `REF-T-${id.slice(0, 6)}`,
        child_id: child,
        referrer_agency_id: agency,
        received_at: new Date(when),
        concern_types: ["cse"],
        urgency: "high",
        what_happened: text,
      } as never)
      .execute(),
  );
  return id;
}

beforeAll(async () => {
  t = await testApp();
  agency = (await makeAgency(t.app, "police", "Derive Police")).id;
  for (let i = 0; i < 5; i++) {
    const id = newId();
    kids.push(id);
    await t.app.db
      .insertInto("children")
      .values({
        id,
        reference: `CH-D${i}${id.slice(0, 4)}`,
        owning_agency_id: agency,
        given_name: `Kid${i}`,
        family_name: "Derive",
      })
      .execute();
  }
  hotel = newId();
  phone = newId();
  await t.app.db
    .insertInto("entities")
    .values([
      {
        id: hotel,
        kind: "location",
        label: "The Mill House Hotel, Saltmarsh Quay",
        subtype: "hotel",
        owning_agency_id: agency,
      },
      { id: phone, kind: "phone", label: "07700 900111", subtype: "mobile", owning_agency_id: agency },
    ])
    .execute();
});
afterAll(async () => {
  await t.close();
});

describe("derived links", () => {
  it("finds UK mobile numbers however they are written", () => {
    expect(
      phoneNumbersIn("call 07700900123 or +44 7700 900124, not 0161 496 0000; 0044 7700 900 125."),
    ).toEqual(["07700 900123", "07700 900124", "07700 900125"]);
  });

  it("derives, explains, stays put on a re-run, and withdraws what the records no longer support", async () => {
    const [a, b, c, d, e] = kids;
    // a and b missing together twice (starts within an hour, back within two hours); c once with a
    // (not enough); d once with e, found together (enough).
    await episode(a, "2026-05-02T19:00:00Z", 8, "Found by police at The Mill House Hotel, Saltmarsh Quay");
    await episode(b, "2026-05-02T19:40:00Z", 7);
    const second = await episode(a, "2026-06-10T21:00:00Z", 5);
    await episode(b, "2026-06-10T21:30:00Z", 5);
    await episode(c, "2026-06-10T21:15:00Z", 5);
    await episode(c, "2026-08-01T20:00:00Z", 50);
    await episode(a, "2026-08-01T20:10:00Z", 4);
    const ref = (id: string) =>
      t.app.db.selectFrom("children").select("reference").where("id", "=", id).executeTakeFirstOrThrow();
    await episode(
      d,
      "2026-09-01T18:00:00Z",
      6,
      null,
      `Another child known to services (${(await ref(e)).reference})`,
    );
    await episode(e, "2026-09-01T18:20:00Z", 6);
    // The same number in referrals about d and e (no phone entity yet), and the known phone in one about c.
    await referral(d, "Messages from 07700 900222 offering lifts.", "2026-07-01T10:00:00Z");
    await referral(e, "A man using +44 7700 900222 picks her up from school.", "2026-07-03T10:00:00Z");
    await referral(c, "Calls from 07700900111 late at night.", "2026-07-05T10:00:00Z");

    const r1 = await deriveLinks(t.app.db, t.app.clock);
    expect(r1).toMatchObject({
      missing_together: 2,
      found_at_place: 1,
      phone_in_referral: 3,
      phonesCreated: 1,
      removed: 0,
    });
    const links = await system((tx) =>
      tx.selectFrom("links").selectAll().where("derived", "=", true).execute(),
    );
    const pair = (x: string, y: string) =>
      links.find(
        (l) => l.link_type === "missing_with" && [l.from_id, l.to_id].sort().join() === [x, y].sort().join(),
      );
    const together = pair(a, b)!;
    expect(together).toBeDefined();
    expect(pair(d, e)?.explanation).toContain("Found together on 2026-09-01");
    // a and c: together on 10 June, but on 1 August c came back two days later: once is not enough.
    expect(pair(a, c)).toBeUndefined();
    expect(together.derived_rule).toBe("missing_together");
    expect(together.explanation).toContain(
      "Missing at the same time on 2 occasions (2026-05-02, 2026-06-10)",
    );
    const found = links.find((l) => l.link_type === "found_at")!;
    expect(found.from_id).toBe(a);
    expect(found.to_id).toBe(hotel);
    expect(found.explanation).toContain("Found at The Mill House Hotel, Saltmarsh Quay");
    const phones = links.filter((l) => l.link_type === "phone_in_referral");
    const created = stableId("phone_in_referral|phone|07700 900222");
    expect(
      phones
        .filter((l) => l.to_id === created)
        .map((l) => l.from_id)
        .sort(),
    ).toEqual([d, e].sort());
    expect(phones.find((l) => l.to_id === phone)?.from_id).toBe(c);
    expect(phones.find((l) => l.to_id === created)?.explanation).toContain(
      "is written in 2 referrals about 2 children",
    );
    const entity = await system((tx) =>
      tx.selectFrom("entities").selectAll().where("id", "=", created).executeTakeFirst(),
    );
    expect(entity?.label).toBe("07700 900222");

    // Re-run: nothing changes.
    const r2 = await deriveLinks(t.app.db, t.app.clock);
    expect(r2).toMatchObject({
      missing_together: 2,
      found_at_place: 1,
      phone_in_referral: 3,
      removed: 0,
      phonesCreated: 0,
    });
    const again = await system((tx) =>
      tx.selectFrom("links").select("id").where("derived", "=", true).execute(),
    );
    expect(again.map((l) => l.id).sort()).toEqual(links.map((l) => l.id).sort());

    // One of the two occasions was recorded in error: the derived link goes.
    await system((tx) => tx.deleteFrom("missing_episodes").where("id", "=", second).execute());
    const r3 = await deriveLinks(t.app.db, t.app.clock);
    expect(r3.missing_together).toBe(1);
    expect(r3.removed).toBe(1);
    // Links people recorded are never touched.
    const manual = newId();
    await system((tx) =>
      tx
        .insertInto("links")
        .values({
          id: manual,
          from_kind: "child",
          from_id: c,
          to_kind: "entity",
          to_id: phone,
          link_type: "in_contact_with",
          source_agency_id: agency,
        })
        .execute(),
    );
    await deriveLinks(t.app.db, t.app.clock);
    expect(
      await system((tx) => tx.selectFrom("links").select("id").where("id", "=", manual).executeTakeFirst()),
    ).toBeTruthy();
  });
});
