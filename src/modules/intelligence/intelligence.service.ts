// Intelligence use cases: persons of concern, entities, links, intelligence reports (submit, grade,
// sanitise, permit), pins and notes on the chart. Rules and transactions live here; every write is
// audited in its own transaction, and anything touching a child goes through the access policy.
import { type Kysely, sql, type Transaction } from "kysely";
import { inScope } from "../../db/rls.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { type Clock, londonDate } from "../../platform/clock.ts";
import { Conflict, Forbidden, Invalid, NotFound, PreconditionFailed } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Actor } from "../audit/audit.service.ts";
import { audit, auditFor } from "../audit/index.ts";
import { auditChildren, childLabel, decideChildren, userScope } from "./child-access.ts";
import {
  maySeeRsoFlag,
  type ReportView,
  reportViewFor,
  SANITISE_ROLES,
  type Viewer,
} from "./intelligence.policy.ts";
import {
  entitiesByIds,
  nextPersonReference,
  nextReportReference,
  personsByIds,
} from "./intelligence.queries.ts";
import type { EntityInput, LinkInput, NodeRef, PersonInput, ReportInput } from "./intelligence.schema.ts";
import { nodeKey } from "./intelligence.schema.ts";
import type { HandlingCode, IntelligenceAssessment, SourceEvaluation } from "./intelligence.tables.ts";
import { nodeUrl, viewerOf } from "./network.service.ts";

const keyFor = (u: SessionUser, key: string | undefined | null) => (key ? `${u.id}:${key}` : null);

export type ReportForViewer = {
  id: string;
  reference: string;
  originatingAgency: string;
  originatingAgencyId: string;
  submittedAt: Date;
  intelligenceDate: string | null;
  grading: string;
  sourceEvaluation: SourceEvaluation;
  assessment: IntelligenceAssessment;
  handlingCode: HandlingCode;
  handlingConditions: string | null;
  view: ReportView;
  why: string;
  /** The original for those allowed it, else the sanitised text. */
  text: string | null;
  original: string | null;
  sanitised: string | null;
  sanitisedAt: Date | null;
  version: number;
  canSanitise: boolean;
  canPermit: boolean;
};

export type SubjectView = { id: string; kind: string; label: string; restricted: boolean; url: string };

export class IntelligenceService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  private inUserScope<T>(u: SessionUser, fn: (tx: Transaction<DB>) => Promise<T>) {
    return inScope(this.db, userScope(u), fn);
  }

  // ----- persons of concern -----

  async listPersons(u: SessionUser, q: { q?: string; limit?: number } = {}) {
    const viewer = viewerOf(u);
    return this.inUserScope(u, async (tx) => {
      let query = tx
        .selectFrom("persons_of_concern as p")
        .innerJoin("agencies as a", "a.id", "p.owning_agency_id")
        .select([
          "p.id",
          "p.reference",
          "p.given_name",
          "p.family_name",
          "p.aliases",
          "p.date_of_birth",
          "p.estimated_age",
          "p.sex",
          "p.ethnicity",
          "p.registered_sex_offender",
          "p.owning_agency_id",
          "a.name as agency",
          "p.created_at",
        ]);
      const text = (q.q ?? "").trim().toLowerCase();
      if (text) {
        const like = `%${text.replace(/[%_\\]/g, "")}%`;
        query = query.where((eb) =>
          eb.or([
            eb(eb.fn("lower", ["p.given_name"]), "like", like),
            eb(eb.fn("lower", ["p.family_name"]), "like", like),
            eb(eb.fn("lower", ["p.reference"]), "like", like),
            eb(sql<string>`lower(array_to_string(p.aliases, ' '))`, "like", like),
          ]),
        );
      }
      const rows = await query
        .orderBy("p.family_name")
        .orderBy("p.given_name")
        .orderBy("p.reference")
        .limit(q.limit ?? 500)
        .execute();
      const disrupted = await tx
        .selectFrom("disruptions")
        .select(["subject_id", (eb) => eb.fn.countAll<number>().as("n")])
        .where("subject_kind", "=", "person")
        .where("status", "in", ["sought", "in_force"])
        .groupBy("subject_id")
        .execute();
      const dmap = new Map(disrupted.map((d) => [d.subject_id, Number(d.n)]));
      return rows.map((r) => ({
        ...r,
        registered_sex_offender: maySeeRsoFlag(viewer, r.owning_agency_id) ? r.registered_sex_offender : null,
        disruptions: dmap.get(r.id) ?? 0,
      }));
    });
  }

  async getPerson(u: SessionUser, id: string) {
    const viewer = viewerOf(u);
    return this.inUserScope(u, async (tx) => {
      const p = await tx
        .selectFrom("persons_of_concern as p")
        .innerJoin("agencies as a", "a.id", "p.owning_agency_id")
        .selectAll("p")
        .select("a.name as agency")
        .where("p.id", "=", id)
        .executeTakeFirst();
      if (!p) throw new NotFound("There is no person of concern with that id.");
      return {
        ...p,
        registered_sex_offender: maySeeRsoFlag(viewer, p.owning_agency_id) ? p.registered_sex_offender : null,
        canEdit: p.owning_agency_id === u.agencyId,
      };
    });
  }

  async createPerson(u: SessionUser, actor: Actor, input: PersonInput, idempotencyKey?: string) {
    const key = keyFor(u, idempotencyKey);
    return this.inUserScope(u, async (tx) => {
      if (key) {
        const existing = await tx
          .selectFrom("persons_of_concern")
          .select("id")
          .where("idempotency_key", "=", key)
          .executeTakeFirst();
        if (existing) return { id: existing.id, created: false };
      }
      await sql`select pg_advisory_xact_lock(7305801)`.execute(tx);
      const id = newId();
      const reference = await nextPersonReference(tx);
      const now = this.clock.now();
      await tx
        .insertInto("persons_of_concern")
        .values({
          id,
          reference,
          owning_agency_id: u.agencyId,
          given_name: input.given_name ?? null,
          family_name: input.family_name ?? null,
          aliases: input.aliases,
          date_of_birth: input.date_of_birth ?? null,
          estimated_age: input.date_of_birth ? null : (input.estimated_age ?? null),
          sex: input.sex,
          ethnicity: input.ethnicity ?? null,
          disability: input.disability ?? null,
          description: input.description ?? null,
          registered_sex_offender: input.registered_sex_offender,
          created_by: u.id,
          idempotency_key: key,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await audit(
        tx,
        auditFor(actor, {
          action: "person.create",
          recordType: "person_of_concern",
          recordId: id,
          reason: "record a person of concern",
          details: { reference },
        }),
      );
      return { id, created: true, reference };
    });
  }

  async updatePerson(
    u: SessionUser,
    actor: Actor,
    id: string,
    expectedVersion: () => number,
    input: PersonInput,
  ) {
    return this.inUserScope(u, async (tx) => {
      const p = await tx
        .selectFrom("persons_of_concern")
        .select(["owning_agency_id", "version"])
        .where("id", "=", id)
        .executeTakeFirst();
      if (!p) throw new NotFound("There is no person of concern with that id.");
      if (p.owning_agency_id !== u.agencyId)
        throw new Forbidden(
          "Only the agency that recorded this person can change the record. Add intelligence or a link instead.",
        );
      const version = expectedVersion();
      const r = await tx
        .updateTable("persons_of_concern")
        .set({
          given_name: input.given_name ?? null,
          family_name: input.family_name ?? null,
          aliases: input.aliases,
          date_of_birth: input.date_of_birth ?? null,
          estimated_age: input.date_of_birth ? null : (input.estimated_age ?? null),
          sex: input.sex,
          ethnicity: input.ethnicity ?? null,
          disability: input.disability ?? null,
          description: input.description ?? null,
          registered_sex_offender: input.registered_sex_offender,
          version: (eb) => eb("version", "+", 1),
          updated_at: this.clock.now(),
        })
        .where("id", "=", id)
        .where("version", "=", version)
        .returning("version")
        .executeTakeFirst();
      if (!r)
        throw new PreconditionFailed(
          "Someone else changed this record since you opened it. Reload it and make your change again.",
        );
      await audit(
        tx,
        auditFor(actor, {
          action: "person.update",
          recordType: "person_of_concern",
          recordId: id,
          reason: "update a person of concern",
          details: { fromVersion: version },
        }),
      );
      return { id, version: r.version };
    });
  }

  // ----- entities -----

  async listEntities(u: SessionUser, q: { q?: string; kind?: string; limit?: number } = {}) {
    return this.inUserScope(u, async (tx) => {
      let query = tx
        .selectFrom("entities as e")
        .innerJoin("agencies as a", "a.id", "e.owning_agency_id")
        .select(["e.id", "e.kind", "e.label", "e.subtype", "e.owning_agency_id", "a.name as agency"]);
      if (q.kind) query = query.where("e.kind", "=", q.kind as never);
      const text = (q.q ?? "").trim().toLowerCase();
      if (text) query = query.where(sql<boolean>`lower(e.label) like ${`%${text.replace(/[%_\\]/g, "")}%`}`);
      return query
        .orderBy("e.kind")
        .orderBy("e.label")
        .limit(q.limit ?? 500)
        .execute();
    });
  }

  async getEntity(u: SessionUser, id: string) {
    return this.inUserScope(u, async (tx) => {
      const e = await tx
        .selectFrom("entities as e")
        .innerJoin("agencies as a", "a.id", "e.owning_agency_id")
        .selectAll("e")
        .select("a.name as agency")
        .where("e.id", "=", id)
        .executeTakeFirst();
      if (!e) throw new NotFound("There is no entity with that id.");
      return {
        ...e,
        attributes: (e.attributes ?? {}) as Record<string, string>,
        canEdit: e.owning_agency_id === u.agencyId,
      };
    });
  }

  async createEntity(u: SessionUser, actor: Actor, input: EntityInput, idempotencyKey?: string) {
    const key = keyFor(u, idempotencyKey);
    return this.inUserScope(u, async (tx) => {
      if (key) {
        const existing = await tx
          .selectFrom("entities")
          .select("id")
          .where("idempotency_key", "=", key)
          .executeTakeFirst();
        if (existing) return { id: existing.id, created: false };
      }
      const id = newId();
      const now = this.clock.now();
      await tx
        .insertInto("entities")
        .values({
          id,
          kind: input.kind,
          label: input.label,
          subtype: input.subtype ?? null,
          attributes: JSON.stringify(input.attributes) as never,
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
          action: "entity.create",
          recordType: "entity",
          recordId: id,
          reason: "record an entity",
          details: { kind: input.kind },
        }),
      );
      return { id, created: true };
    });
  }

  // ----- links -----

  /** The two ends exist; a child end needs the right to add entries to the child's record. */
  private async checkEnds(tx: Transaction<DB>, u: SessionUser, ends: NodeRef[]) {
    const persons = ends.filter((e) => e.kind === "person").map((e) => e.id);
    const ents = ends.filter((e) => e.kind === "entity").map((e) => e.id);
    const kids = ends.filter((e) => e.kind === "child").map((e) => e.id);
    const p = new Set((await personsByIds(tx, persons)).map((x) => x.id));
    const e = new Set((await entitiesByIds(tx, ents)).map((x) => x.id));
    const c = await decideChildren(tx, u, kids, this.clock.now());
    const problems: { field: string; message: string }[] = [];
    ends.forEach((end, i) => {
      const field = i === 0 ? "from" : "to";
      if (end.kind === "person" && !p.has(end.id))
        problems.push({ field, message: "There is no person of concern with that id" });
      if (end.kind === "entity" && !e.has(end.id))
        problems.push({ field, message: "There is no entity with that id" });
      if (end.kind === "child") {
        const f = c.get(end.id);
        if (!f) problems.push({ field, message: "There is no child with that id" });
        else if (!f.decision.addEntries)
          throw new Forbidden(
            "You can link a child only when you work with them (a legitimate relationship or break-glass).",
          );
      }
    });
    if (problems.length) throw new Invalid("The link has a problem", problems);
    return c;
  }

  async createLink(u: SessionUser, actor: Actor, input: LinkInput, idempotencyKey?: string) {
    const key = keyFor(u, idempotencyKey);
    const viewer = viewerOf(u);
    return this.inUserScope(u, async (tx) => {
      if (key) {
        const existing = await tx
          .selectFrom("links")
          .select("id")
          .where("idempotency_key", "=", key)
          .executeTakeFirst();
        if (existing) return { id: existing.id, created: false };
      }
      const kids = await this.checkEnds(tx, u, [input.from, input.to]);
      let grading = input.grading ?? null;
      let provenance = input.provenance ?? null;
      if (input.intelligence_report_id) {
        const r = await this.reportRow(tx, input.intelligence_report_id);
        const view = r ? this.viewOf(viewer, r).view : "none";
        if (!r || view !== "original")
          throw new Invalid("Links can be made only from reports whose original you can see", [
            { field: "intelligence_report_id", message: "Choose a report whose original you can see" },
          ]);
        grading ??= `${r.source_evaluation}${r.intelligence_assessment}${r.handling_code}`;
        provenance ??= `Intelligence report ${r.reference}`;
      }
      const id = newId();
      await tx
        .insertInto("links")
        .values({
          id,
          from_kind: input.from.kind,
          from_id: input.from.id,
          to_kind: input.to.kind,
          to_id: input.to.id,
          link_type: input.link_type,
          valid_from: input.valid_from ?? null,
          valid_to: input.valid_to ?? null,
          source_agency_id: u.agencyId,
          provenance,
          grading,
          intelligence_report_id: input.intelligence_report_id ?? null,
          created_by: u.id,
          idempotency_key: key,
          created_at: this.clock.now(),
        })
        .execute();
      await auditChildren(
        tx,
        [...kids.values()].map((c) => ({
          ...actor,
          action: "link.create",
          childId: c.id,
          fieldGroups: ["police_intelligence"],
          reason: "record a link",
          details: { link: id, type: input.link_type },
        })),
      );
      await audit(
        tx,
        auditFor(actor, {
          action: "link.create",
          recordType: "link",
          recordId: id,
          reason: "record a link",
          details: { from: nodeKey(input.from), to: nodeKey(input.to), type: input.link_type, grading },
        }),
      );
      return { id, created: true };
    });
  }

  // ----- intelligence reports -----

  private reportRow(tx: Kysely<DB>, id: string) {
    return tx
      .selectFrom("intelligence_reports as r")
      .innerJoin("agencies as a", "a.id", "r.originating_agency_id")
      .selectAll("r")
      .select([
        "a.name as agency",
        sql<boolean>`exists (select 1 from intelligence_permissions p where p.report_id = r.id and p.agency_id = nullif(current_setting('lantern.agency_id', true), '')::uuid)`.as(
          "permitted",
        ),
      ])
      .where("r.id", "=", id)
      .executeTakeFirst();
  }

  private viewOf(
    viewer: Viewer,
    r: {
      originating_agency_id: string;
      handling_code: HandlingCode;
      intelligence_assessment: IntelligenceAssessment;
      sanitised_text: string | null;
      permitted: boolean;
    },
  ) {
    return reportViewFor(viewer, {
      originatingAgencyId: r.originating_agency_id,
      handlingCode: r.handling_code,
      assessment: r.intelligence_assessment,
      hasSanitised: r.sanitised_text !== null,
      permittedAgencyIds: r.permitted ? [viewer.agencyId] : [],
    });
  }

  async submitReport(u: SessionUser, actor: Actor, input: ReportInput, idempotencyKey?: string) {
    const key = keyFor(u, idempotencyKey);
    return this.inUserScope(u, async (tx) => {
      if (key) {
        const existing = await tx
          .selectFrom("intelligence_reports")
          .select(["id", "reference"])
          .where("idempotency_key", "=", key)
          .executeTakeFirst();
        if (existing) return { id: existing.id, reference: existing.reference, created: false };
      }
      const subjects = dedupe(input.subjects);
      const persons = new Set(
        (
          await personsByIds(
            tx,
            subjects.filter((s) => s.kind === "person").map((s) => s.id),
          )
        ).map((p) => p.id),
      );
      const ents = new Set(
        (
          await entitiesByIds(
            tx,
            subjects.filter((s) => s.kind === "entity").map((s) => s.id),
          )
        ).map((e) => e.id),
      );
      const kids = await decideChildren(
        tx,
        u,
        subjects.filter((s) => s.kind === "child").map((s) => s.id),
        this.clock.now(),
      );
      const missing = subjects.filter((s) =>
        s.kind === "person" ? !persons.has(s.id) : s.kind === "entity" ? !ents.has(s.id) : !kids.has(s.id),
      );
      if (missing.length)
        throw new Invalid("The report is linked to something Lantern does not know", [
          { field: "subjects", message: `Not found: ${missing.map(nodeKey).join(", ")}` },
        ]);
      const now = this.clock.now();
      const id = newId();
      const reference = await nextReportReference(tx, Number(londonDate(now).slice(0, 4)));
      await tx
        .insertInto("intelligence_reports")
        .values({
          id,
          reference,
          originating_agency_id: u.agencyId,
          submitted_by: u.id,
          submitted_at: now,
          intelligence_date: input.intelligence_date ?? null,
          source_evaluation: input.source_evaluation,
          intelligence_assessment: input.intelligence_assessment,
          handling_code: input.handling_code,
          handling_conditions: input.handling_conditions ?? null,
          sanitised_text: input.sanitised_text ?? null,
          sanitised_by: input.sanitised_text ? u.id : null,
          sanitised_at: input.sanitised_text ? now : null,
          idempotency_key: key,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await tx
        .insertInto("intelligence_report_originals")
        .values({ report_id: id, original_text: input.text })
        .execute();
      if (subjects.length)
        await tx
          .insertInto("intelligence_report_subjects")
          .values(
            subjects.map((s) => ({
              id: newId(),
              report_id: id,
              node_kind: s.kind,
              node_id: s.id,
              created_at: now,
            })),
          )
          .execute();
      await auditChildren(
        tx,
        [...kids.values()].map((c) => ({
          ...actor,
          action: "intelligence.submit",
          childId: c.id,
          fieldGroups: ["police_intelligence"],
          reason: "intelligence about the child",
          details: { report: reference },
        })),
      );
      await audit(
        tx,
        auditFor(actor, {
          action: "intelligence.submit",
          recordType: "intelligence_report",
          recordId: id,
          fieldGroups: ["police_intelligence"],
          reason: "submit intelligence",
          details: {
            reference,
            grading: `${input.source_evaluation}${input.intelligence_assessment}${input.handling_code}`,
            subjects: subjects.length,
          },
        }),
      );
      return { id, reference, created: true };
    });
  }

  private present(
    u: SessionUser,
    r: NonNullable<Awaited<ReturnType<IntelligenceService["reportRow"]>>>,
    original: string | null,
  ): ReportForViewer {
    const viewer = viewerOf(u);
    const { view, why } = this.viewOf(viewer, r);
    const own = r.originating_agency_id === u.agencyId;
    return {
      id: r.id,
      reference: r.reference,
      originatingAgency: r.agency,
      originatingAgencyId: r.originating_agency_id,
      submittedAt: r.submitted_at,
      intelligenceDate: r.intelligence_date,
      grading: `${r.source_evaluation}${r.intelligence_assessment}${r.handling_code}`,
      sourceEvaluation: r.source_evaluation,
      assessment: r.intelligence_assessment,
      handlingCode: r.handling_code,
      handlingConditions: view === "none" ? null : r.handling_conditions,
      view,
      why,
      text: view === "original" ? original : view === "sanitised" ? r.sanitised_text : null,
      original: view === "original" ? original : null,
      sanitised: view === "none" ? null : r.sanitised_text,
      sanitisedAt: r.sanitised_at,
      version: r.version,
      canSanitise: own && u.roles.some((x) => SANITISE_ROLES.includes(x)),
      canPermit: own && r.handling_code === "C" && u.roles.some((x) => SANITISE_ROLES.includes(x)),
    };
  }

  /** One report as the viewer may see it (original, sanitised, or NotFound), with its subjects. */
  async getReport(u: SessionUser, actor: Actor, id: string) {
    const viewer = viewerOf(u);
    return this.inUserScope(u, async (tx) => {
      const r = await this.reportRow(tx, id);
      if (!r || this.viewOf(viewer, r).view === "none")
        throw new NotFound("There is no intelligence report with that reference that you can see.");
      const original = await tx
        .selectFrom("intelligence_report_originals")
        .select("original_text")
        .where("report_id", "=", id)
        .executeTakeFirst();
      const report = this.present(u, r, original?.original_text ?? null);
      if (report.view === "original" && !original)
        throw new Forbidden("The database refused the original text.");
      const subjects = await this.subjectsOf(tx, u, [id]);
      const kids = subjects.kids;
      await auditChildren(
        tx,
        [...kids.values()].map((c) => ({
          ...actor,
          action: "intelligence.child",
          childId: c.id,
          fieldGroups: c.decision.read ? ["identity", "police_intelligence"] : ["police_intelligence"],
          reason: "read intelligence report",
          details: { report: r.reference, view: report.view },
        })),
      );
      await audit(
        tx,
        auditFor(actor, {
          action: "intelligence.view",
          recordType: "intelligence_report",
          recordId: id,
          fieldGroups: ["police_intelligence"],
          reason: "read intelligence report",
          details: { reference: r.reference, view: report.view },
        }),
      );
      const permissions = report.canPermit
        ? await tx
            .selectFrom("intelligence_permissions as p")
            .innerJoin("agencies as a", "a.id", "p.agency_id")
            .select(["a.name as agency", "p.conditions", "p.granted_at"])
            .where("p.report_id", "=", id)
            .execute()
        : [];
      return { report, subjects: subjects.byReport.get(id) ?? [], permissions };
    });
  }

  private async subjectsOf(tx: Transaction<DB>, u: SessionUser, reportIds: string[]) {
    const rows = reportIds.length
      ? await tx
          .selectFrom("intelligence_report_subjects")
          .select(["report_id", "node_kind", "node_id"])
          .where("report_id", "in", reportIds)
          .execute()
      : [];
    const { views, kids } = await this.labelNodes(
      tx,
      u,
      rows.map((s) => ({ kind: s.node_kind, id: s.node_id }) as NodeRef),
    );
    const byReport = new Map<string, SubjectView[]>();
    rows.forEach((s, i) => {
      const list = byReport.get(s.report_id) ?? [];
      list.push(views[i]);
      byReport.set(s.report_id, list);
    });
    return { byReport, kids };
  }

  /**
   * A label and link for each node: a person of concern by name and reference, an entity by its
   * label, a child by name only with access to their record (otherwise by reference, restricted).
   */
  private async labelNodes(tx: Transaction<DB>, u: SessionUser, refs: NodeRef[]) {
    const idsOf = (kind: NodeRef["kind"]) => refs.filter((r) => r.kind === kind).map((r) => r.id);
    const persons = new Map((await personsByIds(tx, idsOf("person"))).map((p) => [p.id, p]));
    const ents = new Map((await entitiesByIds(tx, idsOf("entity"))).map((e) => [e.id, e]));
    const kids = await decideChildren(tx, u, idsOf("child"), this.clock.now());
    const today = londonDate(this.clock.now());
    const views = refs.map((r): SubjectView => {
      let label = r.id;
      let restricted = false;
      if (r.kind === "person") {
        const p = persons.get(r.id);
        if (p)
          label = `${[p.given_name, p.family_name].filter(Boolean).join(" ") || p.aliases[0] || "Unknown"} (${p.reference})`;
      } else if (r.kind === "entity") label = ents.get(r.id)?.label ?? label;
      else {
        const f = kids.get(r.id);
        if (f) ({ label, restricted } = childLabel(f, today));
      }
      return { id: nodeKey(r), kind: r.kind, label, restricted, url: nodeUrl(r.kind, r.id) };
    });
    return { views, kids };
  }

  /** Reports the viewer may see (optionally only those about one subject), newest first. */
  async listReports(u: SessionUser, actor: Actor, q: { subject?: NodeRef; limit?: number } = {}) {
    const viewer = viewerOf(u);
    return this.inUserScope(u, async (tx) => {
      let query = tx
        .selectFrom("intelligence_reports as r")
        .innerJoin("agencies as a", "a.id", "r.originating_agency_id")
        .selectAll("r")
        .select([
          "a.name as agency",
          sql<boolean>`exists (select 1 from intelligence_permissions p where p.report_id = r.id and p.agency_id = nullif(current_setting('lantern.agency_id', true), '')::uuid)`.as(
            "permitted",
          ),
        ]);
      if (q.subject) {
        const s = q.subject;
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom("intelligence_report_subjects as s")
              .select("s.id")
              .whereRef("s.report_id", "=", "r.id")
              .where("s.node_kind", "=", s.kind)
              .where("s.node_id", "=", s.id),
          ),
        );
      }
      const rows = (
        await query
          .orderBy("r.submitted_at", "desc")
          .limit(q.limit ?? 200)
          .execute()
      ).filter((r) => this.viewOf(viewer, r).view !== "none");
      const originals = new Map(
        (rows.length
          ? await tx
              .selectFrom("intelligence_report_originals")
              .select(["report_id", "original_text"])
              .where(
                "report_id",
                "in",
                rows.map((r) => r.id),
              )
              .execute()
          : []
        ).map((o) => [o.report_id, o.original_text]),
      );
      const reports = rows.map((r) => this.present(u, r, originals.get(r.id) ?? null));
      const subjects = await this.subjectsOf(
        tx,
        u,
        rows.map((r) => r.id),
      );
      await audit(
        tx,
        auditFor(actor, {
          action: "intelligence.list",
          recordType: "intelligence_report",
          fieldGroups: ["police_intelligence"],
          reason: "list intelligence reports",
          details: {
            subject: q.subject ? nodeKey(q.subject) : null,
            shown: reports.map((r) => `${r.reference}:${r.view}`),
          },
        }),
      );
      return reports.map((r) => ({ ...r, subjects: subjects.byReport.get(r.id) ?? [] }));
    });
  }

  async sanitise(u: SessionUser, actor: Actor, id: string, expectedVersion: () => number, text: string) {
    return this.inUserScope(u, async (tx) => {
      const r = await this.reportRow(tx, id);
      if (!r) throw new NotFound("There is no intelligence report with that reference that you can see.");
      if (r.originating_agency_id !== u.agencyId || !u.roles.some((x) => SANITISE_ROLES.includes(x)))
        throw new Forbidden(
          "Only an analyst or manager in the agency that submitted the report can sanitise it.",
        );
      const version = expectedVersion();
      const now = this.clock.now();
      const done = await tx
        .updateTable("intelligence_reports")
        .set({
          sanitised_text: text,
          sanitised_by: u.id,
          sanitised_at: now,
          updated_at: now,
          version: (eb) => eb("version", "+", 1),
        })
        .where("id", "=", id)
        .where("version", "=", version)
        .returning("version")
        .executeTakeFirst();
      if (!done)
        throw new PreconditionFailed(
          "Someone else changed this report since you opened it. Reload it and sanitise it again.",
        );
      await audit(
        tx,
        auditFor(actor, {
          action: "intelligence.sanitise",
          recordType: "intelligence_report",
          recordId: id,
          fieldGroups: ["police_intelligence"],
          reason: "sanitise for sharing",
          details: { reference: r.reference, fromVersion: version },
        }),
      );
      return { id, version: done.version };
    });
  }

  async permit(u: SessionUser, actor: Actor, id: string, agencyId: string, conditions: string | null) {
    return this.inUserScope(u, async (tx) => {
      const r = await this.reportRow(tx, id);
      if (!r) throw new NotFound("There is no intelligence report with that reference that you can see.");
      if (r.originating_agency_id !== u.agencyId || !u.roles.some((x) => SANITISE_ROLES.includes(x)))
        throw new Forbidden("Only the agency that submitted the report can permit its dissemination.");
      if (r.handling_code !== "C")
        throw new Invalid("This report is P-coded: it may be shared without permission", [
          { field: "agency_id", message: "P-coded reports need no permission" },
        ]);
      if (agencyId === u.agencyId)
        throw new Invalid("Your own agency already sees the report", [
          { field: "agency_id", message: "Choose another agency" },
        ]);
      const agency = await tx
        .selectFrom("agencies")
        .select("id")
        .where("id", "=", agencyId)
        .executeTakeFirst();
      if (!agency)
        throw new Invalid("There is no such agency", [{ field: "agency_id", message: "Choose an agency" }]);
      const inserted = await tx
        .insertInto("intelligence_permissions")
        .values({
          id: newId(),
          report_id: id,
          originating_agency_id: u.agencyId,
          agency_id: agencyId,
          granted_by: u.id,
          granted_at: this.clock.now(),
          conditions,
        })
        .onConflict((oc) => oc.columns(["report_id", "agency_id"]).doNothing())
        .returning("id")
        .executeTakeFirst();
      if (!inserted) throw new Conflict("That agency already has permission.");
      await audit(
        tx,
        auditFor(actor, {
          action: "intelligence.permit",
          recordType: "intelligence_report",
          recordId: id,
          fieldGroups: ["police_intelligence"],
          reason: "permission to disseminate",
          details: { reference: r.reference, agency: agencyId, conditions },
        }),
      );
      return { id: inserted.id };
    });
  }

  // ----- pins and notes -----

  async listPins(u: SessionUser) {
    return this.inUserScope(u, (tx) =>
      tx
        .selectFrom("chart_pins")
        .select(["node_kind", "node_id", "note", "x", "y", "updated_at"])
        .where("user_id", "=", u.id)
        .orderBy("updated_at", "desc")
        .execute(),
    );
  }

  async pin(
    u: SessionUser,
    actor: Actor,
    input: { node: NodeRef; note?: string | null; x?: number | null; y?: number | null },
  ) {
    return this.inUserScope(u, async (tx) => {
      const exists =
        input.node.kind === "person"
          ? (await personsByIds(tx, [input.node.id])).length > 0
          : input.node.kind === "entity"
            ? (await entitiesByIds(tx, [input.node.id])).length > 0
            : (await decideChildren(tx, u, [input.node.id], this.clock.now())).has(input.node.id);
      if (!exists)
        throw new Invalid("There is nothing with that id to pin", [{ field: "node", message: "Not found" }]);
      const now = this.clock.now();
      const row = await tx
        .insertInto("chart_pins")
        .values({
          id: newId(),
          user_id: u.id,
          node_kind: input.node.kind,
          node_id: input.node.id,
          note: input.note ?? null,
          x: input.x ?? null,
          y: input.y ?? null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(["user_id", "node_kind", "node_id"]).doUpdateSet({
            note: input.note ?? null,
            x: input.x ?? null,
            y: input.y ?? null,
            updated_at: now,
            version: sql`chart_pins.version + 1`,
          }),
        )
        .returning(["id", "version"])
        .executeTakeFirstOrThrow();
      await audit(
        tx,
        auditFor(actor, {
          action: "network.pin",
          recordType: "chart_pin",
          recordId: row.id,
          childId: input.node.kind === "child" ? input.node.id : null,
          reason: "pin and annotate on the link chart",
          details: { node: nodeKey(input.node), note: Boolean(input.note) },
        }),
      );
      return row;
    });
  }

  async unpin(u: SessionUser, actor: Actor, node: NodeRef) {
    return this.inUserScope(u, async (tx) => {
      const r = await tx
        .deleteFrom("chart_pins")
        .where("user_id", "=", u.id)
        .where("node_kind", "=", node.kind)
        .where("node_id", "=", node.id)
        .executeTakeFirst();
      await audit(
        tx,
        auditFor(actor, {
          action: "network.unpin",
          recordType: "chart_pin",
          childId: node.kind === "child" ? node.id : null,
          reason: "remove a pin from the link chart",
          details: { node: nodeKey(node) },
        }),
      );
      return { removed: Number(r.numDeletedRows) > 0 };
    });
  }

  /** POC-… and CH-… references → node keys (children: existence only, as search and signpost allow). */
  async resolveReferences(u: SessionUser, refs: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const persons = refs.filter((r) => r.startsWith("POC-"));
    const kids = refs.filter((r) => !r.startsWith("POC-"));
    if (persons.length) {
      const rows = await this.inUserScope(u, (tx) =>
        tx
          .selectFrom("persons_of_concern")
          .select(["id", "reference"])
          .where("reference", "in", persons)
          .execute(),
      );
      for (const r of rows) out.set(r.reference, `person:${r.id}`);
    }
    if (kids.length) {
      const rows = await inScope(this.db, { scope: "signpost", userId: u.id, agencyId: u.agencyId }, (tx) =>
        tx.selectFrom("children").select(["id", "reference"]).where("reference", "in", kids).execute(),
      );
      for (const r of rows) out.set(r.reference, `child:${r.id}`);
    }
    return out;
  }

  /** Labels for subjects chosen on a form (children by name only with access to their record). */
  async describeSubjects(u: SessionUser, refs: NodeRef[]): Promise<SubjectView[]> {
    return this.inUserScope(u, async (tx) => (await this.labelNodes(tx, u, refs)).views);
  }

  /** Agencies, for the permission form. */
  agencies() {
    return this.db.selectFrom("agencies").select(["id", "name", "kind"]).orderBy("name").execute();
  }
}

function dedupe(refs: NodeRef[]): NodeRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = nodeKey(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
