/**
 * One product's page: its figures over the page's range, the daily trend per channel, the
 * forecast per channel with its 80% and 95% ranges and its measured accuracy in words, stock
 * per channel and location, and price and listing status per channel. Only the shop's own rows
 * are read. Definitions: docs/metrics.md, "Product page".
 */
import type { Channel, Shop } from "@prisma/client";

import { addDays, daysBetween, localDay } from "#app/analytics/days.ts";
import type { ForecastPoint } from "#app/analytics/index.ts";
import prisma from "#app/db.server.ts";
import { ingestPool } from "#app/db/pool.server.ts";
import { CHANNEL_IDS } from "#app/services/channels.server.ts";
import { getForecastAccuracy } from "#app/services/forecasts.server.ts";
import { comparisonRange, overviewRange } from "#app/services/overview.server.ts";
import { inventoryHealth, productPerformance } from "#app/services/performance.server.ts";

/** How many forecast days the page draws (the stored forecast runs further). */
export const PRODUCT_FORECAST_DAYS = 28;

export interface ProductDailyPoint {
  day: string;
  units: number;
  netSales: string;
}

export class ProductNotFoundError extends Error {
  constructor(readonly sku: string) {
    // The SKU is not echoed: it came from the URL, and a page never repeats what it cannot vouch for.
    super("This shop has no product with that SKU. Pick one from the Products page.");
  }
}

export async function productDetail(shop: Shop, sku: string, params: URLSearchParams, now = new Date()) {
  const { range, rangeError } = overviewRange(params.get("from"), params.get("to"), shop.timezone, now);
  const previous = comparisonRange(range, "previous")!;
  const today = localDay(now, shop.timezone);
  const [product, report, daily, forecasts, accuracy, health, levels, listings] = await Promise.all([
    prisma.product.findUnique({ where: { shopId_sku: { shopId: shop.id, sku } }, select: { sku: true, title: true } }),
    productPerformance(shop, range, previous, { skus: [sku] }),
    ingestPool().query<{ day: string; channel: Channel; units: number; net_sales: string }>(
      `select day::text as day, channel, sum(units)::int as units, sum("netSales")::text as net_sales
       from "DailyRollup"
       where "shopId" = $1 and sku = $2 and currency = $3 and day between $4::date and $5::date
       group by day, channel order by day, channel`,
      [shop.id, sku, shop.currency, range.from, range.to],
    ),
    prisma.forecast.findMany({ where: { shopId: shop.id, sku }, orderBy: { channel: "asc" } }),
    getForecastAccuracy(shop.id, sku),
    inventoryHealth(shop, today, { skus: [sku] }),
    prisma.inventoryLevel.findMany({
      where: { shopId: shop.id, sku },
      orderBy: [{ channel: "asc" }, { locationId: "asc" }],
      select: { channel: true, locationId: true, available: true, reserved: true, inbound: true, observedAt: true },
    }),
    prisma.channelListing.findMany({
      where: { shopId: shop.id, sku },
      orderBy: [{ channel: "asc" }, { externalId: "asc" }],
      select: {
        channel: true,
        externalId: true,
        title: true,
        price: true,
        currency: true,
        status: true,
        rawStatus: true,
        active: true,
      },
    }),
  ]);
  const figures = report.products.find((row) => row.sku === sku) ?? null;
  if (!product && !figures && levels.length === 0 && listings.length === 0) throw new ProductNotFoundError(sku);

  // Every day of the range for every channel that sold it, zeros where nothing sold.
  const days = Array.from({ length: daysBetween(range.from, range.to) + 1 }, (_, i) => addDays(range.from, i));
  const soldOn = CHANNEL_IDS.filter((channel) => daily.rows.some((row) => row.channel === channel));
  const byKey = new Map(daily.rows.map((row) => [`${row.channel}\u0000${row.day}`, row]));
  const trend = soldOn.map((channel) => ({
    channel,
    points: days.map((day): ProductDailyPoint => {
      const row = byKey.get(`${channel}\u0000${day}`);
      return { day, units: row?.units ?? 0, netSales: row?.net_sales ?? "0.0000" };
    }),
  }));

  const forecastViews = forecasts.map((forecast) => {
    const points = (forecast.points as unknown as ForecastPoint[])
      .filter((point) => point.day >= today)
      .slice(0, PRODUCT_FORECAST_DAYS);
    const sum = (pick: (point: ForecastPoint) => number) =>
      Math.round(points.reduce((total, point) => total + pick(point), 0));
    const measured = accuracy.find((entry) => entry.channel === forecast.channel);
    return {
      channel: forecast.channel,
      method: forecast.method,
      generatedAt: forecast.generatedAt.toISOString(),
      points,
      // The next 28 days' units: the sum of daily means, and of the daily bounds (a wide, conservative range).
      next28: { mean: sum((p) => p.mean), lo80: sum((p) => p.lo80), hi80: sum((p) => p.hi80) },
      accuracy: measured?.sentence ?? null,
      accuracyStatus: measured?.status ?? "not_enough_history",
    };
  });

  return {
    sku,
    title: product?.title ?? listings.find((listing) => listing.title)?.title ?? null,
    inCatalog: product !== null,
    currency: shop.currency,
    range,
    previous,
    rangeError,
    figures: figures && {
      units: figures.units,
      previousUnits: figures.previousUnits,
      netSales: figures.netSales,
      previousNetSales: figures.previousNetSales,
      contributionProfit: figures.contributionProfit,
      margin: figures.margin,
      velocity: figures.velocity,
      velocityChange: figures.velocityChange,
      abc: figures.abc,
      byChannel: figures.byChannel,
    },
    trend,
    forecasts: forecastViews,
    stock: health.map((row) => ({
      channel: row.channel,
      available: row.available,
      reserved: row.reserved,
      inbound: row.inbound,
      daysOfCover: row.forecasted && Number.isFinite(row.daysOfCover) ? Math.round(row.daysOfCover * 10) / 10 : null,
      stockOutDate: row.forecasted ? row.stockOutDate : null,
      reorderPoint: Math.ceil(row.reorderPoint),
      suggestedOrderQuantity: row.suggestedOrderQuantity,
      locations: levels
        .filter((level) => level.channel === row.channel)
        .map((level) => ({
          locationId: level.locationId,
          available: level.available,
          reserved: level.reserved,
          inbound: level.inbound,
          observedAt: level.observedAt.toISOString(),
        })),
    })),
    listings: listings.map((listing) => ({
      channel: listing.channel,
      externalId: listing.externalId,
      title: listing.title,
      price: listing.price?.toString() ?? null,
      currency: listing.currency,
      status: listing.status,
      rawStatus: listing.rawStatus,
      active: listing.active,
    })),
  };
}
