// Missing episodes and return-home interviews. An episode runs from going missing (or absent) to
// being found or returning; a return-home interview should be offered within 72 hours of the return
// by an independent person. Episodes that end before they start, or overlap another episode of the
// same child, are refused with a clear message and nothing is written (one transaction, a per-child
// lock against two people recording at once).
import "./missing.tables.ts";
import { type Kysely, sql } from "kysely";
import type { App } from "../../app.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { formatLondon } from "../../platform/clock.ts";
import {
  Conflict,
  type FieldIssue,
  Forbidden,
  Invalid,
  NotFound,
  PreconditionFailed,
} from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { FieldGroup } from "../access/access.policy.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import { signpostScope } from "../tracker/tracker.service.ts";
import { type EpisodeFacts, missingPattern, RHI_HOURS, rhiClock } from "./missing.clock.ts";
import type { RhiOutcome } from "./missing.tables.ts";

export const EPISODE_KINDS = ["missing", "absent"] as const;
export const RISKS = ["high", "medium", "low"] as const;
export const RHI_OUTCOMES = ["offered", "completed", "declined", "not_completed"] as const;

export type EpisodeInput = {
  kind: string;
  missingFrom?: string | null;
  startedAt: Date;
  reportedAt?: Date | null;
  reportedBy?: string | null;
  risk?: string | null;
  policeReference?: string | null;
  circumstances?: string | null;
  endedAt?: Date | null;
  foundLocation?: string | null;
  foundWith?: string | null;
  idempotencyKey?: string | null;
};

const when = (d: Date) => formatLondon(d);

/** Field checks that need no database: times in order and not in the future, lengths, choices. */
export function checkEpisode(e: EpisodeInput, now: Date, issues: FieldIssue[]) {
  const soon = now.getTime() + 5 * 60_000;
  if (!(EPISODE_KINDS as readonly string[]).includes(e.kind))
    issues.push({ field: "kind", message: "Choose whether the child was missing or absent" });
  if (e.risk && !(RISKS as readonly string[]).includes(e.risk))
    issues.push({ field: "risk", message: "Choose the risk assessed by police" });
  if (e.startedAt.getTime() > soon)
    issues.push({ field: "started", message: "The time the child went missing cannot be in the future" });
  if (e.reportedAt) {
    if (e.reportedAt.getTime() > soon)
      issues.push({ field: "reported", message: "The time it was reported cannot be in the future" });
    else if (e.reportedAt.getTime() < e.startedAt.getTime())
      issues.push({
        field: "reported",
        message: `The time it was reported must be after the child went missing (${when(e.startedAt)})`,
      });
  }
  if (e.endedAt) {
    if (e.endedAt.getTime() <= e.startedAt.getTime())
      issues.push({
        field: "ended",
        message: `The episode ends before it starts: the time the child was found or returned (${when(e.endedAt)}) must be after they went missing (${when(e.startedAt)})`,
      });
    else if (e.endedAt.getTime() > soon)
      issues.push({
        field: "ended",
        message: "The time the child was found or returned cannot be in the future",
      });
  }
  for (const [field, v, max] of [
    ["missingFrom", e.missingFrom, 200],
    ["reportedBy", e.reportedBy, 200],
    ["policeReference", e.policeReference, 50],
    ["circumstances", e.circumstances, 8000],
    ["foundLocation", e.foundLocation, 500],
    ["foundWith", e.foundWith, 500],
  ] as const)
    if (v && v.length > max)
      issues.push({ field, message: `Must be ${max.toLocaleString("en-GB")} characters or fewer` });
}

/** Refuses an episode whose times overlap another of the same child's episodes. */
async function refuseOverlap(
  tx: Kysely<DB>,
  childId: string,
  start: Date,
  end: Date | null,
  exceptId: string | null,
) {
  await sql`select pg_advisory_xact_lock(7305209, hashtext(${childId}))`.execute(tx);
  let q = tx
    .selectFrom("missing_episodes")
    .select(["id", "started_at", "ended_at"])
    .where("child_id", "=", childId)
    .where((eb) => eb.or([eb("ended_at", "is", null), eb("ended_at", ">", start)]))
    .orderBy("started_at");
  if (end) q = q.where("started_at", "<", end);
  if (exceptId) q = q.where("id", "!=", exceptId);
  const clash = await q.executeTakeFirst();
  if (clash) {
    const other = clash.ended_at
      ? `from ${when(clash.started_at)} to ${when(clash.ended_at)}`
      : `from ${when(clash.started_at)}, still open: the child is recorded as missing now`;
    throw new Invalid(
      `These times overlap another episode for this child (${other}). Check the times, or record the return on that episode instead.`,
      [
        {
          field: "started",
          message: `These times overlap another episode for this child (${other}). Check the times, or record the return on that episode instead`,
        },
      ],
    );
  }
}

export async function recordEpisode(
  app: App,
  u: SessionUser,
  actor: Actor,
  childId: string,
  e: EpisodeInput,
) {
  const d = await app.access.decide(u, childId);
  if (!d.addEntries)
    throw new Forbidden(d.read ? "Your access to this child does not include adding entries." : d.why);
  const now = app.clock.now();
  const issues: FieldIssue[] = [];
  checkEpisode(e, now, issues);
  if (issues.length) throw new Invalid("The missing episode has problems", issues);
  const key = e.idempotencyKey ? `${u.id}:${e.idempotencyKey}` : null;
  return app.access.asUser(u, async (tx) => {
    if (key) {
      const prior = await tx
        .selectFrom("missing_episodes")
        .select(["id", "child_id"])
        .where("idempotency_key", "=", key)
        .executeTakeFirst();
      if (prior) {
        if (prior.child_id !== childId)
          throw new Conflict("That idempotency key was used for another child.");
        return { id: prior.id, replayed: true };
      }
    }
    await refuseOverlap(tx, childId, e.startedAt, e.endedAt ?? null, null);
    const id = newId();
    await tx
      .insertInto("missing_episodes")
      .values({
        id,
        child_id: childId,
        reported_by_agency_id: u.agencyId,
        kind: e.kind as "missing" | "absent",
        missing_from: e.missingFrom?.trim() || null,
        started_at: e.startedAt,
        reported_at: e.reportedAt ?? null,
        ended_at: e.endedAt ?? null,
        found_location: e.endedAt ? e.foundLocation?.trim() || null : null,
        found_with: e.endedAt ? e.foundWith?.trim() || null : null,
        risk: (e.risk as "high" | "medium" | "low") || null,
        police_reference: e.policeReference?.trim() || null,
        rhi_status: e.endedAt && e.kind === "missing" ? "due" : "not_due",
        reported_by: e.reportedBy?.trim() || null,
        recorded_by: u.id,
        circumstances: e.circumstances?.trim() || null,
        return_recorded_by: e.endedAt ? u.id : null,
        idempotency_key: key,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "missing.record",
        recordType: "missing_episode",
        recordId: id,
        childId,
        fieldGroups: ["narrative"],
        reason: "record a missing episode",
        details: { kind: e.kind, open: !e.endedAt, risk: e.risk ?? null },
      }),
    );
    return { id, replayed: false };
  });
}

async function episodeFacts(app: App, u: SessionUser, episodeId: string) {
  const f = await signpostScope(app, u, (tx) =>
    tx
      .selectFrom("missing_episodes")
      .select(["id", "child_id", "reported_by_agency_id", "started_at", "ended_at", "kind", "version"])
      .where("id", "=", episodeId)
      .executeTakeFirst(),
  );
  if (!f) throw new NotFound("There is no missing episode with that id.");
  return f;
}

export type ReturnInput = {
  endedAt: Date;
  foundLocation?: string | null;
  foundWith?: string | null;
  risk?: string | null;
  policeReference?: string | null;
};

/** The agency that reported the episode records the return: when, where found, with whom. */
export async function recordReturn(
  app: App,
  u: SessionUser,
  actor: Actor,
  episodeId: string,
  expectedVersion: () => number,
  r: ReturnInput,
) {
  const f = await episodeFacts(app, u, episodeId);
  const d = await app.access.decide(u, f.child_id);
  if (!d.addEntries)
    throw new Forbidden(d.read ? "Your access to this child does not include changing entries." : d.why);
  if (f.reported_by_agency_id !== u.agencyId) {
    const owner = await app.db
      .selectFrom("agencies")
      .select("name")
      .where("id", "=", f.reported_by_agency_id)
      .executeTakeFirst();
    throw new Forbidden(
      `Only ${owner?.name ?? "the agency that reported the episode"} can change it. Tell them the child has been found, or add a case note.`,
    );
  }
  const version = expectedVersion();
  const now = app.clock.now();
  const issues: FieldIssue[] = [];
  checkEpisode({ ...r, kind: f.kind, startedAt: f.started_at }, now, issues);
  if (issues.length) throw new Invalid("The return has problems", issues);
  return app.access.asUser(u, async (tx) => {
    await refuseOverlap(tx, f.child_id, f.started_at, r.endedAt, episodeId);
    const updated = await tx
      .updateTable("missing_episodes")
      .set({
        ended_at: r.endedAt,
        found_location: r.foundLocation?.trim() || null,
        found_with: r.foundWith?.trim() || null,
        ...(r.risk ? { risk: r.risk as "high" | "medium" | "low" } : {}),
        ...(r.policeReference ? { police_reference: r.policeReference.trim() } : {}),
        rhi_status: f.kind === "missing" ? "due" : "not_due",
        return_recorded_by: u.id,
        version: (eb) => eb("version", "+", 1),
        updated_at: now,
      })
      .where("id", "=", episodeId)
      .where("version", "=", version)
      .returning(["version"])
      .executeTakeFirst();
    if (!updated)
      throw new PreconditionFailed(
        "Someone else changed this episode since you opened it. Reload it and try again.",
      );
    await audit(
      tx,
      auditFor(actor, {
        action: "missing.return",
        recordType: "missing_episode",
        recordId: episodeId,
        childId: f.child_id,
        fieldGroups: ["narrative"],
        reason: "record a child found or returned",
        details: { endedAt: r.endedAt.toISOString(), fromVersion: version },
      }),
    );
    return { version: updated.version };
  });
}

export type InterviewInput = {
  outcome: string;
  interviewer: string;
  independent: boolean | null;
  offeredAt: Date;
  completedAt?: Date | null;
  declinedAt?: Date | null;
  childAccount?: string | null;
  followUp?: string | null;
  version?: number | null;
};

/**
 * Records the return-home interview: offered, completed, declined or not completed, who offered
 * it and whether they are independent of the child's care, what the child said and the follow-up.
 * The offering agency owns the record; the episode's RHI summary columns follow it.
 */
export async function recordInterview(
  app: App,
  u: SessionUser,
  actor: Actor,
  episodeId: string,
  i: InterviewInput,
) {
  const f = await episodeFacts(app, u, episodeId);
  const d = await app.access.decide(u, f.child_id);
  if (!d.addEntries)
    throw new Forbidden(d.read ? "Your access to this child does not include adding entries." : d.why);
  const now = app.clock.now();
  const soon = now.getTime() + 5 * 60_000;
  const issues: FieldIssue[] = [];
  if (!f.ended_at)
    issues.push({
      field: "outcome",
      message: "Record the child's return first: the interview is offered after they are found or return",
    });
  if (f.kind === "absent")
    issues.push({ field: "outcome", message: "An absence does not need a return-home interview" });
  if (!(RHI_OUTCOMES as readonly string[]).includes(i.outcome))
    issues.push({ field: "outcome", message: "Choose what happened with the interview" });
  if (!i.interviewer?.trim())
    issues.push({ field: "interviewer", message: "Enter who offered the interview" });
  else if (i.interviewer.length > 200)
    issues.push({ field: "interviewer", message: "Must be 200 characters or fewer" });
  if (i.independent === null)
    issues.push({ field: "independent", message: "Say whether they are independent of the child's care" });
  if (f.ended_at && i.offeredAt.getTime() < f.ended_at.getTime())
    issues.push({
      field: "offered",
      message: `The interview must be offered after the return (${when(f.ended_at)})`,
    });
  if (i.offeredAt.getTime() > soon)
    issues.push({ field: "offered", message: "The time offered cannot be in the future" });
  if (i.outcome === "completed") {
    if (!i.completedAt) issues.push({ field: "completed", message: "Enter when the interview took place" });
    else if (i.completedAt.getTime() < i.offeredAt.getTime())
      issues.push({ field: "completed", message: "The interview must take place after it was offered" });
    else if (i.completedAt.getTime() > soon)
      issues.push({ field: "completed", message: "The interview cannot be in the future" });
  }
  if (i.outcome === "declined") {
    if (!i.declinedAt) issues.push({ field: "declined", message: "Enter when the child declined" });
    else if (i.declinedAt.getTime() < i.offeredAt.getTime())
      issues.push({
        field: "declined",
        message: "The child can only decline after the interview was offered",
      });
  }
  for (const [field, v] of [
    ["childAccount", i.childAccount],
    ["followUp", i.followUp],
  ] as const)
    if (v && v.length > 8000) issues.push({ field, message: "Must be 8,000 characters or fewer" });
  if (issues.length) throw new Invalid("The return-home interview has problems", issues);
  return app.access.asUser(u, async (tx) => {
    const existing = await tx
      .selectFrom("return_interviews")
      .select(["id", "provider_agency_id", "version"])
      .where("episode_id", "=", episodeId)
      .executeTakeFirst();
    const values = {
      interviewer: i.interviewer.trim(),
      independent: Boolean(i.independent),
      outcome: i.outcome as RhiOutcome,
      offered_at: i.offeredAt,
      completed_at: i.outcome === "completed" ? (i.completedAt ?? null) : null,
      declined_at: i.outcome === "declined" ? (i.declinedAt ?? null) : null,
      child_account: i.childAccount?.trim() || null,
      follow_up: i.followUp?.trim() || null,
      updated_at: now,
    };
    let id: string;
    if (existing) {
      if (existing.provider_agency_id !== u.agencyId)
        throw new Forbidden("Another agency recorded this return-home interview; only they can change it.");
      if (i.version != null && i.version !== existing.version)
        throw new PreconditionFailed(
          "Someone else changed this interview since you opened it. Reload it and try again.",
        );
      id = existing.id;
      await tx
        .updateTable("return_interviews")
        .set({ ...values, version: (eb) => eb("version", "+", 1) })
        .where("id", "=", id)
        .execute();
    } else {
      id = newId();
      await tx
        .insertInto("return_interviews")
        .values({
          id,
          episode_id: episodeId,
          child_id: f.child_id,
          provider_agency_id: u.agencyId,
          recorded_by: u.id,
          created_at: now,
          ...values,
        })
        .execute();
    }
    await tx
      .updateTable("missing_episodes")
      .set({
        rhi_status: i.outcome as RhiOutcome,
        rhi_offered_at: i.offeredAt,
        rhi_completed_at: i.outcome === "completed" ? (i.completedAt ?? null) : null,
        updated_at: now,
      })
      .where("id", "=", episodeId)
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: existing ? "missing.interview.update" : "missing.interview.record",
        recordType: "return_interview",
        recordId: id,
        childId: f.child_id,
        fieldGroups: ["narrative"],
        reason: "record a return-home interview",
        details: { outcome: i.outcome, independent: Boolean(i.independent), episodeId },
      }),
    );
    return { id };
  });
}

// ---------- reading ----------

export type EpisodeView = Awaited<ReturnType<typeof episodesFor>>[number];

/** The child's episodes with their return interviews and clocks, newest first (under RLS). */
export async function episodesFor(tx: Kysely<DB>, childId: string, now: Date, groups: readonly FieldGroup[]) {
  const eps = await tx
    .selectFrom("missing_episodes as e")
    .innerJoin("agencies as a", "a.id", "e.reported_by_agency_id")
    .leftJoin("return_interviews as r", "r.episode_id", "e.id")
    .leftJoin("agencies as ra", "ra.id", "r.provider_agency_id")
    .select([
      "e.id",
      "e.child_id",
      "e.kind",
      "e.missing_from",
      "e.started_at",
      "e.reported_at",
      "e.reported_by",
      "e.ended_at",
      "e.found_location",
      "e.found_with",
      "e.risk",
      "e.police_reference",
      "e.circumstances",
      "e.rhi_status",
      "e.rhi_offered_at",
      "e.rhi_completed_at",
      "e.version",
      "e.reported_by_agency_id",
      "a.name as reported_by_agency",
      "r.id as rhi_id",
      "r.interviewer",
      "r.independent",
      "r.outcome",
      "r.offered_at",
      "r.completed_at",
      "r.declined_at",
      "r.child_account",
      "r.follow_up",
      "r.version as rhi_version",
      "r.provider_agency_id",
      "ra.name as provider_agency",
    ])
    .where("e.child_id", "=", childId)
    .orderBy("e.started_at", "desc")
    .execute();
  const narrative = groups.includes("narrative");
  return eps.map((e) => {
    const outcome = (e.outcome ??
      (["offered", "completed", "declined", "not_completed"].includes(e.rhi_status)
        ? e.rhi_status
        : null)) as RhiOutcome | null;
    const clock = rhiClock(
      {
        kind: e.kind,
        endedAt: e.ended_at,
        offeredAt: e.offered_at ?? e.rhi_offered_at,
        completedAt: e.completed_at ?? e.rhi_completed_at,
        declinedAt: e.declined_at,
        outcome,
      },
      now,
    );
    return {
      ...e,
      circumstances: narrative ? e.circumstances : null,
      child_account: narrative ? e.child_account : null,
      follow_up: narrative ? e.follow_up : null,
      hidden: !narrative,
      outcome,
      clock,
      durationMs: e.ended_at
        ? e.ended_at.getTime() - e.started_at.getTime()
        : now.getTime() - e.started_at.getTime(),
    };
  });
}

export function patternOf(
  eps: readonly {
    kind: "missing" | "absent";
    started_at: Date;
    ended_at: Date | null;
    found_location: string | null;
    found_with: string | null;
    missing_from: string | null;
  }[],
  now: Date,
) {
  const facts: EpisodeFacts[] = eps.map((e) => ({
    startedAt: e.started_at,
    endedAt: e.ended_at,
    kind: e.kind,
    foundLocation: e.found_location,
    foundWith: e.found_with,
    missingFrom: e.missing_from,
  }));
  return missingPattern(facts, now);
}

/** One child's missing history: episodes, clocks and pattern. Audited. */
export async function missingForChild(app: App, u: SessionUser, actor: Actor, childId: string) {
  const d = await app.access.decide(u, childId);
  if (!d.read) throw new Forbidden(d.why);
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    const episodes = await episodesFor(tx, childId, now, d.fieldGroups);
    await audit(
      tx,
      auditFor(actor, {
        action: "missing.view",
        recordType: "child",
        recordId: childId,
        childId,
        fieldGroups: d.fieldGroups.filter((g) => g === "identity" || g === "narrative"),
        reason: "view missing episodes",
      }),
    );
    return { decision: d, episodes, pattern: patternOf(episodes, now) };
  });
}

/** One episode, for its page. */
export async function episodeDetail(app: App, u: SessionUser, actor: Actor, episodeId: string) {
  const f = await episodeFacts(app, u, episodeId);
  const d = await app.access.decide(u, f.child_id);
  if (!d.read) throw new Forbidden(d.why);
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    const child = await tx
      .selectFrom("children")
      .select(["id", "reference", "given_name", "family_name", "looked_after"])
      .where("id", "=", f.child_id)
      .executeTakeFirst();
    if (!child) throw new Forbidden("The database refused access to this record.");
    const episodes = await episodesFor(tx, f.child_id, now, d.fieldGroups);
    const episode = episodes.find((e) => e.id === episodeId);
    if (!episode) throw new Forbidden("The database refused access to this record.");
    await audit(
      tx,
      auditFor(actor, {
        action: "missing.episode.view",
        recordType: "missing_episode",
        recordId: episodeId,
        childId: f.child_id,
        fieldGroups: d.fieldGroups.filter((g) => g === "identity" || g === "narrative"),
        reason: "view a missing episode",
      }),
    );
    return {
      decision: d,
      child,
      episode,
      pattern: patternOf(episodes, now),
      canChange: f.reported_by_agency_id === u.agencyId && d.addEntries,
    };
  });
}

/**
 * The missing persons / return interview view: children missing now and return interviews due or
 * overdue, for the children this user may see.
 */
export async function missingBoard(app: App, u: SessionUser, actor: Actor) {
  const now = app.clock.now();
  const cut = new Date(now.getTime() - 14 * 86_400_000);
  return app.access.asUser(u, async (tx) => {
    const rows = await tx
      .selectFrom("missing_episodes as e")
      .innerJoin("children as c", "c.id", "e.child_id")
      .innerJoin("agencies as a", "a.id", "e.reported_by_agency_id")
      .select([
        "e.id",
        "e.child_id",
        "e.kind",
        "e.started_at",
        "e.ended_at",
        "e.risk",
        "e.missing_from",
        "e.police_reference",
        "e.rhi_status",
        "e.rhi_offered_at",
        "e.rhi_completed_at",
        "c.reference",
        "c.given_name",
        "c.family_name",
        "c.looked_after",
        "a.name as reported_by_agency",
      ])
      .where((eb) =>
        eb.or([
          eb("e.ended_at", "is", null),
          eb.and([
            eb("e.kind", "=", "missing"),
            eb("e.ended_at", ">=", cut),
            eb("e.rhi_offered_at", "is", null),
            eb("e.rhi_completed_at", "is", null),
            eb("e.rhi_status", "in", ["due", "not_due"]),
          ]),
        ]),
      )
      .orderBy("e.started_at", "desc")
      .execute();
    const withClock = rows.map((r) => ({
      ...r,
      name: [r.given_name, r.family_name].filter(Boolean).join(" ") || r.reference,
      clock: rhiClock(
        {
          kind: r.kind,
          endedAt: r.ended_at,
          offeredAt: r.rhi_offered_at,
          completedAt: r.rhi_completed_at,
          declinedAt: null,
          outcome: null,
        },
        now,
      ),
      missingFor: now.getTime() - r.started_at.getTime(),
    }));
    await audit(
      tx,
      auditFor(actor, {
        action: "missing.board.view",
        recordType: "missing_episode",
        fieldGroups: ["identity"],
        reason: "view children missing now and return interviews due",
        details: { shown: withClock.length },
      }),
    );
    return {
      missingNow: withClock.filter((r) => !r.ended_at),
      rhi: withClock
        .filter((r) => r.ended_at)
        .sort((a, b) => (a.clock.dueAt?.getTime() ?? 0) - (b.clock.dueAt?.getTime() ?? 0)),
      rhiHours: RHI_HOURS,
    };
  });
}
