// Fellegi–Sunter parameter estimation, as Splink does it, with a few safeguards:
//  - u (chance of each level among non-matching pairs) from comparisons of random pairs; the
//    exact level's u is computed exactly from value frequencies, then the pairs the model
//    expects to be matches are taken out of it (a duplicate shares its NHS number with the
//    original) and the model is fitted again; typical UK values act as a small prior, so
//    small files get sensible weights;
//  - m (chance of each level among matching pairs) by expectation–maximisation on the pairs of
//    each training rule, with u held fixed; the fields a rule blocks on are not estimated from
//    that rule's pairs (they agree by construction); a field's m is the mean over the rules that
//    estimated it; rules blocking on an address are not used (households would be learnt as
//    matches);
//  - lambda (chance that two random records match) by EM on all candidate pairs with m and u
//    fixed, scaled from candidate pairs to all possible pairs;
//  - a household correction for surname and address agreeing together, and conflict rules
//    (different NHS numbers or sex, possible twins) that send pairs to clerical review.

import { type PreparedBlocking, ruleFields } from "./blocking.ts";
import { type Comparison, NULL_LEVEL, priorU } from "./compare.ts";
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
  fieldIndices: number[];
  fields: string[];
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

/** A condition on one comparison: its level is one of `levels`. */
export interface LevelCondition {
  /** Index into Model.comparisons. */
  comparison: number;
  levels: number[];
}

/**
 * A pattern that stops automatic merging: pairs showing every `all` condition and no `none`
 * condition go to clerical review however high their probability (two different NHS numbers;
 * possible twins).
 */
export interface ConflictRule {
  reason: string;
  all: LevelCondition[];
  none: LevelCondition[];
}

/**
 * A correction for two comparisons that are not independent among non-matches: members of one
 * household share a surname and an address far more often than two random people, so agreeing
 * on both is weaker evidence than the two weights suggest. When both conditions hold the pair
 * gets `weight` = log2(u_a · u_b / u_ab) bits (≤ 0).
 */
export interface Interaction {
  reason: string;
  a: LevelCondition;
  b: LevelCondition;
  /** Chance that two non-matching records meet both conditions. */
  uJoint: number;
  weight: number;
}

export function conditionHolds(c: LevelCondition, gammaRow: ArrayLike<number>, base = 0): boolean {
  const g = gammaRow[base + c.comparison]!;
  return c.levels.includes(g);
}

export function conflictHolds(rule: ConflictRule, gammaRow: ArrayLike<number>, base = 0): boolean {
  for (const c of rule.all) if (!conditionHolds(c, gammaRow, base)) return false;
  for (const c of rule.none) if (conditionHolds(c, gammaRow, base)) return false;
  return true;
}

export interface Model {
  mode: "dedupe" | "link";
  comparisons: ComparisonParams[];
  conflicts: ConflictRule[];
  interactions: Interaction[];
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

/**
 * Pairs of records sharing the field's value, and all pairs with the value on both sides
 * (ordered pairs for dedupe, left × right for link): their ratio is the chance two records agree.
 */
export function exactCounts(records: RecordSet, fieldIndex: number): { shared: number; total: number } {
  const col = records.fields[fieldIndex]!;
  let shared = 0;
  if (records.mode === "link") {
    for (let c = 0; c < col.counts.length; c++) {
      const l = col.countsLeft[c]!;
      shared += l * (col.counts[c]! - l);
    }
    return { shared, total: col.presentLeft * (col.present - col.presentLeft) };
  }
  for (let c = 0; c < col.counts.length; c++) shared += col.counts[c]! * (col.counts[c]! - 1);
  return { shared, total: col.present * (col.present - 1) };
}

/** Weight of the prior u, in pairs (see priorU). */
export const U_PRIOR_PAIRS = 10_000;

// Exact-level u from shared / total pairs, shrunk towards the prior.
function shrinkExact(shared: number, total: number, prior: number, records: RecordSet): number {
  const k = records.mode === "link" ? U_PRIOR_PAIRS : 2 * U_PRIOR_PAIRS;
  return (Math.max(0, shared) + k * prior) / (total + k);
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
    const floor = 1e-9;
    const prior = priorU(c.kind, L);
    const K = U_PRIOR_PAIRS;
    const E = c.exactLevels;
    if (E === 0) {
      let total = 0;
      for (let l = 0; l < L; l++) total += counts[l]!;
      return Array.from(counts, (k, l) => Math.max(floor, (k + K * prior[l]!) / (total + K)));
    }
    // Levels 0..E-1 together are "main field equal": that mass is known exactly from value
    // frequencies; random pairs only share it out between those levels and the rest.
    const { shared, total } = exactCounts(records, c.fieldIndex);
    let priorExact = 0;
    for (let l = 0; l < E; l++) priorExact += prior[l]!;
    const uExact = Math.max(floor, shrinkExact(shared, total, priorExact, records));
    let inExact = 0;
    for (let l = 0; l < E; l++) inExact += counts[l]! + K * prior[l]!;
    let rest = 0;
    for (let l = E; l < L; l++) rest += counts[l]! + K * prior[l]!;
    const u: number[] = [];
    for (let l = 0; l < L; l++) {
      const k = counts[l]! + K * prior[l]!;
      u.push(Math.max(floor, l < E ? (uExact * k) / inExact : ((1 - uExact) * k) / rest));
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
  const levels: number[] = [];
  const counts: number[] = [];
  const masks: number[] = [];
  // Key = the vector in mixed radix (256 per field would overflow; levels + null fit in a
  // small radix), times the rule mask. Falls back to string keys when that exceeds 2^53.
  const radix: number[] = [];
  for (let f = 0; f < F; f++) {
    let max = 0;
    for (let p = 0; p < nPairs; p++) {
      const g = gamma[p * F + f]!;
      if (g !== NULL_LEVEL && g > max) max = g;
    }
    radix.push(max + 2);
  }
  const space = radix.reduce((a, b) => a * b, 1);
  const numeric = space * 2 ** 16 < Number.MAX_SAFE_INTEGER;
  const byNumber = new Map<number, number>();
  const byString = new Map<string, number>();
  const codes = new Array<number>(F + 2);
  for (let p = 0; p < nPairs; p++) {
    const base = p * F;
    const mask = masksOf(p);
    let at: number | undefined;
    let key = 0;
    let skey = "";
    if (numeric && mask < 65536) {
      for (let f = 0; f < F; f++) {
        const g = gamma[base + f]!;
        key = key * radix[f]! + (g === NULL_LEVEL ? 0 : g + 1);
      }
      key = key * 65536 + mask;
      at = byNumber.get(key);
    } else {
      for (let f = 0; f < F; f++) codes[f] = gamma[base + f]!;
      codes[F] = mask & 0xffff;
      codes[F + 1] = mask >>> 16;
      skey = String.fromCharCode.apply(null, codes);
      at = byString.get(skey);
    }
    if (at !== undefined) counts[at]!++;
    else {
      const idx = counts.length;
      if (numeric && mask < 65536) byNumber.set(key, idx);
      else byString.set(skey, idx);
      for (let f = 0; f < F; f++) levels.push(gamma[base + f]!);
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
  options: {
    maxIterations?: number;
    tolerance?: number;
    lambdaStart?: number;
    fixM?: boolean;
    pseudoCount?: number;
  } = {},
): EmResult {
  const pseudo = options.pseudoCount ?? 1;
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
        // One pseudo-pair per level (a flat Dirichlet prior): no level's m collapses to zero
        // just because the training pairs never showed it.
        const L = m[f]!.length;
        let sum = 0;
        for (const v of num[f]!) sum += v;
        if (sum <= 0) continue;
        for (let l = 0; l < L; l++) {
          const v = (num[f]![l]! + pseudo) / (sum + pseudo * L);
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
  /** Take expected matches out of the exact-level u and fit again (default true). */
  refineU?: boolean;
}

const LOCATION = new Set(["postcode", "street_number", "address_1", "address_2", "suburb"]);

/**
 * Rules to estimate m on: those that do not block on an address. Pairs sharing an address are
 * dominated by households (brothers and sisters, parents and children, twins), who agree on
 * nearly everything but given name and date of birth; EM on such blocks learns "household" as
 * the matching class. Falls back to every rule when no other rule exists.
 */
export function defaultTrainingRules(blocking: PreparedBlocking): number[] {
  const all = blocking.rules.map((_, r) => r);
  const clean = all.filter((r) => !ruleFields(blocking.rules[r]!).some((f) => LOCATION.has(f)));
  return clean.length > 0 ? clean : all;
}

/**
 * Conflict rules for the comparisons present: a verified identifier (NHS number) or sex that
 * clearly disagrees; possible twins (same date of birth and surname, clearly different given
 * names, and no identifier to tell them apart: when an identifier is present on both records,
 * its own weight decides). A person decides those pairs.
 */
export function defaultConflicts(comparisons: readonly Comparison[]): ConflictRule[] {
  const out: ConflictRule[] = [];
  const last = (f: number) => [comparisons[f]!.levels.length - 1];
  const find = (field: string) => comparisons.findIndex((c) => c.field === field);
  comparisons.forEach((c, f) => {
    if (c.kind === "nhs")
      out.push({ reason: "different NHS numbers", all: [{ comparison: f, levels: last(f) }], none: [] });
    if (c.kind === "sex")
      out.push({ reason: "different sex", all: [{ comparison: f, levels: last(f) }], none: [] });
  });
  const dob = find("dob");
  const given = find("given_name");
  const surname = find("surname");
  if (dob >= 0 && given >= 0 && surname >= 0) {
    const ids = comparisons
      .map((c, f) => ({ c, f }))
      .filter(({ c }) => c.kind === "nhs" || c.kind === "id")
      .map(({ c, f }) => ({ comparison: f, levels: c.levels.map((_, l) => l) }));
    out.push({
      reason: "possible twins",
      all: [
        { comparison: dob, levels: [0] },
        { comparison: given, levels: last(given) },
        { comparison: surname, levels: [0, 1, 2] },
      ],
      none: ids,
    });
  }
  return out;
}

/** Estimate u, m and lambda: the whole Fellegi–Sunter model. */
export function train(input: TrainInput): Model {
  const { records, comparisons, blocking } = input;
  const F = comparisons.length;
  const n = input.pairsI.length;
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
  const u0 = estimateU(records, comparisons, input.randomGamma, input.randomPairCount);
  const first = fitModel(input, table, u0);
  // Value frequencies count pairs of records of the same person too (a duplicate shares its
  // NHS number with the original): take the expected matching pairs out of the exact-level u,
  // then fit again.
  const model =
    input.refineU === false ? first : fitModel(input, table, refineExactU(input, table, first, u0));
  model.interactions = householdInteractions(input, table, model);
  if (model.interactions.length > 0) {
    const lam = lambdaFromCandidates(table, F, model);
    model.training.candidateMatchShare = lam;
    model.lambda = scaleLambda(records, lam, n);
  }
  return model;
}

function scaleLambda(records: RecordSet, candidateShare: number, candidates: number): number {
  const possible =
    records.mode === "link"
      ? records.nLeft * (records.size - records.nLeft)
      : (records.size * (records.size - 1)) / 2;
  return Math.min(
    0.5,
    Math.max(1 / Math.max(possible, 1), possible > 0 ? (candidateShare * candidates) / possible : 0.5),
  );
}

// Share of candidate pairs estimated to match, with m, u and interactions fixed.
function lambdaFromCandidates(table: PatternTable, F: number, model: Model): number {
  let lambda = model.training.candidateMatchShare;
  for (let it = 0; it < 200; it++) {
    const post = patternPosteriors(table, F, { ...model, lambda });
    let mass = 0;
    let total = 0;
    for (let p = 0; p < table.size; p++) {
      mass += table.counts[p]! * post[p]!;
      total += table.counts[p]!;
    }
    const next = Math.min(1 - 1e-12, Math.max(1e-12, mass / Math.max(1, total)));
    if (Math.abs(next - lambda) < 1e-10) return next;
    lambda = next;
  }
  return lambda;
}

/**
 * The household correction between surname (exact) and address (same postcode): the joint
 * chance of both among non-matches is counted exactly from (surname, postcode) combinations,
 * less the pairs the model expects to be matches.
 */
export function householdInteractions(input: TrainInput, table: PatternTable, model: Model): Interaction[] {
  const { records, comparisons } = input;
  const sur = comparisons.findIndex((c) => c.field === "surname");
  const addr = comparisons.findIndex((c) => c.kind === "location" || c.kind === "postcode");
  if (sur < 0 || addr < 0) return [];
  const addrComp = comparisons[addr]!;
  const pcIndex = records.fields.findIndex((f) => f.spec.name === "postcode");
  if (pcIndex < 0 || !addrComp.fieldIndices.includes(pcIndex)) return [];
  const surCol = records.fields[comparisons[sur]!.fieldIndex]!;
  const pcCol = records.fields[pcIndex]!;
  const aLevels = [0];
  const bLevels = addrComp.kind === "location" ? [0, 1] : [0];
  // joint (surname, postcode) counts, left and right
  const joint = new Map<number, number>();
  const jointLeft = new Map<number, number>();
  let present = 0;
  let presentLeft = 0;
  const K = pcCol.values.length + 1;
  for (let r = 0; r < records.size; r++) {
    const s = surCol.codes[r]!;
    const p = pcCol.codes[r]!;
    if (s < 0 || p < 0) continue;
    const key = s * K + p;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    present++;
    if (r < records.nLeft) {
      jointLeft.set(key, (jointLeft.get(key) ?? 0) + 1);
      presentLeft++;
    }
  }
  let shared = 0;
  let total: number;
  const link = records.mode === "link";
  if (link) {
    for (const [key, c] of joint) {
      const l = jointLeft.get(key) ?? 0;
      shared += l * (c - l);
    }
    total = presentLeft * (present - presentLeft);
  } else {
    for (const c of joint.values()) shared += c * (c - 1);
    total = present * (present - 1);
  }
  if (total <= 0) return [];
  const F = comparisons.length;
  const post = patternPosteriors(table, F, model);
  let agreeing = 0;
  for (let p = 0; p < table.size; p++) {
    const gs = table.levels[p * F + sur]!;
    const ga = table.levels[p * F + addr]!;
    if (aLevels.includes(gs) && bLevels.includes(ga)) agreeing += table.counts[p]! * post[p]!;
  }
  if (!link) agreeing *= 2;
  // prior: about a third of pairs sharing a postcode share a surname (households)
  const pcPrior = priorU("postcode", 5)[0]!;
  const uJoint = Math.max(1e-12, shrinkExact(shared - agreeing, total, pcPrior * 0.3, records));
  const uA = aLevels.reduce((s2, l) => s2 + model.comparisons[sur]!.levels[l]!.u, 0);
  const uB = bLevels.reduce((s2, l) => s2 + model.comparisons[addr]!.levels[l]!.u, 0);
  const weight = Math.min(0, Math.log2((uA * uB) / uJoint));
  if (weight > -0.1) return [];
  return [
    {
      reason: "surname and address shared (a household)",
      a: { comparison: sur, levels: aLevels },
      b: { comparison: addr, levels: bLevels },
      uJoint,
      weight,
    },
  ];
}

/** Exact-level u without the pairs the model expects to be matches (see train). */
export function refineExactU(
  input: TrainInput,
  table: PatternTable,
  model: Model,
  u: number[][],
): number[][] {
  const { records, comparisons } = input;
  const F = comparisons.length;
  const post = patternPosteriors(table, F, model);
  const link = records.mode === "link";
  return comparisons.map((c, f) => {
    const E = c.exactLevels;
    if (E === 0) return u[f]!;
    let agreeing = 0;
    for (let p = 0; p < table.size; p++) {
      const g = table.levels[p * F + f]!;
      if (g !== NULL_LEVEL && g < E) agreeing += table.counts[p]! * post[p]!;
    }
    const { shared, total } = exactCounts(records, c.fieldIndex);
    if (!link) agreeing *= 2; // ordered pairs
    if (total <= 0) return u[f]!;
    const prior = priorU(c.kind, c.levels.length);
    let priorExact = 0;
    for (let l = 0; l < E; l++) priorExact += prior[l]!;
    const exact = Math.max(1e-9, shrinkExact(shared - agreeing, total, priorExact, records));
    const old = u[f]!.slice(0, E).reduce((a, b) => a + b, 0);
    const rest = u[f]!.slice(E).reduce((a, b) => a + b, 0);
    const others = u[f]!.length - E;
    return u[f]!.map((v, l) =>
      l < E
        ? old > 0
          ? (v / old) * exact
          : exact / E
        : rest > 0
          ? Math.max(1e-7, (v / rest) * (1 - exact))
          : (1 - exact) / others,
    );
  });
}

function patternPosteriors(table: PatternTable, F: number, model: Model): Float64Array {
  const post = new Float64Array(table.size);
  const prior = Math.log2(model.lambda / (1 - model.lambda));
  const W = model.comparisons.map((c) => c.levels.map((l) => Math.log2(l.m / l.u)));
  for (let p = 0; p < table.size; p++) {
    let w = prior;
    for (let f = 0; f < F; f++) {
      const g = table.levels[p * F + f]!;
      if (g !== NULL_LEVEL) w += W[f]![g]!;
    }
    for (const x of model.interactions ?? []) {
      if (conditionHolds(x.a, table.levels, p * F) && conditionHolds(x.b, table.levels, p * F)) w += x.weight;
    }
    post[p] = 1 / (1 + 2 ** -w);
  }
  return post;
}

function fitModel(input: TrainInput, table: PatternTable, u: number[][]): Model {
  const { records, comparisons, blocking } = input;
  const F = comparisons.length;
  const n = input.pairsI.length;
  const mSum = comparisons.map((c) => new Array<number>(c.levels.length).fill(0));
  const mRules = comparisons.map(() => [] as string[]);
  const sessions: EmSession[] = [];
  const start = comparisons.map((c) => initialM(c.levels.length));
  const rules = input.trainingRules ?? defaultTrainingRules(blocking);
  for (const r of rules) {
    const rule = blocking.rules[r]!;
    const blocked = new Set(ruleFields(rule));
    const estimate = comparisons.map((c) => !c.fields.some((f) => blocked.has(f)));
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
  const lambda = scaleLambda(records, lam.lambda, n);
  const conflicts = defaultConflicts(comparisons);
  return {
    mode: records.mode,
    conflicts,
    interactions: [],
    lambda,
    comparisons: comparisons.map((c, f) => ({
      field: c.field,
      label: c.label,
      kind: c.kind,
      fieldIndex: c.fieldIndex,
      fieldIndices: c.fieldIndices,
      fields: c.fields,
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
