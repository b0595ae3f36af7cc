import type { ShopifyVariantCost } from "@crosschannel/connector-shopify";
import type pg from "pg";

import { ingestPool } from "#app/db/pool.server.ts";

/**
 * One variant of the shop's own catalog (the master): its SKU, title and unit cost, as the
 * Shopify connector reads it (webhooks may not know the inventory item).
 */
export type CatalogEntry = Omit<ShopifyVariantCost, "updatedAt" | "inventoryItemId"> & {
  inventoryItemId?: string | null;
  /** The channel's time of these facts (the variant's updatedAt); older than the stored ones, they are ignored. */
  updatedAt?: string | null;
};

export interface UpsertCatalogOptions {
  /** Entries whose cost is unknown (webhooks without one) keep the stored cost. */
  keepStoredCost?: boolean;
}

/** The incoming catalog facts are at least as new as the stored ones (or either has no time). */
const NEWER = `("Product"."catalogUpdatedAt" is null or excluded."catalogUpdatedAt" is null
  or "Product"."catalogUpdatedAt" <= excluded."catalogUpdatedAt")`;

/**
 * Upserts master products by SKU and returns the SKUs whose unit cost changed (their COGS
 * must be rolled up again). Then links every channel's rows with that SKU to its product.
 */
export async function upsertCatalog(
  shopId: string,
  entries: readonly CatalogEntry[],
  options: UpsertCatalogOptions = {},
  pool: pg.Pool = ingestPool(),
) {
  if (entries.length === 0) return { changedCostSkus: [] as string[] };
  // The last entry of a SKU wins when a page lists it twice (two variants sharing a SKU).
  const bySku = new Map(entries.map((entry) => [entry.sku, entry]));
  const rows = [...bySku.values()];
  const client = await pool.connect();
  try {
    await client.query("begin");
    const changed = await client.query<{ sku: string }>(
      `with input as (
         select * from unnest($2::text[], $3::text[], $4::numeric[], $5::text[], $6::text[], $7::text[], $8::text[],
             $9::text[], $11::text[]) as t(sku, title, unit_cost, currency, product_id, variant_id, barcode,
             inventory_item_id, updated_at)
       ), before as (
         select p.sku, p."unitCost" from "Product" p join input i on p."shopId" = $1 and p.sku = i.sku
       ), upserted as (
         insert into "Product" (id, "shopId", sku, title, "unitCost", "costCurrency", "shopifyProductId",
             "shopifyVariantId", barcode, "shopifyInventoryItemId", "catalogUpdatedAt", "costUpdatedAt",
             "costSource", "createdAt", "updatedAt")
         select gen_random_uuid()::text, $1, sku, title, unit_cost, currency, product_id, variant_id, barcode,
           inventory_item_id, updated_at::timestamptz at time zone 'UTC',
           case when $10 and unit_cost is null then null else now() at time zone 'UTC' end,
           case when unit_cost is null then null else 'shopify' end, now(), now()
         from input
         on conflict ("shopId", sku) do update set
           -- Newest wins for the catalog facts: an older products/update (or page) leaves them.
           title = case when ${NEWER} then excluded.title else "Product".title end,
           -- A cost read by a sync is current when read; a kept (unknown) cost stays as it is.
           "unitCost" = case when $10 and excluded."unitCost" is null then "Product"."unitCost" else excluded."unitCost" end,
           "costCurrency" = case when $10 and excluded."unitCost" is null then "Product"."costCurrency"
                            else excluded."costCurrency" end,
           "costUpdatedAt" = case when $10 and excluded."unitCost" is null then "Product"."costUpdatedAt"
                            else excluded."costUpdatedAt" end,
           "costSource" = case when $10 and excluded."unitCost" is null then "Product"."costSource"
                            else excluded."costSource" end,
           "shopifyProductId" = case when ${NEWER} then excluded."shopifyProductId" else "Product"."shopifyProductId" end,
           "shopifyVariantId" = case when ${NEWER} then excluded."shopifyVariantId" else "Product"."shopifyVariantId" end,
           barcode = case when ${NEWER} then excluded.barcode else "Product".barcode end,
           "shopifyInventoryItemId" = coalesce(excluded."shopifyInventoryItemId", "Product"."shopifyInventoryItemId"),
           "catalogUpdatedAt" = case when ${NEWER} then coalesce(excluded."catalogUpdatedAt", "Product"."catalogUpdatedAt")
                                else "Product"."catalogUpdatedAt" end,
           "updatedAt" = now()
         returning sku, "unitCost"
       )
       select u.sku from upserted u left join before b on b.sku = u.sku
       where b.sku is null or b."unitCost" is distinct from u."unitCost"`,
      [
        shopId,
        rows.map((row) => row.sku),
        rows.map((row) => row.title),
        rows.map((row) => row.unitCost),
        rows.map((row) => (row.unitCost === null ? null : row.currency)),
        rows.map((row) => row.productId),
        rows.map((row) => row.variantId),
        rows.map((row) => row.barcode),
        rows.map((row) => row.inventoryItemId ?? null),
        options.keepStoredCost ?? false,
        rows.map((row) => row.updatedAt ?? null),
      ],
    );
    const skus = rows.map((row) => row.sku);
    for (const table of ["OrderLine", "ChannelListing", "InventoryLevel"]) {
      await client.query(
        `update "${table}" t set "productId" = p.id from "Product" p
         where t."shopId" = $1 and p."shopId" = $1 and t."productId" is null and t.sku = p.sku and p.sku = any($2::text[])`,
        [shopId, skus],
      );
    }
    await client.query("commit");
    return { changedCostSkus: changed.rows.map((row) => row.sku) };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** SKUs sold or listed on a channel that match no master product (nor an alias), for the merchant to map. */
export async function unmatchedSkus(shopId: string, pool: pg.Pool = ingestPool()) {
  const result = await pool.query<{ channel: string; sku: string; lines: string }>(
    `select channel::text, sku, count(*)::text as lines from (
       select o.channel, l.sku from "OrderLine" l join "Order" o on o.id = l."orderId"
       where l."shopId" = $1 and l."productId" is null
       union all
       select channel, sku from "ChannelListing" where "shopId" = $1 and "productId" is null
     ) x group by channel, sku order by channel, sku`,
    [shopId],
  );
  return result.rows.map((row) => ({ channel: row.channel, sku: row.sku, rows: Number(row.lines) }));
}
