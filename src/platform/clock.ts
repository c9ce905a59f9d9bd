// All clocks are Europe/London. Time comes from a Clock so tests can move it.
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";

export const LONDON = "Europe/London";

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance. */
export class TestClock implements Clock {
  constructor(private t: Date = new Date()) {}
  now(): Date {
    return new Date(this.t);
  }
  set(d: Date): void {
    this.t = new Date(d);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

export const inLondon = (d: Date): TZDate => new TZDate(d, LONDON);
/** "25 November 2026, 14:05" in London time. */
export const formatLondon = (d: Date, pattern = "d MMMM yyyy, HH:mm"): string => format(inLondon(d), pattern);
/** The London calendar date (yyyy-MM-dd) of an instant. */
export const londonDate = (d: Date): string => format(inLondon(d), "yyyy-MM-dd");
