/** Number formats shared by the pages: fixed locale, so server and browser render the same text. */
const LOCALE = "en-US";
const moneyFormats = new Map<string, Intl.NumberFormat>();

/** A decimal string amount in a currency, e.g. "1234.5" USD → "$1,234.50". */
export function formatMoney(amount: string | number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE, { style: "currency", currency, currencyDisplay: "narrowSymbol" });
    moneyFormats.set(currency, format);
  }
  return format.format(typeof amount === "number" ? amount : Number(amount));
}

const countFormat = new Intl.NumberFormat(LOCALE);

export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** A share 0..1 as a whole percentage. */
export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** A "YYYY-MM-DD" day as "Jan 5" (the day itself, whatever the viewer's time zone). */
export function formatShortDay(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString(LOCALE, { month: "short", day: "numeric", timeZone: "UTC" });
}

/** A share 0..1 with one decimal, e.g. "12.3%"; "—" when there is none. */
export function formatPercent1(share: number | null): string {
  return share === null ? "—" : `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}
