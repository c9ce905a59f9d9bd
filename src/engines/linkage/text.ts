// Text normalisation shared by every standardiser: case, accents, punctuation, whitespace.

// Letters that Unicode NFD does not split into base + combining mark.
const SPECIAL_FOLDS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  đ: "d",
  ð: "d",
  þ: "th",
  ł: "l",
  ı: "i",
  ŀ: "l",
  ħ: "h",
  ŧ: "t",
};

const COMBINING = /[\u0300-\u036f]/g;
const SPECIAL = /[ßæœøđðþłıŀħŧ]/g;

/** Lower-case and strip accents ("Zoë Ó Súilleabháin" → "zoe o suilleabhain"). */
export function foldAccents(value: string): string {
  let s = value.toLowerCase();
  // Fast path: plain ASCII needs nothing more.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: checking the ASCII range on purpose
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  s = s.normalize("NFD").replace(COMBINING, "");
  return s.replace(SPECIAL, (c) => SPECIAL_FOLDS[c] ?? c);
}

/**
 * Lower-case, fold accents, turn punctuation into spaces (apostrophes and full stops simply
 * disappear, so "O'Brien" → "obrien", "St. John" → "st john"), collapse whitespace.
 */
export function normaliseText(value: string): string {
  const s = foldAccents(value);
  if (isNormalised(s)) return s;
  let out = "";
  let pendingSpace = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const isAlnum = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (isAlnum) {
      if (pendingSpace && out.length > 0) out += " ";
      pendingSpace = false;
      out += s[i];
    } else if (c === 39 || c === 0x2019 || c === 46 || c === 96) {
      // apostrophes, right single quote, full stop, backtick: joined ("o'neil" → "oneil")
    } else if (c >= 0x80 && /\p{L}|\p{N}/u.test(s[i]!)) {
      // letters from other scripts are kept as they are
      if (pendingSpace && out.length > 0) out += " ";
      pendingSpace = false;
      out += s[i];
    } else {
      pendingSpace = true;
    }
  }
  return out;
}

// Already lower-case letters and digits in words separated by single spaces?
function isNormalised(s: string): boolean {
  const n = s.length;
  if (n === 0) return true;
  let prevSpace = true; // no leading space
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) {
      if (prevSpace) return false;
      prevSpace = true;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) prevSpace = false;
    else return false;
  }
  return !prevSpace; // no trailing space
}

const ALL_DIGITS = /^\d*$/;

/** Only the digits of a value ("485 777 3456" → "4857773456"). */
export function digitsOnly(value: string): string {
  if (ALL_DIGITS.test(value)) return value;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) out += value[i];
  }
  return out;
}

const SOUNDEX_CODES = "01230120022455012623010202"; // a..z

/** American Soundex of the letters in a value ("robert" → "r163"); "" when there are no letters. */
export function soundex(value: string): string {
  let first = "";
  let out = "";
  let last = "";
  for (let i = 0; i < value.length && out.length < 3; i++) {
    const c = value.charCodeAt(i);
    if (c < 97 || c > 122) continue;
    const code = SOUNDEX_CODES[c - 97]!;
    if (first === "") {
      first = value[i]!;
      last = code;
      continue;
    }
    // h and w do not separate letters with the same code; vowels do.
    if (c === 104 || c === 119) continue;
    if (code === "0") {
      last = "";
      continue;
    }
    if (code !== last) out += code;
    last = code;
  }
  if (first === "") return "";
  return first + out.padEnd(3, "0");
}
