import { amazonConnector } from "@crosschannel/connector-amazon";
import { bestbuyConnector } from "@crosschannel/connector-bestbuy";
import { readProductCosts, shopifyConnector } from "@crosschannel/connector-shopify";
import type {
  Clock,
  ConnectionSpec,
  Connector,
  HttpOverrides,
  RecordRules,
  ValidatedSettings,
} from "@crosschannel/connector-sdk";
import type { Channel, ChannelConnection, Shop } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { upsertCatalog } from "#app/ingest/catalog.server.ts";
import { markRollupsStale } from "#app/services/rollups.server.ts";
import { shopifyOfflineToken } from "#app/services/shopify-offline-token.server.ts";

/**
 * One channel as the app uses it: its connector (settings, account, backfill window and record
 * rules, all declared by the connector package) plus the two things only the app can do.
 */
export interface ChannelAdapter<Config = unknown, Credentials = unknown> {
  channel: Channel;
  connector: Connector<Config, Credentials>;
  /** From the connector: how a connection's settings are split, named and backfilled. */
  connection: ConnectionSpec<Config>;
  /** From the connector: how its records map onto the app's tables. */
  records: RecordRules;
  /** Fresh credentials at run time (an installed shop's offline token), instead of the stored ones. */
  credentialsFor?: (connection: ChannelConnection & { shop: Shop }, stored: unknown) => Promise<unknown>;
  /**
   * Work after a stream synced (the master catalog's unit costs); marks the orders whose
   * rollups it changed stale (markRollupsStale), the sync refreshes them next.
   */
  afterStream?: (context: AfterStreamContext) => Promise<void>;
}

export interface AfterStreamContext {
  shop: Shop;
  stream: string;
  settings: ValidatedSettings;
  signal?: AbortSignal;
  clock?: Clock;
  httpOverrides?: HttpOverrides;
}

type AppHooks = Pick<ChannelAdapter, "credentialsFor" | "afterStream">;

/** A channel of the app from its connector package; refuses a connector that does not say how to store it. */
export function channelOf<Config, Credentials>(
  channel: Channel,
  connector: Connector<Config, Credentials>,
  hooks: AppHooks = {},
): ChannelAdapter<Config, Credentials> {
  if (!connector.connection) {
    throw new TypeError(
      `Connector "${connector.id}" declares no \`connection\` (ConnectionSpec): the app cannot store it.`,
    );
  }
  return Object.freeze({ channel, connector, connection: connector.connection, records: connector.records, ...hooks });
}

/** The registry: one line per channel this build connects, each a workspace package under connectors/. */
const CHANNELS: { readonly [C in Channel]: ChannelAdapter } = {
  amazon: channelOf("amazon", amazonConnector) as ChannelAdapter,
  bestbuy: channelOf("bestbuy", bestbuyConnector) as ChannelAdapter,
  shopify: channelOf("shopify", shopifyConnector, {
    // An installed shop syncs with its offline session, refreshed by Shopify's library when it
    // expires; a shop added locally uses the token it was connected with.
    credentialsFor: async (connection, stored) => {
      if (connection.shop.source !== "shopify") return stored;
      return { accessToken: await shopifyOfflineToken(connection.shop.domain) };
    },
    // The shop's catalog is the master: after its listings, read unit costs into Product.
    afterStream: async ({ shop, stream, settings, signal, clock, httpOverrides }) => {
      if (stream !== "listings") return;
      const changed: string[] = [];
      for await (const page of readProductCosts({ settings, signal, clock, httpOverrides })) {
        const result = await upsertCatalog(shop.id, page);
        changed.push(...result.changedCostSkus);
      }
      await markRollupsStale(shop.id, { skus: changed });
    },
  }) as ChannelAdapter,
};

/** Every channel of the registry, in its order (the Prisma `Channel` enum holds the same, tested). */
export const CHANNEL_IDS = Object.freeze(Object.keys(CHANNELS) as Channel[]);

export function isChannel(value: unknown): value is Channel {
  return typeof value === "string" && Object.hasOwn(CHANNELS, value);
}

export function adapterFor(channel: Channel): ChannelAdapter {
  const adapter = CHANNELS[channel];
  if (!adapter) throw new TypeError(`Unknown channel "${channel}": known are ${CHANNEL_IDS.join(", ")}.`);
  return adapter;
}

/** The channel's full name, for headings ("Best Buy Marketplace"). */
export function channelTitle(channel: Channel): string {
  return adapterFor(channel).connector.displayName;
}

/** The channel's name in a merchant's sentence ("Best Buy"). */
export function channelName(channel: Channel): string {
  return adapterFor(channel).connector.shortName;
}

export function listConnections(shopId: string, channel?: Channel) {
  return prisma.channelConnection.findMany({
    where: { shopId, ...(channel ? { channel } : {}) },
    orderBy: { createdAt: "asc" },
  });
}
