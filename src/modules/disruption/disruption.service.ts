// Disruption use cases: record a tactic against a person, place or business (or an NRM referral for
// a child), change it (the recording agency only), record breaches (any agency, as its own entry),
// list and count them, and the expiry job's warnings.
import { type Kysely, sql, type Transaction } from "kysely";
import { inScope } from "../../db/rls.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { type Clock, londonDate } from "../../platform/clock.ts";
import { Forbidden, Invalid, NotFound, PreconditionFailed } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Actor } from "../audit/audit.service.ts";
import { audit, auditFor } from "../audit/index.ts";
import {
  childLabel,
  decideChildren,
  type NodeRef,
  nodeKey,
  nodeUrl,
  userScope,
} from "../intelligence/index.ts";
import {
  type BreachInput,
  type DisruptionInput,
  type DisruptionUpdate,
  TACTIC_LABELS,
} from "./disruption.schema.ts";
import { TACTICS, type Tactic, type WarningKind } from "./disruption.tables.ts";

export const WARN_DAYS = 28;
export const URGENT_DAYS = 7;

const addDays = (iso: string, days: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const daysBetween = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

export type DisruptionView = {
  id: string;
  reference: string;
  tactic: Tactic;
  tacticLabel: string;
  subject: { id: string; kind: string; label: string; restricted: boolean; url: string };
  child: { id: string; label: string; restricted: boolean; url: string } | null;
  agency: string;
  owningAgencyId: string;
  status: string;
  /** in_force | expiring | expired | sought | refused | ended | withdrawn */
  state: string;
  stateLabel: string;
  appliedOn: string | null;
  startsOn: string | null;
  expiresOn: string | null;
  endedOn: string | null;
  daysToExpiry: number | null;
  conditions: string | null;
  outcome: string | null;
  notes: string | null;
  breaches: number;
  version: number;
  canEdit: boolean;
  createdAt: Date;
};

/** The state shown for a disruption on a given day. */
export function stateOf(
  d: { status: string; expires_on: string | null },
  today: string,
): { state: string; label: string; days: number | null } {
  const days = d.expires_on ? daysBetween(today, d.expires_on) : null;
  if (d.status !== "in_force")
    return {
      state: d.status,
      label:
        { sought: "Applied for", refused: "Refused", ended: "Ended", withdrawn: "Withdrawn" }[d.status] ??
        d.status,
      days,
    };
  if (days !== null && days < 0) return { state: "expired", label: "Expired", days };
  if (days !== null && days <= WARN_DAYS)
    return {
      state: "expiring",
      label: days === 0 ? "Expires today" : `Expires in ${days} day${days === 1 ? "" : "s"}`,
      days,
    };
  return { state: "in_force", label: "In force", days };
}

type Row = {
  id: string;
  reference: string;
  tactic: Tactic;
  subject_kind: "person" | "entity" | "child";
  subject_id: string;
  child_id: string | null;
  owning_agency_id: string;
  agency: string;
  status: string;
  applied_on: string | null;
  starts_on: string | null;
  expires_on: string | null;
  ended_on: string | null;
  conditions: string | null;
  outcome: string | null;
  notes: string | null;
  version: number;
  created_at: Date;
  breaches: number;
};

export class DisruptionService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  private scoped<T>(u: SessionUser, fn: (tx: Transaction<DB>) => Promise<T>) {
    return inScope(this.db, userScope(u), fn);
  }

  private async rows(tx: Kysely<DB>, where: { id?: string; subject?: NodeRef; status?: string }) {
    const conds = [sql`true`];
    if (where.id) conds.push(sql`d.id = ${where.id}`);
    if (where.subject)
      conds.push(sql`(d.subject_id = ${where.subject.id} or d.child_id = ${where.subject.id})`);
    const today = londonDate(this.clock.now());
    if (where.status === "open")
      conds.push(
        sql`d.status in ('sought','in_force') and (d.expires_on is null or d.expires_on >= ${today}::date)`,
      );
    if (where.status === "expiring")
      conds.push(
        sql`d.status = 'in_force' and d.expires_on between ${today}::date and ${addDays(today, WARN_DAYS)}::date`,
      );
    if (where.status === "expired") conds.push(sql`d.status = 'in_force' and d.expires_on < ${today}::date`);
    const r = await sql<Row>`select d.id, d.reference, d.tactic, d.subject_kind, d.subject_id, d.child_id,
        d.owning_agency_id, a.name as agency, d.status, d.applied_on, d.starts_on, d.expires_on, d.ended_on,
        d.conditions, d.outcome, d.notes, d.version, d.created_at,
        (select count(*)::int from disruption_breaches b where b.disruption_id = d.id) as breaches
      from disruptions d join agencies a on a.id = d.owning_agency_id
      where ${sql.join(conds, sql` and `)}
      order by d.expires_on nulls last, d.created_at desc
      limit 1000`.execute(tx);
    return r.rows;
  }

  /** Labels for subjects and named children (children by name only with access to their record). */
  private async present(tx: Transaction<DB>, u: SessionUser, rows: Row[]): Promise<DisruptionView[]> {
    const persons = rows.filter((r) => r.subject_kind === "person").map((r) => r.subject_id);
    const ents = rows.filter((r) => r.subject_kind === "entity").map((r) => r.subject_id);
    const kids = [
      ...rows.filter((r) => r.subject_kind === "child").map((r) => r.subject_id),
      ...rows.map((r) => r.child_id).filter((x): x is string => !!x),
    ];
    const pmap = new Map(
      (persons.length
        ? await tx
            .selectFrom("persons_of_concern")
            .select(["id", "reference", "given_name", "family_name", "aliases"])
            .where("id", "in", persons)
            .execute()
        : []
      ).map((p) => [p.id, p]),
    );
    const emap = new Map(
      (ents.length
        ? await tx.selectFrom("entities").select(["id", "label"]).where("id", "in", ents).execute()
        : []
      ).map((e) => [e.id, e]),
    );
    const now = this.clock.now();
    const today = londonDate(now);
    const cmap = await decideChildren(tx, u, kids, now);
    const childView = (id: string) => {
      const f = cmap.get(id);
      const c = f ? childLabel(f, today) : { label: "Child", restricted: true };
      return { id: `child:${id}`, label: c.label, restricted: c.restricted, url: nodeUrl("child", id) };
    };
    return rows.map((r) => {
      let subject: DisruptionView["subject"];
      if (r.subject_kind === "child") subject = { ...childView(r.subject_id), kind: "child" };
      else if (r.subject_kind === "person") {
        const p = pmap.get(r.subject_id);
        const name = p
          ? [p.given_name, p.family_name].filter(Boolean).join(" ") || p.aliases[0] || "Name not known"
          : "";
        subject = {
          id: `person:${r.subject_id}`,
          kind: "person",
          label: p ? `${name} (${p.reference})` : r.subject_id,
          restricted: false,
          url: nodeUrl("person", r.subject_id),
        };
      } else
        subject = {
          id: `entity:${r.subject_id}`,
          kind: "entity",
          label: emap.get(r.subject_id)?.label ?? r.subject_id,
          restricted: false,
          url: nodeUrl("entity", r.subject_id),
        };
      const s = stateOf(r, today);
      return {
        id: r.id,
        reference: r.reference,
        tactic: r.tactic,
        tacticLabel: TACTIC_LABELS[r.tactic],
        subject,
        child: r.child_id && r.subject_kind !== "child" ? childView(r.child_id) : null,
        agency: r.agency,
        owningAgencyId: r.owning_agency_id,
        status: r.status,
        state: s.state,
        stateLabel: s.label,
        appliedOn: r.applied_on,
        startsOn: r.starts_on,
        expiresOn: r.expires_on,
        endedOn: r.ended_on,
        daysToExpiry: s.days,
        conditions: r.conditions,
        outcome: r.outcome,
        notes: r.notes,
        breaches: r.breaches,
        version: r.version,
        canEdit: r.owning_agency_id === u.agencyId,
        createdAt: r.created_at,
      };
    });
  }

  async list(u: SessionUser, actor: Actor, q: { subject?: NodeRef; status?: string } = {}) {
    return this.scoped(u, async (tx) => {
      const rows = await this.rows(tx, q);
      const out = await this.present(tx, u, rows);
      const kids = rows
        .flatMap((r) => [r.subject_kind === "child" ? r.subject_id : null, r.child_id])
        .filter(Boolean);
      if (kids.length)
        await audit(
          tx,
          auditFor(actor, {
            action: "disruption.list",
            recordType: "disruption",
            reason: "list disruption",
            details: { subject: q.subject ? nodeKey(q.subject) : null, children: kids.length },
          }),
        );
      return out;
    });
  }

  async get(u: SessionUser, actor: Actor, id: string) {
    return this.scoped(u, async (tx) => {
      const rows = await this.rows(tx, { id });
      if (!rows.length) throw new NotFound("There is no disruption with that reference that you can see.");
      const [view] = await this.present(tx, u, rows);
      const breaches = await tx
        .selectFrom("disruption_breaches as b")
        .innerJoin("agencies as a", "a.id", "b.agency_id")
        .select([
          "b.id",
          "b.occurred_on",
          "b.description",
          "b.action_taken",
          "a.name as agency",
          "b.created_at",
        ])
        .where("b.disruption_id", "=", id)
        .orderBy("b.occurred_on", "desc")
        .execute();
      const warnings = await tx
        .selectFrom("disruption_warnings")
        .select(["kind", "expires_on", "created_at"])
        .where("disruption_id", "=", id)
        .orderBy("created_at", "desc")
        .execute();
      const child = rows[0].subject_kind === "child" ? rows[0].subject_id : rows[0].child_id;
      await audit(
        tx,
        auditFor(actor, {
          action: "disruption.view",
          recordType: "disruption",
          recordId: id,
          childId: child,
          fieldGroups: child ? ["police_intelligence"] : [],
          reason: "view disruption",
          details: { reference: view.reference },
        }),
      );
      return { disruption: view, breaches, warnings };
    });
  }

  async record(u: SessionUser, actor: Actor, input: DisruptionInput, idempotencyKey?: string) {
    const key = idempotencyKey ? `${u.id}:${idempotencyKey}` : null;
    return this.scoped(u, async (tx) => {
      if (key) {
        const existing = await tx
          .selectFrom("disruptions")
          .select(["id", "reference"])
          .where("idempotency_key", "=", key)
          .executeTakeFirst();
        if (existing) return { id: existing.id, reference: existing.reference, created: false };
      }
      const s = input.subject;
      const now = this.clock.now();
      if (s.kind === "person") {
        const p = await tx
          .selectFrom("persons_of_concern")
          .select("id")
          .where("id", "=", s.id)
          .executeTakeFirst();
        if (!p)
          throw new Invalid("There is no such person of concern", [
            { field: "subject", message: "Not found" },
          ]);
      } else if (s.kind === "entity") {
        const e = await tx.selectFrom("entities").select("kind").where("id", "=", s.id).executeTakeFirst();
        if (!e)
          throw new Invalid("There is no such place or business", [
            { field: "subject", message: "Not found" },
          ]);
        if (e.kind !== "location" && e.kind !== "organisation")
          throw new Invalid("Disruption is recorded against a person, a place or a business", [
            { field: "subject", message: "Choose a place or a business" },
          ]);
      }
      const childId = s.kind === "child" ? s.id : (input.child?.id ?? null);
      if (childId) {
        const f = (await decideChildren(tx, u, [childId], now)).get(childId);
        if (!f)
          throw new Invalid("There is no such child", [
            { field: "child", message: "No child has that reference" },
          ]);
        if (!f.decision.addEntries)
          throw new Forbidden(
            "You can name a child on a disruption only when you work with them (a legitimate relationship or break-glass).",
          );
      }
      const year = Number(londonDate(now).slice(0, 4));
      const n = await sql<{ n: number }>`select nextval('disruption_seq')::int as n`.execute(tx);
      const reference = `DIS-${year}-${String(n.rows[0].n).padStart(6, "0")}`;
      const id = newId();
      await tx
        .insertInto("disruptions")
        .values({
          id,
          reference,
          tactic: input.tactic,
          subject_kind: s.kind,
          subject_id: s.id,
          child_id: childId,
          owning_agency_id: u.agencyId,
          recorded_by: u.id,
          status: input.status,
          applied_on: input.applied_on ?? null,
          starts_on: input.starts_on ?? null,
          expires_on: input.expires_on ?? null,
          conditions: input.conditions ?? null,
          notes: input.notes ?? null,
          idempotency_key: key,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await audit(
        tx,
        auditFor(actor, {
          action: "disruption.record",
          recordType: "disruption",
          recordId: id,
          childId,
          fieldGroups: childId ? ["police_intelligence"] : [],
          reason: "record disruption",
          details: {
            reference,
            tactic: input.tactic,
            subject: nodeKey(s),
            expires: input.expires_on ?? null,
          },
        }),
      );
      return { id, reference, created: true };
    });
  }

  async update(
    u: SessionUser,
    actor: Actor,
    id: string,
    expectedVersion: () => number,
    changes: DisruptionUpdate,
  ) {
    return this.scoped(u, async (tx) => {
      const row = await tx
        .selectFrom("disruptions")
        .select(["owning_agency_id", "starts_on", "child_id"])
        .where("id", "=", id)
        .executeTakeFirst();
      if (!row) throw new NotFound("There is no disruption with that reference that you can see.");
      if (row.owning_agency_id !== u.agencyId)
        throw new Forbidden(
          "Only the agency that recorded this disruption can change it. Record a breach or a note instead.",
        );
      if (changes.expires_on && row.starts_on && changes.expires_on < row.starts_on)
        throw new Invalid("The expiry date must be on or after the date it starts", [
          { field: "expires_on", message: "The expiry date must be on or after the date it starts" },
        ]);
      const version = expectedVersion();
      const set: Record<string, unknown> = { ...changes, updated_at: this.clock.now() };
      if ((changes.status === "ended" || changes.status === "withdrawn") && changes.ended_on === undefined)
        set.ended_on = londonDate(this.clock.now());
      const r = await tx
        .updateTable("disruptions")
        .set({ ...(set as object), version: (eb) => eb("version", "+", 1) })
        .where("id", "=", id)
        .where("version", "=", version)
        .returning(["version", "reference"])
        .executeTakeFirst();
      if (!r)
        throw new PreconditionFailed(
          "Someone else changed this disruption since you opened it. Reload it and try again.",
        );
      await audit(
        tx,
        auditFor(actor, {
          action: "disruption.update",
          recordType: "disruption",
          recordId: id,
          childId: row.child_id,
          reason: "update disruption",
          details: { reference: r.reference, fields: Object.keys(changes), fromVersion: version },
        }),
      );
      return { id, version: r.version };
    });
  }

  async addBreach(u: SessionUser, actor: Actor, id: string, input: BreachInput, idempotencyKey?: string) {
    const key = idempotencyKey ? `${u.id}:${idempotencyKey}` : null;
    return this.scoped(u, async (tx) => {
      const d = await tx
        .selectFrom("disruptions")
        .select(["reference", "child_id"])
        .where("id", "=", id)
        .executeTakeFirst();
      if (!d) throw new NotFound("There is no disruption with that reference that you can see.");
      if (key) {
        const existing = await tx
          .selectFrom("disruption_breaches")
          .select("id")
          .where("idempotency_key", "=", key)
          .executeTakeFirst();
        if (existing) return { id: existing.id, created: false };
      }
      if (input.occurred_on > londonDate(this.clock.now()))
        throw new Invalid("The breach date cannot be in the future", [
          { field: "occurred_on", message: "The breach date cannot be in the future" },
        ]);
      const breachId = newId();
      await tx
        .insertInto("disruption_breaches")
        .values({
          id: breachId,
          disruption_id: id,
          occurred_on: input.occurred_on,
          description: input.description,
          action_taken: input.action_taken ?? null,
          agency_id: u.agencyId,
          recorded_by: u.id,
          idempotency_key: key,
          created_at: this.clock.now(),
        })
        .execute();
      await audit(
        tx,
        auditFor(actor, {
          action: "disruption.breach",
          recordType: "disruption",
          recordId: id,
          childId: d.child_id,
          reason: "record a breach",
          details: { reference: d.reference, breach: breachId, occurredOn: input.occurred_on },
        }),
      );
      return { id: breachId, created: true };
    });
  }

  /** Counts for reporting: by tactic, how many sought, in force, expiring, expired, ended, breached. */
  async counts(u: SessionUser, actor: Actor) {
    const today = londonDate(this.clock.now());
    const soon = addDays(today, WARN_DAYS);
    const rows = await inScope(
      this.db,
      { scope: "system", userId: u.id, agencyId: u.agencyId },
      async (tx) => {
        const r = await sql<{
          tactic: Tactic;
          total: number;
          sought: number;
          in_force: number;
          expiring: number;
          expired: number;
          ended: number;
          refused: number;
          breached: number;
          breaches: number;
        }>`select d.tactic,
          count(*)::int as total,
          count(*) filter (where d.status = 'sought')::int as sought,
          count(*) filter (where d.status = 'in_force' and (d.expires_on is null or d.expires_on >= ${today}::date))::int as in_force,
          count(*) filter (where d.status = 'in_force' and d.expires_on between ${today}::date and ${soon}::date)::int as expiring,
          count(*) filter (where d.status = 'in_force' and d.expires_on < ${today}::date)::int as expired,
          count(*) filter (where d.status in ('ended','withdrawn'))::int as ended,
          count(*) filter (where d.status = 'refused')::int as refused,
          count(*) filter (where exists (select 1 from disruption_breaches b where b.disruption_id = d.id))::int as breached,
          coalesce(sum((select count(*) from disruption_breaches b where b.disruption_id = d.id)), 0)::int as breaches
        from disruptions d group by d.tactic`.execute(tx);
        await audit(
          tx,
          auditFor(actor, {
            action: "disruption.counts",
            recordType: "disruption",
            reason: "disruption counts for reporting",
          }),
        );
        return r.rows;
      },
    );
    const by = new Map(rows.map((r) => [r.tactic, r]));
    const zero = {
      total: 0,
      sought: 0,
      in_force: 0,
      expiring: 0,
      expired: 0,
      ended: 0,
      refused: 0,
      breached: 0,
      breaches: 0,
    };
    const tactics = TACTICS.map((t) => {
      const r = by.get(t);
      return { tactic: t, label: TACTIC_LABELS[t], ...zero, ...(r ? { ...r, tactic: t } : {}) };
    });
    const total = { ...zero };
    for (const t of tactics) for (const k of Object.keys(zero) as (keyof typeof zero)[]) total[k] += t[k];
    return { asOf: today, warnDays: WARN_DAYS, tactics, total };
  }
}

export type ExpiryResult = { warned: Record<WarningKind, number>; checked: number };

/**
 * The expiry job: for every disruption in force with an expiry date, a warning 28 days before,
 * another 7 days before, and one when it has expired (each once per expiry date, so changing the
 * expiry date warns again).
 */
export async function warnExpiring(db: Kysely<DB>, clock: Clock): Promise<ExpiryResult> {
  const today = londonDate(clock.now());
  return inScope(db, { scope: "system" }, async (tx) => {
    const rows = await tx
      .selectFrom("disruptions")
      .select(["id", "reference", "expires_on", "tactic", "owning_agency_id"])
      .where("status", "=", "in_force")
      .where("expires_on", "is not", null)
      .where("expires_on", "<=", addDays(today, WARN_DAYS))
      .execute();
    const warned: Record<WarningKind, number> = { expires_28_days: 0, expires_7_days: 0, expired: 0 };
    for (const r of rows) {
      const days = daysBetween(today, r.expires_on!);
      const kind: WarningKind =
        days < 0 ? "expired" : days <= URGENT_DAYS ? "expires_7_days" : "expires_28_days";
      const inserted = await tx
        .insertInto("disruption_warnings")
        .values({
          id: newId(),
          disruption_id: r.id,
          kind,
          expires_on: r.expires_on!,
          created_at: clock.now(),
        })
        .onConflict((oc) => oc.columns(["disruption_id", "kind", "expires_on"]).doNothing())
        .returning("id")
        .executeTakeFirst();
      if (inserted) {
        warned[kind]++;
        await audit(tx, {
          userId: null,
          agencyId: r.owning_agency_id,
          action: "disruption.expiry_warning",
          recordType: "disruption",
          recordId: r.id,
          reason:
            kind === "expired"
              ? "disruption has expired"
              : `disruption expires within ${kind === "expires_7_days" ? URGENT_DAYS : WARN_DAYS} days`,
          details: { reference: r.reference, tactic: r.tactic, expiresOn: r.expires_on, days },
        });
      }
    }
    return { warned, checked: rows.length };
  });
}

/** Warnings raised but not yet acted on, for the disruption list (newest first). */
export async function openWarnings(db: Kysely<DB>, u: SessionUser, clock: Clock) {
  const today = londonDate(clock.now());
  return inScope(db, userScope(u), (tx) =>
    tx
      .selectFrom("disruption_warnings as w")
      .innerJoin("disruptions as d", "d.id", "w.disruption_id")
      .select([
        "w.kind",
        "w.expires_on",
        "w.created_at",
        "d.id",
        "d.reference",
        "d.tactic",
        "d.owning_agency_id",
      ])
      .where("d.status", "=", "in_force")
      .whereRef("d.expires_on", "=", "w.expires_on")
      .where("w.created_at", ">=", new Date(Date.parse(`${addDays(today, -WARN_DAYS)}T00:00:00Z`)))
      .orderBy("w.created_at", "desc")
      .limit(100)
      .execute(),
  );
}
