// Records the generated authorization test needs for the bulk-export approval routes: a pending
// request made by another user of the record's owning agency (for a manager to decide), and an
// approved one made by the subject (for the subject to download).
import type { App } from "../../src/app.ts";
import "../../src/modules/approvals/approvals.tables.ts";
import { newId } from "../../src/platform/ids.ts";
import type { FixtureContext } from "./authz-fixture.ts";

export async function approvalsFixture(app: App, ctx: FixtureContext) {
  const pendingExportId = newId();
  const approvedExportId = newId();
  const subject = await app.db
    .selectFrom("users")
    .select("agency_id")
    .where("id", "=", ctx.userId)
    .executeTakeFirstOrThrow();
  const now = new Date();
  const base = {
    kind: "tracker" as const,
    params: JSON.stringify({ sort: "child", dir: "asc" }),
    filter_text: "none (the whole cohort you can see)",
    children: 40,
    reason: "Annual audit of the cohort for the partnership board",
    requested_at: now,
  };
  await app.db
    .insertInto("export_requests")
    .values([
      {
        ...base,
        id: pendingExportId,
        reference: `EXP-P${pendingExportId.slice(0, 7).toUpperCase()}`,
        requested_by: ctx.otherUserId,
        agency_id: ctx.ownAgencyId,
      },
      {
        ...base,
        id: approvedExportId,
        reference: `EXP-A${approvedExportId.slice(0, 7).toUpperCase()}`,
        requested_by: ctx.userId,
        agency_id: subject.agency_id,
        status: "approved",
        decided_by: ctx.otherUserId,
        decided_at: now,
        download_by: new Date(now.getTime() + 3_600_000),
      },
    ])
    .execute();
  return { pendingExportId, approvedExportId };
}
