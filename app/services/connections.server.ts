import {
  checkConnection,
  ConfigError,
  type ChannelOrder,
  type Clock,
  type Connector,
  type HttpOverrides,
} from "@crosschannel/connector-sdk";
import type { Channel, ChannelConnection, Prisma, Shop } from "@prisma/client";

import prisma from "#app/db.server.ts";
import type { FeeRefunds } from "#app/ingest/writers.server.ts";
import { sealCredentials } from "#app/services/crypto.server.ts";
import { markRollupsStale } from "#app/services/rollups.server.ts";
import { withNetworkPolicy } from "#app/services/network-policy.server.ts";
import { audit } from "#app/services/shops.server.ts";

/** How the app reads one channel's settings file: which part is secret, which account it is. */
export interface ChannelAdapter<Config = unknown, Credentials = unknown> {
  channel: Channel;
  connector: Connector<Config, Credentials>;
  /** Splits the one JSON settings object into non-secret config and secret credentials. */
  split(settings: unknown, shop: Shop): { config: unknown; credentials: unknown };
  /** The channel account a connection belongs to (seller id, Mirakl shop, shop domain). */
  accountId(config: Config): string;
  displayName(config: Config): string;
  /** For a shop's own orders: the marketplace an order was copied from (Marketplace Connect). */
  originOf?: (order: ChannelOrder) => string | null;
  /** Channels that report refunds as financial events (Amazon): which fee rows are refunds. */
  feeRefunds?: FeeRefunds;
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
  config: unknown;
  credentials: unknown;
  signal?: AbortSignal;
  clock?: Clock;
  httpOverrides?: HttpOverrides;
}

export class ConnectionError extends Error {
  override readonly name = "ConnectionError";
}

export interface ConnectOptions {
  clock?: Clock;
  httpOverrides?: HttpOverrides;
  actor?: string;
}

/**
 * Creates or updates a shop's connection to a channel: the settings are validated, the
 * credentials proven with one cheap call, then stored with the secret part encrypted.
 * Nothing is stored when any of it fails, and the error says what to fix.
 */
export async function connectChannel(
  shop: Shop,
  adapter: ChannelAdapter,
  settings: unknown,
  options: ConnectOptions = {},
): Promise<ChannelConnection> {
  const { connector } = adapter;
  let config: unknown;
  let credentials: unknown;
  try {
    const parts = adapter.split(settings, shop);
    config = connector.parseConfig(parts.config);
    credentials = connector.parseCredentials(parts.credentials);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConnectionError(error.message);
    throw error;
  }
  const check = await checkConnection(connector, {
    config,
    credentials,
    clock: options.clock,
    httpOverrides: withNetworkPolicy(options.httpOverrides),
  });
  if (!check.ok) {
    throw new ConnectionError(`${connector.displayName} refused the connection: ${check.message}`);
  }
  const accountId = adapter.accountId(config);
  const sealed = sealCredentials({ shopId: shop.id, channel: adapter.channel, accountId }, credentials);
  const data = {
    displayName: adapter.displayName(config),
    config: config as Prisma.InputJsonObject,
    credentials: new Uint8Array(sealed.ciphertext),
    credentialsKeyId: sealed.keyId,
    status: "active" as const,
    lastCheckedAt: new Date(),
    lastError: null,
  };
  const connection = await prisma.channelConnection.upsert({
    where: { shopId_channel_accountId: { shopId: shop.id, channel: adapter.channel, accountId } },
    create: { shopId: shop.id, channel: adapter.channel, accountId, ...data },
    update: data,
  });
  // With the marketplace connected, the shop's Marketplace Connect copies of its orders count
  // under the marketplace only (metrics.md): their rollups change.
  if (adapter.channel !== "shopify") await markRollupsStale(shop.id, { importedFrom: adapter.channel });
  await audit(
    shop.id,
    options.actor ?? "cli",
    "connection.saved",
    { channel: adapter.channel, accountId, accountName: check.accountName ?? null },
    connection.id,
  );
  return connection;
}
