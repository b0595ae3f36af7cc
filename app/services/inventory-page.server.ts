/**
 * The Inventory page's table: stock health per SKU × channel (app/services/performance.server.ts)
 * with its bucket, filtered, sorted and paged from the page's URL parameters. The CSV export
 * uses the same function (every page of rows).
 */
import prisma from "#app/db.server.ts";
import {
  shopInventoryHealth,
  type ShopStockSettings,
  type SkuInventoryHealth,
} from "#app/services/performance.server.ts";

export const BUCKETS = ["out", "critical", "low", "ok", "overstock"] as const;
export type Bucket = (typeof BUCKETS)[number];
export const BUCKET_LABELS: Record<Bucket, string> = {
  out: "Out",
  critical: "Critical",
  low: "Low",
  ok: "OK",
  overstock: "Overstock",
};
/** Days of cover above which stock is overstock (docs/metrics.md, Inventory buckets). */
export const OVERSTOCK_DAYS = 90;
export const PAGE_SIZE = 50;

/**
 * Out: nothing sellable. Critical: runs out before an order placed today arrives (cover < lead
 * time). Low: cover < the shop's low-stock days. Overstock: cover > 90 days, or stock with a
 * forecast of no demand. OK otherwise (also stock without a forecast: nothing says it is at risk).
 */
export function inventoryBucket(
  row: Pick<SkuInventoryHealth, "stockedOut" | "hasForecast" | "forecasted" | "daysOfCover">,
  shop: Pick<ShopStockSettings, "leadTimeDays" | "lowStockDays">,
): Bucket {
  if (row.stockedOut) return "out";
  if (!row.hasForecast) return "ok";
  // Stock that a forecast says will not sell: infinite cover.
  if (!row.forecasted) return "overstock";
  if (row.daysOfCover < shop.leadTimeDays) return "critical";
  if (row.daysOfCover < shop.lowStockDays) return "low";
  if (row.daysOfCover > OVERSTOCK_DAYS) return "overstock";
  return "ok";
}

const SORTS = {
  sku: (a: SkuInventoryHealth, b: SkuInventoryHealth) =>
    a.sku.localeCompare(b.sku) || a.channel.localeCompare(b.channel),
  cover: (a: SkuInventoryHealth, b: SkuInventoryHealth) => a.daysOfCover - b.daysOfCover || a.sku.localeCompare(b.sku),
  available: (a: SkuInventoryHealth, b: SkuInventoryHealth) => a.available - b.available || a.sku.localeCompare(b.sku),
  order: (a: SkuInventoryHealth, b: SkuInventoryHealth) =>
    a.suggestedOrderQuantity - b.suggestedOrderQuantity || a.sku.localeCompare(b.sku),
} as const;
export type InventorySort = keyof typeof SORTS;

export interface InventoryRow extends SkuInventoryHealth {
  bucket: Bucket;
}

export async function inventoryTable(shop: ShopStockSettings, params: URLSearchParams, today: string) {
  const bucketParam = params.get("bucket");
  const bucket = BUCKETS.includes(bucketParam as Bucket) ? (bucketParam as Bucket) : null;
  const channel = params.get("channel") || null;
  const query = params.get("q")?.trim().toLowerCase() || "";
  const sortParam = params.get("sort") ?? "cover";
  const sort: InventorySort = sortParam in SORTS ? (sortParam as InventorySort) : "cover";
  const descending = params.get("dir") === "desc";
  const all: InventoryRow[] = (await shopInventoryHealth(shop, today)).map((row) => ({
    ...row,
    bucket: inventoryBucket(row, shop),
  }));
  const counts = Object.fromEntries(BUCKETS.map((name) => [name, 0])) as Record<Bucket, number>;
  for (const row of all) counts[row.bucket] += 1;
  const rows = all
    .filter(
      (row) =>
        (!bucket || row.bucket === bucket) &&
        (!channel || row.channel === channel) &&
        (!query || row.sku.toLowerCase().includes(query)),
    )
    .sort((a, b) => (descending ? -1 : 1) * SORTS[sort](a, b));
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1));
  return {
    total: all.length,
    matching: rows.length,
    counts,
    channels: [...new Set(all.map((row) => row.channel))].sort(),
    filters: { bucket, channel, q: query, sort, dir: descending ? "desc" : "asc" },
    page,
    pages,
    rows,
    pageRows: rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
  };
}

export const INVENTORY_HEADER = [
  "SKU",
  "Channel",
  "Status",
  "Available",
  "Reserved",
  "Inbound",
  "Days of cover",
  "Stock-out date",
  "Reorder point",
  "Suggested quantity",
];

/** One table row as the page shows it (and the CSV holds it). */
export function inventoryCells(row: InventoryRow): (string | number | null)[] {
  return [
    row.sku,
    row.channel,
    BUCKET_LABELS[row.bucket],
    row.available,
    row.reserved,
    row.inbound,
    row.forecasted && Number.isFinite(row.daysOfCover) ? Math.round(row.daysOfCover * 10) / 10 : null,
    row.stockOutDate,
    Math.ceil(row.reorderPoint),
    row.suggestedOrderQuantity,
  ];
}

/** Stock per location (Shopify locations, FBA marketplaces, Best Buy offers) of the rows on one page. */
export async function rowLocations(shopId: string, rows: readonly Pick<InventoryRow, "sku" | "channel">[]) {
  if (rows.length === 0) return {};
  const levels = await prisma.inventoryLevel.findMany({
    where: { shopId, sku: { in: [...new Set(rows.map((row) => row.sku))] } },
    select: { channel: true, sku: true, locationId: true, available: true, inbound: true },
    orderBy: [{ locationId: "asc" }],
  });
  const wanted = new Set(rows.map((row) => `${row.channel}\u0000${row.sku}`));
  const byRow: Record<string, Array<{ locationId: string; available: number; inbound: number }>> = {};
  for (const level of levels) {
    const key = `${level.channel}\u0000${level.sku}`;
    if (!wanted.has(key)) continue;
    (byRow[key] ??= []).push({ locationId: level.locationId, available: level.available, inbound: level.inbound });
  }
  return byRow;
}
