/**
 * Demand forecasts per SKU × channel: daily units from the rollups (days without sales
 * count as 0), forecast 90 days ahead with the candidates the backtest picks, stored in
 * Forecast with their accuracy (figures and the merchant-facing sentence). The shop's total
 * daily units are the whole whose shape a year earlier gives the yearly seasonality.
 */
import type { Channel, Prisma } from "@prisma/client";

import { addDays, forecastDemand, loadAugurs, toDailySeries, type DemandForecast } from "#app/analytics/index.ts";
import { type AccuracyFigures, describeForecastAccuracy } from "#app/analytics/forecast/sentence.ts";
import prisma from "#app/db.server.ts";
import { localDay } from "#app/analytics/days.ts";

export const FORECAST_HORIZON_DAYS = 90;
/** History the series may reach back (the models themselves fit at most the last year). */
export const FORECAST_HISTORY_DAYS = 730;

export interface ForecastSummary {
  sku: string;
  channel: Channel;
  method: string;
  demandClass: DemandForecast["demandClass"];
  historyDays: number;
  mase: number | null;
  wape: number | null;
  accuracy: DemandForecast["accuracy"];
}

/** Days of a UTC midnight Date ("@db.Date" columns) as "YYYY-MM-DD". */
function dayText(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** An error score as numeric(10, 4); null when unknown or too large to store. */
function decimal4(value: number | null): string | null {
  return value === null || !Number.isFinite(value) || Math.abs(value) >= 1e6 ? null : value.toFixed(4);
}

/**
 * Forecasts every SKU × channel the shop sold in the history window. History ends with
 * yesterday (the shop's local day), so the forecast starts today.
 */
export async function forecastShop(shopId: string, options: { now?: Date } = {}): Promise<ForecastSummary[]> {
  const shop = await prisma.shop.findUnique({ where: { id: shopId } });
  if (!shop) return [];
  const today = localDay(options.now ?? new Date(), shop.timezone);
  const to = addDays(today, -1);
  const from = addDays(today, -FORECAST_HISTORY_DAYS);
  const rows = await prisma.dailyRollup.groupBy({
    by: ["sku", "channel", "day"],
    where: {
      shopId,
      sku: { not: "" },
      day: { gte: new Date(`${from}T00:00:00.000Z`), lte: new Date(`${to}T00:00:00.000Z`) },
    },
    _sum: { units: true },
    orderBy: [{ sku: "asc" }, { channel: "asc" }, { day: "asc" }],
  });
  const series = new Map<string, { sku: string; channel: Channel; points: Array<{ day: string; value: number }> }>();
  for (const row of rows) {
    const key = `${row.channel}\u0000${row.sku}`;
    let entry = series.get(key);
    if (!entry) {
      entry = { sku: row.sku, channel: row.channel, points: [] };
      series.set(key, entry);
    }
    entry.points.push({ day: dayText(row.day), value: row._sum.units ?? 0 });
  }
  // A SKU × channel without a sale in the whole window keeps no (stale) forecast.
  const stored = await prisma.forecast.findMany({ where: { shopId }, select: { id: true, sku: true, channel: true } });
  const stale = stored.filter((row) => !series.has(`${row.channel}\u0000${row.sku}`)).map((row) => row.id);
  if (stale.length > 0) await prisma.forecast.deleteMany({ where: { shopId, id: { in: stale } } });
  if (series.size === 0) return [];

  const augurs = await loadAugurs();
  // The shop's total units per day over the whole window (every SKU and channel).
  const yearly = toDailySeries(
    [...series.values()].flatMap((entry) => entry.points),
    { from, to },
  );
  const summaries: ForecastSummary[] = [];
  for (const { sku, channel, points } of series.values()) {
    // From the SKU's first sale on this channel (forecastDemand trims to the product's life as well).
    const first = points.reduce((min, point) => (point.day < min ? point.day : min), to);
    const daily = toDailySeries(points, { from: first, to });
    const forecast = forecastDemand(daily, { horizon: FORECAST_HORIZON_DAYS, augurs, yearly });
    const data = {
      method: forecast.method,
      generatedAt: new Date(),
      horizonDays: FORECAST_HORIZON_DAYS,
      points: forecast.points as unknown as Prisma.InputJsonValue,
      mase: decimal4(forecast.mase),
      wape: decimal4(forecast.wape),
      accuracy: forecast.accuracy as unknown as Prisma.InputJsonValue,
    };
    await prisma.forecast.upsert({
      where: { shopId_sku_channel: { shopId, sku, channel } },
      create: { shopId, sku, channel, ...data },
      update: data,
    });
    summaries.push({
      sku,
      channel,
      method: forecast.method,
      demandClass: forecast.demandClass,
      historyDays: daily.values.length,
      mase: forecast.mase,
      wape: forecast.wape,
      accuracy: forecast.accuracy,
    });
  }
  return summaries;
}

/** A product's forecast accuracy on one channel, for the product-detail page. */
export interface ForecastAccuracyView {
  channel: Channel;
  method: string;
  generatedAt: Date;
  status: AccuracyFigures["status"];
  /** Backtest days the figures come from (0 when not measured). */
  days: number;
  weeklyError: number | null;
  coverage80: number | null;
  coverage95: number | null;
  /** "Typically off by 18% of weekly units; the 80% range held on 81% of past days." (docs/metrics.md) */
  sentence: string;
}

function storedAccuracy(value: Prisma.JsonValue | null): Partial<AccuracyFigures> & { coverage95?: number | null } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
  return value as Partial<AccuracyFigures> & { coverage95?: number | null };
}

function share(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * The stored forecasts' accuracy for one SKU of the shop, one entry per channel (in channel
 * order); empty when the SKU has no forecast yet. Only the shop's own forecasts are read.
 */
export async function getForecastAccuracy(shopId: string, sku: string): Promise<ForecastAccuracyView[]> {
  const rows = await prisma.forecast.findMany({
    where: { shopId, sku },
    select: { channel: true, method: true, generatedAt: true, accuracy: true },
    orderBy: { channel: "asc" },
  });
  return rows.map((row) => {
    const accuracy = storedAccuracy(row.accuracy);
    const status: AccuracyFigures["status"] =
      accuracy.status === "measured" || accuracy.status === "no_recent_sales" ? accuracy.status : "not_enough_history";
    return {
      channel: row.channel,
      method: row.method,
      generatedAt: row.generatedAt,
      status,
      days: typeof accuracy.days === "number" ? accuracy.days : 0,
      weeklyError: share(accuracy.weeklyError),
      coverage80: share(accuracy.coverage80),
      coverage95: share(accuracy.coverage95),
      sentence: describeForecastAccuracy(accuracy),
    };
  });
}
