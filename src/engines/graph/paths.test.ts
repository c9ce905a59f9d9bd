import { describe, expect, it } from "vitest";
import { allShortestPaths, distance, egoNetwork, shortestPath } from "./paths.ts";
import { fromPairs, karate } from "./testing.ts";
import { GraphInputError } from "./types.ts";

describe("ego networks", () => {
  it("matches networkx ego_graph on karate (node 16, radius 2: 6 nodes, 10 edges)", () => {
    const ego = egoNetwork(karate(), "16", 2);
    expect(ego.nodes.map((n) => n.id).sort()).toEqual(["0", "10", "16", "4", "5", "6"]);
    expect(ego.nodes[0]).toEqual({ id: "16", distance: 0 });
    expect(
      ego.nodes
        .filter((n) => n.distance === 1)
        .map((n) => n.id)
        .sort(),
    ).toEqual(["5", "6"]);
    expect(ego.edges).toHaveLength(10);
  });

  it("radius 0 is the centre alone; radius 1 the neighbours; induced edges among them", () => {
    const g = fromPairs(["a-b", "a-c", "b-c", "c-d", "d-e"]);
    expect(egoNetwork(g, "a", 0)).toEqual({
      centre: "a",
      radius: 0,
      nodes: [{ id: "a", distance: 0 }],
      edges: [],
    });
    const one = egoNetwork(g, "a", 1);
    expect(one.nodes.map((n) => n.id)).toEqual(["a", "b", "c"]);
    expect(one.edges.map((e) => `${e.source}-${e.target}`).sort()).toEqual(["a-b", "a-c", "b-c"]);
  });

  it("follows links in the chosen direction", () => {
    const g = fromPairs(["a-b", "c-a", "b-d"], { directed: true });
    const ids = (dir: "in" | "out" | "both") =>
      egoNetwork(g, "a", 2, { direction: dir })
        .nodes.map((n) => n.id)
        .sort();
    expect(ids("out")).toEqual(["a", "b", "d"]);
    expect(ids("in")).toEqual(["a", "c"]);
    expect(ids("both")).toEqual(["a", "b", "c", "d"]);
  });

  it("rejects an unknown centre or a bad radius", () => {
    expect(() => egoNetwork(karate(), "nobody", 1)).toThrow(GraphInputError);
    expect(() => egoNetwork(karate(), "0", -1)).toThrow(GraphInputError);
    expect(() => egoNetwork(karate(), "0", 1.5)).toThrow(GraphInputError);
  });
});

describe("shortest paths", () => {
  it("finds both shortest paths from 16 to 25 in karate (as networkx all_shortest_paths)", () => {
    const g = karate();
    expect(allShortestPaths(g, "16", "25")).toEqual([
      ["16", "5", "0", "31", "25"],
      ["16", "6", "0", "31", "25"],
    ]);
    expect(shortestPath(g, "16", "25")).toEqual(["16", "5", "0", "31", "25"]);
    expect(distance(g, "16", "25")).toBe(4);
    expect(distance(g, "16", "16")).toBe(0);
    expect(allShortestPaths(g, "16", "25", { limit: 1 })).toHaveLength(1);
  });

  it("returns null / [] when unreachable, and follows direction when directed", () => {
    const g = fromPairs(["a-b", "c-d"]);
    expect(shortestPath(g, "a", "d")).toBeNull();
    expect(allShortestPaths(g, "a", "d")).toEqual([]);
    expect(distance(g, "a", "d")).toBeNull();
    const d = fromPairs(["a-b", "b-c", "c-a"], { directed: true });
    expect(shortestPath(d, "a", "c")).toEqual(["a", "b", "c"]);
    expect(shortestPath(d, "c", "b")).toEqual(["c", "a", "b"]);
    expect(shortestPath(d, "a", "c", { direction: "in" })).toEqual(["a", "c"]);
    expect(shortestPath(d, "a", "c", { direction: "both" })).toEqual(["a", "c"]);
  });

  it("counts every shortest path in a grid", () => {
    // 3×3 grid: from corner to opposite corner there are C(4,2) = 6 shortest paths of 4 links.
    const pairs: string[] = [];
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) {
        if (c < 2) pairs.push(`${r}${c}-${r}${c + 1}`);
        if (r < 2) pairs.push(`${r}${c}-${r + 1}${c}`);
      }
    const paths = allShortestPaths(fromPairs(pairs), "00", "22");
    expect(paths).toHaveLength(6);
    for (const p of paths) expect(p).toHaveLength(5);
    expect(new Set(paths.map((p) => p.join())).size).toBe(6);
  });

  it("rejects unknown ids", () => {
    expect(() => shortestPath(karate(), "0", "99")).toThrow(/no entity with id 99/);
  });
});
