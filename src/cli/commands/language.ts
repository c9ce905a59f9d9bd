// `lantern language check|validate|eval`: the victim-blaming language checker from the command line.
// Scripts rely on the JSON Lines shapes documented in the help text; keep them stable.
import type { Command } from "commander";

class CliError extends Error {}
/** The reader of our output went away (e.g. `| head`): stop quietly. */
class OutputClosed extends Error {}

interface CheckOptions {
  input: string;
  out?: string;
  dictionary?: string;
  failFast?: boolean;
  notes?: boolean;
  progress?: boolean;
}

const CHECK_HELP = `
Input: JSON Lines, one note per line: {"id": "n1", "text": "…"}. "id" may be any JSON string or
number and is copied to the output; blank lines are skipped. Use --input - to read stdin.

Output: one line per note, in input order:
  {"id":"n1","flags":[{"phrase":"putting herself at risk","start":12,"end":35,
    "category":"consent-choice","why":"…","alternatives":["…"]}]}
start/end are offsets into "text" counted in UTF-16 code units (JavaScript string indices), so
text.slice(start, end) is the phrase. Notes with no flags get "flags":[]. With --notes each line
also has "notes": wording that matched but is inside quotation marks (for example the child's
own words), which is recorded and not flagged.

Bad lines (not JSON, not an object, "text" not a string, no "id"): by default each is reported on
stderr with its line number (e.g. "notes.jsonl line 17: not valid JSON: …"), skipped, and the
rest of the file is still checked; the command then exits 1. With --fail-fast it stops at the
first bad line (exit 1); output already written for earlier lines is kept.

Progress goes to stderr (a bar on a terminal for files over 5 MB, plain lines otherwise), with a
summary at the end. Exit 0 when every line was checked.`;

interface Out {
  write(s: string): Promise<void>;
  close(): Promise<void>;
}

async function openOut(path: string | undefined): Promise<Out> {
  const stream =
    path === undefined || path === "-" ? process.stdout : (await import("node:fs")).createWriteStream(path);
  let failed: Error | null = null;
  stream.on("error", (e: Error) => {
    failed = e;
  });
  return {
    async write(s) {
      if (failed) {
        if ((failed as Error & { code?: string }).code === "EPIPE") throw new OutputClosed();
        throw new CliError(`cannot write ${path ?? "stdout"}: ${(failed as Error).message}`);
      }
      if (!stream.write(s))
        await new Promise<void>((resolve, reject) => {
          const onError = (e: Error & { code?: string }) =>
            reject(
              e.code === "EPIPE"
                ? new OutputClosed()
                : new CliError(`cannot write ${path ?? "stdout"}: ${e.message}`),
            );
          stream.once("error", onError);
          stream.once("drain", () => {
            stream.off("error", onError);
            resolve();
          });
        });
    },
    async close() {
      if (stream === process.stdout) return;
      await new Promise<void>((resolve, reject) => {
        stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
      if (failed) throw new CliError(`cannot write ${path}: ${(failed as Error).message}`);
    },
  };
}

async function loadDictionary(file: string | undefined) {
  const lang = await import("../../engines/language/index.ts");
  if (file === undefined) return lang.compileDictionary(lang.defaultDictionary);
  const { readFileSync } = await import("node:fs");
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CliError(`cannot read dictionary ${file}: ${(e as Error).message}`);
  }
  if (Array.isArray(data))
    data = { version: `file:${lang.contentHash(JSON.stringify(data))}`, entries: data };
  const v = lang.validateDictionary(data);
  if (!v.ok)
    throw new CliError(
      `dictionary ${file} is not valid:\n${v.errors.map((e) => `  ${e.field}: ${e.message}`).join("\n")}`,
    );
  return lang.compileDictionary(v.value);
}

function describeBadLine(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "must be a JSON object";
  const o = value as Record<string, unknown>;
  if (!("id" in o)) return 'has no "id"';
  if (typeof o.id !== "string" && typeof o.id !== "number") return '"id" must be a string or a number';
  if (typeof o.text !== "string") return '"text" must be a string';
  return null;
}

async function runCheck(options: CheckOptions): Promise<void> {
  const { createReadStream, statSync } = await import("node:fs");
  const { createInterface } = await import("node:readline");
  const { check } = await import("../../engines/language/index.ts");
  const dict = await loadDictionary(options.dictionary);

  const fromStdin = options.input === "-";
  let size = 0;
  if (!fromStdin) {
    try {
      const st = statSync(options.input);
      if (!st.isFile()) throw new CliError(`input is not a file: ${options.input}`);
      size = st.size;
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`cannot read input ${options.input}: ${(e as Error).message}`);
    }
  }
  const name = fromStdin ? "stdin" : options.input;
  const input = fromStdin ? process.stdin : createReadStream(options.input);
  const out = await openOut(options.out);

  // progress: a bar on a terminal, plain lines at each quarter otherwise (large files only)
  const big = size > 5_000_000 && options.progress !== false;
  let bar: { update(v: number, payload?: object): void; stop(): void } | null = null;
  if (big && process.stderr.isTTY) {
    const { SingleBar, Presets } = (await import("cli-progress")).default;
    const b = new SingleBar(
      {
        format: "checking notes [{bar}] {percentage}% | {value}/{total} MB | {notes} notes",
        stream: process.stderr,
      },
      Presets.shades_classic,
    );
    b.start(Math.ceil(size / 1e6), 0, { notes: 0 });
    bar = b;
  }
  let nextQuarter = 1;
  const started = performance.now();

  let lineNo = 0;
  let notes = 0;
  let flags = 0;
  let bad = 0;
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (let line of rl) {
      lineNo++;
      if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (line.trim() === "") continue;
      let value: unknown;
      let problem: string | null;
      try {
        value = JSON.parse(line);
        problem = describeBadLine(value);
      } catch (e) {
        problem = `not valid JSON: ${(e as Error).message}`;
      }
      if (problem !== null) {
        bad++;
        const msg = `${name} line ${lineNo}: ${problem}`;
        if (options.failFast) throw new CliError(`${msg} (stopped: --fail-fast)`);
        if (bar) bar.stop();
        process.stderr.write(`${msg}\n`);
        continue;
      }
      const { id, text } = value as { id: string | number; text: string };
      const result = check(text, dict);
      notes++;
      flags += result.flags.length;
      const row: Record<string, unknown> = {
        id,
        flags: result.flags.map((f) => ({
          phrase: f.phrase,
          start: f.start,
          end: f.end,
          category: f.category,
          why: f.why,
          alternatives: f.alternatives,
        })),
      };
      if (options.notes)
        row.notes = result.notes.map((n) => ({
          phrase: n.phrase,
          start: n.start,
          end: n.end,
          message: n.message,
        }));
      await out.write(`${JSON.stringify(row)}\n`);
      if (big && (notes & 0xff) === 0) {
        const read = (input as { bytesRead?: number }).bytesRead ?? 0;
        if (bar) bar.update(Math.floor(read / 1e6), { notes });
        else if (read / size >= nextQuarter / 4) {
          process.stderr.write(`language check: ${nextQuarter * 25}% of ${name} (${notes} notes)\n`);
          nextQuarter++;
        }
      }
    }
  } finally {
    if (bar) {
      bar.update(Math.ceil(size / 1e6), { notes });
      bar.stop();
    }
    rl.close();
    await out.close();
  }
  const secs = (performance.now() - started) / 1000;
  process.stderr.write(
    `checked ${notes} notes from ${name}: ${flags} flags (dictionary ${dict.version}) in ${secs.toFixed(1)} s` +
      (bad ? `; ${bad} bad line(s) skipped` : "") +
      "\n",
  );
  if (bad) process.exitCode = 1;
}

function fail(command: string, err: unknown): void {
  if (err instanceof OutputClosed) return;
  if (err instanceof CliError) {
    process.stderr.write(`lantern language ${command}: ${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  throw err;
}

export function register(program: Command): void {
  const language = program
    .command("language")
    .description("Check wording that blames exploited children (victim-blaming language)");

  language
    .command("check")
    .description("Check notes (JSON Lines) and write the flags found in each, one line per note")
    .requiredOption("-i, --input <file>", 'JSON Lines of {"id","text"}; - for stdin')
    .option("-o, --out <file>", "where to write the flags (JSON Lines); default stdout")
    .option("-d, --dictionary <file>", "use this dictionary (JSON) instead of the built-in one")
    .option("--fail-fast", "stop at the first bad input line instead of skipping it")
    .option("--notes", 'also write "notes" (matches inside quotation marks, not flagged)')
    .option("--no-progress", "no progress output on stderr")
    .addHelpText("after", CHECK_HELP)
    .action(async (options: CheckOptions) => {
      try {
        await runCheck(options);
      } catch (err) {
        fail("check", err);
      }
    });

  language
    .command("validate")
    .description("Validate a dictionary file (JSON); print each problem with the field it is in")
    .argument("<file>", "dictionary JSON: { version, macros?, entries: [...] }")
    .action(async (file: string) => {
      try {
        const d = await loadDictionary(file);
        const patterns = d.entries.reduce((n, e) => n + e.patterns.length, 0);
        process.stdout.write(
          `${file}: valid, version ${d.version}, ${d.entries.length} active entries, ${patterns} patterns\n`,
        );
      } catch (err) {
        fail("validate", err);
      }
    });

  language
    .command("eval")
    .description("Measure the checker on the labelled evaluation sentences (precision, recall, F1)")
    .option("--mistakes", "list the sentences it gets wrong")
    .action(async (options: { mistakes?: boolean }) => {
      process.stdout.on("error", (e: Error & { code?: string }) => {
        if (e.code !== "EPIPE") throw e; // the reader went away (e.g. `| head`): stop quietly
      });
      const { readFileSync } = await import("node:fs");
      const { compileDictionary, defaultDictionary } = await import("../../engines/language/index.ts");
      const { EVAL_SETS, formatReport, parseEvalJsonl, score } = await import(
        "../../engines/language/eval/score.ts"
      );
      const dict = compileDictionary(defaultDictionary);
      const sets = EVAL_SETS.map((s) => ({
        title: s.title,
        rows: parseEvalJsonl(
          readFileSync(new URL(`../../engines/language/eval/${s.file}`, import.meta.url), "utf8"),
        ),
      }));
      process.stdout.write(
        `${formatReport(
          "all",
          score(
            sets.flatMap((s) => s.rows),
            dict,
          ),
        )}\n`,
      );
      for (const { title, rows } of sets) {
        const r = score(rows, dict);
        process.stdout.write(`${formatReport(title, r)}\n`);
        if (options.mistakes)
          for (const m of r.mistakes)
            process.stdout.write(
              `  ${m.id}: ${m.text}\n    expected: ${m.expected.join("; ") || "-"}\n    got: ${m.got.join("; ") || "-"}\n`,
            );
      }
    });
}
