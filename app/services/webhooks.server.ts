import prisma from "#app/db.server.ts";
import { getQueue, shopJobId } from "#app/jobs/queues.server.ts";

/** "ORDERS_CREATE" (how the library names topics) → "orders/create" (how Shopify documents them). */
export function topicPath(topic: string): string {
  return topic.toLowerCase().replace(/_([a-z]+)$/, "/$1");
}

/**
 * Records a verified delivery and queues it for the worker. Shopify delivers at least once:
 * a delivery id seen before is acknowledged and dropped, so it is applied once.
 */
export async function receiveShopifyWebhook(shopDomain: string, topic: string, webhookId: string, payload: unknown) {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain } });
  if (!shop || shop.status !== "installed") return { queued: false, reason: "unknown or uninstalled shop" };
  const path = topicPath(topic);
  const recorded = await prisma.webhookDelivery.createMany({
    data: [{ shopId: shop.id, webhookId, topic: path }],
    skipDuplicates: true,
  });
  if (recorded.count === 0) return { queued: false, reason: "duplicate delivery" };
  await getQueue("webhooks").add(
    path,
    { shopId: shop.id, topic: path, webhookId, payload },
    {
      jobId: shopJobId(shop.id, "webhook", webhookId),
      attempts: 8,
      backoff: { type: "exponential", delay: 5_000 },
      removeOnComplete: 1_000,
    },
  );
  return { queued: true };
}
