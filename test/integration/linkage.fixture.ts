// Records the generated authorization test needs for the imports, linkage and master index routes:
// a checked import batch (clean, version 1), three imported records, a finished run with an open
// pair of two unmatched records, and a decision that linked the third record to the test's child
// (to split or undo). Inserted directly, so building it costs a few milliseconds.
import { createHash } from "node:crypto";
import type { App } from "../../src/app.ts";
import { inScope } from "../../src/db/rls.ts";
import { newId } from "../../src/platform/ids.ts";
import "../../src/modules/imports/imports.tables.ts";
import "../../src/modules/linkage/linkage.tables.ts";

const FILE = "Record ID,First name,Surname,Date of birth\nA-1,Test,Child,23/04/2011\n";

export async function linkageFixture(
  app: App,
  ctx: { ownAgencyId: string; otherUserId: string },
  childId: string,
): Promise<Record<string, string>> {
  const short = newId().slice(0, 8);
  const now = new Date();
  return inScope(app.db, { scope: "system" }, async (tx) => {
    const sourceId = newId();
    const mapping = {
      "Record ID": "record_id",
      "First name": "given_name",
      Surname: "family_name",
      "Date of birth": "date_of_birth",
    };
    await tx
      .insertInto("import_sources")
      .values({
        id: sourceId,
        agency_id: ctx.ownAgencyId,
        name: `Authz ${short}`,
        kind: "extract",
        mapping: JSON.stringify(mapping),
        created_by: ctx.otherUserId,
      })
      .execute();
    const batchId = newId();
    await tx
      .insertInto("import_batches")
      .values({
        id: batchId,
        reference: `IMP-T-${short}`,
        source_id: sourceId,
        agency_id: ctx.ownAgencyId,
        filename: "authz.csv",
        format: "csv",
        file_hash: createHash("sha256").update(`${FILE}${short}`).digest("hex"),
        file_size: FILE.length,
        status: "validated",
        header: Object.keys(mapping),
        mapping: JSON.stringify(mapping),
        rows_total: 1,
        rows_valid: 1,
        rows_invalid: 0,
        rows_done: 1,
        uploaded_by: ctx.otherUserId,
        uploaded_at: now,
      })
      .execute();
    await tx
      .insertInto("import_files")
      .values({ batch_id: batchId, content: Buffer.from(FILE) })
      .execute();
    const records = [newId(), newId(), newId()];
    await tx
      .insertInto("source_records")
      .values(
        records.map((id, i) => ({
          id,
          agency_id: ctx.ownAgencyId,
          source_id: sourceId,
          batch_id: batchId,
          record_type: "child" as const,
          row_number: i + 2,
          row_key: `K-${short}-${i}`,
          content_hash: `${short}${i}`,
          raw: JSON.stringify({}),
          std: JSON.stringify({
            record_id: `K-${i}`,
            given_name: "Test",
            family_name: `Child${short}`,
            date_of_birth: "2011-04-23",
          }),
          created_at: now,
        })),
      )
      .execute();
    const runId = newId();
    await tx
      .insertInto("linkage_runs")
      .values({
        id: runId,
        reference: `LR-T-${short}`,
        status: "succeeded",
        threshold: 0.95,
        review_threshold: 0.5,
        parameters: JSON.stringify({}),
        records: 3,
        children: 1,
        candidate_pairs: 1,
        auto_links: 0,
        review_pairs: 1,
        new_groups: 1,
        started_by: ctx.otherUserId,
        created_at: now,
        started_at: now,
        finished_at: now,
      })
      .execute();
    const pairId = newId();
    await tx
      .insertInto("linkage_pairs")
      .values({
        id: pairId,
        run_id: runId,
        left_kind: "record",
        left_id: records[0]!,
        right_kind: "record",
        right_id: records[1]!,
        match_probability: 0.7,
        match_weight: 1.2,
        band: "review",
        explanation: JSON.stringify({ prior: -3, total: 1.2, fields: [], adjustments: [] }),
      })
      .execute();
    const decisionId = newId();
    await tx
      .insertInto("master_decisions")
      .values({
        id: decisionId,
        kind: "accept",
        child_id: childId,
        source_record_id: records[2]!,
        details: JSON.stringify({}),
        decided_by: ctx.otherUserId,
        decided_at: now,
      })
      .execute();
    const linkId = newId();
    await tx
      .insertInto("master_links")
      .values({
        id: linkId,
        source_record_id: records[2]!,
        child_id: childId,
        status: "accepted",
        decision_id: decisionId,
        created_at: now,
      })
      .execute();
    return {
      importAgencyId: ctx.ownAgencyId,
      importBatchId: batchId,
      linkageRunId: runId,
      linkagePairId: pairId,
      linkageDecisionId: decisionId,
      linkageLinkId: linkId,
      unmatchedRecords: `${records[0]},${records[1]}`,
    };
  });
}
