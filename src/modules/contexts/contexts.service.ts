// Contextual safeguarding: peer groups, places and online spaces are records in their own right,
// with the children linked to them, context assessments, and plans and actions aimed at the
// context (the tracker's plan goals and actions). Contexts hold no child's personal data; the links
// to children do, and are read under row-level security and audited.
import "./contexts.tables.ts";
import type { App } from "../../app.ts";
import type { SessionUser } from "../../http/routes.ts";
import { londonDate } from "../../platform/clock.ts";
import { Conflict, type FieldIssue, Forbidden, Invalid, NotFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import { actionHistory, actionsOf, goalsOf } from "../tracker/tracker.queries.ts";
import { signpostScope } from "../tracker/tracker.service.ts";
import { assessmentsOf, contextById, linkedChildren, listContexts } from "./contexts.queries.ts";
import type { ContextKind, PlaceType } from "./contexts.tables.ts";
import { CONTEXT_KINDS, FACTOR_KEYS, PLACE_TYPES } from "./contexts.vocab.ts";

const RISKS = ["high", "medium", "low"] as const;

export type ContextInput = {
  kind: string;
  name: string;
  description?: string | null;
  placeType?: string | null;
  location?: string | null;
  postcode?: string | null;
  platform?: string | null;
  riskLevel?: string | null;
  idempotencyKey?: string | null;
};

export async function createContext(app: App, u: SessionUser, actor: Actor, c: ContextInput) {
  const issues: FieldIssue[] = [];
  if (!(CONTEXT_KINDS as readonly string[]).includes(c.kind))
    issues.push({ field: "kind", message: "Choose a peer group, a place or an online space" });
  const name = c.name?.trim() ?? "";
  if (name.length < 3 || name.length > 200)
    issues.push({ field: "name", message: "Enter a name of 3 to 200 characters" });
  if (c.kind === "place" && !(PLACE_TYPES as readonly string[]).includes(c.placeType ?? ""))
    issues.push({ field: "placeType", message: "Choose the kind of place" });
  if (c.kind === "online_space" && !c.platform?.trim())
    issues.push({ field: "platform", message: "Enter the app, site or platform" });
  if (c.riskLevel && !(RISKS as readonly string[]).includes(c.riskLevel))
    issues.push({ field: "riskLevel", message: "Choose the level of risk" });
  if ((c.description ?? "").length > 4000)
    issues.push({ field: "description", message: "Must be 4,000 characters or fewer" });
  if (issues.length) throw new Invalid("The context has problems", issues);
  const now = app.clock.now();
  const key = c.idempotencyKey ? `${u.id}:${c.idempotencyKey}` : null;
  return app.access.asUser(u, async (tx) => {
    if (key) {
      const prior = await tx
        .selectFrom("contexts")
        .select("id")
        .where("idempotency_key", "=", key)
        .executeTakeFirst();
      if (prior) return { id: prior.id, replayed: true };
    }
    const id = newId();
    await tx
      .insertInto("contexts")
      .values({
        id,
        reference: `CTX-${id.replaceAll("-", "").slice(0, 10).toUpperCase()}`,
        kind: c.kind as ContextKind,
        name,
        description: c.description?.trim() || null,
        place_type: c.kind === "place" ? (c.placeType as PlaceType) : null,
        location: c.kind === "online_space" ? null : c.location?.trim() || null,
        postcode: c.kind === "place" ? c.postcode?.trim().toUpperCase() || null : null,
        platform: c.kind === "online_space" ? c.platform?.trim() || null : null,
        risk_level: (c.riskLevel as "high") || null,
        owning_agency_id: u.agencyId,
        created_by: u.id,
        idempotency_key: key,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "context.create",
        recordType: "context",
        recordId: id,
        reason: "record a peer group, place or online space",
        details: { kind: c.kind },
      }),
    );
    return { id, replayed: false };
  });
}

export async function contextsList(app: App, u: SessionUser, kind?: string) {
  return app.access.asUser(u, (tx) => listContexts(tx, kind));
}

/** A context's page: linked children you may see (and how many others), assessments, plan. */
export async function contextDetail(app: App, u: SessionUser, actor: Actor, id: string) {
  const ctx = await app.db.selectFrom("contexts").select("id").where("id", "=", id).executeTakeFirst();
  if (!ctx) throw new NotFound("There is no context with that id.");
  const total = await signpostScope(app, u, (tx) =>
    tx
      .selectFrom("context_children")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("context_id", "=", id)
      .where("ended_at", "is", null)
      .executeTakeFirstOrThrow(),
  );
  return app.access.asUser(u, async (tx) => {
    const context = await contextById(tx, id);
    if (!context) throw new NotFound("There is no context with that id.");
    const children = await linkedChildren(tx, id);
    const assessments = await assessmentsOf(tx, id);
    const goals = await goalsOf(tx, { contextId: id });
    const actions = await actionsOf(tx, { contextId: id });
    const history = await actionHistory(
      tx,
      actions.map((a) => a.id),
    );
    await audit(
      tx,
      auditFor(actor, {
        action: "context.view",
        recordType: "context",
        recordId: id,
        fieldGroups: children.length ? ["identity"] : [],
        reason: "view a context",
        details: { childrenShown: children.map((c) => c.reference) },
      }),
    );
    return {
      context,
      children,
      hiddenChildren: Math.max(0, Number(total.n) - children.length),
      assessments,
      goals,
      actions: actions.map((a) => ({ ...a, history: history.filter((h) => h.action_id === a.id) })),
    };
  });
}

/** Links a child to a context (an entry by the user's agency; needs access to add entries for the child). */
export async function linkChild(
  app: App,
  u: SessionUser,
  actor: Actor,
  contextId: string,
  childId: string,
  how: string,
) {
  const ctx = await app.db
    .selectFrom("contexts")
    .select(["id", "status"])
    .where("id", "=", contextId)
    .executeTakeFirst();
  if (!ctx) throw new NotFound("There is no context with that id.");
  const d = await app.access.decide(u, childId);
  if (!d.addEntries)
    throw new Forbidden(d.read ? "Your access to this child does not include adding entries." : d.why);
  const text = how?.trim() ?? "";
  if (text.length < 5 || text.length > 1000)
    throw new Invalid("Say how the child is linked", [
      { field: "how", message: "Say how the child is linked to this context (5 to 1,000 characters)" },
    ]);
  if (ctx.status !== "active") throw new Conflict("This context is closed.");
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    const existing = await tx
      .selectFrom("context_children")
      .select("id")
      .where("context_id", "=", contextId)
      .where("child_id", "=", childId)
      .where("ended_at", "is", null)
      .executeTakeFirst();
    if (existing)
      throw new Invalid("Already linked", [
        { field: "child", message: "This child is already linked to this context" },
      ]);
    const id = newId();
    await tx
      .insertInto("context_children")
      .values({
        id,
        context_id: contextId,
        child_id: childId,
        how: text,
        agency_id: u.agencyId,
        linked_by: u.id,
        linked_at: now,
      })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "context.link_child",
        recordType: "context",
        recordId: contextId,
        childId,
        reason: "link a child to a context",
      }),
    );
    return { id };
  });
}

export type AssessmentInput = {
  riskLevel: string;
  factors: string[];
  summary: string;
  recommendations?: string | null;
  assessedOn?: string | null;
};

export async function addAssessment(
  app: App,
  u: SessionUser,
  actor: Actor,
  contextId: string,
  a: AssessmentInput,
) {
  const ctx = await app.db
    .selectFrom("contexts")
    .select(["id", "status"])
    .where("id", "=", contextId)
    .executeTakeFirst();
  if (!ctx) throw new NotFound("There is no context with that id.");
  const issues: FieldIssue[] = [];
  const today = londonDate(app.clock.now());
  if (!(RISKS as readonly string[]).includes(a.riskLevel))
    issues.push({ field: "riskLevel", message: "Choose the level of risk in this context" });
  if (a.factors.some((f) => !(FACTOR_KEYS as string[]).includes(f)))
    issues.push({ field: "factors", message: "Choose factors from the list" });
  const summary = a.summary?.trim() ?? "";
  if (summary.length < 10 || summary.length > 8000)
    issues.push({
      field: "summary",
      message: "Summarise what the assessment found (10 to 8,000 characters)",
    });
  const on = a.assessedOn || today;
  if (on > today)
    issues.push({ field: "assessedOn", message: "The assessment date cannot be in the future" });
  if (issues.length) throw new Invalid("The assessment has problems", issues);
  if (ctx.status !== "active") throw new Conflict("This context is closed.");
  const now = app.clock.now();
  return app.access.asUser(u, async (tx) => {
    const id = newId();
    await tx
      .insertInto("context_assessments")
      .values({
        id,
        context_id: contextId,
        assessed_on: on,
        risk_level: a.riskLevel as "high",
        factors: [...new Set(a.factors)],
        summary,
        recommendations: a.recommendations?.trim() || null,
        agency_id: u.agencyId,
        assessed_by: u.id,
        created_at: now,
      })
      .execute();
    await tx
      .updateTable("contexts")
      .set({ risk_level: a.riskLevel as "high", updated_at: now, version: (eb) => eb("version", "+", 1) })
      .where("id", "=", contextId)
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: "context.assess",
        recordType: "context_assessment",
        recordId: id,
        reason: "assess a context",
        details: { contextId, riskLevel: a.riskLevel },
      }),
    );
    return { id };
  });
}
