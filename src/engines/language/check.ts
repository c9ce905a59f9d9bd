// check(text, dictionary): find wording that blames the child, explain each find, suggest
// alternatives. Never rewrites anything; the caller shows the flags and the writer decides.
import { isNegated, isRejectedAfter, referentOf } from "./context.ts";
import {
  type CompiledCondition,
  type CompiledDictionary,
  compileDictionary,
  type IndexedPattern,
  isCompiled,
} from "./dictionary.ts";
import { compilePattern, matchAt, matchEndingAt, matchWithin } from "./pattern.ts";
import { type Token, tokenise } from "./tokenise.ts";
import type { CheckResult, Dictionary, DictionaryEntry, Flag, Note } from "./types.ts";

export const QUOTED_MESSAGE =
  "In quotation marks, so recorded as quoted words (for example the child's own account) and not flagged.";
export const REPORTED_MESSAGE =
  "Reported as the child's own description of the person, so recorded and not flagged. Make clear it is the child's word.";

// "she calls him her boyfriend", "the man he describes as his friend", "she refers to him as…"
const REPORTED = [
  compilePattern(
    "call~|describe~|introduce~ (him|her|them|{CAP}|the-man|the-male|this-man|this-male|the-adult)? (as)? {POSS}",
  ),
  compilePattern("refer~ to (him|her|them|{CAP}|the-man|the-male|this-man|this-male|the-adult) as {POSS}?"),
  compilePattern(
    "describe~|see~|consider~|regard~|introduce~ (him|her|them|{CAP}|the-man|the-male|this-man|this-male|the-adult) as {POSS}?",
  ),
];
const PASSIVE = new Set(["be", "been", "being", "is", "was", "are", "were", "'s", "'re"]);

/** How far (in tokens) a "sentence" condition looks either side of the match. */
export const SENTENCE_REACH = 40;

interface Candidate {
  startTok: number;
  endTok: number; // exclusive
  start: number;
  end: number;
  order: number;
  entry: DictionaryEntry;
  quoted: boolean;
  reported: boolean;
}

function holds(c: CompiledCondition, tokens: Token[], s: number, e: number, ss: number, se: number): boolean {
  switch (c.where) {
    case "before":
      return s > ss && matchEndingAt(c.pattern, tokens, ss, s);
    case "after":
      return matchAt(c.pattern, tokens, se, e) >= 0;
    case "at":
      return matchAt(c.pattern, tokens, se, s) >= 0;
    case "sentence":
      // the sentence, but no further than SENTENCE_REACH tokens either side of the match, so a
      // text without full stops cannot make checking quadratic
      return matchWithin(
        c.pattern,
        tokens,
        Math.max(ss, s - SENTENCE_REACH),
        Math.min(se, e + SENTENCE_REACH),
      );
  }
}

/** Keep the longest of overlapping finds: drop any find inside another, or overlapping its own entry's. */
function resolveOverlaps(cands: Candidate[]): Candidate[] {
  cands.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || a.order - b.order);
  const kept: Candidate[] = [];
  const entryEnd = new Map<string, number>(); // furthest end kept so far, per entry
  let maxEnd = -1;
  for (const c of cands) {
    if (c.end <= maxEnd) continue; // inside (or equal to) an earlier, longer find
    if ((entryEnd.get(c.entry.id) ?? -1) > c.start) continue; // overlaps its own entry's find
    kept.push(c);
    maxEnd = Math.max(maxEnd, c.end);
    entryEnd.set(c.entry.id, Math.max(entryEnd.get(c.entry.id) ?? -1, c.end));
  }
  return kept;
}

function tryPattern(
  ip: IndexedPattern,
  tokens: Token[],
  i: number,
  ss: number,
  se: number,
  out: Candidate[],
) {
  const { entry: ce, pattern } = ip;
  const end = matchAt(pattern, tokens, se, i);
  if (end <= i) return;
  for (const c of ce.unless) if (holds(c, tokens, i, end, ss, se)) return;
  if (ce.requires.length) {
    let ok = false;
    for (const c of ce.requires) if (holds(c, tokens, i, end, ss, se)) ok = true;
    if (!ok) return;
  }
  let quoted = false;
  for (let k = i; k < end; k++) if (tokens[k].quoted) quoted = true;
  let reported = false;
  if (!quoted) {
    if (ce.negatable && (isNegated(tokens, i, ss) || isRejectedAfter(tokens, end, se))) return;
    reported = isReported(tokens, i, ss);
    if (!reported && ce.subject === "child" && referentOf(tokens, i, ss) === "adult") return;
  }
  out.push({
    startTok: i,
    endTok: end,
    start: tokens[i].start,
    end: tokens[end - 1].end,
    order: ce.order,
    entry: ce.entry,
    quoted,
    reported,
  });
}

/** Does the match follow the child's own naming of someone ("the man she calls her boyfriend")? */
function isReported(tokens: Token[], i: number, ss: number): boolean {
  for (let v = i - 1; v >= ss && v >= i - 6; v--) {
    const w = tokens[v].norm;
    if (!/^(call|describ|refer|consider|regard|see|saw|introduc)/.test(w)) continue;
    if (!REPORTED.some((p) => matchAt(p, tokens, i, v) === i)) continue;
    // active voice only: "has been described as…" is someone else describing the child
    if (v > ss && PASSIVE.has(tokens[v - 1].norm)) return false;
    return referentOf(tokens, v, ss) === "child";
  }
  return false;
}

function toCompiled(dictionary: Dictionary | DictionaryEntry[] | CompiledDictionary): CompiledDictionary {
  return isCompiled(dictionary) ? dictionary : compileDictionary(dictionary);
}

/**
 * Check a text. Returns flags (wording to reconsider, each with category, why and alternatives)
 * and notes (informational: matching wording inside quotation marks, which is not flagged).
 * Offsets are JS string indices: text.slice(flag.start, flag.end) === flag.phrase.
 */
export function check(
  text: string,
  dictionary: Dictionary | DictionaryEntry[] | CompiledDictionary,
): CheckResult {
  const dict = toCompiled(dictionary);
  if (!text) return { flags: [], notes: [] };
  const { tokens, sentences } = tokenise(text);
  // A pattern can only match inside one sentence, so only patterns whose required word occurs in
  // the sentence are tried there (stamped per sentence; patterns without such a word always are).
  const stamp = new Int32Array(dict.patterns.length).fill(-1);
  const always = dict.alwaysLive;
  const cands: Candidate[] = [];
  const { index, anyStart, requiredBy } = dict;
  for (let si = 0; si < sentences.length; si++) {
    const [ss, se] = sentences[si];
    for (let i = ss; i < se; i++) {
      const slots = requiredBy.get(tokens[i].norm);
      if (slots) for (let k = 0; k < slots.length; k++) stamp[slots[k]] = si;
    }
    for (let i = ss; i < se; i++) {
      const list = index.get(tokens[i].norm);
      if (list)
        for (let k = 0; k < list.length; k++) {
          const ip = list[k];
          if (stamp[ip.slot] === si || always[ip.slot]) tryPattern(ip, tokens, i, ss, se, cands);
        }
      for (let k = 0; k < anyStart.length; k++) {
        const ip = anyStart[k];
        if (stamp[ip.slot] === si || always[ip.slot]) tryPattern(ip, tokens, i, ss, se, cands);
      }
    }
  }
  const kept = resolveOverlaps(cands);
  const flags: Flag[] = [];
  const notes: Note[] = [];
  for (const c of kept) {
    const phrase = text.slice(c.start, c.end);
    if (c.quoted || c.reported) {
      notes.push({
        kind: c.quoted ? "quoted" : "reported",
        phrase,
        start: c.start,
        end: c.end,
        category: c.entry.category,
        entryId: c.entry.id,
        message: c.quoted ? QUOTED_MESSAGE : REPORTED_MESSAGE,
      });
    } else {
      flags.push({
        phrase,
        start: c.start,
        end: c.end,
        category: c.entry.category,
        why: c.entry.why,
        alternatives: [...c.entry.alternatives],
        entryId: c.entry.id,
        dictionaryVersion: dict.version,
      });
    }
  }
  return { flags, notes };
}
