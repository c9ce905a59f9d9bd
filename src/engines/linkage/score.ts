// Match weights and probabilities from a trained model, and the explanation of any one pair as
// a waterfall: prior, then each field's weight (and term-frequency adjustment), summing to the
// final match weight.

import { NULL_LEVEL } from "./compare.ts";
import type { RecordSet } from "./records.ts";
import { conditionHolds, conflictHolds, type Model } from "./train.ts";

export const log2 = Math.log2;

/** Match weight (bits) of each level: log2(m / u). */
export function levelWeights(model: Model): number[][] {
  return model.comparisons.map((c) => c.levels.map((l) => log2(l.m / l.u)));
}

export function priorWeight(lambda: number): number {
  return log2(lambda / (1 - lambda));
}

export function probabilityFromWeight(w: number): number {
  return 1 / (1 + 2 ** -w);
}

export function weightFromProbability(p: number): number {
  return log2(p / (1 - p));
}

/**
 * Term-frequency adjustments (bits) per code for each comparison with tf on: a shared common
 * value ("smith") counts for less than the average exact match, a rare one for more.
 * Null for comparisons without tf.
 */
export function tfAdjustments(model: Model, records: RecordSet, weight = 1): (Float32Array | null)[] {
  return model.comparisons.map((c) => {
    if (!c.tf) return null;
    const col = records.fields[c.fieldIndex]!;
    const uExact = c.levels[0]!.u;
    const out = new Float32Array(col.counts.length);
    // A value's frequency, shrunk towards the average (uExact) as if TF_PRIOR_RECORDS more
    // records had been seen: in a small file every value looks common.
    const present = col.present + TF_PRIOR_RECORDS;
    for (let k = 0; k < out.length; k++) {
      const tf = (Math.max(col.counts[k]!, 1) + TF_PRIOR_RECORDS * uExact) / present;
      out[k] = weight * log2(uExact / tf);
    }
    return out;
  });
}

/** Pseudo-records of average frequency added to each value's count (see tfAdjustments). */
export const TF_PRIOR_RECORDS = 1000;

export interface ScoredPairs {
  weights: Float32Array;
  probabilities: Float32Array;
  /** Bit r set when the pair shows conflict rule r (model.conflicts): never merged automatically. */
  flags: Uint8Array;
}

/** "match" (at or above the threshold, no conflict), "review" or null. */
export function decide(
  scores: ScoredPairs,
  p: number,
  threshold: number,
  review: number,
): "match" | "review" | null {
  const pr = scores.probabilities[p]!;
  if (pr >= threshold && scores.flags[p] === 0) return "match";
  if (pr >= review) return "review";
  return null;
}

/** Reasons for a pair's conflict flags. */
export function conflictReasons(model: Model, flags: number): string[] {
  return model.conflicts.filter((_, r) => flags & (1 << r)).map((c) => c.reason);
}

/** Score every pair from its comparison vector. */
export function scorePairs(
  model: Model,
  records: RecordSet,
  gamma: Uint8Array,
  pairsI: Int32Array,
): ScoredPairs {
  const n = pairsI.length;
  const F = model.comparisons.length;
  const W = levelWeights(model);
  const tf = tfAdjustments(model, records);
  const codes = model.comparisons.map((c) => records.fields[c.fieldIndex]!.codes);
  const prior = priorWeight(model.lambda);
  const weights = new Float32Array(n);
  const probabilities = new Float32Array(n);
  const flags = new Uint8Array(n);
  const conflicts = model.conflicts.slice(0, 8);
  const interactions = model.interactions;
  for (let p = 0; p < n; p++) {
    let w = prior;
    const base = p * F;
    let flag = 0;
    for (let r = 0; r < conflicts.length; r++) if (conflictHolds(conflicts[r]!, gamma, base)) flag |= 1 << r;
    flags[p] = flag;
    for (const x of interactions)
      if (conditionHolds(x.a, gamma, base) && conditionHolds(x.b, gamma, base)) w += x.weight;
    for (let f = 0; f < F; f++) {
      const g = gamma[base + f]!;
      if (g === NULL_LEVEL) continue;
      w += W[f]![g]!;
      if (g === 0) {
        const t = tf[f];
        if (t) w += t[codes[f]![pairsI[p]!]!]!;
      }
    }
    weights[p] = w;
    probabilities[p] = probabilityFromWeight(w);
  }
  return { weights, probabilities, flags };
}

export interface FieldExplanation {
  field: string;
  label: string;
  left: string | null;
  right: string | null;
  level: number | null;
  levelLabel: string;
  m: number | null;
  u: number | null;
  /** log2(m/u), 0 when either value is missing. */
  weight: number;
  /** Term-frequency adjustment, 0 when none. */
  tfAdjustment: number;
}

export interface PairExplanation {
  leftId: string;
  rightId: string;
  priorWeight: number;
  fields: FieldExplanation[];
  matchWeight: number;
  matchProbability: number;
  /** Conflict rules the pair shows (never merged automatically). */
  conflicts: string[];
  /** Interaction corrections applied (e.g. a household sharing surname and address). */
  adjustments: { reason: string; weight: number }[];
}

/** The waterfall for one pair, given its comparison vector (or computing it with `compare`). */
export function explainPair(
  model: Model,
  records: RecordSet,
  i: number,
  j: number,
  gammaRow: ArrayLike<number>,
  tf: (Float32Array | null)[] = tfAdjustments(model, records),
): PairExplanation {
  const prior = priorWeight(model.lambda);
  let total = prior;
  const fields = model.comparisons.map((c, f): FieldExplanation => {
    const col = records.fields[c.fieldIndex]!;
    const a = col.codes[i]!;
    const g = gammaRow[f]!;
    const valuesOf = (r: number): string | null => {
      const parts: string[] = [];
      for (const fi of c.fieldIndices) {
        const pc = records.fields[fi]!;
        const code = pc.codes[r]!;
        if (code >= 0) parts.push(pc.values[code]!);
      }
      return parts.length > 0 ? parts.join(", ") : null;
    };
    const left = valuesOf(i);
    const right = valuesOf(j);
    if (g === NULL_LEVEL) {
      return {
        field: c.field,
        label: c.label,
        left,
        right,
        level: null,
        levelLabel: "missing",
        m: null,
        u: null,
        weight: 0,
        tfAdjustment: 0,
      };
    }
    const lv = c.levels[g]!;
    const weight = log2(lv.m / lv.u);
    const tfAdjustment = g === 0 && tf[f] ? tf[f]![a]! : 0;
    total += weight + tfAdjustment;
    return {
      field: c.field,
      label: c.label,
      left,
      right,
      level: g,
      levelLabel: lv.label,
      m: lv.m,
      u: lv.u,
      weight,
      tfAdjustment,
    };
  });
  const conflicts = model.conflicts.filter((c) => conflictHolds(c, gammaRow)).map((c) => c.reason);
  const adjustments = model.interactions
    .filter((x) => conditionHolds(x.a, gammaRow) && conditionHolds(x.b, gammaRow))
    .map((x) => ({ reason: x.reason, weight: x.weight }));
  for (const a of adjustments) total += a.weight;
  return {
    leftId: records.ids[i]!,
    rightId: records.ids[j]!,
    priorWeight: prior,
    fields,
    matchWeight: total,
    matchProbability: probabilityFromWeight(total),
    conflicts,
    adjustments,
  };
}
