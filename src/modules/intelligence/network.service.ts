// The link chart and network analysis. The database gives the links (a k-hop walk for the chart,
// every link for paths and networks); the graph engine (src/engines/graph) gives components,
// Louvain communities, degree, betweenness, brokers, ego networks and shortest paths. Every child
// shown goes through the access policy (child-access.ts) and is audited; every link through the
// intelligence handling rules (intelligence.policy.ts).
import type { Kysely } from "kysely";
import { inScope } from "../../db/rls.ts";
import type { DB } from "../../db/schema.ts";
import {
  betweenness,
  buildGraph,
  connectedComponents,
  csrFromGraph,
  csrFromIndexedEdges,
  degree,
  type EntityInput as EngineEntity,
  type LinkInput as EngineLink,
  egoNetwork,
  findBrokers,
  louvain,
  shortestPath,
} from "../../engines/graph/index.ts";
import type { SessionUser } from "../../http/routes.ts";
import { type Clock, londonDate } from "../../platform/clock.ts";
import { Forbidden, Invalid, NotFound } from "../../platform/errors.ts";
import type { Actor } from "../audit/audit.service.ts";
import { audit, auditFor } from "../audit/index.ts";
import {
  auditChildren,
  type ChildFacts,
  childLabel,
  decideChildren,
  inUserScope,
  loadAccessFacts,
  readsWithoutOwner,
  userScope,
} from "./child-access.ts";
import {
  linkVisibleTo,
  maySeeRsoFlag,
  type ReportView,
  reportViewFor,
  type Viewer,
} from "./intelligence.policy.ts";
import {
  allLinks,
  entitiesByIds,
  type HopRow,
  type LinkFilter,
  type LinkRow,
  linkStamp,
  linksAmong,
  linksAround,
  personsByIds,
  pinsAndDisruptions,
  reportFacts,
} from "./intelligence.queries.ts";
import {
  type ChartQuery,
  type ChartType,
  linkTypeLabel,
  type NodeKind,
  type NodeRef,
  nodeKey,
  parseNodeRef,
} from "./intelligence.schema.ts";

/** A hub (a railway station, a busy phone) shows at most this many neighbours per expansion. */
export const NEIGHBOUR_CAP = 150;
/** The chart stops growing at this many entities. */
export const MAX_CHART_NODES = 600;

export type ChartNode = {
  id: string;
  kind: NodeKind;
  type: ChartType;
  label: string;
  subtype: string | null;
  restricted: boolean;
  expandable: boolean;
  distance: number | null;
  degree: number;
  betweenness: number;
  community: number;
  broker: boolean;
  truncated: boolean;
  rso: boolean | null;
  disruptions: number;
  pin: { note: string | null; x: number | null; y: number | null } | null;
  url: string | null;
};
export type ChartEdge = {
  id: string;
  source: string;
  target: string;
  type: string;
  typeLabel: string;
  from: string | null;
  to: string | null;
  grading: string | null;
  derived: boolean;
  explanation: string | null;
  sourceAgency: string;
  provenance: string | null;
  report: string | null;
};
export type ChartData = {
  centre: string[];
  radius: number;
  window: { from: string | null; to: string | null };
  nodes: ChartNode[];
  edges: ChartEdge[];
  communities: number;
  modularity: number;
  brokers: string[];
  linkTypes: { value: string; label: string }[];
  dateRange: { min: string | null; max: string | null };
};

type Working = {
  ref: NodeRef;
  type: ChartType | null;
  distance: number;
  budget: number;
  truncated: boolean;
  expandable: boolean;
};

const endKey = (row: LinkRow, side: "from" | "to") =>
  side === "from" ? `${row.from_kind}:${row.from_id}` : `${row.to_kind}:${row.to_id}`;
const endType = (row: LinkRow, side: "from" | "to"): ChartType | null => {
  const kind = side === "from" ? row.from_kind : row.to_kind;
  if (kind !== "entity") return kind;
  return ((side === "from" ? row.from_entity_kind : row.to_entity_kind) as ChartType | null) ?? null;
};

export const viewerOf = (u: SessionUser): Viewer => ({ agencyId: u.agencyId, agencyKind: u.agencyKind });

/**
 * What the viewer may see of each report (missing from the map = refused by row-level security).
 * Hop rows carry the report's facts as the database let the caller read them; others are looked up.
 */
async function resolveReportViews(
  tx: Kysely<DB>,
  viewer: Viewer,
  rows: readonly (LinkRow | HopRow)[],
  known: Map<string, ReportView>,
): Promise<void> {
  const lookup: string[] = [];
  for (const r of rows) {
    const id = r.intelligence_report_id;
    if (!id || known.has(id)) continue;
    if (!("report" in r)) {
      lookup.push(id);
      continue;
    }
    const f = r.report;
    known.set(
      id,
      f === null
        ? "none"
        : reportViewFor(viewer, {
            originatingAgencyId: f.agency,
            handlingCode: f.handling,
            assessment: f.assessment,
            hasSanitised: f.sanitised,
            permittedAgencyIds: f.permitted ? [viewer.agencyId] : [],
          }).view,
    );
  }
  const want = [...new Set(lookup)];
  if (!want.length) return;
  const facts = await reportFacts(tx, want, viewer.agencyId);
  for (const id of want) known.set(id, "none");
  for (const f of facts) {
    known.set(
      f.id,
      reportViewFor(viewer, {
        originatingAgencyId: f.originating_agency_id,
        handlingCode: f.handling_code,
        assessment: f.intelligence_assessment,
        hasSanitised: f.has_sanitised,
        permittedAgencyIds: f.permitted ? [viewer.agencyId] : [],
      }).view,
    );
  }
}

const visible = (viewer: Viewer, row: LinkRow, views: Map<string, ReportView>) =>
  linkVisibleTo(viewer, {
    sourceAgencyId: row.source_agency_id,
    grading: row.grading,
    reportView: row.intelligence_report_id ? (views.get(row.intelligence_report_id) ?? "none") : null,
  });

/** Safe date bounds for the engine (a link recorded with its end before its start is open-ended). */
function bounds(row: Pick<LinkRow, "valid_from" | "valid_to">) {
  const from = row.valid_from ?? null;
  const to = row.valid_to ?? null;
  return from && to && to < from ? { from, to: null } : { from, to };
}

export function nodeUrl(kind: NodeKind, id: string): string {
  return kind === "child"
    ? `/children/${id}`
    : kind === "person"
      ? `/intelligence/persons/${id}`
      : `/intelligence/entities/${id}`;
}

type GlobalGraph = { stamp: string; rows: LinkRow[] };
const globalCache = new WeakMap<Kysely<DB>, GlobalGraph>();
const networkCache = new WeakMap<Kysely<DB>, Map<string, NetworkAnalysis>>();

type NetworkAnalysis = {
  networks: {
    members: string[];
    size: number;
    brokers: { id: string; betweenness: number; communitiesReached: number }[];
  }[];
  communities: number;
  modularity: number;
  components: number;
  nodes: number;
  edges: number;
  exactBetweenness: boolean;
};

export type NetworkSummary = {
  number: number;
  size: number;
  anchor: string;
  children: { id: string; label: string; restricted: boolean; url: string }[];
  adults: { id: string; label: string; url: string; rso: boolean | null }[];
  places: { id: string; label: string; url: string }[];
  other: { id: string; label: string; type: string; url: string }[];
  brokers: { id: string; label: string; type: string; betweenness: number; url: string }[];
};

export class NetworkService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  /**
   * The chart around `centre` (k hops), plus one hop around each `expand` node, filtered by entity
   * type, link type, derived-or-not and date; with communities, degree, betweenness and brokers.
   */
  async chart(
    u: SessionUser,
    actor: Actor,
    q: ChartQuery,
    opts: { purpose?: string } = {},
  ): Promise<ChartData> {
    if (!q.centre.length)
      throw new Invalid("Choose who or what to centre the chart on", [
        { field: "centre", message: "Choose who or what to centre the chart on" },
      ]);
    const viewer = viewerOf(u);
    const now = this.clock.now();
    const today = londonDate(now);
    const filter: LinkFilter = { from: q.from, to: q.to, linkTypes: q.links, derived: q.derived };
    const types = new Set(q.types);
    const allowType = (t: ChartType | null) => !types.size || (t !== null && types.has(t));

    return inUserScope(this.db, u, async (tx) => {
      const work = new Map<string, Working>();
      const edges = new Map<string, LinkRow>();
      const kids = new Map<string, ChildFacts>();
      const views = new Map<string, ReportView>();
      const centreKeys = q.centre.map(nodeKey);

      const add = (ref: NodeRef, distance: number, budget: number) => {
        const key = nodeKey(ref);
        const w = work.get(key);
        if (w) {
          w.budget = Math.max(w.budget, budget);
          w.distance = Math.min(w.distance, distance);
          return w;
        }
        const n: Working = { ref, type: null, distance, budget, truncated: false, expandable: true };
        work.set(key, n);
        return n;
      };
      for (const c of q.centre) add(c, 0, q.radius);
      for (const e of q.expand) add(e, work.get(nodeKey(e))?.distance ?? 0, 1);

      // Children among the centres and expanded nodes must be known (and decided) before the walk;
      // persons and entities are confirmed by the links found (or looked up after the walk).
      await this.typeNodes(
        tx,
        u,
        now,
        [...work.values()].filter((w) => w.ref.kind === "child"),
        kids,
      );
      for (const c of q.centre.filter((x) => x.kind === "child"))
        if (work.get(nodeKey(c))!.type === null)
          throw new NotFound("There is nothing with that id to centre the chart on.");
      for (const [k, w] of work) if (w.ref.kind === "child" && w.type === null) work.delete(k);

      // The user's relationships and break-glass grants, read once: children are decided in one
      // batch at the end (managers, whose oversight depends on the owning agency, hop by hop).
      const facts = await loadAccessFacts(tx, u, now);
      const oversight = u.roles.includes("manager");
      const ensureKids = async (ids: string[]) => {
        const missing = ids.filter((id) => !kids.has(id));
        if (missing.length)
          for (const [id, f] of await decideChildren(tx, u, missing, now, facts)) kids.set(id, f);
      };
      const walkable = (childId: string) =>
        oversight || kids.has(childId)
          ? Boolean(kids.get(childId)?.decision.read)
          : readsWithoutOwner(u, facts, childId);
      // Centring on a child walks the child's own links: only with access to their record.
      for (const c of q.centre.filter((x) => x.kind === "child")) {
        if (!kids.get(c.id)?.decision.read)
          throw new Forbidden(
            "You can open the network of a child only with access to their record. The child's signpost shows which agencies are involved and whom to contact.",
          );
      }

      let frontier = [...work.values()].filter((w) => w.budget > 0);
      let full = false;
      while (frontier.length) {
        if (oversight) await ensureKids(frontier.filter((w) => w.ref.kind === "child").map((w) => w.ref.id));
        const walk: Working[] = [];
        for (const w of frontier) {
          if (w.ref.kind === "child" && !walkable(w.ref.id)) w.expandable = false;
          else walk.push(w);
        }
        const byId = new Map(walk.map((w) => [w.ref.id, w]));
        const rows = await linksAround(
          tx,
          walk.map((w) => w.ref.id),
          filter,
          NEIGHBOUR_CAP,
        );
        await resolveReportViews(tx, viewer, rows, views);
        const next: Working[] = [];
        for (const row of rows)
          for (const side of ["from", "to"] as const) {
            const w = work.get(endKey(row, side));
            if (w && w.type === null) w.type = endType(row, side);
          }
        const perNode = new Map<string, number>();
        for (const row of rows) {
          const here = byId.get(row.here);
          if (!here) continue;
          const n = (perNode.get(row.here) ?? 0) + 1;
          perNode.set(row.here, n);
          if (n > NEIGHBOUR_CAP) {
            here.truncated = true;
            continue;
          }
          if (!visible(viewer, row, views)) continue;
          const side = row.from_id === row.here ? "from" : "to";
          if (nodeKey(here.ref) !== endKey(row, side)) continue;
          const other = side === "from" ? "to" : "from";
          const otherKey = endKey(row, other);
          if (otherKey === nodeKey(here.ref)) continue;
          const otherType = endType(row, other);
          if (!allowType(otherType) && !centreKeys.includes(otherKey)) continue;
          if (work.has(otherKey)) {
            edges.set(row.id, row);
            continue;
          }
          if (full) {
            here.truncated = true;
            continue;
          }
          const ref = parseNodeRef(otherKey)!;
          const n2 = add(ref, here.distance + 1, here.budget - 1);
          n2.type = otherType;
          edges.set(row.id, row);
          if (n2.budget > 0) next.push(n2);
          if (work.size >= MAX_CHART_NODES) full = true;
        }
        frontier = next;
      }

      // Centres and expanded nodes no link confirmed: look them up (a centre that does not exist is NotFound).
      const unconfirmed = [...work.values()].filter((w) => w.type === null);
      if (unconfirmed.length) {
        await this.typeNodes(tx, u, now, unconfirmed, kids);
        for (const c of q.centre)
          if (work.get(nodeKey(c))?.type === null)
            throw new NotFound("There is nothing with that id to centre the chart on.");
        for (const [k, w] of work) if (w.type === null) work.delete(k);
      }

      // Links among the nodes shown that the walk did not cross (networkx ego_graph semantics).
      const ids = [...work.values()].map((w) => w.ref.id);
      const among = await linksAmong(tx, ids, filter);
      await resolveReportViews(tx, viewer, among, views);
      for (const row of among) {
        if (edges.has(row.id) || !visible(viewer, row, views)) continue;
        if (!work.has(endKey(row, "from")) || !work.has(endKey(row, "to"))) continue;
        edges.set(row.id, row);
      }

      const childIds = [...work.values()].filter((w) => w.ref.kind === "child").map((w) => w.ref.id);
      await ensureKids(childIds);
      for (const w of work.values())
        if (w.ref.kind === "child" && !kids.get(w.ref.id)?.decision.read) w.expandable = false;

      const data = await this.decorate(tx, u, [...work.values()], [...edges.values()], kids, today);
      data.centre = centreKeys;
      data.radius = q.radius;
      data.window = { from: q.from ?? null, to: q.to ?? null };

      const shownChildren = childIds.map((id) => kids.get(id)!).filter(Boolean);
      await auditChildren(
        tx,
        shownChildren.map((c) => ({
          userId: actor.userId,
          agencyId: actor.agencyId,
          requestId: actor.requestId,
          ip: actor.ip,
          action: "network.child",
          childId: c.id,
          fieldGroups: c.decision.read ? ["identity"] : [],
          reason: opts.purpose ?? "link chart",
          details: { basis: c.decision.basis, centre: centreKeys },
        })),
        auditFor(actor, {
          action: "network.view",
          recordType: "network",
          recordId: centreKeys.join(","),
          childId: q.centre.find((c) => c.kind === "child")?.id ?? null,
          fieldGroups: shownChildren.some((c) => c.decision.read) ? ["identity"] : [],
          reason: opts.purpose ?? "link chart",
          details: {
            centre: centreKeys,
            radius: q.radius,
            expand: q.expand.map(nodeKey),
            filters: { from: q.from, to: q.to, types: q.types, links: q.links, derived: q.derived },
            nodes: data.nodes.length,
            edges: data.edges.length,
            children: shownChildren.map((c) => ({ reference: c.reference, identity: c.decision.read })),
          },
        }),
      );
      return data;
    });
  }

  /** Fills `type` for nodes whose type is unknown (stays null when the record does not exist). */
  private async typeNodes(
    tx: Kysely<DB>,
    u: SessionUser,
    now: Date,
    nodes: Working[],
    kids: Map<string, ChildFacts>,
  ) {
    const persons = nodes.filter((n) => n.ref.kind === "person" && n.type === null).map((n) => n.ref.id);
    const ents = nodes.filter((n) => n.ref.kind === "entity" && n.type === null).map((n) => n.ref.id);
    const kidIds = nodes
      .filter((n) => n.ref.kind === "child" && n.type === null && !kids.has(n.ref.id))
      .map((n) => n.ref.id);
    const foundP = new Set((await personsByIds(tx, persons)).map((p) => p.id));
    const foundE = new Map((await entitiesByIds(tx, ents)).map((e) => [e.id, e.kind]));
    if (kidIds.length) for (const [id, f] of await decideChildren(tx, u, kidIds, now)) kids.set(id, f);
    for (const n of nodes) {
      if (n.type !== null) continue;
      if (n.ref.kind === "person" && foundP.has(n.ref.id)) n.type = "person";
      else if (n.ref.kind === "entity" && foundE.has(n.ref.id)) n.type = foundE.get(n.ref.id) as ChartType;
      else if (n.ref.kind === "child" && kids.has(n.ref.id)) n.type = "child";
    }
  }

  /** Labels, pins, disruption counts and the engine's measures for the nodes and links shown. */
  private async decorate(
    tx: Kysely<DB>,
    u: SessionUser,
    work: Working[],
    rows: LinkRow[],
    kids: Map<string, ChildFacts>,
    today: string,
  ): Promise<ChartData> {
    const viewer = viewerOf(u);
    // Labels: from the hop rows (each end's facts came with the link), else read.
    type PersonInfo = {
      reference: string;
      given_name: string | null;
      family_name: string | null;
      aliases: string[];
      owning_agency_id: string;
      registered_sex_offender: boolean;
    };
    const persons = new Map<string, PersonInfo>();
    const ents = new Map<string, { label: string; subtype: string | null }>();
    for (const r of rows as HopRow[]) {
      for (const side of ["from", "to"] as const) {
        const info = side === "from" ? r.from_info : r.to_info;
        const kind = side === "from" ? r.from_kind : r.to_kind;
        const id = side === "from" ? r.from_id : r.to_id;
        if (!info) continue;
        if (kind === "person" && info.reference) persons.set(id, info as PersonInfo);
        if (kind === "entity" && info.label !== undefined)
          ents.set(id, { label: info.label, subtype: info.subtype ?? null });
      }
    }
    const needP = work.filter((w) => w.ref.kind === "person" && !persons.has(w.ref.id)).map((w) => w.ref.id);
    for (const p of await personsByIds(tx, needP)) persons.set(p.id, p);
    const needE = work.filter((w) => w.ref.kind === "entity" && !ents.has(w.ref.id)).map((w) => w.ref.id);
    for (const e of await entitiesByIds(tx, needE)) ents.set(e.id, e);
    // Children the database does not know are dropped (with their links).
    const shown = work.filter((w) => (w.ref.kind === "child" ? kids.has(w.ref.id) : true));
    const keys = new Set(shown.map((w) => nodeKey(w.ref)));
    const links = rows.filter((r) => keys.has(endKey(r, "from")) && keys.has(endKey(r, "to")));
    const { pins, disruptions } = await pinsAndDisruptions(
      tx,
      u.id,
      shown.map((w) => w.ref.id),
    );

    const engineNodes: EngineEntity[] = shown.map((w) => ({ id: nodeKey(w.ref), type: w.type ?? "child" }));
    const engineLinks: EngineLink[] = links.map((r) => ({
      id: r.id,
      source: endKey(r, "from"),
      target: endKey(r, "to"),
      type: r.link_type,
      ...bounds(r),
    }));
    const g = buildGraph(engineNodes, engineLinks);
    const csr = csrFromGraph(g);
    const bc = betweenness(csr, { seed: 1 });
    const deg = degree(csr);
    const comm = louvain(csr, { seed: 1, restarts: 3 });
    // Brokers are adults, places and things: a child is never labelled a broker (children are
    // exploited, they do not broker their own exploitation).
    const brokers = findBrokers(csr, { betweenness: bc.values, membership: comm.membership, top: csr.n })
      .filter((b) => !b.id.startsWith("child:"))
      .slice(0, 3);
    const brokerSet = new Set(brokers.map((b) => b.id));
    const index = new Map(csr.ids.map((id, i) => [id, i]));

    const nodes: ChartNode[] = shown.map((w) => {
      const key = nodeKey(w.ref);
      const i = index.get(key)!;
      let label = key;
      let subtype: string | null = null;
      let restricted = false;
      let rso: boolean | null = null;
      if (w.ref.kind === "child") {
        const c = childLabel(kids.get(w.ref.id)!, today);
        label = c.label;
        restricted = c.restricted;
      } else if (w.ref.kind === "person") {
        const p = persons.get(w.ref.id);
        if (p) {
          const name = [p.given_name, p.family_name].filter(Boolean).join(" ");
          const alias = p.aliases?.[0] ? `"${p.aliases[0]}"` : "";
          label = [name, alias].filter(Boolean).join(" ") || `Unknown person ${p.reference}`;
          subtype = p.reference;
          rso = maySeeRsoFlag(viewer, p.owning_agency_id) ? p.registered_sex_offender : null;
        }
      } else {
        const e = ents.get(w.ref.id);
        if (e) {
          label = e.label;
          subtype = e.subtype;
        }
      }
      const pin = pins.get(key);
      return {
        id: key,
        kind: w.ref.kind,
        type: w.type ?? "child",
        label,
        subtype,
        restricted,
        expandable: w.expandable,
        distance: Number.isFinite(w.distance) ? w.distance : null,
        degree: deg[i],
        betweenness: Math.round(bc.values[i] * 1e6) / 1e6,
        community: comm.membership[i],
        broker: brokerSet.has(key),
        truncated: w.truncated,
        rso,
        disruptions: disruptions.get(key) ?? 0,
        pin: pin ? { note: pin.note, x: pin.x, y: pin.y } : null,
        url: nodeUrl(w.ref.kind, w.ref.id),
      };
    });
    nodes.sort(
      (a, b) =>
        (a.distance ?? 99) - (b.distance ?? 99) ||
        a.type.localeCompare(b.type) ||
        a.label.localeCompare(b.label),
    );
    const edges: ChartEdge[] = links.map((r) => ({
      id: r.id,
      source: endKey(r, "from"),
      target: endKey(r, "to"),
      type: r.link_type,
      typeLabel: linkTypeLabel(r.link_type),
      from: r.valid_from,
      to: r.valid_to,
      grading: r.grading,
      derived: r.derived,
      explanation: r.explanation ?? (r.derived ? r.provenance : null),
      sourceAgency: r.source_agency,
      provenance: r.provenance,
      report: r.intelligence_report_id,
    }));
    const dates = links.flatMap((r) => [r.valid_from, r.valid_to]).filter((d): d is string => !!d);
    dates.sort();
    return {
      centre: [],
      radius: 0,
      window: { from: null, to: null },
      nodes,
      edges,
      communities: comm.count,
      modularity: Math.round(comm.modularity * 1e4) / 1e4,
      brokers: brokers.map((b) => b.id),
      linkTypes: [...new Set(links.map((r) => r.link_type))].sort().map((t) => ({
        value: t,
        label: linkTypeLabel(t),
      })),
      dateRange: { min: dates[0] ?? null, max: dates[dates.length - 1] ?? null },
    };
  }

  /** Records an export of the chart (the chart read itself was audited child by child). */
  async auditExport(u: SessionUser, actor: Actor, q: ChartQuery, data: ChartData): Promise<void> {
    await inScope(this.db, userScope(u), (tx) =>
      audit(
        tx,
        auditFor(actor, {
          action: "network.export",
          recordType: "network",
          recordId: q.centre.map(nodeKey).join(","),
          fieldGroups: data.nodes.some((n) => n.type === "child" && !n.restricted) ? ["identity"] : [],
          reason: "export the link chart to Excel (password confirmed)",
          details: {
            format: "xlsx",
            nodes: data.nodes.length,
            edges: data.edges.length,
            children: data.nodes.filter((n) => n.type === "child").map((n) => n.id),
          },
        }),
      ),
    );
  }

  /** All links, read once and kept while nothing changes (a cheap count/max stamp is checked). */
  private async globalLinks(tx: Kysely<DB>): Promise<LinkRow[]> {
    const s = await linkStamp(tx);
    const stamp = `${s.n}|${s.latest ? new Date(s.latest).toISOString() : ""}|${s.reports}|${s.reports_latest ? new Date(s.reports_latest).toISOString() : ""}`;
    const cached = globalCache.get(this.db);
    if (cached && cached.stamp === stamp) return cached.rows;
    const rows = await allLinks(tx);
    globalCache.set(this.db, { stamp, rows });
    networkCache.delete(this.db);
    return rows;
  }

  /** The links the viewer may see, by handling code and report, in a time window. */
  private async visibleLinks(tx: Kysely<DB>, viewer: Viewer, window: { from?: string; to?: string }) {
    const rows = await this.globalLinks(tx);
    const views = new Map<string, ReportView>();
    await resolveReportViews(tx, viewer, rows, views);
    return rows.filter(
      (r) =>
        visible(viewer, r, views) &&
        (!window.from || !r.valid_to || r.valid_to >= window.from) &&
        (!window.to || !r.valid_from || r.valid_from <= window.to),
    );
  }

  /**
   * A shortest path (fewest links) between two things, through what the viewer may see. Children
   * are walked through only when the viewer may read their record (so a signpost-only child is
   * never on a path, and cannot be an end of one).
   */
  async path(
    u: SessionUser,
    actor: Actor,
    from: NodeRef,
    to: NodeRef,
    window: { from?: string; to?: string } = {},
  ): Promise<{ found: boolean; nodes: ChartNode[]; edges: ChartEdge[]; length: number | null }> {
    const viewer = viewerOf(u);
    const now = this.clock.now();
    const today = londonDate(now);
    return inScope(this.db, userScope(u), async (tx) => {
      const rows = await this.visibleLinks(tx, viewer, window);
      const childIds = new Set<string>();
      for (const r of rows) {
        if (r.from_kind === "child") childIds.add(r.from_id);
        if (r.to_kind === "child") childIds.add(r.to_id);
      }
      for (const end of [from, to]) if (end.kind === "child") childIds.add(end.id);
      const readable = await this.readableChildren(tx, u, now, childIds);
      for (const end of [from, to]) {
        if (end.kind === "child" && !readable.has(end.id))
          throw new Forbidden(
            "You can find paths from or to a child only with access to their record (the signpost shows whom to contact).",
          );
      }
      const walkable = rows.filter(
        (r) =>
          (r.from_kind !== "child" || readable.has(r.from_id)) &&
          (r.to_kind !== "child" || readable.has(r.to_id)),
      );
      const ids: string[] = [];
      const index = new Map<string, number>();
      const idx = (k: string) => {
        let i = index.get(k);
        if (i === undefined) {
          i = ids.length;
          ids.push(k);
          index.set(k, i);
        }
        return i;
      };
      const src = new Int32Array(walkable.length);
      const dst = new Int32Array(walkable.length);
      walkable.forEach((r, e) => {
        src[e] = idx(endKey(r, "from"));
        dst[e] = idx(endKey(r, "to"));
      });
      const a = nodeKey(from);
      const b = nodeKey(to);
      idx(a);
      idx(b);
      const csr = csrFromIndexedEdges({ n: ids.length, source: src, target: dst, ids });
      const keys = shortestPath(csr, a, b);
      const result = {
        found: false,
        nodes: [] as ChartNode[],
        edges: [] as ChartEdge[],
        length: null as number | null,
      };
      if (keys) {
        const pairs = new Set<string>();
        for (let i = 0; i + 1 < keys.length; i++) pairs.add(`${keys[i]}|${keys[i + 1]}`);
        const chosen = new Map<string, LinkRow>();
        for (const r of walkable) {
          const f = endKey(r, "from");
          const t = endKey(r, "to");
          const k = pairs.has(`${f}|${t}`) ? `${f}|${t}` : pairs.has(`${t}|${f}`) ? `${t}|${f}` : null;
          if (k && !chosen.has(k)) chosen.set(k, r);
        }
        const work: Working[] = keys.map((k, i) => ({
          ref: parseNodeRef(k)!,
          type: null,
          distance: i,
          budget: 0,
          truncated: false,
          expandable: true,
        }));
        const kids = new Map<string, ChildFacts>();
        await this.typeNodes(tx, u, now, work, kids);
        const data = await this.decorate(tx, u, work, [...chosen.values()], kids, today);
        const order = new Map(keys.map((k, i) => [k, i]));
        data.nodes.sort((x, y) => order.get(x.id)! - order.get(y.id)!);
        result.found = true;
        result.nodes = data.nodes;
        result.edges = data.edges;
        result.length = keys.length - 1;
        await auditChildren(
          tx,
          [...kids.values()].map((c) => ({
            userId: actor.userId,
            agencyId: actor.agencyId,
            requestId: actor.requestId,
            ip: actor.ip,
            action: "network.child",
            childId: c.id,
            fieldGroups: c.decision.read ? ["identity"] : [],
            reason: "path between two entities",
            details: { basis: c.decision.basis, from: a, to: b },
          })),
        );
      }
      await audit(
        tx,
        auditFor(actor, {
          action: "network.path",
          recordType: "network",
          recordId: `${a},${b}`,
          reason: "path between two entities",
          details: { from: a, to: b, found: result.found, length: result.length, window },
        }),
      );
      return result;
    });
  }

  /** Children among `ids` the user may read (and so walk through). */
  private async readableChildren(
    tx: Kysely<DB>,
    u: SessionUser,
    now: Date,
    ids: Set<string>,
  ): Promise<Set<string>> {
    const candidates = new Set<string>();
    const rels = await tx
      .selectFrom("relationships")
      .select("child_id")
      .where("user_id", "=", u.id)
      .where("starts_at", "<=", now)
      .where((eb) => eb.or([eb("ends_at", "is", null), eb("ends_at", ">", now)]))
      .execute();
    for (const r of rels) if (ids.has(r.child_id)) candidates.add(r.child_id);
    const glass = await tx
      .selectFrom("break_glass")
      .select("child_id")
      .where("user_id", "=", u.id)
      .where("expires_at", ">", now)
      .execute();
    for (const g of glass) if (ids.has(g.child_id)) candidates.add(g.child_id);
    if (u.roles.includes("manager")) {
      // Manager oversight: the agency's own children (ids only; nothing else is read here).
      const own = await tx
        .selectFrom("children")
        .select("id")
        .where("owning_agency_id", "=", u.agencyId)
        .execute();
      for (const c of own) if (ids.has(c.id)) candidates.add(c.id);
    }
    const facts = await decideChildren(tx, u, [...candidates], now);
    return new Set([...facts.values()].filter((f) => f.decision.read).map((f) => f.id));
  }

  /**
   * Networks in the whole graph the viewer may see: Louvain communities (two or more people, as
   * the inquiry defines a network), with their children, adults, places, size and brokers (the
   * members with the highest betweenness that bridge communities).
   */
  async networks(
    u: SessionUser,
    actor: Actor,
    window: { from?: string; to?: string } = {},
  ): Promise<{
    networks: NetworkSummary[];
    communities: number;
    modularity: number;
    components: number;
    nodes: number;
    edges: number;
    exactBetweenness: boolean;
  }> {
    const viewer = viewerOf(u);
    const now = this.clock.now();
    const today = londonDate(now);
    return inScope(this.db, userScope(u), async (tx) => {
      const rows = await this.visibleLinks(tx, viewer, window);
      const cacheKey = `${viewer.agencyId}|${window.from ?? ""}|${window.to ?? ""}`;
      let perDb = networkCache.get(this.db);
      if (!perDb) {
        perDb = new Map();
        networkCache.set(this.db, perDb);
      }
      let analysis = perDb.get(cacheKey);
      if (!analysis) {
        analysis = analyseNetworks(rows);
        perDb.set(cacheKey, analysis);
      }
      const members = new Set(analysis.networks.flatMap((n) => n.members));
      const refs = [...members].map((k) => parseNodeRef(k)!);
      const kids = await decideChildren(
        tx,
        u,
        refs.filter((r) => r.kind === "child").map((r) => r.id),
        now,
      );
      const persons = new Map(
        (
          await personsByIds(
            tx,
            refs.filter((r) => r.kind === "person").map((r) => r.id),
          )
        ).map((p) => [p.id, p]),
      );
      const ents = new Map(
        (
          await entitiesByIds(
            tx,
            refs.filter((r) => r.kind === "entity").map((r) => r.id),
          )
        ).map((e) => [e.id, e]),
      );
      const describeNode = (key: string) => {
        const r = parseNodeRef(key)!;
        const url = nodeUrl(r.kind, r.id);
        if (r.kind === "child") {
          const f = kids.get(r.id);
          const c = f ? childLabel(f, today) : { label: "Child", restricted: true };
          return { id: key, type: "child", label: c.label, restricted: c.restricted, url, rso: null };
        }
        if (r.kind === "person") {
          const p = persons.get(r.id);
          const name = p ? [p.given_name, p.family_name].filter(Boolean).join(" ") : "";
          const label = p
            ? name || (p.aliases[0] ? `"${p.aliases[0]}"` : `Unknown person ${p.reference}`)
            : key;
          return {
            id: key,
            type: "person",
            label: p && name ? `${label} (${p.reference})` : label,
            restricted: false,
            url,
            rso: p && maySeeRsoFlag(viewer, p.owning_agency_id) ? p.registered_sex_offender : null,
          };
        }
        const e = ents.get(r.id);
        return {
          id: key,
          type: e?.kind ?? "entity",
          label: e?.label ?? key,
          restricted: false,
          url,
          rso: null,
        };
      };
      const networks: NetworkSummary[] = analysis.networks.map((n, i) => {
        const all = n.members.map(describeNode);
        return {
          number: i + 1,
          size: n.size,
          anchor:
            n.brokers.find((b) => !b.id.startsWith("child:"))?.id ??
            n.members.find((m) => m.startsWith("person:")) ??
            n.members.find((m) => !m.startsWith("child:")) ??
            n.members[0],
          children: all
            .filter((x) => x.type === "child")
            .map(({ id, label, restricted, url }) => ({ id, label, restricted, url })),
          adults: all
            .filter((x) => x.type === "person")
            .map(({ id, label, url, rso }) => ({ id, label, url, rso })),
          places: all
            .filter((x) => x.type === "location" || x.type === "organisation")
            .map(({ id, label, url }) => ({ id, label, url })),
          other: all
            .filter((x) => !["child", "person", "location", "organisation"].includes(x.type))
            .map(({ id, label, type, url }) => ({ id, label, type, url })),
          brokers: n.brokers.map((b) => {
            const d = describeNode(b.id);
            return { id: b.id, label: d.label, type: d.type, betweenness: b.betweenness, url: d.url };
          }),
        };
      });
      const shown = [...kids.values()];
      await auditChildren(
        tx,
        shown
          .filter((c) => c.decision.read)
          .map((c) => ({
            userId: actor.userId,
            agencyId: actor.agencyId,
            requestId: actor.requestId,
            ip: actor.ip,
            action: "network.child",
            childId: c.id,
            fieldGroups: ["identity"],
            reason: "network list",
            details: { basis: c.decision.basis },
          })),
      );
      await audit(
        tx,
        auditFor(actor, {
          action: "network.list",
          recordType: "network",
          reason: "network list",
          fieldGroups: shown.some((c) => c.decision.read) ? ["identity"] : [],
          details: {
            window,
            networks: networks.length,
            children: shown.length,
            childrenWithIdentity: shown.filter((c) => c.decision.read).map((c) => c.reference),
          },
        }),
      );
      return {
        networks,
        communities: analysis.communities,
        modularity: analysis.modularity,
        components: analysis.components,
        nodes: analysis.nodes,
        edges: analysis.edges,
        exactBetweenness: analysis.exactBetweenness,
      };
    });
  }
}

/** Communities of the whole graph with two or more people, biggest first, each with its brokers. */
export function analyseNetworks(rows: readonly LinkRow[]): NetworkAnalysis {
  const ids: string[] = [];
  const index = new Map<string, number>();
  const idx = (k: string) => {
    let i = index.get(k);
    if (i === undefined) {
      i = ids.length;
      ids.push(k);
      index.set(k, i);
    }
    return i;
  };
  const src = new Int32Array(rows.length);
  const dst = new Int32Array(rows.length);
  rows.forEach((r, e) => {
    src[e] = idx(endKey(r, "from"));
    dst[e] = idx(endKey(r, "to"));
  });
  const csr = csrFromIndexedEdges({ n: ids.length, source: src, target: dst, ids });
  const comps = connectedComponents(csr);
  const comm = louvain(csr, { seed: 1, restarts: csr.m <= 50_000 ? 3 : 1 });
  // Exact betweenness on small graphs; sampled (the engine's default sources, linear scaling) beyond 2,000.
  const bc = betweenness(csr, { seed: 1, exactUpTo: 2000 });
  const brokers = findBrokers(csr, {
    betweenness: bc.values,
    membership: comm.membership,
    top: csr.n,
  }).filter((b) => !b.id.startsWith("child:"));
  const groups: number[][] = Array.from({ length: comm.count }, () => []);
  for (let i = 0; i < csr.n; i++) groups[comm.membership[i]].push(i);
  const networks = groups
    .map((g, c) => {
      const members = g.map((i) => csr.ids[i]);
      const people = members.filter((m) => m.startsWith("child:") || m.startsWith("person:")).length;
      const inside = brokers.filter((b) => b.community === c);
      const top = inside.length
        ? inside
        : g
            .filter((i) => bc.values[i] > 0 && !csr.ids[i].startsWith("child:"))
            .sort((x, y) => bc.values[y] - bc.values[x])
            .slice(0, 1)
            .map((i) => ({ id: csr.ids[i], betweenness: bc.values[i], communitiesReached: 1 }));
      return {
        members,
        size: members.length,
        people,
        brokers: top.slice(0, 3).map((b) => ({
          id: b.id,
          betweenness: Math.round(b.betweenness * 1e6) / 1e6,
          communitiesReached: b.communitiesReached,
        })),
      };
    })
    .filter((n) => n.people >= 2)
    .sort((a, b) => b.size - a.size)
    .map(({ members, size, brokers: b }) => ({ members, size, brokers: b }));
  return {
    networks,
    communities: comm.count,
    modularity: Math.round(comm.modularity * 1e4) / 1e4,
    components: comps.count,
    nodes: csr.n,
    edges: csr.m,
    exactBetweenness: bc.exact,
  };
}

/** The k-hop neighbourhood of one entity in a list of links, by the engine (used by tests and tools). */
export function egoOf(rows: readonly LinkRow[], centre: string, radius: number) {
  const nodes = new Map<string, EngineEntity>();
  const add = (r: LinkRow, side: "from" | "to") => {
    const k = endKey(r, side);
    if (!nodes.has(k)) nodes.set(k, { id: k, type: endType(r, side) ?? "child" });
  };
  for (const r of rows) {
    add(r, "from");
    add(r, "to");
  }
  const g = buildGraph(
    [...nodes.values()],
    rows.map((r) => ({ id: r.id, source: endKey(r, "from"), target: endKey(r, "to"), type: r.link_type })),
  );
  return egoNetwork(g, centre, radius);
}
