// The `lantern link` command end to end (a child process), on a small fixture.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lantern, repoRoot } from "../../../test/fixtures/linkage/lantern-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lantern-link-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = join(repoRoot, "test/fixtures/linkage/people.csv");

describe("lantern link dedupe", () => {
  it("writes record_id,cluster_id for every row and groups the duplicates", async () => {
    const out = join(dir, "clusters.csv");
    const pairs = join(dir, "pairs.csv");
    const report = join(dir, "report.html");
    const r = await lantern([
      "link",
      "dedupe",
      "--input",
      fixture,
      "--out",
      out,
      "--id",
      "Person Ref",
      "--map",
      "nhs_number=NHS No",
      "--pairs",
      pairs,
      "--report",
      report,
      "--u-pairs",
      "2000",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("record_id,cluster_id");
    const cluster = Object.fromEntries(lines.slice(1).map((l) => l.split(",")));
    expect(Object.keys(cluster)).toEqual(["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10"]);
    expect(cluster.A1).toBe(cluster.A2);
    expect(cluster.A1).toBe(cluster.A3);
    expect(cluster.A6).toBe(cluster.A7);
    expect(new Set([cluster.A1, cluster.A8, cluster.A9, cluster.A10, cluster.A6]).size).toBe(5);
    expect(r.stderr).toMatch(/ignoring columns Notes/);
    expect(r.stderr).toMatch(/summary \(dedupe\)/);
    expect(r.stderr).toMatch(/candidate pairs/);
    expect(readFileSync(pairs, "utf8").split("\n")[0]).toBe(
      "left_id,right_id,match_probability,match_weight,band,reason",
    );
    const html = readFileSync(report, "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

describe("lantern link errors", () => {
  it("fails with one clear line and exit code 1", async () => {
    const noCols = join(dir, "nocols.csv");
    writeFileSync(noCols, "ref,shoe,hat\n1,9,large\n");
    const cases: [string[], RegExp][] = [
      [
        ["link", "dedupe", "--input", join(dir, "missing.csv"), "--out", join(dir, "x.csv")],
        /input file not found/,
      ],
      [["link", "dedupe", "--input", noCols, "--out", join(dir, "x.csv")], /no recognisable columns/],
      [
        ["link", "dedupe", "--input", fixture, "--out", join(dir, "x.csv"), "--map", "shoe=Sex"],
        /bad --map entry/,
      ],
      [
        ["link", "dedupe", "--input", fixture, "--out", join(dir, "x.csv"), "--threshold", "1.5"],
        /--threshold must be a probability between 0 and 1/,
      ],
      [
        ["link", "link", "--left", fixture, "--right", join(dir, "nope.csv"), "--out", join(dir, "x.csv")],
        /input file not found/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => lantern(args)));
    results.forEach((r, k) => {
      expect(r.code, cases[k]![0].join(" ")).toBe(1);
      expect(r.stderr).toMatch(cases[k]![1]);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  });
});
