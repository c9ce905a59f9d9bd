// Risk assessment use cases: start a draft, answer section by section, see the score and its
// explanation, apply professional judgement, complete with a review date and CIN factors; or
// complete in one call through the API (idempotent). A child's trajectory over time. Every read and
// write goes through the access module and is audited; answers are shown by field group.
import type { Kysely, Transaction } from "kysely";
import type { App } from "../../app.ts";
import { inScope } from "../../db/rls.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { inLondon, londonDate } from "../../platform/clock.ts";
import { Conflict, Forbidden, Invalid, NotFound, PreconditionFailed } from "../../platform/errors.ts";
import { newId, sha256 } from "../../platform/ids.ts";
import { FIELD_GROUP_LABELS, type FieldGroup } from "../access/access.policy.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import { nextReference, peopleById } from "../referrals/referrals.queries.ts";
import "./assessments.tables.ts";
import {
  answersIssues,
  type CompleteAssessment,
  completeAssessmentSchema,
  OVERRIDE_REASON_MIN,
} from "./assessments.schema.ts";
import type { Level } from "./assessments.tables.ts";
import { describeTrajectory, type TrajectoryPoint, trajectorySvg } from "./chart.ts";
import {
  type Answers,
  defaultReviewDate,
  type Explanation,
  scoreAssessment,
  suggestCinFactors,
} from "./scoring.ts";
import { type Answer, allSections, CURRENT_TOOL, LEVEL_LABELS, toolFor } from "./tool.ts";

const DAY = 86_400_000;
type Row = NonNullable<Awaited<ReturnType<typeof getRow>>>;
const getRow = (db: Kysely<DB>, id: string) =>
  db.selectFrom("risk_assessments").selectAll().where("id", "=", id).executeTakeFirst();

export type RedactedDriver = {
  code: string | null;
  text: string;
  section: string;
  weight: number;
  critical: boolean;
  restricted: boolean;
};

/** An assessment as a viewer with these field groups may see it. */
export function redactAssessment(row: Row, groups: readonly string[]) {
  const tool = toolFor(row.tool_code, row.tool_version);
  const hidden = allSections(tool).filter((s) => !groups.includes(s.fieldGroup));
  const hiddenCodes = new Set(hidden.flatMap((s) => s.indicators.map((i) => i.code)));
  const answers = Object.fromEntries(
    Object.entries((row.answers ?? {}) as Record<string, string>).filter(([k]) => !hiddenCodes.has(k)),
  );
  const notes = Object.fromEntries(
    Object.entries((row.notes ?? {}) as Record<string, string>).filter(
      ([k]) => !hidden.some((s) => s.code === k),
    ),
  );
  const e = row.explanation as Explanation | null;
  const hide = (d: Explanation["drivers"][number]): RedactedDriver =>
    groups.includes(d.fieldGroup)
      ? {
          code: d.code,
          text: d.text,
          section: d.sectionTitle,
          weight: d.weight,
          critical: d.critical,
          restricted: false,
        }
      : {
          code: null,
          text: `An answer in a section your access does not include (${FIELD_GROUP_LABELS[d.fieldGroup as FieldGroup].toLowerCase()})`,
          section: d.sectionTitle,
          weight: d.weight,
          critical: d.critical,
          restricted: true,
        };
  const explanation = e
    ? {
        ...e,
        drivers: e.drivers.map(hide),
        protective: e.protective.map(hide),
        notKnown: e.notKnown.map(hide),
        floor: e.floor
          ? {
              level: e.floor.level,
              because: e.drivers.filter((d) => d.critical).map((d) => hide(d).text),
            }
          : null,
        summary: hidden.some((s) => e.drivers.some((d) => d.section === s.code))
          ? "Some of the answers that make up this score are in sections your access does not include; the level and score are shared so that everyone works from the same assessment."
          : e.summary,
      }
    : null;
  return { tool, answers, notes, explanation, hiddenSections: hidden.map((s) => s.title) };
}

export class AssessmentService {
  constructor(private readonly app: App) {}
  private now() {
    return this.app.clock.now();
  }
  private system<T>(fn: (tx: Transaction<DB>) => Promise<T>) {
    return inScope(this.app.db, { scope: "system" }, fn);
  }
  private async meta(id: string) {
    const m = await this.system((tx) =>
      tx
        .selectFrom("risk_assessments")
        .select(["id", "child_id", "author_id", "status"])
        .where("id", "=", id)
        .executeTakeFirst(),
    );
    if (!m) throw new NotFound("There is no risk assessment with that reference.");
    return m;
  }
  private async mayAdd(u: SessionUser, childId: string) {
    const d = await this.app.access.decide(u, childId);
    if (!d.addEntries)
      throw new Forbidden(
        d.read
          ? "Only someone working with the child (a legitimate relationship, or break-glass) can complete a risk assessment."
          : d.why,
      );
    return d;
  }

  /** Starts a draft assessment with the current tool version. */
  async start(u: SessionUser, actor: Actor, childId: string, referralId?: string) {
    await this.mayAdd(u, childId);
    const id = newId();
    await this.app.access.asUser(u, async (tx) => {
      const now = this.now();
      await tx
        .insertInto("risk_assessments")
        .values({
          id,
          child_id: childId,
          referral_id: referralId ?? null,
          author_id: u.id,
          agency_id: u.agencyId,
          tool_code: CURRENT_TOOL.code,
          tool_version: CURRENT_TOOL.version,
          status: "draft",
          created_at: now,
          updated_at: now,
        })
        .execute();
      await audit(
        tx,
        auditFor(actor, {
          action: "assessment.start",
          recordType: "risk_assessment",
          recordId: id,
          childId,
          reason: "start an exploitation risk assessment",
          details: { tool: `${CURRENT_TOOL.code} v${CURRENT_TOOL.version}` },
        }),
      );
    });
    return id;
  }

  /** A draft its author is working on (the author, with add-entry access to the child). */
  async draft(u: SessionUser, actor: Actor, id: string) {
    const m = await this.meta(id);
    const d = await this.mayAdd(u, m.child_id);
    if (m.author_id !== u.id)
      throw new Forbidden("Only the person who started this assessment can change it.");
    return this.app.access.asUser(u, async (tx) => {
      const row = await getRow(tx, id);
      if (!row) throw new Forbidden("The database refused access to this assessment.");
      await audit(
        tx,
        auditFor(actor, {
          action: "assessment.draft.open",
          recordType: "risk_assessment",
          recordId: id,
          childId: row.child_id,
          fieldGroups: d.fieldGroups,
          reason: "work on a risk assessment",
        }),
      );
      const people = await peopleById(tx, [row.author_id]);
      const child = await tx
        .selectFrom("children")
        .select(["given_name", "family_name", "reference"])
        .where("id", "=", row.child_id)
        .executeTakeFirst();
      const referral = row.referral_id
        ? await tx
            .selectFrom("referrals")
            .select(["concern_types"])
            .where("id", "=", row.referral_id)
            .executeTakeFirst()
        : null;
      const concerns =
        referral?.concern_types ??
        (
          await tx
            .selectFrom("referrals")
            .select(["concern_types"])
            .where("child_id", "=", row.child_id)
            .orderBy("received_at", "desc")
            .limit(1)
            .executeTakeFirst()
        )?.concern_types ??
        [];
      return {
        row,
        decision: d,
        tool: toolFor(row.tool_code, row.tool_version),
        author: people.get(row.author_id) ?? null,
        childName: child
          ? [child.given_name, child.family_name].filter(Boolean).join(" ") || child.reference
          : "",
        concerns,
      };
    });
  }

  /** Saves one section's answers (every question answered) and its note; or the child's view. */
  async saveSection(
    u: SessionUser,
    actor: Actor,
    id: string,
    section: string,
    input: { answers?: Record<string, string>; note?: string; childView?: string },
  ) {
    const { row, tool } = await this.draft(u, actor, id);
    if (row.status !== "draft")
      throw new Conflict("This assessment has been completed; start a new one to reassess.");
    if (section === "voice") {
      const text = (input.childView ?? "").trim();
      if (text.length > 4000)
        throw new Invalid("The child's view is too long", [
          { field: "childView", message: "The child's view must be 4,000 characters or fewer" },
        ]);
      await this.update(u, actor, id, { child_view: text || null }, "voice");
      return;
    }
    const s = allSections(tool).find((x) => x.code === section);
    if (!s) throw new NotFound("There is no such section.");
    const answers = Object.fromEntries(
      s.indicators
        .map((i) => [i.code, input.answers?.[i.code]])
        .filter(([, v]) => v !== undefined && v !== ""),
    ) as Record<string, string>;
    const issues = answersIssues(tool, answers, section).map((i) => ({
      field: i.field.replace("answers.", ""),
      message: i.message,
    }));
    for (const [k, v] of Object.entries(answers))
      if (!["yes", "no", "not_known"].includes(v))
        issues.push({ field: k, message: "Answer yes, no or not known" });
    const note = (input.note ?? "").trim();
    if (note.length > 4000)
      issues.push({ field: "note", message: "The note must be 4,000 characters or fewer" });
    if (issues.length) throw new Invalid(`Answer every question in "${s.title}"`, issues);
    const allAnswers = { ...((row.answers ?? {}) as Record<string, string>), ...answers };
    const notes = { ...((row.notes ?? {}) as Record<string, string>) };
    if (note) notes[section] = note;
    else delete notes[section];
    await this.update(
      u,
      actor,
      id,
      { answers: JSON.stringify(allAnswers), notes: JSON.stringify(notes) },
      section,
    );
  }

  private async update(
    u: SessionUser,
    actor: Actor,
    id: string,
    set: { answers?: string; notes?: string; child_view?: string | null },
    section: string,
  ) {
    await this.app.access.asUser(u, async (tx) => {
      const r = await tx
        .updateTable("risk_assessments")
        .set({ ...set, updated_at: this.now(), version: (eb) => eb("version", "+", 1) })
        .where("id", "=", id)
        .where("status", "=", "draft")
        .returning(["child_id"])
        .executeTakeFirst();
      if (!r) throw new Conflict("This assessment has been completed; start a new one to reassess.");
      await audit(
        tx,
        auditFor(actor, {
          action: "assessment.draft.save",
          recordType: "risk_assessment",
          recordId: id,
          childId: r.child_id,
          reason: "risk assessment answers",
          details: { section },
        }),
      );
    });
  }

  /** The draft's score and explanation so far, what is left to answer, suggested CIN factors and review date. */
  async preview(u: SessionUser, actor: Actor, id: string) {
    const draft = await this.draft(u, actor, id);
    const answers = (draft.row.answers ?? {}) as Answers;
    const explanation = scoreAssessment(draft.tool, answers);
    const sections = allSections(draft.tool).map((s) => ({
      code: s.code,
      title: s.title,
      done: s.indicators.every((i) => answers[i.code]),
      started: s.indicators.some((i) => answers[i.code]),
    }));
    return {
      ...draft,
      explanation,
      sections,
      complete: sections.every((s) => s.done),
      suggestedCin: suggestCinFactors(answers, draft.concerns),
      defaultReview: defaultReviewDate(draft.tool, explanation.level, londonDate(this.now())),
    };
  }

  private checkJudgement(
    explanation: Explanation,
    j: { level?: Level; reason?: string; reviewDueOn: string },
  ): { field: string; message: string }[] {
    const issues: { field: string; message: string }[] = [];
    if (j.level && j.level !== explanation.level && (j.reason ?? "").trim().length < OVERRIDE_REASON_MIN)
      issues.push({
        field: "reason",
        message: `Explain why your professional judgement differs from the tool's level, in at least ${OVERRIDE_REASON_MIN} characters`,
      });
    const today = londonDate(this.now());
    const limit = new Date(Date.parse(`${today}T00:00:00Z`) + 183 * DAY).toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(j.reviewDueOn) || Number.isNaN(Date.parse(`${j.reviewDueOn}T00:00:00Z`)))
      issues.push({ field: "reviewDueOn", message: "Enter a review date like 2027-01-15" });
    else if (j.reviewDueOn <= today)
      issues.push({ field: "reviewDueOn", message: "The review date must be in the future" });
    else if (j.reviewDueOn > limit)
      issues.push({ field: "reviewDueOn", message: "Set a review within six months" });
    return issues;
  }

  /** Completes a draft: score, level, judgement, review date, CIN factors; the form carries the version. */
  async complete(
    u: SessionUser,
    actor: Actor,
    id: string,
    expectedVersion: number,
    j: { level?: Level; reason?: string; reviewDueOn: string; cinFactors: string[] },
  ) {
    const p = await this.preview(u, actor, id);
    if (p.row.status !== "draft") throw new Conflict("This assessment has already been completed.");
    const issues: { field: string; message: string }[] = [];
    for (const s of p.sections)
      if (!s.done)
        issues.push({ field: `section-${s.code}`, message: `Answer every question in "${s.title}"` });
    issues.push(...this.checkJudgement(p.explanation, j));
    if (issues.length) throw new Invalid("The assessment is not ready to complete", issues);
    return this.app.access.asUser(u, async (tx) => {
      const now = this.now();
      const finalLevel = j.level ?? p.explanation.level;
      const reference = await nextReference(tx, "RA", inLondon(now).getFullYear());
      const r = await tx
        .updateTable("risk_assessments")
        .set({
          reference,
          status: "completed",
          score: p.explanation.score,
          computed_level: p.explanation.level,
          final_level: finalLevel,
          override_reason: finalLevel !== p.explanation.level ? (j.reason ?? "").trim() : null,
          explanation: JSON.stringify(p.explanation),
          cin_factors: j.cinFactors,
          review_due_on: j.reviewDueOn,
          completed_at: now,
          updated_at: now,
          version: (eb) => eb("version", "+", 1),
        })
        .where("id", "=", id)
        .where("status", "=", "draft")
        .where("version", "=", expectedVersion)
        .returning(["id", "child_id"])
        .executeTakeFirst();
      if (!r)
        throw new PreconditionFailed(
          "This assessment changed since you opened it. Reload it and check the answers again.",
        );
      await this.auditCompleted(tx, actor, id, r.child_id, reference, p.explanation, finalLevel);
      return { id, reference };
    });
  }

  private async auditCompleted(
    tx: Kysely<DB>,
    actor: Actor,
    id: string,
    childId: string,
    reference: string,
    e: Explanation,
    finalLevel: Level,
  ) {
    await audit(
      tx,
      auditFor(actor, {
        action: "assessment.complete",
        recordType: "risk_assessment",
        recordId: id,
        childId,
        fieldGroups: [...new Set(["narrative", ...e.drivers.map((d) => d.fieldGroup)])],
        reason: "complete an exploitation risk assessment",
        details: {
          reference,
          score: e.score,
          level: e.level,
          finalLevel,
          overridden: finalLevel !== e.level,
        },
      }),
    );
  }

  /** The API: a whole assessment in one request; a repeat with the same Idempotency-Key returns the first. */
  async completeDirect(u: SessionUser, actor: Actor, childId: string, raw: unknown, key?: string) {
    const parsed = completeAssessmentSchema.safeParse(raw);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => ({
        field: i.path.map(String).join(".") || "body",
        message: i.message,
      }));
      throw new Invalid(
        `The assessment has ${fields.length === 1 ? "a problem" : `${fields.length} problems`}`,
        fields,
      );
    }
    const body: CompleteAssessment = parsed.data;
    await this.mayAdd(u, childId);
    const explanation = scoreAssessment(CURRENT_TOOL, body.answers as Answers);
    const issues = this.checkJudgement(explanation, {
      level: body.judgement.level,
      reason: body.judgement.reason,
      reviewDueOn: body.reviewDueOn,
    }).map((i) => ({ ...i, field: i.field === "reason" ? "judgement.reason" : i.field }));
    if (issues.length) throw new Invalid("The assessment has problems", issues);
    const idem = key ? `api:${u.id}:${key}` : null;
    const hash = sha256(JSON.stringify({ childId, body }));
    return this.app.access.asUser(u, async (tx) => {
      if (idem) {
        const existing = await tx
          .selectFrom("risk_assessments")
          .select(["id", "reference", "child_id", "notes"])
          .where("idempotency_key", "=", idem)
          .executeTakeFirst();
        if (existing) {
          if (existing.child_id !== childId || (existing.notes as Record<string, unknown>)?._hash !== hash)
            throw new Conflict("This Idempotency-Key was already used for a different assessment.");
          return { id: existing.id, reference: existing.reference!, replayed: true };
        }
      }
      const now = this.now();
      const id = newId();
      const finalLevel = body.judgement.level ?? explanation.level;
      const reference = await nextReference(tx, "RA", inLondon(now).getFullYear());
      await tx
        .insertInto("risk_assessments")
        .values({
          id,
          reference,
          child_id: childId,
          referral_id: body.referralId ?? null,
          author_id: u.id,
          agency_id: u.agencyId,
          tool_code: CURRENT_TOOL.code,
          tool_version: CURRENT_TOOL.version,
          status: "completed",
          answers: JSON.stringify(body.answers),
          notes: JSON.stringify(idem ? { ...body.notes, _hash: hash } : body.notes),
          score: explanation.score,
          computed_level: explanation.level,
          final_level: finalLevel,
          override_reason: finalLevel !== explanation.level ? (body.judgement.reason ?? "").trim() : null,
          explanation: JSON.stringify(explanation),
          cin_factors: body.cinFactors,
          child_view: body.childView ?? null,
          review_due_on: body.reviewDueOn,
          completed_at: now,
          idempotency_key: idem,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await this.auditCompleted(tx, actor, id, childId, reference, explanation, finalLevel);
      return { id, reference, replayed: false };
    });
  }

  /** One assessment, redacted to the viewer's field groups. */
  async view(u: SessionUser, actor: Actor, id: string) {
    const m = await this.meta(id);
    const d = await this.app.access.decide(u, m.child_id);
    if (!d.read) throw new Forbidden(d.why);
    return this.app.access.asUser(u, async (tx) => {
      const row = await getRow(tx, id);
      if (!row) throw new Forbidden("The database refused access to this assessment.");
      await audit(
        tx,
        auditFor(actor, {
          action: "assessment.view",
          recordType: "risk_assessment",
          recordId: id,
          childId: row.child_id,
          fieldGroups: d.fieldGroups,
          reason: "read a risk assessment",
        }),
      );
      const people = await peopleById(tx, [row.author_id]);
      const child = await tx
        .selectFrom("children")
        .select(["given_name", "family_name", "reference"])
        .where("id", "=", row.child_id)
        .executeTakeFirst();
      const history = await completedFor(tx, row.child_id);
      return {
        row,
        decision: d,
        ...redactAssessment(row, d.fieldGroups),
        author: people.get(row.author_id) ?? null,
        childName: child
          ? [child.given_name, child.family_name].filter(Boolean).join(" ") || child.reference
          : "",
        trajectory: trajectoryOf(history),
      };
    });
  }

  /** A child's completed assessments, newest first, and the trajectory (oldest first). */
  async forChild(u: SessionUser, actor: Actor, childId: string) {
    const d = await this.app.access.decide(u, childId);
    if (!d.read) throw new Forbidden(d.why);
    return this.app.access.asUser(u, async (tx) => {
      const rows = await completedFor(tx, childId);
      const drafts = await tx
        .selectFrom("risk_assessments")
        .select(["id", "updated_at"])
        .where("child_id", "=", childId)
        .where("status", "=", "draft")
        .where("author_id", "=", u.id)
        .execute();
      const people = await peopleById(
        tx,
        rows.map((r) => r.author_id),
      );
      const child = await tx
        .selectFrom("children")
        .select(["given_name", "family_name", "reference"])
        .where("id", "=", childId)
        .executeTakeFirst();
      await audit(
        tx,
        auditFor(actor, {
          action: "assessment.list",
          recordType: "risk_assessment",
          childId,
          fieldGroups: ["narrative"],
          reason: "risk assessments and trajectory",
          details: { count: rows.length },
        }),
      );
      return {
        decision: d,
        childName: child
          ? [child.given_name, child.family_name].filter(Boolean).join(" ") || child.reference
          : "",
        childReference: child?.reference ?? "",
        assessments: rows
          .map((r) => ({
            ...r,
            author: people.get(r.author_id)?.name ?? "",
            authorAgency: people.get(r.author_id)?.agency ?? "",
          }))
          .reverse(),
        drafts,
        trajectory: trajectoryOf(rows),
      };
    });
  }
}

const completedFor = (tx: Kysely<DB>, childId: string) =>
  tx
    .selectFrom("risk_assessments")
    .select([
      "id",
      "reference",
      "author_id",
      "score",
      "computed_level",
      "final_level",
      "override_reason",
      "completed_at",
      "review_due_on",
      "tool_code",
      "tool_version",
    ])
    .where("child_id", "=", childId)
    .where("status", "=", "completed")
    .orderBy("completed_at")
    .execute();

function trajectoryOf(rows: Awaited<ReturnType<typeof completedFor>>) {
  const points: TrajectoryPoint[] = rows.map((r) => ({
    at: r.completed_at!,
    score: r.score!,
    computedLevel: r.computed_level!,
    finalLevel: r.final_level!,
    reference: r.reference ?? "",
  }));
  const tool = rows.length
    ? toolFor(rows[rows.length - 1].tool_code, rows[rows.length - 1].tool_version)
    : CURRENT_TOOL;
  return { points, svg: trajectorySvg(tool, points), description: describeTrajectory(points) };
}

/** Risk assessments due for review (within 14 days or overdue) for children the user is allocated to. */
export async function reviewsDueFor(app: App, u: SessionUser) {
  const now = app.clock.now();
  const horizon = new Date(now.getTime() + 14 * DAY).toISOString().slice(0, 10);
  const today = londonDate(now);
  return app.access.asUser(u, async (tx) => {
    const rows = await tx
      .selectFrom("risk_assessments as a")
      .innerJoin("relationships as rel", "rel.child_id", "a.child_id")
      .innerJoin("children as c", "c.id", "a.child_id")
      .select([
        "a.id",
        "a.child_id",
        "a.final_level",
        "a.review_due_on",
        "a.completed_at",
        "c.given_name",
        "c.family_name",
        "c.reference",
      ])
      .where("rel.user_id", "=", u.id)
      .where("rel.kind", "=", "allocated_worker")
      .where((eb) => eb.or([eb("rel.ends_at", "is", null), eb("rel.ends_at", ">", now)]))
      .where("a.status", "=", "completed")
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("risk_assessments as later")
              .select("later.id")
              .whereRef("later.child_id", "=", "a.child_id")
              .where("later.status", "=", "completed")
              .whereRef("later.completed_at", ">", "a.completed_at"),
          ),
        ),
      )
      .where("a.review_due_on", "<=", horizon)
      .orderBy("a.review_due_on")
      .limit(50)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      childId: r.child_id,
      childName: [r.given_name, r.family_name].filter(Boolean).join(" ") || r.reference,
      level: r.final_level,
      levelLabel: r.final_level ? LEVEL_LABELS[r.final_level] : "",
      reviewDueOn: r.review_due_on,
      overdue: (r.review_due_on ?? "") < today,
    }));
  });
}

export const answerOf = (answers: unknown, code: string): Answer | undefined =>
  (answers as Record<string, Answer> | null)?.[code];

const services = new WeakMap<App, AssessmentService>();
export function assessmentService(app: App): AssessmentService {
  let s = services.get(app);
  if (!s) {
    s = new AssessmentService(app);
    services.set(app, s);
  }
  return s;
}
