// Betweenness across cores: the sources are split into one contiguous share per thread (the
// calling thread takes the first); each share's dependencies are summed in a fixed order, so the
// result does not depend on timing (it can differ from the single-thread result only by
// floating-point rounding, ~1e-16 relative).
import { availableParallelism } from "node:os";
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
 * The worker's whole program: the Brandes kernel's own (already compiled) source text plus a
 * message handler. Evaluated as a script, it needs no TypeScript loader, so a worker starts in
 * tens of milliseconds instead of the few hundred that registering tsx inside it costs. (The
 * kernel is self-contained — it uses no imports or outer variables — which is what makes this
 * safe.) Should a worker fail anyway, its share of sources runs on the calling thread.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const accumulateDependencies = ${accumulateDependencies.toString()};
parentPort.on("message", (t) => {
  try {
    const out = new Float64Array(t.n);
    accumulateDependencies(t.n, t.offsets, t.targets, t.sources, t.from, t.to, out, t.linear);
    parentPort.postMessage({ out }, [out.buffer]);
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
});`;

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
    accumulateDependencies(n, plan.offsets, plan.targets, sources, 0, sources.length, raw, plan.linear);
    return { ...finishBetweenness(plan, raw), threads: 1 };
  }
  const bounds = Array.from({ length: threads + 1 }, (_, t) => Math.round((t * sources.length) / threads));
  const workers: Worker[] = [];
  const parts: Promise<Float64Array>[] = [];
  let workerShares = 0;
  const runHere = (t: number) => {
    const out = new Float64Array(n);
    accumulateDependencies(
      n,
      plan.offsets,
      plan.targets,
      sources,
      bounds[t],
      bounds[t + 1],
      out,
      plan.linear,
    );
    return out;
  };
  try {
    for (let t = 1; t < threads; t++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      workers.push(worker);
      parts.push(
        new Promise<Float64Array>((resolve) => {
          let settled = false;
          const fallback = () => {
            if (settled) return;
            settled = true;
            resolve(runHere(t));
          };
          worker.once("message", (msg: { out?: Float64Array; error?: string }) => {
            if (msg.out && !settled) {
              settled = true;
              workerShares++;
              resolve(msg.out);
            } else fallback();
          });
          worker.once("error", fallback);
          worker.once("exit", fallback);
        }),
      );
      worker.postMessage({
        n,
        offsets: plan.offsets,
        targets: plan.targets,
        sources,
        from: bounds[t],
        to: bounds[t + 1],
        linear: plan.linear,
      });
    }
    // The calling thread's own share, while the workers run.
    accumulateDependencies(n, plan.offsets, plan.targets, sources, bounds[0], bounds[1], raw, plan.linear);
    const results = await Promise.all(parts);
    for (const part of results) for (let v = 0; v < n; v++) raw[v] += part[v];
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { ...finishBetweenness(plan, raw), threads: 1 + workerShares };
}
