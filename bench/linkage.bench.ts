// `npm run bench linkage`: end-to-end deduplication of synthetic person records through the CLI
// (CSV in → clusters.csv out, in a child process), at 10k, 100k and 1M records. Prints wall
// time, the child's peak memory and pairwise precision / recall / F1 against the generator's
// truth. Sizes can be chosen with LINKAGE_SIZES=10000,100000.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generatePeople, pairwiseScores } from "./linkage-generator.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sizes = (process.env.LINKAGE_SIZES ?? "10000,100000,1000000").split(",").map(Number);
const dir = mkdtempSync(join(tmpdir(), "lantern-linkage-bench-"));
const haveTime = existsSync("/usr/bin/time");

interface Row {
  records: number;
  seconds: number;
  cpuSeconds: number;
  peakMiB: number;
  precision: number;
  recall: number;
  f1: number;
  pairs: string;
}

async function writeChunks(file: string, chunks: string[]): Promise<void> {
  const out = createWriteStream(file);
  for (const c of chunks) {
    if (!out.write(c)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

function run(
  args: string[],
): Promise<{ code: number; stderr: string; seconds: number; peakKiB: number; cpuSeconds: number }> {
  return new Promise((resolve, reject) => {
    const cmd = haveTime ? "/usr/bin/time" : process.execPath;
    const full = haveTime ? ["-v", process.execPath, ...args] : args;
    const t0 = performance.now();
    const child = spawn(cmd, full, { cwd: root, stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = (performance.now() - t0) / 1000;
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      resolve({
        code: code ?? 1,
        stderr,
        seconds,
        peakKiB: m ? Number(m[1]) : Number.NaN,
        cpuSeconds: user && sys ? Number(user[1]) + Number(sys[1]) : Number.NaN,
      });
    });
  });
}

const rows: Row[] = [];
try {
  for (const n of sizes) {
    const tg = performance.now();
    const data = generatePeople(n, 20_240_601 + n);
    const input = join(dir, `people-${n}.csv`);
    await writeChunks(input, data.chunks);
    const genSeconds = (performance.now() - tg) / 1000;
    data.chunks.length = 0;
    const out = join(dir, `clusters-${n}.csv`);
    console.log(
      `\n${n.toLocaleString("en-GB")} records (${data.people.toLocaleString("en-GB")} people); generated in ${genSeconds.toFixed(1)} s`,
    );
    const r = await run([
      "bin/lantern.js",
      "link",
      "dedupe",
      "--input",
      input,
      "--out",
      out,
      "--no-progress",
    ]);
    const summary = r.stderr.split("\n").filter((l) => l.startsWith("  ")); // the CLI summary
    if (r.code !== 0) {
      console.log(r.stderr);
      throw new Error(`lantern link dedupe failed at ${n} records (exit ${r.code})`);
    }
    for (const line of summary) console.log(line);
    // score the clusters against the truth
    const lines = readFileSync(out, "utf8").split("\n");
    const clusterOf = new Int32Array(n).fill(-1);
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === "") continue;
      const comma = line.indexOf(",");
      clusterOf[Number(line.slice(1, comma))] = Number(line.slice(comma + 1));
    }
    if (clusterOf.includes(-1)) throw new Error("clusters.csv does not cover every record");
    const s = pairwiseScores(data.personOf, clusterOf);
    const pairs = /candidate pairs\s+([\d,]+)/.exec(r.stderr)?.[1] ?? "?";
    rows.push({
      records: n,
      seconds: r.seconds,
      cpuSeconds: r.cpuSeconds,
      peakMiB: r.peakKiB / 1024,
      precision: s.precision,
      recall: s.recall,
      f1: s.f1,
      pairs,
    });
    console.log(
      `→ ${r.seconds.toFixed(1)} s wall (${r.cpuSeconds.toFixed(1)} s CPU), peak RSS ${(r.peakKiB / 1024).toFixed(0)} MiB, precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}, F1 ${s.f1.toFixed(4)} (true pairs ${s.truePairs.toLocaleString("en-GB")}, predicted ${s.predictedPairs.toLocaleString("en-GB")})`,
    );
    rmSync(input, { force: true });
    rmSync(out, { force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log("\nlinkage dedupe, end to end through the CLI (CSV → clusters.csv):");
console.log("records     wall s    CPU s   peak MiB  candidate pairs  precision  recall   F1");
for (const r of rows) {
  console.log(
    `${r.records.toLocaleString("en-GB").padStart(9)}  ${r.seconds.toFixed(1).padStart(7)}  ${r.cpuSeconds.toFixed(1).padStart(7)}  ${r.peakMiB.toFixed(0).padStart(9)}  ${r.pairs.padStart(15)}  ${r.precision.toFixed(4).padStart(9)}  ${r.recall.toFixed(4)}  ${r.f1.toFixed(4)}`,
  );
}
const { loadavg, availableParallelism } = await import("node:os");
console.log(
  `machine: ${availableParallelism()} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} at the end (other work on the machine slows the wall time)`,
);
const big = rows.find((r) => r.records === 1_000_000);
if (big) {
  console.log(
    `target at 1,000,000: ≤ 60 s and ≤ 4096 MiB → ${big.seconds <= 60 && big.peakMiB <= 4096 ? "met" : "NOT met"}`,
  );
}
