import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster, clusterSizeDistribution, UnionFind } from "./cluster.ts";

describe("union-find clustering", () => {
  it("joins transitively and keeps singletons", () => {
    const pairsI = Int32Array.from([0, 1, 3, 5]);
    const pairsJ = Int32Array.from([1, 2, 4, 6]);
    const prob = Float32Array.from([0.99, 0.95, 0.5, 0.97]);
    const ids = cluster(8, pairsI, pairsJ, prob, 0.9);
    expect([...ids]).toEqual([0, 0, 0, 1, 2, 3, 3, 4]);
    expect(clusterSizeDistribution(ids)).toEqual([
      [1, 3],
      [2, 1],
      [3, 1],
    ]);
  });

  it("does not join flagged pairs", () => {
    const ids = cluster(
      2,
      Int32Array.from([0]),
      Int32Array.from([1]),
      Float32Array.from([1]),
      0.9,
      Uint8Array.from([1]),
    );
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("agrees with a graph search on random graphs", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(29), fc.nat(29)), { maxLength: 40 }), (edges) => {
        const n = 30;
        const uf = new UnionFind(n);
        for (const [a, b] of edges) uf.union(a, b);
        const adj = Array.from({ length: n }, () => [] as number[]);
        for (const [a, b] of edges) {
          adj[a]!.push(b);
          adj[b]!.push(a);
        }
        const comp = new Array<number>(n).fill(-1);
        for (let s = 0; s < n; s++) {
          if (comp[s] !== -1) continue;
          const stack = [s];
          comp[s] = s;
          while (stack.length) {
            for (const x of adj[stack.pop()!]!) {
              if (comp[x] !== -1) continue;
              comp[x] = s;
              stack.push(x);
            }
          }
        }
        // same partition: the map root → component is one-to-one
        const rootToComp = new Map<number, number>();
        const compToRoot = new Map<number, number>();
        for (let a = 0; a < n; a++) {
          const r = uf.find(a);
          const c = comp[a]!;
          if ((rootToComp.get(r) ?? c) !== c || (compToRoot.get(c) ?? r) !== r) return false;
          rootToComp.set(r, c);
          compToRoot.set(c, r);
        }
        return true;
      }),
    );
  });
});
