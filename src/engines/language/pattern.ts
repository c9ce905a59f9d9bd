// The pattern language of the dictionary, and its compiler into fast token matchers.
//
//   word        the word (case-insensitive; British/American spellings folded; "risk-taking" is
//               the two words "risk taking", which also matches "risk taking" in the text)
//   word~       any inflection: put~ = put/puts/putting, choose~ = chose/chosen/choosing…
//   a|b|c       one of several words (no spaces around |); each may carry ~ or be a {SLOT}
//   x?          optional word;  ( … )? optional group
//   ( a b | c ) a group; a | with spaces around it separates alternative sequences
//   {SLOT}      a built-in word class (see SLOT_WORDS / SLOT_TESTS) or a dictionary macro
//   *N          a gap of 0 to N words (N ≤ 8; punctuation such as commas is not counted), never
//               crossing a sentence end or ; : ( )
//
// Examples: "put~|place~ {REFL} *4 risk~|danger~|harm~"  ·  "(drug~ | county lines)? runner~"
import { inflections } from "./inflect.ts";
import { normaliseWord, type Token, tokenise } from "./tokenise.ts";

export type Node =
  | { t: "tok"; words: Set<string> | null; test: ((tok: Token) => boolean) | null; label: string }
  | { t: "seq"; items: Node[] }
  | { t: "alt"; items: Node[] }
  | { t: "opt"; item: Node }
  | { t: "gap"; max: number };

export class PatternError extends Error {
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(message);
    this.name = "PatternError";
  }
}

export const SLOT_WORDS: Record<string, string[]> = {
  REFL: ["himself", "herself", "themselves", "themself", "themselfs", "yourself", "myself", "ourselves"],
  PRON: ["he", "she", "they"],
  OBJ: ["him", "her", "them"],
  POSS: ["his", "her", "their"],
  BE: ["be", "am", "is", "are", "was", "were", "been", "being", "'s", "'re", "'m"],
  HAVE: ["have", "has", "had", "having", "'ve", "'d"],
  DET: [
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "some",
    "several",
    "various",
    "two",
    "three",
    "other",
  ],
  ADULT: [
    "man",
    "men",
    "male",
    "males",
    "adult",
    "adults",
    "woman",
    "women",
    "female",
    "females",
    "perpetrator",
    "perpetrators",
    "offender",
    "offenders",
    "abuser",
    "abusers",
    "exploiter",
    "exploiters",
    "suspect",
    "suspects",
    "dealer",
    "dealers",
    "groomer",
    "groomers",
    "trafficker",
    "traffickers",
  ],
  LP: ["("],
  RP: [")"],
  DECADE: ["twenties", "thirties", "forties", "fifties", "sixties", "20s", "30s", "40s", "50s", "60s"],
};

const num = (tok: Token): number =>
  tok.kind === "n" && /^\d+$/.test(tok.norm) ? Number(tok.norm) : Number.NaN;

export const SLOT_TESTS: Record<string, (tok: Token) => boolean> = {
  /** a number 18–99, or "20s" and the like: an adult's age */
  ADULTAGE: (tok) => {
    const n = num(tok);
    return (n >= 18 && n <= 99) || /^[2-9]0s$/.test(tok.norm);
  },
  /** a number 5–17: a child's age */
  CHILDAGE: (tok) => {
    const n = num(tok);
    return n >= 5 && n <= 17;
  },
  NUM: (tok) => tok.kind === "n",
  /** a capitalised word that is not an acronym (usually a name) */
  CAP: (tok) => tok.kind === "w" && tok.cap && !tok.upper,
  /** any word or number */
  ANY: (tok) => tok.kind !== "p",
};

export const BUILTIN_SLOTS = new Set([...Object.keys(SLOT_WORDS), ...Object.keys(SLOT_TESTS)]);

/** The normalised tokens of a word in a pattern ("harm's" → harm, 's). */
function wordNorms(word: string): string[] {
  const w = word.toLowerCase().replace(/’/g, "'");
  if (/^'[a-z]+$/.test(w) || w === "n't") return [w];
  if (/^[\p{L}\p{N}£]+$/u.test(w)) return [normaliseWord(w)];
  return tokenise(word).tokens.map((t) => t.norm);
}

interface ParseContext {
  macros: Record<string, string>;
  /** macro names being expanded (to catch recursion) */
  stack: string[];
  cache: Map<string, Node>;
}

function lex(source: string): string[] {
  return source
    .replace(/\(/g, " ( ")
    .replace(/\)(\?)?/g, " )$1 ")
    .trim()
    .split(/\s+/)
    .filter(Boolean);
}

function seqOf(items: Node[]): Node {
  return items.length === 1 ? items[0] : { t: "seq", items };
}

function parseElement(piece: string, src: string, ctx: ParseContext): Node {
  const slot = piece.match(/^\{([A-Z][A-Z0-9_]*)\}$/);
  if (slot) {
    const name = slot[1];
    if (SLOT_WORDS[name])
      return { t: "tok", words: new Set(SLOT_WORDS[name]), test: null, label: `{${name}}` };
    if (SLOT_TESTS[name]) return { t: "tok", words: null, test: SLOT_TESTS[name], label: `{${name}}` };
    const macro = ctx.macros[name];
    if (macro === undefined) throw new PatternError(`unknown slot {${name}}`, src);
    if (ctx.stack.includes(name)) throw new PatternError(`macro {${name}} refers to itself`, src);
    const cached = ctx.cache.get(name);
    if (cached) return cached;
    ctx.stack.push(name);
    const node = parsePatternInto(macro, ctx);
    ctx.stack.pop();
    ctx.cache.set(name, node);
    return node;
  }
  if (piece.includes("{") || piece.includes("}")) throw new PatternError(`malformed slot "${piece}"`, src);
  const memo = pieceMemo.get(piece);
  if (memo) return memo;
  const inflect = piece.endsWith("~");
  const word = inflect ? piece.slice(0, -1) : piece;
  if (!word) throw new PatternError(`empty word in "${piece}"`, src);
  if (/[()~*?]/.test(word)) throw new PatternError(`unexpected character in "${piece}"`, src);
  const norms = wordNorms(word);
  if (norms.length === 0) throw new PatternError(`"${piece}" has no word in it`, src);
  const toks: Node[] = norms.map((n, i) => {
    const forms = inflect && i === norms.length - 1 ? inflections(n) : [n];
    return {
      t: "tok",
      words: new Set(forms.map(normaliseWord)),
      test: null,
      label: n + (inflect ? "~" : ""),
    };
  });
  const node = seqOf(toks);
  if (pieceMemo.size > 20_000) pieceMemo.clear();
  pieceMemo.set(piece, node);
  return node;
}

// Parsed words are immutable, so they are shared between patterns and recompilations.
const pieceMemo = new Map<string, Node>();

function parseAtom(lexeme: string, src: string, ctx: ParseContext): Node {
  const gap = lexeme.match(/^\*(\d+)$/);
  if (gap) {
    const max = Number(gap[1]);
    if (max < 1 || max > 8) throw new PatternError(`gap ${lexeme} must be between *1 and *8`, src);
    return { t: "gap", max };
  }
  let optional = false;
  let body = lexeme;
  if (body.length > 1 && body.endsWith("?")) {
    optional = true;
    body = body.slice(0, -1);
  }
  const pieces = body.split("|");
  if (pieces.some((p) => p === "")) throw new PatternError(`empty alternative in "${lexeme}"`, src);
  const nodes = pieces.map((p) => parseElement(p, src, ctx));
  let node: Node;
  if (nodes.length === 1) node = nodes[0];
  else if (nodes.every((n) => n.t === "tok" && n.words && !n.test)) {
    // fast path: a single token from a set of words
    const words = new Set<string>();
    for (const n of nodes) if (n.t === "tok" && n.words) for (const w of n.words) words.add(w);
    node = { t: "tok", words, test: null, label: body };
  } else node = { t: "alt", items: nodes };
  return optional ? { t: "opt", item: node } : node;
}

function parsePatternInto(source: string, ctx: ParseContext): Node {
  const lexemes = lex(source);
  if (lexemes.length === 0) throw new PatternError("pattern is empty", source);
  let pos = 0;
  const parseAlt = (depth: number): Node => {
    const branches: Node[][] = [[]];
    while (pos < lexemes.length) {
      const lx = lexemes[pos];
      if (lx === ")" || lx === ")?") {
        if (depth === 0) throw new PatternError(`unmatched "${lx}"`, source);
        break;
      }
      pos++;
      if (lx === "|") {
        branches.push([]);
        continue;
      }
      if (lx === "(") {
        const inner = parseAlt(depth + 1);
        const close = lexemes[pos];
        if (close !== ")" && close !== ")?") throw new PatternError('missing ")"', source);
        pos++;
        branches[branches.length - 1].push(close === ")?" ? { t: "opt", item: inner } : inner);
        continue;
      }
      branches[branches.length - 1].push(parseAtom(lx, source, ctx));
    }
    for (const b of branches)
      if (b.length === 0) throw new PatternError('empty alternative around " | "', source);
    const seqs = branches.map(seqOf);
    return seqs.length === 1 ? seqs[0] : { t: "alt", items: seqs };
  };
  const node = parseAlt(0);
  if (pos < lexemes.length) throw new PatternError(`unexpected "${lexemes[pos]}"`, source);
  return node;
}

/** Parse a pattern. `macroCache` may be shared between patterns that use the same macros. */
export function parsePattern(
  source: string,
  macros: Record<string, string> = {},
  macroCache: Map<string, Node> = new Map(),
): Node {
  if (typeof source !== "string") throw new PatternError("pattern must be a string", String(source));
  return parsePatternInto(source, { macros, stack: [], cache: macroCache });
}

/** Can the node match zero tokens? */
export function nullable(node: Node): boolean {
  switch (node.t) {
    case "tok":
      return false;
    case "seq":
      return node.items.every(nullable);
    case "alt":
      return node.items.some(nullable);
    case "opt":
    case "gap":
      return true;
  }
}

/** Words a match can start with; `any` when it can start with a token tested by a function. */
export function firstWords(node: Node): { words: Set<string>; any: boolean } {
  const out = { words: new Set<string>(), any: false };
  const visit = (n: Node): boolean => {
    // returns whether n is nullable (so the caller continues to the next item)
    switch (n.t) {
      case "tok":
        if (n.words) for (const w of n.words) out.words.add(w);
        else out.any = true;
        return false;
      case "seq":
        for (const it of n.items) if (!visit(it)) return false;
        return true;
      case "alt": {
        let nul = false;
        for (const it of n.items) if (visit(it)) nul = true;
        return nul;
      }
      case "opt":
        visit(n.item);
        return true;
      case "gap":
        out.any = true;
        return true;
    }
  };
  visit(node);
  return out;
}

/** Longest number of tokens the node can span. */
export function maxLength(node: Node): number {
  switch (node.t) {
    case "tok":
      return 1;
    case "seq":
      return node.items.reduce((s, n) => s + maxLength(n), 0);
    case "alt":
      return Math.max(...node.items.map(maxLength));
    case "opt":
      return maxLength(node.item);
    case "gap":
      return node.max * 2; // words plus the punctuation between them
  }
}

// ---- matching -------------------------------------------------------------------------------

/**
 * A compiled matcher: tries to match from token i and returns the end index (exclusive) of the
 * whole match, or -1. It never reads at or beyond `limit`. Matchers are built once, in
 * continuation-passing form (each node knows what follows it), so matching allocates nothing.
 */
export type Matcher = (tokens: Token[], limit: number, i: number) => number;

// The end a match must have (-1: any end). Set around a call by matchEndingAt; matching is
// synchronous and never nested, so one variable is enough.
let endTarget = -1;
const accept: Matcher = (_t, _l, i) => (endTarget < 0 || i === endTarget ? i : -1);

const GAP_STOP = new Set([";", ":", "(", ")"]);

function build(node: Node, next: Matcher): Matcher {
  switch (node.t) {
    case "tok": {
      const { words, test } = node;
      if (words && !test)
        return (toks, limit, i) => (i < limit && words.has(toks[i].norm) ? next(toks, limit, i + 1) : -1);
      const t = test!;
      return (toks, limit, i) => (i < limit && t(toks[i]) ? next(toks, limit, i + 1) : -1);
    }
    case "seq": {
      let m = next;
      for (let k = node.items.length - 1; k >= 0; k--) m = build(node.items[k], m);
      return m;
    }
    case "alt": {
      const ms = node.items.map((it) => build(it, next));
      return (toks, limit, i) => {
        for (let k = 0; k < ms.length; k++) {
          const r = ms[k](toks, limit, i);
          if (r >= 0) return r;
        }
        return -1;
      };
    }
    case "opt": {
      // greedy: prefer taking the optional part
      const m = build(node.item, next);
      return (toks, limit, i) => {
        const r = m(toks, limit, i);
        return r >= 0 ? r : next(toks, limit, i);
      };
    }
    case "gap": {
      const max = node.max;
      // lazy: the shortest gap that lets the rest match; N counts words (commas come free)
      return (toks, limit, i) => {
        let words = 0;
        for (let j = i; j <= limit; j++) {
          if (j > i) {
            const t = toks[j - 1];
            if (GAP_STOP.has(t.norm)) return -1;
            if (t.kind !== "p" && ++words > max) return -1;
          }
          const r = next(toks, limit, j);
          if (r >= 0) return r;
        }
        return -1;
      };
    }
  }
}

export function compileNode(node: Node): Matcher {
  return build(node, accept);
}

/**
 * Words of which at least one must occur for the node to match (the most selective mandatory
 * token), or null when there is no such word set (e.g. only slots tested by a function).
 */
export function requiredWords(node: Node): Set<string> | null {
  switch (node.t) {
    case "tok":
      return node.words && !node.test ? node.words : null;
    case "seq": {
      let best: Set<string> | null = null;
      for (const it of node.items) {
        if (nullable(it)) continue;
        const r = requiredWords(it);
        if (r && (!best || r.size < best.size)) best = r;
      }
      return best;
    }
    case "alt": {
      const out = new Set<string>();
      for (const it of node.items) {
        const r = requiredWords(it);
        if (!r) return null;
        for (const w of r) out.add(w);
      }
      return out;
    }
    case "opt":
    case "gap":
      return null;
  }
}

export interface CompiledPattern {
  source: string;
  node: Node;
  match: Matcher;
  first: { words: Set<string>; any: boolean };
  /** a text without any of these words cannot match (null: no such filter) */
  required: string[] | null;
  maxLen: number;
}

export function compilePattern(
  source: string,
  macros: Record<string, string> = {},
  macroCache?: Map<string, Node>,
): CompiledPattern {
  const node = parsePattern(source, macros, macroCache);
  if (nullable(node))
    throw new PatternError("pattern can match nothing (everything in it is optional)", source);
  const first = firstWords(node);
  const req = requiredWords(node);
  return {
    source,
    node,
    match: compileNode(node),
    first,
    required: req ? [...req] : null,
    maxLen: maxLength(node),
  };
}

/** End index of the match starting at i, or -1. */
export function matchAt(p: CompiledPattern, tokens: Token[], limit: number, i: number): number {
  return p.match(tokens, limit, i);
}

/** Does the pattern match tokens [s, target) exactly for some s ≥ from? */
export function matchEndingAt(p: CompiledPattern, tokens: Token[], from: number, target: number): boolean {
  const lo = Math.max(from, target - p.maxLen);
  endTarget = target;
  try {
    for (let s = target - 1; s >= lo; s--) if (p.match(tokens, target, s) === target) return true;
    return false;
  } finally {
    endTarget = -1;
  }
}

/** Does the pattern match anywhere in tokens [from, limit)? */
export function matchWithin(p: CompiledPattern, tokens: Token[], from: number, limit: number): boolean {
  for (let s = from; s < limit; s++) {
    if ((p.first.any || p.first.words.has(tokens[s].norm)) && p.match(tokens, limit, s) >= 0) return true;
  }
  return false;
}
