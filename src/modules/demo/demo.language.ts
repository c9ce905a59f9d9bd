// The demo county's language history (issue 7): a year of narrative text written by the county's
// practitioners, run through the real checker with the shipped dictionary, so the practice report
// has something to show — flags per 1,000 words by agency, team and month, the wording that comes
// up most, wording kept with reasons, and two briefings after which the rate falls.
// Pure planning (planLanguageDemo: the same county always gives the same rows) plus one insert pass.
// Only the findings are stored (as the app does): the sentences themselves are not.
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import "../language/language.tables.ts";
import { check, compileDictionary, defaultDictionary } from "../../engines/language/index.ts";
import { ensureShippedDictionary } from "../language/index.ts";
import type { DemoCounty } from "./demo.generator.ts";
import { Rng } from "./prng.ts";

type Row = Record<string, unknown>;
export type LanguageDemo = { language_briefings: Row[]; language_checks: Row[]; language_flags: Row[] };

const WRITER_ROLES = new Set(["practitioner", "screener", "mace_coordinator"]);

// Sentences as practitioners write them ({n} the child's first name, {s} she/he, {o} her/him).
export const CLEAN = [
  "Met {n} at school with the designated safeguarding lead.",
  "{n} said {s} felt safer since moving placement.",
  "Home visit completed; {n} was at home with {p} carer.",
  "{n} was found at the train station at 01:40 and brought home by police.",
  "Return home interview offered within 72 hours; {n} said {s} would meet me at the youth centre.",
  "{n} described being given a phone by an older male and told to keep it charged.",
  "Strategy discussion held with police, health and education.",
  "{n} is being exploited by adults who give {o} cannabis and money.",
  "{n} has been groomed by a man in his twenties who contacts {o} on social media.",
  "Sexual health nurse saw {n} at clinic and offered support.",
  "{n} has not attended school for three days; the school has informed the allocated worker.",
  "The adults involved have been identified and police are considering a child abduction warning notice.",
  "{n}'s mother is worried about new clothes and trainers she cannot explain.",
  "{n} was missing overnight and returned with injuries to {p} hands.",
  "{n} told me {s} is being made to pay back money to the people who gave {o} the phone.",
  "Plan reviewed at the MACE panel; actions agreed for each agency.",
  "{n} said {s} wants to stay with {p} grandparents and go back to college.",
];

export const BLAMING = [
  "{n} keeps putting {r} at risk by going to the flat.",
  "{n} is making poor choices about who {s} spends time with.",
  "{n} is in a relationship with a 24-year-old man.",
  "{n} went missing again of {p} own accord.",
  "{n} is known to be a drug runner for the older boys.",
  "{n} is streetwise and knows what {s} is doing.",
  "{n} absconded from placement on Friday night.",
  "{n} is difficult to engage and refuses to engage with services.",
  "{n} is promiscuous according to staff at the home.",
  "{n} is involved in county lines.",
  "{n} is associating with older males in the town centre.",
  "{n} is sexually active with an adult.",
  "{n} is engaging in risky behaviour at weekends.",
  "{n} is attention seeking and lies about where {s} goes.",
  "{n} is out of control and beyond parental control.",
  "{n} consented to going to the party.",
  "{n} chose to get into the car.",
  "{n} is a runaway who stays out late by choice.",
];

const REASONS = [
  "These are the child's own words, recorded as said.",
  "Quoting the police log word for word.",
  "Quoting the referral from another agency; challenged in the plan.",
  "The parent's words, recorded as said.",
  "Recording what staff said so that it can be challenged.",
];

const BRIEFINGS = [
  {
    monthsAgo: 8,
    day: 14,
    title: "Language matters: writing about children who are exploited",
    agency: null,
  },
  { monthsAgo: 3, day: 9, title: "Language in police records: children are victims first", agency: "KCON" },
];

const names = ["Ava", "Leo", "Mia", "Kai", "Ruby", "Tyler", "Ella", "Jay", "Amira", "Noah", "Zara", "Finn"];

export function fill(t: string, girl: boolean, name: string): string {
  const v: Record<string, string> = girl
    ? { s: "she", o: "her", p: "her", r: "herself", n: name }
    : { s: "he", o: "him", p: "his", r: "himself", n: name };
  return t.replace(/\{(\w)\}/g, (_m, k: string) => v[k] ?? k);
}

/** The London calendar month `k` months before the reference date: [year, month 1–12]. */
function monthBack(referenceDate: string, k: number): [number, number] {
  const [y, m] = referenceDate.split("-").map(Number);
  const n = y * 12 + (m - 1) - k;
  return [Math.floor(n / 12), (n % 12) + 1];
}

const iso = (y: number, m: number, d: number, h: number, min: number) =>
  new Date(Date.UTC(y, m - 1, d, h, min)).toISOString();

export function planLanguageDemo(county: DemoCounty, dictionaryVersion: string): LanguageDemo {
  const rng = new Rng(county.seed, "language");
  const dict = compileDictionary(defaultDictionary);
  const agencyByCode = new Map(county.agencies.map((a) => [a.code, a]));
  const writers = county.users.filter((u) => u.roles.some((r) => WRITER_ROLES.has(r)));
  const admin = county.users.find((u) => u.roles.includes("manager")) ?? county.users[0];
  const [refY, refM, refD] = county.referenceDate.split("-").map(Number);

  const language_briefings: Row[] = BRIEFINGS.map((b) => {
    const [y, m] = monthBack(county.referenceDate, b.monthsAgo);
    return {
      id: rng.uuid(),
      held_on: `${y}-${String(m).padStart(2, "0")}-${String(b.day).padStart(2, "0")}`,
      title: b.title,
      agency_id: b.agency ? (agencyByCode.get(b.agency)?.id ?? null) : null,
      created_by: admin.id,
      created_at: iso(y, m, b.day, 16, 0),
    };
  });
  const policeId = agencyByCode.get("KCON")?.id;

  const language_checks: Row[] = [];
  const language_flags: Row[] = [];
  for (let k = 11; k >= 0; k--) {
    const [y, m] = monthBack(county.referenceDate, k);
    const lastDay = k === 0 ? Math.max(1, refD - 1) : new Date(Date.UTC(y, m, 0)).getUTCDate();
    for (const w of writers) {
      // Blaming wording is common before the first briefing, less common after it, and less
      // again in police records after the police briefing; some teams improve faster than others.
      const teamFactor = 0.7 + rng.next() * 0.6;
      let p = k > 8 ? 0.14 : k > 3 ? 0.08 : 0.06;
      if (w.agency_id === policeId && k <= 3) p = 0.035;
      p *= teamFactor;
      const texts = rng.int(1, 6);
      for (let t = 0; t < texts; t++) {
        const girl = rng.chance(0.6);
        const name = rng.pick(names);
        const sentences: string[] = [];
        const count = rng.int(3, 8);
        for (let s = 0; s < count; s++)
          sentences.push(fill(rng.chance(p) ? rng.pick(BLAMING) : rng.pick(CLEAN), girl, name));
        const text = sentences.join(" ");
        const found = check(text, dict).flags;
        const day = rng.int(1, lastDay);
        const at = iso(y, m, day, rng.int(8, 18), rng.int(0, 59));
        if (k === 0 && Date.parse(at) > Date.UTC(refY, refM - 1, refD)) continue;
        const id = rng.uuid();
        const recordId = rng.uuid();
        const kept = found.map(() => rng.chance(0.12));
        const keptCount = kept.filter(Boolean).length;
        const words = text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.length ?? 0;
        const common = {
          checked_at: at,
          agency_id: w.agency_id,
          team: w.team,
          user_id: w.id,
          record_type: "case_note",
          record_id: recordId,
          field: "text",
          dictionary_version: dictionaryVersion,
        };
        language_checks.push({
          id,
          ...common,
          word_count: words,
          flag_count: found.length,
          kept_count: keptCount,
        });
        found.forEach((f, i) => {
          language_flags.push({
            id: rng.uuid(),
            check_id: id,
            ...common,
            entry_id: f.entryId,
            category: f.category,
            phrase: f.phrase,
            start_offset: f.start,
            end_offset: f.end,
            kept: kept[i],
            reason: kept[i] ? rng.pick(REASONS) : null,
          });
        });
      }
    }
  }
  return { language_briefings, language_checks, language_flags };
}

/** Seeds the dictionary (as shipped) and the demo language history, in the seeding transaction. */
export async function seedLanguageDemo(
  tx: Kysely<DB>,
  county: DemoCounty,
  progress: (phase: string, done: number, total: number) => void = () => {},
): Promise<Record<string, number>> {
  const label = await ensureShippedDictionary(tx);
  const plan = planLanguageDemo(county, label);
  const counts: Record<string, number> = {};
  for (const table of ["language_briefings", "language_checks", "language_flags"] as const) {
    const rows = plan[table];
    counts[table] = rows.length;
    progress(`language: ${table.replace("language_", "")}`, 0, rows.length);
    for (let i = 0; i < rows.length; i += 500)
      await tx
        .insertInto(table)
        .values(rows.slice(i, i + 500) as never)
        .execute();
    progress(`language: ${table.replace("language_", "")}`, rows.length, rows.length);
  }
  return counts;
}
