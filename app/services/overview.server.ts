import type { Shop } from "@prisma/client";

import prisma from "#app/db.server.ts";

/** What the overview page shows of a shop: its settings and connected channels. */
export async function shopOverview(shop: Shop) {
  const connections = await prisma.channelConnection.findMany({
    where: { shopId: shop.id },
    select: { id: true, channel: true, displayName: true, status: true },
    orderBy: { createdAt: "asc" },
  });
  return {
    shop: { domain: shop.domain, name: shop.name ?? shop.domain, currency: shop.currency, timezone: shop.timezone },
    connections,
  };
}
