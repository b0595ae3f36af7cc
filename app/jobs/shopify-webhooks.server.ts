import {
  inventoryLevelKeyOf,
  mapInventoryItemWebhook,
  mapInventoryLevelWebhook,
  mapOrderWebhook,
  mapProductWebhook,
  mapRefundWebhook,
  type RestInventoryItem,
  type RestInventoryLevel,
  type RestOrder,
  type RestProduct,
  type RestRefund,
} from "@crosschannel/connector-shopify";

import prisma from "#app/db.server.ts";
import { upsertCatalog } from "#app/ingest/catalog.server.ts";
import { ingestPool } from "#app/db/pool.server.ts";
import { PostgresRecordSink } from "#app/ingest/sink.server.ts";
import { adapterFor } from "#app/services/channels.server.ts";
import { writeRefunds } from "#app/ingest/writers.server.ts";
import type { JobPayloads } from "#app/queue/queues.server.ts";
import { markRollupsStale, refreshRollups } from "#app/services/rollups.server.ts";

/** The shop's own data topics, declared in shopify.app.toml and applied by the worker. */
export const SHOPIFY_DATA_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "refunds/create",
  "products/update",
  "inventory_items/update",
  "inventory_levels/update",
] as const;

/** Retried later (BullMQ backoff): the webhook arrived before the data it refers to. */
export class NotYetKnownError extends Error {
  override readonly name = "NotYetKnownError";
}

/**
 * Applies one webhook with the same upserts as a sync: the newest `updated_at` wins, so the
 * same delivery twice, or an older one after a newer one, leaves the right state.
 */
export async function applyShopifyWebhook(data: JobPayloads["webhooks"]) {
  const shop = await prisma.shop.findUnique({ where: { id: data.shopId } });
  if (!shop || shop.status !== "installed") return { applied: false, reason: "shop not installed" };
  const connection = await prisma.channelConnection.findFirst({ where: { shopId: shop.id, channel: "shopify" } });
  if (!connection) return { applied: false, reason: "the shop's own channel is not connected" };
  const sink = new PostgresRecordSink({
    shopId: shop.id,
    connectionId: connection.id,
    channel: "shopify",
    timezone: shop.timezone,
    records: adapterFor("shopify").records,
  });

  switch (data.topic) {
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled":
      await sink.applyRecords("orders", [mapOrderWebhook(data.payload as RestOrder)]);
      break;
    case "refunds/create": {
      const payload = data.payload as RestRefund;
      const order = await prisma.order.findFirst({
        where: { connectionId: connection.id, externalId: `gid://shopify/Order/${payload.order_id}` },
      });
      if (!order) throw new NotYetKnownError(`refund ${payload.id}: order ${payload.order_id} is not stored yet`);
      const refund = mapRefundWebhook(payload, order.currency);
      const client = await ingestPool().connect();
      try {
        await writeRefunds(
          client,
          { shopId: shop.id, connectionId: connection.id, channel: "shopify", timezone: shop.timezone },
          [refund],
        );
      } finally {
        client.release();
      }
      break;
    }
    case "products/update": {
      const records = mapProductWebhook(data.payload as RestProduct, { currency: shop.currency });
      await sink.applyRecords("listings", records.listings);
      await upsertCatalog(
        shop.id,
        records.catalog.map((entry) => ({ ...entry, unitCost: null, currency: null, updatedAt: entry.updatedAt })),
        { keepStoredCost: true },
      );
      break;
    }
    case "inventory_items/update": {
      const update = mapInventoryItemWebhook(data.payload as RestInventoryItem, { currency: shop.currency });
      // Newest wins: a cost older than the stored one (a late retry, a sync that read a newer
      // cost) changes nothing.
      const costTime = new Date(update.updatedAt);
      const changed = await prisma.product.updateMany({
        where: {
          shopId: shop.id,
          OR: [{ shopifyInventoryItemId: update.inventoryItemId }, ...(update.sku ? [{ sku: update.sku }] : [])],
          AND: [{ OR: [{ costUpdatedAt: null }, { costUpdatedAt: { lte: costTime } }] }],
        },
        data: {
          unitCost: update.unitCost,
          costCurrency: update.unitCost === null ? null : update.currency,
          costUpdatedAt: costTime,
        },
      });
      if (changed.count > 0 && update.sku) await markRollupsStale(shop.id, { skus: [update.sku] });
      break;
    }
    case "inventory_levels/update": {
      const payload = data.payload as RestInventoryLevel;
      const key = inventoryLevelKeyOf(payload);
      const product = await prisma.product.findFirst({
        where: { shopId: shop.id, shopifyInventoryItemId: key.inventoryItemId },
      });
      if (!product) throw new NotYetKnownError(`inventory item ${key.inventoryItemId} is not in the catalog yet`);
      const stored = await prisma.inventoryLevel.findUnique({
        where: {
          connectionId_sku_locationId: { connectionId: connection.id, sku: product.sku, locationId: key.locationId },
        },
      });
      const level = mapInventoryLevelWebhook(payload, {
        sku: product.sku,
        reserved: stored?.reserved ?? 0,
        inbound: stored?.inbound ?? 0,
        unfulfillable: stored?.unfulfillable ?? 0,
      });
      await sink.applyRecords("inventory", [level]);
      break;
    }
    default:
      return { applied: false, reason: `topic ${data.topic} is not applied` };
  }
  // The orders this delivery changed were marked pending where they were written.
  await refreshRollups(shop.id);
  return { applied: true };
}
