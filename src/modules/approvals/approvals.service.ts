// Two-person approval of bulk exports (DESIGN.md security model). An export that would list more
// children than BULK_EXPORT_CHILDREN is not produced at once: the requester gives a reason and a
// manager of the same agency — never the requester — approves or refuses it, re-entering their
// password. An approved export can be downloaded once, by the requester, within a day; the file is
// built then, under the requester's access at that moment. Every step is audited.
import "./approvals.tables.ts";
import { randomUUID } from "node:crypto";
import type { App } from "../../app.ts";
import { inScope } from "../../db/rls.ts";
import type { SessionUser } from "../../http/routes.ts";
import { Conflict, Forbidden, Invalid, NotFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import type { ExportKind, ExportStatus } from "./approvals.tables.ts";

/** How long an approval stays valid for the one download. */
export const DOWNLOAD_WINDOW_HOURS = 24;

export const KIND_LABELS: Record<ExportKind, string> = { tracker: "MACE tracker (Excel)" };
export const STATUS_LABELS: Record<ExportStatus | "expired", string> = {
  pending: "Waiting for approval",
  approved: "Approved: ready to download",
  refused: "Refused",
  downloaded: "Downloaded",
  expired: "Approval expired",
};

export type ExportRequestView = {
  id: string;
  reference: string;
  kind: ExportKind;
  kindLabel: string;
  params: Record<string, string | string[]>;
  filterText: string;
  children: number;
  reason: string;
  requestedBy: string;
  requestedById: string;
  requestedAt: Date;
  agencyName: string;
  status: ExportStatus | "expired";
  statusLabel: string;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  downloadBy: Date | null;
  downloadedAt: Date | null;
  version: number;
};

/** Whether an export of this many children needs a second person's approval. */
export const needsApproval = (app: App, children: number) => children > app.config.BULK_EXPORT_CHILDREN;

const system = (u: SessionUser) => ({ scope: "system" as const, userId: u.id, agencyId: u.agencyId });

function view(
  r: {
    id: string;
    reference: string;
    kind: ExportKind;
    params: unknown;
    children: number;
    reason: string;
    requested_by: string;
    requested_at: Date;
    status: ExportStatus;
    decided_at: Date | null;
    decision_reason: string | null;
    download_by: Date | null;
    downloaded_at: Date | null;
    version: number;
    requester_name: string;
    decider_name: string | null;
    agency_name: string;
    filter_text: string;
  },
  now: Date,
): ExportRequestView {
  const expired = r.status === "approved" && r.download_by !== null && r.download_by <= now;
  const status = expired ? "expired" : r.status;
  return {
    id: r.id,
    reference: r.reference,
    kind: r.kind,
    kindLabel: KIND_LABELS[r.kind],
    params: (r.params ?? {}) as Record<string, string | string[]>,
    filterText: r.filter_text,
    children: r.children,
    reason: r.reason,
    requestedBy: r.requester_name,
    requestedById: r.requested_by,
    requestedAt: r.requested_at,
    agencyName: r.agency_name,
    status,
    statusLabel: STATUS_LABELS[status],
    decidedBy: r.decider_name,
    decidedAt: r.decided_at,
    decisionReason: r.decision_reason,
    downloadBy: r.download_by,
    downloadedAt: r.downloaded_at,
    version: r.version,
  };
}

type Tx = Parameters<Parameters<typeof inScope>[2]>[0];

function selectRequests(tx: Tx) {
  return tx
    .selectFrom("export_requests as e")
    .innerJoin("users as ru", "ru.id", "e.requested_by")
    .innerJoin("agencies as a", "a.id", "e.agency_id")
    .leftJoin("users as du", "du.id", "e.decided_by")
    .select([
      "e.id",
      "e.reference",
      "e.kind",
      "e.params",
      "e.filter_text",
      "e.children",
      "e.reason",
      "e.requested_by",
      "e.requested_at",
      "e.status",
      "e.decided_at",
      "e.decision_reason",
      "e.download_by",
      "e.downloaded_at",
      "e.version",
      "ru.display_name as requester_name",
      "du.display_name as decider_name",
      "a.name as agency_name",
    ]);
}

export type ExportRequestInput = {
  kind: ExportKind;
  /** The filters and order asked for, replayed when the file is built. */
  params: Record<string, string | string[]>;
  /** The filters in words, for the approver. */
  filterText: string;
  children: number;
  reason: string;
};

/** Records a request for a bulk export; the caller has already confirmed the password. */
export async function requestExport(
  app: App,
  u: SessionUser,
  actor: Actor,
  input: ExportRequestInput,
): Promise<{ id: string; reference: string }> {
  const reason = input.reason.trim();
  if (reason.length < 10)
    throw new Invalid("Say why you need this export", [
      {
        field: "reason",
        message: `Say why you need this export (at least 10 characters): it lists ${input.children} children, so a manager must approve it`,
      },
    ]);
  const id = newId();
  const reference = `EXP-${randomUUID().slice(0, 8).toUpperCase()}`;
  await inScope(app.db, system(u), async (tx) => {
    await tx
      .insertInto("export_requests")
      .values({
        id,
        reference,
        kind: input.kind,
        params: JSON.stringify(input.params),
        filter_text: input.filterText,
        children: input.children,
        reason,
        requested_by: u.id,
        agency_id: u.agencyId,
        requested_at: app.clock.now(),
      })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "export.request",
        recordType: "export_request",
        recordId: id,
        reason,
        details: { reference, kind: input.kind, children: input.children },
      }),
    );
  });
  return { id, reference };
}

/** The requests a user asked for, and (for managers) those of their agency to decide or decided. */
export async function listRequests(
  app: App,
  u: SessionUser,
): Promise<{ mine: ExportRequestView[]; toDecide: ExportRequestView[]; decided: ExportRequestView[] }> {
  const now = app.clock.now();
  return inScope(app.db, system(u), async (tx) => {
    const mine = await selectRequests(tx)
      .where("e.requested_by", "=", u.id)
      .orderBy("e.requested_at", "desc")
      .limit(50)
      .execute();
    if (!u.roles.includes("manager"))
      return { mine: mine.map((r) => view(r, now)), toDecide: [], decided: [] };
    const agency = await selectRequests(tx)
      .where("e.agency_id", "=", u.agencyId)
      .where("e.requested_by", "<>", u.id)
      .orderBy("e.requested_at", "desc")
      .limit(100)
      .execute();
    const all = agency.map((r) => view(r, now));
    return {
      mine: mine.map((r) => view(r, now)),
      toDecide: all.filter((r) => r.status === "pending"),
      decided: all.filter((r) => r.status !== "pending").slice(0, 20),
    };
  });
}

async function loadForApprover(tx: Tx, u: SessionUser, id: string, now: Date): Promise<ExportRequestView> {
  const row = await selectRequests(tx).select(["e.agency_id"]).where("e.id", "=", id).executeTakeFirst();
  if (!row) throw new NotFound("No export request with that id");
  if (!u.roles.includes("manager") || row.agency_id !== u.agencyId)
    throw new Forbidden("Only a manager of the agency that asked for this export can see or decide it");
  return view(row, now);
}

/** One request, for a manager of the requesting agency. */
export async function requestForApprover(app: App, u: SessionUser, actor: Actor, id: string) {
  return inScope(app.db, system(u), async (tx) => {
    const r = await loadForApprover(tx, u, id, app.clock.now());
    await audit(
      tx,
      auditFor(actor, {
        action: "export.request.view",
        recordType: "export_request",
        recordId: id,
        reason: "consider a bulk-export request",
      }),
    );
    return r;
  });
}

export type Decision = { decision: "approve" | "refuse"; reason: string; version: number };

/** The second person's decision. The caller has already confirmed the approver's password. */
export async function decideRequest(
  app: App,
  u: SessionUser,
  actor: Actor,
  id: string,
  d: Decision,
): Promise<ExportRequestView> {
  const reason = d.reason.trim();
  if (d.decision === "refuse" && reason.length < 10)
    throw new Invalid("Say why you are refusing", [
      {
        field: "reason",
        message: "Say why you are refusing (at least 10 characters): the requester will see it",
      },
    ]);
  const now = app.clock.now();
  return inScope(app.db, system(u), async (tx) => {
    const r = await loadForApprover(tx, u, id, now);
    if (r.requestedById === u.id)
      throw new Forbidden("You asked for this export: a second person must approve it");
    if (r.status !== "pending")
      throw new Conflict(`This request has already been decided (${r.statusLabel.toLowerCase()})`);
    if (r.version !== d.version)
      throw new Conflict("Someone else changed this request while you were looking at it");
    const approve = d.decision === "approve";
    const updated = await tx
      .updateTable("export_requests")
      .set({
        status: approve ? "approved" : "refused",
        decided_by: u.id,
        decided_at: now,
        decision_reason: reason || null,
        download_by: approve ? new Date(now.getTime() + DOWNLOAD_WINDOW_HOURS * 3_600_000) : null,
        version: r.version + 1,
      })
      .where("id", "=", id)
      .where("status", "=", "pending")
      .where("version", "=", r.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new Conflict("Someone else decided this request while you were looking at it");
    await audit(
      tx,
      auditFor(actor, {
        action: approve ? "export.approve" : "export.refuse",
        recordType: "export_request",
        recordId: id,
        reason: reason || "approved",
        details: { reference: r.reference, children: r.children, requestedBy: r.requestedById },
      }),
    );
    return loadForApprover(tx, u, id, now);
  });
}

/**
 * The requester's approved export, ready to build; anyone else gets "not found", and a request
 * that is not (or no longer) approved gets a clear reason. Nothing is changed: the caller builds the
 * file, then calls markDownloaded, and sends the file only if that succeeds.
 */
export async function approvedExport(
  app: App,
  u: SessionUser,
  id: string,
  kind: ExportKind,
): Promise<ExportRequestView> {
  const now = app.clock.now();
  return inScope(app.db, system(u), async (tx) => {
    const row = await selectRequests(tx)
      .where("e.id", "=", id)
      .where("e.requested_by", "=", u.id)
      .where("e.kind", "=", kind)
      .executeTakeFirst();
    if (!row) throw new NotFound("No export request of yours with that id");
    const r = view(row, now);
    if (r.status !== "approved")
      throw new Conflict(
        r.status === "pending"
          ? "This export is still waiting for a manager's approval"
          : r.status === "downloaded"
            ? "This export has already been downloaded: ask again if you need it"
            : r.status === "expired"
              ? `The approval has expired (an approved export must be downloaded within ${DOWNLOAD_WINDOW_HOURS} hours): ask again`
              : "This export was refused",
      );
    return r;
  });
}

/** Marks an approved export downloaded, once; audited. Throws Conflict if someone got there first. */
export async function markDownloaded(
  app: App,
  u: SessionUser,
  actor: Actor,
  r: ExportRequestView,
  details: Record<string, unknown> = {},
): Promise<void> {
  const now = app.clock.now();
  await inScope(app.db, system(u), async (tx) => {
    const done = await tx
      .updateTable("export_requests")
      .set({ status: "downloaded", downloaded_at: now, version: r.version + 1 })
      .where("id", "=", r.id)
      .where("requested_by", "=", u.id)
      .where("status", "=", "approved")
      .where("download_by", ">", now)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw new Conflict("This export has already been downloaded");
    await audit(
      tx,
      auditFor(actor, {
        action: "export.download",
        recordType: "export_request",
        recordId: r.id,
        reason: "download an approved bulk export",
        details: { reference: r.reference, approvedFor: r.children, ...details },
      }),
    );
  });
}
