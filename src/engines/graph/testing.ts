// Helpers shared by this engine's tests (not exported from index.ts).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type CsrGraph, EdgeListBuilder } from "./csr.ts";

export const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../test/fixtures/graph/${name}`, import.meta.url));

/** Zachary's karate club (78 edges, nodes "0".."33"), from the CSV fixture. */
export function karate(directed = false): CsrGraph {
  const b = new EdgeListBuilder();
  const lines = readFileSync(fixture("karate.csv"), "utf8").trim().split("\n").slice(1);
  for (const line of lines) {
    const [s, t] = line.split(",");
    b.addEdge(s, t);
  }
  return b.build({ directed });
}

export interface NetworkxKarate {
  betweenness: Record<string, number>;
  betweenness_directed: Record<string, number>;
  closeness: Record<string, number>;
  closeness_directed: Record<string, number>;
  factions: string[][];
  factions_modularity: number;
}

export const networkxKarate = (): NetworkxKarate =>
  JSON.parse(readFileSync(fixture("karate-networkx.json"), "utf8")) as NetworkxKarate;

/** Graph from "a-b" strings (undirected unless told). */
export function fromPairs(pairs: string[], options: { directed?: boolean; nodes?: string[] } = {}): CsrGraph {
  const b = new EdgeListBuilder();
  for (const id of options.nodes ?? []) b.node(id);
  for (const p of pairs) {
    const [s, t, w] = p.split("-");
    b.addEdge(s, t, w === undefined ? 1 : Number(w));
  }
  return b.build({ directed: options.directed });
}

/** Value of each node by id. */
export function byId(g: CsrGraph, values: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < g.n; i++) out[g.ids[i]] = values[i];
  return out;
}
