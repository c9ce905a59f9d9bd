// Issue 8: a police analyst opens a person of concern, opens the link chart, expands the network,
// filters by date, sees the broker highlighted and records a child abduction warning notice with an
// expiry date. axe on the chart page, the table view and the disruption pages.
import { expect, test } from "@playwright/test";
import { county, demoUser } from "./demo.ts";
import { expectAccessible, shot, signIn } from "./helpers.ts";

/** A key demo user by one of its labels (the demo's labels have changed over time). */
function keyUser(...labels: string[]) {
  for (const l of labels) {
    try {
      return demoUser(l);
    } catch {
      /* try the next label */
    }
  }
  throw new Error(`no key demo user labelled ${labels.join(" or ")}`);
}
const policeAnalyst = () => keyUser("Police analyst", "Analyst (police)");

test("analyst: person of concern → link chart → expand → date filter → broker → CAWN", async ({ page }) => {
  test.setTimeout(120_000);
  const analyst = policeAnalyst();
  const line = county.networks.find((n) => n.kind === "county_lines")!;
  const hub = county.persons_of_concern.find((p) => p.id === line.person_ids[0])!;
  const hubName = `${hub.given_name} ${hub.family_name}`;

  await signIn(page, analyst.email);
  await page.getByRole("link", { name: "Intelligence" }).first().click();
  await expect(page.getByRole("heading", { name: "Persons of concern" })).toBeVisible();
  await expectAccessible(page, "persons of concern");
  await page.getByLabel("Name, alias or reference").fill(hub.reference);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: hubName }).click();
  await expect(page.getByTestId("person-name")).toHaveText(hubName);
  await expectAccessible(page, "person of concern");

  await page.getByTestId("open-chart").click();
  const chart = page.locator("#chart");
  await expect(chart).toHaveAttribute("data-ready", "true");
  const summary = page.getByTestId("chart-summary");
  const countOf = async () => Number(/^(\d+) entit/.exec((await summary.textContent())!.trim())![1]);
  const before = await countOf();
  expect(before).toBeGreaterThan(3);

  // Expand: the chart opens on the person and their direct links; expand one of them.
  const data = await page.evaluate(async () => {
    const api = document.getElementById("chart")!.dataset.api!;
    return (await fetch(api)).json();
  });
  const candidates = (
    data.nodes as { id: string; label: string; distance: number; expandable: boolean; type: string }[]
  ).filter((n) => n.distance === 1 && n.expandable && n.type !== "child");
  expect(candidates.length).toBeGreaterThan(0);
  let expanded = false;
  for (const c of candidates) {
    await page.getByLabel("Look at one entity").selectOption(c.id);
    await expect(page.locator("#node-detail h3")).toHaveText(c.label);
    await page.getByTestId("expand-node").click();
    await expect(page.getByTestId("broker-callout")).toContainText("Expanded");
    if ((await countOf()) > before) {
      expanded = true;
      break;
    }
  }
  expect(expanded, "expanding a neighbour adds entities").toBe(true);
  await expect(page).toHaveURL(/expand=/);

  // The broker: highlighted on the chart (orange ring) and named in words.
  await expect(page.getByTestId("broker-callout")).not.toBeEmpty();
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByTestId("broker-callout")).toContainText("Filters applied");
  const brokers = await chart.getAttribute("data-brokers");
  expect(brokers, "a broker bridges the communities of the county line").toBeTruthy();
  const brokerId = brokers!.split(",")[0];
  await page.getByLabel("Look at one entity").selectOption(brokerId);
  await expect(page.locator("#node-detail").getByText("Broker", { exact: true })).toBeVisible();
  await expect(page.getByTestId("brokers")).toContainText("Broker");

  // Filter by date: links active from a year ago.
  const fromDate = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  const all = await countOf();
  await page.getByLabel("From", { exact: true }).fill(fromDate);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(summary).toContainText("active from");
  await expect(page).toHaveURL(new RegExp(`from=${fromDate}`));
  expect(await countOf()).toBeLessThanOrEqual(all);
  await page.getByLabel("From", { exact: true }).fill("");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(summary).not.toContainText("active from");
  await expect(chart).toHaveAttribute("data-ready", "true");
  await page.getByLabel("Look at one entity").selectOption(brokerId);
  await shot(page, "80-link-chart-broker");
  await expectAccessible(page, "link chart");

  // The accessible table view of the same data.
  await page.getByRole("link", { name: "Table view (accessible)" }).click();
  await expect(page.getByTestId("node-table")).toBeVisible();
  await expect(page.getByTestId("node-table").getByText("Broker").first()).toBeVisible();
  await expect(page.getByTestId("node-table").getByText("Signpost only").first()).toBeVisible();
  await expect(page.getByTestId("link-table")).toBeVisible();
  await shot(page, "81-link-chart-table");
  await expectAccessible(page, "link chart table view");
  await page.getByRole("link", { name: "Chart", exact: true }).click();
  await expect(chart).toHaveAttribute("data-ready", "true");

  // Record a CAWN with an expiry date from the disruption panel.
  const panel = page.getByTestId("disruption-panel");
  await panel.getByRole("button", { name: "Record disruption" }).click();
  await expect(page.getByRole("heading", { name: "Record disruption" })).toBeVisible();
  await expectAccessible(page, "record disruption");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.locator(".govuk-error-summary")).toContainText("Choose the tactic");
  await expectAccessible(page, "record disruption with errors");
  await page.getByLabel("Child abduction warning notice (CAWN)").check();
  const today = new Date().toISOString().slice(0, 10);
  const expiry = new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("Date issued or granted").fill(today);
  await page.getByLabel("Expiry date").fill(expiry);
  await page
    .getByLabel("Conditions or prohibitions")
    .fill("Not to contact, meet or be with the children named in the notice.");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(
    page.getByRole("heading", { name: "Check your answers before recording the disruption" }),
  ).toBeVisible();
  await expect(page.getByTestId("check-answers")).toContainText("Child abduction warning notice (CAWN)");
  await expectAccessible(page, "check your answers (disruption)");
  await page.getByRole("button", { name: "Record the disruption" }).click();

  await expect(page.locator(".govuk-notification-banner--success")).toContainText("recorded");
  await expect(page).toHaveURL(/\/network\?/);
  const item = page
    .getByTestId("disruption-item")
    .filter({ hasText: "Child abduction warning notice (CAWN)" });
  await expect(item).toBeVisible();
  await expect(item).toContainText("In force");
  const expiryWords = new Date(`${expiry}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  await expect(item).toContainText(`expires ${expiryWords}`);
  await expect(chart).toHaveAttribute("data-ready", "true");
  await shot(page, "82-link-chart-cawn-recorded");
  await expectAccessible(page, "link chart after recording a CAWN");

  // The disruption list and counts.
  await page.goto("/disruptions");
  await expect(page.getByTestId("disruption-counts")).toContainText("Child abduction warning notice (CAWN)");
  await expect(page.getByTestId("disruption-list")).toContainText(hub.reference);
  await expectAccessible(page, "disruption list");
  await page.goto("/network/networks");
  await expect(page.getByTestId("networks-table")).toContainText(hubName);
  await expectAccessible(page, "networks");
  await shot(page, "83-networks");
});

test("intelligence: a school submits graded intelligence; police read the original, social care nothing until it is sanitised", async ({
  page,
}) => {
  const school = keyUser("School DSL", "Practitioner (school DSL)");
  const social = keyUser("Social worker", "Practitioner (social worker)");
  const analyst = policeAnalyst();
  const line = county.networks.find((n) => n.kind === "county_lines")!;
  const hub = county.persons_of_concern.find((p) => p.id === line.person_ids[0])!;
  const text =
    "Two Year 9 boys said a man called Lewis collects them from the gates in a red car on Fridays.";

  await signIn(page, school.email);
  await page.goto("/intelligence/reports/new");
  await expectAccessible(page, "submit intelligence");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.locator(".govuk-error-summary")).toContainText("Enter the intelligence");
  await expectAccessible(page, "submit intelligence with errors");
  await page.getByLabel("The intelligence").fill(text);
  await page.getByLabel("2 – Untested").check();
  await page.getByLabel("B – Known indirectly to the source but corroborated").check();
  await page.getByLabel("P – Lawful sharing permitted").check();
  await page.getByLabel("Who is it about? (optional)").fill(hub.reference);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(
    page.getByRole("heading", { name: "Check your answers before submitting the intelligence" }),
  ).toBeVisible();
  await expectAccessible(page, "check your answers (intelligence)");
  await page.getByRole("button", { name: "Submit the intelligence" }).click();
  await expect(page.locator(".govuk-notification-banner--success")).toContainText(
    "Intelligence submitted as INT-",
  );
  await expect(page.getByTestId("report-view")).toHaveAttribute("data-view", "original");
  await expect(page.getByTestId("report-text")).toHaveText(text);
  await expectAccessible(page, "intelligence report (originator)");
  const reportUrl = new URL(page.url()).pathname;
  await page.getByRole("button", { name: "Sign out" }).click();

  await signIn(page, analyst.email);
  await page.goto(reportUrl);
  await expect(page.getByTestId("report-view")).toHaveAttribute("data-view", "original");
  await expect(page.getByTestId("report-text")).toHaveText(text);
  await shot(page, "84-intelligence-police-original");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signIn(page, social.email);
  const r = await page.goto(reportUrl);
  expect(r?.status()).toBe(404);
  await expect(page.getByText(text)).toHaveCount(0);
});
