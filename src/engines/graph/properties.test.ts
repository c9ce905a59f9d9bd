// Property tests: invariants on random graphs, and graphology's own implementations as
// independent oracles for components and betweenness.
import { createRequire } from "node:module";
import fc from "fast-check";
import { DirectedGraph, UndirectedGraph } from "graphology";
import { countConnectedComponents } from "graphology-components";
import { describe, expect, it } from "vitest";
import { buildGraph, timeSlice } from "./build.ts";
import { betweenness, closeness } from "./centrality.ts";
import { louvain, modularity } from "./communities.ts";
import { connectedComponents } from "./components.ts";
import { type CsrGraph, csrFromIndexedEdges } from "./csr.ts";
import { egoNetwork, shortestPath } from "./paths.ts";
import type { LinkInput } from "./types.ts";

// CommonJS module whose typings declare a default export: load it with require for both tsc and vitest.
const graphologyBetweenness = createRequire(import.meta.url)(
  "graphology-metrics/centrality/betweenness",
) as typeof import("graphology-metrics/centrality/betweenness.js").default;

interface RandomGraph {
  n: number;
  edges: [number, number][];
  directed: boolean;
}

const randomGraph = (maxNodes = 24): fc.Arbitrary<RandomGraph> =>
  fc.record({ n: fc.integer({ min: 1, max: maxNodes }), directed: fc.boolean() }).chain(({ n, directed }) =>
    fc.record({
      n: fc.constant(n),
      directed: fc.constant(directed),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 }),
    }),
  );

function toCsr(r: RandomGraph): CsrGraph {
  return csrFromIndexedEdges({
    n: r.n,
    source: r.edges.map((e) => e[0]),
    target: r.edges.map((e) => e[1]),
    directed: r.directed,
  });
}

function toGraphology(r: RandomGraph) {
  const g = r.directed ? new DirectedGraph() : new UndirectedGraph();
  for (let i = 0; i < r.n; i++) g.addNode(String(i));
  for (const [s, t] of r.edges) if (s !== t) g.mergeEdge(String(s), String(t));
  return g;
}

const runs = { numRuns: 150, seed: 20240601 };

describe("graph properties", () => {
  it("components partition the nodes, keep each edge inside one, and agree with graphology", () => {
    fc.assert(
      fc.property(randomGraph(), (r) => {
        const c = connectedComponents(toCsr(r));
        expect(c.sizes.reduce((a, b) => a + b, 0)).toBe(r.n);
        for (const [s, t] of r.edges) expect(c.membership[s]).toBe(c.membership[t]);
        expect(c.count).toBe(countConnectedComponents(toGraphology({ ...r, directed: false })));
      }),
      runs,
    );
  });

  it("betweenness is ≥ 0 and ≤ 1, and equals graphology's normalised betweenness", () => {
    fc.assert(
      fc.property(randomGraph(), (r) => {
        const g = toCsr(r);
        const ours = betweenness(g).values;
        const theirs = graphologyBetweenness(toGraphology(r), { getEdgeWeight: null, normalized: true });
        for (let i = 0; i < r.n; i++) {
          expect(ours[i]).toBeGreaterThanOrEqual(0);
          expect(ours[i]).toBeLessThanOrEqual(1 + 1e-12);
          expect(ours[i]).toBeCloseTo(theirs[String(i)], 10);
        }
      }),
      runs,
    );
  });

  it("sampling every node as a source is exact", () => {
    fc.assert(
      fc.property(randomGraph(), fc.integer(), (r, seed) => {
        const g = toCsr(r);
        expect(Array.from(betweenness(g, { k: r.n, seed }).values)).toEqual(
          Array.from(betweenness(g).values),
        );
      }),
      { ...runs, numRuns: 50 },
    );
  });

  it("ego(k) ⊆ ego(k+1), distances ≤ k, and shortest paths have the ego distance", () => {
    fc.assert(
      fc.property(randomGraph(), fc.nat(), fc.integer({ min: 0, max: 4 }), (r, pick, k) => {
        const g = toCsr(r);
        const centre = String(pick % r.n);
        const small = egoNetwork(g, centre, k);
        const big = egoNetwork(g, centre, k + 1);
        const bigIds = new Map(big.nodes.map((n) => [n.id, n.distance]));
        for (const node of small.nodes) {
          expect(node.distance).toBeLessThanOrEqual(k);
          expect(bigIds.get(node.id)).toBe(node.distance);
          const path = shortestPath(g, centre, node.id, { direction: "both" });
          expect(path).not.toBeNull();
          expect(path!.length - 1).toBe(node.distance);
        }
        expect(small.nodes.length).toBeLessThanOrEqual(big.nodes.length);
        expect(small.edges.length).toBeLessThanOrEqual(big.edges.length);
      }),
      runs,
    );
  });

  it("shortest paths are walks along existing links", () => {
    fc.assert(
      fc.property(randomGraph(), fc.nat(), fc.nat(), (r, a, b) => {
        const g = toCsr(r);
        const from = a % r.n;
        const to = b % r.n;
        const path = shortestPath(g, String(from), String(to));
        const links = new Set(r.edges.map(([s, t]) => `${s}>${t}`));
        if (!r.directed) for (const [s, t] of r.edges) links.add(`${t}>${s}`);
        if (path === null) return;
        expect(path[0]).toBe(String(from));
        expect(path[path.length - 1]).toBe(String(to));
        for (let i = 1; i < path.length; i++) expect(links.has(`${path[i - 1]}>${path[i]}`)).toBe(true);
      }),
      runs,
    );
  });

  it("Louvain labels every node, reports the modularity of its partition, and beats singletons", () => {
    fc.assert(
      fc.property(randomGraph(30), fc.integer({ min: 0, max: 1000 }), (r, seed) => {
        const g = toCsr(r);
        const res = louvain(g, { seed });
        expect(res.membership.length).toBe(r.n);
        expect(res.sizes.reduce((x, y) => x + y, 0)).toBe(r.n);
        expect(res.modularity).toBeCloseTo(modularity(g, res.membership), 12);
        expect(res.modularity).toBeLessThanOrEqual(1);
        const singletons = modularity(
          g,
          Array.from({ length: r.n }, (_, i) => i),
        );
        expect(res.modularity).toBeGreaterThanOrEqual(singletons - 1e-12);
      }),
      runs,
    );
  });

  it("closeness lies in [0, 1]", () => {
    fc.assert(
      fc.property(randomGraph(), (r) => {
        for (const c of closeness(toCsr(r))) {
          expect(c).toBeGreaterThanOrEqual(0);
          expect(c).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
      runs,
    );
  });

  it("a wider time window never loses links", () => {
    const day = (d: number) => new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
    const link = fc.record({
      s: fc.nat(5),
      t: fc.nat(5),
      from: fc.option(fc.nat(60)),
      len: fc.option(fc.nat(30)),
    });
    fc.assert(
      fc.property(
        fc.array(link, { maxLength: 20 }),
        fc.nat(60),
        fc.nat(20),
        fc.nat(20),
        (ls, start, len, grow) => {
          const entities = Array.from({ length: 6 }, (_, i) => ({ id: `e${i}`, type: "person" as const }));
          const links: LinkInput[] = ls.map((l, i) => ({
            id: `l${i}`,
            source: `e${l.s}`,
            target: `e${l.t}`,
            type: "associate",
            from: l.from === null ? null : day(l.from),
            to: l.from === null || l.len === null ? null : day(l.from + l.len),
          }));
          const g = buildGraph(entities, links);
          const narrow = timeSlice(g, { from: day(start), to: day(start + len) });
          const wide = timeSlice(g, { from: day(Math.max(0, start - grow)), to: day(start + len + grow) });
          for (const e of narrow.edges()) expect(wide.hasEdge(e)).toBe(true);
        },
      ),
      runs,
    );
  });
});
