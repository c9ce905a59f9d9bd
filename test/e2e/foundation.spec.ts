// Issue 3: sign in as a demo practitioner, see the home page with name and agency, sign out; a wrong
// password gets an error that does not say whether the email exists. axe on every page visited.
import { expect, test } from "@playwright/test";
import { demoUser } from "./demo.ts";
import { expectAccessible, shot, signIn } from "./helpers.ts";

test("a practitioner signs in, sees their name and agency, and signs out", async ({ page }) => {
  const u = demoUser("Practitioner (sexual health nurse)");
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in\?next=%2F/);
  await expect(page.getByRole("heading", { name: "Sign in to Lantern" })).toBeVisible();
  await expectAccessible(page, "sign-in page");
  await shot(page, "01-sign-in");

  await signIn(page, u.email);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("user-name")).toHaveText(u.name);
  await expect(page.getByTestId("user-agency")).toHaveText(u.agency);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(u.name);
  await expectAccessible(page, "home page");
  await shot(page, "02-home");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You have signed out.")).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a wrong password and an unknown email show the same error", async ({ page }) => {
  const u = demoUser("Practitioner (sexual health nurse)");
  await signIn(page, u.email, "not-the-password");
  const summary = page.locator(".govuk-error-summary");
  await expect(summary).toBeVisible();
  const known = (await summary.textContent())?.replace(/\s+/g, " ").trim();
  await expectAccessible(page, "sign-in error");
  await shot(page, "03-sign-in-error");
  await signIn(page, "nobody.at.all@example.org", "not-the-password");
  const unknown = (await page.locator(".govuk-error-summary").textContent())?.replace(/\s+/g, " ").trim();
  expect(unknown).toBe(known);
  expect(known).toContain("Enter a correct email address and password");
});

test("the keyboard alone reaches the sign-in form and signs in", async ({ page }) => {
  const u = demoUser("Practitioner (social worker)");
  await page.goto("/sign-in");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to main content" })).toBeFocused();
  await page.getByLabel("Email address").focus();
  await page.keyboard.type(u.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type("lantern-demo");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("user-name")).toHaveText(u.name);
});

test("unknown pages show a plain 404 that leaks nothing", async ({ page }) => {
  const r = await page.goto("/no/such/page");
  expect(r?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expectAccessible(page, "404 page");
});
