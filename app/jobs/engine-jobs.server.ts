/**
 * The analytics engine's jobs for a shop: a daily forecast (which enqueues the alerts
 * after it) and a weekly insight, on the schedules app/services/schedules.server.ts sets.
 */
import type { Job } from "bullmq";

import prisma from "#app/db.server.ts";
import { getQueue, shopJobPrefix, type JobPayloads } from "#app/queue/queues.server.ts";
import {
  ENGINE_JOB_OPTIONS,
  ENGINE_SCHEDULES_JOB,
  INSIGHTS_JOB_NAME,
  scheduleAllShops,
} from "#app/services/schedules.server.ts";

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
  const { queueAlertDeliveries } = await import("#app/services/alert-delivery.server.ts");
  const deliveries = await queueAlertDeliveries(shop.id);
  return summary && { ...summary, active: summary.active.length, deliveriesQueued: deliveries.queued };
}
