// Runs the comparison kernel across cores. Records, dictionaries, pairs and the output live on
// SharedArrayBuffers; threads take chunks of pairs from a shared atomic counter, the calling
// thread included, so a slow-starting worker never holds the others up.

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { compareRange, type KernelField } from "./compare.ts";

const CHUNK = 16_384;
/**
 * Below this many pairs the calling thread does the work alone: starting a worker (loading the
 * TypeScript sources in it) costs about as much as comparing this many pairs.
 */
const PARALLEL_MIN_PAIRS = 500_000;

export interface ComparePool {
  readonly threads: number;
  /** Pairs compared by worker threads (not the calling thread) so far. */
  readonly workerPairs: number;
  /** Start the workers now (they load while the caller does other work). */
  warm(): void;
  /** Comparison vectors for the pairs, pair-major: gamma[p * fields + f]. */
  compare(pairsI: Int32Array, pairsJ: Int32Array, onTick?: (done: number) => void): Promise<Uint8Array>;
  close(): Promise<void>;
}

function startWorker(workerData: unknown): Worker {
  const entry = new URL("./compare.worker.ts", import.meta.url);
  if (!import.meta.url.endsWith(".ts")) return new Worker(entry, { workerData });
  // Running from TypeScript sources (tsx, vitest): Node 20 does not apply `--import tsx` to a
  // worker's entry module, so a tiny bootstrap registers tsx first, then imports the worker.
  const api = createRequire(import.meta.url)
    .resolve("tsx/esm/api")
    .replace(/\.cjs$/, ".mjs");
  const code = `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

interface Job {
  resolve: () => void;
  reject: (e: unknown) => void;
  pending: number;
}

/**
 * A pool of `threads - 1` workers plus the calling thread. With threads ≤ 1 everything runs on
 * the calling thread.
 */
export function createComparePool(
  fields: readonly KernelField[],
  threads: number,
  options: { callerWorks?: boolean; minParallelPairs?: number } = {},
): ComparePool {
  const callerWorks = options.callerWorks ?? true;
  const minParallel = options.minParallelPairs ?? PARALLEL_MIN_PAIRS;
  let workerPairs = 0;
  const workers: Worker[] = [];
  let job: Job | null = null;
  let failure: unknown = null;
  const ensureWorkers = () => {
    if (workers.length > 0 || threads <= 1) return;
    for (let t = 0; t < threads - 1; t++) {
      const w = startWorker({ fields });
      w.on("message", (done: number) => {
        workerPairs += done;
        if (job && --job.pending === 0) job.resolve();
      });
      w.on("error", (e) => {
        failure = e;
        job?.reject(e);
      });
      workers.push(w);
    }
  };
  return {
    threads: Math.max(1, threads),
    get workerPairs() {
      return workerPairs;
    },
    warm() {
      ensureWorkers();
    },
    async compare(pairsI, pairsJ, onTick) {
      const F = fields.length;
      const n = pairsI.length;
      const gamma = new Uint8Array(new SharedArrayBuffer(Math.max(1, n * F)), 0, n * F);
      if (threads <= 1 || n < minParallel) {
        for (let s = 0; s < n; s += CHUNK * 8) {
          compareRange(fields, pairsI, pairsJ, gamma, s, Math.min(n, s + CHUNK * 8));
          onTick?.(Math.min(n, s + CHUNK * 8));
        }
        return gamma;
      }
      ensureWorkers();
      if (failure) throw failure;
      const counter = new Int32Array(new SharedArrayBuffer(4));
      const done = new Promise<void>((resolve, reject) => {
        job = { resolve, reject, pending: workers.length };
      });
      for (const w of workers) w.postMessage({ pairsI, pairsJ, gamma, counter, chunk: CHUNK });
      while (callerWorks) {
        const s = Atomics.add(counter, 0, CHUNK);
        if (s >= n) break;
        compareRange(fields, pairsI, pairsJ, gamma, s, Math.min(n, s + CHUNK));
        onTick?.(Math.min(n, Atomics.load(counter, 0)));
      }
      await done;
      job = null;
      return gamma;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
      workers.length = 0;
    },
  };
}
