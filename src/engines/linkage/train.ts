// Fellegi–Sunter parameter estimation, as Splink does it:
//  - u (chance of each level among non-matching pairs) from comparisons of random pairs; the
//    exact level's u is computed exactly from the value frequencies;
//  - m (chance of each level among matching pairs) by expectation–maximisation on the pairs of
//    each blocking rule, with u held fixed; the fields a rule blocks on are not estimated from
//    that rule's pairs (they agree by construction); a field's m is the mean over the rules that
//    estimated it;
//  - lambda (chance that two random records match) by EM on all candidate pairs with m and u
//    fixed, scaled from candidate pairs to all possible pairs.

import { type PreparedBlocking, ruleFields } from "./blocking.ts";
import { type Comparison, NULL_LEVEL } from "./compare.ts";
import type { RecordSet } from "./records.ts";

export interface LevelParams {
  label: string;
  m: number;
  u: number;
}

export interface ComparisonParams {
  field: string;
  label: string;
  kind: Comparison["kind"];
  fieldIndex: number;
  tf: boolean;
  levels: LevelParams[];
  /** Rules whose pairs estimated m (empty: m is the starting guess). */
  mEstimatedFrom: string[];
}

export interface EmSession {
  rule: string;
  pairs: number;
  fieldsEstimated: string[];
  iterations: number;
  converged: boolean;
  /** Share of the rule's pairs estimated to match. */
  matchShare: number;
}

export interface Model {
  mode: "dedupe" | "link";
  comparisons: ComparisonParams[];
  /** Prior probability that two records drawn at random match. */
  lambda: number;
  training: {
    uPairs: number;
    sessions: EmSession[];
    lambdaIterations: number;
    /** Share of candidate pairs estimated to match. */
    candidateMatchShare: number;
  };
}

/** A small, fast, seeded pseudo-random generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniformly random distinct pairs (cross pairs in link mode), on shared memory. */
export function randomPairs(
  records: RecordSet,
  count: number,
  seed = 42,
): { pairsI: Int32Array; pairsJ: Int32Array } {
  const rand = seededRandom(seed);
  const n = records.size;
  const link = records.mode === "link";
  const nLeft = records.nLeft;
  const possible = link ? nLeft * (n - nLeft) : (n * (n - 1)) / 2;
  const k = Math.max(0, Math.min(count, possible));
  const pairsI = new Int32Array(new SharedArrayBuffer(Math.max(1, k) * 4), 0, k);
  const pairsJ = new Int32Array(new SharedArrayBuffer(Math.max(1, k) * 4), 0, k);
  for (let p = 0; p < k; p++) {
    if (link) {
      pairsI[p] = Math.floor(rand() * nLeft);
      pairsJ[p] = nLeft + Math.floor(rand() * (n - nLeft));
    } else {
      let i = 0;
      let j = 0;
      while (i === j) {
        i = Math.floor(rand() * n);
        j = Math.floor(rand() * n);
      }
      pairsI[p] = Math.min(i, j);
      pairsJ[p] = Math.max(i, j);
    }
  }
  return { pairsI, pairsJ };
}

/** Probability that two non-matching records share a value exactly, from value frequencies. */
export function exactU(records: RecordSet, fieldIndex: number): number {
  const col = records.fields[fieldIndex]!;
  let s = 0;
  if (records.mode === "link") {
    const pl = col.presentLeft;
    const pr = col.present - col.presentLeft;
    if (pl === 0 || pr === 0) return 0;
    for (let c = 0; c < col.counts.length; c++) {
      const l = col.countsLeft[c]!;
      s += l * (col.counts[c]! - l);
    }
    return s / (pl * pr);
  }
  const p = col.present;
  if (p < 2) return 0;
  for (let c = 0; c < col.counts.length; c++) {
    const k = col.counts[c]!;
    s += k * (k - 1);
  }
  return s / (p * (p - 1));
}

/** u per level per comparison from the comparison vectors of random pairs. */
export function estimateU(
  records: RecordSet,
  comparisons: readonly Comparison[],
  gamma: Uint8Array,
  nPairs: number,
): number[][] {
  const F = comparisons.length;
  return comparisons.map((c, f) => {
    const L = c.levels.length;
    const counts = new Float64Array(L);
    for (let p = 0; p < nPairs; p++) {
      const g = gamma[p * F + f]!;
      if (g !== NULL_LEVEL) counts[g]!++;
    }
    const floor = 1e-7;
    const uExact = Math.max(exactU(records, c.fieldIndex), floor);
    let rest = 0;
    for (let l = 1; l < L; l++) rest += counts[l]!;
    const pseudo = 0.1;
    const u = [uExact];
    for (let l = 1; l < L; l++) {
      u.push(Math.max(floor, ((1 - uExact) * (counts[l]! + pseudo)) / (rest + pseudo * (L - 1))));
    }
    return u;
  });
}

/** Starting m: most matches agree exactly, few fall in "all other". */
export function initialM(levels: number): number[] {
  if (levels === 2) return [0.9, 0.1];
  const m = [0.7];
  for (let l = 1; l < levels - 1; l++) m.push(0.25 / (levels - 2));
  m.push(0.05);
  return m;
}

/** Distinct comparison patterns with counts and which rules produced them. */
export interface PatternTable {
  /** levels[p * F + f] */
  levels: Uint8Array;
  counts: Float64Array;
  /** Bit r set when the pattern's pairs satisfy rule r (patterns are split by rule mask). */
  masks: Int32Array;
  size: number;
}

/** Group candidate pairs by (comparison vector, rules satisfied). */
export function patternTable(
  gamma: Uint8Array,
  F: number,
  nPairs: number,
  masksOf: (p: number) => number,
): PatternTable {
  const index = new Map<string, number>();
  const levels: number[] = [];
  const counts: number[] = [];
  const masks: number[] = [];
  // Pack the vector as a string of char codes (fast to hash, any number of fields).
  const codes = new Array<number>(F + 1);
  for (let p = 0; p < nPairs; p++) {
    const base = p * F;
    for (let f = 0; f < F; f++) codes[f] = gamma[base + f]!;
    const mask = masksOf(p);
    codes[F] = mask & 0xffff;
    const key = String.fromCharCode.apply(null, codes) + String.fromCharCode(mask >>> 16);
    const at = index.get(key);
    if (at !== undefined) counts[at]!++;
    else {
      index.set(key, counts.length);
      for (let f = 0; f < F; f++) levels.push(codes[f]!);
      counts.push(1);
      masks.push(mask);
    }
  }
  return {
    levels: Uint8Array.from(levels),
    counts: Float64Array.from(counts),
    masks: Int32Array.from(masks),
    size: counts.length,
  };
}

export interface EmResult {
  m: number[][];
  lambda: number;
  iterations: number;
  converged: boolean;
}

/**
 * EM over a pattern table: patterns selected by `include`, fields selected by `estimate`
 * (other fields are ignored entirely), u fixed. Only m and lambda move.
 */
export function runEm(
  table: PatternTable,
  F: number,
  include: (pattern: number) => boolean,
  estimate: readonly boolean[],
  u: readonly (readonly number[])[],
  mStart: readonly (readonly number[])[],
  options: { maxIterations?: number; tolerance?: number; lambdaStart?: number; fixM?: boolean } = {},
): EmResult {
  const maxIt = options.maxIterations ?? 100;
  const tol = options.tolerance ?? 1e-6;
  const m = mStart.map((x) => [...x]);
  let lambda = options.lambdaStart ?? 0.5;
  const logU = u.map((x) => x.map((v) => Math.log(v)));
  let converged = false;
  let it = 0;
  const sel: number[] = [];
  for (let p = 0; p < table.size; p++) if (include(p)) sel.push(p);
  const num = m.map((x) => new Float64Array(x.length));
  for (it = 1; it <= maxIt; it++) {
    const logM = m.map((x) => x.map((v) => Math.log(Math.max(v, 1e-12))));
    for (const a of num) a.fill(0);
    let matchMass = 0;
    let total = 0;
    const logPrior = Math.log(lambda) - Math.log(1 - lambda);
    for (const p of sel) {
      let s = logPrior;
      const base = p * F;
      for (let f = 0; f < F; f++) {
        if (!estimate[f]) continue;
        const g = table.levels[base + f]!;
        if (g === NULL_LEVEL) continue;
        s += logM[f]![g]! - logU[f]![g]!;
      }
      const post = s > 40 ? 1 : s < -40 ? 0 : 1 / (1 + Math.exp(-s));
      const c = table.counts[p]!;
      const w = c * post;
      matchMass += w;
      total += c;
      if (options.fixM) continue;
      for (let f = 0; f < F; f++) {
        if (!estimate[f]) continue;
        const g = table.levels[base + f]!;
        if (g !== NULL_LEVEL) num[f]![g]! += w;
      }
    }
    if (total === 0) break;
    let change = Math.abs(matchMass / total - lambda);
    lambda = Math.min(1 - 1e-12, Math.max(1e-12, matchMass / total));
    if (!options.fixM) {
      for (let f = 0; f < F; f++) {
        if (!estimate[f]) continue;
        let sum = 0;
        for (const v of num[f]!) sum += v;
        if (sum <= 0) continue;
        for (let l = 0; l < m[f]!.length; l++) {
          const v = Math.max(num[f]![l]! / sum, 1e-9);
          change = Math.max(change, Math.abs(v - m[f]![l]!));
          m[f]![l] = v;
        }
      }
    }
    if (change < tol) {
      converged = true;
      break;
    }
  }
  return { m, lambda, iterations: Math.min(it, maxIt), converged };
}

export interface TrainInput {
  records: RecordSet;
  comparisons: readonly Comparison[];
  /** Comparison vectors of random pairs, for u. */
  randomGamma: Uint8Array;
  randomPairCount: number;
  /** Comparison vectors of the candidate pairs and the blocking that made them. */
  gamma: Uint8Array;
  pairsI: Int32Array;
  pairsJ: Int32Array;
  blocking: PreparedBlocking;
  /** Rules to train m on (default: all blocking rules). Indices into blocking.rules. */
  trainingRules?: number[];
  maxIterations?: number;
}

/** Estimate u, m and lambda: the whole Fellegi–Sunter model. */
export function train(input: TrainInput): Model {
  const { records, comparisons, blocking } = input;
  const F = comparisons.length;
  const n = input.pairsI.length;
  const u = estimateU(records, comparisons, input.randomGamma, input.randomPairCount);
  const keys = blocking.keys;
  const R = keys.length;
  const table = patternTable(input.gamma, F, n, (p) => {
    const i = input.pairsI[p]!;
    const j = input.pairsJ[p]!;
    let mask = 0;
    for (let r = 0; r < R; r++) {
      const k = keys[r]!;
      const ki = k[i]!;
      if (ki >= 0 && ki === k[j]) mask |= 1 << r;
    }
    return mask;
  });
  const mSum = comparisons.map((c) => new Array<number>(c.levels.length).fill(0));
  const mRules = comparisons.map(() => [] as string[]);
  const sessions: EmSession[] = [];
  const start = comparisons.map((c) => initialM(c.levels.length));
  const rules = input.trainingRules ?? blocking.rules.map((_, r) => r);
  for (const r of rules) {
    const rule = blocking.rules[r]!;
    const blocked = new Set(ruleFields(rule));
    const estimate = comparisons.map((c) => !blocked.has(c.field));
    if (!estimate.some(Boolean)) continue;
    const bit = 1 << r;
    let pairs = 0;
    for (let p = 0; p < table.size; p++) if (table.masks[p]! & bit) pairs += table.counts[p]!;
    if (pairs === 0) continue;
    const res = runEm(table, F, (p) => (table.masks[p]! & bit) !== 0, estimate, u, start, {
      maxIterations: input.maxIterations ?? 100,
      lambdaStart: 0.5,
    });
    // A session that found (almost) no matches says nothing about m.
    if (res.lambda * pairs < 1) {
      sessions.push({
        rule: rule.name,
        pairs,
        fieldsEstimated: [],
        iterations: res.iterations,
        converged: res.converged,
        matchShare: res.lambda,
      });
      continue;
    }
    const names: string[] = [];
    for (let f = 0; f < F; f++) {
      if (!estimate[f]) continue;
      for (let l = 0; l < mSum[f]!.length; l++) mSum[f]![l]! += res.m[f]![l]!;
      mRules[f]!.push(rule.name);
      names.push(comparisons[f]!.field);
    }
    sessions.push({
      rule: rule.name,
      pairs,
      fieldsEstimated: names,
      iterations: res.iterations,
      converged: res.converged,
      matchShare: res.lambda,
    });
  }
  const m = comparisons.map((_c, f) => {
    const k = mRules[f]!.length;
    if (k === 0) return start[f]!;
    const avg = mSum[f]!.map((v) => v / k);
    const s = avg.reduce((a, b) => a + b, 0);
    return avg.map((v) => v / s);
  });
  // lambda: EM on all candidate pairs with m and u fixed, then scaled to all possible pairs.
  const lam = runEm(
    table,
    F,
    () => true,
    comparisons.map(() => true),
    u,
    m,
    { fixM: true, lambdaStart: 0.1, maxIterations: 200, tolerance: 1e-9 },
  );
  const possible =
    records.mode === "link"
      ? records.nLeft * (records.size - records.nLeft)
      : (records.size * (records.size - 1)) / 2;
  const expectedMatches = lam.lambda * n;
  const lambda = Math.min(
    0.5,
    Math.max(1 / Math.max(possible, 1), possible > 0 ? expectedMatches / possible : 0.5),
  );
  return {
    mode: records.mode,
    lambda,
    comparisons: comparisons.map((c, f) => ({
      field: c.field,
      label: c.label,
      kind: c.kind,
      fieldIndex: c.fieldIndex,
      tf: c.tf,
      levels: c.levels.map((label, l) => ({ label, m: m[f]![l]!, u: u[f]![l]! })),
      mEstimatedFrom: mRules[f]!,
    })),
    training: {
      uPairs: input.randomPairCount,
      sessions,
      lambdaIterations: lam.iterations,
      candidateMatchShare: lam.lambda,
    },
  };
}
