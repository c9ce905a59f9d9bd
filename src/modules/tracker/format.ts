// Display formatting for the tracker's pages: compact London dates, tags with text.
import { formatLondon } from "../../platform/clock.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-12-01" → "1 Dec 2026" (a calendar date: no time zone involved). */
export function shortDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** An instant as a London date, "1 Dec 2026". */
export const shortDay = (d: Date | null | undefined): string => (d ? formatLondon(d, "d MMM yyyy") : "");

/** An instant as London date and time, "1 Dec 2026, 21:05". */
export const shortDateTime = (d: Date | null | undefined): string =>
  d ? formatLondon(d, "d MMM yyyy, HH:mm") : "";
