// Issue 5: a health practitioner refers a boy with SEND about whom a person of concern is only
// described; the joint screening team sees it with its deadline, adds agency contributions and
// decides MACE; a social worker completes a risk assessment and sees the explanation and the
// trajectory. A screenshot of each page; axe on each page.
import { expect, type Page, test } from "@playwright/test";
import { CURRENT_TOOL } from "../../src/modules/assessments/tool.ts";
import { planReferralsDemo } from "../../src/modules/demo/demo.referrals.ts";
import { county } from "./demo.ts";
import { expectAccessible, shot, signIn } from "./helpers.ts";

test.setTimeout(240_000);

const extras = planReferralsDemo(county);
const assessed = new Map<string, number>();
for (const a of extras.risk_assessments)
  assessed.set(String(a.child_id), (assessed.get(String(a.child_id)) ?? 0) + 1);
// A boy with special educational needs who already has risk assessments (so there is a trajectory).
const boy = county.children
  .filter(
    (c) =>
      c.sex === "male" &&
      (c.send_status === "ehcp" || c.send_status === "sen_support") &&
      c.given_name &&
      c.family_name,
  )
  .sort((a, b) => (assessed.get(b.id) ?? 0) - (assessed.get(a.id) ?? 0))[0];

/**
 * Demo users by name (their key labels on the start-up banner change as the demo grows): the
 * sexual health nurse (health practitioner), the police and social care members of the joint
 * screening team, and the social worker.
 */
function demoPerson(displayName: string) {
  const u = county.users.find((x) => x.display_name === displayName);
  if (!u) throw new Error(`no demo user called ${displayName}`);
  return { email: u.email, name: u.display_name, userId: u.id, title: u.job_title, team: u.team };
}

async function check(page: Page, label: string, name: string) {
  await expectAccessible(page, label);
  await shot(page, name);
}

test("refer a boy with SEND, screen jointly, decide MACE, assess the risk", async ({ page }) => {
  expect(boy, "the demo county has a boy with SEND").toBeTruthy();
  expect(assessed.get(boy.id) ?? 0, "the boy has earlier risk assessments").toBeGreaterThan(0);
  const name = `${boy.given_name} ${boy.family_name}`;

  // 1. The health practitioner makes the referral.
  const nurse = demoPerson("Chloe Bennett");
  await signIn(page, nurse.email);
  await expect(page.getByRole("heading", { name: "Your referrals" })).toBeVisible();
  await check(page, "health practitioner's home", "20-home-health-practitioner");
  await page.getByRole("button", { name: "Make a referral" }).first().click();
  await check(page, "who is it about", "21-referral-about");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.locator(".govuk-error-summary")).toContainText("Select who the referral is about");
  await check(page, "who is it about, with an error", "21b-referral-about-error");
  await page.getByLabel("A child you can name").check();
  await page.getByRole("button", { name: "Continue" }).click();

  await page.getByLabel("Child's name").fill(name);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("radio", { name }).first().check();
  await check(page, "find the child", "22-referral-find-child");
  await page.getByRole("button", { name: "Continue" }).click();

  await page.getByLabel("Child criminal exploitation (CCE)").check();
  await page.getByLabel("County lines").check();
  await page.getByLabel("High", { exact: true }).check();
  await page.getByLabel("Going missing from home, care or school").check();
  await page.getByLabel("More than one phone, or a phone that receives many calls").check();
  await page.getByLabel("Unexplained injuries").check();
  await check(page, "the concern", "23-referral-concern");
  await page.getByRole("button", { name: "Continue" }).click();

  await page
    .getByLabel("What happened, in your words")
    .fill(
      `${boy.given_name} was brought to the emergency department at 02:00 by police, who found him at Eastbridge station, 40 miles from home, with two phones and a cut to his hand he was frightened to explain. He has an EHCP for autism and speech and language needs. A man waiting in a grey car outside the department asked staff when he would be discharged.`,
    );
  await check(page, "what happened", "24-referral-what-happened");
  await page.getByRole("button", { name: "Continue" }).click();

  await page
    .getByLabel("What did the child say? (optional)")
    .fill("If I lose the phone I owe them. They know where my mum lives.");
  await page
    .getByLabel("What does the child want to happen? (optional)")
    .fill("Wants to go home and for his mum not to be hurt.");
  await page.getByLabel("Would prefer to speak to a man").check();
  await page.getByLabel("Yes, they know about this referral").check();
  await check(page, "the child's voice", "25-referral-voice");
  await page.getByRole("button", { name: "Continue" }).click();

  await page.getByLabel("Yes: education, health and care plan (EHCP)").check();
  await page
    .getByRole("group", { name: "Does the child have a disability?" })
    .getByLabel("Yes", { exact: true })
    .check();
  await page
    .getByLabel("If yes: what should professionals know about it? (optional)")
    .fill("Autistic. Use short, clear questions and give him time; he finds eye contact hard.");
  await page
    .getByRole("group", { name: "Is the child looked after by a local authority (in care)?" })
    .getByLabel("No", { exact: true })
    .check();
  await check(page, "needs and circumstances", "26-referral-needs");
  await page.getByRole("button", { name: "Continue" }).click();

  await check(page, "people of concern (none yet)", "27-referral-persons");
  await page.getByRole("button", { name: "Add a person of concern" }).click();
  await page.getByRole("button", { name: "Save this person" }).click();
  await expect(page.locator(".govuk-error-summary")).toContainText("Enter a name or a description");
  await page
    .getByLabel("Description")
    .fill(
      "Man, about 25, slim, short dark hair, grey tracksuit; waited outside the emergency department and asked when the boy would be discharged.",
    );
  await page.getByLabel("Approximate age").fill("25");
  await page.getByRole("group", { name: "Sex" }).getByLabel("Male", { exact: true }).check();
  await page.getByLabel("Vehicles").fill("Grey Ford Focus, registration starts KX19");
  await page.getByLabel("Phone numbers").fill("07700 900123");
  await page.getByLabel("Places").fill("Eastbridge railway station");
  await check(page, "describe a person of concern", "28-referral-person");
  await page.getByRole("button", { name: "Save this person" }).click();
  await expect(page.getByTestId("person-card")).toContainText("Grey Ford Focus");
  await page.getByRole("button", { name: "Continue to check your answers" }).click();

  await expect(
    page.getByRole("heading", { name: "Check your answers before sending your referral" }),
  ).toBeVisible();
  await expect(page.getByText("If I lose the phone I owe them.")).toBeVisible();
  await check(page, "check your answers", "29-referral-check");
  await page.getByRole("button", { name: "Send referral" }).click();
  await expect(page.getByRole("heading", { name: "Referral sent" })).toBeVisible();
  const reference = (await page.locator(".govuk-panel__body strong").textContent())!.trim();
  expect(reference).toMatch(/^REF-\d{4}-\d{6}$/);
  await check(page, "referral sent", "30-referral-sent");
  await page.getByRole("button", { name: "Sign out" }).click();

  // 2. The police screener sees it in the queue with its deadline, joins and adds police checks.
  const policeScreener = demoPerson("Rebecca Thornton");
  await signIn(page, policeScreener.email);
  await expect(page.getByTestId("home-queue")).toBeVisible();
  await check(page, "screener's home (the queue)", "31-home-screener");
  await page.getByRole("link", { name: "Screening", exact: true }).click();
  const row = page.getByTestId("queue-row").filter({ hasText: reference });
  await expect(row).toContainText(name);
  await expect(row.getByTestId("rag")).toContainText(/(Green|Amber|Red).*(left|Overdue)/);
  await check(page, "screening queue", "32-screening-queue");
  await row.getByRole("link", { name: reference }).click();
  await expect(page.getByTestId("deadline")).toContainText("1 working day");
  await check(page, "referral in screening", "33-screening-referral");
  await page.getByRole("button", { name: "Join this screening" }).click();
  await expect(page.getByText("You have joined this screening")).toBeVisible();
  await page.getByRole("button", { name: "Add police checks contribution" }).click();
  await page.getByLabel("Police National Computer (PNC)").check();
  await page.getByLabel("Local intelligence systems").check();
  await page
    .getByLabel("What your records show")
    .fill(
      "PNC: no convictions for the boy. Local intelligence: the grey Ford Focus (KX19…) is linked to a line supplying Class A drugs in Eastbridge; the phone number ending 123 is attributed to that line (graded 2B).",
    );
  await page
    .getByLabel("Summary for partners")
    .fill("Police hold intelligence linking the car and phone described to a county line.");
  await page.getByLabel("High", { exact: true }).check();
  await check(page, "police contribution", "34-screening-police-contribution");
  await page.getByRole("button", { name: "Save contribution" }).click();
  await expect(page.getByText("Your agency's contribution was added.")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();

  // 3. The social care screener adds children's social care checks and decides MACE.
  const socialScreener = demoPerson("Rachel Donnelly");
  await signIn(page, socialScreener.email);
  await page.goto("/screening");
  await page
    .getByTestId("queue-row")
    .filter({ hasText: reference })
    .getByRole("link", { name: reference })
    .click();
  const police = page.getByTestId("contribution").filter({ hasText: "Police checks" });
  await expect(police).toContainText("Police hold intelligence linking the car and phone");
  await expect(police.getByTestId("restricted")).toContainText(
    "your access does not include police intelligence",
  );
  await expect(page.getByText("Class A drugs")).toHaveCount(0);
  await page.getByRole("button", { name: "Join this screening" }).click();
  await page.getByRole("button", { name: "Add children's social care contribution" }).click();
  await page.getByLabel("Previous referrals and assessments").check();
  await page
    .getByLabel("What your records show")
    .fill(
      "Known to children's social care: two earlier referrals for missing episodes this year; an early help plan closed in the summer.",
    );
  await page
    .getByLabel("Summary for partners")
    .fill("Previously known to social care; repeat missing episodes.");
  await page.getByLabel("High", { exact: true }).check();
  await page.getByRole("button", { name: "Save contribution" }).click();
  await expect(page.getByText("Your agency's contribution was added.")).toBeVisible();
  await check(page, "screening with contributions", "35-screening-contributions");
  await page.getByRole("button", { name: "Record the decision" }).click();
  await page.getByRole("button", { name: "Record decision" }).click();
  await expect(page.locator(".govuk-error-summary")).toContainText("Select the decision");
  await page.getByLabel("MACE: multi-agency child exploitation panel").check();
  await page
    .getByLabel("Why? The rationale")
    .fill(
      "A boy with an EHCP found far from home with two phones and an injury; police link the car and phone described to a county line. Add to the MACE cohort for a multi-agency plan and disruption of the adults. He would prefer a male worker.",
    );
  const emma = demoPerson("Emma Richardson");
  await page.getByLabel(/Allocate a lead professional/).selectOption({
    label: `${emma.name}${emma.title ? `, ${emma.title}` : ""}${emma.team ? ` (${emma.team})` : ""}`,
  });
  await check(page, "record the decision", "36-screening-decision");
  await page.getByRole("button", { name: "Record decision" }).click();
  await expect(page.getByText("Decision recorded.")).toBeVisible();
  await expect(page.getByTestId("decision")).toContainText("MACE");
  await expect(page.getByTestId("decision")).toContainText(socialScreener.name);
  await check(page, "decision recorded", "37-screening-decided");
  await page.getByRole("button", { name: "Sign out" }).click();

  // 4. The social worker opens the child's record and completes a risk assessment.
  const worker = demoPerson("Emma Richardson");
  await signIn(page, worker.email);
  await page.goto(`/children/${boy.id}`);
  await expect(page.getByTestId("record-voice")).toContainText("If I lose the phone I owe them.");
  await expect(page.getByTestId("timeline")).toContainText(`Screening decision on ${reference}`);
  await check(page, "child record with voice and timeline", "38-child-record");
  await page.getByRole("link", { name: "Assessments and trajectory" }).click();
  const before = await page.getByTestId("trajectory-table").locator("tbody tr").count();
  await check(page, "risk assessments", "39-assessments");
  await page.getByRole("button", { name: "Start a new risk assessment" }).click();
  await check(page, "assessment task list", "40-assessment-tasks");
  const yes = new Set([
    "missing_recent",
    "missing_far",
    "multiple_phones",
    "contacted_all_hours",
    "debt",
    "driven_by_adults",
    "unexplained_injuries",
    "found_out_of_area",
    "unexplained_travel",
    "trusted_adult",
    "trusted_service",
  ]);
  // Each section page leads to the next one.
  await page.getByRole("link", { name: CURRENT_TOOL.sections[0].title, exact: true }).click();
  for (const [i, s] of [...CURRENT_TOOL.sections, CURRENT_TOOL.protective].entries()) {
    await expect(page.getByRole("heading", { name: s.title, level: 1 })).toBeVisible();
    for (const ind of s.indicators)
      await page.locator(`input[name="${ind.code}"][value="${yes.has(ind.code) ? "yes" : "no"}"]`).check();
    if (i === 0) await check(page, "an assessment section", "41-assessment-section");
    await page.getByRole("button", { name: "Save and continue" }).click();
  }
  await page
    .getByLabel("What does the child say?")
    .fill("He said he wants the men to leave his mum alone and would talk to a man from the youth project.");
  await page.getByRole("button", { name: "Save and check your answers" }).click();
  await expect(page.getByTestId("computed-level")).toHaveText("Very high");
  await expect(page.getByTestId("explanation")).toContainText("Is being controlled through a debt");
  await check(page, "assessment result and explanation", "42-assessment-check");
  await page.getByRole("button", { name: "Complete the assessment" }).click();
  await expect(page.getByRole("heading", { name: "Risk assessment completed" })).toBeVisible();
  await expect(page.getByTestId("final-level")).toHaveText("Very high");
  await expect(page.getByTestId("explanation")).toContainText("What drove this result");
  await expect(page.getByTestId("trajectory").locator("svg[role=img]")).toBeVisible();
  await expect(page.getByTestId("trajectory-table").locator("tbody tr")).toHaveCount(before + 1);
  await expect(page.getByTestId("trajectory-description")).toContainText(`${before + 1} assessments`);
  await check(page, "completed assessment with explanation and trajectory", "43-assessment-completed");
});

test("a school sends intelligence without a child and sees only its status; deadline settings", async ({
  page,
}) => {
  const dsl = demoPerson("Paul Harrison");
  await signIn(page, dsl.email);
  await page.goto("/referrals/new");
  await page.getByLabel("Intelligence only: no child named").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Online exploitation or abuse").check();
  await page.getByLabel("Medium", { exact: true }).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page
    .getByLabel("What happened, in your words")
    .fill(
      "Several Year 9 pupils say an account called 'Dex' on Snapchat is offering them money to collect parcels from the station after school.",
    );
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Add a person of concern" }).click();
  await page.getByLabel("Name, nickname or street name (if known)").fill("'Dex'");
  await page.getByLabel("Online accounts").fill("Snapchat: dex_parcels");
  await page.getByRole("button", { name: "Save this person" }).click();
  await page.getByRole("button", { name: "Continue to check your answers" }).click();
  await expect(page.getByText("The child's voice")).toHaveCount(0);
  await page.getByRole("button", { name: "Send referral" }).click();
  await expect(page.getByTestId("referral-status")).toBeVisible();
  await expect(page.getByTestId("status")).toContainText("Awaiting screening");
  await check(page, "referrer's status page", "44-referral-status-school");
  await page.getByRole("link", { name: "Referrals", exact: true }).click();
  await expect(page.getByTestId("my-referrals")).toContainText("Intelligence (no child named)");
  await check(page, "my referrals", "45-my-referrals");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signIn(page, demoPerson("Sam Okonkwo").email);
  await page.goto("/screening/settings");
  await expect(page.getByRole("heading", { name: "Screening deadlines and working hours" })).toBeVisible();
  await check(page, "screening deadline settings", "46-screening-settings");
});
