// The whole linkage run over a standardised record set: block, count, compare (across cores),
// train, score, cluster. Callers (the CLI, an app job) supply records and get everything back
// needed to write outputs and the report. No I/O here.

import {
  type BlockingCounts,
  type BlockingRule,
  countBlockedPairs,
  defaultBlockingRules,
  generatePairs,
  type PreparedBlocking,
  prepareBlocking,
} from "./blocking.ts";
import { cluster } from "./cluster.ts";
import { type Comparison, defaultComparisons, kernelFields } from "./compare.ts";
import { type ComparePool, createComparePool } from "./parallel.ts";
import type { RecordSet } from "./records.ts";
import { decide, type ScoredPairs, scorePairs } from "./score.ts";
import { type Model, randomPairs, train } from "./train.ts";

export interface ProgressEvent {
  phase: "block" | "sample" | "compare" | "train" | "score" | "cluster";
  /** "start" once, "end" once, "tick" in between for long phases. */
  state: "start" | "tick" | "end";
  done?: number;
  total?: number;
  message?: string;
}

export interface LinkOptions {
  /** Pairs at or above this probability are matches (default 0.9). */
  threshold?: number;
  /** Pairs at or above this (and below the threshold) go to clerical review (default 0.5). */
  reviewThreshold?: number;
  rules?: BlockingRule[];
  comparisons?: Comparison[];
  /** Threads for comparisons (default 1: the calling thread only). */
  threads?: number;
  /** Random pairs compared to estimate u (default ten per record, 100,000 to 1,000,000). */
  uPairs?: number;
  /** Refuse to compare more candidate pairs than this (default 100,000,000). */
  maxPairs?: number;
  seed?: number;
  onProgress?: (event: ProgressEvent) => void;
}

export interface LinkResult {
  records: RecordSet;
  comparisons: Comparison[];
  blocking: PreparedBlocking;
  counts: BlockingCounts;
  pairsI: Int32Array;
  pairsJ: Int32Array;
  /** Comparison vectors, pair-major (see compare.ts). */
  gamma: Uint8Array;
  model: Model;
  scores: ScoredPairs;
  threshold: number;
  reviewThreshold: number;
  /** Cluster number per record. */
  clusterIds: Int32Array;
  timings: Record<string, number>;
}

export const DEFAULT_THRESHOLD = 0.9;
export const DEFAULT_REVIEW_THRESHOLD = 0.5;

export async function linkRecords(records: RecordSet, options: LinkOptions = {}): Promise<LinkResult> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const reviewThreshold = Math.min(options.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD, threshold);
  const progress = options.onProgress ?? (() => {});
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    const t = performance.now();
    timings[name] = t - t0;
    t0 = t;
  };

  const comparisons = options.comparisons ?? defaultComparisons(records);
  const pool = createComparePool(kernelFields(records, comparisons), options.threads ?? 1);
  // Large inputs: let the workers load while blocking runs on this thread.
  if (records.size >= 100_000) pool.warm();
  try {
    return await run(records, options, comparisons, pool, threshold, reviewThreshold, progress, timings, lap);
  } finally {
    await pool.close();
  }
}

async function run(
  records: RecordSet,
  options: LinkOptions,
  comparisons: Comparison[],
  pool: ComparePool,
  threshold: number,
  reviewThreshold: number,
  progress: (e: ProgressEvent) => void,
  timings: Record<string, number>,
  lap: (name: string) => void,
): Promise<LinkResult> {
  progress({ phase: "block", state: "start" });
  const rules = options.rules ?? defaultBlockingRules(records);
  const blocking = prepareBlocking(records, rules);
  const counts = countBlockedPairs(records, blocking);
  progress({ phase: "block", state: "tick", done: 0, total: counts.total, message: "counted" });
  const { pairsI, pairsJ } = generatePairs(
    records,
    blocking,
    counts,
    options.maxPairs !== undefined ? { maxPairs: options.maxPairs } : {},
  );
  progress({ phase: "block", state: "end", done: counts.total, total: counts.total });
  lap("block");

  {
    const random = randomPairs(records, options.uPairs ?? defaultUPairs(records.size), options.seed ?? 42);
    const nRandom = random.pairsI.length;
    progress({ phase: "sample", state: "start", done: 0, total: nRandom });
    const randomGamma = await pool.compare(random.pairsI, random.pairsJ, (done) =>
      progress({ phase: "sample", state: "tick", done, total: nRandom }),
    );
    progress({ phase: "sample", state: "end", done: random.pairsI.length, total: random.pairsI.length });
    lap("sample");

    progress({ phase: "compare", state: "start", done: 0, total: pairsI.length });
    const gamma = await pool.compare(pairsI, pairsJ, (done) =>
      progress({ phase: "compare", state: "tick", done, total: pairsI.length }),
    );
    progress({ phase: "compare", state: "end", done: pairsI.length, total: pairsI.length });
    lap("compare");

    progress({ phase: "train", state: "start" });
    const model = train({
      records,
      comparisons,
      randomGamma,
      randomPairCount: random.pairsI.length,
      gamma,
      pairsI,
      pairsJ,
      blocking,
    });
    progress({ phase: "train", state: "end" });
    lap("train");

    progress({ phase: "score", state: "start" });
    const scores = scorePairs(model, records, gamma, pairsI);
    progress({ phase: "score", state: "end" });
    lap("score");

    progress({ phase: "cluster", state: "start" });
    const clusterIds = cluster(records.size, pairsI, pairsJ, scores.probabilities, threshold, scores.flags);
    progress({ phase: "cluster", state: "end" });
    lap("cluster");

    return {
      records,
      comparisons,
      blocking,
      counts,
      pairsI,
      pairsJ,
      gamma,
      model,
      scores,
      threshold,
      reviewThreshold,
      clusterIds,
      timings,
    };
  }
}

/** Random pairs for u: ten per record, between 100,000 and 1,000,000. */
export function defaultUPairs(records: number): number {
  return Math.min(1_000_000, Math.max(100_000, 10 * records));
}

/** "match", "review" or null (neither) for candidate pair p. */
export function pairBand(result: LinkResult, p: number): "match" | "review" | null {
  return decide(result.scores, p, result.threshold, result.reviewThreshold);
}

/** The comparison vector of candidate pair p. */
export function gammaRow(result: LinkResult, p: number): Uint8Array {
  const F = result.comparisons.length;
  return result.gamma.subarray(p * F, p * F + F);
}
