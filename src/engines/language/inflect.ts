// Inflections for the pattern language's "word~" (any form of the word). Patterns are written
// with the base form (put, choose, runner); this expands it into the surface forms a note may use
// (puts, putting; chose, chosen, chooses, choosing; runners). Over-generating a form that is not a
// real word is harmless: it simply never occurs in text.

const IRREGULAR: Record<string, string[]> = {
  be: ["am", "is", "are", "was", "were", "been", "being", "'s", "'re", "'m"],
  have: ["has", "had", "having", "'ve", "'d"],
  do: ["does", "did", "done", "doing"],
  go: ["goes", "went", "gone", "going"],
  put: ["puts", "putting"],
  let: ["lets", "letting"],
  choose: ["chose", "chosen"],
  make: ["made"],
  sleep: ["slept"],
  run: ["ran"],
  hang: ["hung"],
  bring: ["brought"],
  know: ["knew", "known"],
  sell: ["sold"],
  deal: ["dealt"],
  get: ["got", "gotten"],
  leave: ["left"],
  take: ["took", "taken"],
  give: ["gave", "given"],
  hold: ["held"],
  buy: ["bought"],
  pay: ["paid"],
  meet: ["met"],
  send: ["sent"],
  say: ["said"],
  tell: ["told"],
  think: ["thought"],
  keep: ["kept"],
  find: ["found"],
  come: ["came"],
  become: ["became"],
  seek: ["sought"],
  lie: ["lies", "lied", "lying"],
  fight: ["fought"],
  see: ["saw", "seen"],
  spend: ["spent"],
  win: ["won"],
  stand: ["stood"],
  feel: ["felt"],
  wear: ["wore", "worn"],
  man: ["men"],
  woman: ["women"],
  child: ["children"],
  person: ["people"],
  refer: ["referred", "referring"],
};

const VOWEL = /[aeiou]/;

/** All surface forms of a base word (including the base itself). */
export function inflections(base: string): string[] {
  const forms = new Set<string>([base]);
  for (const f of IRREGULAR[base] ?? []) forms.add(f);
  if (base.length < 2 || base.includes("'")) return [...forms];
  const last = base[base.length - 1];
  const prev = base[base.length - 2];
  // -s / -es / -ies
  if (/(s|x|z|ch|sh)$/.test(base)) forms.add(`${base}es`);
  else if (last === "y" && !VOWEL.test(prev)) forms.add(`${base.slice(0, -1)}ies`);
  else forms.add(`${base}s`);
  // -ed / -ing
  if (last === "e") {
    forms.add(`${base}d`);
    if (base.endsWith("ee")) forms.add(`${base}ing`);
    else forms.add(`${base.slice(0, -1)}ing`);
  } else if (last === "y" && !VOWEL.test(prev)) {
    forms.add(`${base.slice(0, -1)}ied`);
    forms.add(`${base}ing`);
  } else {
    forms.add(`${base}ed`);
    forms.add(`${base}ing`);
    // consonant-vowel-consonant endings may double (run → running, stop → stopped)
    const antePrev = base[base.length - 3];
    if (
      !VOWEL.test(last) &&
      !/[wxy]/.test(last) &&
      VOWEL.test(prev) &&
      (antePrev === undefined || !VOWEL.test(antePrev))
    ) {
      forms.add(`${base}${last}ed`);
      forms.add(`${base}${last}ing`);
    }
  }
  // -er nouns: plural already covered by -s above
  return [...forms];
}
