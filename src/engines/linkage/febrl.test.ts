// FEBRL 4 (public synthetic data with truth): link dataset4a to dataset4b through the CLI and
// score the pairs against the truth (record N shares rec-N; the ids are used only to score).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lantern, repoRoot } from "../../../test/fixtures/linkage/lantern-cli.ts";

const data = resolve(repoRoot, "../shared/data/febrl");
const dir = mkdtempSync(join(tmpdir(), "lantern-febrl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("FEBRL 4 linkage through the CLI", () => {
  const out = join(dir, "pairs.csv");
  const report = join(dir, "report.html");
  let stderr = "";

  it("finds the 5,000 true links with F1 ≥ 0.995", async () => {
    expect(existsSync(join(data, "dataset4a.csv")), `FEBRL data expected in ${data}`).toBe(true);
    const r = await lantern([
      "link",
      "link",
      "--left",
      join(data, "dataset4a.csv"),
      "--right",
      join(data, "dataset4b.csv"),
      "--out",
      out,
      "--report",
      report,
    ]);
    stderr = r.stderr;
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("left_id,right_id,match_probability");
    const N = (id: string) => /rec-(\d+)/.exec(id)?.[1];
    let tp = 0;
    for (const line of lines.slice(1)) {
      const [a, b, p] = line.split(",");
      expect(Number(p)).toBeGreaterThanOrEqual(0.9);
      if (N(a!) === N(b!)) tp++;
    }
    const predicted = lines.length - 1;
    const precision = tp / predicted;
    const recall = tp / 5000;
    const f1 = (2 * precision * recall) / (precision + recall);
    console.log(
      `FEBRL 4: ${predicted} links, ${tp} true; precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)}, F1 ${f1.toFixed(4)}`,
    );
    expect(f1).toBeGreaterThanOrEqual(0.995);
  });

  it("reports its parameters on stderr and writes a self-contained report", () => {
    expect(stderr).toMatch(/read 10,000 records \(5,000 left, 5,000 right\)/);
    expect(stderr).toMatch(/candidate pairs before comparison: [\d,]+/);
    expect(stderr).toMatch(/lambda \(prior\)/);
    const html = readFileSync(report, "utf8");
    for (const heading of [
      "Summary",
      "Blocking rules",
      "Model: m and u per comparison level",
      "Match weights of the candidate pairs",
      "Example pairs explained",
      "Cluster sizes",
    ]) {
      expect(html).toContain(`>${heading}</h2>`);
    }
    expect(html).toContain("<caption>");
    expect(html).toMatch(/<svg [^>]*role="img"[^>]*><title/);
    expect(html).not.toMatch(/<(script|link|img)\b/);
    expect(html).not.toMatch(/url\(|(src|href)="(https?:)?\/\//);
  });
});
