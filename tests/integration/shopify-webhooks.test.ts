import "../support/mock-shopify.ts";

import type { ChannelOrder } from "@crosschannel/connector-sdk";
import { ShopifySimulator } from "@crosschannel/connector-shopify/simulator";
import { API_SECRET_KEY, TEST_SHOP } from "@shopify/shopify-api/test-helpers";
import { afterEach, describe, expect, it, vi } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { closeQueues, getQueue } from "#app/queue/queues.server.ts";
import { applyShopifyWebhook, NotYetKnownError } from "#app/jobs/shopify-webhooks.server.ts";
import { action } from "#app/routes/webhooks.shopify.tsx";
import { salesReport } from "#app/services/report.server.ts";

import { callAction } from "../support/shopify.ts";
import { createShop, insertConnection } from "../support/factories.ts";

afterEach(async () => {
  await closeQueues();
  await closeIngestPool();
});

const simulator = new ShopifySimulator({ seed: 5, shopDomain: TEST_SHOP });

function delivery(topic: string, payload: unknown, webhookId: string) {
  const { body, headers } = simulator.signWebhook(topic, payload, { webhookId, secret: API_SECRET_KEY });
  return new Request("https://my-test-app.myshopify.io/webhooks/shopify", { method: "POST", body, headers });
}

async function seedShop() {
  const shop = await createShop(TEST_SHOP, { timezone: "America/Toronto", currency: "USD" });
  await insertConnection({ shopId: shop.id, channel: "shopify", accountId: TEST_SHOP, displayName: "Shopify" });
  return shop;
}

async function queued() {
  return (await getQueue("webhooks").getJobs(["waiting", "delayed", "prioritized"])).filter((job) => job !== undefined);
}

const orders = simulator.expectedRecords("orders") as ChannelOrder[];
const withRefund = orders.find((order) => order.refunds.length > 0 && order.status !== "cancelled")!;
const legacyId = (gid: string) => gid.split("/").pop()!;

describe("Shopify data webhooks", () => {
  it("verifies, records and queues a delivery once, however often Shopify sends it", async () => {
    await seedShop();
    const payload = simulator.orderWebhookPayload(withRefund.externalId);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const response = await callAction(action, delivery("orders/create", payload, "delivery-1"));
      expect(response.status).toBe(200);
    }
    expect(await prisma.webhookDelivery.count()).toBe(1);
    const jobs = await queued();
    expect(jobs.map((job) => job.data.topic)).toEqual(["orders/create"]);
  });

  it("queues Shopify's retry of a delivery whose first enqueue failed", async () => {
    await seedShop();
    const payload = simulator.orderWebhookPayload(withRefund.externalId);
    const add = vi.spyOn(getQueue("webhooks"), "add").mockRejectedValueOnce(new Error("queue store unreachable"));
    // Shopify gets an error and delivers the same webhook again later.
    await expect(callAction(action, delivery("orders/create", payload, "delivery-2"))).rejects.toThrow(
      "queue store unreachable",
    );
    expect(await prisma.webhookDelivery.count()).toBe(0);
    const retry = await callAction(action, delivery("orders/create", payload, "delivery-2"));
    expect(retry.status).toBe(200);
    expect(add).toHaveBeenCalledTimes(2);
    expect(await prisma.webhookDelivery.count()).toBe(1);
    expect((await queued()).map((job) => job.data.webhookId)).toEqual(["delivery-2"]);
  });

  it("refuses a delivery with a bad signature and queues nothing", async () => {
    await seedShop();
    const { body, headers } = simulator.signWebhook(
      "orders/create",
      simulator.orderWebhookPayload(withRefund.externalId),
      { secret: "wrong" },
    );
    const response = await callAction(
      action,
      new Request("https://my-test-app.myshopify.io/webhooks/shopify", { method: "POST", body, headers }),
    );
    expect(response.status).toBe(401);
    expect(await prisma.webhookDelivery.count()).toBe(0);
    expect(await queued()).toEqual([]);
  });

  it("applies orders and refunds like a sync would, whatever order they arrive in", async () => {
    const shop = await seedShop();
    const refundPayload = simulator.refundWebhookPayload(withRefund.refunds[0]!.externalId);
    const orderPayload = simulator.orderWebhookPayload(withRefund.externalId);
    const data = (topic: string, payload: unknown) => ({ shopId: shop.id, topic, webhookId: topic, payload });

    // The refund arrives before its order: retried later, nothing stored.
    await expect(applyShopifyWebhook(data("refunds/create", refundPayload))).rejects.toBeInstanceOf(NotYetKnownError);

    // A newer update (cancelled) is applied before the older create: the newer state stays.
    const later = new Date(Date.parse(orderPayload.updated_at) + 86_400_000).toISOString();
    await applyShopifyWebhook(data("orders/cancelled", { ...orderPayload, updated_at: later, cancelled_at: later }));
    await applyShopifyWebhook(data("orders/create", orderPayload));
    await applyShopifyWebhook(data("orders/create", orderPayload));
    const stored = await prisma.order.findFirstOrThrow({ where: { externalId: withRefund.externalId } });
    expect(stored.status).toBe("cancelled");
    expect(await prisma.order.count()).toBe(1);

    // Un-cancel with an even newer update, then the refund: the order and its refund count once.
    const latest = new Date(Date.parse(later) + 86_400_000).toISOString();
    await applyShopifyWebhook(data("orders/updated", { ...orderPayload, updated_at: latest }));
    await applyShopifyWebhook(data("refunds/create", refundPayload));
    await applyShopifyWebhook(data("refunds/create", refundPayload));
    expect(await prisma.refund.count()).toBe(1);
    const lines = await prisma.orderLine.count({ where: { orderId: stored.id } });
    expect(lines).toBe(withRefund.lines.length);

    const report = await salesReport(shop, "2020-01-01", "2030-12-31");
    const shopify = report.channels.find((row) => row.channel === "shopify");
    expect(shopify?.orders).toBe(1);
    expect(shopify?.returns).toBe(Number(withRefund.refunds[0]!.amount).toFixed(2));
  });

  it("keeps products, costs and inventory current from their webhooks", async () => {
    const shop = await seedShop();
    const listings = simulator.expectedRecords("listings") as Array<{ externalId: string; sku: string }>;
    const variantCost = simulator.expectedCosts()[0]!;
    const data = (topic: string, payload: unknown) => ({ shopId: shop.id, topic, webhookId: topic, payload });

    await applyShopifyWebhook(data("products/update", simulator.productWebhookPayload(variantCost.productId)));
    const product = await prisma.product.findFirstOrThrow({ where: { shopId: shop.id, sku: variantCost.sku } });
    expect(product.unitCost).toBeNull();
    expect(await prisma.channelListing.count({ where: { sku: variantCost.sku } })).toBe(
      listings.filter((listing) => listing.sku === variantCost.sku).length,
    );

    await applyShopifyWebhook(
      data("inventory_items/update", simulator.inventoryItemWebhookPayload(variantCost.inventoryItemId!)),
    );
    const costed = await prisma.product.findFirstOrThrow({ where: { id: product.id } });
    expect(costed.unitCost?.toFixed(2)).toBe(
      variantCost.unitCost === null ? undefined : Number(variantCost.unitCost).toFixed(2),
    );

    // A product update (no cost in its payload) keeps the stored cost.
    await applyShopifyWebhook(data("products/update", simulator.productWebhookPayload(variantCost.productId)));
    expect((await prisma.product.findFirstOrThrow({ where: { id: product.id } })).unitCost?.toString()).toBe(
      costed.unitCost?.toString(),
    );

    const level = simulator.inventoryLevelWebhookPayload(variantCost.inventoryItemId!);
    await applyShopifyWebhook(data("inventory_levels/update", level));
    const stored = await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: shop.id, sku: variantCost.sku } });
    expect(stored.available).toBe(level.available);
    expect(legacyId(stored.locationId)).toBe(String(level.location_id));
  });

  it("ignores an older products/update or inventory_items/update applied after a newer one", async () => {
    const shop = await seedShop();
    const variantCost = simulator.expectedCosts()[0]!;
    const data = (topic: string, payload: unknown) => ({ shopId: shop.id, topic, webhookId: topic, payload });
    const later = (time: string) => new Date(new Date(time).getTime() + 3_600_000).toISOString();

    const older = simulator.productWebhookPayload(variantCost.productId);
    const newer = {
      ...older,
      title: "Renamed product",
      updated_at: later(older.updated_at),
      variants: older.variants.map((variant) => ({
        ...variant,
        price: "123.45",
        updated_at: later(variant.updated_at),
      })),
    };
    await applyShopifyWebhook(data("products/update", newer));
    await applyShopifyWebhook(data("products/update", older));
    const product = await prisma.product.findFirstOrThrow({ where: { shopId: shop.id, sku: variantCost.sku } });
    expect(product.title).toContain("Renamed product");
    const listings = await prisma.channelListing.findMany({ where: { shopId: shop.id, sku: variantCost.sku } });
    expect(listings.length).toBeGreaterThan(0);
    expect(listings.map((listing) => listing.price?.toFixed(2))).toEqual(listings.map(() => "123.45"));

    const item = simulator.inventoryItemWebhookPayload(variantCost.inventoryItemId!);
    await applyShopifyWebhook(
      data("inventory_items/update", { ...item, cost: "9.99", updated_at: later(item.updated_at) }),
    );
    await applyShopifyWebhook(data("inventory_items/update", { ...item, cost: "1.00" }));
    const costed = await prisma.product.findFirstOrThrow({ where: { id: product.id } });
    expect(costed.unitCost?.toFixed(2)).toBe("9.99");
  });
});
