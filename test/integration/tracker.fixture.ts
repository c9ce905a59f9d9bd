// Records the tracker, missing and contexts routes need in the generated authorization test: a
// second child in the cohort (same owner and same relationship as the fixture child), an action on
// its plan owned by the child's owning agency, a meeting with the child on its agenda, a returned
// and an open missing episode and an out-of-area placement for the fixture child, and a context.
import type { App } from "../../src/app.ts";
import { newId } from "../../src/platform/ids.ts";
import type { FixtureContext } from "./authz-fixture.ts";

const HOUR = 3_600_000;

export async function trackerFixture(app: App, ctx: FixtureContext, childId: string) {
  const now = Date.now();
  const cohortChildId = newId();
  const db = app.db;
  await db
    .insertInto("children")
    .values({
      id: cohortChildId,
      reference: `CH-C${cohortChildId.replaceAll("-", "").slice(0, 16)}`,
      owning_agency_id: ctx.ownAgencyId,
      given_name: "Cohort",
      family_name: `Child${cohortChildId.slice(0, 4)}`,
      date_of_birth: "2010-02-11",
      sex: "female",
    })
    .execute();
  if (ctx.related)
    await db
      .insertInto("relationships")
      .values({
        id: newId(),
        user_id: ctx.userId,
        child_id: cohortChildId,
        kind: "allocated_worker",
        reason: "allocated for the test",
      })
      .execute();
  const cohortEntryId = newId();
  const today = new Date(now).toISOString().slice(0, 10);
  await db
    .insertInto("cohort_entries")
    .values({
      id: cohortEntryId,
      child_id: cohortChildId,
      source: "direct",
      reason: "Test entry for the authorization test",
      concern_types: ["cce"],
      lead_agency_id: ctx.ownAgencyId,
      risk_level: "high",
      next_review_on: today,
      added_at: new Date(now - 10 * 24 * HOUR),
      added_by: ctx.otherUserId,
      added_by_agency_id: ctx.ownAgencyId,
    })
    .execute();
  const actionId = newId();
  await db
    .insertInto("plan_actions")
    .values({
      id: actionId,
      cohort_entry_id: cohortEntryId,
      child_id: cohortChildId,
      text: "Visit the child at school",
      owner_agency_id: ctx.ownAgencyId,
      due_on: new Date(now + 10 * 24 * HOUR).toISOString().slice(0, 10),
      created_by: ctx.otherUserId,
      created_by_agency_id: ctx.ownAgencyId,
    })
    .execute();
  const meetingId = newId();
  await db
    .insertInto("meetings")
    .values({
      id: meetingId,
      reference: `MTG-T-${meetingId.replaceAll("-", "").slice(0, 16)}`,
      kind: "mace_panel",
      title: "Test MACE panel",
      held_at: new Date(now + 3 * 24 * HOUR),
      owning_agency_id: ctx.ownAgencyId,
      created_by: ctx.otherUserId,
    })
    .execute();
  const meetingItemId = newId();
  await db
    .insertInto("meeting_items")
    .values({
      id: meetingItemId,
      meeting_id: meetingId,
      position: 1,
      child_id: cohortChildId,
      cohort_entry_id: cohortEntryId,
      reasons: ["review_due"],
    })
    .execute();
  const episodeId = newId();
  const openEpisodeId = newId();
  await db
    .insertInto("missing_episodes")
    .values([
      {
        id: episodeId,
        child_id: childId,
        reported_by_agency_id: ctx.ownAgencyId,
        started_at: new Date(now - 72 * HOUR),
        ended_at: new Date(now - 48 * HOUR),
        rhi_status: "due",
      },
      {
        id: openEpisodeId,
        child_id: childId,
        reported_by_agency_id: ctx.ownAgencyId,
        started_at: new Date(now - 5 * HOUR),
      },
    ])
    .execute();
  const placementId = newId();
  await db
    .insertInto("placements")
    .values({
      id: placementId,
      child_id: childId,
      placement_type: "Children's home",
      placing_authority: "Test County Council",
      host_authority: "City of Eastbridge Council",
      address: "1 Secret Close",
      out_of_area: true,
      started_on: "2026-01-05",
      agency_id: ctx.ownAgencyId,
      recorded_by: ctx.otherUserId,
    })
    .execute();
  const contextId = newId();
  await db
    .insertInto("contexts")
    .values({
      id: contextId,
      reference: `CTX-T${contextId.replaceAll("-", "").slice(0, 16)}`,
      kind: "place",
      name: "Test park",
      place_type: "park",
      owning_agency_id: ctx.ownAgencyId,
      created_by: ctx.otherUserId,
    })
    .execute();
  return {
    ownAgencyId: ctx.ownAgencyId,
    cohortChildId,
    cohortEntryId,
    actionId,
    meetingId,
    meetingItemId,
    episodeId,
    openEpisodeId,
    placementId,
    contextId,
  };
}
