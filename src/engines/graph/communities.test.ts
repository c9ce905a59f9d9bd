import { describe, expect, it } from "vitest";
import { louvain, modularity, numberBySize } from "./communities.ts";
import { byId, fromPairs, karate, networkxKarate } from "./testing.ts";

/** `count` cliques of `size` nodes joined in a ring by one edge each (networkx ring_of_cliques). */
function ringOfCliques(count: number, size: number) {
  const pairs: string[] = [];
  for (let c = 0; c < count; c++) {
    for (let i = 0; i < size; i++)
      for (let j = i + 1; j < size; j++) pairs.push(`${c * size + i}-${c * size + j}`);
    pairs.push(`${c * size + 1}-${((c + 1) % count) * size}`);
  }
  return fromPairs(pairs);
}

describe("modularity", () => {
  it("matches networkx for the two karate factions", () => {
    const g = karate();
    const nx = networkxKarate();
    const side = new Map<string, number>();
    nx.factions.forEach((ids, c) => {
      for (const id of ids) side.set(id, c);
    });
    const labels = g.ids.map((id) => side.get(id)!);
    expect(modularity(g, labels)).toBeCloseTo(nx.factions_modularity, 12);
    expect(modularity(g, labels)).toBeCloseTo(0.3582, 4);
  });

  it("is 0 for one community or a graph without edges, and follows the resolution", () => {
    const g = karate();
    expect(modularity(g, new Array(34).fill(0))).toBeCloseTo(0, 12);
    expect(modularity(fromPairs([], { nodes: ["a", "b"] }), [0, 1])).toBe(0);
    // Ring of 6 K5s, one community per clique: each has 20 (doubled) inner weight of 2m = 132
    // and degree sum 22, so Q = 6 × (20/132 − (22/132)²) = 0.742424…
    const ring = ringOfCliques(6, 5);
    const cliques = ring.ids.map((id) => Math.floor(Number(id) / 5));
    expect(modularity(ring, cliques)).toBeCloseTo(6 * (20 / 132 - (22 / 132) ** 2), 12);
    expect(modularity(ring, cliques, { resolution: 2 })).toBeCloseTo(
      6 * (20 / 132 - 2 * (22 / 132) ** 2),
      12,
    );
  });

  it("rejects a membership of the wrong length", () => {
    expect(() => modularity(karate(), [0, 1])).toThrow(RangeError);
  });
});

describe("Louvain", () => {
  it("finds communities on karate with modularity 0.41–0.42 (best of 10 runs: 0.4198)", () => {
    const g = karate();
    const best = louvain(g, { restarts: 10 });
    expect(best.modularity).toBeCloseTo(0.41978961, 6);
    expect(best.count).toBe(4);
    expect(best.sizes).toEqual([12, 11, 6, 5]);
    expect(best.modularity).toBeCloseTo(modularity(g, best.membership), 12);
    // Single runs: mostly 0.4188–0.4198, an unlucky visiting order lower; never below 0.39.
    const single = Array.from({ length: 20 }, (_, s) => louvain(g, { seed: s + 1 }).modularity);
    for (const q of single) {
      expect(q).toBeGreaterThan(0.39);
      expect(q).toBeLessThanOrEqual(0.41979);
    }
    expect(single.filter((q) => q >= 0.41).length).toBeGreaterThanOrEqual(17);
  });

  it("is deterministic for a seed", () => {
    const g = karate();
    const a = louvain(g, { seed: 3 });
    const b = louvain(g, { seed: 3 });
    expect(Array.from(a.membership)).toEqual(Array.from(b.membership));
    expect(a.modularity).toBe(b.modularity);
  });

  it("recovers planted cliques", () => {
    const ring = ringOfCliques(6, 5);
    const r = louvain(ring);
    expect(r.count).toBe(6);
    expect(r.modularity).toBeCloseTo(0.742424, 5);
    for (let c = 0; c < 6; c++) {
      const labels = new Set([0, 1, 2, 3, 4].map((i) => byId(ring, r.membership)[String(c * 5 + i)]));
      expect(labels.size).toBe(1);
    }
  });

  it("uses weights as tie strength", () => {
    // A 4-cycle a-b-c-d: strong a-b and c-d ties split it as {a,b},{c,d}; strong b-c and d-a as {b,c},{d,a}.
    const one = louvain(fromPairs(["a-b-10", "b-c-1", "c-d-10", "d-a-1"]));
    const m1 = byId(fromPairs(["a-b-10", "b-c-1", "c-d-10", "d-a-1"]), one.membership);
    expect(m1.a).toBe(m1.b);
    expect(m1.c).toBe(m1.d);
    expect(m1.a).not.toBe(m1.c);
    const g2 = fromPairs(["a-b-1", "b-c-10", "c-d-1", "d-a-10"]);
    const m2 = byId(g2, louvain(g2).membership);
    expect(m2.b).toBe(m2.c);
    expect(m2.d).toBe(m2.a);
    expect(m2.a).not.toBe(m2.b);
  });

  it("gives isolated nodes and edgeless graphs communities of their own", () => {
    const g = fromPairs(["a-b", "b-c", "c-a"], { nodes: ["x", "y"] });
    const r = louvain(g);
    expect(r.count).toBe(3);
    expect(r.sizes).toEqual([3, 1, 1]);
    const empty = louvain(fromPairs([], { nodes: ["p", "q"] }));
    expect(empty).toMatchObject({ count: 2, modularity: 0, levels: 0 });
  });

  it("clusters directed graphs through their undirected view", () => {
    const g = fromPairs(["a-b", "b-c", "c-a", "d-e", "e-f", "f-d", "c-d"], { directed: true });
    const r = louvain(g);
    const m = byId(g, r.membership);
    expect(m.a === m.b && m.b === m.c).toBe(true);
    expect(m.d === m.e && m.e === m.f).toBe(true);
    expect(m.a).not.toBe(m.d);
  });

  it("numbers communities by size, largest first", () => {
    expect(numberBySize([7, 7, 3, 9, 9, 9])).toEqual({
      membership: Int32Array.from([1, 1, 2, 0, 0, 0]),
      sizes: [3, 2, 1],
    });
  });
});
