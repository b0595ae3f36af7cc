import {
  amazonConnector,
  isRefundedCharge,
  refundsFromFeeEvents,
  splitAmazonSettings,
  type AmazonConfig,
} from "@crosschannel/connector-amazon";
import { bestbuyConnector, splitBestBuySettings, type BestBuyConfig } from "@crosschannel/connector-bestbuy";
import {
  marketplaceOfNormalizedOrder,
  readProductCosts,
  shopifyConnector,
  splitShopifySettings,
  type ShopifyConfig,
} from "@crosschannel/connector-shopify";
import type { Channel } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { upsertCatalog } from "#app/ingest/catalog.server.ts";
import type { ChannelAdapter } from "#app/services/connections.server.ts";
import { markRollupsStale } from "#app/services/rollups.server.ts";
import { shopifyOfflineToken } from "#app/services/shopify-offline-token.server.ts";

/** The channels this build connects, each a workspace package under connectors/. */
const ADAPTERS: { [C in Channel]: ChannelAdapter } = {
  amazon: {
    channel: "amazon",
    connector: amazonConnector,
    split: (settings) => splitAmazonSettings(settings),
    accountId: (config) => (config as AmazonConfig).sellerId,
    displayName: (config) =>
      `Amazon (${(config as AmazonConfig).region.toUpperCase()}, seller ${(config as AmazonConfig).sellerId})`,
    // Amazon reports refunds only in Finances: its refunded charges become the orders' refunds.
    feeRefunds: { isRefundedCharge, refundsFrom: refundsFromFeeEvents },
  },
  bestbuy: {
    channel: "bestbuy",
    connector: bestbuyConnector,
    split: (settings) => splitBestBuySettings(settings),
    accountId: (config) => (config as BestBuyConfig).shopId ?? new URL((config as BestBuyConfig).baseUrl).host,
    displayName: (config) => `Best Buy Marketplace (${new URL((config as BestBuyConfig).baseUrl).host})`,
  },
  shopify: {
    channel: "shopify",
    connector: shopifyConnector,
    split: (settings, shop) => splitShopifySettings(settings, shop.domain),
    accountId: (config) => (config as ShopifyConfig).shopDomain,
    displayName: (config) => `Shopify (${(config as ShopifyConfig).shopDomain})`,
    originOf: (order) => marketplaceOfNormalizedOrder(order) ?? null,
    // An installed shop syncs with its offline session, refreshed by Shopify's library when it
    // expires; a shop added locally uses the token it was connected with.
    credentialsFor: async (connection, stored) => {
      if (connection.shop.source !== "shopify") return stored;
      return { accessToken: await shopifyOfflineToken(connection.shop.domain) };
    },
    // The shop's catalog is the master: after its listings, read unit costs into Product.
    afterStream: async ({ shop, stream, config, credentials, signal, clock, httpOverrides }) => {
      if (stream !== "listings") return;
      const changed: string[] = [];
      for await (const page of readProductCosts({ config, credentials, signal, clock, httpOverrides })) {
        const result = await upsertCatalog(shop.id, page);
        changed.push(...result.changedCostSkus);
      }
      await markRollupsStale(shop.id, { skus: changed });
    },
  },
};

export function adapterFor(channel: Channel): ChannelAdapter {
  return ADAPTERS[channel];
}

export function listConnections(shopId: string, channel?: Channel) {
  return prisma.channelConnection.findMany({
    where: { shopId, ...(channel ? { channel } : {}) },
    orderBy: { createdAt: "asc" },
  });
}
