import type { Channel, Prisma } from "@prisma/client";

import {
  assessInventory,
  productReport,
  type ForecastPoint,
  type InventoryHealth,
  type ProductReport,
} from "#app/analytics/index.ts";
import { parseDayRange } from "#app/services/validation.server.ts";
import { ingestPool } from "#app/db/pool.server.ts";
import { cachedByVersion } from "#app/services/page-cache.server.ts";

/** z for the 80% two-sided interval: a forecast's 80% band gives its daily error σ. */
const Z80 = 1.2815515655446004;

export interface ShopStockSettings {
  id: string;
  leadTimeDays: number;
  lowStockDays: number;
  serviceLevel: Prisma.Decimal;
}

export interface SkuInventoryHealth extends InventoryHealth {
  /** False when the SKU has no forecast, or one with no demand: cover and reorder figures assume none. */
  forecasted: boolean;
  /** True when a forecast covers today onwards (with or without demand). */
  hasForecast: boolean;
  /** How far the forecast behind these figures can be trusted, in words (ForecastAccuracy.summary); null without a forecast. */
  forecastAccuracy: string | null;
}

/**
 * Inventory across channels: per SKU × channel, stock summed over its locations, days of cover
 * and stock-out date from the forecast, reorder point and suggested quantity from the shop's
 * lead time and service level (docs/metrics.md).
 */
export async function inventoryHealth(
  shop: ShopStockSettings,
  today: string,
  options: { skus?: readonly string[] } = {},
): Promise<SkuInventoryHealth[]> {
  // Plain SQL through the ingest pool: thousands of forecasts of 90 points each parse several
  // times faster with pg's JSON.parse than through the ORM (docs/benchmarks.md, pages.*).
  const skus = options.skus ? [...options.skus] : null;
  const [levels, forecasts] = await Promise.all([
    ingestPool().query<{ channel: Channel; sku: string; available: number; reserved: number; inbound: number }>(
      `select channel, sku, sum(available)::int as available, sum(reserved)::int as reserved,
              sum(inbound)::int as inbound
       from "InventoryLevel" where "shopId" = $1 and ($2::text[] is null or sku = any($2::text[]))
       group by channel, sku order by channel, sku`,
      [shop.id, skus],
    ),
    ingestPool().query<{ channel: Channel; sku: string; points: ForecastPoint[]; summary: string | null }>(
      `select channel, sku, points, accuracy->>'summary' as summary
       from "Forecast" where "shopId" = $1 and ($2::text[] is null or sku = any($2::text[]))`,
      [shop.id, skus],
    ),
  ]);
  const byKey = new Map(forecasts.rows.map((forecast) => [`${forecast.channel}\u0000${forecast.sku}`, forecast]));
  return levels.rows.map((level) => {
    const forecast = byKey.get(`${level.channel}\u0000${level.sku}`);
    const points = forecast ? forecast.points.filter((point) => point.day >= today) : [];
    const first = points[0];
    const health = assessInventory(
      {
        sku: level.sku,
        channel: level.channel,
        locationId: "all",
        available: level.available,
        reserved: level.reserved,
        inbound: level.inbound,
      },
      { points, dailyErrorSd: first ? Math.max(0, (first.hi80 - first.mean) / Z80) : 0 },
      {
        leadTimeDays: shop.leadTimeDays,
        serviceLevel: Number(shop.serviceLevel.toString()),
        lowStockDays: shop.lowStockDays,
      },
    );
    return {
      ...health,
      forecasted: points.some((point) => point.mean > 0),
      hasForecast: points.length > 0,
      forecastAccuracy: forecast?.summary ?? null,
    };
  });
}

/**
 * What inventory health is computed from, as one cheap string: the shop's forecasts (count,
 * newest) and stock (count, newest observation, sums). Equal strings, equal inputs.
 */
export async function inventoryVersion(shopId: string): Promise<string> {
  const result = await ingestPool().query<{ version: string }>(
    `select concat_ws('|',
       (select concat_ws(':', count(*), max("generatedAt")) from "Forecast" where "shopId" = $1),
       (select concat_ws(':', count(*), max("observedAt"), sum(available), sum(reserved), sum(inbound))
          from "InventoryLevel" where "shopId" = $1)) as version`,
    [shopId],
  );
  return result.rows[0]?.version ?? "";
}

/**
 * `inventoryHealth` of every SKU × channel, reused while the forecasts, the stock and the
 * shop's stock settings are unchanged (app/services/page-cache.server.ts). Callers must not
 * change the rows they get.
 */
export async function shopInventoryHealth(shop: ShopStockSettings, today: string): Promise<SkuInventoryHealth[]> {
  const version = [
    await inventoryVersion(shop.id),
    shop.leadTimeDays,
    shop.lowStockDays,
    shop.serviceLevel.toString(),
  ].join("|");
  return cachedByVersion(`inventory:${shop.id}:${today}`, version, () => inventoryHealth(shop, today));
}

/**
 * Product performance across channels for a period (and the one before it): velocity,
 * trend, share and margin by channel, ABC class, top and bottom movers. Amounts in one
 * currency; rows of other currencies are not mixed in (the caller picks the shop's).
 * With `skus`, only those SKUs are read: their own figures are unchanged, but ABC classes,
 * shares of the shop's net sales and movers are then relative to that subset.
 */
export async function productPerformance(
  shop: { id: string; currency: string },
  period: { from: string; to: string },
  previous: { from: string; to: string },
  options: { skus?: readonly string[] } = {},
): Promise<ProductReport> {
  period = parseDayRange(period.from, period.to);
  previous = parseDayRange(previous.from, previous.to);
  const rows = await ingestPool().query<{
    day: string;
    sku: string;
    channel: Channel;
    units: number;
    net_sales: string;
    contribution_profit: string;
  }>(
    `select day::text as day, sku, channel, sum(units)::int as units, sum("netSales")::text as net_sales,
        (sum("netSales") - sum(fees) - sum(cogs))::text as contribution_profit
     from "DailyRollup"
     where "shopId" = $1 and sku <> '' and currency = $2 and day between $3::date and $4::date
       and ($5::text[] is null or sku = any($5::text[]))
     group by day, sku, channel order by day, sku, channel`,
    [
      shop.id,
      shop.currency,
      previous.from < period.from ? previous.from : period.from,
      period.to,
      options.skus ? [...options.skus] : null,
    ],
  );
  return productReport(
    rows.rows.map((row) => ({
      day: row.day,
      sku: row.sku,
      channel: row.channel,
      units: row.units,
      netSales: row.net_sales,
      contributionProfit: row.contribution_profit,
    })),
    { currency: shop.currency, current: period, previous },
  );
}
