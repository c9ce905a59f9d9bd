// Looked-after children: placements (type, placing authority, address in the restricted
// "placement" field group, out of area and the host authority) and the notifications sent to the
// host authority when a child is placed in its area. The child's core record keeps the current
// placement; this table keeps the history.
import "./missing.tables.ts";
import type { Kysely } from "kysely";
import type { App } from "../../app.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { londonDate } from "../../platform/clock.ts";
import { type FieldIssue, Forbidden, Invalid, NotFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { FieldGroup } from "../access/access.policy.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import { signpostScope } from "../tracker/tracker.service.ts";

export const NOTIFY_METHODS = ["secure_email", "letter", "phone", "portal"] as const;
export const NOTIFY_LABELS: Record<(typeof NOTIFY_METHODS)[number], string> = {
  secure_email: "Secure email",
  letter: "Letter",
  phone: "Phone call",
  portal: "Host authority's online portal",
};

export type PlacementInput = {
  placementType: string;
  placingAuthority: string;
  hostAuthority?: string | null;
  address?: string | null;
  postcode?: string | null;
  outOfArea: boolean;
  startedOn: string | null;
};

const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/i;

/** A new placement: the previous one ends, the child's record shows the new one. Owning agency's allocated worker only. */
export async function recordPlacement(
  app: App,
  u: SessionUser,
  actor: Actor,
  childId: string,
  p: PlacementInput,
) {
  const d = await app.access.decide(u, childId);
  if (!d.write)
    throw new Forbidden(
      d.read
        ? "Only the allocated worker in the agency that holds this child's record can record a placement."
        : d.why,
    );
  const issues: FieldIssue[] = [];
  const today = londonDate(app.clock.now());
  if (!p.placementType?.trim())
    issues.push({ field: "placementType", message: "Enter the type of placement" });
  if (!p.placingAuthority?.trim())
    issues.push({ field: "placingAuthority", message: "Enter the placing authority" });
  if (p.outOfArea && !p.hostAuthority?.trim())
    issues.push({ field: "hostAuthority", message: "Enter the host authority for a placement out of area" });
  if (p.postcode && !POSTCODE.test(p.postcode.trim()))
    issues.push({ field: "postcode", message: "Enter a real postcode, like KB1 2AB" });
  if (!p.startedOn) issues.push({ field: "startedOn", message: "Enter the date the placement started" });
  else if (p.startedOn > today)
    issues.push({ field: "startedOn", message: "The start date cannot be in the future" });
  for (const [field, v] of [
    ["placementType", p.placementType],
    ["placingAuthority", p.placingAuthority],
    ["hostAuthority", p.hostAuthority],
    ["address", p.address],
  ] as const)
    if (v && v.length > 300) issues.push({ field, message: "Must be 300 characters or fewer" });
  if (issues.length) throw new Invalid("The placement has problems", issues);
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    await tx
      .updateTable("placements")
      .set({ ended_on: p.startedOn!, version: (eb) => eb("version", "+", 1) })
      .where("child_id", "=", childId)
      .where("ended_on", "is", null)
      .where("started_on", "<=", p.startedOn!)
      .execute();
    const id = newId();
    await tx
      .insertInto("placements")
      .values({
        id,
        child_id: childId,
        placement_type: p.placementType.trim(),
        placing_authority: p.placingAuthority.trim(),
        host_authority: p.hostAuthority?.trim() || null,
        address: p.address?.trim() || null,
        postcode: p.postcode?.trim().toUpperCase() || null,
        out_of_area: p.outOfArea,
        started_on: p.startedOn!,
        agency_id: u.agencyId,
        recorded_by: u.id,
        created_at: now,
      })
      .execute();
    await tx
      .updateTable("children")
      .set({
        looked_after: true,
        placement_type: p.placementType.trim(),
        placing_authority: p.placingAuthority.trim(),
        placement_address: p.address?.trim() || null,
        placement_postcode: p.postcode?.trim().toUpperCase() || null,
        out_of_area: p.outOfArea,
        version: (eb) => eb("version", "+", 1),
        updated_at: now,
      })
      .where("id", "=", childId)
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "placement.record",
        recordType: "placement",
        recordId: id,
        childId,
        fieldGroups: ["placement"],
        reason: "record a looked-after child's placement",
        details: { outOfArea: p.outOfArea },
      }),
    );
    return { id };
  });
}

/** Placements and notifications; addresses only for users with the "placement" field group. */
export async function placementsFor(tx: Kysely<DB>, childId: string, groups: readonly FieldGroup[]) {
  const rows = await tx
    .selectFrom("placements as p")
    .innerJoin("agencies as a", "a.id", "p.agency_id")
    .select([
      "p.id",
      "p.placement_type",
      "p.placing_authority",
      "p.host_authority",
      "p.address",
      "p.postcode",
      "p.out_of_area",
      "p.started_on",
      "p.ended_on",
      "p.agency_id",
      "a.name as agency",
    ])
    .where("p.child_id", "=", childId)
    .orderBy("p.started_on", "desc")
    .execute();
  const notes = rows.length
    ? await tx
        .selectFrom("out_of_area_notifications as n")
        .innerJoin("agencies as a", "a.id", "n.agency_id")
        .select([
          "n.id",
          "n.placement_id",
          "n.host_authority",
          "n.notified_at",
          "n.method",
          "n.contact",
          "n.acknowledged_at",
          "n.reference",
          "a.name as agency",
        ])
        .where(
          "n.placement_id",
          "in",
          rows.map((r) => r.id),
        )
        .orderBy("n.notified_at")
        .execute()
    : [];
  const seeAddress = groups.includes("placement");
  return rows.map((r) => ({
    ...r,
    address: seeAddress ? r.address : undefined,
    postcode: seeAddress ? r.postcode : undefined,
    addressHidden: !seeAddress,
    notifications: notes.filter((n) => n.placement_id === r.id),
    needsNotification: r.out_of_area && !r.ended_on && !notes.some((n) => n.placement_id === r.id),
  }));
}

export async function listPlacements(app: App, u: SessionUser, actor: Actor, childId: string) {
  const d = await app.access.decide(u, childId);
  if (!d.read) throw new Forbidden(d.why);
  return app.access.asUser(u, async (tx) => {
    const placements = await placementsFor(tx, childId, d.fieldGroups);
    await audit(
      tx,
      auditFor(actor, {
        action: "placement.view",
        recordType: "child",
        recordId: childId,
        childId,
        fieldGroups: d.fieldGroups.includes("placement") ? ["placement"] : [],
        reason: "view placements",
      }),
    );
    return { decision: d, placements };
  });
}

export type NotificationInput = {
  notifiedAt: Date | null;
  method: string;
  contact?: string | null;
  reference?: string | null;
  acknowledgedAt?: Date | null;
};

/** Records that the host authority was told of an out-of-area placement (the placing agency only). */
export async function recordNotification(
  app: App,
  u: SessionUser,
  actor: Actor,
  placementId: string,
  n: NotificationInput,
) {
  const p = await signpostScope(app, u, (tx) =>
    tx
      .selectFrom("placements")
      .select(["id", "child_id", "agency_id", "out_of_area", "host_authority"])
      .where("id", "=", placementId)
      .executeTakeFirst(),
  );
  if (!p) throw new NotFound("There is no placement with that id.");
  const d = await app.access.decide(u, p.child_id);
  if (!d.addEntries)
    throw new Forbidden(d.read ? "Your access to this child does not include adding entries." : d.why);
  if (p.agency_id !== u.agencyId)
    throw new Forbidden("Only the agency that recorded the placement records notifications for it.");
  const issues: FieldIssue[] = [];
  const now = app.clock.now();
  if (!p.out_of_area || !p.host_authority)
    issues.push({
      field: "method",
      message: "This placement is not out of area, so there is no host authority to notify",
    });
  if (!n.notifiedAt) issues.push({ field: "notified", message: "Enter when the host authority was told" });
  else if (n.notifiedAt.getTime() > now.getTime() + 5 * 60_000)
    issues.push({ field: "notified", message: "The time cannot be in the future" });
  if (!(NOTIFY_METHODS as readonly string[]).includes(n.method))
    issues.push({ field: "method", message: "Choose how the host authority was told" });
  if (n.acknowledgedAt && n.notifiedAt && n.acknowledgedAt < n.notifiedAt)
    issues.push({ field: "acknowledged", message: "The acknowledgement must be after the notification" });
  if (issues.length) throw new Invalid("The notification has problems", issues);
  return app.access.asUser(u, async (tx) => {
    const id = newId();
    await tx
      .insertInto("out_of_area_notifications")
      .values({
        id,
        placement_id: placementId,
        child_id: p.child_id,
        host_authority: p.host_authority!,
        notified_at: n.notifiedAt!,
        method: n.method as (typeof NOTIFY_METHODS)[number],
        contact: n.contact?.trim() || null,
        reference: n.reference?.trim() || null,
        acknowledged_at: n.acknowledgedAt ?? null,
        agency_id: u.agencyId,
        recorded_by: u.id,
        created_at: now,
      })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "placement.notify_host",
        recordType: "out_of_area_notification",
        recordId: id,
        childId: p.child_id,
        reason: "record an out-of-area notification to the host authority",
        details: { hostAuthority: p.host_authority, method: n.method },
      }),
    );
    return { id };
  });
}
