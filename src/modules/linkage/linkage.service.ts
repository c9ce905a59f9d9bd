// The master child index. Linkage runs (background jobs) feed Lantern's children and every current
// imported person record of a child to the linkage engine, then cluster the matching pairs under
// the decisions people have made (linkage.cluster.ts): records in a cluster with a child are
// linked to it automatically; uncertain pairs, and pairs that would join two Lantern children, go
// to the review queue. A reviewer decides "same child" (link, or merge two children) or
// "different children" (kept apart from then on); a linked record can be split off; unmatched
// records can become a new child. Every decision is audited and can be undone; nothing is deleted:
// links and exclusions are ended, never removed, and undo re-creates what a decision ended.
import { availableParallelism } from "node:os";
import { sql, type Transaction } from "kysely";
import type { App } from "../../app.ts";
import type { DB } from "../../db/schema.ts";
import {
  DEFAULT_REVIEW_THRESHOLD,
  explainPair,
  FIELD_SPECS,
  gammaRow,
  type LinkResult,
  linkRecords,
  pairBand,
  RecordSetBuilder,
  tfAdjustments,
} from "../../engines/linkage/index.ts";
import type { SessionUser } from "../../http/routes.ts";
import { londonDate } from "../../platform/clock.ts";
import { Conflict, Invalid, NotFound, PreconditionFailed } from "../../platform/errors.ts";
import { newId, reference } from "../../platform/ids.ts";
import { type Actor, audit, auditFor, jobAudit } from "../audit/audit.service.ts";
import { LINKAGE_ROLES, linkageScope, RUN_ROLES, requireRole } from "../imports/index.ts";
import { clusterUnderDecisions } from "./linkage.cluster.ts";
import {
  activeExclusions,
  activeLinks,
  activeMerges,
  currentChildRecords,
  survivor,
} from "./linkage.queries.ts";
import type { DecisionKind, LinkStatus, NodeKind } from "./linkage.tables.ts";

type Tx = Transaction<DB>;
export const JOB_RUN = "linkage.run";
/** Auto-link at or above this match probability (stricter than the engine's default: a wrong link is costly). */
export const AUTO_THRESHOLD = 0.95;
export const REVIEW_THRESHOLD = DEFAULT_REVIEW_THRESHOLD;

const POSITIVE: LinkStatus[] = ["auto", "accepted", "merged"];
const ENGINE_FIELDS = [
  "given_name",
  "surname",
  "dob",
  "sex",
  "postcode",
  "address_1",
  "nhs_number",
  "upn",
] as const;

export type NodeRef = { kind: NodeKind; id: string };
export const nodeKey = (n: NodeRef) => `${n.kind === "child" ? "c" : "r"}:${n.id}`;

export type NodeView = {
  kind: NodeKind;
  id: string;
  /** CH-000123, or the agency and its own ID for a source record. */
  label: string;
  agency: string;
  source: string | null;
  rowKey: string | null;
  batch: string | null;
  givenName: string | null;
  familyName: string | null;
  dateOfBirth: string | null;
  sex: string | null;
  ethnicity: string | null;
  postcode: string | null;
  nhsNumber: string | null;
  upn: string | null;
  /** For a record: the child it is linked to now (after merges), if any. */
  childId: string | null;
  childReference: string | null;
};

export type Explanation = {
  prior: number;
  total: number;
  fields: {
    field: string;
    label: string;
    left: string | null;
    right: string | null;
    level: string;
    weight: number;
    tf: number;
  }[];
  adjustments: { reason: string; weight: number }[];
};

const services = new WeakMap<App, LinkageService>();
export const linkageService = (app: App): LinkageService => {
  let s = services.get(app);
  if (!s) {
    s = new LinkageService(app);
    services.set(app, s);
  }
  return s;
};

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v : null);

export class LinkageService {
  constructor(private readonly app: App) {}

  // ==== runs ===================================================================================

  async startRun(u: SessionUser, actor: Actor, opts: { threshold?: number; reviewThreshold?: number } = {}) {
    requireRole(u, RUN_ROLES, "start a linkage run");
    const threshold = opts.threshold ?? AUTO_THRESHOLD;
    const review = opts.reviewThreshold ?? REVIEW_THRESHOLD;
    const issues = [];
    if (!(threshold > 0.5 && threshold <= 1))
      issues.push({
        field: "threshold",
        message: "The automatic-link threshold must be a probability above 0.5 and at most 1",
      });
    if (!(review > 0 && review <= threshold))
      issues.push({
        field: "reviewThreshold",
        message: "The review threshold must be above 0 and not above the automatic-link threshold",
      });
    if (issues.length) throw new Invalid("The run's thresholds have problems", issues);
    const now = this.app.clock.now();
    const id = newId();
    // One run at a time: asking again while one is queued or running gives that run.
    const existing = await linkageScope(this.app, u, async (tx) => {
      await sql`select pg_advisory_xact_lock(7305206)`.execute(tx);
      const busy = await tx
        .selectFrom("linkage_runs")
        .select("id")
        .where("status", "in", ["queued", "running"])
        .executeTakeFirst();
      if (busy) return busy.id;
      const seq = await sql<{ n: number }>`select nextval('linkage_run_seq')::int as n`.execute(tx);
      const ref = reference("LR", Number(londonDate(now).slice(0, 4)), seq.rows[0]!.n);
      await tx
        .insertInto("linkage_runs")
        .values({
          id,
          reference: ref,
          threshold,
          review_threshold: review,
          parameters: JSON.stringify({}),
          started_by: u.id,
          created_at: now,
        })
        .execute();
      await audit(
        tx,
        auditFor(actor, {
          action: "linkage.run.start",
          recordType: "linkage_run",
          recordId: id,
          reason: "find which records are the same child",
          details: { reference: ref, threshold, reviewThreshold: review },
        }),
      );
      return null;
    });
    if (existing) return { id: existing, started: false };
    await this.app.jobs.enqueue(JOB_RUN, { runId: id }, { maxAttempts: 1 });
    return { id, started: true };
  }

  async run(u: SessionUser | null, runId: string) {
    if (u) requireRole(u, RUN_ROLES, "see linkage runs");
    const r = await linkageScope(this.app, u, (tx) =>
      tx
        .selectFrom("linkage_runs as r")
        .leftJoin("users as u", "u.id", "r.started_by")
        .selectAll("r")
        .select("u.display_name as started_by_name")
        .where("r.id", "=", runId)
        .executeTakeFirst(),
    );
    if (!r) throw new NotFound("There is no linkage run with that reference.");
    return r;
  }

  async runs(u: SessionUser, limit = 20) {
    requireRole(u, RUN_ROLES, "see linkage runs");
    return linkageScope(this.app, u, (tx) =>
      tx
        .selectFrom("linkage_runs as r")
        .leftJoin("users as u", "u.id", "r.started_by")
        .selectAll("r")
        .select("u.display_name as started_by_name")
        .orderBy("r.created_at", "desc")
        .limit(limit)
        .execute(),
    );
  }

  /** The job: read, link with the engine, cluster under decisions, write links and pairs. */
  async executeRun(runId: string): Promise<Record<string, unknown>> {
    const now = () => this.app.clock.now();
    const claimed = await linkageScope(this.app, null, async (tx) => {
      const r = await tx
        .updateTable("linkage_runs")
        .set({ status: "running", started_at: now(), phase: "read" })
        .where("id", "=", runId)
        .where("status", "=", "queued")
        .returning(["threshold", "review_threshold", "started_by", "reference"])
        .executeTakeFirst();
      return r ?? null;
    });
    if (!claimed) return { skipped: true };
    const setPhase = (phase: string) =>
      linkageScope(this.app, null, (tx) =>
        tx.updateTable("linkage_runs").set({ phase }).where("id", "=", runId).execute(),
      );
    try {
      const out = await this.linkRun(runId, claimed, setPhase);
      return out;
    } catch (e) {
      await linkageScope(this.app, null, (tx) =>
        tx
          .updateTable("linkage_runs")
          .set({
            status: "failed",
            error: (e as Error).message.slice(0, 2000),
            finished_at: now(),
            phase: null,
          })
          .where("id", "=", runId)
          .execute(),
      );
      return { failed: (e as Error).message };
    }
  }

  private async linkRun(
    runId: string,
    run: { threshold: number; review_threshold: number; started_by: string | null; reference: string },
    setPhase: (p: string) => Promise<unknown>,
  ) {
    const started = performance.now();
    const app: Record<string, number> = {};
    let mark = started;
    const lap = (name: string) => {
      const t = performance.now();
      app[name] = Math.round(t - mark);
      mark = t;
    };
    // ---- read a snapshot ----
    const snap = await linkageScope(this.app, null, async (tx) => {
      const merges = await activeMerges(tx);
      const children = await tx
        .selectFrom("children")
        .select([
          "id",
          "given_name",
          "family_name",
          "date_of_birth",
          "sex",
          "home_postcode",
          "home_address",
          "nhs_number",
          "upn",
        ])
        .execute();
      const records = await currentChildRecords(tx);
      // SSDA903 header rows have no postcode: take the home postcode of the child's latest episode.
      const episodes = await tx
        .selectFrom("source_records")
        .select(["agency_id", "parent_key", "std"])
        .where("record_type", "=", "episode")
        .where("superseded_by", "is", null)
        .execute();
      const links = await activeLinks(tx);
      const exclusions = await activeExclusions(tx);
      // A changed row is a new version of the record: it keeps the old version's link.
      const carried = await tx
        .selectFrom("source_records as old")
        .innerJoin("master_links as l", "l.source_record_id", "old.id")
        .select([
          "old.superseded_by as record_id",
          "l.id as link_id",
          "l.child_id",
          "l.status",
          "l.match_probability",
        ])
        .where("old.superseded_by", "is not", null)
        .where("l.ended_at", "is", null)
        .where("l.status", "in", POSITIVE)
        .execute();
      await audit(
        tx,
        jobAudit(run.started_by, {
          action: "linkage.run.read",
          recordType: "linkage_run",
          recordId: runId,
          fieldGroups: ["identity", "contact"],
          reason: "record linkage: compare every child's identity with imported records",
          details: { reference: run.reference, children: children.length, records: records.length },
        }),
      );
      return {
        merges,
        children: children.filter((c) => !merges.has(c.id)),
        records,
        episodes,
        links,
        exclusions,
        carried,
      };
    });

    const homePost = new Map<string, { at: string; postcode: string }>();
    for (const e of snap.episodes) {
      const std = e.std as Record<string, unknown>;
      const key = `${e.agency_id}|${e.parent_key}`;
      const at = String(std.DECOM ?? "");
      const pc = str(std.HOME_POST);
      if (pc && (!homePost.has(key) || homePost.get(key)!.at < at)) homePost.set(key, { at, postcode: pc });
    }

    lap("read");
    // ---- the record set ----
    const specs = ENGINE_FIELDS.map((n) => FIELD_SPECS.find((f) => f.name === n)!);
    const builder = new RecordSetBuilder(specs);
    const nodes: NodeRef[] = [];
    for (const c of snap.children) {
      builder.add(`c:${c.id}`, [
        c.given_name,
        c.family_name,
        c.date_of_birth,
        c.sex === "unknown" ? null : c.sex,
        c.home_postcode,
        c.home_address,
        c.nhs_number,
        c.upn,
      ]);
      nodes.push({ kind: "child", id: c.id });
    }
    for (const r of snap.records) {
      const s = r.std as Record<string, unknown>;
      const postcode =
        str(s.postcode) ??
        (r.kind === "ssda903_header" ? (homePost.get(`${r.agency_id}|${s.CHILD}`)?.postcode ?? null) : null);
      builder.add(`r:${r.id}`, [
        str(s.given_name),
        str(s.family_name),
        str(s.date_of_birth),
        str(s.sex),
        postcode,
        str(s.address),
        str(s.nhs_number),
        str(s.upn),
      ]);
      nodes.push({ kind: "record", id: r.id });
    }
    const records = builder.finish();
    const index = new Map(records.ids.map((id, i) => [id, i]));

    let result: LinkResult | null = null;
    if (records.size >= 2) {
      let lastPhase = "";
      const phases: Promise<unknown>[] = [];
      result = await linkRecords(records, {
        threshold: run.threshold,
        reviewThreshold: run.review_threshold,
        threads: records.size > 50_000 ? Math.min(2, availableParallelism()) : 1,
        seed: 42,
        onProgress: (e) => {
          if (e.state === "start" && e.phase !== lastPhase) {
            lastPhase = e.phase;
            phases.push(setPhase(e.phase));
          }
        },
      });
      await Promise.all(phases);
    }
    lap("engine");
    await setPhase("decide");

    // ---- cluster under decisions ----
    const fixed: [number, number][] = [];
    const linked = new Set<string>();
    for (const l of snap.links) {
      const i = index.get(`r:${l.source_record_id}`);
      const j = index.get(`c:${survivor(snap.merges, l.child_id)}`);
      if (i !== undefined && j !== undefined) {
        fixed.push([i, j]);
        linked.add(l.source_record_id);
      }
    }
    const apart: [number, number][] = [];
    const nodeIndex = (kind: NodeKind, id: string) =>
      index.get(kind === "child" ? `c:${survivor(snap.merges, id)}` : `r:${id}`);
    for (const x of snap.exclusions) {
      const a = nodeIndex(x.a_kind, x.a_id);
      const b = nodeIndex(x.b_kind, x.b_id);
      if (a !== undefined && b !== undefined) apart.push([a, b]);
    }
    const carriedLinks: {
      recordId: string;
      childId: string;
      status: LinkStatus;
      p: number | null;
      from: string;
    }[] = [];
    const apartSet = new Set(apart.map(([a, b]) => `${Math.min(a, b)},${Math.max(a, b)}`));
    for (const c of snap.carried) {
      if (!c.record_id || linked.has(c.record_id)) continue;
      const i = index.get(`r:${c.record_id}`);
      const childId = survivor(snap.merges, c.child_id);
      const j = index.get(`c:${childId}`);
      if (i === undefined || j === undefined || apartSet.has(`${Math.min(i, j)},${Math.max(i, j)}`)) continue;
      fixed.push([i, j]);
      linked.add(c.record_id);
      carriedLinks.push({
        recordId: c.record_id,
        childId,
        status: c.status,
        p: c.match_probability,
        from: c.link_id,
      });
    }
    const banded: { p: number; band: "match" | "review" }[] = [];
    if (result) {
      for (let p = 0; p < result.pairsI.length; p++) {
        const band = pairBand(result, p);
        if (band) banded.push({ p, band });
      }
    }
    const matchEdges = banded.filter((b) => b.band === "match");
    const clusters = clusterUnderDecisions({
      size: records.size,
      isChild: (i) => nodes[i]!.kind === "child",
      fixed,
      edges: matchEdges.map((b) => ({
        i: result!.pairsI[b.p]!,
        j: result!.pairsJ[b.p]!,
        p: result!.scores.probabilities[b.p]!,
      })),
      apart,
    });
    const outcomeOf = new Map(matchEdges.map((b, k) => [b.p, clusters.outcomes[k]!]));
    const rootsApart = new Set(
      apart.map(([a, b]) => [clusters.find(a), clusters.find(b)].sort((x, y) => x - y).join(",")),
    );

    const newLinks: { recordId: string; childId: string; p: number }[] = [];
    let unmatched = 0;
    const unmatchedRoots = new Set<number>();
    for (let i = 0; i < records.size; i++) {
      const n = nodes[i]!;
      if (n.kind !== "record" || linked.has(n.id)) continue;
      const c = clusters.childOf(i);
      if (c >= 0) newLinks.push({ recordId: n.id, childId: nodes[c]!.id, p: clusters.best[i]! });
      else {
        unmatched++;
        unmatchedRoots.add(clusters.find(i));
      }
    }

    lap("decide");
    // ---- pairs to keep: explanations ----
    const tf = result ? tfAdjustments(result.model, result.records) : [];
    // Kept: every review pair and every match involving a child, with its explanation; of the
    // matches between two records, only those that joined a group with no child (they group the
    // unmatched records), without one. Matches inside a child's cluster add nothing the links say.
    const kept = banded.filter(({ p, band }) => {
      const i = result!.pairsI[p]!;
      const j = result!.pairsJ[p]!;
      if (band === "review" || nodes[i]!.kind === "child" || nodes[j]!.kind === "child") return true;
      // Two records with no child: the edges that joined their group (a spanning forest) suffice.
      return clusters.childOf(i) < 0 && outcomeOf.get(p) === "joined";
    });
    const pairRows = kept.map(({ p, band }) => {
      const r = result!;
      const i = r.pairsI[p]!;
      const j = r.pairsJ[p]!;
      const explained = band === "review" || nodes[i]!.kind === "child" || nodes[j]!.kind === "child";
      const ex = explained ? explainPair(r.model, r.records, i, j, gammaRow(r, p), tf) : null;
      const outcome = band === "match" ? outcomeOf.get(p) : undefined;
      const sameCluster = clusters.find(i) === clusters.find(j);
      const keptApart = rootsApart.has([clusters.find(i), clusters.find(j)].sort((x, y) => x - y).join(","));
      let status: "open" | "linked" | "resolved" = "open";
      let reason: string | null = null;
      if (outcome === "joined" || (outcome === "same" && sameCluster)) status = "linked";
      else if (outcome === "two_children")
        reason = "Both are already Lantern children: a possible duplicate record";
      else if (outcome === "kept_apart" || keptApart) {
        status = "resolved";
        reason = "Kept apart by an earlier decision";
      } else if (sameCluster) {
        status = "resolved";
        reason = "Already the same child through other records";
      } else if (ex?.conflicts.length) reason = `Held for review: ${ex.conflicts.join(", ")}`;
      const explanation: Explanation | Record<string, never> = !ex
        ? {}
        : {
            prior: round(ex.priorWeight),
            total: round(ex.matchWeight),
            fields: ex.fields.map((f) => ({
              field: f.field,
              label: f.label,
              left: f.left,
              right: f.right,
              level: f.levelLabel,
              weight: round(f.weight),
              tf: round(f.tfAdjustment),
            })),
            adjustments: ex.adjustments.map((a) => ({ reason: a.reason, weight: round(a.weight) })),
          };
      return {
        id: newId(),
        run_id: runId,
        left_kind: nodes[i]!.kind,
        left_id: nodes[i]!.id,
        right_kind: nodes[j]!.kind,
        right_id: nodes[j]!.id,
        match_probability: r.scores.probabilities[p]!,
        match_weight: r.scores.weights[p]!,
        band,
        reason,
        conflicts: ex?.conflicts ?? [],
        explanation: JSON.stringify(explanation),
        status,
      };
    });

    lap("explain");
    // ---- write ----
    const model = result
      ? {
          lambda: result.model.lambda,
          comparisons: result.model.comparisons.map((c) => ({
            field: c.field,
            label: c.label,
            levels: c.levels.map((l) => ({
              label: l.label,
              m: l.m,
              u: l.u,
              weight: round(Math.log2(l.m / l.u)),
            })),
          })),
          conflicts: result.model.conflicts.map((c) => c.reason),
        }
      : null;
    const parameters = {
      fields: specs
        .filter((s) => records.fields.find((f) => f.spec.name === s.name)!.present > 0)
        .map((s) => s.name),
      blocking: result ? result.counts.rules : [],
      candidatePairs: result ? result.counts.total : 0,
      possiblePairs: result ? result.counts.possible : 0,
      model,
      timings: result
        ? Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, Math.round(v)]))
        : {},
      appTimings: app,
      carried: carriedLinks.length,
      seconds: round((performance.now() - started) / 1000),
    };
    const openPairs = pairRows.filter((p) => p.status === "open").length;
    await linkageScope(this.app, null, async (tx) => {
      const at = this.app.clock.now();
      const decisionId = newId();
      await tx
        .insertInto("master_decisions")
        .values({
          id: decisionId,
          kind: "auto",
          run_id: runId,
          reason: `Automatic links of run ${run.reference} (match probability at least ${run.threshold})`,
          details: JSON.stringify({ links: newLinks.length, carried: carriedLinks.length }),
          decided_by: run.started_by,
          decided_at: at,
        })
        .execute();
      const linkRows = [
        ...newLinks.map((l) => ({
          source_record_id: l.recordId,
          child_id: l.childId,
          status: "auto" as LinkStatus,
          match_probability: l.p,
        })),
        ...carriedLinks.map((l) => ({
          source_record_id: l.recordId,
          child_id: l.childId,
          status: l.status,
          match_probability: l.p,
        })),
      ].map((l) => ({ id: newId(), ...l, run_id: runId, decision_id: decisionId, created_at: at }));
      // The old version's link ends: its new version carries it on.
      for (let k = 0; k < carriedLinks.length; k += 500)
        await tx
          .updateTable("master_links")
          .set({ ended_at: at, ended_by: decisionId })
          .where(
            "id",
            "in",
            carriedLinks.slice(k, k + 500).map((c) => c.from),
          )
          .execute();
      for (let k = 0; k < linkRows.length; k += 500) {
        await tx
          .insertInto("master_links")
          .values(linkRows.slice(k, k + 500))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      await tx
        .updateTable("linkage_pairs")
        .set({ status: "superseded", version: sql`version + 1` })
        .where("status", "=", "open")
        .where("run_id", "!=", runId)
        .execute();
      for (let k = 0; k < pairRows.length; k += 500)
        await tx
          .insertInto("linkage_pairs")
          .values(pairRows.slice(k, k + 500))
          .execute();
      await tx
        .updateTable("linkage_runs")
        .set({
          status: "succeeded",
          phase: null,
          finished_at: at,
          records: snap.records.length,
          children: snap.children.length,
          candidate_pairs: result ? result.counts.total : 0,
          auto_links: newLinks.length,
          review_pairs: openPairs,
          new_groups: unmatchedRoots.size,
          parameters: JSON.stringify(parameters),
        })
        .where("id", "=", runId)
        .execute();
      await audit(
        tx,
        jobAudit(run.started_by, {
          action: "linkage.run",
          recordType: "linkage_run",
          recordId: runId,
          reason: "record linkage run finished",
          details: {
            reference: run.reference,
            records: snap.records.length,
            children: snap.children.length,
            autoLinks: newLinks.length,
            carried: carriedLinks.length,
            reviewPairs: openPairs,
            unmatched,
          },
        }),
      );
    });
    return { autoLinks: newLinks.length, reviewPairs: openPairs, unmatched };
  }

  // ==== nodes and identities ===================================================================

  /** Describes children and records for a reviewer (identity fields only). */
  async describe(tx: Tx, refs: readonly NodeRef[]): Promise<Map<string, NodeView>> {
    const out = new Map<string, NodeView>();
    const childIds = [...new Set(refs.filter((r) => r.kind === "child").map((r) => r.id))];
    const recordIds = [...new Set(refs.filter((r) => r.kind === "record").map((r) => r.id))];
    const merges = await activeMerges(tx);
    const links = await activeLinks(tx, recordIds);
    const linkOf = new Map(links.map((l) => [l.source_record_id, survivor(merges, l.child_id)]));
    const refChildIds = [...new Set([...childIds, ...linkOf.values()])];
    const children = refChildIds.length
      ? await tx
          .selectFrom("children as c")
          .innerJoin("agencies as a", "a.id", "c.owning_agency_id")
          .select([
            "c.id",
            "c.reference",
            "a.name as agency",
            "c.given_name",
            "c.family_name",
            "c.date_of_birth",
            "c.sex",
            "c.ethnicity",
            "c.home_postcode",
            "c.nhs_number",
            "c.upn",
          ])
          .where("c.id", "in", refChildIds)
          .execute()
      : [];
    const childById = new Map(children.map((c) => [c.id, c]));
    for (const id of childIds) {
      const c = childById.get(id);
      if (!c) continue;
      const into = survivor(merges, id);
      out.set(`c:${id}`, {
        kind: "child",
        id,
        label: c.reference,
        agency: c.agency,
        source: "Lantern record",
        rowKey: null,
        batch: null,
        givenName: c.given_name,
        familyName: c.family_name,
        dateOfBirth: c.date_of_birth,
        sex: c.sex === "unknown" ? null : c.sex,
        ethnicity: c.ethnicity,
        postcode: c.home_postcode,
        nhsNumber: c.nhs_number,
        upn: c.upn,
        childId: into,
        childReference: childById.get(into)?.reference ?? null,
      });
    }
    if (recordIds.length) {
      const rows = await tx
        .selectFrom("source_records as r")
        .innerJoin("agencies as a", "a.id", "r.agency_id")
        .innerJoin("import_sources as s", "s.id", "r.source_id")
        .innerJoin("import_batches as b", "b.id", "r.batch_id")
        .select([
          "r.id",
          "r.row_key",
          "r.std",
          "a.name as agency",
          "s.name as source",
          "b.reference as batch",
        ])
        .where("r.id", "in", recordIds)
        .execute();
      for (const r of rows) {
        const s = r.std as Record<string, unknown>;
        const childId = linkOf.get(r.id) ?? null;
        out.set(`r:${r.id}`, {
          kind: "record",
          id: r.id,
          label: `${r.agency}: ${r.row_key}`,
          agency: r.agency,
          source: r.source,
          rowKey: r.row_key,
          batch: r.batch,
          givenName: str(s.given_name),
          familyName: str(s.family_name),
          dateOfBirth: str(s.date_of_birth),
          sex: str(s.sex),
          ethnicity: str(s.ethnicity),
          postcode: str(s.postcode),
          nhsNumber: str(s.nhs_number),
          upn: str(s.upn),
          childId,
          childReference: childId ? (childById.get(childId)?.reference ?? null) : null,
        });
      }
    }
    return out;
  }

  /** The identity a node belongs to now: "c:<child>" (after links and merges) or the record itself. */
  private async identities(tx: Tx, refs: readonly NodeRef[]) {
    const merges = await activeMerges(tx);
    const links = await activeLinks(
      tx,
      refs.filter((r) => r.kind === "record").map((r) => r.id),
    );
    const linkOf = new Map(links.map((l) => [l.source_record_id, survivor(merges, l.child_id)]));
    return (r: NodeRef) => {
      if (r.kind === "child") return `c:${survivor(merges, r.id)}`;
      const c = linkOf.get(r.id);
      return c ? `c:${c}` : `r:${r.id}`;
    };
  }

  /** Pairs of identities a person kept apart. */
  private async apartIdentities(tx: Tx): Promise<Set<string>> {
    const ex = await activeExclusions(tx);
    const refs: NodeRef[] = ex.flatMap((x) => [
      { kind: x.a_kind, id: x.a_id },
      { kind: x.b_kind, id: x.b_id },
    ]);
    const idOf = await this.identities(tx, refs);
    return new Set(
      ex.map((x) =>
        [idOf({ kind: x.a_kind, id: x.a_id }), idOf({ kind: x.b_kind, id: x.b_id })].sort().join("|"),
      ),
    );
  }

  // ==== the review queue =======================================================================

  async reviewQueue(u: SessionUser, actor: Actor, limit = 200) {
    requireRole(u, LINKAGE_ROLES, "review record linkage");
    return linkageScope(this.app, u, async (tx) => {
      const pairs = await tx
        .selectFrom("linkage_pairs as p")
        .innerJoin("linkage_runs as r", "r.id", "p.run_id")
        .select([
          "p.id",
          "p.left_kind",
          "p.left_id",
          "p.right_kind",
          "p.right_id",
          "p.match_probability",
          "p.band",
          "p.reason",
          "p.conflicts",
          "r.reference as run",
        ])
        .where("p.status", "=", "open")
        .orderBy("p.match_probability", "desc")
        .limit(limit * 3)
        .execute();
      const refs = pairs.flatMap((p) => [
        { kind: p.left_kind, id: p.left_id },
        { kind: p.right_kind, id: p.right_id },
      ]);
      const idOf = await this.identities(tx, refs);
      const apart = await this.apartIdentities(tx);
      const seen = new Set<string>();
      const live = pairs.filter((p) => {
        const a = idOf({ kind: p.left_kind, id: p.left_id });
        const b = idOf({ kind: p.right_kind, id: p.right_id });
        const key = [a, b].sort().join("|");
        if (a === b || apart.has(key) || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      const shown = live.slice(0, limit);
      const views = await this.describe(
        tx,
        shown.flatMap((p) => [
          { kind: p.left_kind, id: p.left_id },
          { kind: p.right_kind, id: p.right_id },
        ]),
      );
      const childIds = [
        ...new Set([...views.values()].map((v) => v.childId).filter((x): x is string => Boolean(x))),
      ];
      await audit(
        tx,
        auditFor(actor, {
          action: "linkage.review.list",
          recordType: "linkage_pair",
          fieldGroups: ["identity"],
          reason: "record linkage review queue",
          details: { pairs: shown.length, children: childIds.length },
        }),
      );
      return {
        total: live.length,
        pairs: shown.map((p) => ({
          id: p.id,
          probability: p.match_probability,
          band: p.band,
          reason: p.reason,
          conflicts: p.conflicts,
          run: p.run,
          left: views.get(nodeKey({ kind: p.left_kind, id: p.left_id }))!,
          right: views.get(nodeKey({ kind: p.right_kind, id: p.right_id }))!,
        })),
      };
    });
  }

  async pair(u: SessionUser, actor: Actor, pairId: string) {
    requireRole(u, LINKAGE_ROLES, "review record linkage");
    return linkageScope(this.app, u, async (tx) => {
      const p = await tx
        .selectFrom("linkage_pairs as p")
        .innerJoin("linkage_runs as r", "r.id", "p.run_id")
        .selectAll("p")
        .select(["r.reference as run", "r.threshold", "r.review_threshold"])
        .where("p.id", "=", pairId)
        .executeTakeFirst();
      if (!p) throw new NotFound("There is no pair with that reference.");
      const left = { kind: p.left_kind, id: p.left_id };
      const right = { kind: p.right_kind, id: p.right_id };
      const views = await this.describe(tx, [left, right]);
      const idOf = await this.identities(tx, [left, right]);
      const a = idOf(left);
      const b = idOf(right);
      const apart = (await this.apartIdentities(tx)).has([a, b].sort().join("|"));
      const childIds = [
        ...new Set(
          [views.get(nodeKey(left))?.childId, views.get(nodeKey(right))?.childId].filter((x): x is string =>
            Boolean(x),
          ),
        ),
      ];
      for (const childId of childIds.length ? childIds : [null]) {
        await audit(
          tx,
          auditFor(actor, {
            action: "linkage.pair.view",
            recordType: "linkage_pair",
            recordId: pairId,
            childId,
            fieldGroups: ["identity"],
            reason: "record linkage review",
          }),
        );
      }
      const decision = p.decision_id
        ? await tx
            .selectFrom("master_decisions")
            .selectAll()
            .where("id", "=", p.decision_id)
            .executeTakeFirst()
        : null;
      return {
        pair: p,
        left: views.get(nodeKey(left))!,
        right: views.get(nodeKey(right))!,
        explanation: p.explanation as Explanation,
        sameNow: a === b,
        apartNow: apart,
        /** What "same child" would do now. */
        action:
          a === b
            ? "nothing"
            : a.startsWith("c:") && b.startsWith("c:")
              ? "merge"
              : a.startsWith("c:") || b.startsWith("c:")
                ? "link"
                : "group",
        decision,
      };
    });
  }

  // ==== decisions ==============================================================================

  private async newDecision(
    tx: Tx,
    u: SessionUser,
    d: {
      kind: DecisionKind;
      pairId?: string | null;
      childId?: string | null;
      otherChildId?: string | null;
      recordId?: string | null;
      reason?: string | null;
      details?: Record<string, unknown>;
      undoes?: string | null;
    },
  ) {
    const id = newId();
    await tx
      .insertInto("master_decisions")
      .values({
        id,
        kind: d.kind,
        pair_id: d.pairId ?? null,
        child_id: d.childId ?? null,
        other_child_id: d.otherChildId ?? null,
        source_record_id: d.recordId ?? null,
        reason: d.reason?.trim() || null,
        details: JSON.stringify(d.details ?? {}),
        decided_by: u.id,
        decided_at: this.app.clock.now(),
        undoes: d.undoes ?? null,
        run_id: null,
      })
      .execute();
    return id;
  }

  private async link(
    tx: Tx,
    decisionId: string,
    recordId: string,
    childId: string,
    status: LinkStatus,
    p: number | null = null,
  ) {
    await tx
      .insertInto("master_links")
      .values({
        id: newId(),
        source_record_id: recordId,
        child_id: childId,
        status,
        match_probability: p,
        run_id: null,
        decision_id: decisionId,
        created_at: this.app.clock.now(),
      })
      .execute();
  }

  /** "same": the two are one child (link, merge two children, or group two unmatched records); "different": keep them apart. */
  async decidePair(
    u: SessionUser,
    actor: Actor,
    pairId: string,
    decision: "same" | "different",
    expectedVersion: number | null,
    reason?: string,
  ) {
    requireRole(u, LINKAGE_ROLES, "review record linkage");
    return linkageScope(this.app, u, async (tx) => {
      await sql`select pg_advisory_xact_lock(7305207)`.execute(tx);
      const p = await tx.selectFrom("linkage_pairs").selectAll().where("id", "=", pairId).executeTakeFirst();
      if (!p) throw new NotFound("There is no pair with that reference.");
      if (expectedVersion !== null && p.version !== expectedVersion)
        throw new PreconditionFailed(
          "Someone else decided this pair since you opened it. Reload it to see their decision.",
        );
      if (p.status !== "open")
        throw new Conflict("This pair has been decided already: see its decision, or undo it first.");
      const left = { kind: p.left_kind, id: p.left_id };
      const right = { kind: p.right_kind, id: p.right_id };
      const idOf = await this.identities(tx, [left, right]);
      const a = idOf(left);
      const b = idOf(right);
      const key = [a, b].sort().join("|");
      const apart = (await this.apartIdentities(tx)).has(key);
      let kind: DecisionKind;
      let status: "accepted" | "merged" | "rejected" | "resolved";
      let childId: string | null = null;
      let otherChildId: string | null = null;
      const details: Record<string, unknown> = { probability: p.match_probability };
      const decisionId = newId();
      const todo: ((id: string) => Promise<void>)[] = [];
      if (decision === "different") {
        kind = "reject";
        status = "rejected";
        todo.push(async (id) => {
          await tx
            .insertInto("linkage_exclusions")
            .values({
              id: newId(),
              a_kind: p.left_kind,
              a_id: p.left_id,
              b_kind: p.right_kind,
              b_id: p.right_id,
              decision_id: id,
              created_at: this.app.clock.now(),
            })
            .execute();
          const rec = p.left_kind === "record" ? p.left_id : p.right_kind === "record" ? p.right_id : null;
          const ch =
            a.startsWith("c:") && !b.startsWith("c:")
              ? a.slice(2)
              : b.startsWith("c:") && !a.startsWith("c:")
                ? b.slice(2)
                : null;
          if (rec && ch && !(await activeLinks(tx, [rec])).length)
            await this.link(tx, id, rec, ch, "rejected", p.match_probability);
        });
        const kids = [a, b].filter((x) => x.startsWith("c:")).map((x) => x.slice(2));
        childId = kids[0] ?? null;
        otherChildId = kids[1] ?? null;
      } else {
        if (apart)
          throw new Conflict(
            "An earlier decision kept these apart as different children: undo that decision first.",
          );
        if (a === b) {
          kind = "accept";
          status = "resolved";
          details.already = true;
          if (a.startsWith("c:")) childId = a.slice(2);
        } else if (a.startsWith("c:") && b.startsWith("c:")) {
          // Two Lantern children are one: the older record survives; the other is merged into it.
          kind = "merge";
          status = "merged";
          const kids = await tx
            .selectFrom("children")
            .select(["id", "reference", "created_at"])
            .where("id", "in", [a.slice(2), b.slice(2)])
            .execute();
          kids.sort(
            (x, y) =>
              new Date(x.created_at).getTime() - new Date(y.created_at).getTime() ||
              (x.reference < y.reference ? -1 : 1),
          );
          const into = kids[0]!;
          const from = kids[1]!;
          childId = into.id;
          otherChildId = from.id;
          details.into = into.reference;
          details.from = from.reference;
          todo.push(async (id) => {
            await tx
              .insertInto("child_merges")
              .values({
                id: newId(),
                from_child_id: from.id,
                into_child_id: into.id,
                decision_id: id,
                created_at: this.app.clock.now(),
              })
              .execute();
            const moving = await tx
              .selectFrom("master_links")
              .select(["id", "source_record_id", "match_probability"])
              .where("child_id", "=", from.id)
              .where("ended_at", "is", null)
              .where("status", "in", POSITIVE)
              .execute();
            for (const l of moving) {
              await tx
                .updateTable("master_links")
                .set({ ended_at: this.app.clock.now(), ended_by: id })
                .where("id", "=", l.id)
                .execute();
              await this.link(tx, id, l.source_record_id, into.id, "merged", l.match_probability);
            }
            details.moved = moving.length;
          });
        } else if (a.startsWith("c:") || b.startsWith("c:")) {
          kind = "accept";
          status = "accepted";
          childId = (a.startsWith("c:") ? a : b).slice(2);
          const recordId = (a.startsWith("c:") ? b : a).slice(2);
          todo.push(async (id) => this.link(tx, id, recordId, childId!, "accepted", p.match_probability));
        } else {
          // Two unmatched records of one child: grouped, to become one new child when a person decides.
          kind = "accept";
          status = "accepted";
          details.grouped = true;
        }
      }
      const recordId = p.left_kind === "record" ? p.left_id : p.right_kind === "record" ? p.right_id : null;
      await tx
        .insertInto("master_decisions")
        .values({
          id: decisionId,
          kind,
          pair_id: pairId,
          child_id: childId,
          other_child_id: otherChildId,
          source_record_id: recordId,
          reason: reason?.trim() || null,
          details: JSON.stringify(details),
          decided_by: u.id,
          decided_at: this.app.clock.now(),
          run_id: null,
          undoes: null,
        })
        .execute();
      for (const f of todo) await f(decisionId);
      if (Object.keys(details).length)
        await tx
          .updateTable("master_decisions")
          .set({ details: JSON.stringify(details) })
          .where("id", "=", decisionId)
          .execute();
      await tx
        .updateTable("linkage_pairs")
        .set({ status, decision_id: decisionId, version: sql`version + 1` })
        .where("id", "=", pairId)
        .execute();
      const touched = [childId, otherChildId].filter((c): c is string => Boolean(c));
      for (const c of touched.length ? touched : [null]) {
        await audit(
          tx,
          auditFor(actor, {
            action: `linkage.${kind}`,
            recordType: "linkage_pair",
            recordId: pairId,
            childId: c,
            fieldGroups: ["identity"],
            reason: reason?.trim() || (decision === "same" ? "the same child" : "different children"),
            details: { decision: decisionId, ...details },
          }),
        );
      }
      return { decisionId, kind };
    });
  }

  /** Takes a record off the child it is linked to (and keeps it apart from that child). */
  async split(u: SessionUser, actor: Actor, childId: string, linkId: string, reason: string) {
    requireRole(u, LINKAGE_ROLES, "change the master index");
    if (reason.trim().length < 5)
      throw new Invalid("Say why the record is not this child", [
        { field: "reason", message: "Say why this record is not this child" },
      ]);
    return linkageScope(this.app, u, async (tx) => {
      const l = await tx.selectFrom("master_links").selectAll().where("id", "=", linkId).executeTakeFirst();
      if (!l || l.child_id !== childId) throw new NotFound("That record is not linked to this child.");
      if (l.ended_at || !POSITIVE.includes(l.status)) throw new Conflict("That link has ended already.");
      const id = await this.newDecision(tx, u, {
        kind: "split",
        childId,
        recordId: l.source_record_id,
        reason,
        details: { from: l.status },
      });
      await tx
        .updateTable("master_links")
        .set({ ended_at: this.app.clock.now(), ended_by: id })
        .where("id", "=", linkId)
        .execute();
      await this.link(tx, id, l.source_record_id, childId, "split", l.match_probability);
      await tx
        .insertInto("linkage_exclusions")
        .values({
          id: newId(),
          a_kind: "record",
          a_id: l.source_record_id,
          b_kind: "child",
          b_id: childId,
          decision_id: id,
          created_at: this.app.clock.now(),
        })
        .execute();
      await audit(
        tx,
        auditFor(actor, {
          action: "linkage.split",
          recordType: "master_link",
          recordId: linkId,
          childId,
          fieldGroups: ["identity"],
          reason: reason.trim(),
          details: { decision: id, record: l.source_record_id },
        }),
      );
      return { decisionId: id };
    });
  }

  /** A new Lantern child from unmatched records (an analyst's decision): the records are linked to it. */
  async createChild(u: SessionUser, actor: Actor, recordIds: string[]) {
    requireRole(u, LINKAGE_ROLES, "create children from imported records");
    const ids = [...new Set(recordIds)];
    if (ids.length === 0)
      throw new Invalid("Choose the records", [{ field: "records", message: "Choose at least one record" }]);
    return linkageScope(this.app, u, async (tx) => {
      await sql`select pg_advisory_xact_lock(7305207)`.execute(tx);
      const recs = await tx
        .selectFrom("source_records")
        .select(["id", "std", "record_type", "superseded_by", "created_at"])
        .where("id", "in", ids)
        .execute();
      if (recs.length !== ids.length || recs.some((r) => r.record_type !== "child" || r.superseded_by))
        throw new Invalid("Only current records of children can make a child", [
          { field: "records", message: "Choose current records of children" },
        ]);
      if ((await activeLinks(tx, ids)).length)
        throw new Conflict("One of the records is linked to a child already.");
      const pick = (
        f: string,
        ok: (v: unknown) => boolean = (v) => v !== null && v !== undefined && v !== "",
      ) => {
        const counts = new Map<string, { v: unknown; n: number }>();
        for (const r of recs) {
          const v = (r.std as Record<string, unknown>)[f];
          if (!ok(v)) continue;
          const k = JSON.stringify(v);
          counts.set(k, { v, n: (counts.get(k)?.n ?? 0) + 1 });
        }
        return [...counts.values()].sort((x, y) => y.n - x.n)[0]?.v ?? null;
      };
      await sql`select pg_advisory_xact_lock(7305208)`.execute(tx);
      const last = await sql<{
        n: number | null;
      }>`select max(substring(reference from '^CH-([0-9]+)$')::int) as n from children`.execute(tx);
      const ref = `CH-${String((last.rows[0]?.n ?? 0) + 1).padStart(6, "0")}`;
      const childId = newId();
      const sex = pick("sex") as string | null;
      const send = pick("send_status") as string | null;
      await tx
        .insertInto("children")
        .values({
          id: childId,
          reference: ref,
          owning_agency_id: u.agencyId,
          given_name: pick("given_name") as string | null,
          family_name: pick("family_name") as string | null,
          other_names: pick("other_names") as string | null,
          date_of_birth: pick("date_of_birth") as string | null,
          sex: sex === "female" || sex === "male" || sex === "other" ? sex : "unknown",
          ethnicity: pick("ethnicity") as string | null,
          nhs_number: pick("nhs_number") as string | null,
          upn: pick("upn") as string | null,
          send_status: send === "none" || send === "sen_support" || send === "ehcp" ? send : "unknown",
          disability: pick("disability", (v) => typeof v === "boolean") as boolean | null,
          looked_after: pick("looked_after", (v) => typeof v === "boolean") === true,
          home_address: pick("address") as string | null,
          home_postcode: pick("postcode") as string | null,
          created_at: this.app.clock.now(),
          updated_at: this.app.clock.now(),
        })
        .execute();
      const id = await this.newDecision(tx, u, {
        kind: "create_child",
        childId,
        details: { reference: ref, records: ids.length },
      });
      for (const r of ids) await this.link(tx, id, r, childId, "accepted");
      await audit(
        tx,
        auditFor(actor, {
          action: "child.create",
          recordType: "child",
          recordId: childId,
          childId,
          fieldGroups: ["identity", "contact"],
          reason: "a new child from imported records with no match",
          details: { reference: ref, decision: id, records: ids },
        }),
      );
      return { childId, reference: ref, decisionId: id };
    });
  }

  /** Undoes a decision: ends what it made, and re-creates what it ended. Refused when a later decision changed them. */
  async undo(u: SessionUser, actor: Actor, decisionId: string, reason?: string) {
    requireRole(u, LINKAGE_ROLES, "undo master index decisions");
    return linkageScope(this.app, u, async (tx) => {
      await sql`select pg_advisory_xact_lock(7305207)`.execute(tx);
      const d = await tx
        .selectFrom("master_decisions")
        .selectAll()
        .where("id", "=", decisionId)
        .executeTakeFirst();
      if (!d) throw new NotFound("There is no decision with that reference.");
      if (d.undone_by) throw new Conflict("This decision has been undone already.");
      if (d.kind === "undo") throw new Conflict("An undo cannot itself be undone: make the decision again.");
      const now = this.app.clock.now();
      const made = await tx
        .selectFrom("master_links")
        .selectAll()
        .where("decision_id", "=", decisionId)
        .execute();
      if (made.some((l) => POSITIVE.includes(l.status) && l.ended_at))
        throw new Conflict("A later decision changed the records this decision linked: undo that one first.");
      const ended = await tx
        .selectFrom("master_links")
        .selectAll()
        .where("ended_by", "=", decisionId)
        .execute();
      if (ended.length) {
        const busy = await activeLinks(
          tx,
          ended.map((l) => l.source_record_id),
        );
        const freed = new Set(made.map((l) => l.source_record_id));
        if (busy.some((b) => !freed.has(b.source_record_id)))
          throw new Conflict(
            "A record this decision took off a child has been linked again since: undo that first.",
          );
      }
      const merges = await tx
        .selectFrom("child_merges")
        .selectAll()
        .where("decision_id", "=", decisionId)
        .execute();
      if (merges.some((m) => m.ended_at)) throw new Conflict("This merge has been undone already.");
      const id = await this.newDecision(tx, u, {
        kind: "undo",
        undoes: decisionId,
        childId: d.child_id,
        otherChildId: d.other_child_id,
        recordId: d.source_record_id,
        reason: reason ?? null,
        details: { undid: d.kind },
      });
      await tx
        .updateTable("master_links")
        .set({ ended_at: now, ended_by: id })
        .where("decision_id", "=", decisionId)
        .where("ended_at", "is", null)
        .execute();
      await tx
        .updateTable("linkage_exclusions")
        .set({ ended_at: now, ended_by: id })
        .where("decision_id", "=", decisionId)
        .where("ended_at", "is", null)
        .execute();
      await tx
        .updateTable("child_merges")
        .set({ ended_at: now, ended_by: id })
        .where("decision_id", "=", decisionId)
        .where("ended_at", "is", null)
        .execute();
      for (const l of ended)
        await this.link(tx, id, l.source_record_id, l.child_id, l.status, l.match_probability);
      await tx
        .updateTable("linkage_pairs")
        .set({ status: "open", decision_id: null, version: sql`version + 1` })
        .where("decision_id", "=", decisionId)
        .execute();
      if (d.kind === "auto" && d.run_id)
        await tx
          .updateTable("linkage_pairs")
          .set({ status: "open", version: sql`version + 1` })
          .where("run_id", "=", d.run_id)
          .where("status", "=", "linked")
          .execute();
      await tx
        .updateTable("master_decisions")
        .set({ undone_by: id, undone_at: now })
        .where("id", "=", decisionId)
        .execute();
      const touched = [d.child_id, d.other_child_id].filter((c): c is string => Boolean(c));
      for (const c of touched.length ? touched : [null]) {
        await audit(
          tx,
          auditFor(actor, {
            action: "linkage.undo",
            recordType: "master_decision",
            recordId: decisionId,
            childId: c,
            fieldGroups: ["identity"],
            reason: reason?.trim() || `undo ${d.kind}`,
            details: {
              undo: id,
              undid: d.kind,
              links: made.length,
              restored: ended.length,
              merges: merges.length,
            },
          }),
        );
      }
      return { decisionId: id };
    });
  }

  async decisionView(u: SessionUser, decisionId: string) {
    requireRole(u, LINKAGE_ROLES, "see master index decisions");
    return linkageScope(this.app, u, async (tx) => {
      const d = await tx
        .selectFrom("master_decisions as d")
        .leftJoin("users as u", "u.id", "d.decided_by")
        .leftJoin("children as c", "c.id", "d.child_id")
        .leftJoin("children as o", "o.id", "d.other_child_id")
        .selectAll("d")
        .select([
          "u.display_name as decided_by_name",
          "c.reference as child_reference",
          "o.reference as other_child_reference",
        ])
        .where("d.id", "=", decisionId)
        .executeTakeFirst();
      if (!d) throw new NotFound("There is no decision with that reference.");
      const links = await tx
        .selectFrom("master_links as l")
        .innerJoin("children as c", "c.id", "l.child_id")
        .innerJoin("source_records as r", "r.id", "l.source_record_id")
        .innerJoin("agencies as a", "a.id", "r.agency_id")
        .select(["l.id", "l.status", "l.ended_at", "c.reference as child", "a.name as agency", "r.row_key"])
        .where((eb) => eb.or([eb("l.decision_id", "=", decisionId), eb("l.ended_by", "=", decisionId)]))
        .execute();
      const undoneBy = d.undone_by
        ? await tx
            .selectFrom("master_decisions as d")
            .leftJoin("users as u", "u.id", "d.decided_by")
            .select(["d.decided_at", "u.display_name"])
            .where("d.id", "=", d.undone_by)
            .executeTakeFirst()
        : null;
      return { decision: d, links, undoneBy };
    });
  }

  async recentDecisions(u: SessionUser, limit = 15) {
    requireRole(u, LINKAGE_ROLES, "see master index decisions");
    return linkageScope(this.app, u, (tx) =>
      tx
        .selectFrom("master_decisions as d")
        .leftJoin("users as u", "u.id", "d.decided_by")
        .leftJoin("children as c", "c.id", "d.child_id")
        .leftJoin("children as o", "o.id", "d.other_child_id")
        .select([
          "d.id",
          "d.kind",
          "d.decided_at",
          "d.undone_at",
          "d.reason",
          "u.display_name as decided_by",
          "c.reference as child",
          "o.reference as other_child",
        ])
        .orderBy("d.decided_at", "desc")
        .limit(limit)
        .execute(),
    );
  }

  // ==== the master index =======================================================================

  /** A child's entry in the master index: the records linked to it (and those split off or rejected), by agency. */
  async masterIndex(u: SessionUser, actor: Actor, childId: string) {
    requireRole(u, LINKAGE_ROLES, "see the master child index");
    return linkageScope(this.app, u, async (tx) => {
      const child = await tx
        .selectFrom("children as c")
        .innerJoin("agencies as a", "a.id", "c.owning_agency_id")
        .select([
          "c.id",
          "c.reference",
          "c.given_name",
          "c.family_name",
          "c.date_of_birth",
          "c.sex",
          "c.ethnicity",
          "c.nhs_number",
          "c.upn",
          "c.home_postcode",
          "a.name as agency",
        ])
        .where("c.id", "=", childId)
        .executeTakeFirst();
      if (!child) throw new NotFound("There is no child with that reference.");
      const mergedInto = await tx
        .selectFrom("child_merges as m")
        .innerJoin("children as c", "c.id", "m.into_child_id")
        .select(["c.id", "c.reference", "m.decision_id"])
        .where("m.from_child_id", "=", childId)
        .where("m.ended_at", "is", null)
        .executeTakeFirst();
      const mergedFrom = await tx
        .selectFrom("child_merges as m")
        .innerJoin("children as c", "c.id", "m.from_child_id")
        .select(["c.id", "c.reference", "m.decision_id"])
        .where("m.into_child_id", "=", childId)
        .where("m.ended_at", "is", null)
        .execute();
      const links = await tx
        .selectFrom("master_links as l")
        .innerJoin("source_records as r", "r.id", "l.source_record_id")
        .innerJoin("agencies as a", "a.id", "r.agency_id")
        .innerJoin("import_sources as s", "s.id", "r.source_id")
        .innerJoin("import_batches as b", "b.id", "r.batch_id")
        .select([
          "l.id",
          "l.status",
          "l.match_probability",
          "l.created_at",
          "l.ended_at",
          "l.decision_id",
          "r.id as record_id",
          "r.row_key",
          "r.std",
          "r.superseded_by",
          "a.name as agency",
          "s.name as source",
          "s.kind",
          "b.reference as batch",
        ])
        .where("l.child_id", "=", childId)
        .orderBy("a.name")
        .orderBy("l.created_at")
        .execute();
      const active = links.filter((l) => !l.ended_at && POSITIVE.includes(l.status) && !l.superseded_by);
      const negative = links.filter((l) => !l.ended_at && !POSITIVE.includes(l.status));
      const history = await tx
        .selectFrom("master_decisions as d")
        .leftJoin("users as u", "u.id", "d.decided_by")
        .select(["d.id", "d.kind", "d.decided_at", "d.reason", "d.undone_at", "u.display_name as decided_by"])
        .where((eb) =>
          eb.or([
            eb("d.child_id", "=", childId),
            eb("d.other_child_id", "=", childId),
            eb("d.id", "in", links.length ? links.map((l) => l.decision_id) : [newId()]),
          ]),
        )
        .orderBy("d.decided_at", "desc")
        .limit(50)
        .execute();
      // SSDA903 episodes and missing rows of the linked header records.
      const headers = active.filter((l) => l.kind === "ssda903_header");
      const related = headers.length
        ? await tx
            .selectFrom("source_records as r")
            .innerJoin("source_records as h", (j) =>
              j.onRef("h.agency_id", "=", "r.agency_id").onRef("h.row_key", "=", "r.parent_key"),
            )
            .select(["r.record_type", (eb) => eb.fn.countAll<number>().as("n")])
            .where(
              "h.id",
              "in",
              headers.map((h) => h.record_id),
            )
            .where("r.superseded_by", "is", null)
            .groupBy("r.record_type")
            .execute()
        : [];
      await audit(
        tx,
        auditFor(actor, {
          action: "child.master_index.view",
          recordType: "child",
          recordId: childId,
          childId,
          fieldGroups: ["identity"],
          reason: "record linkage: the child's master index entry",
          details: { records: active.length },
        }),
      );
      return { child, mergedInto: mergedInto ?? null, mergedFrom, active, negative, history, related };
    });
  }

  /** Which agencies know a child (signpost level: agencies and sources, never the content). */
  async knownBy(childId: string) {
    return linkageScope(this.app, null, async (tx) => {
      const rows = await tx
        .selectFrom("master_links as l")
        .innerJoin("source_records as r", "r.id", "l.source_record_id")
        .innerJoin("agencies as a", "a.id", "r.agency_id")
        .innerJoin("import_sources as s", "s.id", "r.source_id")
        .select([
          "a.name as agency",
          "a.kind as agency_kind",
          "s.name as source",
          "s.kind",
          (eb) => eb.fn.countAll<number>().as("records"),
          (eb) => eb.fn.max("r.created_at").as("latest"),
        ])
        .where("l.child_id", "=", childId)
        .where("l.ended_at", "is", null)
        .where("l.status", "in", POSITIVE)
        .where("r.superseded_by", "is", null)
        .groupBy(["a.name", "a.kind", "s.name", "s.kind"])
        .orderBy("a.name")
        .execute();
      return rows.map((r) => ({ ...r, records: Number(r.records) }));
    });
  }

  // ==== unmatched records ======================================================================

  /** Current records of children linked to no child, grouped by the latest run's matches and accepted pairs. */
  async unmatched(u: SessionUser, actor: Actor, limit = 200) {
    requireRole(u, LINKAGE_ROLES, "see unmatched records");
    return linkageScope(this.app, u, async (tx) => {
      const recs = await currentChildRecords(tx);
      const linked = new Set(
        (
          await activeLinks(
            tx,
            recs.map((r) => r.id),
          )
        ).map((l) => l.source_record_id),
      );
      const open = recs.filter((r) => !linked.has(r.id));
      const index = new Map(open.map((r, i) => [r.id, i]));
      const latest = await tx
        .selectFrom("linkage_runs")
        .select("id")
        .where("status", "=", "succeeded")
        .orderBy("finished_at", "desc")
        .executeTakeFirst();
      const edges: { i: number; j: number; p: number }[] = [];
      if (open.length) {
        const pairs = await tx
          .selectFrom("linkage_pairs")
          .select(["left_id", "right_id", "match_probability", "band", "status", "run_id"])
          .where("left_kind", "=", "record")
          .where("right_kind", "=", "record")
          .where((eb) =>
            eb.or([
              eb("status", "=", "accepted"),
              eb.and([
                eb("run_id", "=", latest?.id ?? newId()),
                eb("band", "=", "match"),
                eb("status", "in", ["linked", "open"]),
              ]),
            ]),
          )
          .execute();
        for (const p of pairs) {
          const i = index.get(p.left_id);
          const j = index.get(p.right_id);
          if (i !== undefined && j !== undefined)
            edges.push({ i, j, p: p.status === "accepted" ? 1 : p.match_probability });
        }
      }
      const ex = await activeExclusions(tx);
      const apart: [number, number][] = [];
      for (const x of ex) {
        const a = index.get(x.a_id);
        const b = index.get(x.b_id);
        if (a !== undefined && b !== undefined) apart.push([a, b]);
      }
      const c = clusterUnderDecisions({ size: open.length, isChild: () => false, fixed: [], edges, apart });
      const groups = new Map<number, string[]>();
      for (let i = 0; i < open.length; i++) {
        const root = c.find(i);
        groups.set(root, [...(groups.get(root) ?? []), open[i]!.id]);
      }
      const list = [...groups.values()].sort((x, y) => y.length - x.length).slice(0, limit);
      const views = await this.describe(
        tx,
        list.flat().map((id) => ({ kind: "record" as const, id })),
      );
      await audit(
        tx,
        auditFor(actor, {
          action: "linkage.unmatched.list",
          recordType: "source_record",
          fieldGroups: ["identity"],
          reason: "record linkage: records with no match",
          details: { records: open.length, groups: groups.size },
        }),
      );
      return {
        records: open.length,
        groups: groups.size,
        list: list.map((ids) => ({
          key: ids.join(","),
          records: ids.map((id) => views.get(`r:${id}`)!).filter(Boolean),
        })),
      };
    });
  }

  async overview(u: SessionUser) {
    requireRole(u, RUN_ROLES, "see record linkage");
    return linkageScope(this.app, u, async (tx) => {
      const count = async (q: Promise<{ n: number } | undefined>) => Number((await q)?.n ?? 0);
      const records = await count(
        tx
          .selectFrom("source_records")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("record_type", "=", "child")
          .where("superseded_by", "is", null)
          .executeTakeFirst(),
      );
      const linked = await count(
        tx
          .selectFrom("master_links as l")
          .innerJoin("source_records as r", "r.id", "l.source_record_id")
          .select((eb) => eb.fn.count<number>("l.source_record_id").distinct().as("n"))
          .where("l.ended_at", "is", null)
          .where("l.status", "in", POSITIVE)
          .where("r.superseded_by", "is", null)
          .executeTakeFirst(),
      );
      const open = await count(
        tx
          .selectFrom("linkage_pairs")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("status", "=", "open")
          .executeTakeFirst(),
      );
      const children = await count(
        tx
          .selectFrom("master_links as l")
          .select((eb) => eb.fn.count<number>("l.child_id").distinct().as("n"))
          .where("l.ended_at", "is", null)
          .where("l.status", "in", POSITIVE)
          .executeTakeFirst(),
      );
      return { records, linked, unlinked: records - linked, openPairs: open, children };
    });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
