// Deadlines on real dates: weekends, Christmas and Easter bank holidays (England & Wales), the
// clock changes in Europe/London, and the edges (received out of hours, ending at close of day).
import { describe, expect, it } from "vitest";
import {
  ALWAYS,
  addWorkingDays,
  addWorkingMinutes,
  BANK_HOLIDAY_YEARS,
  deadlineAfter,
  describeMinutes,
  EW_BANK_HOLIDAYS,
  isBankHoliday,
  isWorkingDay,
  OFFICE_HOURS,
  workingMinutesBetween,
} from "./working-time.ts";

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
const HOUR = 3_600_000;

describe("bank holiday data", () => {
  it("covers 2024–2028 with eight holidays a year, in order, each on a weekday", () => {
    for (let y = BANK_HOLIDAY_YEARS.first; y <= BANK_HOLIDAY_YEARS.last; y++) {
      expect(EW_BANK_HOLIDAYS.filter((h) => h.date.startsWith(`${y}-`))).toHaveLength(8);
    }
    const dates = EW_BANK_HOLIDAYS.map((h) => h.date);
    expect([...dates].sort()).toEqual(dates);
    for (const d of dates) expect([0, 6]).not.toContain(new Date(`${d}T12:00:00Z`).getUTCDay());
  });

  it("Good Friday is two days before Easter Sunday (computed independently) every year", () => {
    // Anonymous Gregorian algorithm (Meeus/Jones/Butcher) for Easter Sunday.
    const easter = (y: number) => {
      const a = y % 19;
      const b = Math.floor(y / 100);
      const c = y % 100;
      const d = Math.floor(b / 4);
      const e = b % 4;
      const f = Math.floor((b + 8) / 25);
      const g = Math.floor((b - f + 1) / 3);
      const h = (19 * a + b - d - g + 15) % 30;
      const i = Math.floor(c / 4);
      const k = c % 4;
      const l = (32 + 2 * e + 2 * i - h - k) % 7;
      const m = Math.floor((a + 11 * h + 22 * l) / 451);
      const month = Math.floor((h + l - 7 * m + 114) / 31);
      const day = ((h + l - 7 * m + 114) % 31) + 1;
      return Date.UTC(y, month - 1, day);
    };
    for (let y = 2024; y <= 2028; y++) {
      const sunday = easter(y);
      expect(isBankHoliday(new Date(sunday - 2 * 86_400_000).toISOString().slice(0, 10))).toBe("Good Friday");
      expect(isBankHoliday(new Date(sunday + 86_400_000).toISOString().slice(0, 10))).toBe("Easter Monday");
    }
  });

  it("knows substitute days when Christmas falls at a weekend", () => {
    expect(isWorkingDay("2026-12-28")).toBe(false); // Boxing Day 2026 is a Saturday
    expect(isWorkingDay("2027-12-27")).toBe(false);
    expect(isWorkingDay("2027-12-28")).toBe(false);
    expect(isWorkingDay("2028-01-03")).toBe(false);
    expect(isWorkingDay("2026-12-29")).toBe(true);
  });
});

describe("deadlines across a weekend", () => {
  it("4 working hours from Friday 15:00 ends Monday 11:00", () => {
    expect(iso(addWorkingMinutes(at("2026-11-06T15:00:00Z"), 4 * 60))).toBe("2026-11-09T11:00:00.000Z");
  });
  it("1 working day from Friday 15:00 is Monday 15:00", () => {
    expect(iso(addWorkingDays(at("2026-11-06T15:00:00Z"), 1))).toBe("2026-11-09T15:00:00.000Z");
  });
  it("a referral received on Saturday starts its clock on Monday at 09:00 and ends at close of day", () => {
    expect(iso(addWorkingDays(at("2026-11-07T10:00:00Z"), 1))).toBe("2026-11-09T17:00:00.000Z");
    expect(iso(addWorkingMinutes(at("2026-11-07T10:00:00Z"), 0))).toBe("2026-11-09T09:00:00.000Z");
  });
  it("running out exactly at close of day gives 17:00, not the next morning", () => {
    expect(iso(addWorkingMinutes(at("2026-11-09T09:00:00Z"), 8 * 60))).toBe("2026-11-09T17:00:00.000Z");
  });
  it("counts working minutes between Friday afternoon and Monday morning", () => {
    expect(workingMinutesBetween(at("2026-11-06T15:00:00Z"), at("2026-11-09T11:00:00Z"))).toBe(240);
    expect(workingMinutesBetween(at("2026-11-09T11:00:00Z"), at("2026-11-06T15:00:00Z"))).toBe(-240);
  });
});

describe("deadlines across Christmas and New Year bank holidays", () => {
  it("3 working days from Christmas Eve 2026 skip Christmas, the weekend and the Boxing Day substitute", () => {
    // Thu 24 Dec 14:00 → (Fri 25 BH, Sat, Sun, Mon 28 substitute) → Tue 29, Wed 30, Thu 31 14:00.
    expect(iso(addWorkingDays(at("2026-12-24T14:00:00Z"), 3))).toBe("2026-12-31T14:00:00.000Z");
  });
  it("5 working days from Christmas Eve 2026 also skip New Year's Day 2027", () => {
    expect(iso(addWorkingDays(at("2026-12-24T14:00:00Z"), 5))).toBe("2027-01-05T14:00:00.000Z");
  });
  it("1 working day from Friday 24 December 2027 is Wednesday 29 December (two substitute days)", () => {
    expect(iso(addWorkingDays(at("2027-12-24T10:00:00Z"), 1))).toBe("2027-12-29T10:00:00.000Z");
  });
  it("a council's extra closure days are skipped too", () => {
    const closed = { ...OFFICE_HOURS, closedDates: ["2026-12-29", "2026-12-30", "2026-12-31"] };
    expect(iso(addWorkingDays(at("2026-12-24T14:00:00Z"), 1, closed))).toBe("2027-01-04T14:00:00.000Z");
  });
});

describe("deadlines across Easter bank holidays", () => {
  it("4 working hours from Maundy Thursday 2026 16:00 BST end on Tuesday 12:00 BST", () => {
    // Thu 2 Apr 16:00 BST = 15:00Z; 1 h that day, then Good Friday, weekend, Easter Monday; Tue 7 Apr 09:00 + 3 h.
    expect(iso(addWorkingMinutes(at("2026-04-02T15:00:00Z"), 4 * 60))).toBe("2026-04-07T11:00:00.000Z");
  });
  it("1 working day from Thursday 17 April 2025 11:00 BST is Tuesday 22 April 11:00 BST", () => {
    expect(iso(addWorkingDays(at("2025-04-17T10:00:00Z"), 1))).toBe("2025-04-22T10:00:00.000Z");
  });
  it("Easter 2024 straddles the clock change: Thursday 28 March GMT → Tuesday 2 April BST", () => {
    // Thu 28 Mar 2024 14:00 GMT; Good Friday 29, clocks go forward Sun 31, Easter Monday 1 Apr.
    expect(iso(addWorkingDays(at("2024-03-28T14:00:00Z"), 1))).toBe("2024-04-02T13:00:00.000Z");
  });
});

describe("deadlines across the clock change (Europe/London)", () => {
  it("spring forward: Friday 15:00 GMT + 4 working hours = Monday 11:00 BST (67 hours later, not 68)", () => {
    const from = at("2026-03-27T15:00:00Z");
    const due = addWorkingMinutes(from, 4 * 60);
    expect(iso(due)).toBe("2026-03-30T10:00:00.000Z");
    expect((due.getTime() - from.getTime()) / HOUR).toBe(67);
  });
  it("fall back: Friday 16:00 BST + 1 working day = Monday 16:00 GMT (73 hours later)", () => {
    const from = at("2026-10-23T15:00:00Z");
    const due = addWorkingDays(from, 1);
    expect(iso(due)).toBe("2026-10-26T16:00:00.000Z");
    expect((due.getTime() - from.getTime()) / HOUR).toBe(73);
    expect(workingMinutesBetween(from, due)).toBe(8 * 60);
  });
  it("plain clock hours count elapsed time across the missing hour", () => {
    // Sat 28 Mar 2026 23:30 GMT + 4 h = 03:30Z = 04:30 BST on Sunday.
    expect(iso(deadlineAfter(at("2026-03-28T23:30:00Z"), { amount: 4, unit: "hours" }))).toBe(
      "2026-03-29T03:30:00.000Z",
    );
  });
  it("round-the-clock hours: the spring Sunday has 23 hours, the autumn Sunday 25", () => {
    expect(workingMinutesBetween(at("2026-03-29T00:00:00Z"), at("2026-03-29T23:00:00Z"), ALWAYS)).toBe(
      23 * 60,
    );
    expect(workingMinutesBetween(at("2026-10-24T23:00:00Z"), at("2026-10-26T00:00:00Z"), ALWAYS)).toBe(
      25 * 60,
    );
    expect(iso(addWorkingMinutes(at("2026-03-28T12:00:00Z"), 24 * 60, ALWAYS))).toBe(
      "2026-03-29T12:00:00.000Z",
    );
  });
  it("office hours mean 09:00 local on both sides of the change", () => {
    expect(iso(addWorkingMinutes(at("2026-03-28T12:00:00Z"), 0))).toBe("2026-03-30T08:00:00.000Z");
    expect(iso(addWorkingMinutes(at("2026-10-24T12:00:00Z"), 0))).toBe("2026-10-26T09:00:00.000Z");
  });
});

describe("rules and wording", () => {
  it("deadlineAfter follows the rule's unit", () => {
    const from = at("2026-11-09T10:00:00Z");
    expect(iso(deadlineAfter(from, { amount: 4, unit: "working_hours" }))).toBe("2026-11-09T14:00:00.000Z");
    expect(iso(deadlineAfter(from, { amount: 3, unit: "working_days" }))).toBe("2026-11-12T10:00:00.000Z");
  });
  it("refuses hours that cannot work", () => {
    expect(() => addWorkingMinutes(new Date(), 60, { start: "17:00", end: "09:00", days: [1] })).toThrow();
    expect(() => addWorkingMinutes(new Date(), 60, { start: "9am", end: "17:00", days: [1] })).toThrow();
    expect(() => addWorkingMinutes(new Date(), 60, { start: "09:00", end: "17:00", days: [] })).toThrow();
  });
  it("describes time left in working days and hours", () => {
    expect(describeMinutes(480 + 150, 480)).toBe("1 working day 2 hours");
    expect(describeMinutes(45, 480)).toBe("45 minutes");
    expect(describeMinutes(-125, 480)).toBe("2 working hours 5 minutes");
    expect(describeMinutes(90, null, false)).toBe("1 hour 30 minutes");
  });
});
