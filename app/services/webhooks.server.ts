import { minimizeWebhookPayload } from "@crosschannel/connector-shopify";

import prisma from "#app/db.server.ts";
import { getQueue, JOB_RETENTION, shopJobId } from "#app/queue/queues.server.ts";

/** "ORDERS_CREATE" (how the library names topics) → "orders/create" (how Shopify documents them). */
export function topicPath(topic: string): string {
  return topic.toLowerCase().replace(/_([a-z]+)$/, "/$1");
}

/**
 * Queues a verified delivery for the worker, then records it. Shopify delivers at least once:
 * a delivery id already recorded is acknowledged and dropped, so it is applied once.
 *
 * The job goes first, under a job id made from the delivery id (a second add of the same id
 * is a no-op): when the queue is down, nothing is recorded, the error reaches Shopify as a
 * 500, and its retry of the same delivery is queued then. Recording first would drop that
 * retry as a duplicate, and the delivery would be lost.
 */
export async function receiveShopifyWebhook(shopDomain: string, topic: string, webhookId: string, payload: unknown) {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain } });
  if (!shop || shop.status !== "installed") return { queued: false, reason: "unknown or uninstalled shop" };
  const path = topicPath(topic);
  const seen = await prisma.webhookDelivery.findUnique({
    where: { shopId_webhookId: { shopId: shop.id, webhookId } },
    select: { id: true },
  });
  if (seen) return { queued: false, reason: "duplicate delivery" };
  await getQueue("webhooks").add(
    path,
    // Only what the apply step reads: buyers' names, emails, addresses never reach the queue store.
    { shopId: shop.id, topic: path, webhookId, payload: minimizeWebhookPayload(path, payload) },
    {
      jobId: shopJobId(shop.id, "webhook", webhookId),
      attempts: 8,
      backoff: { type: "exponential", delay: 5_000 },
      ...JOB_RETENTION,
    },
  );
  await prisma.webhookDelivery.createMany({
    data: [{ shopId: shop.id, webhookId, topic: path }],
    skipDuplicates: true,
  });
  return { queued: true };
}
