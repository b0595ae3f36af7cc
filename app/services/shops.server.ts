import type { Session } from "@shopify/shopify-api";
import type { Prisma, Shop } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { purgeShopFinishedJobs, stopShopJobs } from "#app/queue/queues.server.ts";
import { markRollupsStale } from "#app/services/rollups.server.ts";
import { parseCurrency, parseShopDomain, parseTimeZone } from "#app/services/validation.server.ts";

interface AdminGraphql {
  graphql: (query: string) => Promise<Response>;
}

const SHOP_QUERY = `#graphql
  query CrosschannelShop { shop { name ianaTimezone currencyCode } }`;

interface ShopQueryResult {
  data?: { shop?: { name: string; ianaTimezone: string; currencyCode: string } };
}

/** After Shopify's auth: create or reactivate the shop with its time zone and currency. */
export async function recordInstallation(session: Session, admin: AdminGraphql): Promise<Shop> {
  const response = await admin.graphql(SHOP_QUERY);
  const body = (await response.json()) as ShopQueryResult;
  const info = body.data?.shop;
  if (!info) {
    throw new Error(`Shopify did not return the shop's settings for ${session.shop}.`);
  }
  const before = await prisma.shop.findUnique({ where: { domain: session.shop } });
  const shop = await prisma.shop.upsert({
    where: { domain: session.shop },
    create: {
      domain: session.shop,
      name: info.name,
      timezone: info.ianaTimezone,
      currency: info.currencyCode,
      source: "shopify",
      scopes: session.scope ?? null,
    },
    update: {
      name: info.name,
      timezone: info.ianaTimezone,
      currency: info.currencyCode,
      status: "installed",
      uninstalledAt: null,
      scopes: session.scope ?? null,
    },
  });
  await rollupsFollowSettings(before, shop);
  await audit(shop.id, "system", "shop.installed");
  await connectOwnChannel(shop, session);
  await rescheduleChannelConnections(shop);
  const { scheduleShopEngine } = await import("#app/services/schedules.server.ts");
  await scheduleShopEngine(shop);
  return shop;
}

/**
 * The installed shop is its own first channel (orders, catalog and costs, inventory): its
 * connection uses the offline session, and its streams are scheduled at once.
 */
async function connectOwnChannel(shop: Shop, session: Session): Promise<void> {
  const [{ sealCredentials }, { adapterFor }, { scheduleConnection }] = await Promise.all([
    import("#app/services/crypto.server.ts"),
    import("#app/services/channels.server.ts"),
    import("#app/services/schedules.server.ts"),
  ]);
  const sealed = sealCredentials(
    { shopId: shop.id, channel: "shopify", accountId: shop.domain },
    { accessToken: session.accessToken },
  );
  const data = {
    displayName: `Shopify (${shop.domain})`,
    config: { shopDomain: shop.domain },
    credentials: new Uint8Array(sealed.ciphertext),
    credentialsKeyId: sealed.keyId,
    status: "active" as const,
    lastError: null,
  };
  const connection = await prisma.channelConnection.upsert({
    where: { shopId_channel_accountId: { shopId: shop.id, channel: "shopify", accountId: shop.domain } },
    create: { shopId: shop.id, channel: "shopify", accountId: shop.domain, ...data },
    update: data,
  });
  await scheduleConnection(connection, adapterFor("shopify"));
}

/**
 * app/uninstalled removed every schedule of the shop: on reinstall, the shop's other active
 * channels (Amazon, Best Buy...) are scheduled again, like its own channel above.
 */
async function rescheduleChannelConnections(shop: Shop): Promise<void> {
  const [{ adapterFor }, { scheduleConnection }] = await Promise.all([
    import("#app/services/channels.server.ts"),
    import("#app/services/schedules.server.ts"),
  ]);
  const connections = await prisma.channelConnection.findMany({
    where: { shopId: shop.id, status: "active", channel: { not: "shopify" } },
  });
  for (const connection of connections) await scheduleConnection(connection, adapterFor(connection.channel));
}

/**
 * Days are the shop's local days and costs without a currency are in the shop's currency: when
 * either setting changes, every order's rollups are recomputed (by the next refresh).
 */
async function rollupsFollowSettings(before: Shop | null, after: Shop): Promise<void> {
  if (before && (before.timezone !== after.timezone || before.currency !== after.currency)) {
    await markRollupsStale(after.id, { all: true });
  }
}

export interface LocalShopInput {
  shop: string | undefined;
  timezone: string | undefined;
  currency: string | undefined;
}

/** A shop set up outside Shopify's install flow (demo and local use). */
export async function addLocalShop(input: LocalShopInput): Promise<Shop> {
  const domain = parseShopDomain(input.shop);
  const timezone = parseTimeZone(input.timezone);
  const currency = parseCurrency(input.currency);
  const before = await prisma.shop.findUnique({ where: { domain } });
  const shop = await prisma.shop.upsert({
    where: { domain },
    create: { domain, timezone, currency, source: "local", name: domain.replace(/\.myshopify\.com$/, "") },
    update: { timezone, currency, status: "installed", uninstalledAt: null },
  });
  await rollupsFollowSettings(before, shop);
  await audit(shop.id, "cli", "shop.added", { timezone, currency });
  return shop;
}

export function listShops(): Promise<Shop[]> {
  return prisma.shop.findMany({ orderBy: { domain: "asc" } });
}

export function findShop(domain: string): Promise<Shop | null> {
  return prisma.shop.findUnique({ where: { domain } });
}

/** app/uninstalled: the shop stops syncing at once; its data stays until shop/redact. */
export async function markUninstalled(domain: string): Promise<void> {
  await prisma.session.deleteMany({ where: { shop: domain } });
  const shop = await prisma.shop.findUnique({ where: { domain } });
  if (!shop) return;
  if (shop.status !== "uninstalled") {
    await prisma.shop.update({ where: { id: shop.id }, data: { status: "uninstalled", uninstalledAt: new Date() } });
    await audit(shop.id, "webhook", "shop.uninstalled");
  }
  await stopShopJobs(shop.id);
  // Alerts queued for delivery are not sent to a shop that left.
  const { dropPendingDeliveries } = await import("#app/services/alert-delivery.server.ts");
  await dropPendingDeliveries(shop.id);
}

/** shop/redact: every row of the shop goes (its tables cascade from Shop), sessions too. */
export async function redactShop(domain: string): Promise<{ deletedShop: boolean }> {
  const shop = await prisma.shop.findUnique({ where: { domain } });
  if (shop) {
    await stopShopJobs(shop.id);
    await purgeShopFinishedJobs(shop.id);
  }
  const [, deleted] = await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop: domain } }),
    prisma.shop.deleteMany({ where: { domain } }),
  ]);
  return { deletedShop: deleted.count > 0 };
}

export async function updateScopes(domain: string, sessionId: string | undefined, scopes: string[]): Promise<void> {
  const scope = scopes.join(",");
  if (sessionId) {
    await prisma.session.updateMany({ where: { id: sessionId }, data: { scope } });
  }
  await prisma.shop.updateMany({ where: { domain }, data: { scopes: scope } });
}

export async function audit(
  shopId: string,
  actor: string,
  action: string,
  data?: Prisma.InputJsonValue,
  target?: string,
): Promise<void> {
  await prisma.auditLog.create({ data: { shopId, actor, action, data, target } });
}
