import { checkConnection, ConfigError, type Clock, type HttpOverrides } from "@crosschannel/connector-sdk";
import type { ChannelConnection, Prisma, Shop } from "@prisma/client";

import prisma from "#app/db.server.ts";
import type { ChannelAdapter } from "#app/services/channels.server.ts";
import { sealCredentials } from "#app/services/crypto.server.ts";
import { markRollupsStale } from "#app/services/rollups.server.ts";
import { withNetworkPolicy } from "#app/services/network-policy.server.ts";
import { audit } from "#app/services/shops.server.ts";

export class ConnectionError extends Error {
  override readonly name = "ConnectionError";
}
// The error keeps what caused it (`cause`: the connector's ConfigError or ConnectorHttpError),
// so a form can put the message on the field it is about.

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
  const { connector, connection: spec } = adapter;
  let validated: ReturnType<typeof connector.validateSettings>;
  try {
    const parts = spec.splitSettings(settings, { shopDomain: shop.domain });
    validated = connector.validateSettings(parts.config, parts.credentials);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConnectionError(error.message, { cause: error });
    throw error;
  }
  const { config, credentials } = validated;
  const check = await checkConnection(connector, {
    settings: validated,
    clock: options.clock,
    httpOverrides: withNetworkPolicy(options.httpOverrides),
  });
  if (!check.ok) {
    throw new ConnectionError(`${connector.displayName} refused the connection: ${check.message}`, {
      cause: check.error,
    });
  }
  const accountId = spec.accountId(config);
  const sealed = sealCredentials({ shopId: shop.id, channel: adapter.channel, accountId }, credentials);
  const data = {
    displayName: spec.displayName(config),
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
  if (!adapter.records.originOf) await markRollupsStale(shop.id, { importedFrom: adapter.channel });
  await audit(
    shop.id,
    options.actor ?? "cli",
    "connection.saved",
    { channel: adapter.channel, accountId, accountName: check.accountName ?? null },
    connection.id,
  );
  return connection;
}
