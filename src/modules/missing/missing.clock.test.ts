// The 72-hour return-home interview clock and London times, across both clock changes of 2026
// (forward at 01:00 GMT on 29 March; back at 02:00 BST on 25 October).
import { describe, expect, it } from "vitest";
import { formatLondon } from "../../platform/clock.ts";
import {
  addDays,
  HOUR_MS,
  humanDuration,
  londonInstant,
  missingPattern,
  overlaps,
  parseTimeOfDay,
  rhiClock,
  rhiDueAt,
  wallTimeOf,
} from "./missing.clock.ts";

const returned = (endedAt: Date) => ({
  kind: "missing" as const,
  endedAt,
  offeredAt: null,
  completedAt: null,
  declinedAt: null,
  outcome: null,
});

describe("London wall-clock times", () => {
  it("reads GMT and BST times to the right instant", () => {
    const winter = londonInstant({ year: 2026, month: 1, day: 15, hour: 21, minute: 5 });
    const summer = londonInstant({ year: 2026, month: 7, day: 15, hour: 21, minute: 5 });
    expect(winter.ok && winter.at.toISOString()).toBe("2026-01-15T21:05:00.000Z");
    expect(summer.ok && summer.at.toISOString()).toBe("2026-07-15T20:05:00.000Z");
  });

  it("refuses a time in the hour that does not exist when the clocks go forward", () => {
    expect(londonInstant({ year: 2026, month: 3, day: 29, hour: 1, minute: 30 })).toEqual({
      ok: false,
      reason: "not_a_time_in_london",
    });
    const before = londonInstant({ year: 2026, month: 3, day: 29, hour: 0, minute: 59 });
    const after = londonInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 0 });
    expect(before.ok && before.at.toISOString()).toBe("2026-03-29T00:59:00.000Z");
    expect(after.ok && after.at.toISOString()).toBe("2026-03-29T01:00:00.000Z");
  });

  it("takes the first (BST) of the hour that happens twice when the clocks go back, and says so", () => {
    const r = londonInstant({ year: 2026, month: 10, day: 25, hour: 1, minute: 30 });
    expect(r).toEqual({ ok: true, at: new Date("2026-10-25T00:30:00.000Z"), ambiguous: true });
    const later = londonInstant({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 });
    expect(later).toEqual({ ok: true, at: new Date("2026-10-25T02:30:00.000Z"), ambiguous: false });
  });

  it("refuses impossible dates and times", () => {
    expect(londonInstant({ year: 2026, month: 2, day: 30, hour: 1, minute: 0 }).ok).toBe(false);
    expect(londonInstant({ year: 2026, month: 13, day: 1, hour: 1, minute: 0 }).ok).toBe(false);
    expect(londonInstant({ year: 2026, month: 1, day: 1, hour: 24, minute: 0 }).ok).toBe(false);
  });

  it("parses times people type", () => {
    expect(parseTimeOfDay("21:05")).toEqual({ hour: 21, minute: 5 });
    expect(parseTimeOfDay("9.05pm")).toEqual({ hour: 21, minute: 5 });
    expect(parseTimeOfDay("12am")).toEqual({ hour: 0, minute: 0 });
    expect(parseTimeOfDay("12:30pm")).toEqual({ hour: 12, minute: 30 });
    expect(parseTimeOfDay("25:00")).toBeNull();
    expect(parseTimeOfDay("9")).toBeNull();
    expect(parseTimeOfDay("")).toBeNull();
  });

  it("gives the London wall time of an instant for a form", () => {
    expect(wallTimeOf(new Date("2026-10-25T00:30:00Z"))).toEqual({
      day: "25",
      month: "10",
      year: "2026",
      time: "01:30",
    });
  });
});

describe("the 72-hour return-home interview clock", () => {
  it("runs 72 elapsed hours across the March change: due an hour later on the wall clock", () => {
    const back = londonInstant({ year: 2026, month: 3, day: 28, hour: 10, minute: 0 });
    if (!back.ok) throw new Error("bad time");
    const due = rhiDueAt(back.at);
    expect(due.toISOString()).toBe("2026-03-31T10:00:00.000Z");
    expect(formatLondon(due)).toBe("31 March 2026, 11:00");
    expect(due.getTime() - back.at.getTime()).toBe(72 * HOUR_MS);
  });

  it("runs 72 elapsed hours across the October change: due an hour earlier on the wall clock", () => {
    const back = londonInstant({ year: 2026, month: 10, day: 24, hour: 10, minute: 0 });
    if (!back.ok) throw new Error("bad time");
    expect(back.at.toISOString()).toBe("2026-10-24T09:00:00.000Z");
    const due = rhiDueAt(back.at);
    expect(formatLondon(due)).toBe("27 October 2026, 09:00");
  });

  it("turns from due to due soon to overdue as time passes", () => {
    const back = new Date("2026-10-24T09:00:00Z");
    const due = rhiDueAt(back);
    expect(rhiClock(returned(back), new Date(back.getTime() + HOUR_MS)).state).toBe("due");
    const soon = rhiClock(returned(back), new Date(due.getTime() - 60_000));
    expect(soon.state).toBe("due_soon");
    expect(soon.text).toBe("Due in 1 minute: offer the interview by 27 October 2026, 09:00.");
    const late = rhiClock(returned(back), new Date(due.getTime() + 5 * HOUR_MS + 60_000));
    expect(late.state).toBe("overdue");
    expect(late.tag).toBe("Overdue");
    expect(late.text).toContain("Overdue by 5 hours 1 minute");
    expect(late.remainingMs).toBeLessThan(0);
  });

  it("stops when an interview is offered, in time or late", () => {
    const back = new Date("2026-03-28T10:00:00Z");
    const inTime = rhiClock(
      {
        ...returned(back),
        offeredAt: new Date("2026-03-30T10:00:00Z"),
        completedAt: new Date("2026-03-31T09:00:00Z"),
        outcome: "completed",
      },
      new Date("2026-06-01T00:00:00Z"),
    );
    expect(inTime.state).toBe("offered_in_time");
    expect(inTime.text).toMatch(/^Interview completed: offered 2 days after the return \(within 72 hours/);
    const late = rhiClock(
      { ...returned(back), declinedAt: new Date("2026-04-01T10:00:00Z"), outcome: "declined" },
      new Date("2026-06-01T00:00:00Z"),
    );
    expect(late.state).toBe("offered_late");
    expect(late.tag).toBe("Offered late");
  });

  it("an episode with no end is missing now, with no clock yet; an absence needs no interview", () => {
    const open = rhiClock(returned(null as unknown as Date), new Date());
    expect(open.state).toBe("missing_now");
    expect(open.tag).toBe("Missing now");
    expect(open.dueAt).toBeNull();
    expect(
      rhiClock({ ...returned(new Date("2026-01-01T00:00:00Z")), kind: "absent" }, new Date()).state,
    ).toBe("not_required");
  });
});

describe("patterns and overlaps", () => {
  const now = new Date("2026-11-25T12:00:00Z");
  const ep = (
    start: string,
    hours: number | null,
    found: string | null = null,
    withWhom: string | null = null,
  ) => ({
    startedAt: new Date(start),
    endedAt: hours === null ? null : new Date(new Date(start).getTime() + hours * HOUR_MS),
    kind: "missing" as const,
    foundLocation: found,
    foundWith: withWhom,
    missingFrom: "Children's home",
  });

  it("an open episode makes the child missing now; counts, durations and places are summarised", () => {
    const p = missingPattern(
      [
        ep("2026-11-25T08:00:00Z", null),
        ep("2026-11-01T20:00:00Z", 6, "Kesterbridge bus station"),
        ep("2026-10-10T21:00:00Z", 10, "Kesterbridge bus station", "Adult males"),
        ep("2026-03-01T12:00:00Z", 2, "Home"),
        ep("2025-01-01T12:00:00Z", 30, null),
      ],
      now,
    );
    expect(p.missingNow).toBe(true);
    expect(p.total).toBe(5);
    expect(p.last90Days).toBe(3);
    expect(p.last12Months).toBe(4);
    expect(p.medianMs).toBe(8 * HOUR_MS);
    expect(p.longestMs).toBe(30 * HOUR_MS);
    expect(p.foundAt[0]).toEqual({ place: "Kesterbridge bus station", count: 2 });
    expect(p.atNight).toBe(2);
    expect(p.summary).toMatch(/^Missing now\. 5 missing episodes recorded, 3 in the last 90 days/);
    expect(missingPattern([], now).summary).toBe("No missing episodes recorded.");
  });

  it("episodes overlap when their times intersect; an open episode runs on", () => {
    const a = ep("2026-11-01T20:00:00Z", 6);
    expect(overlaps(a, ep("2026-11-02T01:00:00Z", 1))).toBe(true);
    expect(overlaps(a, ep("2026-11-02T02:00:00Z", 1))).toBe(false); // touching is not overlapping
    expect(overlaps(ep("2026-10-01T00:00:00Z", null), a)).toBe(true);
    expect(overlaps(ep("2026-11-05T00:00:00Z", null), a)).toBe(false);
  });

  it("says durations in words", () => {
    expect(humanDuration(30_000)).toBe("less than a minute");
    expect(humanDuration(61 * 60_000)).toBe("1 hour 1 minute");
    expect(humanDuration(50 * HOUR_MS)).toBe("2 days 2 hours");
    expect(addDays("2026-03-28", 3)).toBe("2026-03-31");
  });
});
