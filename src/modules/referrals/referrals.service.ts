// Referral and joint screening use cases: submit (idempotent), see your own referral's status, the
// screening queue with deadlines, join a screening, each agency's contribution, the decision,
// withdrawal with a reason, settings, and the escalation of overdue referrals. Every read and write
// of a child's data runs through the access module (decision + row-level security) and is audited
// in the same transaction.
import type { Kysely, Transaction } from "kysely";
import type { App } from "../../app.ts";
import { applyScope, inScope, type Scope } from "../../db/rls.ts";
import type { AgencyKind, DB } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { inLondon } from "../../platform/clock.ts";
import { Conflict, Forbidden, Invalid, NotFound, PreconditionFailed } from "../../platform/errors.ts";
import { newId, sha256 } from "../../platform/ids.ts";
import { workingMinutesBetween } from "../../platform/working-time.ts";
import type { FieldGroup } from "../access/access.policy.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import { type KeptWording, recordLanguageChecks } from "../language/index.ts";
import { DEFAULT_SETTINGS, deadlineState, describeRule, dueFor, hoursOf } from "./referrals.deadline.ts";
import { withConditional } from "./referrals.journey.ts";
import {
  DISCIPLINE_BY_AGENCY,
  FIELD_GROUP_BY_DISCIPLINE,
  redactContribution,
  referralViewFor,
  screeningGroups,
} from "./referrals.policy.ts";
import * as q from "./referrals.queries.ts";
import {
  type ContributionInput,
  type DecisionInput,
  referralSubmission,
  type ScreeningSettings,
  settingsSchema,
} from "./referrals.schema.ts";
import { DECISION_LABELS, type Decision, STATUS_LABELS } from "./referrals.vocab.ts";

const OPEN = ["awaiting_screening", "in_screening"] as const;
const isOpen = (status: string) => (OPEN as readonly string[]).includes(status);
const DAY = 86_400_000;
/** Unsent referral drafts are deleted after this many days without a change. */
export const DRAFT_KEEP_DAYS = 30;

const isUniqueViolation = (e: unknown, constraint?: string) => {
  const err = e as { code?: string; constraint?: string; message?: string };
  return err?.code === "23505" && (!constraint || (err.constraint ?? err.message ?? "").includes(constraint));
};

export type SubmitResult = { referral: q.ReferralRow; replayed: boolean };

export class ReferralService {
  constructor(private readonly app: App) {}

  private get db(): Kysely<DB> {
    return this.app.db;
  }
  private now(): Date {
    return this.app.clock.now();
  }
  private system<T>(fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
    return inScope(this.db, { scope: "system" }, fn);
  }
  /** Screeners' scope: all referrals (RLS lantern.screening); managers get the same for oversight of the queue. */
  private asScreening<T>(u: SessionUser, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
    return inScope(this.db, this.screeningScope(u), fn);
  }
  private screeningScope(u: SessionUser): Scope {
    return { ...this.app.access.scopeFor(u), screening: true };
  }

  // ---------- settings ----------

  async settings(
    db: Kysely<DB> = this.db,
  ): Promise<{ settings: ScreeningSettings; version: number; saved: boolean }> {
    const row = await db
      .selectFrom("screening_settings")
      .select(["settings", "version"])
      .where("id", "=", 1)
      .executeTakeFirst();
    if (!row) return { settings: DEFAULT_SETTINGS, version: 0, saved: false };
    const parsed = settingsSchema.safeParse(row.settings);
    return { settings: parsed.success ? parsed.data : DEFAULT_SETTINGS, version: row.version, saved: true };
  }

  async updateSettings(u: SessionUser, actor: Actor, expectedVersion: number, input: ScreeningSettings) {
    return this.system(async (tx) => {
      const current = await this.settings(tx);
      if (current.version !== expectedVersion)
        throw new PreconditionFailed(
          "Someone else changed the screening settings since you opened them. Reload and make your change again.",
        );
      const json = JSON.stringify(input);
      if (current.saved) {
        await tx
          .updateTable("screening_settings")
          .set({ settings: json, version: current.version + 1, updated_by: u.id, updated_at: this.now() })
          .where("id", "=", 1)
          .execute();
      } else {
        await tx
          .insertInto("screening_settings")
          .values({ id: 1, settings: json, version: 1, updated_by: u.id, updated_at: this.now() })
          .execute();
      }
      await audit(
        tx,
        auditFor(actor, {
          action: "screening.settings.update",
          recordType: "screening_settings",
          recordId: "1",
          reason: "change screening deadlines or working hours",
          details: { from: current.settings, to: input },
        }),
      );
      return { settings: input, version: current.version + 1 };
    });
  }

  // ---------- submit ----------

  /**
   * Submits a referral. With an idempotency key (the API's Idempotency-Key, or the draft's id for the
   * question pages) a repeat returns the referral already made; the same key with different answers
   * is refused. Validation happens before anything is written; the referral, the persons described
   * and the audit row are one transaction.
   */
  async submit(
    u: SessionUser,
    actor: Actor,
    raw: unknown,
    opts: { key?: string } = {},
  ): Promise<SubmitResult> {
    const parsed = referralSubmission.safeParse(raw);
    if (!parsed.success) {
      // Answers required only in some cases are named even while other fields are wrong.
      const fields = withConditional(
        parsed.error.issues.map((i) => ({
          field: i.path.map(String).join(".") || "body",
          message: i.message,
        })),
        typeof raw === "object" && raw ? (raw as Record<string, unknown>) : {},
      );
      throw new Invalid(
        `The referral has ${fields.length === 1 ? "a problem" : `${fields.length} problems`}: ${fields.map((f) => `${f.field}: ${f.message}`).join("; ")}`,
        fields,
      );
    }
    const input = parsed.data;
    if (input.about === "child") {
      try {
        const d = await this.app.access.decide(u, input.childId!);
        if (!d.signpost && !d.read) throw new Forbidden("Your role cannot refer a named child.");
      } catch (e) {
        if (e instanceof NotFound)
          throw new Invalid("The child was not found", [
            { field: "childId", message: "Select the child from the search results" },
          ]);
        throw e;
      }
    }
    const key = opts.key ?? null;
    const hash = sha256(JSON.stringify(input));
    const { settings } = await this.settings();
    const run = () =>
      this.app.access.asUser(u, async (tx) => {
        if (key) {
          const existing = await q.referralByKey(tx, key);
          if (existing) {
            if (existing.request_hash && existing.request_hash !== hash)
              throw new Conflict(
                "This Idempotency-Key was already used for a different referral. Use a new key for a new referral.",
              );
            return { referral: existing, replayed: true };
          }
        }
        const now = this.now();
        const { due, rule } = dueFor(now, input.urgency, settings);
        const id = newId();
        const reference = await q.nextReference(tx, "REF", inLondon(now).getFullYear());
        const child = input.about === "child";
        const intel = input.about === "intelligence";
        await tx
          .insertInto("referrals")
          .values({
            id,
            reference,
            kind: input.about,
            child_id: child ? input.childId! : null,
            unknown_child_description:
              input.about === "unknown_child" ? input.unknownChildDescription! : null,
            unknown_child_age: input.about === "unknown_child" ? (input.unknownChildAge ?? null) : null,
            unknown_child_sex: input.about === "unknown_child" ? (input.unknownChildSex ?? "unknown") : null,
            referrer_user_id: u.id,
            referrer_agency_id: u.agencyId,
            received_at: now,
            concern_types: input.concernTypes,
            urgency: input.urgency,
            indicators: input.indicators,
            what_happened: input.whatHappened,
            source: input.source,
            public_source_details:
              input.source === "public_via_practitioner" ? (input.publicSourceDetails ?? null) : null,
            child_voice: intel ? null : (input.childWords ?? null),
            child_wishes: intel ? null : (input.childWishes ?? null),
            worker_gender_preference: intel ? null : (input.workerGenderPreference ?? null),
            parents_aware: intel ? null : (input.parentsAware ?? null),
            send_status: intel ? null : (input.send ?? null),
            disability: intel ? null : (input.disability ?? null),
            disability_details:
              intel || input.disability !== "yes" ? null : (input.disabilityDetails ?? null),
            looked_after: intel ? null : (input.lookedAfter ?? null),
            status: "awaiting_screening",
            screening_due_at: due,
            deadline_rule: JSON.stringify(rule),
            idempotency_key: key,
            request_hash: hash,
            created_at: now,
            updated_at: now,
          })
          .execute();
        if (input.personsOfConcern.length) {
          await tx
            .insertInto("referral_persons")
            .values(
              input.personsOfConcern.map((p, i) => ({
                id: newId(),
                referral_id: id,
                position: i + 1,
                name: p.name ?? null,
                description: p.description ?? null,
                approximate_age: p.approximateAge ?? null,
                sex: p.sex,
                ethnicity: p.ethnicity ?? null,
                vehicles: p.vehicles,
                phones: p.phones,
                places: p.places,
                online_accounts: p.onlineAccounts,
                relationship_to_child: p.relationshipToChild ?? null,
                created_at: now,
              })),
            )
            .execute();
        }
        // The referrer's narrative goes through the language checker (the child's own words do not).
        await this.checkWording(tx, actor, "referral", id, input.languageKept, {
          whatHappened: input.whatHappened,
          unknownChildDescription: input.about === "unknown_child" ? input.unknownChildDescription : null,
          childWishes: intel ? null : input.childWishes,
        });
        await audit(
          tx,
          auditFor(actor, {
            action: "referral.submit",
            recordType: "referral",
            recordId: id,
            childId: child ? input.childId! : null,
            fieldGroups: intel ? ["narrative"] : ["identity", "narrative"],
            reason: "make a referral",
            details: {
              reference,
              kind: input.about,
              urgency: input.urgency,
              dueAt: due.toISOString(),
              rule: describeRule(rule),
              persons: input.personsOfConcern.length,
            },
          }),
        );
        const referral = await q.getReferral(tx, id);
        return { referral: referral!, replayed: false };
      });
    try {
      return await run();
    } catch (e) {
      // Two submits with the same key at the same moment: the second finds the first's referral.
      if (key && isUniqueViolation(e, "idempotency")) return await run();
      throw e;
    }
  }

  // ---------- referrer and record views ----------

  /** The user's own referrals, newest first, with status and outcome only. */
  async mine(u: SessionUser, actor: Actor) {
    return this.app.access.asUser(u, async (tx) => {
      const rows = await q.referralsByReferrer(tx, u.id);
      const children = await childBasicsIn(
        tx,
        u,
        rows.map((r) => r.child_id),
        this.app.access.scopeFor(u),
      );
      const drafts = await q.draftsOf(tx, u.id);
      await audit(
        tx,
        auditFor(actor, {
          action: "referral.list_own",
          recordType: "referral",
          reason: "see my referrals and their status",
          details: { count: rows.length },
        }),
      );
      const now = this.now();
      return {
        referrals: rows.map((r) => ({
          ...statusOf(r),
          about: aboutText(r, children),
          overdue: isOpen(r.status) && !!r.screening_due_at && r.screening_due_at < now,
        })),
        drafts: drafts.map((d) => ({
          id: d.id,
          updatedAt: d.updated_at,
          data: d.data as Record<string, unknown>,
        })),
      };
    });
  }

  /** /referrals/:id: the full referral with access to the child, the status for its referrer, otherwise refused. */
  async open(u: SessionUser, actor: Actor, id: string) {
    const meta = await this.system((tx) =>
      tx
        .selectFrom("referrals")
        .select(["id", "child_id", "referrer_user_id"])
        .where("id", "=", id)
        .executeTakeFirst(),
    );
    if (!meta) throw new NotFound("There is no referral with that reference.");
    const decision = meta.child_id ? await this.app.access.decide(u, meta.child_id) : null;
    const view = referralViewFor({ userId: u.id }, meta, decision);
    if (view === "none")
      throw new Forbidden(
        u.roles.includes("screener")
          ? "Open this referral from the screening queue."
          : "You can see a referral you made, or one about a child you work with.",
      );
    const groups: readonly FieldGroup[] = view === "full" ? decision!.fieldGroups : [];
    return this.app.access.asUser(u, async (tx) => {
      const r = await q.getReferral(tx, id);
      if (!r) throw new Forbidden("The database refused access to this referral.");
      const { settings } = await this.settings(tx);
      const people = await q.peopleById(tx, [
        r.referrer_user_id,
        r.decided_by,
        r.withdrawn_by,
        r.lead_professional_id,
      ]);
      const children = await childBasicsIn(tx, u, [r.child_id], this.app.access.scopeFor(u));
      await audit(
        tx,
        auditFor(actor, {
          action: view === "full" ? "referral.view" : "referral.status",
          recordType: "referral",
          recordId: id,
          childId: r.child_id,
          fieldGroups: view === "full" ? groups : [],
          reason: view === "full" ? "read referral" : "referrer checks the status of their referral",
          details: { reference: r.reference, basis: view === "full" ? decision!.basis : "referrer" },
        }),
      );
      const base = {
        view,
        referral: r,
        status: statusOf(r),
        about: aboutText(r, children),
        child: r.child_id ? (children.get(r.child_id) ?? null) : null,
        referrer: r.referrer_user_id ? (people.get(r.referrer_user_id) ?? null) : null,
        deadline: deadlineState(r, this.now(), settings),
        fieldGroups: groups,
        decision,
      };
      if (view === "status")
        return { ...base, persons: [], contributions: [], participants: [], decidedBy: null };
      const persons = await q.personsOf(tx, [id]);
      const contributions = (await q.contributionsOf(tx, [id])).map((c) => redactContribution(c, groups));
      const participants = await q.participantsOf(tx, [id]);
      return {
        ...base,
        persons,
        contributions: withSupersession(contributions),
        participants,
        decidedBy: r.decided_by ? (people.get(r.decided_by) ?? null) : null,
        withdrawnBy: r.withdrawn_by ? (people.get(r.withdrawn_by) ?? null) : null,
        leadProfessional: r.lead_professional_id ? (people.get(r.lead_professional_id) ?? null) : null,
      };
    });
  }

  // ---------- joint screening ----------

  /** The screening queue: open referrals by deadline, with red/amber/green; recently closed ones too. */
  async queue(
    u: SessionUser,
    actor: Actor,
    f: { urgency?: string; rag?: string; status?: string; sort?: string; order?: string } = {},
  ) {
    const now = this.now();
    return this.asScreening(u, async (tx) => {
      const { settings } = await this.settings(tx);
      const open = await q.openReferrals(tx);
      const closed = await q.recentlyDecided(tx, new Date(now.getTime() - 7 * DAY));
      const ids = [...open, ...closed].map((r) => r.id);
      const participants = await q.participantsOf(tx, ids);
      const contributions = await tx
        .selectFrom("screening_contributions")
        .select(["referral_id", "discipline"])
        .where("referral_id", "in", ids.length ? ids : ["00000000-0000-0000-0000-000000000000"])
        .execute();
      const children = await childBasicsIn(
        tx,
        u,
        [...open, ...closed].map((r) => r.child_id),
        this.screeningScope(u),
      );
      const people = await q.peopleById(
        tx,
        closed.map((r) => r.decided_by),
      );
      const row = (r: q.ReferralRow) => ({
        id: r.id,
        reference: r.reference,
        kind: r.kind,
        about: aboutText(r, children),
        childReference: r.child_id ? (children.get(r.child_id)?.reference ?? null) : null,
        concernTypes: r.concern_types,
        urgency: r.urgency,
        status: r.status,
        statusLabel: STATUS_LABELS[r.status] ?? r.status,
        receivedAt: r.received_at,
        dueAt: r.screening_due_at,
        deadline: deadlineState(r, now, settings),
        participants: participants
          .filter((p) => p.referral_id === r.id)
          .map((p) => `${p.display_name} (${p.agency_name})`),
        contributions: [
          ...new Set(contributions.filter((c) => c.referral_id === r.id).map((c) => c.discipline)),
        ],
        escalationLevel: r.escalation_level,
        decision: r.decision,
        decisionLabel: r.decision ? DECISION_LABELS[r.decision as Decision] : null,
        decidedBy: r.decided_by ? (people.get(r.decided_by)?.name ?? null) : null,
      });
      let rows = open.map(row);
      if (f.urgency) rows = rows.filter((r) => r.urgency === f.urgency);
      if (f.status) rows = rows.filter((r) => r.status === f.status);
      if (f.rag) rows = rows.filter((r) => r.deadline.rag === f.rag);
      const dir = f.order === "desc" ? -1 : 1;
      const urgencyRank: Record<string, number> = { immediate: 0, high: 1, medium: 2, low: 3 };
      const key = (r: (typeof rows)[number]): number | string =>
        f.sort === "received"
          ? r.receivedAt.getTime()
          : f.sort === "urgency"
            ? urgencyRank[r.urgency] * 1e13 + (r.dueAt?.getTime() ?? 0)
            : f.sort === "reference"
              ? r.reference
              : (r.dueAt?.getTime() ?? Number.MAX_SAFE_INTEGER);
      rows.sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : 0));
      const counts = { red: 0, amber: 0, green: 0, overdue: 0, total: open.length };
      for (const r of open.map(row)) {
        if (r.deadline.rag === "red" || r.deadline.rag === "amber" || r.deadline.rag === "green")
          counts[r.deadline.rag]++;
        if (r.deadline.minutesLeft !== null && r.deadline.minutesLeft <= 0) counts.overdue++;
      }
      await audit(
        tx,
        auditFor(actor, {
          action: "screening.queue.view",
          recordType: "referral",
          fieldGroups: ["identity"],
          reason: "joint screening queue",
          details: { open: open.length, shown: rows.length, filters: f },
        }),
      );
      return { rows, closed: closed.map(row), counts, settings };
    });
  }

  /** One referral as the screening team works it: content, each contribution by the screener's field groups. */
  async forScreening(u: SessionUser, actor: Actor, id: string) {
    const groups = screeningGroups(u.agencyKind as AgencyKind);
    const r0 = await this.system((tx) =>
      tx.selectFrom("referrals").select(["child_id"]).where("id", "=", id).executeTakeFirst(),
    );
    if (!r0) throw new NotFound("There is no referral with that reference.");
    const decision = r0.child_id ? await this.app.access.decide(u, r0.child_id) : null;
    return this.asScreening(u, async (tx) => {
      const r = await q.getReferral(tx, id);
      if (!r) throw new NotFound("There is no referral with that reference.");
      const { settings } = await this.settings(tx);
      const persons = await q.personsOf(tx, [id]);
      const contributions = withSupersession(
        (await q.contributionsOf(tx, [id])).map((c) => redactContribution(c, groups)),
      );
      const participants = await q.participantsOf(tx, [id]);
      const people = await q.peopleById(tx, [
        r.referrer_user_id,
        r.decided_by,
        r.withdrawn_by,
        r.lead_professional_id,
      ]);
      const children = await childBasicsIn(tx, u, [r.child_id], this.screeningScope(u));
      const escalations = await tx
        .selectFrom("referral_escalations")
        .select(["level", "escalated_at", "reason"])
        .where("referral_id", "=", id)
        .orderBy("level")
        .execute();
      await audit(
        tx,
        auditFor(actor, {
          action: "screening.view",
          recordType: "referral",
          recordId: id,
          childId: r.child_id,
          fieldGroups: groups,
          reason: "joint screening",
          details: { reference: r.reference },
        }),
      );
      const discipline = DISCIPLINE_BY_AGENCY[u.agencyKind as AgencyKind];
      const current = contributions.filter((c) => !c.supersededBy);
      return {
        referral: r,
        status: statusOf(r),
        about: aboutText(r, children),
        child: r.child_id ? (children.get(r.child_id) ?? null) : null,
        canOpenChild: Boolean(decision?.read),
        persons,
        contributions,
        participants,
        escalations,
        referrer: r.referrer_user_id ? (people.get(r.referrer_user_id) ?? null) : null,
        referrerAgency: await q.agencyName(tx, r.referrer_agency_id),
        decidedBy: r.decided_by ? (people.get(r.decided_by) ?? null) : null,
        withdrawnBy: r.withdrawn_by ? (people.get(r.withdrawn_by) ?? null) : null,
        leadProfessional: r.lead_professional_id ? (people.get(r.lead_professional_id) ?? null) : null,
        deadline: deadlineState(r, this.now(), settings),
        fieldGroups: groups,
        myDiscipline: discipline,
        myContribution: current.find((c) => c.agency_id === u.agencyId) ?? null,
        joined: participants.some((p) => p.user_id === u.id),
        open: isOpen(r.status),
        missingCore: (["police", "health", "education", "social_care"] as const).filter(
          (d) => !current.some((c) => c.discipline === d),
        ),
      };
    });
  }

  /** Joins a screening: the screener becomes a participant and, for a named child, gets a time-limited screening_participant relationship. */
  async join(u: SessionUser, actor: Actor, id: string) {
    return this.asScreening(u, async (tx) => {
      const r = await q.getReferral(tx, id);
      if (!r) throw new NotFound("There is no referral with that reference.");
      if (!isOpen(r.status))
        throw new Conflict("This referral has been closed; it no longer needs screening.");
      await this.joinIn(tx, u, actor, r);
      return (await q.getReferral(tx, id))!;
    });
  }

  private async joinIn(tx: Transaction<DB>, u: SessionUser, actor: Actor, r: q.ReferralRow) {
    const now = this.now();
    const added = await tx
      .insertInto("screening_participants")
      .values({ referral_id: r.id, user_id: u.id, agency_id: u.agencyId, joined_at: now })
      .onConflict((oc) => oc.columns(["referral_id", "user_id"]).doNothing())
      .returning("user_id")
      .executeTakeFirst();
    if (!added) return false;
    if (r.child_id) {
      await tx
        .insertInto("relationships")
        .values({
          id: newId(),
          user_id: u.id,
          child_id: r.child_id,
          kind: "screening_participant",
          reason: `Joint screening of ${r.reference}`,
          starts_at: now,
          ends_at: new Date(now.getTime() + 30 * DAY),
          created_at: now,
        })
        .execute();
    }
    if (r.status === "awaiting_screening") {
      await tx
        .updateTable("referrals")
        // Not a new version: joining does not change what a decision or withdrawal is based on.
        .set({ status: "in_screening", screening_started_at: now, updated_at: now })
        .where("id", "=", r.id)
        .execute();
    }
    await audit(
      tx,
      auditFor(actor, {
        action: "screening.join",
        recordType: "referral",
        recordId: r.id,
        childId: r.child_id,
        reason: "join joint screening",
        details: {
          reference: r.reference,
          relationship: r.child_id ? "screening_participant (30 days)" : null,
        },
      }),
    );
    return true;
  }

  /** Records the language checker's findings on each narrative field saved, in the saving transaction. */
  private async checkWording(
    tx: Kysely<DB>,
    actor: Actor,
    recordType: string,
    recordId: string,
    kept: KeptWording[] | undefined,
    fields: Record<string, string | null | undefined>,
  ) {
    for (const [field, text] of Object.entries(fields))
      if (text) await recordLanguageChecks(this.app, tx, { actor, recordType, recordId, field, text, kept });
  }

  /** Adds the screener's own agency's contribution (or a correction of it, as a new entry pointing at the old). */
  async contribute(u: SessionUser, actor: Actor, id: string, input: ContributionInput) {
    const kind = u.agencyKind as AgencyKind;
    const discipline = DISCIPLINE_BY_AGENCY[kind];
    const fieldGroup = FIELD_GROUP_BY_DISCIPLINE[discipline];
    return this.asScreening(u, async (tx) => {
      const r = await q.getReferral(tx, id);
      if (!r) throw new NotFound("There is no referral with that reference.");
      if (!isOpen(r.status))
        throw new Conflict(
          "The screening decision has been recorded. Share new information as a new referral.",
        );
      if (input.supersedesId) {
        const old = await tx
          .selectFrom("screening_contributions")
          .select(["id", "agency_id", "referral_id"])
          .where("id", "=", input.supersedesId)
          .executeTakeFirst();
        if (!old || old.referral_id !== id)
          throw new Invalid("That contribution is not part of this referral", [
            { field: "supersedesId", message: "Choose a contribution from this referral to correct" },
          ]);
        if (old.agency_id !== u.agencyId)
          throw new Forbidden(
            "Agencies never change each other's entries: add your own agency's contribution instead.",
          );
        const taken = await tx
          .selectFrom("screening_contributions")
          .select("id")
          .where("supersedes_id", "=", old.id)
          .executeTakeFirst();
        if (taken)
          throw new Conflict(
            "That contribution has already been corrected. Correct the latest version instead.",
          );
      }
      await this.joinIn(tx, u, actor, r);
      const cid = newId();
      const now = this.now();
      await tx
        .insertInto("screening_contributions")
        .values({
          id: cid,
          referral_id: id,
          child_id: r.child_id,
          agency_id: u.agencyId,
          author_id: u.id,
          discipline,
          field_group: fieldGroup,
          checks_made: input.checksMade,
          findings: input.findings,
          shared_summary: input.sharedSummary,
          risk_view: input.riskView,
          supersedes_id: input.supersedesId ?? null,
          recorded_at: now,
          created_at: now,
        })
        .execute();
      await tx.updateTable("referrals").set({ updated_at: now }).where("id", "=", id).execute();
      await this.checkWording(tx, actor, "screening_contribution", cid, input.languageKept, {
        findings: input.findings,
        sharedSummary: input.sharedSummary,
      });
      await audit(
        tx,
        auditFor(actor, {
          action: input.supersedesId ? "screening.contribution.correct" : "screening.contribution.add",
          recordType: "screening_contribution",
          recordId: cid,
          childId: r.child_id,
          fieldGroups: [fieldGroup, "narrative"],
          reason: "joint screening contribution",
          details: { reference: r.reference, discipline, supersedes: input.supersedesId ?? null },
        }),
      );
      return { id: cid, discipline, fieldGroup };
    });
  }

  /**
   * Links a referral about an unidentified child to the child's record once the screening team knows
   * who the child is. The screeners already working it get their screening relationship to the child.
   */
  async identify(u: SessionUser, actor: Actor, id: string, childId: string) {
    try {
      await this.app.access.decide(u, childId);
    } catch (e) {
      if (e instanceof NotFound)
        throw new Invalid("The child was not found", [
          { field: "childId", message: "Select the child from the search results" },
        ]);
      throw e;
    }
    return this.asScreening(u, async (tx) => {
      const r = await q.getReferral(tx, id);
      if (!r) throw new NotFound("There is no referral with that reference.");
      if (r.kind !== "unknown_child" || r.child_id)
        throw new Conflict(
          "Only a referral about a child who has not been identified can be linked to a child.",
        );
      if (!isOpen(r.status)) throw new Conflict("This referral has been closed.");
      const now = this.now();
      await tx
        .updateTable("referrals")
        .set({ child_id: childId, updated_at: now, version: (eb) => eb("version", "+", 1) })
        .where("id", "=", id)
        .execute();
      await tx
        .updateTable("screening_contributions")
        .set({ child_id: childId })
        .where("referral_id", "=", id)
        .execute();
      await this.joinIn(tx, u, actor, r);
      const working = await tx
        .selectFrom("screening_participants")
        .select("user_id")
        .where("referral_id", "=", id)
        .execute();
      for (const p of working)
        await tx
          .insertInto("relationships")
          .values({
            id: newId(),
            user_id: p.user_id,
            child_id: childId,
            kind: "screening_participant",
            reason: `Joint screening of ${r.reference}`,
            starts_at: now,
            ends_at: new Date(now.getTime() + 30 * DAY),
            created_at: now,
          })
          .execute();
      await audit(
        tx,
        auditFor(actor, {
          action: "referral.identify",
          recordType: "referral",
          recordId: id,
          childId,
          fieldGroups: ["identity"],
          reason: "the unidentified child in a referral was identified",
          details: { reference: r.reference },
        }),
      );
      return (await q.getReferral(tx, id))!;
    });
  }

  /** Practitioners in the decider's own agency who could be allocated as lead professional. */
  async leadProfessionalOptions(u: SessionUser) {
    return this.db
      .selectFrom("users")
      .select(["id", "display_name", "job_title", "team"])
      .where("agency_id", "=", u.agencyId)
      .where("active", "=", true)
      .where((eb) => eb(eb.val("practitioner"), "=", eb.fn.any("roles")))
      .orderBy("display_name")
      .execute();
  }

  /** Records the decision with its rationale and who decided; optionally allocates a lead professional. */
  async decide(
    u: SessionUser,
    actor: Actor,
    id: string,
    expectedVersionOf: () => number,
    input: DecisionInput,
  ) {
    return this.asScreening(u, async (tx) => {
      const r = await q.getReferral(tx, id);
      if (!r) throw new NotFound("There is no referral with that reference.");
      if (!isOpen(r.status))
        throw new Conflict(
          r.status === "decided"
            ? "A decision has already been recorded for this referral."
            : "This referral was withdrawn; it cannot be decided.",
        );
      const expected = expectedVersionOf();
      if (input.leadProfessionalId) {
        const lead = await tx
          .selectFrom("users")
          .select(["id", "agency_id", "roles", "active"])
          .where("id", "=", input.leadProfessionalId)
          .executeTakeFirst();
        if (!lead || lead.agency_id !== u.agencyId || !lead.active || !lead.roles.includes("practitioner"))
          throw new Invalid("Choose a lead professional from your own agency", [
            {
              field: "leadProfessionalId",
              message: "Choose a lead professional from your own agency's practitioners",
            },
          ]);
        if (!r.child_id)
          throw new Invalid("A lead professional can be allocated only for a named child", [
            {
              field: "leadProfessionalId",
              message: "Leave this empty: the child has not been identified yet",
            },
          ]);
      }
      const now = this.now();
      await this.joinIn(tx, u, actor, r);
      const updated = await tx
        .updateTable("referrals")
        .set({
          status: "decided",
          decision: input.decision,
          decision_rationale: input.rationale,
          decided_by: u.id,
          decided_at: now,
          lead_professional_id: input.leadProfessionalId ?? null,
          updated_at: now,
          version: (eb) => eb("version", "+", 1),
        })
        .where("id", "=", id)
        .where("version", "=", expected)
        .returning("version")
        .executeTakeFirst();
      if (!updated)
        throw new PreconditionFailed(
          "Someone else changed this referral since you opened it. Reload it and record the decision again.",
        );
      if (input.leadProfessionalId && r.child_id) {
        const existing = await tx
          .selectFrom("relationships")
          .select("id")
          .where("user_id", "=", input.leadProfessionalId)
          .where("child_id", "=", r.child_id)
          .where("kind", "=", "allocated_worker")
          .where((eb) => eb.or([eb("ends_at", "is", null), eb("ends_at", ">", now)]))
          .executeTakeFirst();
        if (!existing)
          await tx
            .insertInto("relationships")
            .values({
              id: newId(),
              user_id: input.leadProfessionalId,
              child_id: r.child_id,
              kind: "allocated_worker",
              reason: `Lead professional following ${r.reference} (${DECISION_LABELS[input.decision]})`,
              starts_at: now,
              ends_at: null,
              created_at: now,
            })
            .execute();
      }
      if (r.child_id) {
        // Screeners keep access for two weeks after the decision, to follow it up; then it ends.
        await tx
          .updateTable("relationships")
          .set({ ends_at: new Date(now.getTime() + 14 * DAY) })
          .where("child_id", "=", r.child_id)
          .where("kind", "=", "screening_participant")
          .where("reason", "=", `Joint screening of ${r.reference}`)
          .where((eb) =>
            eb.or([eb("ends_at", "is", null), eb("ends_at", ">", new Date(now.getTime() + 14 * DAY))]),
          )
          .execute();
      }
      await this.checkWording(tx, actor, "screening_decision", id, input.languageKept, {
        rationale: input.rationale,
      });
      await audit(
        tx,
        auditFor(actor, {
          action: "referral.decide",
          recordType: "referral",
          recordId: id,
          childId: r.child_id,
          fieldGroups: ["narrative"],
          reason: "joint screening decision",
          details: {
            reference: r.reference,
            decision: input.decision,
            leadProfessional: input.leadProfessionalId ?? null,
            withinDeadline: r.screening_due_at ? now <= r.screening_due_at : null,
          },
        }),
      );
      return (await q.getReferral(tx, id))!;
    });
  }

  /** Withdraws a referral, with a reason: by its referrer or by the screening team. Never silently. */
  async withdraw(u: SessionUser, actor: Actor, id: string, expectedVersionOf: () => number, reason: string) {
    const meta = await this.system((tx) =>
      tx.selectFrom("referrals").select(["referrer_user_id"]).where("id", "=", id).executeTakeFirst(),
    );
    if (!meta) throw new NotFound("There is no referral with that reference.");
    const screener = u.roles.includes("screener");
    if (!screener && meta.referrer_user_id !== u.id)
      throw new Forbidden("Only the person who made the referral, or the screening team, can withdraw it.");
    const run = screener ? this.asScreening.bind(this) : this.app.access.asUser.bind(this.app.access);
    return run(u, async (tx) => {
      const r = await q.getReferral(tx, id);
      if (!r) throw new NotFound("There is no referral with that reference.");
      if (!isOpen(r.status)) throw new Conflict("This referral is already closed.");
      const expected = expectedVersionOf();
      const now = this.now();
      const updated = await tx
        .updateTable("referrals")
        .set({
          status: "withdrawn",
          withdrawn_reason: reason,
          withdrawn_by: u.id,
          withdrawn_at: now,
          updated_at: now,
          version: (eb) => eb("version", "+", 1),
        })
        .where("id", "=", id)
        .where("version", "=", expected)
        .returning("version")
        .executeTakeFirst();
      if (!updated)
        throw new PreconditionFailed(
          "Someone else changed this referral since you opened it. Reload it and try again.",
        );
      await audit(
        tx,
        auditFor(actor, {
          action: "referral.withdraw",
          recordType: "referral",
          recordId: id,
          childId: r.child_id,
          reason,
          details: { reference: r.reference, by: screener ? "screening team" : "referrer" },
        }),
      );
      return (await q.getReferral(tx, id))!;
    });
  }

  /** Escalations notified to this manager for referrals still open (metadata only, no child content). */
  async escalationsFor(u: SessionUser) {
    if (!u.roles.includes("manager")) return [];
    const { settings } = await this.settings();
    const rows = await this.system((tx) => q.escalationsFor(tx, u.id));
    const now = this.now();
    return rows.map((e) => ({
      ...e,
      deadline: deadlineState(
        {
          received_at: e.escalated_at,
          screening_due_at: e.screening_due_at,
          status: e.status,
          decided_at: null,
          urgency: e.urgency,
        },
        now,
        settings,
      ),
    }));
  }

  // ---------- the escalation job ----------

  /**
   * Finds open referrals past their deadline and escalates them: level 1 when overdue, level 2 when
   * overdue by more than `secondEscalationAfterWorkingHours`. Each level is recorded once (a row in
   * referral_escalations with whom it notified: managers of the screening agencies) and audited.
   */
  /**
   * Drafts hold a child's details, so they are not kept longer than needed: an unsent draft goes
   * after DRAFT_KEEP_DAYS without a change (the person making it is told on "Your referrals"); a
   * sent draft, whose answers now live in the referral, goes a day after sending (the day covers
   * a late double click or a reload of its pages).
   */
  async purgeDrafts(): Promise<{ unsent: number; sent: number }> {
    const now = this.now().getTime();
    return this.system(async (tx) => {
      const unsent = await tx
        .deleteFrom("referral_drafts")
        .where("submitted_referral_id", "is", null)
        .where("updated_at", "<", new Date(now - DRAFT_KEEP_DAYS * DAY))
        .executeTakeFirst();
      const sent = await tx
        .deleteFrom("referral_drafts")
        .where("submitted_referral_id", "is not", null)
        .where("updated_at", "<", new Date(now - DAY))
        .executeTakeFirst();
      return { unsent: Number(unsent.numDeletedRows), sent: Number(sent.numDeletedRows) };
    });
  }

  async escalateOverdue(): Promise<{ checked: number; escalated: number }> {
    const now = this.now();
    return this.system(async (tx) => {
      const { settings } = await this.settings(tx);
      const h = hoursOf(settings);
      const overdue = await tx
        .selectFrom("referrals")
        .select([
          "id",
          "reference",
          "child_id",
          "screening_due_at",
          "escalation_level",
          "urgency",
          "deadline_rule",
        ])
        .where("status", "in", [...OPEN])
        .where("screening_due_at", "<=", now)
        .execute();
      if (!overdue.length) return { checked: 0, escalated: 0 };
      const managers = (await q.screeningManagers(tx)).map((m) => m.id);
      let escalated = 0;
      for (const r of overdue) {
        const due = r.screening_due_at!;
        const clock = (r.deadline_rule as { unit?: string } | null)?.unit === "hours";
        const overMinutes = clock
          ? Math.round((now.getTime() - due.getTime()) / 60_000)
          : workingMinutesBetween(due, now, h);
        const level = overMinutes >= settings.secondEscalationAfterWorkingHours * 60 ? 2 : 1;
        for (let l = r.escalation_level + 1; l <= level; l++) {
          const inserted = await tx
            .insertInto("referral_escalations")
            .values({
              id: newId(),
              referral_id: r.id,
              level: l,
              escalated_at: now,
              overdue_minutes: Math.max(0, overMinutes),
              reason:
                l === 1
                  ? `Screening deadline passed (${r.urgency} urgency) without a decision`
                  : `Still without a decision ${settings.secondEscalationAfterWorkingHours} working hours after the deadline`,
              notified_user_ids: managers,
            })
            .onConflict((oc) => oc.columns(["referral_id", "level"]).doNothing())
            .returning("id")
            .executeTakeFirst();
          if (!inserted) continue;
          escalated++;
          await audit(tx, {
            userId: null,
            agencyId: null,
            action: "referral.escalate",
            recordType: "referral",
            recordId: r.id,
            childId: r.child_id,
            reason: "overdue screening escalated by the escalation job",
            details: {
              reference: r.reference,
              level: l,
              overdueMinutes: overMinutes,
              notified: managers.length,
            },
          });
        }
        if (level > r.escalation_level)
          await tx
            .updateTable("referrals")
            .set({ escalation_level: level, escalated_at: now })
            .where("id", "=", r.id)
            .execute();
      }
      return { checked: overdue.length, escalated };
    });
  }

  /** Name, date of birth and reference of children (the signpost level), outside any other transaction. */
  childBasics(ids: readonly (string | null)[]) {
    const wanted = ids.filter((x): x is string => Boolean(x));
    if (!wanted.length)
      return Promise.resolve(
        new Map<string, { reference: string; name: string; dateOfBirth: string | null }>(),
      );
    return inScope(this.db, { scope: "signpost" }, (tx) => q.childBasics(tx, wanted));
  }

  // ---------- drafts (the question pages' answers, server-side) ----------

  async createDraft(u: SessionUser, data: Record<string, unknown>) {
    const id = newId();
    await this.app.access.asUser(u, (tx) =>
      tx
        .insertInto("referral_drafts")
        .values({
          id,
          user_id: u.id,
          data: JSON.stringify(data),
          created_at: this.now(),
          updated_at: this.now(),
        })
        .execute(),
    );
    return id;
  }

  async draft(u: SessionUser, draftId: string) {
    const d = await this.app.access.asUser(u, (tx) => q.getDraft(tx, draftId));
    if (!d || d.user_id !== u.id) throw new NotFound("There is no referral in progress with that link.");
    return { ...d, data: (d.data ?? {}) as Record<string, unknown> };
  }

  async saveDraft(u: SessionUser, draftId: string, patch: Record<string, unknown>) {
    return this.app.access.asUser(u, async (tx) => {
      const d = await q.getDraft(tx, draftId);
      if (!d || d.user_id !== u.id) throw new NotFound("There is no referral in progress with that link.");
      if (d.submitted_referral_id) throw new Conflict("This referral has already been sent.");
      const data = { ...(d.data as Record<string, unknown>), ...patch };
      for (const [k, v] of Object.entries(patch)) if (v === undefined) delete data[k];
      await tx
        .updateTable("referral_drafts")
        .set({ data: JSON.stringify(data), updated_at: this.now(), version: (eb) => eb("version", "+", 1) })
        .where("id", "=", draftId)
        .execute();
      return data;
    });
  }

  async discardDraft(u: SessionUser, draftId: string) {
    await this.app.access.asUser(u, async (tx) => {
      const d = await q.getDraft(tx, draftId);
      if (!d || d.user_id !== u.id) throw new NotFound("There is no referral in progress with that link.");
      if (d.submitted_referral_id) return;
      await tx.deleteFrom("referral_drafts").where("id", "=", draftId).execute();
    });
  }

  /**
   * Sends a draft. The draft's id is the idempotency key, and the draft row is locked while sending,
   * so a double click (two posts at once) makes one referral: the second finds it already sent.
   */
  async submitDraft(
    u: SessionUser,
    actor: Actor,
    draftId: string,
    toSubmission: (data: Record<string, unknown>) => unknown,
  ) {
    const d = await this.draft(u, draftId);
    if (d.submitted_referral_id) {
      const r = await this.app.access.asUser(u, (tx) => q.getReferral(tx, d.submitted_referral_id!));
      return { referral: r!, replayed: true };
    }
    const result = await this.submit(u, actor, toSubmission(d.data), { key: `draft:${draftId}` });
    await this.app.access.asUser(u, (tx) =>
      tx
        .updateTable("referral_drafts")
        .set({ submitted_referral_id: result.referral.id, updated_at: this.now() })
        .where("id", "=", draftId)
        .where("submitted_referral_id", "is", null)
        .execute(),
    );
    return result;
  }
}

// ---------- presentation helpers shared by routes, pages and the home page ----------

export function statusOf(r: q.ReferralRow) {
  return {
    id: r.id,
    reference: r.reference,
    kind: r.kind,
    receivedAt: r.received_at,
    status: r.status,
    statusLabel: STATUS_LABELS[r.status] ?? r.status,
    outcome:
      r.status === "decided" && r.decision
        ? DECISION_LABELS[r.decision as Decision]
        : r.status === "withdrawn"
          ? "Withdrawn"
          : null,
    decidedAt: r.decided_at ?? r.withdrawn_at ?? null,
    concernTypes: r.concern_types,
    urgency: r.urgency,
  };
}

export function aboutText(
  r: { kind: string; child_id: string | null; unknown_child_description: string | null },
  children: Map<string, { name: string; reference: string }>,
): string {
  if (r.kind === "intelligence") return "Intelligence (no child named)";
  if (r.child_id) return children.get(r.child_id)?.name ?? "A named child";
  const d = (r.unknown_child_description ?? "").trim();
  return `Unidentified child${d ? `: ${d.length > 60 ? `${d.slice(0, 57)}…` : d}` : ""}`;
}

/** Links each contribution to its correction (supersededBy), so pages show the latest and the history. */
function withSupersession<T extends { id: string; supersedes_id: string | null }>(list: T[]) {
  const by = new Map(list.filter((c) => c.supersedes_id).map((c) => [c.supersedes_id!, c.id]));
  return list.map((c) => ({ ...c, supersededBy: by.get(c.id) ?? null }));
}

/**
 * Children's identity basics at the signpost level (any safeguarding role may learn that a child is
 * known: name, date of birth, reference), read inside the caller's transaction by switching its
 * row-level-security settings to the signpost scope and back.
 */
export async function childBasicsIn(
  tx: Transaction<DB>,
  u: SessionUser,
  ids: readonly (string | null)[],
  restore: Scope,
): Promise<
  Map<
    string,
    { reference: string; name: string; dateOfBirth: string | null; sex: string; owningAgencyId: string }
  >
> {
  const wanted = ids.filter((x): x is string => Boolean(x));
  if (!wanted.length) return new Map();
  await applyScope(tx, { scope: "signpost", userId: u.id, agencyId: u.agencyId });
  const out = await q.childBasics(tx, wanted);
  await applyScope(tx, restore);
  return out;
}

const services = new WeakMap<App, ReferralService>();
export function referralService(app: App): ReferralService {
  let s = services.get(app);
  if (!s) {
    s = new ReferralService(app);
    services.set(app, s);
  }
  return s;
}
