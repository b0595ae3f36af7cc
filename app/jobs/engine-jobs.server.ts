/**
 * The analytics engine's jobs for a shop: a daily forecast (which enqueues the alerts
 * after it) and a weekly insight on Monday at 07:00 in the shop's time zone. The insight
 * runs on the forecast queue as jobs named "insights" (same `{ shopId }` payload).
 * Scheduler ids start with `shopJobPrefix`, so uninstalling stops them.
 */
import type { Job } from "bullmq";
import type { Shop } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { getQueue, JOB_RETENTION, shopJobPrefix, type JobPayloads } from "#app/jobs/queues.server.ts";

/** Forecasts every day at 03:30 shop time, after the night's syncs. */
export const FORECAST_PATTERN = "30 3 * * *";
/** Weekly insight: Mondays at 07:00 shop time. */
export const INSIGHTS_PATTERN = "0 7 * * 1";
export const INSIGHTS_JOB_NAME = "insights";
export const ENGINE_JOB_OPTIONS = {
  attempts: 2,
  backoff: { type: "exponential", delay: 60_000 },
  ...JOB_RETENTION,
} as const;

export function forecastSchedulerId(shopId: string): string {
  return `${shopJobPrefix(shopId)}forecast`;
}

export function insightsSchedulerId(shopId: string): string {
  return `${shopJobPrefix(shopId)}insights`;
}

/** Upserts the shop's engine schedules (never duplicated, time zone changes applied). */
export async function scheduleShopEngine(shop: Pick<Shop, "id" | "timezone">): Promise<string[]> {
  const queue = getQueue("forecast");
  const data = { shopId: shop.id };
  await queue.upsertJobScheduler(
    forecastSchedulerId(shop.id),
    { pattern: FORECAST_PATTERN, tz: shop.timezone },
    { name: "forecast", data, opts: ENGINE_JOB_OPTIONS },
  );
  await queue.upsertJobScheduler(
    insightsSchedulerId(shop.id),
    { pattern: INSIGHTS_PATTERN, tz: shop.timezone },
    { name: INSIGHTS_JOB_NAME, data, opts: ENGINE_JOB_OPTIONS },
  );
  return [forecastSchedulerId(shop.id), insightsSchedulerId(shop.id)];
}

/**
 * Name (and id) of the global job that keeps every installed shop's engine schedules in
 * place: hourly, so a newly installed shop is scheduled within the hour, and a changed time
 * zone is applied. It runs on the forecast queue with an empty shopId (it belongs to no shop).
 */
export const ENGINE_SCHEDULES_JOB = "global:engine-schedules";

/** Upserts the engine schedules of every installed shop. */
export async function scheduleAllShops(): Promise<{ shops: number }> {
  const shops = await prisma.shop.findMany({
    where: { status: "installed" },
    select: { id: true, timezone: true },
    orderBy: { id: "asc" },
  });
  for (const shop of shops) await scheduleShopEngine(shop);
  return { shops: shops.length };
}

async function installedShop(shopId: string) {
  const shop = await prisma.shop.findUnique({ where: { id: shopId } });
  return shop && shop.status === "installed" ? shop : null;
}

/** Forecast job (or the weekly insight, by job name); a forecast enqueues the alerts. */
export async function processForecastJob(job: Job<JobPayloads["forecast"]>) {
  if (job.name === ENGINE_SCHEDULES_JOB) return scheduleAllShops();
  const shop = await installedShop(job.data.shopId);
  if (!shop) return { skipped: true, reason: "shop gone or uninstalled" };
  if (job.name === INSIGHTS_JOB_NAME) {
    const { generateInsight } = await import("#app/services/insights.server.ts");
    const insight = await generateInsight(shop, { period: "weekly" });
    return { insightId: insight.id };
  }
  const { forecastShop } = await import("#app/services/forecasts.server.ts");
  const forecasts = await forecastShop(shop.id);
  const alerts = await getQueue("alerts").add(
    "alerts",
    { shopId: shop.id },
    // BullMQ allows a ":" in custom ids only as exactly three parts: "shop:<id>:alerts-<time>".
    { ...ENGINE_JOB_OPTIONS, jobId: `${shopJobPrefix(shop.id)}alerts-${Date.now()}` },
  );
  return { forecasts: forecasts.length, alertsJobId: alerts.id };
}

export async function processAlertsJob(job: Job<JobPayloads["alerts"]>) {
  const shop = await installedShop(job.data.shopId);
  if (!shop) return { skipped: true, reason: "shop gone or uninstalled" };
  const { runAlerts } = await import("#app/services/alerts.server.ts");
  const summary = await runAlerts(shop.id);
  return summary && { ...summary, active: summary.active.length };
}
