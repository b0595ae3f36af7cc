import type { Shop } from "@prisma/client";

import { buildSalesReport } from "#app/analytics/report.ts";
import { addDays, daysBetween } from "#app/analytics/days.ts";
import prisma from "#app/db.server.ts";
import { localDay } from "#app/lib/days.ts";
import { loadReportRows, toReportDay, type MetricsRow } from "#app/services/report.server.ts";
import { InputError, parseDay } from "#app/services/validation.server.ts";

/** What the overview page shows of a shop: its settings, connected channels, and how imported orders count. */
export async function shopOverview(shop: Shop) {
  const connections = await prisma.channelConnection.findMany({
    where: { shopId: shop.id },
    select: { id: true, channel: true, displayName: true, status: true },
    orderBy: { createdAt: "asc" },
  });
  const imported = await prisma.order.groupBy({
    by: ["importedFrom"],
    where: { shopId: shop.id, channel: "shopify", importedFrom: { not: null } },
    _count: { _all: true },
  });
  const connected = new Set(connections.map((connection) => connection.channel as string));
  return {
    shop: { domain: shop.domain, name: shop.name ?? shop.domain, currency: shop.currency, timezone: shop.timezone },
    connections,
    // Shopify copies of marketplace orders (Marketplace Connect): counted once, under the marketplace when it is connected.
    marketplaceImports: imported
      .map((group) => ({
        marketplace: group.importedFrom as string,
        orders: group._count._all,
        countedUnder: connected.has(group.importedFrom as string) ? (group.importedFrom as string) : "shopify",
      }))
      .sort((a, b) => a.marketplace.localeCompare(b.marketplace)),
  };
}

/** Days the overview's channel table covers, ending today in the shop's time zone. */
export const OVERVIEW_RANGE_DAYS = 30;

export interface ChannelSummary {
  channel: string;
  /** The channel's figures in the shop's currency, converted day by day (days without a rate left out). */
  converted: MetricsRow;
  /** The same figures in each currency they were recorded in, as `npm run cli -- report` prints them. */
  native: Array<MetricsRow & { currency: string }>;
  /** Net sales of days without an exchange rate into the shop's currency, per currency. */
  unconverted: Array<{ currency: string; missingRateDays: number; netSales: string }>;
}

/** The last `days` days up to today in the shop's time zone. */
export function lastDays(timezone: string, now: Date = new Date(), days = OVERVIEW_RANGE_DAYS) {
  const to = localDay(now, timezone);
  return { from: addDays(to, -(days - 1)), to };
}

export const MAX_RANGE_DAYS = 366;

/** `?from=&to=` (shop-local days, inclusive), or the last 30 days; a bad range says why. */
export function overviewRange(from: string | null, to: string | null, timezone: string, now = new Date()) {
  const fallback = lastDays(timezone, now);
  if (from === null && to === null) return { range: fallback, rangeError: null };
  try {
    const range = { from: parseDay(from ?? fallback.from, "from"), to: parseDay(to ?? fallback.to, "to") };
    if (range.from > range.to) throw new InputError("from", `from (${range.from}) is after to (${range.to}).`);
    if (daysBetween(range.from, range.to) >= MAX_RANGE_DAYS) {
      throw new InputError("from", `A range can span at most ${MAX_RANGE_DAYS} days.`);
    }
    return { range, rangeError: null };
  } catch (error) {
    if (error instanceof InputError)
      return { range: fallback, rangeError: `${error.message} Showing the last 30 days.` };
    throw error;
  }
}

/**
 * Sales by channel over a range of days in the shop's currency: the same rows and the same
 * conversion as the `report` command, so the page and the command agree to the cent.
 */
export async function channelSummary(
  shop: Pick<Shop, "id" | "domain" | "timezone" | "currency">,
  range: { from: string; to: string } = lastDays(shop.timezone),
) {
  const { from, to } = range;
  const rows = (await loadReportRows(shop.id, from, to)).map(toReportDay);
  const header = { shop: shop.domain, timezone: shop.timezone, currency: shop.currency, from, to };
  const report = buildSalesReport(header, rows);
  const names = [...new Set(report.channels.map((row) => row.channel))];
  const channels: ChannelSummary[] = names.map((channel) => {
    const own = buildSalesReport(
      header,
      rows.filter((day) => day.channel === channel),
    );
    const { unconverted, currency: _shopCurrency, ...converted } = own.total;
    return {
      channel,
      converted,
      native: own.channels.map(({ channel: _channel, ...row }) => row),
      unconverted: unconverted.map((entry) => ({
        currency: entry.currency,
        missingRateDays: entry.missingRateDays.length,
        netSales: entry.netSales,
      })),
    };
  });
  return { from, to, currency: shop.currency, channels, total: report.total };
}
