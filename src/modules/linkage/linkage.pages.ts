// Record linkage pages: the overview (start a run, runs, decisions), a run's progress and model,
// the review queue, a pair with its explanation and the decision, a decision with undo, unmatched
// records (create a child), a child's master index entry (split), and the data-gaps report with
// its chart, tables and Excel export.
import type { FastifyRequest } from "fastify";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly, type SessionUser } from "../../http/routes.ts";
import { Invalid } from "../../platform/errors.ts";
import { errorSummary } from "../../web/errors.ts";
import { actorOf } from "../access/access.service.ts";
import { passwordConfirmed } from "../identity/index.ts";
import { fixtureId } from "../imports/imports.schema.ts";
import { DATA_GAPS_ROLES, hasRole, LINKAGE_ROLES, RUN_ROLES } from "../imports/index.ts";
import { completenessChart } from "./data-gaps.chart.ts";
import { dataGapsWorkbook } from "./data-gaps.export.ts";
import { dataGaps, FIELD_LABELS, GAP_FIELDS, IDENTITY_FIELDS } from "./data-gaps.service.ts";
import { idParams } from "./linkage.schema.ts";
import {
  AUTO_THRESHOLD,
  type Explanation,
  linkageService,
  type NodeView,
  REVIEW_THRESHOLD,
} from "./linkage.service.ts";

const str = (v: unknown) => (Array.isArray(v) ? String(v[0] ?? "") : typeof v === "string" ? v : "");
const form = (req: FastifyRequest) => (req.body ?? {}) as Record<string, unknown>;

export const DECISION_LABELS: Record<string, string> = {
  auto: "Automatic links of a run",
  accept: "Linked: the same child",
  merge: "Merged: two records of one child",
  reject: "Kept apart: different children",
  split: "Split off: not this child",
  create_child: "New child from unmatched records",
  undo: "Undo",
};
const SEX: Record<string, string> = { female: "Female", male: "Male", other: "Other" };
const RUN_STATUS: Record<string, { text: string; tag: string }> = {
  queued: { text: "Waiting to start", tag: "govuk-tag--blue" },
  running: { text: "Running", tag: "govuk-tag--yellow" },
  succeeded: { text: "Finished", tag: "govuk-tag--green" },
  failed: { text: "Failed", tag: "govuk-tag--red" },
};
const PHASES: Record<string, string> = {
  read: "reading records",
  block: "finding candidate pairs (blocking)",
  sample: "estimating u from random pairs",
  compare: "comparing candidate pairs",
  train: "estimating m (expectation–maximisation)",
  score: "scoring pairs",
  cluster: "clustering",
  decide: "linking records under people's decisions",
};

const name = (n: NodeView) => [n.givenName, n.familyName].filter(Boolean).join(" ") || "No name";
const pctOf = (p: number) => `${(Math.floor(p * 1000) / 10).toFixed(1)}%`;

/** Side-by-side rows of a pair, each marked when the two sides differ. */
function compareRows(a: NodeView, b: NodeView) {
  const rows: [string, string | null, string | null][] = [
    [
      "Held by",
      `${a.agency}${a.source ? ` (${a.source})` : ""}`,
      `${b.agency}${b.source ? ` (${b.source})` : ""}`,
    ],
    ["Reference", a.kind === "child" ? a.label : a.rowKey, b.kind === "child" ? b.label : b.rowKey],
    ["Given name", a.givenName, b.givenName],
    ["Family name", a.familyName, b.familyName],
    ["Date of birth", a.dateOfBirth, b.dateOfBirth],
    ["Sex", a.sex ? (SEX[a.sex] ?? a.sex) : null, b.sex ? (SEX[b.sex] ?? b.sex) : null],
    ["Ethnicity", a.ethnicity, b.ethnicity],
    ["Postcode", a.postcode, b.postcode],
    ["NHS number", a.nhsNumber, b.nhsNumber],
    ["UPN", a.upn, b.upn],
    [
      "Linked to",
      a.kind === "child" ? "This is a Lantern child" : (a.childReference ?? "No child yet"),
      b.kind === "child" ? "This is a Lantern child" : (b.childReference ?? "No child yet"),
    ],
  ];
  return rows.map(([label, l, r], i) => ({
    label,
    left: l ?? "Not recorded",
    right: r ?? "Not recorded",
    differs: i >= 2 && i <= 9 && l !== null && r !== null && l.toLowerCase() !== r.toLowerCase(),
  }));
}

/** The waterfall: each field's weight as a bar right (for) or left (against) of the middle. */
function waterfall(e: Explanation) {
  const rows = [
    {
      label: "Starting point (how likely any two records match)",
      left: "",
      right: "",
      level: "",
      weight: e.prior,
    },
    ...e.fields.map((f) => ({
      label: f.label,
      left: f.left ?? "—",
      right: f.right ?? "—",
      level: f.level,
      weight: Math.round((f.weight + f.tf) * 100) / 100,
    })),
    ...e.adjustments.map((a) => ({
      label: a.reason,
      left: "",
      right: "",
      level: "correction",
      weight: a.weight,
    })),
  ];
  const max = Math.max(1, ...rows.map((r) => Math.abs(r.weight)));
  const half = 60;
  return {
    total: e.total,
    rows: rows.map((r) => {
      const w = (Math.abs(r.weight) / max) * half;
      return {
        ...r,
        weightText: `${r.weight > 0 ? "+" : ""}${r.weight.toFixed(2)}`,
        direction: r.weight > 0.005 ? "for" : r.weight < -0.005 ? "against" : "neutral",
        x: r.weight >= 0 ? half : half - w,
        w: Math.max(0.5, w),
      };
    }),
  };
}

export function linkagePages(app: App): RouteDef[] {
  const s = linkageService(app);
  const runRoles = rolesOnly(...RUN_ROLES);
  const reviewRoles = rolesOnly(...LINKAGE_ROLES);

  async function pairPage(
    u: SessionUser,
    req: FastifyRequest,
    pairId: string,
    extra: Record<string, unknown> = {},
  ) {
    const p = await s.pair(u, actorOf(u, req), pairId);
    const childRef = (n: NodeView) => (n.kind === "child" ? n.label : n.childReference);
    const refs = [childRef(p.left), childRef(p.right)].filter(Boolean);
    const sameText =
      p.action === "merge"
        ? `Yes, the same child: merge them (${refs.join(" and ")} become one; the newer is merged into the older and nothing is deleted)`
        : p.action === "link"
          ? `Yes, the same child: merge them (the record is linked to ${refs[0]})`
          : p.action === "group"
            ? "Yes, the same child: merge them (the records are kept together, to make one new child)"
            : "Yes, the same child (they are linked already)";
    return {
      title: "Are these the same child?",
      ...p,
      probabilityText: pctOf(p.pair.match_probability),
      compare: compareRows(p.left, p.right),
      leftName: name(p.left),
      rightName: name(p.right),
      waterfall: p.explanation?.fields ? waterfall(p.explanation) : null,
      sameText,
      ...extra,
    };
  }

  return [
    // ---- overview and runs ----
    defineRoute({
      method: "GET",
      url: "/linkage",
      kind: "page",
      summary: "Record linkage: the master child index, runs, the review queue",
      access: runRoles,
      handler: async ({ reply, user }) => {
        const analyst = hasRole(user!, LINKAGE_ROLES);
        const [overview, runs, decisions] = await Promise.all([
          s.overview(user!),
          s.runs(user!),
          analyst ? s.recentDecisions(user!) : Promise.resolve([]),
        ]);
        return reply.page("linkage/views/overview.njk", {
          title: "Record linkage",
          overview,
          analyst,
          runs: runs.map((r) => ({ ...r, statusView: RUN_STATUS[r.status] })),
          decisions: decisions.map((d) => ({ ...d, label: DECISION_LABELS[d.kind] ?? d.kind })),
          values: { threshold: String(AUTO_THRESHOLD), reviewThreshold: String(REVIEW_THRESHOLD) },
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/linkage/runs",
      kind: "page",
      summary: "Start a linkage run (a background job)",
      access: runRoles,
      example: () => ({ form: { threshold: "0.95", reviewThreshold: "0.5" } }),
      handler: async ({ req, reply, user }) => {
        const f = form(req);
        const num = (v: string, d: number) => (v.trim() === "" ? d : Number(v));
        try {
          const threshold = num(str(f.threshold), AUTO_THRESHOLD);
          const reviewThreshold = num(str(f.reviewThreshold), REVIEW_THRESHOLD);
          const r = await s.startRun(user!, actorOf(user!, req), { threshold, reviewThreshold });
          return reply.redirect(`/linkage/runs/${r.id}`, 303);
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          const [overview, runs] = await Promise.all([s.overview(user!), s.runs(user!)]);
          return reply.page(
            "linkage/views/overview.njk",
            {
              title: "Record linkage",
              overview,
              analyst: hasRole(user!, LINKAGE_ROLES),
              runs: runs.map((r) => ({ ...r, statusView: RUN_STATUS[r.status] })),
              decisions: [],
              values: { threshold: str(f.threshold), reviewThreshold: str(f.reviewThreshold) },
              ...errorSummary(e.fields),
            },
            400,
          );
        }
      },
    }),
    defineRoute({
      method: "GET",
      url: "/linkage/runs/:id",
      kind: "page",
      summary: "A linkage run: progress, then its outcome and model",
      access: runRoles,
      params: idParams,
      example: (f) => ({ params: { id: fixtureId(f, "linkageRunId") } }),
      handler: async ({ reply, user, params }) => {
        const r = await s.run(user!, params.id);
        const p = (r.parameters ?? {}) as {
          fields?: string[];
          blocking?: { rule: string; pairs: number; newPairs: number }[];
          model?: {
            lambda: number;
            comparisons: {
              field: string;
              label: string;
              levels: { label: string; m: number; u: number; weight: number }[];
            }[];
          };
          timings?: Record<string, number>;
          seconds?: number;
          possiblePairs?: number;
          carried?: number;
        };
        const fmt = (x: number) =>
          x === 0 ? "0" : x < 0.0001 ? x.toExponential(2) : x.toFixed(x < 0.01 ? 6 : 4);
        if (p.model)
          p.model.comparisons = p.model.comparisons.map((c) => ({
            ...c,
            levels: c.levels.map((l) => ({ ...l, mText: fmt(l.m), uText: fmt(l.u) })),
          }));
        return reply.page("linkage/views/run.njk", {
          title: `Linkage run ${r.reference}`,
          run: r,
          statusView: RUN_STATUS[r.status],
          phaseText: r.phase ? (PHASES[r.phase] ?? r.phase) : null,
          p,
          analyst: hasRole(user!, LINKAGE_ROLES),
          running: r.status === "queued" || r.status === "running",
        });
      },
    }),
    // ---- review ----
    defineRoute({
      method: "GET",
      url: "/linkage/review",
      kind: "page",
      summary: "The review queue: pairs a person must decide",
      access: reviewRoles,
      handler: async ({ req, reply, user }) => {
        const q = await s.reviewQueue(user!, actorOf(user!, req));
        return reply.page("linkage/views/review.njk", {
          title: "Review queue",
          total: q.total,
          pairs: q.pairs.map((p) => ({
            ...p,
            probabilityText: pctOf(p.probability),
            leftName: name(p.left),
            rightName: name(p.right),
          })),
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/linkage/pairs/:id",
      kind: "page",
      summary: "A candidate pair side by side, why Lantern scored it so, and the decision",
      access: reviewRoles,
      params: idParams,
      example: (f) => ({ params: { id: fixtureId(f, "linkagePairId") } }),
      handler: async ({ req, reply, user, params }) =>
        reply.page("linkage/views/pair.njk", await pairPage(user!, req, params.id, { values: {} })),
    }),
    defineRoute({
      method: "POST",
      url: "/linkage/pairs/:id",
      kind: "page",
      summary: "Decide a pair: the same child (link or merge) or different children (kept apart)",
      access: reviewRoles,
      params: idParams,
      example: (f) => ({
        params: { id: fixtureId(f, "linkagePairId") },
        form: { version: "1", decision: "same" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const f = form(req);
        const decision = str(f.decision);
        try {
          if (decision !== "same" && decision !== "different")
            throw new Invalid("Choose whether they are the same child", [
              { field: "decision", message: "Choose whether they are the same child" },
            ]);
          const version = Number(str(f.version));
          const r = await s.decidePair(
            user!,
            actorOf(user!, req),
            params.id,
            decision,
            Number.isInteger(version) && version > 0 ? version : null,
            str(f.reason),
          );
          return reply.redirect(`/linkage/decisions/${r.decisionId}?done=1`, 303);
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          return reply.page(
            "linkage/views/pair.njk",
            await pairPage(user!, req, params.id, {
              values: { decision, reason: str(f.reason) },
              ...errorSummary(e.fields),
            }),
            400,
          );
        }
      },
    }),
    defineRoute({
      method: "GET",
      url: "/linkage/decisions/:id",
      kind: "page",
      summary: "A master index decision: what it changed, and undo",
      access: reviewRoles,
      params: idParams,
      example: (f) => ({ params: { id: fixtureId(f, "linkageDecisionId") } }),
      handler: async ({ req, reply, user, params }) => {
        const d = await s.decisionView(user!, params.id);
        const q = req.query as Record<string, string>;
        return reply.page("linkage/views/decision.njk", {
          title: DECISION_LABELS[d.decision.kind] ?? "Decision",
          ...d,
          label: DECISION_LABELS[d.decision.kind] ?? d.decision.kind,
          done: q.done === "1",
          undone: q.undone === "1",
          canUndo: !d.decision.undone_by && d.decision.kind !== "undo",
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/linkage/decisions/:id/undo",
      kind: "page",
      summary: "Undo a master index decision",
      access: reviewRoles,
      params: idParams,
      example: (f) => ({ params: { id: fixtureId(f, "linkageDecisionId") }, form: { reason: "" } }),
      handler: async ({ req, reply, user, params }) => {
        await s.undo(user!, actorOf(user!, req), params.id, str(form(req).reason));
        return reply.redirect(`/linkage/decisions/${params.id}?undone=1`, 303);
      },
    }),
    // ---- unmatched records ----
    defineRoute({
      method: "GET",
      url: "/linkage/unmatched",
      kind: "page",
      summary: "Imported records that match no Lantern child, grouped: make a new child",
      access: reviewRoles,
      handler: async ({ req, reply, user }) => {
        const u = await s.unmatched(user!, actorOf(user!, req));
        return reply.page("linkage/views/unmatched.njk", {
          title: "Records with no match",
          ...u,
          list: u.list.map((g) => ({ ...g, names: [...new Set(g.records.map(name))].join(" / ") })),
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/linkage/unmatched",
      kind: "page",
      summary: "Create a new child from unmatched records (an analyst's decision)",
      access: reviewRoles,
      example: (f) => ({ form: { records: fixtureId(f, "unmatchedRecords") } }),
      handler: async ({ req, reply, user }) => {
        const ids = str(form(req).records)
          .split(",")
          .map((x) => x.trim())
          .filter((x) => /^[0-9a-f-]{36}$/.test(x));
        const r = await s.createChild(user!, actorOf(user!, req), ids);
        return reply.redirect(`/master-index/children/${r.childId}?created=1`, 303);
      },
    }),
    // ---- the master index entry of a child ----
    defineRoute({
      method: "GET",
      url: "/master-index/children/:id",
      kind: "page",
      summary: "A child's master index entry: the agencies' records linked to the child",
      access: reviewRoles,
      params: idParams,
      recordPolicy: "child.masterIndex",
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const m = await s.masterIndex(user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", "identity");
        const q = req.query as Record<string, string>;
        return reply.page("linkage/views/master-index.njk", {
          title: `Master index: ${m.child.reference}`,
          ...m,
          childName: [m.child.given_name, m.child.family_name].filter(Boolean).join(" ") || m.child.reference,
          created: q.created === "1",
          active: m.active.map((l) => ({
            ...l,
            std: l.std as Record<string, unknown>,
            probabilityText: l.match_probability != null ? pctOf(l.match_probability) : "",
          })),
          negative: m.negative,
          history: m.history.map((h) => ({ ...h, label: DECISION_LABELS[h.kind] ?? h.kind })),
          related: Object.fromEntries(m.related.map((r) => [r.record_type, Number(r.n)])),
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/master-index/children/:id/split",
      kind: "page",
      summary: "Split a wrongly linked record off a child (kept apart from then on; can be undone)",
      access: reviewRoles,
      params: idParams,
      recordPolicy: "child.masterIndexChange",
      example: (f) => ({
        params: { id: f.childId },
        form: {
          linkId: fixtureId(f, "linkageLinkId"),
          reason: "Not this child: different school and family",
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const f = form(req);
        try {
          const r = await s.split(user!, actorOf(user!, req), params.id, str(f.linkId), str(f.reason));
          return reply.redirect(`/linkage/decisions/${r.decisionId}?done=1`, 303);
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          const m = await s.masterIndex(user!, actorOf(user!, req), params.id);
          reply.header("x-lantern-field-groups", "identity");
          return reply.page(
            "linkage/views/master-index.njk",
            {
              title: `Master index: ${m.child.reference}`,
              ...m,
              childName:
                [m.child.given_name, m.child.family_name].filter(Boolean).join(" ") || m.child.reference,
              active: m.active.map((l) => ({
                ...l,
                std: l.std as Record<string, unknown>,
                probabilityText: "",
              })),
              history: m.history.map((h) => ({ ...h, label: DECISION_LABELS[h.kind] ?? h.kind })),
              related: {},
              splitLink: str(f.linkId),
              errors: e.fields.map((x) => ({ text: x.message, href: `#reason-${str(f.linkId)}` })),
              splitError: e.fields[0]?.message,
            },
            400,
          );
        }
      },
    }),
    // ---- the data-gaps report ----
    defineRoute({
      method: "GET",
      url: "/data-gaps",
      kind: "page",
      summary: "Data gaps: completeness by agency and source, conflicting values, duplicates",
      access: rolesOnly(...DATA_GAPS_ROLES),
      handler: async ({ req, reply, user }) => {
        const g = await dataGaps(app, user!, actorOf(user!, req));
        return reply.page("linkage/views/data-gaps.njk", {
          title: "Data gaps",
          g,
          gapFields: GAP_FIELDS.map((f) => ({ key: f, label: FIELD_LABELS[f] })),
          idFields: IDENTITY_FIELDS.map((f) => ({ key: f, label: FIELD_LABELS[f] })),
          fieldLabels: FIELD_LABELS,
          childrenChart: completenessChart(
            g.children,
            "chart-children",
            "Children: how complete is ethnicity, sex, disability and SEND, by agency and source",
          ),
          personsChart: completenessChart(
            g.persons,
            "chart-persons",
            "Persons of concern: how complete is ethnicity, sex, disability and SEND, by agency and source",
          ),
          conflicts: g.conflicts.slice(0, 200),
          analyst: hasRole(user!, LINKAGE_ROLES),
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/data-gaps/export",
      kind: "page",
      summary: "Export the data-gaps report to Excel: confirm with your password",
      access: rolesOnly(...DATA_GAPS_ROLES),
      handler: ({ reply }) =>
        reply.page("linkage/views/data-gaps-export.njk", { title: "Export the data-gaps report" }),
    }),
    defineRoute({
      method: "POST",
      url: "/data-gaps/export",
      kind: "page",
      summary: "Export the data-gaps report to Excel (password, watermarked, formula-safe, audited)",
      access: rolesOnly(...DATA_GAPS_ROLES),
      example: (f) => ({ form: { password: f.password } }),
      handler: async ({ req, reply, user }) => {
        if (!(await passwordConfirmed(app.db, user!.id, str(form(req).password)))) {
          return reply.page(
            "linkage/views/data-gaps-export.njk",
            {
              title: "Export the data-gaps report",
              ...errorSummary([{ field: "password", message: "The password is not correct" }]),
            },
            400,
          );
        }
        const actor = actorOf(user!, req);
        const g = await dataGaps(app, user!, { ...actor });
        const when = app.clock.now();
        const buffer = await dataGapsWorkbook(g, user!, when);
        const { audit, auditFor } = await import("../audit/audit.service.ts");
        const { linkageScope } = await import("../imports/index.ts");
        await linkageScope(app, user!, (tx) =>
          audit(
            tx,
            auditFor(actor, {
              action: "report.data_gaps.export",
              recordType: "report",
              recordId: "data-gaps",
              fieldGroups: ["identity"],
              reason: "export the data-gaps report to Excel",
              details: { conflicts: g.conflicts.length, sources: g.children.length + g.persons.length },
            }),
          ),
        );
        reply
          .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
          .header(
            "content-disposition",
            `attachment; filename="lantern-data-gaps-${when.toISOString().slice(0, 10)}.xlsx"`,
          )
          .header("cache-control", "no-store")
          .send(buffer);
        return reply;
      },
    }),
  ];
}
