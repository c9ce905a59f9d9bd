// Seeding the demo county at scale: `lantern demo seed --children N --seed 1` in a child process,
// against a temporary embedded PGlite data directory and — when DATABASE_URL is set — a fresh
// PostgreSQL database (created and dropped here). Prints wall time and the child's peak RSS.
// The database is created and migrated first (timed apart), so "demo seed" is the load itself
// (plus opening the database and starting Node). Also times the pure generator in this process.
// N: BENCH_CHILDREN (default 100000).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { countsOf, generateCounty } from "../src/modules/demo/demo.generator.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.env.BENCH_CHILDREN ?? 100_000);
const TIME = "/usr/bin/time";

type Run = {
  wallS: number;
  peakRssMiB: number | null;
  status: number | null;
  stdout: string;
  stderr: string;
};

/** Runs the CLI; peak RSS from GNU time -v when installed, otherwise by sampling /proc/<pid>/status (VmHWM). */
function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  const useTime = existsSync(TIME);
  const cmd = useTime ? TIME : process.execPath;
  const argv = useTime
    ? ["-v", process.execPath, join(ROOT, "bin", "lantern.js"), ...args]
    : [join(ROOT, "bin", "lantern.js"), ...args];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: "warn", ...env } });
    let stdout = "";
    let stderr = "";
    let hwmKiB = 0;
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) hwmKiB = Math.max(hwmKiB, Number(m[1]));
      } catch {
        /* process gone */
      }
    }, 100);
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (status) => {
      clearInterval(sample);
      const wallS = (performance.now() - t0) / 1000;
      const timed = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const kib = timed ? Number(timed[1]) : hwmKiB || null;
      resolve({ wallS, peakRssMiB: kib === null ? null : kib / 1024, status, stdout, stderr });
    });
  });
}

function report(label: string, r: Run, perChild = true): void {
  const children = /children\s+([\d,]+)/.exec(r.stdout)?.[1];
  console.log(
    `${label.padEnd(34)} wall ${r.wallS.toFixed(1).padStart(6)} s   peak RSS ${
      r.peakRssMiB === null ? "n/a" : `${r.peakRssMiB.toFixed(0)} MiB`
    }${perChild ? `   children ${children ?? "?"}   ${Math.round(N / r.wallS).toLocaleString("en-GB")} children/s` : ""}`,
  );
  if (r.status !== 0) {
    console.log(r.stdout);
    console.log(r.stderr.split("\n").slice(-30).join("\n"));
    process.exitCode = 1;
  }
}

/** Creates and migrates the database first (timed apart), then times `demo seed` alone. */
async function measure(label: string, env: Record<string, string>): Promise<void> {
  report(`${label}: create + migrate`, await runCli(["db", "migrate"], env), false);
  report(`${label}: demo seed`, await runCli(args, env));
}

const args = ["demo", "seed", "--children", String(N), "--seed", "1", "--reference-date", "2026-11-01"];

// 1. The pure generator, in this process.
{
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const county = generateCounty({ children: N, seed: 1 });
  const ms = performance.now() - t0;
  const c = countsOf(county);
  console.log(
    `generator (in process)     ${(ms / 1000).toFixed(2)} s for ${N.toLocaleString("en-GB")} children; rss +${((process.memoryUsage().rss - before) / 2 ** 20).toFixed(0)} MiB; maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
  console.log(
    `  rows: ${Object.entries(c)
      .map(([k, v]) => `${k} ${v.toLocaleString("en-GB")}`)
      .join(", ")}`,
  );
}

// 2. PGlite on disk in a temporary DATA_DIR.
{
  const dir = mkdtempSync(join(tmpdir(), "lantern-bench-demo-"));
  try {
    await measure("PGlite (disk)", { DATA_DIR: dir, DATABASE_URL: "" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// 3. PostgreSQL, in a fresh database, when DATABASE_URL is set.
const base = process.env.DATABASE_URL;
if (base) {
  const name = `lantern_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    const url = new URL(base);
    url.pathname = `/${name}`;
    await measure("PostgreSQL", { DATABASE_URL: url.toString() });
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
} else {
  console.log("PostgreSQL: skipped (set DATABASE_URL to also measure against a fresh PostgreSQL database)");
}
