// Seeded generator of synthetic UK-style person records for the linkage benchmark: fictional
// people (common given names and surnames combined at random, made-up streets in real-sounding
// towns, NHS numbers with a valid modulus-11 check digit), of whom some are recorded more than
// once with realistic corruptions. Synthetic data only: nobody here exists.

export interface GeneratedData {
  /** CSV text chunks (header first); join or stream them to a file. */
  chunks: string[];
  /** The person behind each record (record i has id `r{i}`), for scoring only. */
  personOf: Int32Array;
  records: number;
  people: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BOYS =
  "oliver george harry jack jacob noah charlie muhammad thomas oscar william james henry leo alfie joshua freddie archie ethan isaac alexander joseph edward samuel max daniel arthur lucas mohammed logan theo harrison benjamin mason sebastian finley adam dylan zachary riley teddy theodore david elijah jaxon toby louie reggie tommy arlo ronnie hugo jude frankie rory albert elliot stanley ryan louis michael liam matthew tyler luca lewis jayden callum kai owen jenson nathan connor caleb reuben aaron harvey jamie ollie ibrahim yusuf bobby jasper dexter robert christopher andrew anthony kyle reece kieran aidan ben sam alex alfred patrick rhys declan cameron mark paul stephen gareth craig dean lee wayne darren shaun".split(
    " ",
  );
const GIRLS =
  "olivia amelia isla ava mia ivy lily isabella rosie sophia grace willow freya florence emily ella poppy evie elsie charlotte evelyn sienna sofia daisy phoebe sophie alice harper matilda ruby emilia maya millie isabelle eva luna layla jessica chloe esme imogen scarlett elizabeth margaret ellie holly zara thea megan hannah aisha fatima amber erin lucy katie abigail molly leah bethany jasmine niamh caitlin rebecca samantha victoria natalie gemma kirsty laura sarah emma rachel nicola lauren jade shannon chantelle stacey paige courtney demi kayleigh tia aaliyah maryam zainab hollie eleanor catherine katherine alexandra georgia harriet francesca penelope rose beatrice nancy edith violet iris hazel mabel".split(
    " ",
  );
const SURNAMES =
  "smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson thompson wright walker white edwards hughes green hall lewis harris clarke patel jackson wood turner martin cooper hill ward morris moore clark lee king baker harrison morgan allen james scott phillips watson davis parker price bennett young griffiths mitchell kelly cook carter richardson bailey collins bell shaw murphy miller cox richards khan marshall anderson simpson ellis adams singh begum wilkinson foster chapman powell webb rogers gray mason ali hunt hussain campbell matthews owen palmer holmes mills barnes knight lloyd butler russell barker fisher stevens jenkins murray dixon harvey graham pearson ahmed fletcher walsh kaur gibson howard andrews stewart elliott reynolds saunders payne fox ford pearce day brooks west lawrence cole atkinson bradley spencer gill dawson ball burton o'brien watts rose booth perry ryan grant wells armstrong francis rees hayes hart hudson newman barrett webster hunter gregory carr lowe page marsh riley dunn woods parsons berry stone reid holland hawkins harding porter robertson newton oliver reed kennedy williamson bird gardner shah dean lane cooke bates henderson parry burgess bishop walton burns nicholson shepherd ross cross long freeman warren nicholls hamilton byrne sutton mcdonald yates hodgson robson curtis hopkins o'connor harper coleman watkins moss mccarthy chambers o'neill griffin sharp hardy wheeler potter osborne johnston gordon doyle wallace george jordan hutchinson rowe burke may pritchard gilbert willis higgins read miles stevenson stephenson hammond arnold buckley walters hewitt barber nelson slater austin sullivan whitehead mann frost lambert stephens blake akhtar lynch goodwin barton woodward thomson cunningham quinn barnett baxter bibi clayton nash greenwood jennings holt kemp poole gallagher bond stokes tucker davidson fowler heath norman middleton lees banks french".split(
    " ",
  );
const PREFIXES =
  "ash brad brook church clay cross dun el fair far glen green hals hart hay hol kings lang lock mar mid mill moor nor old pen red ring rock rose rush salt shel ship sil stan sta sum swin thorn tre wal war wend west whit wil win wood wor yar bram birk buck carl crom dal ever fen ford gars".split(
    " ",
  );
const SUFFIXES =
  "ton ley worth field ford by well wood ham den combe croft stead hurst more ridge wick bury holme dale shaw cott gate thorpe".split(
    " ",
  );
const STREET_WORDS =
  "acacia albert alexandra beech birch chapel church cromwell elm station victoria mill park queens kings manor meadow oak orchard priory rectory school spring vicarage willow windsor york cedar maple hawthorn laurel holly ivy jubilee coronation castle bridge market north south east west high new green hill lime rowan sycamore poplar chestnut heather primrose bluebell foxglove juniper lavender".split(
    " ",
  );
const STREET_TYPES =
  "road street lane close avenue drive way crescent grove place court gardens terrace walk view".split(" ");
const AREAS: [string, string[]][] = [
  ["LS", ["leeds", "headingley", "morley", "pudsey"]],
  ["BD", ["bradford", "shipley", "keighley"]],
  ["M", ["manchester", "salford", "stretford"]],
  ["OL", ["oldham", "rochdale"]],
  ["B", ["birmingham", "solihull", "sutton coldfield"]],
  ["NE", ["newcastle upon tyne", "gateshead", "jarrow"]],
  ["S", ["sheffield", "rotherham", "barnsley"]],
  ["L", ["liverpool", "bootle", "huyton"]],
  ["NG", ["nottingham", "beeston", "arnold"]],
  ["LE", ["leicester", "loughborough", "hinckley"]],
  ["CV", ["coventry", "nuneaton", "rugby"]],
  ["BS", ["bristol", "kingswood", "portishead"]],
  ["CF", ["cardiff", "penarth", "barry"]],
  ["SW", ["london", "wandsworth", "clapham"]],
  ["E", ["london", "hackney", "stratford"]],
  ["N", ["london", "islington", "tottenham"]],
  ["HU", ["hull", "beverley", "cottingham"]],
  ["PR", ["preston", "chorley", "leyland"]],
  ["BB", ["blackburn", "burnley", "accrington"]],
  ["WF", ["wakefield", "pontefract", "castleford"]],
  ["DN", ["doncaster", "scunthorpe", "grimsby"]],
  ["ST", ["stoke on trent", "stafford", "newcastle under lyme"]],
  ["TS", ["middlesbrough", "stockton on tees", "hartlepool"]],
  ["SR", ["sunderland", "washington"]],
  ["RM", ["romford", "dagenham", "hornchurch"]],
];
const ACCENTED: Record<string, string> = {
  zoe: "Zoë",
  chloe: "Chloé",
  renee: "Renée",
  jose: "José",
  noel: "Noël",
};

// Nicknames a data-entry clerk might use (a subset of the engine's table, reversed).
const NICKNAMES: Record<string, string[]> = {
  william: ["will", "bill", "billy", "liam"],
  robert: ["rob", "bob", "bobby", "robbie"],
  elizabeth: ["liz", "lizzie", "beth", "libby"],
  katherine: ["kate", "katie", "kathy"],
  catherine: ["cath", "cathy", "kate"],
  alexander: ["alex", "xander"],
  alexandra: ["alex", "lexi"],
  alfred: ["alfie", "alf", "fred"],
  jacob: ["jake", "jack"],
  james: ["jim", "jimmy", "jamie"],
  joseph: ["joe", "joey"],
  thomas: ["tom", "tommy"],
  samuel: ["sam", "sammy"],
  benjamin: ["ben", "benji"],
  daniel: ["dan", "danny"],
  edward: ["ed", "eddie", "ted"],
  matthew: ["matt", "matty"],
  michael: ["mike", "mikey", "mick"],
  christopher: ["chris"],
  anthony: ["tony", "ant"],
  andrew: ["andy", "drew"],
  nicholas: ["nick"],
  oliver: ["ollie", "olly"],
  harrison: ["harry"],
  frederick: ["fred", "freddie"],
  theodore: ["theo", "teddy"],
  jessica: ["jess", "jessie"],
  rebecca: ["becky", "becca"],
  samantha: ["sam", "sammy"],
  victoria: ["vicky", "tori"],
  abigail: ["abi", "abby"],
  margaret: ["maggie", "meg", "peggy"],
  isabella: ["bella", "izzy"],
  isabelle: ["izzy", "belle"],
  charlotte: ["lottie", "charlie"],
  eleanor: ["ellie", "nell"],
  emily: ["em", "millie"],
  amelia: ["millie", "amy"],
  sophia: ["sophie"],
  muhammad: ["mohammed", "mohammad"],
  mohammed: ["muhammad", "mohamed"],
  stephen: ["steve", "steven"],
  zachary: ["zach", "zack"],
  jennifer: ["jen", "jenny"],
  nathan: ["nate"],
};

/** Zipf-like weights 1/(rank+offset)^s, as a cumulative table for sampling. */
function cumulative(n: number, s: number, offset = 1): Float64Array {
  const c = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + offset) ** s;
    c[i] = sum;
  }
  for (let i = 0; i < n; i++) c[i]! /= sum;
  return c;
}

function pick(cum: Float64Array, r: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The NHS number check digit for nine digits, or -1 when there is none (remainder 10). */
export function nhsCheck(nine: number[]): number {
  let s = 0;
  for (let i = 0; i < 9; i++) s += nine[i]! * (10 - i);
  const c = 11 - (s % 11);
  return c === 11 ? 0 : c === 10 ? -1 : c;
}

interface Person {
  given: string;
  surname: string;
  sex: "M" | "F";
  y: number;
  m: number;
  d: number;
  nhs: string;
  house: number;
  street: string;
  town: string;
  postcode: string;
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
const capitalised = new Map<string, string>();
const cap = (s: string): string => {
  let c = capitalised.get(s);
  if (c === undefined) {
    c = s.replace(/(^|[\s'-])([a-z])/g, (_, a: string, b: string) => a + b.toUpperCase());
    if (capitalised.size < 200_000) capitalised.set(s, c);
  }
  return c;
};

function csv(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * `total` records, of which `dupShare` are extra records of people already present (each
 * corrupted); the rest are distinct people.
 */
export function generatePeople(total: number, seed = 1, dupShare = 0.3): GeneratedData {
  const rand = rng(seed);
  const ri = (n: number) => Math.floor(rand() * n);
  const chance = (p: number) => rand() < p;
  // Name frequencies roughly as in England and Wales: the commonest given name about 3% of
  // its sex, the commonest surname about 1.2% of people, a long tail of rarer surnames.
  const boyCum = cumulative(BOYS.length, 0.8, 8);
  const girlCum = cumulative(GIRLS.length, 0.8, 8);
  const surCum = cumulative(SURNAMES.length, 0.9, 10);
  const areaCum = cumulative(AREAS.length, 0.6, 1);

  const makeSurname = (): string => {
    if (chance(0.45)) return SURNAMES[pick(surCum, rand())]!;
    return PREFIXES[ri(PREFIXES.length)]! + SUFFIXES[ri(SUFFIXES.length)]!;
  };
  const makeAddress = (): Pick<Person, "house" | "street" | "town" | "postcode"> => {
    const [area, towns] = AREAS[pick(areaCum, rand())]!;
    const district = 1 + ri(area.length === 1 ? 40 : 30);
    const letters = "ABDEFGHJLNPQRSTUWXYZ";
    const postcode = `${area}${district} ${ri(10)}${letters[ri(20)]}${letters[ri(20)]}`;
    return {
      house: 1 + Math.floor(rand() ** 2 * 180),
      street: `${STREET_WORDS[ri(STREET_WORDS.length)]} ${STREET_TYPES[ri(STREET_TYPES.length)]}`,
      town: towns[ri(towns.length)]!,
      postcode,
    };
  };
  const makeNhs = (): string => {
    for (;;) {
      const nine = Array.from({ length: 9 }, (_, i) => (i === 0 ? 4 + ri(3) : ri(10)));
      const c = nhsCheck(nine);
      if (c >= 0) return nine.join("") + c;
    }
  };
  const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  const makeDob = (): [number, number, number] => {
    const y = chance(0.65) ? 2000 + ri(24) : 1950 + ri(50);
    const m = 1 + ri(12);
    return [y, m, 1 + ri(daysIn(y, m))];
  };
  const makeGiven = (sex: "M" | "F") =>
    sex === "M" ? BOYS[pick(boyCum, rand())]! : GIRLS[pick(girlCum, rand())]!;

  const nPeople = Math.max(1, Math.round(total * (1 - dupShare)));
  const people: Person[] = [];
  for (let p = 0; p < nPeople; p++) {
    const prev = people[p - 1];
    // Siblings and twins: same surname and address, different given names — hard non-matches.
    if (prev && chance(0.12)) {
      const sex = chance(0.5) ? "M" : "F";
      const twin = chance(0.15);
      const [y, m, d] = twin ? [prev.y, prev.m, prev.d] : makeDob();
      let given = makeGiven(sex);
      while (given === prev.given) given = makeGiven(sex); // parents do not give two children one name
      people.push({ ...prev, sex, given, y, m, d, nhs: makeNhs() });
      continue;
    }
    const sex = chance(0.5) ? "M" : "F";
    const [y, m, d] = makeDob();
    people.push({
      given: makeGiven(sex),
      surname: makeSurname(),
      sex,
      y,
      m,
      d,
      nhs: makeNhs(),
      ...makeAddress(),
    });
  }

  const typo = (s: string): string => {
    if (s.length < 2) return s;
    const i = ri(s.length);
    const k = ri(4);
    const letter = "abcdefghijklmnopqrstuvwxyz"[ri(26)]!;
    if (k === 0) return s.slice(0, i) + letter + s.slice(i + 1); // substitution
    if (k === 1) return s.slice(0, i) + s.slice(i + 1); // deletion
    if (k === 2) return s.slice(0, i) + letter + s.slice(i); // insertion
    const j = Math.min(s.length - 1, i + 1); // transposition
    return s.slice(0, i) + s[j] + s[i] + s.slice(j + 1);
  };
  const digitTypo = (s: string): string => {
    const i = ri(s.length);
    return s.slice(0, i) + String((Number(s[i]) + 1 + ri(9)) % 10) + s.slice(i + 1);
  };

  const personOf = new Int32Array(total);
  const chunks: string[] = [
    "record_id,first_name,surname,date_of_birth,sex,address_line_1,town,postcode,nhs_number\n",
  ];
  let buf = "";
  for (let r = 0; r < total; r++) {
    const dup = r >= nPeople;
    // Duplicates point at people chosen at random (some people get several records).
    const pid = dup ? ri(nPeople) : r;
    personOf[r] = pid;
    const p = people[pid]!;
    let given = p.given;
    let surname = p.surname;
    let [y, m, d] = [p.y, p.m, p.d];
    let { house, street, town, postcode, nhs } = p;
    let sex: string = p.sex;
    let dobText: string | null = null;
    if (dup) {
      if (chance(0.15) && NICKNAMES[given]) given = NICKNAMES[given]![ri(NICKNAMES[given]!.length)]!;
      else if (chance(0.1)) given = typo(given);
      else if (chance(0.02)) given = given[0]!;
      if (chance(0.03)) given = "";
      const s = rand();
      if (s < 0.1) surname = typo(surname);
      else if (s < 0.14)
        surname = `${surname}-${makeSurname()}`; // double-barrelled
      else if (s < 0.18) surname = makeSurname(); // a change of surname
      if (chance(0.01) && given !== "") [given, surname] = [surname, given];
      if (chance(0.05) && d <= 12) [m, d] = [d, m];
      else if (chance(0.05)) dobText = digitTypo(`${y}${pad(m)}${pad(d)}`);
      if (chance(0.2))
        ({ house, street, town, postcode } = makeAddress()); // moved house
      else if (chance(0.08)) postcode = typo(postcode.replace(" ", "")).toUpperCase();
      if (chance(0.35)) nhs = "";
      else if (chance(0.02)) nhs = digitTypo(nhs);
      if (chance(0.03)) sex = "";
      if (chance(0.05)) street = typo(street);
    }
    if (chance(0.03)) postcode = "";
    if (chance(0.02)) house = 0;
    if (chance(0.015)) dobText = "";
    if (!dup && chance(0.25)) nhs = "";
    // Written the way different systems write them.
    const style = ri(4);
    let dob: string;
    if (dobText !== null) dob = dobText;
    else if (style === 0) dob = `${pad(d)}/${pad(m)}/${y}`;
    else if (style === 1) dob = `${y}-${pad(m)}-${pad(d)}`;
    else if (style === 2) dob = `${y}${pad(m)}${pad(d)}`;
    else dob = `${d}/${m}/${y}`;
    const givenOut =
      ACCENTED[given] && chance(0.5) ? ACCENTED[given]! : style === 3 ? given.toUpperCase() : cap(given);
    const surnameOut = style === 3 ? surname.toUpperCase() : cap(surname);
    const sexOut = sex === "" ? "" : style === 1 ? (sex === "M" ? "Male" : "Female") : sex;
    const pcOut = style === 2 ? postcode.replace(" ", "").toLowerCase() : postcode;
    const nhsOut =
      nhs.length === 10 && style === 0 ? `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}` : nhs;
    const addr = house > 0 ? `${house} ${cap(street)}` : cap(street);
    buf += `r${r},${csv(givenOut)},${csv(surnameOut)},${dob},${sexOut},${csv(addr)},${cap(town)},${pcOut},${nhsOut}\n`;
    if (buf.length > 1 << 20) {
      chunks.push(buf);
      buf = "";
    }
  }
  chunks.push(buf);
  return { chunks, personOf, records: total, people: nPeople };
}

/** Pairwise precision, recall and F1 of a clustering against the true people. */
export function pairwiseScores(
  personOf: Int32Array,
  clusterOf: Int32Array,
): { precision: number; recall: number; f1: number; truePairs: number; predictedPairs: number } {
  const pairs = (k: number) => (k * (k - 1)) / 2;
  const byPerson = new Map<number, number>();
  const byCluster = new Map<number, number>();
  const both = new Map<number, number>();
  const n = personOf.length;
  for (let i = 0; i < n; i++) {
    const p = personOf[i]!;
    const c = clusterOf[i]!;
    byPerson.set(p, (byPerson.get(p) ?? 0) + 1);
    byCluster.set(c, (byCluster.get(c) ?? 0) + 1);
    const key = c * 4_194_304 + p;
    both.set(key, (both.get(key) ?? 0) + 1);
  }
  let truePairs = 0;
  for (const k of byPerson.values()) truePairs += pairs(k);
  let predictedPairs = 0;
  for (const k of byCluster.values()) predictedPairs += pairs(k);
  let tp = 0;
  for (const k of both.values()) tp += pairs(k);
  const precision = predictedPairs ? tp / predictedPairs : 1;
  const recall = truePairs ? tp / truePairs : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, truePairs, predictedPairs };
}
