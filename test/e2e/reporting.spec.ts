// The partnership report: a committee member (independent scrutineer) opens it from the
// navigation, reads the charts and tables with small numbers hidden, moves to earlier quarters
// with the keyboard, and cannot open a child's record. axe on each state.
import { expect, test } from "@playwright/test";
import { demoUser } from "./demo.ts";
import { expectAccessible, shot, signIn } from "./helpers.ts";

test("a committee member reads the partnership report and cannot reach a child", async ({ page }) => {
  const u = demoUser("Committee or scrutiny member (independent scrutineer)");
  await signIn(page, u.email);
  await page.getByRole("link", { name: "Partnership report" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Partnership report" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Referrals received each quarter" })).toBeVisible();
  const byAgency = page.getByTestId("referrals-by-agency");
  await expect(byAgency.getByRole("columnheader").nth(4)).toContainText("(to date)");
  await expect(byAgency.getByRole("rowheader", { name: "All referrals" })).toBeVisible();
  // Small numbers are hidden, and say so to a screen reader.
  await expect(page.locator("td", { hasText: "<5" }).first()).toBeVisible();
  await expect(page.getByText("(1 to 4, hidden)").first()).toBeAttached();
  await expect(page.getByTestId("missing")).toContainText("Interview offered within 72 hours");
  await expectAccessible(page, "partnership report");
  await shot(page, "60-partnership-report");

  // Earlier quarters, by keyboard: choose the last quarter shown, then the button.
  const select = page.getByLabel("Last quarter shown");
  await select.focus();
  await select.selectOption({ index: 4 });
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Show these quarters" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/to=\d{4}-\d{2}/);
  await expect(byAgency.getByRole("columnheader").nth(4)).not.toContainText("(to date)");
  await expectAccessible(page, "partnership report, earlier quarters");

  // Aggregates only: no way into a child's record.
  await expect(page.locator('a[href^="/children/"]')).toHaveCount(0);
  const child = await page.goto("/children");
  expect(child?.status()).toBe(403);
});
