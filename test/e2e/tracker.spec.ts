// Issue 9 in a real browser against the demo county:
// 1. The MACE coordinator opens the tracker (sorts it), builds the agenda for the coming MACE
//    panel from the cohort, records attendance and minutes for two children with decisions that
//    become actions (one with wording the language checker flags), prints the minutes and exports
//    the tracker to Excel (read back here: watermark, rows, no formulas).
// 2. A police officer on the panel records a missing episode for a cohort child ("missing now"),
//    then the return; the 72-hour return-home interview clock appears ("due soon") and turns
//    "overdue" on the open page when the deadline passes (the return is entered 72 hours back, so
//    the deadline falls a minute or so ahead; the server uses its real clock, no test hooks).
// axe on every page; screenshots in test-results/screenshots.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import ExcelJS from "exceljs";
import { planTrackerDemo } from "../../src/modules/demo/demo.tracker.ts";
import { wallTimeOf } from "../../src/modules/missing/missing.clock.ts";
import { county, demoUser } from "./demo.ts";
import { DEMO_PASSWORD, expectAccessible, shot as saveShot, signIn } from "./helpers.ts";

const plan = planTrackerDemo(county);

/** Screenshots go to test-results/screenshots; TRACKER_SHOTS_DIR keeps a copy (other runs clean test-results). */
async function shot(page: Parameters<typeof saveShot>[0], name: string) {
  await saveShot(page, name);
  const keep = process.env.TRACKER_SHOTS_DIR;
  if (keep) {
    mkdirSync(keep, { recursive: true });
    copyFileSync(`test-results/screenshots/${name}.png`, `${keep}/${name}.png`);
  }
}
const HOUR = 3_600_000;

test("MACE coordinator: tracker, agenda from the cohort, minutes with actions, print, Excel export", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const coordinator = demoUser("MACE coordinator (partnership)");
  await signIn(page, coordinator.email);
  await page.getByRole("link", { name: "MACE tracker" }).click();
  const table = page.getByTestId("tracker-table");
  await expect(table).toBeVisible();
  const openEntries = plan.cohort_entries.filter((e) => e.status === "open");
  await expect(table.locator("tbody tr")).toHaveCount(openEntries.length);
  await expectAccessible(page, "tracker");
  await shot(page, "90-tracker");

  await table.getByRole("link", { name: /^Risk/ }).click();
  await expect(page.locator('th[aria-sort="descending"]')).toContainText("Risk");
  await expect(page.locator("tbody tr").first().locator(".govuk-tag").first()).toHaveText("High");
  await table.getByRole("link", { name: /^Missing \(90 days\)/ }).click();
  await expect(page.locator('th[aria-sort="descending"]')).toContainText("Missing (90 days)");
  await shot(page, "91-tracker-sorted-by-missing");

  // The coming MACE panel: build the agenda from the cohort.
  await page.getByRole("link", { name: "Meetings" }).first().click();
  await expectAccessible(page, "meetings");
  const upcoming = plan.meetings.find((m) => m.id === plan.upcomingMeetingId)!;
  await page.getByRole("link", { name: String(upcoming.title) }).click();
  const proposal = page.getByTestId("agenda-proposal");
  await expect(proposal).toBeVisible();
  await expect(proposal).toContainText("Review due");
  await expectAccessible(page, "meeting: proposed agenda");
  await shot(page, "92-agenda-proposed");
  await page.getByRole("button", { name: "Save agenda" }).click();
  await expect(page.getByText("Agenda saved.")).toBeVisible();
  const agenda = page.getByTestId("agenda");
  const items = agenda.locator("tbody tr");
  expect(await items.count()).toBeGreaterThanOrEqual(2);
  await page.getByText("Record attendance").click();
  await page.getByLabel("Agency").selectOption({ label: "Kestershire Constabulary" });
  await page.getByLabel("Name", { exact: true }).fill("DS Michael Adeyemi");
  await page.getByRole("button", { name: "Add attendee" }).click();
  await expect(page.getByTestId("attendance")).toContainText("DS Michael Adeyemi");
  await expectAccessible(page, "meeting: agenda and attendance");
  await shot(page, "93-agenda-built");

  const due = wallTimeOf(new Date(Date.now() + 10 * 24 * HOUR));
  const review = wallTimeOf(new Date(Date.now() + 42 * 24 * HOUR));
  const minutesFor = async (n: number, summary: string, decision: string, agencyLabel: string) => {
    await page.goto(String(await page.url()).split("#")[0]);
    const row = page.getByTestId("agenda").locator("tbody tr").nth(n);
    const child = ((await row.locator("td").nth(1).locator("a").textContent()) ?? "").trim();
    await row.getByRole("link", { name: /Record minutes/ }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(child);
    await expectAccessible(page, `minutes form ${n + 1}`);
    await page.getByLabel("Discussion").fill(summary);
    await page
      .getByLabel("The child's voice (optional)")
      .fill(`${child.split(" ")[0]} said: "I want to go back to football."`);
    await page.getByRole("group", { name: "Level of risk agreed" }).getByLabel("High").check();
    await page
      .getByRole("group", { name: "Since the last review, the risk is" })
      .getByLabel("Stable")
      .check();
    const next = page.getByRole("group", { name: "Next review" });
    await next.getByLabel("Day").fill(review.day);
    await next.getByLabel("Month").fill(review.month);
    await next.getByLabel("Year").fill(review.year);
    const d1 = page.getByRole("group", { name: "Decision 1" });
    await d1.getByLabel("Decision", { exact: true }).fill(decision);
    await d1.getByLabel("Agency responsible").selectOption({ label: agencyLabel });
    const d1due = d1.getByRole("group", { name: "Due" });
    await d1due.getByLabel("Day").fill(due.day);
    await d1due.getByLabel("Month").fill(due.month);
    await d1due.getByLabel("Year").fill(due.year);
    await page
      .getByRole("group", { name: "Decision 2" })
      .getByLabel("Decision", { exact: true })
      .fill(`${child.split(" ")[0]} remains in the cohort`);
    await page.getByRole("button", { name: "Save minutes" }).click();
    await expect(page.getByTestId("decisions")).toContainText(decision);
    await expect(page.getByTestId("decisions")).toContainText(`action for ${agencyLabel}`);
    return child;
  };
  const first = await minutesFor(
    0,
    "Police updated the panel on the address in Saltmarsh Quay. The school said the child keeps putting herself at risk by going there after school.",
    "Serve a child abduction warning notice on the adult at the Saltmarsh Quay address",
    "Kestershire Constabulary",
  );
  await expect(page.getByText("The language checker found wording to look at again")).toBeVisible();
  await expect(page.getByTestId("language-flag").first()).toContainText("putting herself at risk");
  await expectAccessible(page, "minutes with language flags");
  await shot(page, "94-minutes-with-language-flag");
  await page.getByRole("link", { name: "Back to the agenda" }).click();
  const second = await minutesFor(
    1,
    "Children's services reported that the adults who were contacting the child have been identified. The child has been missing once since the last panel and was found by police.",
    "Update the safety plan with the child and the carers",
    "Kestershire County Council Children's Social Care",
  );
  await expect(page.getByText("Minutes saved. Decisions with an agency are now actions")).toBeVisible();
  await shot(page, "95-minutes-saved");

  // The decisions are actions on the children's plans.
  await page.getByRole("link", { name: "Open the child's tracker page" }).click();
  await expect(
    page.getByTestId("action").filter({ hasText: "Update the safety plan with the child and the carers" }),
  ).toBeVisible();
  await expectAccessible(page, "child follow-up page");
  await shot(page, "96-child-plan");
  expect(first).not.toBe(second);

  // Printable agenda and minutes.
  await page.goto(`/meetings/${plan.upcomingMeetingId}/print`);
  await expect(page.getByTestId("print-item").first()).toContainText(
    "Serve a child abduction warning notice",
  );
  await expectAccessible(page, "printable minutes");
  await page.emulateMedia({ media: "print" });
  await shot(page, "97-minutes-print");
  await page.emulateMedia({ media: "screen" });

  // Export the tracker to Excel: the girls in the cohort (the whole cohort is more children than the
  // e2e server's BULK_EXPORT_CHILDREN, which needs a manager's approval: approvals.spec.ts).
  const sexOf = new Map(county.children.map((c) => [c.id, c.sex]));
  const girls = openEntries.filter((e) => sexOf.get(String(e.child_id)) === "female");
  await page.goto("/tracker?sort=child&dir=asc&sex=female");
  await page.getByText("Export to Excel").first().click();
  await page.getByLabel("Enter your password to confirm").fill(DEMO_PASSWORD);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export to Excel" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^mace-tracker-\d{4}-\d\d-\d\d-\d{4}\.xlsx$/);
  const file = await download.path();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Tracker")!;
  expect(String(ws.getCell("A2").value)).toContain(
    `Exported from Lantern by ${coordinator.name} (${coordinator.agency})`,
  );
  let rows = 0;
  ws.eachRow((r, n) => {
    if (n >= 6) rows++;
    r.eachCell((c) => {
      expect(c.type).not.toBe(ExcelJS.ValueType.Formula);
      if (typeof c.value === "string") expect(c.value).not.toMatch(/^[=+\-@\t\r]/);
    });
  });
  expect(rows).toBe(girls.length);
  expect(rows).toBeGreaterThan(0);
});

test("police officer: missing episode, return, and the 72-hour return interview clock turning overdue", async ({
  page,
}) => {
  test.setTimeout(300_000);
  const officerRow = county.users.find((u) => u.display_name === "Michael Adeyemi")!;
  const now = Date.now();
  // A cohort child with no episode in the last week (so the new one overlaps nothing).
  const entry = plan.cohort_entries.find(
    (e) =>
      e.status === "open" &&
      county.missing_episodes
        .filter((x) => x.child_id === e.child_id)
        .every((x) => x.ended_at && Date.parse(x.ended_at) < now - 7 * 24 * HOUR),
  )!;
  const child = county.children.find((c) => c.id === entry.child_id)!;
  await signIn(page, officerRow.email);
  await page.goto(`/children/${child.id}/tracker`);
  await expect(page.getByTestId("child-follow-up")).toBeVisible();
  await page.getByRole("link", { name: "Record a missing episode" }).click();
  await expectAccessible(page, "record a missing episode");

  const started = wallTimeOf(new Date(now - 4 * 24 * HOUR));
  const when = page.getByRole("group", { name: "When did the child go missing?" });
  await page.getByLabel("Missing from").fill("Foster placement");
  await when.getByLabel("Day").fill(started.day);
  await when.getByLabel("Month").fill(started.month);
  await when.getByLabel("Year").fill(started.year);
  await page.locator("#started-time").fill(started.time);
  await page.getByLabel("Who reported it").fill("Foster carer (Mrs Dale)");
  await page.getByRole("group", { name: "Risk assessed by police (optional)" }).getByLabel("High").check();
  await page.getByLabel("Police reference (optional)").fill("KP-26-009001");
  await page
    .getByLabel("Circumstances (optional)")
    .fill("Went missing after school; seen getting into a grey car driven by an adult male.");
  await page.getByRole("button", { name: "Save episode" }).click();
  await expect(page.getByText("Missing episode recorded.")).toBeVisible();
  await expect(page.getByTestId("rhi-clock")).toHaveText("Missing now");
  await expect(page.getByTestId("episode-ended")).toContainText("Missing now");
  await expectAccessible(page, "episode: missing now");
  await shot(page, "98-missing-now");

  // Bad input: a return before the child went missing is refused with a clear message.
  const before = wallTimeOf(new Date(now - 5 * 24 * HOUR));
  const ret = page.getByRole("group", { name: "When was the child found, or when did they return?" });
  await ret.getByLabel("Day").fill(before.day);
  await ret.getByLabel("Month").fill(before.month);
  await ret.getByLabel("Year").fill(before.year);
  await page.locator("#ended-time").fill(before.time);
  await page.getByRole("button", { name: "Record return" }).click();
  await expect(page.locator(".govuk-error-summary")).toContainText("The episode ends before it starts");
  await expectAccessible(page, "return refused");

  // The return, 72 hours ago less a minute or so: the clock shows "due soon" and then turns overdue.
  const returnAt = Math.ceil((Date.now() - 72 * HOUR + 40_000) / 60_000) * 60_000;
  const back = wallTimeOf(new Date(returnAt));
  const ret2 = page.getByRole("group", { name: "When was the child found, or when did they return?" });
  await ret2.getByLabel("Day").fill(back.day);
  await ret2.getByLabel("Month").fill(back.month);
  await ret2.getByLabel("Year").fill(back.year);
  await page.locator("#ended-time").fill(back.time);
  await page.getByLabel("Where found", { exact: true }).fill("Saltmarsh Quay railway station");
  await page.getByLabel("Found with (optional)").fill("Two adult males not known to the family");
  await page.getByRole("button", { name: "Record return" }).click();
  await expect(
    page.getByText("Return recorded. The 72-hour return-home interview clock has started."),
  ).toBeVisible();
  const clock = page.getByTestId("rhi-clock");
  await expect(clock).toHaveText("Due soon");
  await expect(page.getByTestId("rhi-clock-text")).toContainText("Due in");
  await expectAccessible(page, "episode: clock due soon");
  await shot(page, "99-rhi-clock-due");
  await expect(clock).toHaveText("Overdue", { timeout: 150_000 });
  await expect(page.getByTestId("rhi-clock-text")).toContainText("Overdue by");
  await page.reload();
  await expect(page.getByTestId("rhi-clock")).toHaveText("Overdue");
  await expect(page.getByTestId("rhi-clock-text")).toContainText("the interview should have been offered by");
  await expectAccessible(page, "episode: clock overdue");
  await shot(page, "100-rhi-clock-overdue");

  await page.goto("/missing");
  await expect(page.getByTestId("rhi-due")).toContainText(`${child.given_name} ${child.family_name}`);
  await expectAccessible(page, "missing now and return interviews");
  await shot(page, "101-missing-board");
});
