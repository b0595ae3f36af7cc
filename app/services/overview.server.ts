import type { Shop } from "@prisma/client";

import prisma from "#app/db.server.ts";

/** What the overview page shows of a shop: its settings, connected channels, and how imported orders count. */
export async function shopOverview(shop: Shop) {
  const connections = await prisma.channelConnection.findMany({
    where: { shopId: shop.id },
    select: { id: true, channel: true, displayName: true, status: true },
    orderBy: { createdAt: "asc" },
  });
  const imported = await prisma.order.groupBy({
    by: ["importedFrom"],
    where: { shopId: shop.id, channel: "shopify", importedFrom: { not: null } },
    _count: { _all: true },
  });
  const connected = new Set(connections.map((connection) => connection.channel as string));
  return {
    shop: { domain: shop.domain, name: shop.name ?? shop.domain, currency: shop.currency, timezone: shop.timezone },
    connections,
    // Shopify copies of marketplace orders (Marketplace Connect): counted once, under the marketplace when it is connected.
    marketplaceImports: imported
      .map((group) => ({
        marketplace: group.importedFrom as string,
        orders: group._count._all,
        countedUnder: connected.has(group.importedFrom as string) ? (group.importedFrom as string) : "shopify",
      }))
      .sort((a, b) => a.marketplace.localeCompare(b.marketplace)),
  };
}
