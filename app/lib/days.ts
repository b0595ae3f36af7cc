/** Days are "YYYY-MM-DD" in the shop's IANA time zone; instants are UTC. */

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
