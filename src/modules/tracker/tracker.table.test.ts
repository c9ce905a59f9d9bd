// The spreadsheet view's rules: server-side sorting (stable, nulls last, first click per column),
// header links with aria-sort, filters, and the agenda proposal built from the same rows.
import { describe, expect, it } from "vitest";
import { proposeAgenda } from "./agenda.ts";
import { filterRows, headers, sortRows, type TrackerRow, trackerQuery } from "./tracker.table.ts";

let n = 0;
const row = (over: Partial<TrackerRow>): TrackerRow => ({
  entryId: `e${++n}`,
  childId: `c${n}`,
  reference: `CH-${String(n).padStart(6, "0")}`,
  name: `Child ${n}`,
  dateOfBirth: "2011-01-01",
  age: 15,
  sex: "female",
  send: "none",
  lookedAfter: false,
  outOfArea: false,
  concerns: ["cse"],
  riskLevel: "medium",
  riskTrend: "stable",
  leadAgencyId: "a",
  leadAgency: "Police",
  leadProfessional: null,
  lastReviewOn: null,
  nextReviewOn: "2026-12-01",
  reviewOverdue: false,
  openActions: 0,
  overdueActions: 0,
  escalatedActions: 0,
  missing90: 0,
  missingNow: false,
  rhiOverdue: 0,
  rhiDue: 0,
  lastMissingAt: null,
  addedAt: new Date("2026-01-01T00:00:00Z"),
  source: "direct",
  version: 1,
  ...over,
});

const rows = [
  row({ name: "Bea", riskLevel: "low", lastReviewOn: "2026-10-01", missing90: 2 }),
  row({ name: "Ali", riskLevel: "high", lastReviewOn: null, missingNow: true }),
  row({
    name: "Cal",
    riskLevel: "high",
    nextReviewOn: "2026-11-20",
    reviewOverdue: true,
    lookedAfter: true,
    lastReviewOn: "2026-11-01",
  }),
];

describe("sorting", () => {
  it("defaults to highest risk, then the soonest review", () => {
    expect(sortRows(rows).map((r) => r.name)).toEqual(["Cal", "Ali", "Bea"]);
  });
  it("sorts a column each way, keeping empty values last", () => {
    expect(sortRows(rows, "lastReview", "desc").map((r) => r.name)).toEqual(["Cal", "Bea", "Ali"]);
    expect(sortRows(rows, "lastReview", "asc").map((r) => r.name)).toEqual(["Bea", "Cal", "Ali"]);
    expect(sortRows(rows, "missing").map((r) => r.name)).toEqual(["Ali", "Bea", "Cal"]);
    expect(sortRows(rows, "child", "asc").map((r) => r.name)).toEqual(["Ali", "Bea", "Cal"]);
  });
  it("header links toggle direction and mark the sorted column with aria-sort", () => {
    const q = trackerQuery.parse({ sort: "risk", dir: "desc", flag: "looked_after" });
    const h = headers(q, new URLSearchParams("flag=looked_after"));
    const risk = h.find((x) => x.key === "risk")!;
    expect(risk.ariaSort).toBe("descending");
    expect(risk.href).toBe("/tracker?flag=looked_after&sort=risk&dir=asc");
    expect(h.find((x) => x.key === "child")!).toMatchObject({
      ariaSort: "none",
      href: "/tracker?flag=looked_after&sort=child&dir=asc",
    });
  });
});

describe("filters", () => {
  it("combines filters, and ignores values it does not know", () => {
    const q = trackerQuery.parse({
      risk: "high",
      flag: ["looked_after", "nonsense"],
      sort: "bogus",
      lead: "not-a-uuid",
    });
    expect(q.flag).toEqual(["looked_after"]);
    expect(q.sort).toBeUndefined();
    expect(q.lead).toBeUndefined();
    expect(filterRows(rows, q).map((r) => r.name)).toEqual(["Cal"]);
    expect(filterRows(rows, trackerQuery.parse({ q: "ch-0000" })).length).toBe(3);
    expect(filterRows(rows, trackerQuery.parse({ flag: "missing_now" })).map((r) => r.name)).toEqual(["Ali"]);
  });
});

describe("the agenda proposal", () => {
  it("puts escalations first, then new entries, then reviews due by the meeting", () => {
    const since = new Date("2026-11-01T10:00:00Z");
    const proposed = proposeAgenda(
      [
        row({ entryId: "r", name: "Review", nextReviewOn: "2026-12-02" }),
        row({
          entryId: "n",
          name: "New",
          addedAt: new Date("2026-11-10T00:00:00Z"),
          nextReviewOn: "2027-01-10",
        }),
        row({
          entryId: "x",
          name: "Escalated",
          escalatedActions: 1,
          overdueActions: 1,
          nextReviewOn: "2027-01-10",
        }),
        row({ entryId: "q", name: "Quiet", nextReviewOn: "2027-02-01" }),
      ],
      { meetingDate: "2026-12-03", since, discussed: new Set(["r", "x", "q"]) },
    );
    expect(proposed.map((p) => [p.name, p.reasons])).toEqual([
      ["Escalated", ["escalation"]],
      ["New", ["new_entry"]],
      ["Review", ["review_due"]],
    ]);
    expect(proposed[0].detail[0]).toBe("1 action escalated to the panel");
  });
  it("leaves off children who are not due, new or escalated", () => {
    const proposed = proposeAgenda([row({ name: "Quiet", nextReviewOn: "2027-02-01", entryId: "done" })], {
      meetingDate: "2026-12-03",
      since: new Date("2026-11-01T10:00:00Z"),
      discussed: new Set(["done"]),
    });
    expect(proposed).toEqual([]);
  });
});
