// Betweenness across cores: the sources are split into one contiguous share per thread (the
// calling thread takes the first); each share's dependencies are summed in a fixed order, so the
// result does not depend on timing (it can differ from the single-thread result only by
// floating-point rounding, ~1e-16 relative).
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { accumulateDependencies } from "./brandes.ts";
import type { GraphLike } from "./build.ts";
import {
  type Betweenness,
  type BetweennessOptions,
  finishBetweenness,
  planBetweenness,
} from "./centrality.ts";

/** Below this much work (sources × (n + 2m)) the calling thread does it alone. */
const PARALLEL_MIN_WORK = 50_000_000;

/**
 * Starts the Brandes worker. From TypeScript sources (tsx, vitest) the worker must register tsx
 * itself before importing the .ts worker module: on Node 20, `--import tsx` in a worker's
 * execArgv is not applied, so a tiny bootstrap does it.
 */
function startWorker(): Worker {
  const url = new URL("./brandes.worker.ts", import.meta.url);
  if (!url.pathname.endsWith(".ts")) return new Worker(url);
  const api = createRequire(import.meta.url)
    .resolve("tsx/esm/api")
    .replace(/\.cjs$/, ".mjs");
  const code = `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true });
}

export interface ParallelOptions {
  /** Threads to use including the calling one (default: available cores, at most 8). */
  threads?: number;
  /** Below this much work (sources × (n + 2m)) stay on the calling thread (default 5e7). */
  minWork?: number;
}

/** betweenness() spread over worker threads when the graph is big enough to be worth it. */
export async function betweennessParallel(
  graph: GraphLike,
  options: BetweennessOptions & ParallelOptions = {},
): Promise<Betweenness> {
  const plan = planBetweenness(graph, options);
  const { n } = plan.g;
  const sources = plan.kernelSources;
  const work = sources.length * (n + plan.targets.length);
  const threads = Math.max(
    1,
    Math.min(options.threads ?? Math.min(availableParallelism(), 8), sources.length),
  );
  const raw = new Float64Array(n);
  if (threads <= 1 || work < (options.minWork ?? PARALLEL_MIN_WORK)) {
    accumulateDependencies(n, plan.offsets, plan.targets, sources, 0, sources.length, raw);
    return finishBetweenness(plan, raw);
  }
  const bounds = Array.from({ length: threads + 1 }, (_, t) => Math.round((t * sources.length) / threads));
  const workers: Worker[] = [];
  const parts: Promise<Float64Array>[] = [];
  try {
    for (let t = 1; t < threads; t++) {
      const worker = startWorker();
      workers.push(worker);
      parts.push(
        new Promise<Float64Array>((resolve, reject) => {
          worker.once("message", (msg: { out?: Float64Array; error?: string }) =>
            msg.out ? resolve(msg.out) : reject(new Error(`betweenness worker failed: ${msg.error}`)),
          );
          worker.once("error", reject);
          worker.once("exit", (code) => reject(new Error(`betweenness worker exited with code ${code}`)));
        }),
      );
      worker.postMessage({
        n,
        offsets: plan.offsets,
        targets: plan.targets,
        sources,
        from: bounds[t],
        to: bounds[t + 1],
      });
    }
    // The calling thread's own share, while the workers run.
    accumulateDependencies(n, plan.offsets, plan.targets, sources, bounds[0], bounds[1], raw);
    const results = await Promise.all(parts);
    for (const part of results) for (let v = 0; v < n; v++) raw[v] += part[v];
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return finishBetweenness(plan, raw);
}
