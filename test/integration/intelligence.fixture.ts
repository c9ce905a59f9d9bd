// Records the generated authorization test needs for the intelligence and disruption routes. Reports
// and disruptions come from the subject's own agency, so the routes that only the originating or
// recording agency may use are callable; who sees what across agencies is tested in
// intelligence.int.test.ts.
import type { App } from "../../src/app.ts";
import { inScope } from "../../src/db/rls.ts";
import { newId } from "../../src/platform/ids.ts";
import "../../src/modules/intelligence/intelligence.tables.ts";
import "../../src/modules/disruption/disruption.tables.ts";

export async function intelligenceFixture(
  app: App,
  ctx: { ownAgencyId: string; userId: string },
  childId: string,
): Promise<Record<string, string>> {
  const short = newId().slice(0, 8);
  return inScope(app.db, { scope: "system" }, async (tx) => {
    const { agency_id: subjectAgencyId } = await tx
      .selectFrom("users")
      .select("agency_id")
      .where("id", "=", ctx.userId)
      .executeTakeFirstOrThrow();
    const otherAgencyId = newId();
    await tx
      .insertInto("agencies")
      .values({ id: otherAgencyId, code: `O-${short}`, name: `Other ${short}`, kind: "voluntary" })
      .execute();
    const personId = newId();
    const ownPersonId = newId();
    await tx
      .insertInto("persons_of_concern")
      .values([
        {
          id: personId,
          reference: `POC-T${short}`,
          owning_agency_id: ctx.ownAgencyId,
          given_name: "Dean",
          family_name: "Fixture",
          sex: "male",
        },
        {
          id: ownPersonId,
          reference: `POC-U${short}`,
          owning_agency_id: subjectAgencyId,
          given_name: "Lee",
          family_name: "Fixture",
          sex: "male",
        },
      ])
      .execute();
    const entityId = newId();
    await tx
      .insertInto("entities")
      .values({
        id: entityId,
        kind: "location",
        label: `Fixture Takeaway ${short}`,
        subtype: "takeaway",
        owning_agency_id: ctx.ownAgencyId,
      })
      .execute();
    await tx
      .insertInto("links")
      .values([
        {
          id: newId(),
          from_kind: "person",
          from_id: personId,
          to_kind: "entity",
          to_id: entityId,
          link_type: "owns",
          source_agency_id: ctx.ownAgencyId,
          grading: "2BP",
          valid_from: "2025-01-01",
        },
        {
          id: newId(),
          from_kind: "child",
          from_id: childId,
          to_kind: "person",
          to_id: personId,
          link_type: "seen_with",
          source_agency_id: ctx.ownAgencyId,
          grading: "2BP",
          valid_from: "2025-06-01",
        },
      ])
      .execute();
    const reportId = newId();
    const cReportId = newId();
    await tx
      .insertInto("intelligence_reports")
      .values([
        {
          id: reportId,
          reference: `INT-T${short}`,
          originating_agency_id: subjectAgencyId,
          submitted_at: new Date(),
          source_evaluation: "2",
          intelligence_assessment: "B",
          handling_code: "P",
          handling_conditions: null,
          sanitised_text: "An adult is believed to meet children at a takeaway.",
          sanitised_by: null,
          sanitised_at: new Date(),
          submitted_by: null,
          intelligence_date: null,
          idempotency_key: null,
        },
        {
          id: cReportId,
          reference: `INT-C${short}`,
          originating_agency_id: subjectAgencyId,
          submitted_at: new Date(),
          source_evaluation: "1",
          intelligence_assessment: "A",
          handling_code: "C",
          handling_conditions: "Not outside the agency",
          sanitised_text: null,
          sanitised_by: null,
          sanitised_at: null,
          submitted_by: null,
          intelligence_date: null,
          idempotency_key: null,
        },
      ])
      .execute();
    await tx
      .insertInto("intelligence_report_originals")
      .values([
        {
          report_id: reportId,
          original_text: "Source says Dean Fixture meets two boys at the takeaway most Fridays.",
        },
        { report_id: cReportId, original_text: "Covert source: Dean Fixture keeps phones at the flat." },
      ])
      .execute();
    await tx
      .insertInto("intelligence_report_subjects")
      .values({ id: newId(), report_id: reportId, node_kind: "person", node_id: personId })
      .execute();
    const disruptionId = newId();
    await tx
      .insertInto("disruptions")
      .values({
        id: disruptionId,
        reference: `DIS-T${short}`,
        tactic: "cawn",
        subject_kind: "person",
        subject_id: personId,
        child_id: null,
        owning_agency_id: subjectAgencyId,
        recorded_by: null,
        applied_on: null,
        starts_on: "2026-01-01",
        expires_on: "2027-01-01",
        ended_on: null,
        conditions: "Not to be with children under 16",
        outcome: null,
        notes: null,
        idempotency_key: null,
      })
      .execute();
    return { personId, ownPersonId, entityId, reportId, cReportId, otherAgencyId, disruptionId };
  });
}
