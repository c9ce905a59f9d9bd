// Access-aware data access for children's records. Services reach child rows only through here:
// each call decides (access.policy.ts), runs under row-level security (db/rls.ts), redacts to the
// field groups allowed, and writes the audit row in the same transaction. There is no second path.
import { verify } from "@node-rs/argon2";
import type { Kysely, Transaction } from "kysely";
import { inScope, type Scope } from "../../db/rls.ts";
import type { AgencyKind, Child, DB, RelationshipKind } from "../../db/schema.ts";
import { jaroWinkler } from "../../engines/linkage/similarity.ts";
import type { SessionUser } from "../../http/routes.ts";
import type { Clock } from "../../platform/clock.ts";
import { Forbidden, Invalid, NotFound, PreconditionFailed, Unauthenticated } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import {
  BREAK_GLASS_HOURS,
  type ChildDecision,
  decideChildAccess,
  type FieldGroup,
  redactChild,
  type Subject,
} from "./access.policy.ts";

export const subjectOf = (u: SessionUser): Subject => ({
  userId: u.id,
  agencyId: u.agencyId,
  agencyKind: u.agencyKind as AgencyKind,
  roles: u.roles,
});
export const actorOf = (u: SessionUser, req: { id: string; ip: string }): Actor => ({
  userId: u.id,
  agencyId: u.agencyId,
  requestId: req.id,
  ip: req.ip,
});

export type Involvement = {
  agency: string;
  kind: string;
  contactEmail: string | null;
  contactPhone: string | null;
  how: string;
};
export type SignpostResult = {
  id: string;
  reference: string;
  givenName: string | null;
  familyName: string | null;
  dateOfBirth: string | null;
  school: string | null;
  agencies: Involvement[];
  canOpen: boolean;
  score: number;
};

export class AccessService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  /** The row-level-security scope for a user acting on their own behalf. */
  scopeFor(u: SessionUser): Scope {
    return {
      scope: "user",
      userId: u.id,
      agencyId: u.agencyId,
      oversight: u.roles.includes("manager"),
      screening: u.roles.includes("screener"),
    };
  }

  /** Runs fn under the user's row-level-security scope. */
  asUser<T>(u: SessionUser, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
    return inScope(this.db, this.scopeFor(u), fn);
  }

  /** The access decision for one child, with the facts it rests on. Throws NotFound for no such child. */
  async decide(
    u: SessionUser,
    childId: string,
    tx?: Kysely<DB>,
  ): Promise<ChildDecision & { owningAgencyId: string }> {
    const run = async (db: Kysely<DB>) => {
      const child = await db
        .selectFrom("children")
        .select(["owning_agency_id"])
        .where("id", "=", childId)
        .executeTakeFirst();
      if (!child) throw new NotFound("There is no child with that reference.");
      const now = this.clock.now();
      const rels = await db
        .selectFrom("relationships")
        .select("kind")
        .where("user_id", "=", u.id)
        .where("child_id", "=", childId)
        .where("starts_at", "<=", now)
        .where((eb) => eb.or([eb("ends_at", "is", null), eb("ends_at", ">", now)]))
        .execute();
      const glass = await db
        .selectFrom("break_glass")
        .select("id")
        .where("user_id", "=", u.id)
        .where("child_id", "=", childId)
        .where("expires_at", ">", now)
        .executeTakeFirst();
      const decision = decideChildAccess(subjectOf(u), {
        owningAgencyId: child.owning_agency_id,
        relationships: [...new Set(rels.map((r) => r.kind as RelationshipKind))].filter(
          (k) => k !== "break_glass",
        ),
        breakGlass: Boolean(glass),
      });
      return { ...decision, owningAgencyId: child.owning_agency_id };
    };
    if (tx) return run(tx);
    return inScope(this.db, { scope: "signpost", userId: u.id, agencyId: u.agencyId }, run);
  }

  /**
   * Opens a child's record for reading: decides, reads under RLS, redacts, audits 'child.view'.
   * Without a read decision it returns the signpost only (and audits that too).
   */
  async openChild(u: SessionUser, actor: Actor, childId: string, purpose = "view child record") {
    const decision = await this.decide(u, childId);
    if (!decision.read) {
      if (!decision.signpost) throw new Forbidden(decision.why);
      const signpost = await this.signpostFor(u, actor, childId);
      return { decision, child: null, signpost };
    }
    return this.asUser(u, async (tx) => {
      const row = await tx.selectFrom("children").selectAll().where("id", "=", childId).executeTakeFirst();
      if (!row) throw new Forbidden("The database refused access to this record."); // RLS disagreed: deny.
      await audit(
        tx,
        auditFor(actor, {
          action: "child.view",
          recordType: "child",
          recordId: childId,
          childId,
          fieldGroups: decision.fieldGroups,
          reason: purpose,
          details: { basis: decision.basis },
        }),
      );
      return {
        decision,
        child: redactChild(row as unknown as Record<string, unknown>, decision.fieldGroups) as Partial<Child>,
        signpost: null,
      };
    });
  }

  /** Search and signpost: who is known, which agencies are involved, whom to contact; never content. */
  async search(
    u: SessionUser,
    actor: Actor,
    q: { name?: string; dateOfBirth?: string; nhsNumber?: string; school?: string },
  ) {
    const probe = decideChildAccess(subjectOf(u), {
      owningAgencyId: "",
      relationships: [],
      breakGlass: false,
    });
    if (!probe.signpost) throw new Forbidden("Your role does not include searching for children.");
    const name = (q.name ?? "").trim().toLowerCase().replace(/\s+/g, " ");
    if (!name && !q.dateOfBirth && !q.nhsNumber && !q.school) {
      throw new Invalid("Enter a name, date of birth, NHS number or school to search", [
        { field: "name", message: "Enter a name, date of birth, NHS number or school to search" },
      ]);
    }
    return inScope(this.db, { scope: "signpost", userId: u.id, agencyId: u.agencyId }, async (tx) => {
      let query = tx
        .selectFrom("children")
        .leftJoin("agencies as school", "school.id", "children.school_agency_id")
        .select([
          "children.id",
          "children.reference",
          "children.given_name",
          "children.family_name",
          "children.date_of_birth",
          "school.name as school_name",
        ]);
      if (q.nhsNumber) query = query.where("children.nhs_number", "=", q.nhsNumber.replace(/\s/g, ""));
      if (q.dateOfBirth) query = query.where("children.date_of_birth", "=", q.dateOfBirth);
      if (q.school) query = query.where("school.name", "ilike", `%${q.school.replace(/[%_]/g, "")}%`);
      const parts = name.split(" ").filter(Boolean);
      if (parts.length) {
        // Candidates share the first two letters of a name part; Jaro-Winkler ranks them (typos, variants).
        const prefixes = parts.map((p) => `${p.slice(0, 2).replace(/[%_]/g, "")}%`);
        query = query.where((eb) =>
          eb.or(
            prefixes.flatMap((p) => [
              eb(eb.fn("lower", ["children.family_name"]), "like", p),
              eb(eb.fn("lower", ["children.given_name"]), "like", p),
            ]),
          ),
        );
      }
      const rows = await query.limit(5000).execute();
      const scored = rows
        .map((r) => {
          if (!parts.length) return { r, score: 1 };
          const names = [r.given_name ?? "", r.family_name ?? ""].map((x) => x.toLowerCase());
          const score =
            parts.reduce((s, p) => s + Math.max(...names.map((n) => jaroWinkler(p, n))), 0) / parts.length;
          return { r, score };
        })
        .filter((x) => x.score >= 0.85)
        .sort((a, b) => b.score - a.score)
        .slice(0, 25);
      const involvement = await this.involvement(
        tx,
        scored.map((s) => s.r.id),
      );
      const results: SignpostResult[] = [];
      for (const { r, score } of scored) {
        const d = await this.decide(u, r.id, tx);
        results.push({
          id: r.id,
          reference: r.reference,
          givenName: r.given_name,
          familyName: r.family_name,
          dateOfBirth: r.date_of_birth,
          school: r.school_name,
          agencies: involvement.get(r.id) ?? [],
          canOpen: d.read,
          score: Math.round(score * 100) / 100,
        });
      }
      await audit(
        tx,
        auditFor(actor, {
          action: "child.search",
          recordType: "child",
          fieldGroups: ["identity"],
          reason: "search and signpost",
          details: { query: q, results: results.map((x) => x.reference) },
        }),
      );
      return results;
    });
  }

  private async signpostFor(u: SessionUser, actor: Actor, childId: string) {
    return inScope(this.db, { scope: "signpost", userId: u.id, agencyId: u.agencyId }, async (tx) => {
      const r = await tx
        .selectFrom("children")
        .select(["id", "reference", "given_name", "family_name", "date_of_birth"])
        .where("id", "=", childId)
        .executeTakeFirstOrThrow();
      const agencies = (await this.involvement(tx, [childId])).get(childId) ?? [];
      await audit(
        tx,
        auditFor(actor, {
          action: "child.signpost",
          recordType: "child",
          recordId: childId,
          childId,
          fieldGroups: ["identity"],
          reason: "signpost: no legitimate relationship",
        }),
      );
      return { ...r, agencies };
    });
  }

  /** Which agencies are involved with each child and how to reach them. */
  private async involvement(tx: Kysely<DB>, childIds: string[]): Promise<Map<string, Involvement[]>> {
    const out = new Map<string, Involvement[]>();
    if (!childIds.length) return out;
    const add = (id: string, i: Involvement) => {
      const list = out.get(id) ?? [];
      if (!list.some((x) => x.agency === i.agency)) list.push(i);
      out.set(id, list);
    };
    const owners = await tx
      .selectFrom("children")
      .innerJoin("agencies", "agencies.id", "children.owning_agency_id")
      .select([
        "children.id",
        "agencies.name",
        "agencies.kind",
        "agencies.contact_email",
        "agencies.contact_phone",
      ])
      .where("children.id", "in", childIds)
      .execute();
    for (const o of owners)
      add(o.id, {
        agency: o.name,
        kind: o.kind,
        contactEmail: o.contact_email,
        contactPhone: o.contact_phone,
        how: "holds the record",
      });
    const now = this.clock.now();
    const rels = await tx
      .selectFrom("relationships")
      .innerJoin("users", "users.id", "relationships.user_id")
      .innerJoin("agencies", "agencies.id", "users.agency_id")
      .select([
        "relationships.child_id",
        "relationships.kind",
        "agencies.name",
        "agencies.kind as agency_kind",
        "agencies.contact_email",
        "agencies.contact_phone",
      ])
      .where("relationships.child_id", "in", childIds)
      .where("relationships.kind", "!=", "break_glass")
      .where((eb) => eb.or([eb("relationships.ends_at", "is", null), eb("relationships.ends_at", ">", now)]))
      .execute();
    for (const r of rels) {
      add(r.child_id, {
        agency: r.name,
        kind: r.agency_kind,
        contactEmail: r.contact_email,
        contactPhone: r.contact_phone,
        how: r.kind.replaceAll("_", " "),
      });
    }
    return out;
  }

  /** Break-glass: a reason and the user's password give time-limited access, flagged for review. */
  async breakGlass(u: SessionUser, actor: Actor, childId: string, reason: string, password: string) {
    const text = reason.trim();
    const fields = [];
    if (text.length < 10)
      fields.push({ field: "reason", message: "Explain why you need access now, in at least 10 characters" });
    if (!password) fields.push({ field: "password", message: "Enter your password" });
    if (fields.length) throw new Invalid("Break-glass needs a reason and your password", fields);
    const decision = await this.decide(u, childId);
    if (!decision.breakGlass) throw new Forbidden("Your role cannot use break-glass access.");
    if (decision.read)
      throw new Invalid("You already have access to this record", [
        { field: "reason", message: "You already have access to this record" },
      ]);
    const user = await this.db
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", u.id)
      .executeTakeFirstOrThrow();
    if (!(await verify(user.password_hash, password).catch(() => false))) {
      await inScope(this.db, { scope: "user", userId: u.id, agencyId: u.agencyId }, (tx) =>
        audit(
          tx,
          auditFor(actor, {
            action: "break_glass.refused",
            recordType: "child",
            recordId: childId,
            childId,
            reason: text,
            details: { why: "password" },
          }),
        ),
      );
      throw new Unauthenticated("The password is not correct");
    }
    const now = this.clock.now();
    const expires = new Date(now.getTime() + BREAK_GLASS_HOURS * 3_600_000);
    const id = newId();
    await inScope(this.db, { scope: "user", userId: u.id, agencyId: u.agencyId }, async (tx) => {
      await tx
        .insertInto("break_glass")
        .values({ id, user_id: u.id, child_id: childId, reason: text, granted_at: now, expires_at: expires })
        .execute();
      await audit(
        tx,
        auditFor(actor, {
          action: "break_glass.granted",
          recordType: "child",
          recordId: childId,
          childId,
          reason: text,
          details: { breakGlassId: id, expiresAt: expires.toISOString(), flagged: true },
        }),
      );
    });
    return { id, expiresAt: expires };
  }

  /**
   * Changes the child's core record with optimistic concurrency. The access decision comes first, so
   * a refused caller learns nothing about versions; then expectedVersion() (If-Match) is read.
   */
  async updateChild(
    u: SessionUser,
    actor: Actor,
    childId: string,
    expectedVersionOf: () => number,
    changes: Partial<
      Pick<
        Child,
        | "given_name"
        | "family_name"
        | "other_names"
        | "date_of_birth"
        | "sex"
        | "ethnicity"
        | "first_language"
        | "send_status"
        | "disability"
      >
    >,
  ) {
    const decision = await this.decide(u, childId);
    if (!decision.write) {
      throw new Forbidden(
        decision.read
          ? "Only the allocated worker in the agency that holds this record can change it. Add a correction as a new entry instead."
          : decision.why,
      );
    }
    const expectedVersion = expectedVersionOf();
    const groups: FieldGroup[] = ["identity"];
    return this.asUser(u, async (tx) => {
      const updated = await tx
        .updateTable("children")
        .set({ ...changes, version: (eb) => eb("version", "+", 1), updated_at: this.clock.now() })
        .where("id", "=", childId)
        .where("version", "=", expectedVersion)
        .returningAll()
        .executeTakeFirst();
      if (!updated) {
        throw new PreconditionFailed(
          "Someone else changed this record since you opened it. Reload it and make your change again.",
        );
      }
      await audit(
        tx,
        auditFor(actor, {
          action: "child.update",
          recordType: "child",
          recordId: childId,
          childId,
          fieldGroups: groups,
          reason: "update child record",
          details: { fields: Object.keys(changes), fromVersion: expectedVersion },
        }),
      );
      return redactChild(
        updated as unknown as Record<string, unknown>,
        decision.fieldGroups,
      ) as Partial<Child>;
    });
  }
}
