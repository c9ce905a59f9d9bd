// String similarity, hand-written for speed. Every function has two forms: one over JavaScript
// strings (for tests, explanations, small inputs) and one over slices of a shared UTF-16 code
// array (`chars`, offset, length), which is what the comparison phase and the workers use so
// that no string objects are made per pair.

let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);
// Bit masks of the positions of each character in the second string (bit-parallel Jaro).
const positions = new Int32Array(65536);

const lowBits = (n: number) => (n >= 32 ? -1 : (1 << n) - 1);

/** Jaro similarity of two slices of `chars`. 1 for two empty strings, 0 if one is empty. */
export function jaroSlice(chars: Uint16Array, a: number, la: number, b: number, lb: number): number {
  return jaro2(chars, a, la, chars, b, lb);
}

/** Jaro similarity of a slice of one array and a slice of another. */
export function jaro2(
  chars: Uint16Array,
  a: number,
  la: number,
  charsB: Uint16Array,
  b: number,
  lb: number,
): number {
  if (la === 0 && lb === 0) return 1;
  if (la === 0 || lb === 0) return 0;
  if (lb > 32 || la > 32) return jaroClassic(chars, a, la, charsB, b, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  // The classic algorithm, bit-parallel: for each character of the first string, the first
  // unmatched equal character of the second within the window is the lowest set bit of
  // positions[c] & window & ~matchedB.
  for (let j = 0; j < lb; j++) positions[charsB[b + j]!]! |= 1 << j;
  let matchedA = 0;
  let matchedB = 0;
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = i > window ? i - window : 0;
    const hi = Math.min(i + window, lb - 1);
    const inWindow = lowBits(hi + 1) & ~lowBits(lo);
    const candidates = positions[chars[a + i]!]! & inWindow & ~matchedB;
    if (candidates !== 0) {
      matchedB |= candidates & -candidates;
      matchedA |= 1 << i;
      matches++;
    }
  }
  for (let j = 0; j < lb; j++) positions[charsB[b + j]!] = 0;
  if (matches === 0) return 0;
  let half = 0;
  let ra = matchedA;
  let rb = matchedB;
  while (ra !== 0) {
    const i = 31 - Math.clz32(ra & -ra);
    const j = 31 - Math.clz32(rb & -rb);
    if (chars[a + i] !== charsB[b + j]) half++;
    ra &= ra - 1;
    rb &= rb - 1;
  }
  const m = matches;
  return (m / la + m / lb + (m - half / 2) / m) / 3;
}

function jaroClassic(
  chars: Uint16Array,
  a: number,
  la: number,
  charsB: Uint16Array,
  b: number,
  lb: number,
): number {
  if (la > flagsA.length) flagsA = new Uint8Array(la * 2);
  if (lb > flagsB.length) flagsB = new Uint8Array(lb * 2);
  const fa = flagsA;
  const fb = flagsB;
  fa.fill(0, 0, la);
  fb.fill(0, 0, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const ci = chars[a + i];
    const lo = i > window ? i - window : 0;
    const hi = Math.min(i + window, lb - 1);
    for (let j = lo; j <= hi; j++) {
      if (fb[j] === 0 && charsB[b + j] === ci) {
        fa[i] = 1;
        fb[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let half = 0;
  for (let i = 0; i < la; i++) {
    if (fa[i] === 0) continue;
    while (fb[k] === 0) k++;
    if (chars[a + i] !== charsB[b + k]) half++;
    k++;
  }
  const m = matches;
  return (m / la + m / lb + (m - half / 2) / m) / 3;
}

/**
 * Jaro-Winkler similarity (prefix scale 0.1, common prefix up to 4 characters, boost applied
 * when the Jaro similarity exceeds 0.7, as Winkler described).
 */
export function jaroWinklerSlice(chars: Uint16Array, a: number, la: number, b: number, lb: number): number {
  return jaroWinkler2(chars, a, la, chars, b, lb);
}

/** Jaro-Winkler of a slice of one array and a slice of another. */
export function jaroWinkler2(
  chars: Uint16Array,
  a: number,
  la: number,
  charsB: Uint16Array,
  b: number,
  lb: number,
): number {
  const j = jaro2(chars, a, la, charsB, b, lb);
  if (j <= 0.7) return j;
  const maxPrefix = Math.min(4, la, lb);
  let p = 0;
  while (p < maxPrefix && chars[a + p] === charsB[b + p]) p++;
  return j + p * 0.1 * (1 - j);
}

const peq = new Int32Array(65536);

/**
 * Levenshtein distance of two slices: Myers' bit-parallel algorithm (Hyyrö's formulation) when
 * the shorter string has at most 32 characters; the classic dynamic programme otherwise.
 */
export function levenshteinSlice(chars: Uint16Array, a: number, la: number, b: number, lb: number): number {
  // Pattern = the shorter string.
  if (la > lb) {
    const t = a;
    a = b;
    b = t;
    const tl = la;
    la = lb;
    lb = tl;
  }
  if (la === 0) return lb;
  if (la > 32) return levenshteinDp(chars, a, la, b, lb);
  for (let i = 0; i < la; i++) peq[chars[a + i]!]! |= 1 << i;
  let pv = -1;
  let mv = 0;
  let score = la;
  const last = 1 << (la - 1);
  for (let j = 0; j < lb; j++) {
    const eq = peq[chars[b + j]!]!;
    const xv = eq | mv;
    const xh = (((eq & pv) + pv) ^ pv) | eq;
    let ph = mv | ~(xh | pv);
    let mh = pv & xh;
    if (ph & last) score++;
    if (mh & last) score--;
    ph = (ph << 1) | 1;
    mh = mh << 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
  }
  for (let i = 0; i < la; i++) peq[chars[a + i]!] = 0;
  return score;
}

let row0 = new Int32Array(64);
let row1 = new Int32Array(64);
let row2 = new Int32Array(64);

function levenshteinDp(chars: Uint16Array, a: number, la: number, b: number, lb: number): number {
  if (lb + 1 > row0.length) {
    row0 = new Int32Array((lb + 1) * 2);
    row1 = new Int32Array((lb + 1) * 2);
  }
  let prev = row0;
  let cur = row1;
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    const ci = chars[a + i - 1];
    for (let j = 1; j <= lb; j++) {
      const cost = ci === chars[b + j - 1] ? 0 : 1;
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      const sub = prev[j - 1]! + cost;
      cur[j] = del < ins ? Math.min(del, sub) : Math.min(ins, sub);
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb]!;
}

/**
 * Optimal string alignment distance (Levenshtein plus transposition of two adjacent characters
 * as one edit), giving up early: returns `max + 1` as soon as the distance must exceed `max`.
 * Used for identifiers and dates, where "two digits swapped" is a single keying error.
 */
export function osaSlice(
  chars: Uint16Array,
  a: number,
  la: number,
  b: number,
  lb: number,
  max: number,
): number {
  if (Math.abs(la - lb) > max) return max + 1;
  // Levenshtein (fast, bit-parallel) bounds OSA: osa <= lev <= 2 * osa, and lev <= 1 means osa = lev.
  const lev = levenshteinSlice(chars, a, la, b, lb);
  if (lev <= 1) return lev;
  if (lev > 2 * max) return max + 1;
  if (lb + 1 > row0.length || lb + 1 > row2.length) {
    row0 = new Int32Array((lb + 1) * 2);
    row1 = new Int32Array((lb + 1) * 2);
    row2 = new Int32Array((lb + 1) * 2);
  }
  let pp = row2; // row i-2
  let prev = row0; // row i-1
  let cur = row1; // row i
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ci = chars[a + i - 1];
    for (let j = 1; j <= lb; j++) {
      const cj = chars[b + j - 1];
      const cost = ci === cj ? 0 : 1;
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      const sub = prev[j - 1]! + cost;
      let v = del < ins ? Math.min(del, sub) : Math.min(ins, sub);
      if (i > 1 && j > 1 && ci === chars[b + j - 2] && chars[a + i - 2] === cj) {
        const tr = pp[j - 2]! + 1;
        if (tr < v) v = tr;
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = pp;
    pp = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[lb]!;
  return d > max ? max + 1 : d;
}

// ---- string forms ---------------------------------------------------------------------------

let scratch = new Uint16Array(128);

function load(x: string, y: string): number {
  const n = x.length + y.length;
  if (n > scratch.length) scratch = new Uint16Array(n * 2);
  for (let i = 0; i < x.length; i++) scratch[i] = x.charCodeAt(i);
  for (let i = 0; i < y.length; i++) scratch[x.length + i] = y.charCodeAt(i);
  return x.length;
}

export function jaro(x: string, y: string): number {
  const off = load(x, y);
  return jaroSlice(scratch, 0, x.length, off, y.length);
}

export function jaroWinkler(x: string, y: string): number {
  const off = load(x, y);
  return jaroWinklerSlice(scratch, 0, x.length, off, y.length);
}

export function levenshtein(x: string, y: string): number {
  const off = load(x, y);
  return levenshteinSlice(scratch, 0, x.length, off, y.length);
}

/** Optimal string alignment distance, capped at `max + 1` (default: no cap). */
export function osaDistance(x: string, y: string, max = Number.MAX_SAFE_INTEGER - 1): number {
  const off = load(x, y);
  return osaSlice(scratch, 0, x.length, off, y.length, max);
}
