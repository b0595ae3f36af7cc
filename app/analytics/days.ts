/** Calendar helpers on "YYYY-MM-DD" shop-local days (no time zones here: the caller already chose the shop's day). */

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Days since 1970-01-01 of a "YYYY-MM-DD" day. */
export function dayNumber(day: string): number {
  if (!DAY_PATTERN.test(day)) throw new RangeError(`"${day}" is not a YYYY-MM-DD day`);
  const parsed = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(parsed)) throw new RangeError(`"${day}" is not a calendar day`);
  return Math.round(parsed / DAY_MS);
}

/** "YYYY-MM-DD" of a day number. */
export function dayOf(number: number): string {
  return new Date(number * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(day: string, count: number): string {
  return dayOf(dayNumber(day) + count);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** 0 = Monday ... 6 = Sunday. */
export function weekday(day: string): number {
  return (new Date(dayNumber(day) * DAY_MS).getUTCDay() + 6) % 7;
}

/** A run of consecutive days: `values[i]` belongs to `start + i`. */
export interface DailySeries {
  start: string;
  values: readonly number[];
}

/**
 * Lays dated points onto consecutive days from `from` to `to` (inclusive), filling
 * missing days with 0 because a day without sales is a day that sold nothing.
 * Points on the same day are added; points outside the range are ignored.
 */
export function toDailySeries(
  points: ReadonlyArray<{ day: string; value: number }>,
  range?: { from: string; to: string },
): DailySeries {
  if (points.length === 0 && !range) return { start: "1970-01-01", values: [] };
  const days = points.map((point) => dayNumber(point.day));
  const first = range ? dayNumber(range.from) : Math.min(...days);
  const last = range ? dayNumber(range.to) : Math.max(...days);
  const values = new Array<number>(Math.max(0, last - first + 1)).fill(0);
  points.forEach((point, index) => {
    const offset = (days[index] as number) - first;
    if (offset >= 0 && offset < values.length) values[offset] = (values[offset] as number) + point.value;
  });
  return { start: dayOf(first), values };
}

/** Days of instants: "YYYY-MM-DD" in the shop's IANA time zone; instants are UTC. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The shop-local day an instant falls on. */
export function localDay(instant: Date | string, timeZone: string): string {
  return formatter(timeZone).format(typeof instant === "string" ? new Date(instant) : instant);
}
