// The MACE cohort (the multi-agency vulnerability tracker): who is in it and why, lead agency and
// professional, risk and trend, reviews, leaving with a reason and an outcome, and the panel whose
// members hold a 'mace_panel' relationship to every child in the cohort. Every read and write goes
// through the access module (decide + row-level security) and is audited in the same transaction.
import "./tracker.tables.ts";
import type { Kysely, Transaction } from "kysely";
import type { App } from "../../app.ts";
import { inScope } from "../../db/rls.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { londonDate } from "../../platform/clock.ts";
import {
  Conflict,
  type FieldIssue,
  Forbidden,
  Invalid,
  NotFound,
  PreconditionFailed,
} from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import { addDays } from "../missing/missing.clock.ts";
import { agencies, cohortRows, currentPanel, entryFacts, openEntryForChild } from "./tracker.queries.ts";
import { filterRows, sortRows, summarise, type TrackerQuery, type TrackerRow } from "./tracker.table.ts";
import type { LeavingOutcome, RiskLevel, RiskTrend } from "./tracker.tables.ts";
import { CONCERNS, LEAVING_OUTCOMES, RISK_LEVELS, RISK_TRENDS } from "./tracker.vocab.ts";

export const signpostScope = <T>(app: App, u: SessionUser, fn: (tx: Transaction<DB>) => Promise<T>) =>
  inScope(app.db, { scope: "signpost", userId: u.id, agencyId: u.agencyId }, fn);

const ageOn = (dob: string | null, today: string): number | null => {
  if (!dob) return null;
  const [y, m, d] = dob.split("-").map(Number);
  const [ty, tm, td] = today.split("-").map(Number);
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
};

export const childName = (c: { given_name: string | null; family_name: string | null; reference: string }) =>
  [c.given_name, c.family_name].filter(Boolean).join(" ") || c.reference;

// ---------- the table ----------

/** Every open cohort row the transaction's scope may see (row-level security decides). */
export async function trackerRows(tx: Kysely<DB>, now: Date): Promise<TrackerRow[]> {
  const today = londonDate(now);
  const raw = await cohortRows(tx, now, today);
  return raw.map((r) => ({
    entryId: r.entry_id,
    childId: r.child_id,
    reference: r.reference,
    name: childName(r),
    dateOfBirth: r.date_of_birth,
    age: ageOn(r.date_of_birth, today),
    sex: r.sex,
    send: r.send_status,
    lookedAfter: r.looked_after,
    outOfArea: r.out_of_area,
    concerns: r.concern_types,
    riskLevel: r.risk_level,
    riskTrend: r.risk_trend,
    leadAgencyId: r.lead_agency_id,
    leadAgency: r.lead_agency,
    leadProfessional: r.lead_professional,
    lastReviewOn: r.last_review_on,
    nextReviewOn: r.next_review_on,
    reviewOverdue: r.next_review_on < today,
    openActions: Number(r.open_actions),
    overdueActions: Number(r.overdue_actions),
    escalatedActions: Number(r.escalated_actions),
    missing90: Number(r.missing_90),
    missingNow: Boolean(r.missing_now),
    rhiOverdue: Number(r.rhi_overdue),
    rhiDue: Number(r.rhi_due),
    lastMissingAt: r.last_missing_at ? new Date(r.last_missing_at) : null,
    addedAt: new Date(r.added_at),
    source: r.source,
    version: r.version,
  }));
}

/** The rows the user may see (row-level security), filtered and sorted; the view is audited. */
/**
 * How many cohort rows this user may see with these filters (to decide whether an export needs a
 * second person's approval). Only a count leaves; nothing about a child.
 */
export async function countTracker(app: App, u: SessionUser, q: TrackerQuery): Promise<number> {
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => filterRows(await trackerRows(tx, now), q).length);
}

export async function listTracker(app: App, u: SessionUser, actor: Actor, q: TrackerQuery, purpose = "view") {
  const now = app.clock.now();
  const today = londonDate(now);
  const t0 = performance.now();
  const timing = { scope: 0, rows: 0, audit: 0 };
  return app.access.asUser(u, async (tx) => {
    const t1 = performance.now();
    timing.scope = t1 - t0;
    const all = await trackerRows(tx, now);
    const rows = sortRows(filterRows(all, q), q.sort, q.dir);
    const t2 = performance.now();
    timing.rows = t2 - t1;
    await audit(
      tx,
      auditFor(actor, {
        action: purpose === "export" ? "tracker.export" : "tracker.view",
        recordType: "cohort",
        fieldGroups: ["identity"],
        reason: purpose === "export" ? "export the MACE tracker" : "view the MACE tracker",
        details: { shown: rows.length, visible: all.length, references: rows.map((r) => r.reference) },
      }),
    );
    timing.audit = performance.now() - t2;
    // Alerts the jobs raised that are still open: for the user's agency, or for everyone with access.
    const alerts =
      purpose === "export"
        ? []
        : await tx
            .selectFrom("follow_up_alerts as a")
            .leftJoin("children as c", "c.id", "a.child_id")
            .select([
              "a.id",
              "a.kind",
              "a.message",
              "a.raised_at",
              "a.child_id",
              "a.record_type",
              "a.record_id",
              "c.reference",
              "c.given_name",
              "c.family_name",
            ])
            .where("a.resolved_at", "is", null)
            .where((eb) => eb.or([eb("a.agency_id", "is", null), eb("a.agency_id", "=", u.agencyId)]))
            .orderBy("a.raised_at", "desc")
            .limit(12)
            .execute();
    return { rows, summary: summarise(all), visible: all.length, today, timing, alerts };
  });
}

export const agencyList = (app: App) => agencies(app.db);

// ---------- joining the cohort ----------

export type AddInput = {
  childId: string;
  referralId?: string | null;
  reason: string;
  concerns: string[];
  leadAgencyId: string;
  leadProfessional?: string | null;
  riskLevel: string;
  nextReviewOn: string;
  idempotencyKey?: string | null;
};

async function validateEntryFields(
  app: App,
  v: { leadAgencyId?: string; riskLevel?: string; riskTrend?: string; nextReviewOn?: string },
  issues: FieldIssue[],
) {
  const today = londonDate(app.clock.now());
  if (v.riskLevel !== undefined && !(RISK_LEVELS as readonly string[]).includes(v.riskLevel))
    issues.push({ field: "riskLevel", message: "Choose the level of risk" });
  if (v.riskTrend !== undefined && !(RISK_TRENDS as readonly string[]).includes(v.riskTrend))
    issues.push({
      field: "riskTrend",
      message: "Choose whether the risk is increasing, stable or decreasing",
    });
  if (v.leadAgencyId !== undefined) {
    const ok =
      /^[0-9a-f-]{36}$/i.test(v.leadAgencyId) &&
      (await app.db.selectFrom("agencies").select("id").where("id", "=", v.leadAgencyId).executeTakeFirst());
    if (!ok) issues.push({ field: "leadAgencyId", message: "Choose the lead agency" });
  }
  if (v.nextReviewOn !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v.nextReviewOn))
      issues.push({ field: "nextReviewOn", message: "Enter the date of the next review" });
    else if (v.nextReviewOn < today)
      issues.push({ field: "nextReviewOn", message: "The next review must be today or in the future" });
    else if (v.nextReviewOn > addDays(today, 183))
      issues.push({ field: "nextReviewOn", message: "The next review must be within 6 months" });
  }
}

/**
 * Adds a child to the cohort, from a screening decision or directly with a reason. Only MACE
 * coordinators (the route's roles); the child must be known to the partnership (signpost). The
 * panel and the coordinator get a 'mace_panel' relationship to the child in the same transaction.
 */
export async function addToCohort(app: App, u: SessionUser, actor: Actor, input: AddInput) {
  const d = await app.access.decide(u, input.childId);
  if (!d.signpost) throw new Forbidden(d.why);
  const issues: FieldIssue[] = [];
  const reason = input.reason?.trim() ?? "";
  if (reason.length < 10)
    issues.push({
      field: "reason",
      message: "Say why the child is joining the cohort, in at least 10 characters",
    });
  if (reason.length > 4000)
    issues.push({ field: "reason", message: "The reason must be 4,000 characters or fewer" });
  const concerns = [...new Set(input.concerns)];
  if (!concerns.length) issues.push({ field: "concerns", message: "Choose at least one concern" });
  else if (concerns.some((c) => !(CONCERNS as readonly string[]).includes(c)))
    issues.push({ field: "concerns", message: "Choose concerns from the list" });
  await validateEntryFields(app, input, issues);
  const prof = input.leadProfessional?.trim() || null;
  if (prof && prof.length > 200)
    issues.push({
      field: "leadProfessional",
      message: "The lead professional must be 200 characters or fewer",
    });
  let source: "screening" | "direct" = "direct";
  if (input.referralId) {
    const ref = await signpostScope(app, u, (tx) =>
      tx
        .selectFrom("referrals")
        .select(["child_id", "decision", "reference"])
        .where("id", "=", input.referralId!)
        .executeTakeFirst(),
    );
    if (!ref || ref.child_id !== input.childId)
      issues.push({ field: "referralId", message: "Choose a referral about this child" });
    else source = "screening";
  }
  if (issues.length) throw new Invalid("The cohort entry has problems", issues);
  const key = input.idempotencyKey ? `${u.id}:${input.idempotencyKey}` : null;
  const facts = await signpostScope(app, u, async (tx) => ({
    open: await openEntryForChild(tx, input.childId),
    replay: key
      ? await tx
          .selectFrom("cohort_entries")
          .select(["id", "child_id"])
          .where("idempotency_key", "=", key)
          .executeTakeFirst()
      : undefined,
  }));
  if (facts.replay) {
    if (facts.replay.child_id !== input.childId)
      throw new Conflict("That idempotency key was used for another child.");
    return { id: facts.replay.id, replayed: true };
  }
  if (facts.open)
    throw new Conflict("This child is already in the cohort. Open their entry to review it instead.", {
      entryId: facts.open.id,
    });
  const now = app.clock.now();
  const id = newId();
  try {
    await app.access.asUser(u, async (tx) => {
      await tx
        .insertInto("cohort_entries")
        .values({
          id,
          child_id: input.childId,
          referral_id: input.referralId || null,
          source,
          reason,
          concern_types: concerns,
          lead_agency_id: input.leadAgencyId,
          lead_professional: prof,
          risk_level: input.riskLevel as RiskLevel,
          risk_trend: "new",
          next_review_on: input.nextReviewOn,
          added_at: now,
          added_by: u.id,
          added_by_agency_id: u.agencyId,
          idempotency_key: key,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await tx
        .insertInto("cohort_reviews")
        .values({
          id: newId(),
          cohort_entry_id: id,
          child_id: input.childId,
          meeting_id: null,
          reviewed_at: now,
          reviewed_by: u.id,
          agency_id: u.agencyId,
          risk_level: input.riskLevel as RiskLevel,
          risk_trend: "new",
          lead_agency_id: input.leadAgencyId,
          lead_professional: prof,
          next_review_on: input.nextReviewOn,
          note: "Joined the cohort",
        })
        .execute();
      const granted = await grantPanelAccess(tx, input.childId, [u.id], now, id);
      await audit(
        tx,
        auditFor(actor, {
          action: "cohort.add",
          recordType: "cohort_entry",
          recordId: id,
          childId: input.childId,
          fieldGroups: ["identity"],
          reason,
          details: {
            source,
            referralId: input.referralId ?? null,
            panelAccessGranted: granted,
            basis: d.basis,
          },
        }),
      );
    });
  } catch (e) {
    if ((e as { code?: string }).code === "23505")
      throw new Conflict("This child is already in the cohort. Open their entry to review it instead.");
    throw e;
  }
  return { id, replayed: false };
}

/** Gives current panel members (and `also`) a 'mace_panel' relationship to the child, if they lack one. */
export async function grantPanelAccess(
  tx: Kysely<DB>,
  childId: string,
  also: string[],
  now: Date,
  entryId: string,
): Promise<number> {
  const members = await tx
    .selectFrom("mace_panel_members")
    .select("user_id")
    .where("ended_at", "is", null)
    .execute();
  const wanted = new Set([...members.map((m) => m.user_id), ...also]);
  const have = await tx
    .selectFrom("relationships")
    .select("user_id")
    .where("child_id", "=", childId)
    .where("kind", "=", "mace_panel")
    .where((eb) => eb.or([eb("ends_at", "is", null), eb("ends_at", ">", now)]))
    .execute();
  for (const h of have) wanted.delete(h.user_id);
  if (!wanted.size) return 0;
  await tx
    .insertInto("relationships")
    .values(
      [...wanted].map((userId) => ({
        id: newId(),
        user_id: userId,
        child_id: childId,
        kind: "mace_panel" as const,
        reason: `MACE panel member: child in the MACE cohort (entry ${entryId.slice(0, 8)})`,
        starts_at: now,
        created_at: now,
      })),
    )
    .execute();
  return wanted.size;
}

// ---------- reviews and leaving ----------

export type ReviewInput = {
  riskLevel: string;
  riskTrend: string;
  leadAgencyId: string;
  leadProfessional?: string | null;
  nextReviewOn: string;
  note?: string | null;
  meetingId?: string | null;
};

async function openEntryOrThrow(app: App, u: SessionUser, entryId: string) {
  const facts = await signpostScope(app, u, (tx) => entryFacts(tx, entryId));
  if (!facts) throw new NotFound("There is no cohort entry with that id.");
  const d = await app.access.decide(u, facts.child_id);
  if (!d.read) throw new Forbidden(d.why);
  return { facts, d };
}

/**
 * Records a review: a new cohort_reviews row (who, which agency, what changed) and the entry's
 * current values, with optimistic concurrency (the version the user saw).
 */
export async function reviewEntry(
  app: App,
  u: SessionUser,
  actor: Actor,
  entryId: string,
  expectedVersion: () => number,
  input: ReviewInput,
) {
  const { facts, d } = await openEntryOrThrow(app, u, entryId);
  const version = expectedVersion();
  const issues: FieldIssue[] = [];
  await validateEntryFields(app, input, issues);
  const note = input.note?.trim() || null;
  if (note && note.length > 4000)
    issues.push({ field: "note", message: "The note must be 4,000 characters or fewer" });
  if (issues.length) throw new Invalid("The review has problems", issues);
  if (facts.status !== "open")
    throw new Conflict("This child has left the cohort; their entry can no longer change.");
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    const updated = await tx
      .updateTable("cohort_entries")
      .set({
        risk_level: input.riskLevel as RiskLevel,
        risk_trend: input.riskTrend as RiskTrend,
        lead_agency_id: input.leadAgencyId,
        lead_professional: input.leadProfessional?.trim() || null,
        next_review_on: input.nextReviewOn,
        last_review_on: londonDate(now),
        version: (eb) => eb("version", "+", 1),
        updated_at: now,
      })
      .where("id", "=", entryId)
      .where("version", "=", version)
      .where("status", "=", "open")
      .returning(["version"])
      .executeTakeFirst();
    if (!updated)
      throw new PreconditionFailed(
        "Someone else changed this cohort entry since you opened it. Reload it and make your change again.",
      );
    await tx
      .insertInto("cohort_reviews")
      .values({
        id: newId(),
        cohort_entry_id: entryId,
        child_id: facts.child_id,
        meeting_id: input.meetingId ?? null,
        reviewed_at: now,
        reviewed_by: u.id,
        agency_id: u.agencyId,
        risk_level: input.riskLevel as RiskLevel,
        risk_trend: input.riskTrend as RiskTrend,
        lead_agency_id: input.leadAgencyId,
        lead_professional: input.leadProfessional?.trim() || null,
        next_review_on: input.nextReviewOn,
        note,
      })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "cohort.review",
        recordType: "cohort_entry",
        recordId: entryId,
        childId: facts.child_id,
        fieldGroups: ["identity"],
        reason: "review a child in the MACE cohort",
        details: {
          riskLevel: input.riskLevel,
          riskTrend: input.riskTrend,
          fromVersion: version,
          basis: d.basis,
        },
      }),
    );
    return { version: updated.version };
  });
}

/**
 * A child leaves the cohort with a reason and an outcome. Open actions stay with their agencies;
 * the panel's 'mace_panel' relationships to the child end now.
 */
export async function leaveCohort(
  app: App,
  u: SessionUser,
  actor: Actor,
  entryId: string,
  expectedVersion: () => number,
  input: { reason: string; outcome: string },
) {
  const { facts } = await openEntryOrThrow(app, u, entryId);
  const version = expectedVersion();
  const issues: FieldIssue[] = [];
  const reason = input.reason?.trim() ?? "";
  if (reason.length < 10)
    issues.push({
      field: "leavingReason",
      message: "Say why the child is leaving the cohort, in at least 10 characters",
    });
  if (!(LEAVING_OUTCOMES as readonly string[]).includes(input.outcome))
    issues.push({ field: "leavingOutcome", message: "Choose the outcome" });
  if (issues.length) throw new Invalid("Leaving the cohort needs a reason and an outcome", issues);
  if (facts.status !== "open") throw new Conflict("This child has already left the cohort.");
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    const updated = await tx
      .updateTable("cohort_entries")
      .set({
        status: "left",
        left_at: now,
        left_by: u.id,
        leaving_reason: reason,
        leaving_outcome: input.outcome as LeavingOutcome,
        version: (eb) => eb("version", "+", 1),
        updated_at: now,
      })
      .where("id", "=", entryId)
      .where("version", "=", version)
      .where("status", "=", "open")
      .returning(["version"])
      .executeTakeFirst();
    if (!updated)
      throw new PreconditionFailed(
        "Someone else changed this cohort entry since you opened it. Reload it and try again.",
      );
    const ended = await tx
      .updateTable("relationships")
      .set({ ends_at: now })
      .where("child_id", "=", facts.child_id)
      .where("kind", "=", "mace_panel")
      .where((eb) => eb.or([eb("ends_at", "is", null), eb("ends_at", ">", now)]))
      .executeTakeFirst();
    await audit(
      tx,
      auditFor(actor, {
        action: "cohort.leave",
        recordType: "cohort_entry",
        recordId: entryId,
        childId: facts.child_id,
        reason,
        details: { outcome: input.outcome, panelAccessEnded: Number(ended.numUpdatedRows) },
      }),
    );
    return { version: updated.version };
  });
}

// ---------- the panel ----------

export const panel = (app: App) => currentPanel(app.db);

/** Adds a member to the MACE panel: they get a relationship to every child now in the cohort. */
export async function addPanelMember(app: App, u: SessionUser, actor: Actor, email: string) {
  const user = await app.db
    .selectFrom("users")
    .select(["id", "display_name", "roles", "active"])
    .where("email", "=", email.trim().toLowerCase())
    .executeTakeFirst();
  if (!user?.active)
    throw new Invalid("There is no active user with that email address", [
      { field: "email", message: "Enter the email address of an active Lantern user" },
    ]);
  if (
    !user.roles.some((r) =>
      ["practitioner", "screener", "mace_coordinator", "analyst", "manager"].includes(r),
    )
  )
    throw new Invalid("Panel members need a safeguarding role", [
      { field: "email", message: "This user's role does not work with children's records" },
    ]);
  const now = app.clock.now();
  return inScope(app.db, { scope: "system" }, async (tx) => {
    const existing = await tx
      .selectFrom("mace_panel_members")
      .select("id")
      .where("user_id", "=", user.id)
      .where("ended_at", "is", null)
      .executeTakeFirst();
    if (existing)
      throw new Invalid("Already on the panel", [
        { field: "email", message: `${user.display_name} is already on the panel` },
      ]);
    const id = newId();
    await tx
      .insertInto("mace_panel_members")
      .values({ id, user_id: user.id, added_by: u.id, added_at: now })
      .execute();
    const cohort = await tx
      .selectFrom("cohort_entries")
      .select(["id", "child_id"])
      .where("status", "=", "open")
      .execute();
    let granted = 0;
    for (const e of cohort) granted += await grantPanelAccess(tx, e.child_id, [user.id], now, e.id);
    await audit(
      tx,
      auditFor(actor, {
        action: "mace_panel.add",
        recordType: "user",
        recordId: user.id,
        reason: "MACE panel membership",
        details: { relationshipsGranted: granted, cohort: cohort.length },
      }),
    );
    return { id, granted };
  });
}

/** A member stands down: their panel relationships end now (other relationships are untouched). */
export async function endPanelMember(app: App, _u: SessionUser, actor: Actor, memberId: string) {
  const now = app.clock.now();
  return inScope(app.db, { scope: "system" }, async (tx) => {
    const m = await tx
      .updateTable("mace_panel_members")
      .set({ ended_at: now })
      .where("id", "=", memberId)
      .where("ended_at", "is", null)
      .returning(["user_id"])
      .executeTakeFirst();
    if (!m) throw new NotFound("That panel membership has already ended.");
    const ended = await tx
      .updateTable("relationships")
      .set({ ends_at: now })
      .where("user_id", "=", m.user_id)
      .where("kind", "=", "mace_panel")
      .where((eb) => eb.or([eb("ends_at", "is", null), eb("ends_at", ">", now)]))
      .executeTakeFirst();
    await audit(
      tx,
      auditFor(actor, {
        action: "mace_panel.end",
        recordType: "user",
        recordId: m.user_id,
        reason: "MACE panel membership ended",
        details: { relationshipsEnded: Number(ended.numUpdatedRows) },
      }),
    );
  });
}

/** Referrals decided as MACE (or strategy discussion) whose child has no open cohort entry. */
export async function awaitingEntry(app: App, u: SessionUser) {
  return signpostScope(app, u, (tx) =>
    tx
      .selectFrom("referrals as r")
      .innerJoin("children as c", "c.id", "r.child_id")
      .select([
        "r.id",
        "r.reference",
        "r.decision",
        "r.decided_at",
        "r.concern_types",
        "c.id as child_id",
        "c.reference as child_reference",
        "c.given_name",
        "c.family_name",
      ])
      .where("r.decision", "=", "mace")
      .where("r.status", "=", "decided")
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("cohort_entries as e")
              .select("e.id")
              .whereRef("e.child_id", "=", "r.child_id")
              .where((x) => x.or([x("e.status", "=", "open"), x("e.added_at", ">=", x.ref("r.decided_at"))])),
          ),
        ),
      )
      .orderBy("r.decided_at", "desc")
      .limit(50)
      .execute(),
  );
}

/** Finds a child by Lantern reference for the "add directly" journey (signpost level only). */
export async function childByReference(app: App, u: SessionUser, reference: string) {
  return signpostScope(app, u, (tx) =>
    tx
      .selectFrom("children")
      .select(["id", "reference", "given_name", "family_name", "date_of_birth"])
      .where((eb) =>
        eb.or([
          eb("reference", "=", reference.trim().toUpperCase()),
          eb(
            "id",
            "=",
            /^[0-9a-f-]{36}$/i.test(reference.trim())
              ? reference.trim()
              : "00000000-0000-0000-0000-000000000000",
          ),
        ]),
      )
      .executeTakeFirst(),
  );
}
