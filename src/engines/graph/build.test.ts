import { describe, expect, it } from "vitest";
import { findBrokers } from "./brokers.ts";
import { asCsr, buildGraph, csrFromGraph, inducedSubgraph, parseDateBound, timeSlice } from "./build.ts";
import { betweenness, closeness, degree } from "./centrality.ts";
import { louvain } from "./communities.ts";
import { connectedComponents } from "./components.ts";
import { egoNetwork, shortestPath } from "./paths.ts";
import { graphStats } from "./stats.ts";
import { byId, fromPairs, karate } from "./testing.ts";
import { type EntityInput, GraphInputError, type LinkInput } from "./types.ts";

// A small synthetic county-lines style chart: two groups linked through one adult and a phone.
const entities: EntityInput[] = [
  { id: "c1", type: "child", label: "Child A" },
  { id: "c2", type: "child", label: "Child B" },
  { id: "c3", type: "child" },
  { id: "p1", type: "person", label: "Adult X" },
  { id: "p2", type: "person" },
  { id: "ph1", type: "phone" },
  { id: "l1", type: "location", label: "Flat, High Street" },
  { id: "v1", type: "vehicle" },
  { id: "o1", type: "online_account" },
  { id: "g1", type: "organisation" },
];
const links: LinkInput[] = [
  { id: "e1", source: "c1", target: "p1", type: "associate", from: "2024-01-01", to: "2024-03-31" },
  { id: "e2", source: "c2", target: "p1", type: "associate", from: "2024-02-15", to: "2024-06-30" },
  { id: "e3", source: "p1", target: "ph1", type: "uses", from: "2024-01-01" },
  { id: "e4", source: "p2", target: "ph1", type: "uses", from: "2024-05-01" },
  { id: "e5", source: "c3", target: "l1", type: "seen_at", from: "2024-04-10", to: "2024-04-10" },
  { id: "e6", source: "p2", target: "l1", type: "seen_at", weight: 3 },
  { id: "e7", source: "p2", target: "v1", type: "owns" },
  { id: "e8", source: "c1", target: "o1", type: "messaged_by", from: "2024-03-01", to: "2024-03-02" },
  {
    id: "e9",
    source: "c1",
    target: "p1",
    type: "seen_with",
    from: "2024-07-01",
    to: "2024-07-01",
    weight: 2,
  },
];

describe("building the link chart", () => {
  it("keeps typed entities and typed, dated, weighted links (parallel links allowed)", () => {
    const g = buildGraph(entities, links);
    expect(g.order).toBe(10);
    expect(g.size).toBe(9);
    expect(g.getNodeAttributes("c1")).toMatchObject({ type: "child", label: "Child A" });
    expect(g.getNodeAttributes("c3").label).toBe("c3");
    expect(g.getEdgeAttributes("e1")).toMatchObject({
      type: "associate",
      weight: 1,
      start: Date.UTC(2024, 0, 1),
      end: Date.UTC(2024, 2, 31) + 86_400_000 - 1,
    });
    expect(g.getEdgeAttributes("e3").end).toBeNull();
    expect(g.edges("c1", "p1").sort()).toEqual(["e1", "e9"]);
  });

  it("rejects bad input with a GraphInputError naming the problem", () => {
    const bad = (e: EntityInput[], l: LinkInput[]) => () => buildGraph(e, l);
    expect(bad([{ id: "x", type: "gang" as never }], [])).toThrow(/unknown type "gang"/);
    expect(bad([entities[0], entities[0]], [])).toThrow(/appears twice/);
    expect(bad(entities, [{ source: "c1", target: "zz", type: "associate" }])).toThrow(/unknown entity zz/);
    expect(bad(entities, [{ source: "c1", target: "p1", type: "associate", weight: 0 }])).toThrow(
      GraphInputError,
    );
    expect(bad(entities, [{ source: "c1", target: "p1", type: "associate", from: "2024-02-30" }])).toThrow(
      /not a valid date/,
    );
    expect(
      bad(entities, [{ source: "c1", target: "p1", type: "x", from: "2024-03-01", to: "2024-02-01" }]),
    ).toThrow(/ends before it starts/);
    expect(bad(entities, [{ source: "c1", target: "p1", type: "" }])).toThrow(/has no type/);
  });

  it("parses date bounds: a date is a whole UTC day", () => {
    expect(parseDateBound("2024-03-01", "start")).toBe(Date.UTC(2024, 2, 1));
    expect(parseDateBound("2024-03-01", "end")).toBe(Date.UTC(2024, 2, 2) - 1);
    expect(parseDateBound("2024-03-01T10:00:00Z", "end")).toBe(Date.UTC(2024, 2, 1, 10));
    expect(parseDateBound(new Date(5), "start")).toBe(5);
    expect(() => parseDateBound("soon", "start")).toThrow(GraphInputError);
  });

  it("converts to CSR merging parallel links (weights summed)", () => {
    const g = buildGraph(entities, links);
    const csr = csrFromGraph(g);
    expect(csr.n).toBe(10);
    expect(csr.m).toBe(8);
    expect(csr.mergedDuplicates).toBe(1);
    expect(byId(csr, degree(csr, { weighted: true })).c1).toBe(1 + 2 + 1);
    expect(asCsr(csr)).toBe(csr);
    // Algorithms accept the graphology graph directly.
    expect(connectedComponents(g).sizes).toEqual([9, 1]); // the organisation has no links
    expect(shortestPath(g, "c2", "v1")).toEqual(["c2", "p1", "ph1", "p2", "v1"]);
    expect(egoNetwork(g, "p1", 1).nodes.map((n) => n.id)).toEqual(["p1", "c1", "c2", "ph1"]);
  });
});

describe("time slicing", () => {
  it("keeps links active at some moment of the window, open ends included", () => {
    const g = buildGraph(entities, links);
    const march = timeSlice(g, { from: "2024-03-01", to: "2024-03-31" });
    expect(march.edges().sort()).toEqual(["e1", "e2", "e3", "e6", "e7", "e8"]);
    expect(march.hasNode("c3")).toBe(false); // seen only on 10 April
    expect(march.getNodeAttributes("c1").type).toBe("child");
    const april10 = timeSlice(g, { from: "2024-04-10", to: "2024-04-10" });
    expect(april10.edges().sort()).toEqual(["e2", "e3", "e5", "e6", "e7"]);
    // A link ending on a date is active through that whole day.
    expect(timeSlice(g, { from: "2024-03-31T23:00:00Z", to: "2024-03-31T23:30:00Z" }).hasEdge("e1")).toBe(
      true,
    );
    expect(timeSlice(g, { from: "2024-04-01", to: "2024-04-05" }).hasEdge("e1")).toBe(false);
  });

  it("open windows, kept isolated entities, and analysis of a slice", () => {
    const g = buildGraph(entities, links);
    expect(timeSlice(g, {}).size).toBe(9);
    const summer = timeSlice(g, { from: "2024-07-01" }, { isolated: "keep" });
    expect(summer.order).toBe(10);
    expect(summer.edges().sort()).toEqual(["e3", "e4", "e6", "e7", "e9"]);
    expect(shortestPath(summer, "c1", "p2")).toEqual(["c1", "p1", "ph1", "p2"]);
    const january = timeSlice(g, { to: "2024-02-01" }, { isolated: "keep" });
    expect(shortestPath(january, "c1", "c2")).toBeNull();
    expect(timeSlice(g, { to: "2024-02-01" }).hasNode("c2")).toBe(false);
    expect(() => timeSlice(g, { from: "2024-02-01", to: "2024-01-01" })).toThrow(GraphInputError);
  });

  it("takes induced subgraphs with attributes", () => {
    const g = buildGraph(entities, links);
    const sub = inducedSubgraph(g, ["c1", "p1", "ph1"]);
    expect(sub.order).toBe(3);
    expect(sub.edges().sort()).toEqual(["e1", "e3", "e9"]);
    expect(sub.getEdgeAttributes("e9").weight).toBe(2);
  });
});

describe("brokers", () => {
  it("picks the bridge between two communities", () => {
    // Two K5s (a*, b*) with a0 and b0 joined through the broker x.
    const pairs: string[] = [];
    for (const side of ["a", "b"])
      for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) pairs.push(`${side}${i}-${side}${j}`);
    pairs.push("a0-x", "x-b0");
    const g = fromPairs(pairs);
    const membership = louvain(g).membership;
    const m = byId(g, membership);
    expect(m.a1).not.toBe(m.b1);
    const brokers = findBrokers(g, { top: 3, membership });
    // x joins one side; the clique node on the other side of x's link also bridges.
    const other = m.x === m.a1 ? "b0" : "a0";
    expect(brokers.map((b) => b.id)).toEqual(["x", other]);
    expect(brokers[0]).toMatchObject({ communitiesReached: 2, degree: 2, participation: 0.5 });
    expect(brokers[0].betweenness).toBeCloseTo(byId(g, betweenness(g).values).x, 12);
    // Nodes inside one clique are never brokers.
    expect(findBrokers(g, { top: 20 }).some((b) => b.id === "a3")).toBe(false);
  });

  it("uses precomputed betweenness and communities when given", () => {
    const g = karate();
    const membership = new Int32Array(34); // one community: nobody bridges
    expect(findBrokers(g, { membership })).toEqual([]);
    const top = findBrokers(g, { top: 2 });
    expect(top.map((b) => b.id)).toEqual(["0", "33"]);
  });
});

describe("graphStats", () => {
  it("summarises karate (the figures `lantern graph stats` prints)", async () => {
    const r = await graphStats(karate(), { top: 3 });
    expect(r.stats).toMatchObject({
      nodes: 34,
      edges: 78,
      components: 1,
      largest_component: 34,
      communities: 4,
    });
    expect(r.stats.modularity).toBeCloseTo(0.4198, 4);
    expect(r.stats.top_degree).toEqual([
      { id: "33", value: 17 },
      { id: "0", value: 16 },
      { id: "32", value: 12 },
    ]);
    expect(r.stats.top_betweenness.map((t) => t.id)).toEqual(["0", "33", "32"]);
    expect(r.stats.top_betweenness[0].value).toBeCloseTo(0.43763528, 7);
    expect(r.betweenness).toEqual({ exact: true, sources: 34, scaling: "plain" });
    expect(r.louvainRuns).toBe(10);
  });

  it("samples betweenness beyond exactUpTo", async () => {
    const r = await graphStats(karate(), { exactUpTo: 20, samples: 8 });
    expect(r.betweenness).toEqual({ exact: false, sources: 8, scaling: "linear" });
  });

  it("closeness of the chart's hub", () => {
    const g = buildGraph(entities, links);
    const c = byId(asCsr(g), closeness(g));
    expect(c.p1).toBeGreaterThan(c.c3);
  });
});
