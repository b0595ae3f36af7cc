import { convertMoney, formatDecimal, parseMoney } from "./money.ts";

/** Money in micro units (app/analytics/money.ts). */
type Fixed = bigint;

/**
 * The sales report from daily sums: one row per channel and currency in that currency, and
 * a total in the shop's currency converted day by day. Amounts of a day without a usable
 * exchange rate are left out of the total and listed as unconverted, never guessed.
 */
export interface ReportDay {
  channel: string;
  currency: string;
  day: string;
  orders: number;
  units: number;
  grossSales: string;
  discounts: string;
  returns: string;
  netSales: string;
  shipping: string;
  taxes: string;
  fees: string;
  cogs: string;
  /** Rate from `currency` to the shop's currency on that day; null when there is none. */
  rate: string | null;
}

const SUMMED = ["grossSales", "discounts", "returns", "netSales", "shipping", "taxes", "fees", "cogs"] as const;
type Summed = (typeof SUMMED)[number];

interface Accumulator {
  orders: number;
  units: number;
  money: Record<Summed, Fixed>;
}

const empty = (): Accumulator => ({
  orders: 0,
  units: 0,
  money: Object.fromEntries(SUMMED.map((key) => [key, 0n])) as Record<Summed, Fixed>,
});

function finish(acc: Accumulator) {
  const money = Object.fromEntries(SUMMED.map((key) => [key, formatDecimal(acc.money[key], 2)])) as Record<
    Summed,
    string
  >;
  const contributionProfit = formatDecimal(acc.money.netSales - acc.money.fees - acc.money.cogs, 2);
  return {
    orders: acc.orders,
    units: acc.units,
    grossSales: money.grossSales,
    discounts: money.discounts,
    returns: money.returns,
    netSales: money.netSales,
    shipping: money.shipping,
    taxes: money.taxes,
    fees: money.fees,
    cogs: money.cogs,
    contributionProfit,
  };
}

export function buildSalesReport(
  header: { shop: string; timezone: string; currency: string; from: string; to: string },
  days: readonly ReportDay[],
) {
  const channels = new Map<string, Accumulator & { channel: string; currency: string }>();
  const total = empty();
  const unconverted = new Map<
    string,
    { channel: string; currency: string; missingRateDays: string[]; netSales: Fixed }
  >();

  for (const day of days) {
    const key = `${day.channel}\u0000${day.currency}`;
    let row = channels.get(key);
    if (!row) {
      row = { ...empty(), channel: day.channel, currency: day.currency };
      channels.set(key, row);
    }
    row.orders += day.orders;
    row.units += day.units;
    total.orders += day.orders;
    total.units += day.units;
    const amounts = Object.fromEntries(SUMMED.map((metric) => [metric, parseMoney(day[metric])])) as Record<
      Summed,
      Fixed
    >;
    for (const metric of SUMMED) row.money[metric] = row.money[metric] + amounts[metric];

    if (day.rate === null) {
      const missing = unconverted.get(key) ?? {
        channel: day.channel,
        currency: day.currency,
        missingRateDays: [],
        netSales: 0n,
      };
      missing.missingRateDays.push(day.day);
      missing.netSales += amounts.netSales;
      unconverted.set(key, missing);
      continue;
    }
    for (const metric of SUMMED) total.money[metric] += convertMoney(amounts[metric], day.rate);
  }

  const byChannel = (a: { channel: string; currency: string }, b: { channel: string; currency: string }) =>
    a.channel.localeCompare(b.channel) || a.currency.localeCompare(b.currency);
  return {
    ...header,
    channels: [...channels.values()].sort(byChannel).map((row) => ({
      channel: row.channel,
      currency: row.currency,
      ...finish(row),
    })),
    total: {
      currency: header.currency,
      ...finish(total),
      unconverted: [...unconverted.values()].sort(byChannel).map((entry) => ({
        channel: entry.channel,
        currency: entry.currency,
        missingRateDays: entry.missingRateDays,
        netSales: formatDecimal(entry.netSales, 2),
      })),
    },
  };
}
