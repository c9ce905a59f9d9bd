// `lantern link dedupe|link`: record linkage of CSV files with the linkage engine.
// Scripts rely on the output formats documented in the help text; keep them stable.
import type { Command } from "commander";

const DEFAULT_THRESHOLD = 0.9; // keep in step with engines/linkage/pipeline.ts
const DEFAULT_REVIEW = 0.5;

interface CommonOptions {
  out: string;
  id?: string;
  map?: string;
  threshold: string;
  review?: string;
  pairs?: string;
  report?: string;
  block?: string[];
  threads?: string;
  uPairs?: string;
  maxPairs?: string;
  progress?: boolean;
}

class CliError extends Error {}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function addCommon(cmd: Command): Command {
  return cmd
    .requiredOption("--out <file>", "output CSV")
    .option("--id <column>", "identifier column (default: the first column)")
    .option(
      "--map <field=column,…>",
      "map fields to columns with other names, e.g. given_name=Forename,dob=Born",
    )
    .option(
      "--threshold <p>",
      "match probability at or above which pairs are matches (0..1)",
      String(DEFAULT_THRESHOLD),
    )
    .option(
      "--review <p>",
      `lower bound of the clerical-review band [review, threshold) (default ${DEFAULT_REVIEW})`,
    )
    .option("--pairs <file>", "also write scored pairs at or above the review bound, with band and weight")
    .option("--report <file>", "write a self-contained HTML report (model, weights, examples, clusters)")
    .option(
      "--block <rule>",
      "blocking rule, repeatable, e.g. dob+surname:soundex (transforms: initial, soundex, canon, year, daymonth, monthday, sector, district, first3; the field 'names' is given name and surname in either order); default: chosen from the fields present",
      collect,
    )
    .option("--threads <n>", "threads for the comparison phase (default: all cores)")
    .option(
      "--u-pairs <n>",
      "random pairs compared to estimate u (default: ten per record, 100000 to 1000000)",
    )
    .option("--max-pairs <n>", "refuse to compare more candidate pairs than this (default 100000000)")
    .option("--no-progress", "no progress bars on stderr");
}

const HELP_FIELDS = `
Columns are recognised by name, ignoring case and surrounding spaces: given_name/first_name/
forename, middle_name, surname/family_name/last_name, dob/date_of_birth, sex/gender, postcode,
street_number/house_number, address_1/address_2 (address lines), suburb/town/city,
state/county, nhs_number, upn, ni_number, soc_sec_id, phone, email. Other columns are ignored
and listed on stderr. Dates may be YYYYMMDD, DD/MM/YYYY, YYYY-MM-DD, "12 Mar 2010"…

The model is Fellegi–Sunter: u from random pairs, m by EM on each blocking rule's pairs,
term-frequency adjustments for common names; clusters are connected components of the pairs
at or above the threshold (default ${DEFAULT_THRESHOLD}). Pairs in [review, threshold) are the clerical-review band.`;

export function register(program: Command): void {
  const link = program
    .command("link")
    .description("record linkage: find the same person across or within CSV files");

  addCommon(
    link
      .command("dedupe")
      .description("find duplicate people within one CSV file; writes record_id,cluster_id for every row")
      .requiredOption("--input <file>", "input CSV")
      .addHelpText(
        "after",
        `
Output (--out): header "record_id,cluster_id", then one line for every input row in input order;
cluster_id is a number, the same for all records of one person; a record with no match has a
cluster of its own.
${HELP_FIELDS}

Example:
  lantern link dedupe --input people.csv --out clusters.csv --pairs pairs.csv --report report.html`,
      ),
  ).action(async (opts: CommonOptions & { input: string }) => {
    await run("dedupe", [opts.input], opts);
  });

  addCommon(
    link
      .command("link")
      .description("link records of one CSV file to another; writes left_id,right_id,match_probability")
      .requiredOption("--left <file>", "left CSV")
      .requiredOption("--right <file>", "right CSV")
      .addHelpText(
        "after",
        `
Output (--out): header "left_id,right_id,match_probability", one line per pair of a left and a
right record whose match probability is at or above --threshold (default ${DEFAULT_THRESHOLD}). Pairs
showing a conflict (different NHS numbers or sex, possible twins) are held for clerical review
instead: they are in --pairs with band "review" and the reason, not in --out.
${HELP_FIELDS}

Example:
  lantern link link --left a.csv --right b.csv --out pairs.csv --report report.html`,
      ),
  ).action(async (opts: CommonOptions & { left: string; right: string }) => {
    await run("link", [opts.left, opts.right], opts);
  });
}

function parseProbability(name: string, value: string): number {
  const p = Number(value);
  if (value.trim() === "" || !Number.isFinite(p) || p < 0 || p > 1) {
    throw new CliError(`--${name} must be a probability between 0 and 1, got "${value}"`);
  }
  return p;
}

function parseCount(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--${name} must be a whole number, got "${value}"`);
  return n;
}

async function run(mode: "dedupe" | "link", files: string[], opts: CommonOptions): Promise<void> {
  try {
    await runInner(mode, files, opts);
  } catch (e) {
    const err = e as Error;
    const known = ["CliError", "MappingError", "BlockingError"];
    if (e instanceof CliError || known.includes(err.name)) {
      process.stderr.write(`lantern link ${mode}: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}

async function runInner(mode: "dedupe" | "link", files: string[], opts: CommonOptions): Promise<void> {
  const { createReadStream, createWriteStream, existsSync, statSync } = await import("node:fs");
  const { availableParallelism } = await import("node:os");
  const { once } = (await import("node:events")).EventEmitter;
  const engine = await import("../../engines/linkage/index.ts");
  const started = performance.now();

  const threshold = parseProbability("threshold", opts.threshold);
  const review =
    opts.review !== undefined ? parseProbability("review", opts.review) : Math.min(DEFAULT_REVIEW, threshold);
  if (review > threshold)
    throw new CliError(`--review (${review}) must not be above --threshold (${threshold})`);
  const threads = parseCount("threads", opts.threads) ?? availableParallelism();
  const uPairs = parseCount("u-pairs", opts.uPairs);
  const maxPairs = parseCount("max-pairs", opts.maxPairs);
  for (const f of files) {
    if (!existsSync(f)) throw new CliError(`input file not found: ${f}`);
    if (!statSync(f).isFile()) throw new CliError(`input is not a file: ${f}`);
  }
  const map = engine.parseMapSpec(opts.map);

  const progress = await makeProgress(opts.progress !== false);
  const log = (line: string) => progress.log(line);

  // ---- read and standardise, streaming -------------------------------------------------------
  const totalBytes = files.reduce((s, f) => s + statSync(f).size, 0);
  let bytesDone = 0;
  const resolvedPerFile: ReturnType<typeof engine.resolveColumns>[] = [];
  const headers: string[][] = [];

  // Resolve both headers first (link mode needs the union of fields before any row is added).
  for (const file of files) {
    const header = await readHeader(file);
    if (header === null) throw new CliError(`${file} is empty`);
    headers.push(header);
    const resolved = engine.resolveColumns(header, {
      ...(opts.id !== undefined ? { idColumn: opts.id } : {}),
      map,
    });
    if (resolved.mappings.length === 0) {
      throw new CliError(
        `no recognisable columns in ${file} (columns: ${header.map((h) => h.trim()).join(", ")}); name them (given_name, surname, dob, postcode, nhs_number…) or use --map`,
      );
    }
    resolvedPerFile.push(resolved);
    if (resolved.unknown.length > 0) log(`${file}: ignoring columns ${resolved.unknown.join(", ")}`);
  }
  const specs = engine.FIELD_SPECS.filter((s) =>
    resolvedPerFile.some((r) => r.mappings.some((m) => m.field === s)),
  );
  const fieldNames = specs.map((s) => s.name);
  const b = new engine.RecordSetBuilder(specs);
  progress.start("read", totalBytes, "bytes");
  for (let fi = 0; fi < files.length; fi++) {
    const resolved = resolvedPerFile[fi]!;
    // column → field it feeds (-1: none)
    const fieldOfColumn = new Array<number>(headers[fi]!.length).fill(-1);
    specs.forEach((s, f) => {
      const m = resolved.mappings.find((x) => x.field === s);
      if (m) fieldOfColumn[m.column] = f;
    });
    const ingest = new engine.CsvByteIngest(b, fieldOfColumn, resolved.idColumn);
    const stream = createReadStream(files[fi]!, { highWaterMark: 1 << 20 });
    for await (const chunk of stream) {
      ingest.push(chunk as Buffer);
      bytesDone += (chunk as Buffer).length;
      progress.update(bytesDone);
    }
    ingest.end();
    if (mode === "link" && fi === 0) b.endLeft();
  }
  const records = b.finish();
  progress.stop();
  if (records.size === 0) throw new CliError(`no records in ${files.join(" / ")}`);
  if (mode === "link" && (records.nLeft === 0 || records.nLeft === records.size)) {
    throw new CliError(`no records in ${records.nLeft === 0 ? files[0] : files[1]}`);
  }
  log(
    `read ${records.size.toLocaleString("en-GB")} records${mode === "link" ? ` (${records.nLeft.toLocaleString("en-GB")} left, ${(records.size - records.nLeft).toLocaleString("en-GB")} right)` : ""}; fields: ${fieldNames.join(", ")}`,
  );

  // ---- link --------------------------------------------------------------------------------------
  const rules = opts.block?.map((r) => engine.parseBlockingRule(r, fieldNames));
  const phaseNames: Record<string, string> = {
    block: "block",
    sample: "u (random pairs)",
    compare: "compare",
    train: "train (EM)",
    score: "score",
    cluster: "cluster",
  };
  const result = await engine.linkRecords(records, {
    threshold,
    reviewThreshold: review,
    threads,
    ...(rules ? { rules } : {}),
    ...(uPairs !== undefined ? { uPairs } : {}),
    ...(maxPairs !== undefined ? { maxPairs } : {}),
    onProgress: (e) => {
      const name = phaseNames[e.phase] ?? e.phase;
      if (e.state === "start") progress.start(name, e.total ?? 1, e.total !== undefined ? "pairs" : "");
      else if (e.state === "tick") {
        if (e.phase === "block" && e.total !== undefined) {
          progress.stop();
          log(`candidate pairs before comparison: ${e.total.toLocaleString("en-GB")}`);
          progress.start("block (generate)", 1, "");
        } else if (e.done !== undefined) progress.update(e.done);
      } else {
        progress.update(e.total ?? 1);
        progress.stop();
      }
    },
  });

  // ---- write -------------------------------------------------------------------------------------
  const { pairsI, pairsJ, scores } = result;
  const ids = records.ids;
  const writeLines = async (file: string, header: string, each: (emit: (line: string) => void) => void) => {
    const chunks: string[] = [];
    let buf = `${header}\n`;
    each((line) => {
      buf += `${line}\n`;
      if (buf.length > 1 << 16) {
        chunks.push(buf);
        buf = "";
      }
    });
    chunks.push(buf);
    const out = createWriteStream(file);
    for (const c of chunks) if (!out.write(c)) await once(out, "drain");
    out.end();
    await once(out, "finish");
  };
  const fmt = (p: number) => (p >= 0.999999 ? p.toFixed(6) : p.toPrecision(6));
  const field = engine.csvField;
  progress.start("write", 1, "");
  let matched = 0;
  let reviewCount = 0;
  let conflicted = 0;
  const bands = new Uint8Array(pairsI.length); // 0 none, 1 review, 2 match
  for (let p = 0; p < pairsI.length; p++) {
    const band = engine.decide(scores, p, threshold, review);
    if (band === "match") {
      matched++;
      bands[p] = 2;
    } else if (band === "review") {
      reviewCount++;
      bands[p] = 1;
      if (scores.flags[p] !== 0 && scores.probabilities[p]! >= threshold) conflicted++;
    }
  }
  if (mode === "dedupe") {
    await writeLines(opts.out, "record_id,cluster_id", (emit) => {
      const c = result.clusterIds;
      for (let i = 0; i < records.size; i++) emit(`${field(ids[i]!)},${c[i]! + 1}`);
    });
  } else {
    await writeLines(opts.out, "left_id,right_id,match_probability", (emit) => {
      for (let p = 0; p < pairsI.length; p++) {
        if (bands[p] === 2) {
          emit(`${field(ids[pairsI[p]!]!)},${field(ids[pairsJ[p]!]!)},${fmt(scores.probabilities[p]!)}`);
        }
      }
    });
  }
  if (opts.pairs) {
    await writeLines(opts.pairs, "left_id,right_id,match_probability,match_weight,band,reason", (emit) => {
      for (let p = 0; p < pairsI.length; p++) {
        if (bands[p] === 0) continue;
        const reason = scores.flags[p]
          ? engine.conflictReasons(result.model, scores.flags[p]!).join("; ")
          : "";
        emit(
          `${field(ids[pairsI[p]!]!)},${field(ids[pairsJ[p]!]!)},${fmt(scores.probabilities[p]!)},${scores.weights[p]!.toFixed(3)},${bands[p] === 2 ? "match" : "review"},${field(reason)}`,
        );
      }
    });
  }
  if (opts.report) {
    const { writeFileSync } = await import("node:fs");
    const { basename } = await import("node:path");
    const html = engine.renderReport(result, {
      title:
        mode === "dedupe"
          ? `Deduplication of ${basename(files[0]!)}`
          : `Linkage of ${basename(files[0]!)} and ${basename(files[1]!)}`,
      inputs: files.map((f) => basename(f)),
      generatedAt: new Date().toLocaleString("en-GB", { timeZone: "Europe/London" }),
    });
    writeFileSync(opts.report, html);
  }
  progress.stop();

  // ---- summary -----------------------------------------------------------------------------------
  const n = (x: number) => x.toLocaleString("en-GB");
  let clusters = 0;
  let multi = 0;
  {
    const sizes = new Int32Array(records.size);
    for (let i = 0; i < records.size; i++) sizes[result.clusterIds[i]!]!++;
    for (let c = 0; c < records.size; c++) {
      if (sizes[c]! > 0) clusters++;
      if (sizes[c]! > 1) multi++;
    }
  }
  const lines = [
    `summary (${mode}):`,
    `  records            ${n(records.size)}${mode === "link" ? ` (${n(records.nLeft)} + ${n(records.size - records.nLeft)})` : ""}`,
    `  fields             ${fieldNames.join(", ")}`,
    `  blocking rules     ${result.counts.rules.map((r) => `${r.rule} (+${n(r.newPairs)})`).join(", ")}`,
    `  candidate pairs    ${n(result.counts.total)} of ${n(result.counts.possible)} possible`,
    `  threads            ${threads}`,
    `  lambda (prior)     ${result.model.lambda.toExponential(3)}`,
    `  threshold          ${threshold}  review band [${review}, ${threshold})`,
    `  pairs ≥ threshold  ${n(matched)}`,
    `  pairs for review   ${n(reviewCount)}${conflicted ? ` (${n(conflicted)} above the threshold but with a conflict: ${result.model.conflicts.map((c) => c.reason).join(", ")})` : ""}`,
    `  clusters           ${n(clusters)} (${n(multi)} with more than one record)`,
    `  time               ${((performance.now() - started) / 1000).toFixed(1)} s (${Object.entries(
      result.timings,
    )
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`)
      .join(", ")})`,
    `  output             ${opts.out}${opts.pairs ? `, ${opts.pairs}` : ""}${opts.report ? `, ${opts.report}` : ""}`,
  ];
  process.stderr.write(`${lines.join("\n")}\n`);
}

async function readHeader(file: string): Promise<string[] | null> {
  const { createReadStream } = await import("node:fs");
  const { CsvParser } = await import("../../engines/linkage/csv.ts");
  let header: string[] | null = null;
  const parser = new CsvParser((row) => {
    if (header === null) header = row;
  });
  const stream = createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 16 });
  for await (const chunk of stream) {
    parser.push(chunk as string);
    if (header !== null) break;
  }
  stream.destroy();
  if (header === null) parser.end();
  return header;
}

interface Progress {
  start(name: string, total: number, unit: string): void;
  update(value: number): void;
  stop(): void;
  log(line: string): void;
}

// A cli-progress bar per phase on a terminal; plain "phase … done in Xs" lines otherwise.
async function makeProgress(enabled: boolean): Promise<Progress> {
  const tty = enabled && process.stderr.isTTY === true;
  const mod = tty ? (await import("cli-progress")).default : null;
  let bar: InstanceType<NonNullable<typeof mod>["SingleBar"]> | null = null;
  let current: string | null = null;
  let t0 = 0;
  const progress: Progress = {
    start(name, total, unit) {
      progress.stop();
      current = name;
      t0 = performance.now();
      if (mod) {
        bar = new mod.SingleBar(
          {
            stream: process.stderr,
            format: `${name.padEnd(18)} [{bar}] {percentage}%${unit ? ` {value}/{total} ${unit}` : ""}`,
            hideCursor: true,
            clearOnComplete: false,
          },
          mod.Presets.shades_classic,
        );
        bar.start(Math.max(1, total), 0);
      } else if (enabled) {
        process.stderr.write(`${name}…\n`);
      }
    },
    update(v) {
      bar?.update(v);
    },
    stop() {
      if (current === null) return;
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      if (bar) {
        bar.update(bar.getTotal());
        bar.stop();
        bar = null;
      } else if (enabled) process.stderr.write(`${current} done in ${secs} s\n`);
      current = null;
    },
    log(line) {
      process.stderr.write(`${line}\n`);
    },
  };
  return progress;
}
