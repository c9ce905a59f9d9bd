// Records the referral, screening and assessment routes' examples need in the generated
// authorization test: a referral made by someone else about the fixture child, one made by the
// subject, a complete referral draft of the subject's, a completed risk assessment by someone else
// and a fully answered draft assessment of the subject's, and the screening settings' version.
import type { App } from "../../src/app.ts";
import { exampleAssessment, scoreAssessment } from "../../src/modules/assessments/index.ts";
import { CURRENT_TOOL } from "../../src/modules/assessments/tool.ts";
import { EXAMPLE_REFERRAL } from "../../src/modules/referrals/referrals.routes.ts";
import { newId } from "../../src/platform/ids.ts";
import type { FixtureContext } from "./authz-fixture.ts";

export async function referralsFixture(app: App, ctx: FixtureContext, childId: string) {
  const now = new Date();
  const referral = (by: string) => {
    const id = newId();
    return {
      id,
      reference: `REF-T-${id.slice(0, 8)}`,
      kind: "child" as const,
      child_id: childId,
      referrer_user_id: by,
      referrer_agency_id: ctx.ownAgencyId,
      received_at: now,
      concern_types: ["cce"],
      urgency: "high" as const,
      indicators: ["missing_episodes"],
      what_happened: "Found at a station far from home late at night with two phones.",
      child_voice: "I just want to go home.",
      status: "awaiting_screening" as const,
      screening_due_at: new Date(now.getTime() + 86_400_000),
      send_status: "ehcp" as const,
      disability: "no" as const,
      looked_after: "yes" as const,
      worker_gender_preference: "male" as const,
    };
  };
  const other = referral(ctx.otherUserId);
  const own = referral(ctx.userId);
  const unknown = {
    ...referral(ctx.otherUserId),
    kind: "unknown_child" as const,
    child_id: null,
    unknown_child_description: "Boy, about 14, seen at the station late at night with an older man.",
  };
  await app.db.insertInto("referrals").values([other, own, unknown]).execute();
  await app.db
    .insertInto("referral_persons")
    .values({
      id: newId(),
      referral_id: other.id,
      position: 1,
      description: "Man in his twenties, grey hatchback",
      sex: "male",
    })
    .execute();
  const referralDraftId = newId();
  await app.db
    .insertInto("referral_drafts")
    .values({ id: referralDraftId, user_id: ctx.userId, data: JSON.stringify(EXAMPLE_REFERRAL(childId)) })
    .execute();
  const review = new Date(now.getTime() + 28 * 86_400_000).toISOString().slice(0, 10);
  const body = exampleAssessment(review);
  const e = scoreAssessment(CURRENT_TOOL, body.answers as never);
  const assessmentId = newId();
  const assessmentDraftId = newId();
  await app.db
    .insertInto("risk_assessments")
    .values([
      {
        id: assessmentId,
        reference: `RA-T-${assessmentId.slice(0, 8)}`,
        child_id: childId,
        author_id: ctx.otherUserId,
        agency_id: ctx.ownAgencyId,
        tool_code: CURRENT_TOOL.code,
        tool_version: CURRENT_TOOL.version,
        status: "completed",
        answers: JSON.stringify(body.answers),
        notes: JSON.stringify({}),
        score: e.score,
        computed_level: e.level,
        final_level: e.level,
        explanation: JSON.stringify(e),
        cin_factors: body.cinFactors,
        child_view: body.childView,
        review_due_on: review,
        completed_at: now,
      },
      {
        id: assessmentDraftId,
        child_id: childId,
        author_id: ctx.userId,
        agency_id: ctx.ownAgencyId,
        tool_code: CURRENT_TOOL.code,
        tool_version: CURRENT_TOOL.version,
        status: "draft",
        answers: JSON.stringify(body.answers),
        notes: JSON.stringify({}),
      },
    ])
    .execute();
  const settings = await app.db.selectFrom("screening_settings").select("version").executeTakeFirst();
  return {
    referralId: other.id,
    ownReferralId: own.id,
    unknownReferralId: unknown.id,
    referralDraftId,
    assessmentId,
    assessmentDraftId,
    screeningSettingsVersion: String(settings?.version ?? 0),
  };
}
