// Issue 7: live language hints in narrative fields (a referral's "what happened" and the child's
// wishes; a case note on the child record), keeping wording with a reason or using an
// alternative, saving either way; the manager's practice report shows the reason; an administrator
// adds a phrase, the next check flags it, and the audit shows who added it. axe on every state.
import { expect, type Page, test } from "@playwright/test";
import { county, demoUser } from "./demo.ts";
import { expectAccessible, shot, signIn } from "./helpers.ts";

const worker = demoUser("Practitioner (social worker)");
const allocated = county.relationships.find(
  (r) => r.user_id === worker.userId && r.kind === "allocated_worker" && !r.ends_at,
);
const REASON = "These are her mother's words, recorded exactly as she said them.";

/** The note form with its hints panel, for a readable close-up. */
async function panelShot(page: Page, name: string) {
  await page
    .locator("form", { has: page.locator("[data-language-hints]") })
    .screenshot({ path: `test-results/screenshots/${name}.png` });
}

async function openRecord(page: Page) {
  if (!allocated) throw new Error("the demo social worker has no allocated child");
  await page.goto(`/children/${allocated.child_id}`);
  await expect(page.getByTestId("child-record")).toBeVisible();
  return page.getByLabel("Add a case note");
}

test("in a referral: typing blaming wording shows a hint; keeping it asks for a reason; saving works either way", async ({
  page,
}) => {
  if (!allocated) throw new Error("the demo social worker has no allocated child");
  const child = county.children.find((c) => c.id === allocated.child_id)!;
  const name = `${child.given_name} ${child.family_name}`;
  await signIn(page, worker.email);
  await page.goto("/referrals/new");
  await page.getByLabel("A child you can name").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Child's name").fill(name);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("radio", { name }).first().check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Child sexual exploitation (CSE)").check();
  await page.getByLabel("Medium", { exact: true }).check();
  await page.getByRole("button", { name: "Continue" }).click();

  // 1. The hint: phrase, reason and alternatives, announced politely.
  const what = page.getByLabel("What happened, in your words");
  const status = page.getByTestId("language-status").first();
  await what.pressSequentially("she keeps putting herself at risk", { delay: 15 });
  await expect(status).toHaveText("1 phrase to review.");
  await expect(status).toHaveAttribute("aria-live", "polite");
  const flag = page.getByTestId("language-flag").first();
  await expect(flag).toContainText("“putting herself at risk”");
  await expect(flag).toContainText("To review");
  await expect(flag).toContainText("Why:");
  await expect(flag).toContainText("responsible for the danger");
  await expect(flag).toContainText("Instead, you could write:");
  await expect(flag).toContainText("is at risk of harm from");
  await expect(page.getByRole("heading", { name: "Check your wording" })).toBeVisible();
  await expectAccessible(page, "referral with a language hint");
  await shot(page, "70-language-hint-referral");
  await panelShot(page, "70b-language-hint-panel");

  // 2. Keep the wording: a reason is asked for (required), by keyboard, and Enter does not submit.
  await flag.getByRole("button", { name: /^Keep my wording/ }).click();
  const reason = page.getByRole("textbox", { name: "Why are you keeping “putting herself at risk”?" });
  await expect(reason).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(flag).toContainText("Enter a reason for keeping this wording");
  await expect(reason).toBeFocused();
  await expectAccessible(page, "keep wording: reason required");
  await shot(page, "71-language-keep-reason-required");
  await panelShot(page, "71b-language-keep-panel");
  await reason.fill(REASON);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "What happened?" })).toBeVisible();
  await expect(status).toHaveText(/No phrases to review, 1 kept with a reason\./);
  await expect(flag).toContainText("Kept");
  await expect(page.getByTestId("language-kept")).toContainText(REASON);
  await expect(page.locator('input[type="hidden"][name="languageOverride"]')).toHaveCount(1);
  await expect(flag.getByRole("button", { name: /^Change the reason/ })).toBeFocused();
  await expectAccessible(page, "wording kept with a reason");
  await shot(page, "72-language-kept");
  await panelShot(page, "72b-language-kept-panel");
  await what.press("End");
  await what.pressSequentially(", her mother told me on 3 November.", { delay: 5 });
  await expect(status).toHaveText(/No phrases to review, 1 kept with a reason\./);
  await page.getByRole("button", { name: "Continue" }).click();

  // The decision stays with the draft: going back shows the wording as kept, with its reason.
  await expect(page.getByRole("heading", { name: "The child's own words and wishes" })).toBeVisible();
  await page.getByRole("link", { name: "Back", exact: true }).click();
  await expect(status).toHaveText(/No phrases to review, 1 kept with a reason\./);
  await expect(page.getByTestId("language-kept")).toContainText(REASON);
  await page.getByRole("button", { name: "Continue" }).click();

  // 3. Saving is never blocked: flagged wording with no decision goes on too.
  const wishes = page.getByLabel("What does the child want to happen? (optional)");
  await wishes.fill("She wants to stop her risky behaviour with older men.");
  await wishes.press("End");
  await expect(page.getByTestId("language-status").nth(0)).toHaveText("1 phrase to review.");
  await page.getByLabel("Would prefer to speak to a woman").check();
  await page.getByLabel("Yes, they know about this referral").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page
    .getByRole("group", { name: "Does the child have special educational needs (SEN)?" })
    .getByLabel("No", { exact: true })
    .check();
  await page
    .getByRole("group", { name: "Does the child have a disability?" })
    .getByLabel("No", { exact: true })
    .check();
  await page
    .getByRole("group", { name: "Is the child looked after by a local authority (in care)?" })
    .getByLabel("No", { exact: true })
    .check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Continue to check your answers" }).click();
  await page.getByRole("button", { name: "Send referral" }).click();
  await expect(page.getByRole("heading", { name: "Referral sent" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();

  // 4. The manager sees the reason in the practice report (same agency), with the chart and tables.
  const manager = demoUser("Manager (social care)");
  await signIn(page, manager.email);
  await page.getByRole("link", { name: "Language", exact: true }).click();
  await expectAccessible(page, "language guide");
  await page.getByRole("link", { name: "Practice report" }).click();
  await expect(page.getByRole("heading", { name: "Language practice report" })).toBeVisible();
  await expect(page.locator("svg[role=img]")).toBeVisible();
  await expect(page.getByTestId("trend-table")).toBeVisible();
  await expect(page.getByTestId("reasons-table")).toContainText(REASON);
  await expectAccessible(page, "practice report (manager)");
  await shot(page, "73-language-report");
});

test("in a case note: use an alternative, or save flagged wording without a decision", async ({ page }) => {
  await signIn(page, worker.email);
  await openRecord(page);
  const status = page.getByTestId("language-status").first();

  // Use an alternative: only on the writer's click, exactly the flagged words are replaced.
  const note2 = page.getByLabel("Add a case note");
  await note2.pressSequentially("Ava keeps putting herself at risk when she goes to the flat.", { delay: 5 });
  await expect(status).toHaveText("1 phrase to review.");
  await page.waitForTimeout(600); // nothing changes the text by itself
  await expect(note2).toHaveValue("Ava keeps putting herself at risk when she goes to the flat.");
  const use = page
    .getByTestId("language-flag")
    .first()
    .getByRole("button", { name: /^Use this/ })
    .first();
  await use.click();
  await expect(note2).toHaveValue(/^Ava keeps is at risk of harm from .* when she goes to the flat\.$/);
  await expect(note2).toBeFocused();
  await expect(status).toContainText("Replaced “putting herself at risk” with");
  await expect(status).toContainText("No wording to review.");
  await note2.fill("Ava is at risk of harm from the adults at the flat.");
  await expectAccessible(page, "after using an alternative");
  await page.getByRole("button", { name: "Save note" }).click();
  await expect(page.getByText("Note saved.")).toBeVisible();

  // Saving is never blocked: flagged wording with no decision saves too.
  const note3 = page.getByLabel("Add a case note");
  await note3.fill("He is a drug runner.");
  await note3.press("End");
  await expect(status).toHaveText("1 phrase to review.");
  await page.getByRole("button", { name: "Save note" }).click();
  await expect(page.getByText("Note saved.")).toBeVisible();
  await expect(page.locator(".lantern-notes")).toContainText("He is a drug runner.");
});

test("an administrator adds a phrase; the next check flags it; the audit shows who added it", async ({
  page,
}) => {
  const admin = demoUser("Administrator (partnership)");
  await signIn(page, admin.email);
  await page.getByRole("link", { name: "Language", exact: true }).click();
  await page.getByRole("link", { name: "Manage the dictionary" }).click();
  await expect(page.getByRole("heading", { name: "Language dictionary" })).toBeVisible();
  const before = (await page.getByTestId("dictionary-version").textContent())?.trim();
  await expectAccessible(page, "dictionary");
  await page.getByRole("button", { name: "Add a phrase" }).click();
  await expectAccessible(page, "add a phrase");
  // A bad pattern is explained field by field; nothing is saved.
  await page.getByLabel("Id", { exact: true }).fill("little-madam");
  await page.getByLabel("Patterns").fill("little *12 madam");
  await page.getByRole("button", { name: "Add the phrase" }).click();
  const summary = page.locator(".govuk-error-summary");
  await expect(summary).toBeVisible();
  await expect(summary.getByRole("link", { name: /^Line 1:/ })).toBeVisible();
  await expect(summary.getByRole("link", { name: /Explain why the wording matters/ })).toBeVisible();
  await expectAccessible(page, "add a phrase with errors");
  await shot(page, "74-language-add-errors");
  await page.getByLabel("Patterns").fill("little madam~");
  await page.getByLabel("Category").selectOption("labelling");
  await page
    .getByLabel("Why it matters")
    .fill("Labels a girl as difficult instead of describing what is happening to her.");
  await page.getByLabel("Alternatives").fill("describe the behaviour and what it may communicate");
  await page.getByLabel("Examples this entry must flag (optional)").fill("She is a little madam.");
  await page.getByRole("button", { name: "Add the phrase" }).click();
  await expect(page.locator(".govuk-notification-banner")).toContainText("Saved “little-madam”");
  const after = (await page.getByTestId("dictionary-version").textContent())?.trim();
  expect(after).not.toBe(before);
  const changes = page.getByTestId("dictionary-changes");
  await expect(changes.getByRole("row").nth(1)).toContainText(admin.name);
  await expect(changes.getByRole("row").nth(1)).toContainText("little-madam");
  await expectAccessible(page, "dictionary after adding");
  await shot(page, "75-language-dictionary-audit");
  await page.getByLabel("Text to check").fill("Ava can be a little madam at school.");
  await page.getByRole("button", { name: "Check the text" }).click();
  await expect(page.getByTestId("try-flags")).toContainText("“little madam”");
  await expect(page.getByTestId("try-flags")).toContainText("little-madam");
  await page.getByRole("button", { name: "Sign out" }).click();

  // The next live check in a narrative field flags it too.
  await signIn(page, worker.email);
  const note = await openRecord(page);
  await note.pressSequentially("Ava can be a little madam at school.", { delay: 5 });
  await expect(page.getByTestId("language-flag").first()).toContainText("“little madam”");
  await expect(page.getByTestId("language-flag").first()).toContainText("Labels a girl as difficult");
});
