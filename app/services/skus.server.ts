import type { Channel } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { unmatchedSkus } from "#app/ingest/catalog.server.ts";
import { ingestPool } from "#app/db/pool.server.ts";
import { markRollupsStale, refreshRollups } from "#app/services/rollups.server.ts";
import { audit } from "#app/services/shops.server.ts";
import { InputError } from "#app/services/validation.server.ts";

export { unmatchedSkus };

/**
 * Maps a channel's SKU to a master product whose SKU differs (e.g. Amazon "MUG-BLUE-FBA" is
 * the catalog's "MUG-BLUE"): its rows link to the product, and the COGS of its orders are rolled up again.
 */
export async function mapSku(
  shopId: string,
  input: { channel: Channel; sku: string; to: string },
  options: { actor?: string } = {},
) {
  const product = await prisma.product.findUnique({ where: { shopId_sku: { shopId, sku: input.to } } });
  if (!product) {
    throw new InputError(
      "--to",
      `--to must be a SKU of the master catalog (the shop's own products); ${input.to} is not one.`,
    );
  }
  await prisma.skuAlias.upsert({
    where: { shopId_channel_sku: { shopId, channel: input.channel, sku: input.sku } },
    create: { shopId, channel: input.channel, sku: input.sku, productId: product.id },
    update: { productId: product.id },
  });
  const pool = ingestPool();
  const linked = await pool.query(
    `update "OrderLine" l set "productId" = $4 from "Order" o
     where l."orderId" = o.id and l."shopId" = $1 and o.channel = $2::"Channel" and l.sku = $3`,
    [shopId, input.channel, input.sku, product.id],
  );
  for (const table of ["ChannelListing", "InventoryLevel"]) {
    await pool.query(
      `update "${table}" set "productId" = $4 where "shopId" = $1 and channel = $2::"Channel" and sku = $3`,
      [shopId, input.channel, input.sku, product.id],
    );
  }
  await markRollupsStale(shopId, { skus: [input.sku] });
  await refreshRollups(shopId);
  await audit(shopId, options.actor ?? "cli", "sku.mapped", input);
  return { lines: linked.rowCount ?? 0, product: product.sku };
}
