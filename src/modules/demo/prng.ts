// A small seeded pseudo-random generator for the synthetic demo county: sfc32 (Chris Doty-Humphrey's
// "small fast chaotic" generator, 128-bit state) seeded through splitmix32. Written here so the
// generator is pure and gives byte-identical output for the same seed on every machine.
// Not for anything secret: ids and tokens for real records come from node:crypto.

/** FNV-1a over a string: turns a stream name into 32 bits. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export type Weighted<T> = readonly (readonly [T, number])[];

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** One independent stream per (seed, name): adding draws to one stream never shifts another. */
  constructor(seed: number, stream = "") {
    const mix = splitmix32((seed >>> 0) ^ fnv1a(stream) ^ Math.floor(seed / 0x100000000));
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight (weights need not sum to 1). */
  weighted<T>(items: Weighted<T>): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1][0];
  }

  /** Fisher–Yates on a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  /** k distinct items (k clipped to the list length). */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, Math.max(0, Math.min(k, items.length)));
  }

  /** A version-4-format UUID built from 128 random bits of this stream. */
  uuid(): string {
    const a = this.u32();
    const b = ((this.u32() & 0xffff0fff) | 0x00004000) >>> 0; // version nibble 4 (third group)
    const c = ((this.u32() & 0x3fffffff) | 0x80000000) >>> 0; // variant 10xx (fourth group)
    const d = this.u32();
    // Written out (no helper closure): this runs hundreds of thousands of times for a large county.
    return (
      HEX[a >>> 24] +
      HEX[(a >>> 16) & 0xff] +
      HEX[(a >>> 8) & 0xff] +
      HEX[a & 0xff] +
      "-" +
      HEX[b >>> 24] +
      HEX[(b >>> 16) & 0xff] +
      "-" +
      HEX[(b >>> 8) & 0xff] +
      HEX[b & 0xff] +
      "-" +
      HEX[c >>> 24] +
      HEX[(c >>> 16) & 0xff] +
      "-" +
      HEX[(c >>> 8) & 0xff] +
      HEX[c & 0xff] +
      HEX[d >>> 24] +
      HEX[(d >>> 16) & 0xff] +
      HEX[(d >>> 8) & 0xff] +
      HEX[d & 0xff]
    );
  }
}

/** A precomputed weighted picker for large loops (binary search over cumulative weights). */
export function weightedPicker<T>(items: Weighted<T>): (rng: Rng) => T {
  const values = items.map(([v]) => v);
  const cum: number[] = [];
  let total = 0;
  for (const [, w] of items) {
    total += w;
    cum.push(total);
  }
  return (rng) => {
    const r = rng.next() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return values[lo];
  };
}
