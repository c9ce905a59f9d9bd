// The records the generated authorization test needs for one subject: a child owned by the "own"
// agency (with the subject as allocated worker when related), and whatever each module's routes
// need. A module that adds routes with path parameters adds its records here and names them in
// its routes' `example`.
import { sql } from "kysely";
import type { App } from "../../src/app.ts";
import type { AuthzFixture } from "../../src/http/routes.ts";
import { ensureDictionary } from "../../src/modules/language/index.ts";
import { newId } from "../../src/platform/ids.ts";
import { approvalsFixture } from "./approvals.fixture.ts";
import { intelligenceFixture } from "./intelligence.fixture.ts";
import { linkageFixture } from "./linkage.fixture.ts";
import { referralsFixture } from "./referrals.fixture.ts";
import { trackerFixture } from "./tracker.fixture.ts";

export type FixtureContext = {
  ownAgencyId: string;
  userId: string;
  email: string;
  password: string;
  related: boolean;
  /** Another user in the own agency, for records made by someone else. */
  otherUserId: string;
};

export async function buildFixture(app: App, ctx: FixtureContext): Promise<AuthzFixture> {
  const childId = newId();
  await app.db
    .insertInto("children")
    .values({
      id: childId,
      reference: `CH-T${childId.slice(0, 8)}`,
      owning_agency_id: ctx.ownAgencyId,
      given_name: "Test",
      family_name: `Child${childId.slice(0, 4)}`,
      date_of_birth: "2011-04-23",
      sex: "male",
      send_status: "ehcp",
      looked_after: true,
      placement_address: "1 Secret Close",
      home_address: "2 Home Street",
    })
    .execute();
  if (ctx.related) {
    await app.db
      .insertInto("relationships")
      .values({
        id: newId(),
        user_id: ctx.userId,
        child_id: childId,
        kind: "allocated_worker",
        reason: "allocated for the test",
      })
      .execute();
  }
  const breakGlassId = newId();
  await app.db
    .insertInto("break_glass")
    .values({
      id: breakGlassId,
      user_id: ctx.otherUserId,
      child_id: childId,
      reason: "earlier break-glass by someone else",
      granted_at: new Date(),
      expires_at: new Date(),
    })
    .execute();
  // A language dictionary entry (version 1, retired so the checker does not compile hundreds of
  // test entries) in a new dictionary version, for the dictionary routes to read and change.
  const languageEntryId = `authz-${childId.slice(0, 8)}`;
  await ensureDictionary(app);
  await sql`with v as (select max(version) + 1 as n,
        (select shipped_version from language_dictionary_versions where shipped_version is not null
         order by version desc limit 1) as base
      from language_dictionary_versions),
    made as (insert into language_dictionary_versions (version, label, action, entry_id, summary, created_by)
      select n, base || '+' || n, 'add', ${languageEntryId}, 'authorization test fixture', ${ctx.otherUserId}::uuid
      from v returning version)
    insert into language_entries (entry_id, dictionary_version, entry_version, position, active, data, source, created_by)
    select ${languageEntryId}, version, 1, 100000 + version, false, ${JSON.stringify({
      id: languageEntryId,
      pattern: "rule breaker~",
      category: "labelling",
      why: "Labels the child instead of describing what happened.",
      alternatives: ["describe what happened"],
      version: 1,
      active: false,
    })}::jsonb, 'admin', ${ctx.otherUserId}::uuid from made`.execute(app.db);
  const intelligence = await intelligenceFixture(app, ctx, childId);
  const linkage = await linkageFixture(app, ctx, childId);
  const referrals = await referralsFixture(app, ctx, childId);
  const tracker = await trackerFixture(app, ctx, childId);
  const approvals = await approvalsFixture(app, ctx);
  return {
    childId,
    breakGlassId,
    email: ctx.email,
    password: ctx.password,
    languageEntryId,
    ...intelligence,
    ...linkage,
    ...referrals,
    ...tracker,
    ...approvals,
  };
}
