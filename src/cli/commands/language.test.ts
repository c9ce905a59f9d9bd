// Runs the real command line (`node bin/lantern.js language …`) as a user would.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

function lantern(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [join(root, "bin/lantern.js"), ...args],
      { cwd: root },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

let dir: string;
const good = [
  { id: "n1", text: "Kayla keeps putting herself at risk." },
  { id: 2, text: 'She said "he is my boyfriend".' },
  { id: "n3", text: "The perpetrator chose to target her." },
];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lantern-language-cli-"));
  writeFileSync(join(dir, "good.jsonl"), `${good.map((g) => JSON.stringify(g)).join("\n")}\n`);
  writeFileSync(
    join(dir, "mixed.jsonl"),
    [JSON.stringify(good[0]), "", "{not json", JSON.stringify({ id: "x" }), JSON.stringify(good[2])].join(
      "\n",
    ),
  );
  writeFileSync(
    join(dir, "dict.json"),
    JSON.stringify({
      version: "test-1",
      entries: [
        {
          id: "little-madam",
          pattern: "little madam~",
          category: "labelling",
          why: "A label, not a description of behaviour.",
          alternatives: ["describe the behaviour"],
          version: 1,
          active: true,
        },
      ],
    }),
  );
});

describe("lantern language check", () => {
  it("writes one line per note with the documented fields", async () => {
    const out = join(dir, "out.jsonl");
    const r = await lantern(["language", "check", "--input", join(dir, "good.jsonl"), "--out", out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/checked 3 notes .* 1 flags/);
    const lines = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(["n1", 2, "n3"]);
    expect(lines[0].flags).toHaveLength(1);
    const f = lines[0].flags[0];
    expect(Object.keys(f)).toEqual(["phrase", "start", "end", "category", "why", "alternatives"]);
    expect(good[0].text.slice(f.start, f.end)).toBe(f.phrase);
    expect(lines[1].flags).toEqual([]);
    expect(lines[2].flags).toEqual([]);
  });

  it("reports bad lines by number, checks the rest, and exits 1", async () => {
    const r = await lantern(["language", "check", "--input", join(dir, "mixed.jsonl")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("mixed.jsonl line 3: not valid JSON");
    expect(r.stderr).toContain('mixed.jsonl line 4: "text" must be a string');
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).id),
    ).toEqual(["n1", "n3"]);
  });

  it("stops at the first bad line with --fail-fast", async () => {
    const r = await lantern(["language", "check", "--input", join(dir, "mixed.jsonl"), "--fail-fast"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("line 3: not valid JSON");
    expect(r.stderr).not.toContain("line 4");
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("reads stdin, uses a dictionary file and can include notes", async () => {
    const r = await lantern(
      ["language", "check", "--input", "-", "--dictionary", join(dir, "dict.json"), "--notes"],
      `${JSON.stringify({ id: 1, text: 'Staff call her a little madam; she said "little madam" herself.' })}\n`,
    );
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout);
    expect(line.flags.map((f: { phrase: string }) => f.phrase)).toEqual(["little madam"]);
    expect(line.notes.map((n: { phrase: string }) => n.phrase)).toEqual(["little madam"]);
    expect(r.stderr).toContain("dictionary test-1");
  });

  it("refuses an invalid dictionary, naming the field", async () => {
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({ version: "x", entries: [{ id: "a", pattern: "(x" }] }),
    );
    const r = await lantern(["language", "validate", join(dir, "bad.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('entries[0].pattern: missing ")"');
  });
});
