// `lantern graph stats|path|ego`: network analysis of an edge-list CSV with the graph engine.
// Scripts rely on the JSON shapes documented in the help text; keep them stable.
import type { Command } from "commander";

class CliError extends Error {}

interface ReadOptions {
  edges: string;
  directed?: boolean;
  weight?: string;
  progress?: boolean;
}

interface StatsOptions extends ReadOptions {
  top: string;
  format: string;
  seed: string;
  samples: string;
  scaling?: string;
  exactUpTo: string;
  threads?: string;
}

const EDGE_FILE_HELP = `
The edge list is a CSV file with a header row; the first two columns are the two ends of each
link (any text ids), other columns are ignored unless named by --weight. Repeated links between
the same two entities are merged into one (weights added); self-links are ignored; both are
counted in a note on stderr. With --directed the first column is the source, the second the target.`;

function wholeNumber(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new CliError(`--${name} must be a whole number ≥ ${min}, got "${value}"`);
  return n;
}

function checkFormat(format: string): "json" | "table" {
  if (format !== "json" && format !== "table")
    throw new CliError(`--format must be json or table, got "${format}"`);
  return format;
}

/** Reads the edge-list CSV into a CSR graph. Throws CliError with a one-line message. */
async function readEdgeList(options: ReadOptions) {
  const { existsSync, statSync, createReadStream } = await import("node:fs");
  const file = options.edges;
  if (!existsSync(file)) throw new CliError(`edges file not found: ${file}`);
  const stat = statSync(file);
  if (!stat.isFile()) throw new CliError(`edges file is not a file: ${file}`);
  const { parse } = await import("csv-parse");
  const { EdgeListBuilder } = await import("../../engines/graph/index.ts");

  const showProgress = options.progress !== false && process.stderr.isTTY === true;
  let bar: { update(v: number): void; stop(): void } | null = null;
  if (showProgress && stat.size > 5_000_000) {
    const { SingleBar, Presets } = (await import("cli-progress")).default;
    const b = new SingleBar(
      { format: "reading edges [{bar}] {percentage}% | {value}/{total} MB", stream: process.stderr },
      Presets.shades_classic,
    );
    b.start(Math.ceil(stat.size / 1e6), 0);
    bar = b;
  }

  const input = createReadStream(file);
  const parser = input.pipe(
    parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }),
  );
  const builder = new EdgeListBuilder();
  let header: string[] | null = null;
  let weightCol = -1;
  let rows = 0;
  try {
    // Line numbers for messages are found only when needed (csv-parse's per-record info costs ~1 s
    // per 600k rows): `at` is the record's position, header included.
    let at = 0;
    for await (const record of parser as AsyncIterable<string[]>) {
      at++;
      if (header === null) {
        header = record;
        if (header.length < 2)
          throw new CliError(
            `${file} has ${header.length} column in its header; an edge list needs at least two (the two ends of each link)`,
          );
        if (options.weight !== undefined) {
          const wanted = options.weight.trim();
          weightCol = header.indexOf(wanted);
          if (weightCol < 0) weightCol = header.findIndex((h) => h.toLowerCase() === wanted.toLowerCase());
          if (weightCol < 0)
            throw new CliError(`${file} has no column named "${wanted}" (columns: ${header.join(", ")})`);
        }
        continue;
      }
      rows++;
      const source = record[0] ?? "";
      const target = record[1] ?? "";
      if (source === "" || target === "")
        throw new CliError(
          `${file} line ${await lineOfRecord(file, at)}: ${source === "" ? "first" : "second"} column (an end of the link) is empty`,
        );
      let weight = 1;
      if (weightCol >= 0) {
        const raw = record[weightCol] ?? "";
        weight = raw === "" ? Number.NaN : Number(raw);
        if (!Number.isFinite(weight))
          throw new CliError(
            `${file} line ${await lineOfRecord(file, at)}: weight "${raw}" in column "${header[weightCol]}" is not a number`,
          );
        if (weight <= 0)
          throw new CliError(
            `${file} line ${await lineOfRecord(file, at)}: weight ${raw} in column "${header[weightCol]}" must be above 0 (it is a tie strength)`,
          );
      }
      builder.addEdge(source, target, weight);
      if (bar && (rows & 0xffff) === 0) bar.update(Math.floor(input.bytesRead / 1e6));
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    const e = err as Error & { code?: string; lines?: number };
    if (e.code?.startsWith("CSV_")) throw new CliError(`${file} is not valid CSV: ${e.message}`);
    if (e.code === "EISDIR" || e.code === "EACCES") throw new CliError(`cannot read ${file}: ${e.message}`);
    throw err;
  } finally {
    if (bar) {
      bar.update(Math.ceil(stat.size / 1e6));
      bar.stop();
    }
  }
  if (header === null) throw new CliError(`${file} is empty (no header row)`);
  const graph = builder.build({ directed: options.directed === true });
  const notes: string[] = [];
  if (graph.mergedDuplicates > 0)
    notes.push(`${graph.mergedDuplicates} repeated link(s) merged into earlier ones (weights added)`);
  if (graph.selfLoops > 0) notes.push(`${graph.selfLoops} self-link(s) ignored`);
  return { graph, rows, notes, showProgress };
}

/** The line (1-based) on which the at-th record (1-based, header included) of the CSV starts. */
async function lineOfRecord(file: string, at: number): Promise<number> {
  const { createReadStream } = await import("node:fs");
  const { parse } = await import("csv-parse");
  const parser = createReadStream(file).pipe(
    parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true, to: at }),
  );
  let line = 0;
  for await (const item of parser as AsyncIterable<{ info: { lines: number } }>) line = item.info.lines;
  return line;
}

function note(lines: string[]): void {
  for (const l of lines) process.stderr.write(`note: ${l}\n`);
}

function fail(command: string, err: unknown): void {
  if (err instanceof CliError || (err as Error).name === "GraphInputError") {
    process.stderr.write(`lantern graph ${command}: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  throw err;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(6);
}

function table(title: string, header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Numbers right-aligned, text left-aligned.
  const numeric = header.map(
    (_, i) => rows.length > 0 && rows.every((r) => r[i] !== "" && Number.isFinite(Number(r[i]))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [title, line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

async function stats(options: StatsOptions): Promise<void> {
  const format = checkFormat(options.format);
  const top = wholeNumber("top", options.top, 0);
  const seed = wholeNumber("seed", options.seed, 0);
  const samples = wholeNumber("samples", options.samples, 1);
  const exactUpTo = wholeNumber("exact-up-to", options.exactUpTo, 0);
  const scaling = options.scaling;
  if (scaling !== undefined && scaling !== "linear" && scaling !== "plain")
    throw new CliError(`--scaling must be "linear" or "plain", not "${scaling}"`);
  const threads = options.threads === undefined ? undefined : wholeNumber("threads", options.threads, 1);
  const { graph, notes, showProgress } = await readEdgeList(options);
  if (showProgress) process.stderr.write(`analysing ${graph.n} nodes, ${graph.m} links…\n`);
  const { graphStats } = await import("../../engines/graph/index.ts");
  if (scaling === "linear" && graph.directed)
    throw new CliError(
      "--scaling linear needs an undirected graph (leave out --directed, or use --scaling plain)",
    );
  const result = await graphStats(graph, {
    top,
    seed,
    samples,
    exactUpTo,
    threads,
    scaling,
  });
  if (!result.betweenness.exact)
    notes.push(
      `betweenness estimated from ${result.betweenness.sources} sampled source nodes (seed ${seed}, ${result.betweenness.scaling} scaling); exact up to ${exactUpTo} nodes (--exact-up-to)`,
    );
  note(notes);
  const s = result.stats;
  if (format === "json") {
    process.stdout.write(`${JSON.stringify(s)}\n`);
    return;
  }
  const out = [
    `Nodes        ${s.nodes}`,
    `Links        ${s.edges}${graph.directed ? " (directed)" : ""}`,
    `Components   ${s.components} (largest: ${s.largest_component} nodes)`,
    `Communities  ${s.communities} (Louvain, modularity ${s.modularity.toFixed(4)})`,
    `Betweenness  ${result.betweenness.exact ? "exact" : `estimated from ${result.betweenness.sources} sampled sources`}`,
    "",
    table(
      `Top ${s.top_degree.length} by degree`,
      ["rank", "id", "degree"],
      s.top_degree.map((r, i) => [String(i + 1), r.id, formatNumber(r.value)]),
    ),
    "",
    table(
      `Top ${s.top_betweenness.length} by betweenness (normalised)`,
      ["rank", "id", "betweenness"],
      s.top_betweenness.map((r, i) => [String(i + 1), r.id, r.value.toFixed(6)]),
    ),
  ];
  process.stdout.write(`${out.join("\n")}\n`);
}

async function path(options: ReadOptions & { from: string; to: string; all?: boolean; format: string }) {
  const format = checkFormat(options.format);
  const { graph, notes } = await readEdgeList(options);
  note(notes);
  const { allShortestPaths, indexOfId } = await import("../../engines/graph/index.ts");
  for (const id of [options.from, options.to])
    if (indexOfId(graph, id) < 0) throw new CliError(`no node "${id}" in ${options.edges}`);
  const paths = allShortestPaths(graph, options.from, options.to, { limit: options.all ? 100 : 1 });
  if (format === "json") {
    process.stdout.write(
      `${JSON.stringify({ from: options.from, to: options.to, length: paths.length ? paths[0].length - 1 : null, paths })}\n`,
    );
    return;
  }
  if (paths.length === 0) {
    process.stdout.write(`No path from ${options.from} to ${options.to}.\n`);
    return;
  }
  const hops = paths[0].length - 1;
  process.stdout.write(`${hops} link${hops === 1 ? "" : "s"} from ${options.from} to ${options.to}:\n`);
  for (const p of paths) process.stdout.write(`  ${p.join(" - ")}\n`);
}

async function ego(options: ReadOptions & { node: string; hops: string; format: string }) {
  const format = checkFormat(options.format);
  const hops = wholeNumber("hops", options.hops, 0);
  const { graph, notes } = await readEdgeList(options);
  note(notes);
  const { egoNetwork, indexOfId } = await import("../../engines/graph/index.ts");
  if (indexOfId(graph, options.node) < 0) throw new CliError(`no node "${options.node}" in ${options.edges}`);
  const net = egoNetwork(graph, options.node, hops);
  if (format === "json") {
    process.stdout.write(`${JSON.stringify(net)}\n`);
    return;
  }
  process.stdout.write(
    `${net.nodes.length} node(s) and ${net.edges.length} link(s) within ${hops} link(s) of ${options.node}\n`,
  );
  process.stdout.write(
    `${table(
      "",
      ["distance", "id"],
      net.nodes.map((n) => [String(n.distance), n.id]),
    )
      .split("\n")
      .slice(1)
      .join("\n")}\n`,
  );
}

function addRead(cmd: Command): Command {
  return cmd
    .requiredOption("--edges <file>", "edge-list CSV (header row; the first two columns are the ends)")
    .option("--directed", "links have a direction: first column → second column")
    .option("--weight <column>", "numeric column with the strength of each link (> 0)")
    .option("--format <format>", "json or table", "table")
    .option("--no-progress", "no progress display on stderr");
}

export function register(program: Command): void {
  const graph = program.command("graph").description("network analysis of an edge list (link chart)");

  addRead(
    graph
      .command("stats")
      .description("size, components, communities, and the most connected and most central nodes"),
  )
    .option("--top <n>", "length of the top lists", "10")
    .option("--seed <n>", "seed for Louvain and for sampling betweenness sources", "1")
    .option("--exact-up-to <n>", "exact betweenness up to this many nodes…", "5000")
    .option("--samples <k>", "…estimated from k sampled source nodes beyond", "192")
    .option(
      "--scaling <how>",
      "sampled betweenness: linear (default when undirected; better ranking) or plain (as networkx's k)",
    )
    .option("--threads <n>", "threads for betweenness (default: all cores, at most 8)")
    .addHelpText(
      "after",
      `
JSON (--format json), one line:
  {"nodes","edges","components","largest_component","communities","modularity",
   "top_degree":[{"id","value"}],"top_betweenness":[{"id","value"}]}
- edges: distinct links after merging repeats (self-links not counted).
- components: connected components (weakly connected with --directed), isolated nodes included;
  largest_component: its number of nodes.
- communities, modularity: Louvain (seeded; 10 runs keeping the best while the graph has at most
  50,000 links, else 1). Weights from --weight are tie strengths and count here only. With
  --directed, communities are found on the undirected view.
- top_degree: value is the RAW DEGREE, the number of distinct neighbours (in + out with
  --directed), not networkx's degree_centrality (which is value / (nodes − 1)).
- top_betweenness: value as networkx betweenness_centrality(normalized=True), i.e. divided by
  (n−1)(n−2) (directed or not); exact up to --exact-up-to nodes, else estimated from --samples
  source nodes scaled by n/k (a note on stderr says so). Undirected estimates use linear scaling
  by default (a pair credits each node on its paths by its distance share, doubled; unbiased, and
  it ranks the top nodes better than plain sampling); --scaling plain credits whole pairs, as
  networkx's k does. Paths count links (weights ignored).
- Lists are highest first; ties (to 12 significant digits) keep the order of first appearance
  in the file.
${EDGE_FILE_HELP}`,
    )
    .action(async (opts: StatsOptions) => {
      try {
        await stats(opts);
      } catch (err) {
        fail("stats", err);
      }
    });

  addRead(graph.command("path").description("shortest path (fewest links) between two nodes"))
    .requiredOption("--from <id>", "start node")
    .requiredOption("--to <id>", "end node")
    .option("--all", "every shortest path (up to 100), not just one")
    .addHelpText(
      "after",
      `
JSON: {"from","to","length","paths":[[id,…],…]}; length is the number of links, null (and paths
empty) when there is no path. With --directed paths follow link direction.
${EDGE_FILE_HELP}`,
    )
    .action(async (opts) => {
      try {
        await path(opts);
      } catch (err) {
        fail("path", err);
      }
    });

  addRead(
    graph
      .command("ego")
      .description("the ego network: every node within --hops links of a node, and the links among them"),
  )
    .requiredOption("--node <id>", "the centre")
    .option("--hops <k>", "radius in links", "2")
    .addHelpText(
      "after",
      `
JSON: {"centre","radius","nodes":[{"id","distance"}],"edges":[{"source","target","weight"}]};
with --directed, links are followed both ways.
${EDGE_FILE_HELP}`,
    )
    .action(async (opts) => {
      try {
        await ego(opts);
      } catch (err) {
        fail("ego", err);
      }
    });
}
