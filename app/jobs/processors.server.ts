import type { Job } from "bullmq";

import prisma from "#app/db.server.ts";
import type { JobPayloads, QueueName } from "#app/queue/queues.server.ts";

export type Processor<N extends QueueName> = (job: Job<JobPayloads[N]>) => Promise<unknown>;

/** Webhook delivery ids are kept long enough to absorb Shopify's redeliveries (48 h), then purged. */
export const WEBHOOK_DELIVERY_RETENTION_DAYS = 30;

export async function purgeWebhookDeliveries(now = new Date()): Promise<{ purged: number }> {
  const cutoff = new Date(now.getTime() - WEBHOOK_DELIVERY_RETENTION_DAYS * 24 * 60 * 60 * 1000);
  const { count } = await prisma.webhookDelivery.deleteMany({ where: { receivedAt: { lt: cutoff } } });
  return { purged: count };
}

/** The processors this build runs, by queue; the worker starts one BullMQ worker for each. */
export const processors: { [N in QueueName]?: Processor<N> } = {
  sync: async (job) => {
    const [{ processSyncJob }, { adapterFor }] = await Promise.all([
      import("#app/jobs/sync-jobs.server.ts"),
      import("#app/services/channels.server.ts"),
    ]);
    // An installed shop syncs with its offline token, which the Shopify app provides once loaded
    // (app/services/shopify-offline-token.server.ts); local shops sync without its configuration.
    const shop = await prisma.shop.findUnique({ where: { id: job.data.shopId }, select: { source: true } });
    if (shop?.source === "shopify") await import("#app/shopify.server.ts");
    return processSyncJob(job, { adapterFor });
  },
  rollup: async (job) => {
    const { refreshAllPendingRollups, refreshRollups } = await import("#app/services/rollups.server.ts");
    return job.data.shopId ? refreshRollups(job.data.shopId) : refreshAllPendingRollups();
  },
  forecast: async (job) => (await import("#app/jobs/engine-jobs.server.ts")).processForecastJob(job),
  alerts: async (job) => (await import("#app/jobs/engine-jobs.server.ts")).processAlertsJob(job),
  deliveries: async (job) => (await import("#app/jobs/delivery-jobs.server.ts")).processDeliveryJob(job),
  webhooks: async (job) => {
    const { applyShopifyWebhook } = await import("#app/jobs/shopify-webhooks.server.ts");
    return applyShopifyWebhook(job.data);
  },
  housekeeping: async (job) => {
    switch (job.data.task) {
      case "purge-webhook-deliveries":
        return purgeWebhookDeliveries();
    }
  },
};

/** Recurring jobs that belong to no shop, upserted at every worker start (never duplicated). */
export const globalSchedules: Array<{ queue: QueueName; id: string; pattern: string; data: JobPayloads[QueueName] }> = [
  {
    queue: "housekeeping",
    id: "global:purge-webhook-deliveries",
    pattern: "17 3 * * *",
    data: { task: "purge-webhook-deliveries" },
  },
  // Rollups of orders marked pending outside a sync (a cost, a mapping, a time zone changed).
  { queue: "rollup", id: "global:rollup-sweep", pattern: "*/10 * * * *", data: { shopId: "" } },
  // Keeps every installed shop's forecast and weekly insight schedules (app/services/schedules.server.ts).
  { queue: "forecast", id: "global:engine-schedules", pattern: "7 * * * *", data: { shopId: "" } },
];
