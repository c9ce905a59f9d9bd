// One test per rule that keeps the checker from flagging the wrong thing, plus the behaviour the
// app relies on (explanations, alternatives, offsets, notes).
import { describe, expect, it } from "vitest";
import { check, compileDictionary, defaultDictionary, QUOTED_MESSAGE } from "./index.ts";

const dict = compileDictionary(defaultDictionary);
const flagged = (text: string) => check(text, dict).flags.map((f) => f.phrase);
const entries = (text: string) => check(text, dict).flags.map((f) => f.entryId);

describe("flags", () => {
  it("explain what was found, why, and what to write instead", () => {
    const text = "Kayla keeps putting herself at risk.";
    const [f] = check(text, dict).flags;
    expect(f).toMatchObject({
      phrase: "putting herself at risk",
      category: "consent-choice",
      entryId: "putting-self-at-risk",
      dictionaryVersion: defaultDictionary.version,
    });
    expect(text.slice(f.start, f.end)).toBe(f.phrase);
    expect(f.why.length).toBeGreaterThan(20);
    expect(f.alternatives.length).toBeGreaterThan(0);
  });

  it("generalise over inflections, pronouns, word order and words in between", () => {
    expect(flagged("He puts himself in danger.")).toEqual(["puts himself in danger"]);
    expect(flagged("They have put themselves at serious risk of harm.")).toEqual([
      "put themselves at serious risk",
    ]);
    expect(flagged("Jo placed themself in an unsafe situation.")).toEqual([
      "placed themself in an unsafe situation",
    ]);
    expect(flagged("She chose to go back to the address.")).toEqual(["chose to go"]);
    expect(flagged("He has chosen to stay at the flat.")).toEqual(["chosen to stay"]);
    expect(flagged("Staff say she makes bad choices.")).toEqual(["makes bad choices"]);
  });

  it("handle American spellings", () => {
    expect(entries("Concerns about his risk-taking behavior.")).toEqual(["risky-behaviour"]);
    expect(entries("She is very sexualized in her presentation.")).toEqual(["provocative"]);
  });

  it("flag several things in one text with correct offsets", () => {
    const text = "Jade is streetwise.\nShe has been AWOL twice and owes a drug debt.";
    const fs = check(text, dict).flags;
    expect(fs.map((f) => f.entryId)).toEqual(["streetwise", "absconding", "drug-debt"]);
    for (const f of fs) expect(text.slice(f.start, f.end)).toBe(f.phrase);
  });
});

describe("quotation of the child's words (note, not flag)", () => {
  it.each([
    'She said "he\'s my boyfriend" and that he looks after her.',
    "She said “he’s my boyfriend” and that he looks after her.",
    "She said ‘he’s my boyfriend’ and that he looks after her.",
    "She said 'he is my boyfriend' and that he looks after her.",
  ])("%s", (text) => {
    const r = check(text, dict);
    expect(r.flags).toEqual([]);
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatchObject({
      kind: "quoted",
      phrase: "boyfriend",
      entryId: "boyfriend-girlfriend",
    });
    expect(r.notes[0].message).toBe(QUOTED_MESSAGE);
    expect(text.slice(r.notes[0].start, r.notes[0].end)).toBe("boyfriend");
  });

  it("still flags the practitioner's own words outside the quote", () => {
    const r = check('He said "I owe them". He is a drug runner.', dict);
    expect(r.flags.map((f) => f.phrase)).toEqual(["drug runner"]);
    expect(r.notes.map((n) => n.phrase)).toEqual(["owe them"]);
  });
});

describe("negation and rejection", () => {
  it.each([
    ["She is not to blame.", "brought-it-on-self"],
    ["This was not consensual.", "consent"],
    ["This was non-consensual.", "consent"],
    ["He is not a drug dealer but a victim.", "drug-dealer"],
    ["We must not describe him as a runner.", "drug-runner"],
    ["Staff should avoid describing her as promiscuous.", "promiscuous"],
    ["There is no evidence that he is a gang member.", "gang-involvement"],
    ["It is not true that she chose to go.", "chooses-to"],
    ["She has never been described as streetwise.", "streetwise"],
    ["This is not normal teenage behaviour.", "normal-teenage-behaviour"],
    ["Record what was seen rather than calling her provocative.", "provocative"],
    ["A child cannot consent to their own abuse.", "consent"],
    ["The report calls him a drug runner, which is not language we use.", "drug-runner"],
  ])("%s", (text, entryId) => {
    expect(entries(text)).not.toContain(entryId);
  });

  it("does not let a negation leak into the next clause", () => {
    expect(entries("She is not in school and is putting herself at risk.")).toEqual(["putting-self-at-risk"]);
    expect(entries("He did not come home, he was dealing in Margate.")).toEqual(["drug-dealer"]);
    expect(entries("No further action as she went willingly.")).toEqual(["went-willingly"]);
  });

  it("keeps phrases that contain their own negation", () => {
    expect(entries("She did not resist when the men took her phone.")).toEqual(["did-not-resist"]);
    expect(entries("He would not engage with the nurse.")).toEqual(["hard-to-engage"]);
  });
});

describe("the same words about an adult", () => {
  it.each([
    "The perpetrator chose to target her.",
    "The adult made the decision to drive her to Leeds.",
    "The man's partner was at the address.",
    "The offender's criminal lifestyle was discussed.",
    "The suspect has a criminal lifestyle.",
    "The man admitted he chose to give her drugs.",
    "The male drove her to Rochdale. He made the decision to keep her there.",
    "Jayden's mum said she had made the decision to move the family.",
    "The woman and her partner were arrested.",
    "The adults ran off when police arrived.",
    "The suspect absconded from bail.",
    "The adult male was known to police as a drug dealer.",
    "The perpetrator is manipulative.",
  ])("%s", (text) => {
    expect(flagged(text)).toEqual([]);
  });

  it("takes the subject of a relative clause from the noun before who", () => {
    // the older lads run the line; the child is working for them
    expect(entries("He has been working for the older lads who run the line.")).toEqual(["working-for"]);
  });

  it("resolves he/she to the child when the adult is the object of the earlier clause", () => {
    expect(entries("The perpetrator collected her from school. She chose to go with him.")).toEqual([
      "chooses-to",
    ]);
    expect(entries("The man picked him up. He decided to stay at the flat.")).toEqual(["chooses-to"]);
  });

  it("takes he/she after a reporting professional to be the child", () => {
    expect(entries("The police officer said she had put herself at risk.")).toEqual(["putting-self-at-risk"]);
  });

  it("flags words for the abuser whoever the subject is", () => {
    expect(entries("Police believe the men are punters.")).toEqual(["punters"]);
    expect(entries("Her partner is 34.")).toEqual(["partner-for-abuser"]);
  });
});

describe("benign uses", () => {
  it.each([
    "Her relationship with her mother has improved.",
    "He has a good relationship with his older brother.",
    "She talked about choices about college courses.",
    "He has decided to go to college in September.",
    "She chose to speak to her social worker.",
    "She has a friend from school who she trusts.",
    "A family friend, Mrs Patel, drives her to contact.",
    "He ran the school council last year.",
    "He is a runner in the cross-country team.",
    "His foster carer is a keen runner.",
    "The leaflet says adults who are sexually active should be screened.",
    "All sexually active adults are offered screening.",
    "The social worker is dealing with the housing referral.",
    "He is being controlled through debt bondage.",
    "She consented to the referral being shared.",
    "Partner agencies attended the strategy meeting.",
    "Her boyfriend from school, who is also 14, has been supportive.",
    "He ran away from the men when they tried to grab him.",
    "The party got out of control.",
    "It has been a challenging week for the team.",
    "She became aggressive towards staff when they took her phone.",
    "She agreed to meet the RHI worker at the library.",
    "The council is recruiting foster carers.",
    "He has started working for a local garage.",
    "She was sleeping with the light on.",
    "The risks associated with gangs were discussed.",
    "Client confidentiality was explained by the sexual health nurse.",
  ])("%s", (text) => {
    expect(flagged(text)).toEqual([]);
  });
});

describe("accurate professional terms are never flagged", () => {
  it.each([
    "She was exploited by a group of men.",
    "He was groomed online over several months.",
    "She was coerced into carrying drugs.",
    "He was abused by men who gave him a place to stay.",
    "She is being criminally exploited to move and supply drugs.",
    "She went missing from her placement; the reasons are not yet known.",
    "Services have not yet found a way to engage him.",
  ])("%s", (text) => {
    expect(flagged(text)).toEqual([]);
  });
});
