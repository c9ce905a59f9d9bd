// Two-person approval of a bulk export: the MACE coordinator asks for the whole cohort with a
// reason, a manager of the same agency approves it with their password, and the coordinator
// downloads it once. axe on each page; the keyboard reaches the decision.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import ExcelJS from "exceljs";
import { county, demoUser } from "./demo.ts";
import { DEMO_PASSWORD, expectAccessible, shot, signIn } from "./helpers.ts";

test("a bulk tracker export waits for a second person's approval, then downloads once", async ({ page }) => {
  test.setTimeout(180_000);
  const coordinator = demoUser("MACE coordinator (partnership)");
  const manager = county.users.find((u) => u.display_name === "Helen Carter")!; // KSCP manager
  await signIn(page, coordinator.email);
  await page.goto("/tracker?sort=child&dir=asc");
  const cohort = await page.getByTestId("tracker-table").locator("tbody tr").count();
  expect(cohort).toBeGreaterThan(6);
  await page.getByText("Export to Excel").first().click();
  await page.getByLabel("Enter your password to confirm").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Export to Excel" }).click();
  // No reason: the error says why one is needed.
  await expect(page.locator(".govuk-error-summary")).toContainText(`it lists ${cohort} children`);
  await expectAccessible(page, "tracker export needs a reason");
  await page
    .getByLabel(/Why you need this export/)
    .fill("Whole cohort for the partnership board's annual MACE audit");
  await page.getByLabel("Enter your password to confirm").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Export to Excel" }).click();
  await expect(page.getByRole("heading", { name: "Export sent for approval" })).toBeVisible();
  const reference = (await page.locator(".govuk-panel__body strong").textContent())!.trim();
  await expectAccessible(page, "export sent for approval");
  await shot(page, "70-export-requested");
  await page.getByRole("button", { name: "Sign out" }).click();

  // The manager decides, by keyboard.
  await signIn(page, manager.email);
  await page.getByRole("link", { name: "Approvals" }).click();
  await expect(page.getByTestId("to-decide")).toContainText(reference);
  await expectAccessible(page, "approvals list");
  await page.getByRole("link", { name: new RegExp(reference) }).click();
  await expect(page.getByTestId("request-summary")).toContainText("annual MACE audit");
  await page.getByRole("radio", { name: /^Approve/ }).focus();
  await page.keyboard.press("Space");
  await page.getByLabel("Enter your password to confirm").fill(DEMO_PASSWORD);
  await expectAccessible(page, "export request");
  await shot(page, "71-export-approval");
  await page.getByRole("button", { name: "Record the decision" }).press("Enter");
  await expect(page.locator(".govuk-notification-banner--success")).toContainText(reference);
  await page.getByRole("button", { name: "Sign out" }).click();

  // The coordinator downloads it, once.
  await signIn(page, coordinator.email);
  await page.goto("/approvals");
  const card = page.getByTestId("my-request").filter({ hasText: reference });
  await expect(card).toContainText("Approved: ready to download");
  await expectAccessible(page, "your export requests");
  await card.getByLabel(new RegExp(`Enter your password to download ${reference}`)).fill(DEMO_PASSWORD);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    card.getByRole("button", { name: "Download the export" }).click(),
  ]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
  let rows = 0;
  wb.getWorksheet("Tracker")!.eachRow((_r, n) => {
    if (n >= 6) rows++;
  });
  expect(rows).toBe(cohort);
  await page.goto("/approvals");
  await expect(page.getByTestId("my-request").filter({ hasText: reference })).toContainText("Downloaded");
});
