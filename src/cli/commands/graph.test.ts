// The `lantern graph` commands: the main cases through the real command line (`node
// bin/lantern.js graph …`, as a user runs it), the rest in-process through commander (faster).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { register } from "./graph.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const karate = join(root, "test/fixtures/graph/karate.csv");
const networkx = JSON.parse(readFileSync(join(root, "test/fixtures/graph/karate-networkx.json"), "utf8")) as {
  betweenness: Record<string, number>;
};

function lantern(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, "bin/lantern.js"), ...args],
      { cwd: root },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Runs `lantern <args>` in this process, capturing stdout, stderr and the exit code. */
async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command("lantern").exitOverride();
  register(program);
  const out: string[] = [];
  const err: string[] = [];
  const so = vi.spyOn(process.stdout, "write").mockImplementation((s) => out.push(String(s)) > 0);
  const se = vi.spyOn(process.stderr, "write").mockImplementation((s) => err.push(String(s)) > 0);
  process.exitCode = undefined;
  try {
    await program.parseAsync(["node", "lantern", ...args]);
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout: out.join(""), stderr: err.join("") };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lantern-graph-cli-"));
  writeFileSync(join(dir, "one-column.csv"), "id\na\nb\n");
  writeFileSync(join(dir, "bad-weight.csv"), "from,to,calls\nA,B,3\nB,C,lots\nC,A,1\n");
  writeFileSync(join(dir, "weighted.csv"), "from,to,calls\nA,B,5\nB,A,5\nB,C,1\nC,D,5\nD,D,2\nE,F,1\n");
});

describe("lantern graph stats", () => {
  it("prints the documented JSON for karate with networkx's values", async () => {
    const r = await lantern("graph", "stats", "--edges", karate, "--format", "json");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual([
      "nodes",
      "edges",
      "components",
      "largest_component",
      "communities",
      "modularity",
      "top_degree",
      "top_betweenness",
    ]);
    expect(out).toMatchObject({ nodes: 34, edges: 78, components: 1, largest_component: 34, communities: 4 });
    expect(out.modularity).toBeGreaterThan(0.41);
    expect(out.modularity).toBeLessThan(0.42);
    expect(out.top_degree).toHaveLength(10);
    expect(out.top_degree.slice(0, 3)).toEqual([
      { id: "33", value: 17 },
      { id: "0", value: 16 },
      { id: "32", value: 12 },
    ]);
    expect(out.top_betweenness).toHaveLength(10);
    expect(out.top_betweenness.map((t: { id: string }) => t.id).slice(0, 5)).toEqual([
      "0",
      "33",
      "32",
      "2",
      "31",
    ]);
    for (const { id, value } of out.top_betweenness) expect(value).toBeCloseTo(networkx.betweenness[id], 12);
  });

  it("prints a readable table by default, and honours --top, --weight and --directed", async () => {
    const [table, weighted, directed] = await Promise.all([
      lantern("graph", "stats", "--edges", karate, "--top", "3"),
      lantern(
        "graph",
        "stats",
        "--edges",
        join(dir, "weighted.csv"),
        "--weight",
        "calls",
        "--format",
        "json",
      ),
      lantern("graph", "stats", "--edges", karate, "--directed", "--format", "json", "--top", "1"),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Nodes\s+34$/m);
    expect(table.stdout).toMatch(/Top 3 by betweenness/);
    expect(table.stdout).toMatch(/^ *1 +0 +0\.437635$/m);
    expect(table.stdout).toMatch(/^ *3 +32 +12$/m);
    expect(table.stdout).not.toMatch(/^ *4 /m);
    // A-B (twice, merged: 10) and C-D (5) are strong, B-C weak: {A,B}, {C,D}, {E,F}.
    const w = JSON.parse(weighted.stdout);
    expect(w).toMatchObject({ nodes: 6, edges: 4, components: 2, largest_component: 4, communities: 3 });
    expect(weighted.stderr).toMatch(/1 repeated link\(s\) merged/);
    expect(weighted.stderr).toMatch(/1 self-link\(s\) ignored/);
    const d = JSON.parse(directed.stdout);
    expect(d.top_degree).toEqual([{ id: "33", value: 17 }]);
    expect(d.top_betweenness[0].id).toBe("2");
  });

  it("fails with one clear line and exit code 1 on bad input", async () => {
    const missing = await lantern("graph", "stats", "--edges", join(dir, "nope.csv"));
    const oneColumn = await inProcess("graph", "stats", "--edges", join(dir, "one-column.csv"));
    const badWeight = await inProcess(
      "graph",
      "stats",
      "--edges",
      join(dir, "bad-weight.csv"),
      "--weight",
      "calls",
    );
    const noColumn = await inProcess("graph", "stats", "--edges", karate, "--weight", "calls");
    const badScaling = await inProcess("graph", "stats", "--edges", karate, "--scaling", "log");
    const linearDirected = await inProcess(
      "graph",
      "stats",
      "--edges",
      karate,
      "--directed",
      "--scaling",
      "linear",
    );
    for (const r of [missing, oneColumn, badWeight, noColumn, badScaling, linearDirected]) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(missing.stderr).toMatch(/edges file not found: .*nope\.csv/);
    expect(oneColumn.stderr).toMatch(/has 1 column in its header; an edge list needs at least two/);
    expect(badWeight.stderr).toMatch(/line 3: weight "lots" in column "calls" is not a number/);
    expect(noColumn.stderr).toMatch(/no column named "calls"/);
    expect(badScaling.stderr).toMatch(/--scaling must be "linear" or "plain", not "log"/);
    expect(linearDirected.stderr).toMatch(/--scaling linear needs an undirected graph/);
  });

  it("samples betweenness beyond --exact-up-to, with linear scaling unless told plain", async () => {
    const args = ["graph", "stats", "--edges", karate, "--exact-up-to", "10", "--samples", "8"];
    // One at a time: inProcess captures this process's stdout and stderr.
    const linear = await inProcess(...args, "--format", "json");
    const plain = await inProcess(...args, "--format", "json", "--scaling", "plain");
    expect(linear.code).toBe(0);
    expect(linear.stderr).toMatch(/estimated from 8 sampled source nodes \(seed 1, linear scaling\)/);
    expect(plain.stderr).toMatch(/estimated from 8 sampled source nodes \(seed 1, plain scaling\)/);
    const a = JSON.parse(linear.stdout).top_betweenness;
    const b = JSON.parse(plain.stdout).top_betweenness;
    expect(a).toHaveLength(10);
    expect(a).not.toEqual(b);
  });
});

describe("lantern graph path / ego", () => {
  it("finds shortest paths and ego networks", async () => {
    const path = await inProcess(
      "graph",
      "path",
      "--edges",
      karate,
      "--from",
      "16",
      "--to",
      "25",
      "--all",
      "--format",
      "json",
    );
    const ego = await inProcess(
      "graph",
      "ego",
      "--edges",
      karate,
      "--node",
      "16",
      "--hops",
      "2",
      "--format",
      "json",
    );
    expect(JSON.parse(path.stdout)).toEqual({
      from: "16",
      to: "25",
      length: 4,
      paths: [
        ["16", "5", "0", "31", "25"],
        ["16", "6", "0", "31", "25"],
      ],
    });
    const e = JSON.parse(ego.stdout);
    expect(e.nodes).toHaveLength(6);
    expect(e.edges).toHaveLength(10);
  });
});
