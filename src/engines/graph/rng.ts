// Small seeded pseudo-random generator (mulberry32) so that sampling and Louvain are reproducible:
// the same seed and the same input always give the same result.

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

export function createRng(seed: number): Rng {
  let a = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

/** Fisher–Yates shuffle of `arr` in place. */
export function shuffleInPlace(arr: Int32Array | number[], rng: Rng): void {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = arr[i];
    arr[i] = arr[j];
    arr[j] = t;
  }
}

/** `k` distinct integers drawn uniformly from [0, n), in draw order (partial Fisher–Yates). */
export function sampleWithoutReplacement(n: number, k: number, rng: Rng): Int32Array {
  const take = Math.min(k, n);
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, take);
}
