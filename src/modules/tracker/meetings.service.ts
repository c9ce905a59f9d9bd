// Meetings: MACE panels, strategy discussions and reviews. The coordinator builds the agenda from
// the cohort, records who attended from each agency, and records minutes per child; each decision
// can become an action owned by an agency; the minutes also record the review (risk, trend, next
// review date). Minutes pass through the language checker and its flags are stored with them.
import "./tracker.tables.ts";
import type { Kysely } from "kysely";
import type { App } from "../../app.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { formatLondon, londonDate } from "../../platform/clock.ts";
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
import { type KeptWording, recordLanguageChecks } from "../language/index.ts";
import { addDays } from "../missing/missing.clock.ts";
import { patternOf } from "../missing/missing.service.ts";
import { proposeAgenda } from "./agenda.ts";
import { insertAction, type NewAction, validateAction } from "./plans.service.ts";
import { actionsOf } from "./tracker.queries.ts";
import { signpostScope, trackerRows } from "./tracker.service.ts";
import type { AgendaReason, MeetingKind, RiskLevel, RiskTrend } from "./tracker.tables.ts";
import { MEETING_KINDS, RISK_LEVELS, RISK_TRENDS } from "./tracker.vocab.ts";

// ---------- language check on minutes ----------

/**
 * A language-checker flag as stored with the minutes (and shown beside them): the language
 * module records every check in its own tables too (for the practice report), with the
 * dictionary version and the writer's decision to keep the wording, and why.
 */
export type StoredFlag = {
  field: string;
  phrase: string;
  start: number;
  end: number;
  category: string;
  why: string;
  alternatives: string[];
  entryId: string;
  kept?: boolean;
  reason?: string | null;
};

// ---------- meetings ----------

export type MeetingInput = {
  kind: string;
  title: string;
  heldAt: Date | null;
  location?: string | null;
  chair?: string | null;
  idempotencyKey?: string | null;
};

export async function createMeeting(app: App, u: SessionUser, actor: Actor, m: MeetingInput) {
  const issues: FieldIssue[] = [];
  if (!(MEETING_KINDS as readonly string[]).includes(m.kind))
    issues.push({ field: "kind", message: "Choose the kind of meeting" });
  const title = m.title?.trim() ?? "";
  if (title.length < 3 || title.length > 200)
    issues.push({ field: "title", message: "Enter a title of 3 to 200 characters" });
  if (!m.heldAt) issues.push({ field: "heldAt", message: "Enter the date and time of the meeting" });
  if ((m.location ?? "").length > 300)
    issues.push({ field: "location", message: "Must be 300 characters or fewer" });
  if (issues.length) throw new Invalid("The meeting has problems", issues);
  const now = app.clock.now();
  const key = m.idempotencyKey ? `${u.id}:${m.idempotencyKey}` : null;
  return app.access.asUser(u, async (tx) => {
    if (key) {
      const prior = await tx
        .selectFrom("meetings")
        .select("id")
        .where("idempotency_key", "=", key)
        .executeTakeFirst();
      if (prior) return { id: prior.id, replayed: true };
    }
    const id = newId();
    const n = await tx
      .selectFrom("meetings")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("meetings")
      .values({
        id,
        reference: `MTG-${formatLondon(m.heldAt!, "yyyyMMdd")}-${String(Number(n.n) + 1).padStart(3, "0")}-${id.slice(0, 4).toUpperCase()}`,
        kind: m.kind as MeetingKind,
        title,
        held_at: m.heldAt!,
        location: m.location?.trim() || null,
        chair: m.chair?.trim() || null,
        owning_agency_id: u.agencyId,
        created_by: u.id,
        idempotency_key: key,
        created_at: now,
      })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "meeting.create",
        recordType: "meeting",
        recordId: id,
        reason: "arrange a meeting",
        details: { kind: m.kind },
      }),
    );
    return { id, replayed: false };
  });
}

export async function listMeetings(app: App) {
  return app.db
    .selectFrom("meetings as m")
    .innerJoin("agencies as a", "a.id", "m.owning_agency_id")
    .select([
      "m.id",
      "m.reference",
      "m.kind",
      "m.title",
      "m.held_at",
      "m.location",
      "m.status",
      "m.agenda_built_at",
      "a.name as agency",
      (eb) =>
        eb
          .selectFrom("meeting_items as i")
          .select((x) => x.fn.countAll<number>().as("n"))
          .whereRef("i.meeting_id", "=", "m.id")
          .as("items"),
    ])
    .orderBy("m.held_at", "desc")
    .limit(100)
    .execute();
}

async function meetingOrThrow(db: Kysely<DB>, id: string) {
  const m = await db
    .selectFrom("meetings as m")
    .innerJoin("agencies as a", "a.id", "m.owning_agency_id")
    .selectAll("m")
    .select(["a.name as agency"])
    .where("m.id", "=", id)
    .executeTakeFirst();
  if (!m) throw new NotFound("There is no meeting with that id.");
  return m;
}

/** Entries discussed at any earlier meeting (minutes recorded), and when the last panel was held. */
async function agendaContext(tx: Kysely<DB>, meeting: { id: string; kind: string; held_at: Date }) {
  const prev = await tx
    .selectFrom("meetings")
    .select("held_at")
    .where("kind", "=", meeting.kind as MeetingKind)
    .where("held_at", "<", meeting.held_at)
    .where("id", "!=", meeting.id)
    .orderBy("held_at", "desc")
    .executeTakeFirst();
  const discussed = await tx
    .selectFrom("meeting_minutes")
    .select("cohort_entry_id")
    .distinct()
    .where("meeting_id", "!=", meeting.id)
    .where("cohort_entry_id", "is not", null)
    .execute();
  return { since: prev?.held_at ?? null, discussed: new Set(discussed.map((d) => d.cohort_entry_id!)) };
}

/** The meeting page: agenda items (children you may see), attendance, minutes, and a proposal. */
export async function meetingDetail(app: App, u: SessionUser, actor: Actor, id: string) {
  const now = app.clock.now();
  // How many items in total (some children may be hidden from this viewer): read before the
  // user's transaction, since the embedded database has one connection.
  const total = await signpostScope(app, u, (s) =>
    s
      .selectFrom("meeting_items")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("meeting_id", "=", id)
      .executeTakeFirstOrThrow(),
  );
  return app.access.asUser(u, async (tx) => {
    const meeting = await meetingOrThrow(tx, id);
    const items = await tx
      .selectFrom("meeting_items as i")
      .innerJoin("children as c", "c.id", "i.child_id")
      .leftJoin("meeting_minutes as mm", "mm.item_id", "i.id")
      .leftJoin("cohort_entries as e", "e.id", "i.cohort_entry_id")
      .select([
        "i.id",
        "i.position",
        "i.child_id",
        "i.cohort_entry_id",
        "i.reasons",
        "i.reason_detail",
        "c.reference",
        "c.given_name",
        "c.family_name",
        "e.risk_level",
        "e.risk_trend",
        "mm.id as minute_id",
        "mm.updated_at as minuted_at",
        "mm.language_flags",
      ])
      .where("i.meeting_id", "=", id)
      .orderBy("i.position")
      .execute();
    const attendance = await tx
      .selectFrom("meeting_attendance as t")
      .innerJoin("agencies as a", "a.id", "t.agency_id")
      .select(["t.id", "t.person_name", "t.role", "t.attendance", "a.name as agency"])
      .where("t.meeting_id", "=", id)
      .orderBy("a.name")
      .orderBy("t.person_name")
      .execute();
    let proposal: ReturnType<typeof proposeAgenda> = [];
    if (meeting.status === "planned") {
      const rows = await trackerRows(tx, now);
      const ctx = await agendaContext(tx, meeting);
      const onAgenda = new Set(items.map((i) => i.cohort_entry_id));
      proposal = proposeAgenda(rows, { meetingDate: londonDate(meeting.held_at), ...ctx }).filter(
        (c) => !onAgenda.has(c.entryId),
      );
    }
    await audit(
      tx,
      auditFor(actor, {
        action: "meeting.view",
        recordType: "meeting",
        recordId: id,
        fieldGroups: items.length || proposal.length ? ["identity"] : [],
        reason: "view a meeting's agenda",
        details: { items: items.map((i) => i.reference), proposed: proposal.map((p) => p.reference) },
      }),
    );
    return {
      meeting,
      items: items.map((i) => ({
        ...i,
        name: [i.given_name, i.family_name].filter(Boolean).join(" ") || i.reference,
        flagCount: Array.isArray(i.language_flags)
          ? (i.language_flags as StoredFlag[]).filter((f) => !f.kept).length
          : 0,
      })),
      hiddenItems: Math.max(0, Number(total.n) - items.length),
      attendance,
      proposal,
    };
  });
}

/**
 * Saves the agenda: the chosen cohort entries become items in the order proposed (escalations,
 * new entries, reviews due, then any added by hand). Items that already have minutes stay.
 */
export async function saveAgenda(
  app: App,
  u: SessionUser,
  actor: Actor,
  meetingId: string,
  entryIds: string[],
) {
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    const meeting = await meetingOrThrow(tx, meetingId);
    if (meeting.status !== "planned")
      throw new Conflict("The agenda of a meeting that has been held cannot change.");
    const rows = await trackerRows(tx, now);
    const byEntry = new Map(rows.map((r) => [r.entryId, r]));
    const ctx = await agendaContext(tx, meeting);
    const proposal = proposeAgenda(rows, { meetingDate: londonDate(meeting.held_at), ...ctx });
    const reasonsOf = new Map(proposal.map((p) => [p.entryId, p]));
    const chosen = [...new Set(entryIds)].filter((e) => byEntry.has(e));
    if (entryIds.length && !chosen.length)
      throw new Invalid("Choose children from the cohort", [
        { field: "entries", message: "Choose children in the cohort that you can see" },
      ]);
    const existing = await tx
      .selectFrom("meeting_items as i")
      .leftJoin("meeting_minutes as mm", "mm.item_id", "i.id")
      .select(["i.id", "i.cohort_entry_id", "i.position", "mm.id as minute_id"])
      .where("i.meeting_id", "=", meetingId)
      .execute();
    const keep = new Set(chosen);
    const removable = existing
      .filter((x) => !x.minute_id && x.cohort_entry_id && !keep.has(x.cohort_entry_id))
      .map((x) => x.id);
    if (removable.length) await tx.deleteFrom("meeting_items").where("id", "in", removable).execute();
    const present = new Set(existing.filter((x) => !removable.includes(x.id)).map((x) => x.cohort_entry_id));
    const order = (e: string) => {
      const i = proposal.findIndex((p) => p.entryId === e);
      return i < 0 ? proposal.length : i;
    };
    let pos = Math.max(0, ...existing.filter((x) => !removable.includes(x.id)).map((x) => x.position));
    const added: string[] = [];
    for (const e of chosen.sort((a, b) => order(a) - order(b))) {
      if (present.has(e)) continue;
      const r = byEntry.get(e)!;
      const p = reasonsOf.get(e);
      await tx
        .insertInto("meeting_items")
        .values({
          id: newId(),
          meeting_id: meetingId,
          position: ++pos,
          child_id: r.childId,
          cohort_entry_id: e,
          reasons: p ? p.reasons : (["added"] as AgendaReason[]),
          reason_detail: p ? p.detail.join("; ") : "Added by the coordinator",
          created_at: now,
        })
        .execute();
      added.push(r.reference);
    }
    await tx
      .updateTable("meetings")
      .set({ agenda_built_at: now, version: (eb) => eb("version", "+", 1) })
      .where("id", "=", meetingId)
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "meeting.agenda",
        recordType: "meeting",
        recordId: meetingId,
        fieldGroups: ["identity"],
        reason: "build a meeting agenda from the cohort",
        details: { added, removed: removable.length },
      }),
    );
    return { added: added.length, removed: removable.length };
  });
}

export type AttendanceInput = {
  agencyId: string;
  personName: string;
  role?: string | null;
  attendance: string;
};

export async function addAttendance(
  app: App,
  u: SessionUser,
  actor: Actor,
  meetingId: string,
  a: AttendanceInput,
) {
  const issues: FieldIssue[] = [];
  if (
    !/^[0-9a-f-]{36}$/i.test(a.agencyId ?? "") ||
    !(await app.db.selectFrom("agencies").select("id").where("id", "=", a.agencyId).executeTakeFirst())
  )
    issues.push({ field: "agencyId", message: "Choose the agency" });
  if (!a.personName?.trim() || a.personName.length > 200)
    issues.push({ field: "personName", message: "Enter the person's name" });
  if (!["present", "apologies", "absent"].includes(a.attendance))
    issues.push({ field: "attendance", message: "Choose present, apologies or absent" });
  if (issues.length) throw new Invalid("The attendance has problems", issues);
  return app.access.asUser(u, async (tx) => {
    await meetingOrThrow(tx, meetingId);
    const id = newId();
    await tx
      .insertInto("meeting_attendance")
      .values({
        id,
        meeting_id: meetingId,
        agency_id: a.agencyId,
        person_name: a.personName.trim(),
        role: a.role?.trim() || null,
        attendance: a.attendance as "present",
        recorded_by: u.id,
        created_at: app.clock.now(),
      })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "meeting.attendance",
        recordType: "meeting",
        recordId: meetingId,
        reason: "record attendance",
      }),
    );
    return { id };
  });
}

export async function setMeetingStatus(
  app: App,
  u: SessionUser,
  actor: Actor,
  meetingId: string,
  status: "held" | "closed",
) {
  return app.access.asUser(u, async (tx) => {
    const m = await meetingOrThrow(tx, meetingId);
    if (m.owning_agency_id !== u.agencyId)
      throw new Forbidden("Only the agency that arranged the meeting can change its status.");
    await tx
      .updateTable("meetings")
      .set({ status, version: (eb) => eb("version", "+", 1) })
      .where("id", "=", meetingId)
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "meeting.status",
        recordType: "meeting",
        recordId: meetingId,
        reason: `meeting ${status}`,
      }),
    );
  });
}

// ---------- minutes ----------

async function itemFacts(app: App, u: SessionUser, meetingId: string, itemId: string) {
  const it = await signpostScope(app, u, (tx) =>
    tx
      .selectFrom("meeting_items")
      .select(["id", "meeting_id", "child_id", "cohort_entry_id"])
      .where("id", "=", itemId)
      .executeTakeFirst(),
  );
  if (!it || it.meeting_id !== meetingId) throw new NotFound("That child is not on this meeting's agenda.");
  return it;
}

/** One child's item: the child, their current entry, plan actions, missing pattern and the minutes so far. */
export async function itemDetail(app: App, u: SessionUser, actor: Actor, meetingId: string, itemId: string) {
  const it = await itemFacts(app, u, meetingId, itemId);
  const d = await app.access.decide(u, it.child_id);
  if (!d.read) throw new Forbidden(d.why);
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    const meeting = await meetingOrThrow(tx, meetingId);
    const item = await tx
      .selectFrom("meeting_items as i")
      .innerJoin("children as c", "c.id", "i.child_id")
      .select([
        "i.id",
        "i.reasons",
        "i.reason_detail",
        "i.cohort_entry_id",
        "c.id as child_id",
        "c.reference",
        "c.given_name",
        "c.family_name",
        "c.date_of_birth",
      ])
      .where("i.id", "=", itemId)
      .executeTakeFirst();
    if (!item) throw new Forbidden("The database refused access to this record.");
    const entry = item.cohort_entry_id
      ? await tx
          .selectFrom("cohort_entries as e")
          .innerJoin("agencies as a", "a.id", "e.lead_agency_id")
          .selectAll("e")
          .select(["a.name as lead_agency"])
          .where("e.id", "=", item.cohort_entry_id)
          .executeTakeFirst()
      : undefined;
    const actions = item.cohort_entry_id ? await actionsOf(tx, { entryId: item.cohort_entry_id }) : [];
    const episodes = await tx
      .selectFrom("missing_episodes")
      .select(["kind", "started_at", "ended_at", "found_location", "found_with", "missing_from"])
      .where("child_id", "=", it.child_id)
      .execute();
    const minutes = await tx
      .selectFrom("meeting_minutes")
      .selectAll()
      .where("item_id", "=", itemId)
      .executeTakeFirst();
    const decisions = minutes
      ? await tx
          .selectFrom("meeting_decisions as d")
          .leftJoin("plan_actions as p", "p.id", "d.action_id")
          .leftJoin("agencies as a", "a.id", "p.owner_agency_id")
          .select([
            "d.id",
            "d.text",
            "d.action_id",
            "p.due_on",
            "p.status",
            "a.name as owner_agency",
            "p.owner_name",
          ])
          .where("d.minute_id", "=", minutes.id)
          .orderBy("d.created_at")
          .execute()
      : [];
    await audit(
      tx,
      auditFor(actor, {
        action: "meeting.item.view",
        recordType: "meeting_item",
        recordId: itemId,
        childId: it.child_id,
        fieldGroups: ["identity", "narrative"].filter((g) => (d.fieldGroups as string[]).includes(g)),
        reason: "prepare or record minutes for a child",
      }),
    );
    return {
      meeting,
      item: {
        ...item,
        name: [item.given_name, item.family_name].filter(Boolean).join(" ") || item.reference,
      },
      entry,
      actions,
      pattern: patternOf(episodes, now),
      minutes,
      decisions,
      decision: d,
    };
  });
}

export type DecisionInput = {
  text: string;
  ownerAgencyId?: string | null;
  ownerName?: string | null;
  dueOn?: string | null;
};
export type MinutesInput = {
  summary: string;
  childVoice?: string | null;
  riskLevel?: string | null;
  riskTrend?: string | null;
  nextReviewOn?: string | null;
  decisions: DecisionInput[];
  version?: number | null;
  /** The writer's decisions to keep flagged wording, with reasons (from the live hints). */
  kept?: KeptWording[];
};

/**
 * Records (or updates) the minutes for one child: the discussion, the child's voice, the review
 * (risk, trend, next review date) and decisions; a decision with an owning agency becomes an action
 * in the child's plan. The minutes are language-checked; flags are stored, never blocking.
 */
export async function recordMinutes(
  app: App,
  u: SessionUser,
  actor: Actor,
  meetingId: string,
  itemId: string,
  m: MinutesInput,
) {
  const it = await itemFacts(app, u, meetingId, itemId);
  const d = await app.access.decide(u, it.child_id);
  if (!d.read) throw new Forbidden(d.why);
  const today = londonDate(app.clock.now());
  const issues: FieldIssue[] = [];
  const summary = m.summary?.trim() ?? "";
  if (summary.length < 10)
    issues.push({ field: "summary", message: "Summarise the discussion, in at least 10 characters" });
  if (summary.length > 20_000)
    issues.push({ field: "summary", message: "The summary must be 20,000 characters or fewer" });
  if ((m.childVoice ?? "").length > 8000)
    issues.push({ field: "childVoice", message: "Must be 8,000 characters or fewer" });
  const reviewing = Boolean(it.cohort_entry_id);
  if (reviewing) {
    if (!(RISK_LEVELS as readonly string[]).includes(m.riskLevel ?? ""))
      issues.push({ field: "riskLevel", message: "Choose the level of risk agreed" });
    if (!(RISK_TRENDS as readonly string[]).includes(m.riskTrend ?? ""))
      issues.push({
        field: "riskTrend",
        message: "Choose whether the risk is increasing, stable or decreasing",
      });
    if (!m.nextReviewOn) issues.push({ field: "nextReviewOn", message: "Enter the date of the next review" });
    else if (m.nextReviewOn < today)
      issues.push({ field: "nextReviewOn", message: "The next review must be today or in the future" });
    else if (m.nextReviewOn > addDays(today, 183))
      issues.push({ field: "nextReviewOn", message: "The next review must be within 6 months" });
  }
  const decisions = m.decisions.filter((x) => x.text?.trim() || x.ownerAgencyId || x.dueOn);
  decisions.forEach((x, i) => {
    const p = `d${i + 1}`;
    if (!x.text?.trim())
      issues.push({ field: `${p}Text`, message: `Decision ${i + 1}: describe the decision` });
    if (x.ownerAgencyId || x.dueOn) {
      const sub: FieldIssue[] = [];
      validateAction(
        app,
        u,
        {
          text: x.text ?? "",
          ownerAgencyId: x.ownerAgencyId ?? "",
          ownerName: x.ownerName,
          dueOn: x.dueOn ?? "",
        },
        sub,
        "",
      );
      for (const s of sub)
        if (s.field !== "text")
          issues.push({
            field: `${p}${s.field === "ownerAgencyId" ? "Agency" : s.field === "dueOn" ? "Due" : "Owner"}`,
            message: `Decision ${i + 1}: ${s.message.charAt(0).toLowerCase()}${s.message.slice(1)}`,
          });
    }
  });
  if (issues.length) throw new Invalid("The minutes have problems", issues);
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    const meeting = await meetingOrThrow(tx, meetingId);
    const existing = await tx
      .selectFrom("meeting_minutes")
      .select(["id", "agency_id", "version", "language_flags"])
      .where("item_id", "=", itemId)
      .executeTakeFirst();
    // Decisions already recorded are kept (they may be actions now); new ones are numbered after them.
    const earlier = existing
      ? Number(
          (
            await tx
              .selectFrom("meeting_decisions")
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .where("minute_id", "=", existing.id)
              .executeTakeFirstOrThrow()
          ).n,
        )
      : 0;
    let minuteId: string;
    if (existing) {
      if (existing.agency_id !== u.agencyId)
        throw new Forbidden("Another agency recorded these minutes; only they can change them.");
      if (m.version != null && m.version !== existing.version)
        throw new PreconditionFailed(
          "Someone else changed these minutes since you opened them. Reload the page and make your change again.",
        );
      minuteId = existing.id;
      await tx
        .updateTable("meeting_minutes")
        .set({
          summary,
          child_voice: m.childVoice?.trim() || null,
          risk_level: (m.riskLevel as RiskLevel) || null,
          risk_trend: (m.riskTrend as RiskTrend) || null,
          next_review_on: m.nextReviewOn || null,
          recorded_by: u.id,
          version: (eb) => eb("version", "+", 1),
          updated_at: now,
        })
        .where("id", "=", minuteId)
        .execute();
    } else {
      minuteId = newId();
      await tx
        .insertInto("meeting_minutes")
        .values({
          id: minuteId,
          meeting_id: meetingId,
          item_id: itemId,
          child_id: it.child_id,
          cohort_entry_id: it.cohort_entry_id,
          summary,
          child_voice: m.childVoice?.trim() || null,
          risk_level: (m.riskLevel as RiskLevel) || null,
          risk_trend: (m.riskTrend as RiskTrend) || null,
          next_review_on: m.nextReviewOn || null,
          recorded_by: u.id,
          agency_id: u.agencyId,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    let actionsMade = 0;
    for (const x of decisions) {
      let actionId: string | null = null;
      if (x.ownerAgencyId && it.cohort_entry_id) {
        const a: NewAction = {
          text: x.text.trim(),
          ownerAgencyId: x.ownerAgencyId,
          ownerName: x.ownerName,
          dueOn: x.dueOn!,
        };
        actionId = await insertAction(
          tx,
          u,
          now,
          { childId: it.child_id, entryId: it.cohort_entry_id, contextId: null },
          a,
          {
            meetingId,
            minuteId,
          },
        );
        actionsMade++;
      }
      await tx
        .insertInto("meeting_decisions")
        .values({
          id: newId(),
          minute_id: minuteId,
          meeting_id: meetingId,
          child_id: it.child_id,
          text: x.text.trim(),
          action_id: actionId,
          created_at: now,
        })
        .execute();
    }
    if (reviewing) {
      const entry = await tx
        .updateTable("cohort_entries")
        .set({
          risk_level: m.riskLevel as RiskLevel,
          risk_trend: m.riskTrend as RiskTrend,
          next_review_on: m.nextReviewOn!,
          last_review_on: londonDate(meeting.held_at),
          version: (eb) => eb("version", "+", 1),
          updated_at: now,
        })
        .where("id", "=", it.cohort_entry_id!)
        .where("status", "=", "open")
        .returning(["lead_agency_id", "lead_professional"])
        .executeTakeFirst();
      if (entry)
        await tx
          .insertInto("cohort_reviews")
          .values({
            id: newId(),
            cohort_entry_id: it.cohort_entry_id!,
            child_id: it.child_id,
            meeting_id: meetingId,
            reviewed_at: now,
            reviewed_by: u.id,
            agency_id: u.agencyId,
            risk_level: m.riskLevel as RiskLevel,
            risk_trend: m.riskTrend as RiskTrend,
            lead_agency_id: entry.lead_agency_id,
            lead_professional: entry.lead_professional,
            next_review_on: m.nextReviewOn!,
            note: `Reviewed at ${meeting.title}`,
          })
          .execute();
    }
    // The language checker, through the language module (the partnership's current dictionary):
    // never blocks saving, never rewrites; the flags are kept with the minutes and shown to the writer.
    const fields: [string, string | null | undefined][] = [
      ["summary", summary],
      ["childVoice", m.childVoice?.trim()],
      ...decisions.map((x, i): [string, string] => [`decision ${earlier + i + 1}`, x.text.trim()]),
    ];
    const flags: StoredFlag[] = existing
      ? ((existing.language_flags as StoredFlag[] | null) ?? []).filter((f) =>
          f.field.startsWith("decision "),
        )
      : [];
    let dictionary: string | null = null;
    for (const [field, text] of fields) {
      if (!text) continue;
      const r = await recordLanguageChecks(app, tx, {
        actor,
        recordType: "meeting_minutes",
        recordId: minuteId,
        field,
        text,
        kept: m.kept ?? [],
      });
      dictionary = r.dictionaryVersion;
      for (const f of r.flags)
        flags.push({
          field,
          phrase: f.phrase,
          start: f.start,
          end: f.end,
          category: f.category,
          why: f.why,
          alternatives: f.alternatives,
          entryId: f.entryId,
          kept: f.kept,
          reason: f.reason,
        });
    }
    await tx
      .updateTable("meeting_minutes")
      .set({ language_flags: JSON.stringify(flags), language_checked: true, language_dictionary: dictionary })
      .where("id", "=", minuteId)
      .execute();
    const language = { flags: flags.filter((f) => !f.kept) };
    await audit(
      tx,
      auditFor(actor, {
        action: existing ? "meeting.minutes.update" : "meeting.minutes.record",
        recordType: "meeting_minutes",
        recordId: minuteId,
        childId: it.child_id,
        fieldGroups: ["narrative"],
        reason: "record MACE minutes for a child",
        details: {
          meetingId,
          decisions: decisions.length,
          actions: actionsMade,
          languageFlags: language.flags.length,
        },
      }),
    );
    return { id: minuteId, flags: language.flags, actions: actionsMade };
  });
}

/** Everything for the printable agenda and minutes (only children the viewer may see). */
export async function printable(app: App, u: SessionUser, actor: Actor, meetingId: string) {
  return app.access.asUser(u, async (tx) => {
    const meeting = await meetingOrThrow(tx, meetingId);
    const attendance = await tx
      .selectFrom("meeting_attendance as t")
      .innerJoin("agencies as a", "a.id", "t.agency_id")
      .select(["t.person_name", "t.role", "t.attendance", "a.name as agency"])
      .where("t.meeting_id", "=", meetingId)
      .orderBy("a.name")
      .execute();
    const items = await tx
      .selectFrom("meeting_items as i")
      .innerJoin("children as c", "c.id", "i.child_id")
      .leftJoin("meeting_minutes as mm", "mm.item_id", "i.id")
      .select([
        "i.id",
        "i.position",
        "i.reasons",
        "i.reason_detail",
        "c.reference",
        "c.given_name",
        "c.family_name",
        "mm.id as minute_id",
        "mm.summary",
        "mm.child_voice",
        "mm.risk_level",
        "mm.risk_trend",
        "mm.next_review_on",
      ])
      .where("i.meeting_id", "=", meetingId)
      .orderBy("i.position")
      .execute();
    const minuteIds = items.map((i) => i.minute_id).filter((x): x is string => Boolean(x));
    const decisions = minuteIds.length
      ? await tx
          .selectFrom("meeting_decisions as d")
          .leftJoin("plan_actions as p", "p.id", "d.action_id")
          .leftJoin("agencies as a", "a.id", "p.owner_agency_id")
          .select(["d.minute_id", "d.text", "p.due_on", "a.name as owner_agency", "p.owner_name"])
          .where("d.minute_id", "in", minuteIds)
          .orderBy("d.created_at")
          .execute()
      : [];
    await audit(
      tx,
      auditFor(actor, {
        action: "meeting.print",
        recordType: "meeting",
        recordId: meetingId,
        fieldGroups: items.length ? ["identity", "narrative"] : [],
        reason: "print or download the agenda and minutes",
        details: { items: items.map((i) => i.reference) },
      }),
    );
    return {
      meeting,
      attendance,
      items: items.map((i) => ({
        ...i,
        name: [i.given_name, i.family_name].filter(Boolean).join(" ") || i.reference,
        decisions: decisions.filter((x) => x.minute_id === i.minute_id),
      })),
    };
  });
}
