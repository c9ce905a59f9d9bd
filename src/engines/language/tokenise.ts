// Tokeniser for case-note text. Produces word, number and punctuation tokens with their character
// offsets into the original string (JS UTF-16 indices), a normalised form (lower case, curly
// apostrophes folded, American spellings folded to British), the sentence they belong to, and
// whether they sit inside quotation marks. Contractions are split ("she's" → she + 's,
// "didn't" → did + n't) so patterns can treat them as words. Hyphens between words are dropped
// ("risk-taking" → risk, taking), so a pattern "risk taking" matches both spellings.

export interface Token {
  /** normalised form used for matching */
  norm: string;
  /** start offset (inclusive) in the original text */
  start: number;
  /** end offset (exclusive) in the original text */
  end: number;
  /** "w" word, "n" number (digits, possibly with letters: "20s"), "p" punctuation */
  kind: "w" | "n" | "p";
  /** sentence index (0-based); a new sentence starts after . ! ? or a line break */
  sent: number;
  /** inside quotation marks */
  quoted: boolean;
  /** the original text starts with an upper-case letter */
  cap: boolean;
  /** the original text is all upper case (an acronym such as RHI, CSE), 2+ letters */
  upper: boolean;
}

export interface Tokenised {
  text: string;
  tokens: Token[];
  /** for each sentence index, [first token index, last token index + 1] */
  sentences: Array<[number, number]>;
}

// A few American spellings that matter for the dictionary; -ize/-ization are folded generically.
const SPELLING = new Map<string, string>(
  Object.entries({
    behavior: "behaviour",
    behaviors: "behaviours",
    behavioral: "behavioural",
    favor: "favour",
    favors: "favours",
    labeled: "labelled",
    labeling: "labelling",
    offense: "offence",
    offenses: "offences",
    counselor: "counsellor",
    counseling: "counselling",
    mom: "mum",
    moms: "mums",
    neighborhood: "neighbourhood",
    program: "programme",
    enroll: "enrol",
    practicing: "practising",
    pediatric: "paediatric",
    gray: "grey",
  }),
);
const IZE_EXCEPTIONS = new Set([
  "size",
  "sizes",
  "sized",
  "seize",
  "seized",
  "seizes",
  "seizing",
  "prize",
  "prizes",
]);

/** Normalise one word the way both text and patterns are normalised. */
export function normaliseWord(word: string): string {
  let w = word.toLowerCase().replace(/[’‘`´]/g, "'");
  const mapped = SPELLING.get(w);
  if (mapped) return mapped;
  if (w.length > 5 && !IZE_EXCEPTIONS.has(w)) {
    w = w.replace(/iz(e|ed|es|ing|ation|ations)$/, "is$1");
  }
  return w;
}

const SUFFIX_CONTRACTIONS = ["'s", "'re", "'ll", "'ve", "'d", "'m"];

function isLetter(ch: string | undefined): boolean {
  return ch !== undefined && /\p{L}/u.test(ch);
}
function isSpace(ch: string | undefined): boolean {
  return ch === undefined || /\s/u.test(ch);
}

/**
 * Character ranges [start, end) that are inside quotation marks. Handles straight and curly double
 * quotes, and single quotes when they pair up (an apostrophe between letters is not a quote).
 * An unclosed double quote runs to the end of its line; an unclosed single quote is ignored.
 */
export function quotedRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let dOpen = -1; // open double quote position
  let sOpen = -1; // open single quote position
  const n = text.length;
  const QUOTE_OR_BREAK = /["“”„«»'‘’\n]/g;
  for (let m = QUOTE_OR_BREAK.exec(text); m !== null; m = QUOTE_OR_BREAK.exec(text)) {
    const i = m.index;
    const ch = m[0];
    if (ch === "\n") {
      if (dOpen >= 0) {
        ranges.push([dOpen, i]);
        dOpen = -1;
      }
      sOpen = -1;
      continue;
    }
    if (ch === "“" || ch === "„" || ch === "«") {
      if (dOpen < 0) dOpen = i;
      continue;
    }
    if (ch === "”" || ch === "»") {
      if (dOpen >= 0) {
        ranges.push([dOpen, i + 1]);
        dOpen = -1;
      }
      continue;
    }
    if (ch === '"') {
      if (dOpen < 0) dOpen = i;
      else {
        ranges.push([dOpen, i + 1]);
        dOpen = -1;
      }
      continue;
    }
    if (ch === "'" || ch === "‘" || ch === "’") {
      const prev = text[i - 1];
      const next = text[i + 1];
      if (isLetter(prev) && isLetter(next)) continue; // apostrophe inside a word
      const opening = ch === "‘" || ((isSpace(prev) || /[([{—–-]/.test(prev ?? "")) && !isSpace(next));
      if (opening && sOpen < 0 && ch !== "’") {
        sOpen = i;
        continue;
      }
      if (sOpen >= 0 && !isSpace(prev)) {
        ranges.push([sOpen, i + 1]);
        sOpen = -1;
      }
    }
  }
  if (dOpen >= 0) ranges.push([dOpen, n]);
  ranges.sort((a, b) => a[0] - b[0]);
  return ranges;
}

const ABBREVIATIONS = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "st",
  "e",
  "g",
  "i",
  "eg",
  "ie",
  "etc",
  "approx",
  "no",
]);

/** Is the character at i (code c) a letter or digit? ASCII fast path, Unicode classes otherwise. */
function isWordCode(c: number, text: string, i: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(i) ?? c));
}
function isLetterCode(c: number, text: string, i: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  return LETTER_CHAR.test(String.fromCodePoint(text.codePointAt(i) ?? c));
}
const AFTER_RE = /[\s"'”’)\]]*(\S?)/uy;
const WORD_CHAR = /[\p{L}\p{N}]/u;
const LETTER_CHAR = /\p{L}/u;
const LOWER_CHAR = /\p{Ll}/u;

/** A word split into the tokens it makes (contractions split off), offsets relative to the word. */
interface Part {
  norm: string;
  from: number;
  to: number;
  kind: "w" | "n";
  cap: boolean;
  upper: boolean;
}

function caseFlags(raw: string): { cap: boolean; upper: boolean } {
  const first = raw[0] ?? "";
  const cap = first !== first.toLowerCase();
  if (!cap || raw.length < 2) return { cap, upper: false };
  const letters = raw.replace(/[^\p{L}]/gu, "");
  const upper = letters.length >= 2 && letters === letters.toUpperCase();
  return { cap, upper };
}

function splitWord(raw: string): Part[] {
  const isNumber = /^\p{N}/u.test(raw);
  const lower = raw.toLowerCase().replace(/’/g, "'");
  const n = raw.length;
  const part = (norm: string, from: number, to: number, kind: "w" | "n"): Part => ({
    norm,
    from,
    to,
    kind,
    ...caseFlags(raw.slice(from, to)),
  });
  // split contractions off the end: she's → she 's ; didn't → did n't
  if (!isNumber && lower.endsWith("n't") && n > 3) {
    let base = lower.slice(0, -3);
    if (base === "ca") base = "can";
    else if (base === "wo") base = "will";
    else if (base === "sha") base = "shall";
    return [part(normaliseWord(base), 0, n - 3, "w"), part("n't", n - 3, n, "w")];
  }
  const suffix = isNumber ? undefined : SUFFIX_CONTRACTIONS.find((s) => lower.endsWith(s) && n > s.length);
  if (suffix) {
    const k = n - suffix.length;
    return [part(normaliseWord(raw.slice(0, k)), 0, k, "w"), part(suffix, k, n, "w")];
  }
  return [part(normaliseWord(raw), 0, n, isNumber ? "n" : "w")];
}

// Case notes reuse a small vocabulary, so each distinct word is split and normalised once.
const wordCache = new Map<string, Part[]>();

export function tokenise(text: string): Tokenised {
  const quotes = quotedRanges(text);
  const tokens: Token[] = [];
  let sent = 0;
  let q = 0; // index into quotes
  let pendingBreak = false;
  let nextNewline = text.indexOf("\n");

  const push = (
    norm: string,
    start: number,
    end: number,
    kind: Token["kind"],
    cap: boolean,
    upper: boolean,
  ) => {
    while (q < quotes.length && quotes[q][1] <= start) q++;
    const quoted = q < quotes.length && quotes[q][0] <= start && start < quotes[q][1];
    tokens.push({ norm, start, end, kind, sent, quoted, cap, upper });
  };

  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace
    if (
      c === 32 ||
      c === 9 ||
      c === 13 ||
      c === 10 ||
      c === 12 ||
      c === 11 ||
      c === 0xa0 ||
      (c >= 0x2000 && c <= 0x200b) ||
      c === 0x3000 ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0xfeff
    ) {
      i++;
      continue;
    }
    const start = i;
    if (isWordCode(c, text, i)) {
      // a word: letters/digits, with internal apostrophes (she's, O'Brien)
      i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (isWordCode(d, text, i)) i += d >= 0xd800 && d <= 0xdbff ? 2 : 1;
        else if ((d === 39 || d === 0x2019) && i + 1 < n && isLetterCode(text.charCodeAt(i + 1), text, i + 1))
          i += 2;
        else break;
      }
    } else i += c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
    const raw = text.slice(start, i);
    const end = i;
    // a line break between tokens starts a new sentence
    if (nextNewline >= 0 && nextNewline < start) {
      if (tokens.length > 0) pendingBreak = true;
      nextNewline = text.indexOf("\n", start);
    }
    if (pendingBreak) {
      if (tokens.length > 0 && tokens[tokens.length - 1].sent === sent) sent++;
      pendingBreak = false;
    }
    if (end - start <= 2 && !isWordCode(c, text, start)) {
      const ch = raw;
      // punctuation; hyphens between two words are dropped (joins "risk-taking")
      if (
        (ch === "-" || ch === "‐") &&
        WORD_CHAR.test(text[start - 1] ?? "") &&
        WORD_CHAR.test(text[end] ?? "")
      )
        continue;
      const norm = ch === "’" || ch === "‘" || ch === "`" ? "'" : ch === "“" || ch === "”" ? '"' : ch;
      push(norm, start, end, "p", false, false);
      if (ch === "." || ch === "!" || ch === "?") {
        const prevTok = tokens[tokens.length - 2];
        AFTER_RE.lastIndex = end;
        const nextCh = AFTER_RE.exec(text)?.[1] ?? "";
        const abbrev =
          ch === "." && prevTok !== undefined && ABBREVIATIONS.has(prevTok.norm) && nextCh !== "";
        const continues = nextCh !== "" && LOWER_CHAR.test(nextCh);
        const inNumber = ch === "." && /\d/.test(text[start - 1] ?? "") && /\d/.test(text[end] ?? "");
        if (!abbrev && !continues && !inNumber) pendingBreak = true;
      }
      continue;
    }
    let parts = wordCache.get(raw);
    if (!parts) {
      parts = splitWord(raw);
      if (wordCache.size > 50_000) wordCache.clear();
      wordCache.set(raw, parts);
    }
    for (const p of parts) push(p.norm, start + p.from, start + p.to, p.kind, p.cap, p.upper);
  }

  const sentences: Array<[number, number]> = [];
  for (let i = 0; i < tokens.length; i++) {
    const s = tokens[i].sent;
    if (!sentences[s]) sentences[s] = [i, i + 1];
    else sentences[s][1] = i + 1;
  }
  return { text, tokens, sentences };
}
