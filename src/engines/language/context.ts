// Context rules that keep the checker from flagging the wrong thing:
// - who the words are about: the grammatical subject or possessor nearest before the match,
//   resolving he/she/they to the nearest explicit noun phrase ("the perpetrator chose to",
//   "the man's partner", "Jayden's mum said she had made the decision to…");
// - negation and rejection before the match ("is not a drug dealer", "we must not describe him
//   as a runner", "there is no suggestion that it was consensual").
import {
  ADULT_NOUNS,
  ADULT_TITLES,
  CHILD_NOUNS,
  CLAUSE_WORDS,
  HARD_BOUNDARIES,
  NEGATION_WORDS,
  NO_EXCEPTIONS,
  NOT_NAMES,
  OLDER_MODIFIERS,
  type Person,
  PLACE_PREPOSITIONS,
  PREPOSITIONS,
  PRONOUNS,
  type PronounInfo,
  REPORTER_NOUNS,
  STOP_VERBS,
  YOUNG_MODIFIERS,
} from "./lexicon.ts";
import type { Token } from "./tokenise.ts";

export type Referent = "adult" | "child";

/** Verbs before "as" whose subject is the one described ("was described as", "presents as"). */
const AS_VERBS = new Set([
  "described",
  "describe",
  "describes",
  "seen",
  "known",
  "regarded",
  "labelled",
  "referred",
  "viewed",
  "considered",
  "identified",
  "treated",
  "recorded",
  "perceived",
  "characterised",
  "portrayed",
  "presents",
  "present",
  "presented",
  "presenting",
  "across",
  "acts",
  "acted",
  "acting",
  "behaves",
  "behaved",
  "dresses",
  "dressed",
  "poses",
  "posed",
  "works",
  "worked",
  "working",
  "is",
  "was",
  "be",
  "been",
  "are",
  "were",
]);

const RELATIVE = new Set(["who", "which", "where", "whose", "whom"]);

/** Words that open a subordinate clause: the subject of the match is inside it, not beyond. */
const SUBORDINATORS = new Set([
  "that",
  "whether",
  "if",
  "because",
  "when",
  "although",
  "though",
  "while",
  "whilst",
  "whereas",
  "since",
  "unless",
  "until",
  "where",
]);

type Nominal =
  | { kind: "none" }
  | { kind: "adult" | "child"; person: Person }
  | { kind: "pron"; pron: PronounInfo; index: number };

const NONE: Nominal = { kind: "none" };
const NEUTRAL: Person = { gender: "n", number: "s" };

// Words after "N year old" that show it is the subject, not a modifier of a following noun.
const AFTER_AGE_HEAD = new Set([
  "is",
  "was",
  "has",
  "had",
  "'s",
  "who",
  "said",
  "told",
  "would",
  "will",
  "can",
  "could",
  "did",
  "does",
  "may",
  "might",
  "should",
  "must",
  "went",
  "made",
  "chose",
  "decided",
  "then",
  "and",
]);

function ageBefore(tokens: Token[], j: number): number {
  // "... 24 year(s) old" ending at j (j is "old")
  const y = tokens[j - 1];
  const n = tokens[j - 2];
  if (y && n && (y.norm === "year" || y.norm === "years") && n.kind === "n") return Number(n.norm);
  return Number.NaN;
}

function normAt(tokens: Token[], k: number): string {
  return k < tokens.length ? tokens[k].norm : "";
}

function ageAfterName(tokens: Token[], j: number): number {
  // "Dean (31)", "Dean, 31,", "Dean, aged 31", "Dean, who is 31"
  const w1 = normAt(tokens, j + 1);
  let at = -1;
  if (w1 === "(" || w1 === "aged") at = 2;
  else if (w1 === ",") {
    const w2 = normAt(tokens, j + 2);
    const w3 = normAt(tokens, j + 3);
    if (w2 === "aged" || w2 === "age") at = 3;
    else if (w2 === "who" && (w3 === "is" || w3 === "'s")) at = 4;
    else at = 2;
  }
  if (at < 0) return Number.NaN;
  const t = tokens[j + at];
  return t && t.kind === "n" && /^\d+$/.test(t.norm) ? Number(t.norm) : Number.NaN;
}

const MALE_WORDS = new Set([
  "man",
  "male",
  "boy",
  "mr",
  "lad",
  "guy",
  "father",
  "dad",
  "brother",
  "son",
  "uncle",
]);
const FEMALE_WORDS = new Set([
  "woman",
  "female",
  "girl",
  "mrs",
  "ms",
  "miss",
  "mother",
  "mum",
  "sister",
  "daughter",
  "aunt",
]);

/** A name's gender when the text gives it ("a man called Dev", "Mrs Patel"); otherwise unknown. */
function nameGender(tokens: Token[], j: number): Person {
  const p1 = tokens[j - 1]?.norm ?? "";
  let cue = p1;
  if (p1 === "called" || p1 === "named" || p1 === "as") cue = tokens[j - 2]?.norm ?? "";
  if (p1 === "as" && tokens[j - 2]?.norm === "known") cue = tokens[j - 3]?.norm ?? "";
  if (MALE_WORDS.has(cue)) return { gender: "m", number: "s" };
  if (FEMALE_WORDS.has(cue)) return { gender: "f", number: "s" };
  return NEUTRAL;
}

/** What kind of person, if any, token j names. */
function classify(tokens: Token[], j: number): Nominal {
  const t = tokens[j];
  if (t.kind !== "w") return NONE;
  const w = t.norm;
  const prev = tokens[j - 1]?.norm;
  const pron = PRONOUNS.get(w);
  if (pron) return { kind: "pron", pron, index: j };
  const adult = ADULT_NOUNS.get(w);
  if (adult) {
    if (prev && YOUNG_MODIFIERS.has(prev)) return { kind: "child", person: adult };
    if (prev === "old") {
      const age = ageBefore(tokens, j - 1);
      if (age < 18) return { kind: "child", person: adult };
    }
    return { kind: "adult", person: adult };
  }
  const child = CHILD_NOUNS.get(w);
  if (child) {
    if (w === "person" || w === "people") {
      return prev === "young" ? { kind: "child", person: child } : NONE;
    }
    if (prev && OLDER_MODIFIERS.has(prev)) return { kind: "adult", person: child };
    if (prev === "old") {
      const age = ageBefore(tokens, j - 1);
      if (age >= 18) return { kind: "adult", person: child };
    }
    return { kind: "child", person: child };
  }
  if (w === "old") {
    const age = ageBefore(tokens, j);
    const next = tokens[j + 1];
    if (!Number.isNaN(age) && (!next || next.kind === "p" || AFTER_AGE_HEAD.has(next.norm))) {
      return { kind: age >= 18 ? "adult" : "child", person: NEUTRAL };
    }
    return NONE;
  }
  if (t.cap && !t.upper && !NOT_NAMES.has(w) && w.length > 1) {
    const person = nameGender(tokens, j);
    if (prev && ADULT_TITLES.has(prev)) return { kind: "adult", person };
    const age = ageAfterName(tokens, j);
    if (age >= 18) return { kind: "adult", person };
    return { kind: "child", person };
  }
  return NONE;
}

function compatible(p: Person, pron: PronounInfo): boolean {
  if (pron.gender === "n") return p.number !== "s" || p.gender === "n";
  return (p.gender === pron.gender || p.gender === "n") && p.number !== "p";
}

/** Is "her" at j possessive ("her partner") rather than an object ("took her to")? */
function herIsPossessive(tokens: Token[], j: number): boolean {
  const next = tokens[j + 1];
  if (next?.kind !== "w") return false;
  return (
    !PREPOSITIONS.has(next.norm) && !CLAUSE_WORDS.has(next.norm) && next.norm !== "as" && next.norm !== "that"
  );
}

/** Resolve a third-person pronoun at index k to the nearest compatible explicit noun phrase. */
export function resolvePronoun(tokens: Token[], k: number, maxBack = 80): Referent {
  const pron = PRONOUNS.get(tokens[k].norm);
  if (!pron) return "child";
  let blocked = false;
  for (let j = k - 1; j >= 0 && j >= k - maxBack; j--) {
    const t = tokens[j];
    if (t.norm === "i" || t.norm === "we") continue; // the writer
    const c = classify(tokens, j);
    if (c.kind === "none") continue;
    if (c.kind === "pron") {
      const same = c.pron.gender === pron.gender && (c.pron.number === pron.number || pron.gender === "n");
      // an object pronoun of the same kind ("collected her") is someone other than its clause's
      // subject, so an adult subject of that clause is not what a later "she" refers to
      if (same && (c.pron.case === "obj" || (c.pron.case === "poss" && t.norm === "her"))) blocked = true;
      continue;
    }
    if (!compatible(c.person, pron)) continue;
    // a capitalised word after "in", "to", "from"… is usually a place, not a person
    if (
      t.cap &&
      !ADULT_NOUNS.has(t.norm) &&
      !CHILD_NOUNS.has(t.norm) &&
      PLACE_PREPOSITIONS.has(tokens[j - 1]?.norm ?? "")
    )
      continue;
    if (c.kind === "adult") {
      // professionals are usually the ones reporting ("the officer said she had…"), so a he/she
      // after them is taken to be the child unless a perpetrator or family adult comes first
      if (blocked || (pron.gender !== "n" && REPORTER_NOUNS.has(t.norm))) continue;
      return "adult";
    }
    return "child";
  }
  return "child";
}

const NP_WORDS = new Set([
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
  "other",
  "another",
  "two",
  "three",
  "four",
  "older",
  "young",
  "adult",
  "unknown",
  "known",
  "local",
  "same",
  "male",
  "female",
  "new",
  "his",
  "their",
  "her",
  "year",
  "years",
  "old",
  "aged",
  "much",
  "very",
  "many",
  "few",
  "multiple",
]);

/** Is the noun phrase ending at j the object of a preposition ("known to police", "by the men")? */
function afterPreposition(tokens: Token[], j: number, from: number): boolean {
  for (let k = j - 1, steps = 0; k >= from && steps < 4; k--, steps++) {
    const t = tokens[k];
    if (PREPOSITIONS.has(t.norm)) return true;
    if (t.kind === "n" || NP_WORDS.has(t.norm)) continue;
    return false;
  }
  return false;
}

/**
 * Who the matched words are about: scan back from the match start, within its clause, for the
 * nearest subject or possessor. Objects of prepositions are skipped; object pronouns are skipped
 * unless the match follows "as" ("described him as…"). Defaults to the child.
 */
export function referentOf(tokens: Token[], m: number, sentStart: number): Referent {
  let asConstruction = tokens[m]?.norm === "as";
  for (let j = m - 1; j >= sentStart && j >= m - 4; j--) {
    if (tokens[j].norm === "as") asConstruction = true;
    if (!NP_WORDS.has(tokens[j].norm)) break;
  }
  let from = m - 1;
  if (asConstruction) {
    // "X as <match>": the words describe X. After a verb ("was described as", "presents as")
    // X is the clause's subject, found by the scan below; after a person it is that person; after
    // a thing ("recorded the activity as consensual", "describe it as a choice") it is the
    // child's situation.
    let a = tokens[m]?.norm === "as" ? m : m - 1;
    while (a > sentStart && tokens[a].norm !== "as") a--;
    let b = a - 1;
    while (b > sentStart && (tokens[b].kind === "p" || (b > sentStart && tokens[b - 1].norm === "by"))) {
      // skip an agent ("described by witnesses as")
      b = tokens[b].kind === "p" ? b - 1 : b - 2;
    }
    const before = tokens[b];
    if (before && b >= sentStart && !AS_VERBS.has(before.norm)) {
      const c = classify(tokens, b);
      if (c.kind === "none") return "child";
    }
    from = b;
  }
  for (let j = from; j >= sentStart && j >= m - 30; j--) {
    const t = tokens[j];
    if (t.norm === ",") {
      // skip a relative clause that ends at this comma: "Jodie, who knows the men, is…",
      // "Jodie goes to the takeaway where older men hang out, and is…"
      for (let k = j - 1; k > sentStart && k >= j - 15; k--) {
        const w = tokens[k].norm;
        if (RELATIVE.has(w)) {
          j = k;
          break;
        }
        if (w === "," || HARD_BOUNDARIES.has(w)) break;
      }
      continue;
    }
    if (HARD_BOUNDARIES.has(t.norm) || SUBORDINATORS.has(t.norm)) break;
    if (t.norm === "who" && j > sentStart) {
      // "… for the older lads who run the line": the subject is who "who" stands for, even when
      // that noun is the object of a preposition
      const c = classify(tokens, j - 1);
      if (c.kind === "adult" || c.kind === "child") return c.kind;
      if (c.kind === "pron") return resolvePronoun(tokens, j - 1);
      continue;
    }
    if (t.norm === "'s" && j - 1 >= sentStart) {
      // possessive ("the man's partner") or "she's"
      const c = classify(tokens, j - 1);
      if (c.kind === "adult") return "adult";
      if (c.kind === "pron") return resolvePronoun(tokens, j - 1);
      return "child";
    }
    const c = classify(tokens, j);
    if (c.kind === "none") continue;
    if (c.kind === "pron") {
      if (c.pron.case === "refl") continue;
      const possessive =
        c.pron.case === "poss" || (t.norm === "her" && (j === m - 1 || herIsPossessive(tokens, j)));
      if (!possessive && c.pron.case === "obj" && !asConstruction) continue;
      if (!possessive && afterPreposition(tokens, j, sentStart)) continue;
      return resolvePronoun(tokens, j);
    }
    if (afterPreposition(tokens, j, sentStart)) continue;
    return c.kind;
  }
  return "child";
}

function isCue(tokens: Token[], j: number): boolean {
  const w = tokens[j].norm;
  if (w === "no") return !NO_EXCEPTIONS.has(tokens[j + 1]?.norm ?? "");
  if (NEGATION_WORDS.has(w)) return true;
  if (w === "than") return tokens[j - 1]?.norm === "rather";
  if (w === "of") return tokens[j - 1]?.norm === "instead";
  if (w === "stop" || w === "stopped") return STOP_VERBS.has(tokens[j + 1]?.norm ?? "");
  return false;
}

const SUBJECT_PRONOUNS = new Set(["he", "she", "they", "i", "we", "it"]);

/**
 * Is the match negated or rejected? Looks back up to five words within the clause for a cue
 * (not, never, no, avoid, rather than, wrongly…); across "that" only when the cue is right before
 * it ("there is no evidence that…", "it is not true that…").
 */
export function isNegated(tokens: Token[], m: number, sentStart: number): boolean {
  let words = 0;
  for (let j = m - 1; j >= sentStart; j--) {
    const t = tokens[j];
    const w = t.norm;
    if (HARD_BOUNDARIES.has(w)) return false;
    if (w === ",") {
      const after = tokens[j + 1];
      if (
        after &&
        (SUBJECT_PRONOUNS.has(after.norm) || (after.cap && !after.upper) || after.norm.endsWith("ing"))
      )
        return false;
      continue;
    }
    if (w === "that") {
      for (let k = j - 1; k >= sentStart && k >= j - 4; k--) if (isCue(tokens, k)) return true;
      return false;
    }
    if (isCue(tokens, j)) return true;
    if (CLAUSE_WORDS.has(w)) return false;
    if (t.kind !== "p" && ++words >= 5) return false;
  }
  return false;
}

const REJECT_WORDS = new Set([
  "language",
  "appropriate",
  "acceptable",
  "accepted",
  "helpful",
  "correct",
  "accurate",
  "right",
  "fair",
  "true",
  "used",
  "how",
  "a",
  "an",
  "the",
]);

/**
 * Is the match rejected right after it ("…as a drug runner, which is not language we use",
 * "…'lifestyle choice' – this is not accepted")? Looks at the next few tokens only.
 */
export function isRejectedAfter(tokens: Token[], e: number, sentEnd: number): boolean {
  let k = e;
  const first = k < sentEnd ? tokens[k].norm : "";
  if (first === "," || first === "—" || first === "–") k++;
  if (k + 2 >= sentEnd || !REJECT_SUBJECTS.has(tokens[k].norm) || !REJECT_BE.has(tokens[k + 1].norm))
    return false;
  const w = tokens[k + 2].norm;
  if (w === "not" || w === "n't") return k + 3 < sentEnd && REJECT_WORDS.has(tokens[k + 3].norm);
  return REJECT_ADJECTIVES.has(w);
}

const REJECT_SUBJECTS = new Set(["which", "this", "that", "it"]);
const REJECT_BE = new Set(["is", "was", "'s", "are"]);
const REJECT_ADJECTIVES = new Set([
  "inappropriate",
  "unacceptable",
  "unhelpful",
  "inaccurate",
  "incorrect",
  "wrong",
  "victim",
]);
