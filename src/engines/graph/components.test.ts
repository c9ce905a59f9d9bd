import { describe, expect, it } from "vitest";
import { componentGroups, connectedComponents } from "./components.ts";
import { fromPairs, karate } from "./testing.ts";

describe("connected components", () => {
  it("counts components of constructed graphs, isolated nodes included", () => {
    const g = fromPairs(["a-b", "b-c", "d-e", "f-g", "g-h", "h-f", "h-i"], { nodes: ["z"] });
    const c = connectedComponents(g);
    expect(c.count).toBe(4);
    expect(c.sizes).toEqual([4, 3, 2, 1]);
    expect(c.largest).toBe(4);
    expect(componentGroups(g)).toEqual([["f", "g", "h", "i"], ["a", "b", "c"], ["d", "e"], ["z"]]);
  });

  it("karate is one component; an empty graph has none", () => {
    expect(connectedComponents(karate())).toMatchObject({ count: 1, largest: 34 });
    expect(connectedComponents(fromPairs([]))).toMatchObject({ count: 0, largest: 0, sizes: [] });
  });

  it("treats directed graphs as weakly connected", () => {
    const g = fromPairs(["a-b", "c-b", "d-e"], { directed: true });
    expect(connectedComponents(g).sizes).toEqual([3, 2]);
  });

  it("breaks size ties by the lowest node", () => {
    const g = fromPairs(["x-y", "a-b"]);
    expect(componentGroups(g)).toEqual([
      ["x", "y"],
      ["a", "b"],
    ]);
  });
});
