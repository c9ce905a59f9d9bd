// Issue 4: a school user searches, sees the signpost only, uses break-glass with a reason, sees the
// record; the auditor sees the break-glass in the review queue. axe on every page.
import { expect, test } from "@playwright/test";
import { county, demoUser } from "./demo.ts";
import { expectAccessible, shot, signIn } from "./helpers.ts";

test("school user: search → signpost → break-glass → record; auditor reviews it", async ({ page }) => {
  const teacher = demoUser("Practitioner (school DSL)");
  const related = new Set(
    county.relationships.filter((r) => r.user_id === teacher.userId).map((r) => r.child_id),
  );
  const child = county.children.find(
    (c) => !related.has(c.id) && c.given_name && c.family_name && c.looked_after,
  )!;

  await signIn(page, teacher.email);
  await page.getByRole("link", { name: "Find a child" }).click();
  await expectAccessible(page, "search page");
  await page.getByLabel("Name").fill(`${child.given_name} ${child.family_name}`);
  await page.getByRole("button", { name: "Search" }).click();
  const link = page.getByRole("link", { name: `${child.given_name} ${child.family_name}` }).first();
  await expect(link).toBeVisible();
  await expect(page.getByText("signpost only").first()).toBeVisible();
  await expectAccessible(page, "search results");
  await shot(page, "10-search-results");

  await page.goto(`/children/${child.id}`);
  await expect(page.getByTestId("signpost")).toBeVisible();
  await expect(page.getByText("is known to the partnership")).toBeVisible();
  await expect(page.getByText(child.placement_address ?? "no placement address")).toHaveCount(0);
  await expectAccessible(page, "signpost page");
  await shot(page, "11-signpost");

  await page.getByRole("button", { name: "Use break-glass access" }).click();
  await expectAccessible(page, "break-glass form");
  await page.getByRole("button", { name: "Get access for 4 hours" }).click();
  await expect(page.locator(".govuk-error-summary")).toContainText("Explain why you need access now");
  await expectAccessible(page, "break-glass form with errors");
  await page
    .getByLabel("Why do you need access now?")
    .fill("Pupil disclosed she was taken to a flat last night; I need to know who holds the case.");
  await page.getByLabel("Enter your password to confirm").fill("lantern-demo");
  await page.getByRole("button", { name: "Get access for 4 hours" }).click();
  await expect(page.getByTestId("child-record")).toBeVisible();
  await expect(page.getByText("You are using break-glass access")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Identity" })).toBeVisible();
  await expect(page.getByText("Hidden: your access does not include placement address")).toBeVisible();
  await expectAccessible(page, "child record (break-glass)");
  await shot(page, "12-record-break-glass");
  await page.getByRole("button", { name: "Sign out" }).click();

  const auditor = demoUser("Auditor (information governance)");
  await signIn(page, auditor.email);
  await page.getByRole("link", { name: "Audit" }).click();
  await expectAccessible(page, "audit search");
  await page.getByRole("link", { name: "Break-glass review queue" }).click();
  const item = page.getByTestId("break-glass-item").filter({ hasText: child.reference });
  await expect(item).toContainText("Pupil disclosed she was taken to a flat last night");
  await expect(item).toContainText(teacher.name);
  await expectAccessible(page, "break-glass review queue");
  await shot(page, "13-break-glass-queue");
  await item.getByLabel("Justified", { exact: true }).check();
  await item.getByRole("button", { name: "Record review" }).click();
  await expect(page.getByText("Review recorded.")).toBeVisible();
});
