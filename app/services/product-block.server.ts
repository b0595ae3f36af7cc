import { addDays, parseMoney, toMoneyString } from "#app/analytics/index.ts";
import prisma from "#app/db.server.ts";
import { localDay } from "#app/analytics/days.ts";
import { inventoryHealth, productPerformance, type ShopStockSettings } from "#app/services/performance.server.ts";
import { InputError } from "#app/services/validation.server.ts";

/** Days the product-page block covers, ending today in the shop's time zone. */
export const PRODUCT_BLOCK_DAYS = 30;

export interface ProductBlockChannel {
  channel: string;
  units: number;
  netSales: string;
  contributionProfit: string;
}

export interface ProductBlockStock {
  sku: string;
  channel: string;
  /** Units the channel reports as available (negative when oversold), summed over its locations. */
  available: number;
  /** Days of cover (docs/metrics.md); null when no demand is forecast (∞). */
  daysOfCover: number | null;
  stockOutDate: string | null;
  status: "out_of_stock" | "low_stock" | "ok" | "no_demand";
  /** False when the SKU × channel has no forecast with demand: cover assumes none. */
  forecasted: boolean;
}

export interface ProductBlockVariant {
  sku: string;
  title: string;
  /** The catalog product's page in the app (`/app/products/<Product.id>`). */
  appPath: string;
}

export interface ProductBlockData {
  shopifyProductId: string;
  currency: string;
  /** Inclusive shop-local days. */
  period: { from: string; to: string };
  /** The catalog products (one per SKU) of this Shopify product, by SKU. */
  variants: ProductBlockVariant[];
  /** Last 30 days by channel, summed over the product's SKUs, in the shop's currency. */
  channels: ProductBlockChannel[];
  total: Omit<ProductBlockChannel, "channel">;
  /** Stock and days of cover per SKU × channel. */
  stock: ProductBlockStock[];
}

/** The numeric id of `gid://shopify/Product/<id>` or of a bare id; anything else is an InputError. */
export function parseShopifyProductId(value: string | undefined): string {
  const match = /^(?:gid:\/\/shopify\/Product\/)?([1-9][0-9]{0,19})$/.exec(value ?? "");
  if (!match) {
    throw new InputError(
      "productId",
      // The value is not repeated back: an answer shows only what the shop owns.
      "This is not a Shopify product id: pass the number of gid://shopify/Product/<number>.",
    );
  }
  return match[1] as string;
}

/**
 * What the admin product-details block shows for one Shopify product of this shop: the last
 * 30 days by channel and stock with days of cover, from the same services the products and
 * inventory figures come from. Null when the shop has no catalog product for it (another
 * shop's product included: queries are scoped by `shop.id`).
 */
export async function productBlock(
  shop: ShopStockSettings & { timezone: string; currency: string },
  productId: string,
  options: { now?: Date } = {},
): Promise<ProductBlockData | null> {
  const id = parseShopifyProductId(productId);
  const products = await prisma.product.findMany({
    where: { shopId: shop.id, shopifyProductId: `gid://shopify/Product/${id}` },
    select: { id: true, sku: true, title: true },
    orderBy: { sku: "asc" },
  });
  if (products.length === 0) return null;
  const skus = products.map((product) => product.sku);
  const today = localDay(options.now ?? new Date(), shop.timezone);
  const period = { from: addDays(today, 1 - PRODUCT_BLOCK_DAYS), to: today };
  const previous = { from: addDays(period.from, -PRODUCT_BLOCK_DAYS), to: addDays(period.from, -1) };
  const [report, health] = await Promise.all([
    productPerformance(shop, period, previous, { skus }),
    inventoryHealth(shop, today, { skus }),
  ]);

  const byChannel = new Map<string, { units: number; netSales: bigint; contributionProfit: bigint }>();
  for (const product of report.products) {
    for (const entry of product.byChannel) {
      const sums = byChannel.get(entry.channel) ?? { units: 0, netSales: 0n, contributionProfit: 0n };
      sums.units += entry.units;
      sums.netSales += parseMoney(entry.netSales);
      sums.contributionProfit += parseMoney(entry.contributionProfit);
      byChannel.set(entry.channel, sums);
    }
  }
  const channels = [...byChannel.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([channel, sums]) => ({
      channel,
      units: sums.units,
      netSales: toMoneyString(sums.netSales, shop.currency),
      contributionProfit: toMoneyString(sums.contributionProfit, shop.currency),
    }));
  const sum = [...byChannel.values()].reduce(
    (acc, sums) => ({
      units: acc.units + sums.units,
      netSales: acc.netSales + sums.netSales,
      contributionProfit: acc.contributionProfit + sums.contributionProfit,
    }),
    { units: 0, netSales: 0n, contributionProfit: 0n },
  );

  return {
    shopifyProductId: id,
    currency: shop.currency,
    period,
    variants: products.map((product) => ({
      sku: product.sku,
      title: product.title,
      appPath: `/app/products/${encodeURIComponent(product.id)}`,
    })),
    channels,
    total: {
      units: sum.units,
      netSales: toMoneyString(sum.netSales, shop.currency),
      contributionProfit: toMoneyString(sum.contributionProfit, shop.currency),
    },
    stock: health
      .map((row) => ({
        sku: row.sku,
        channel: row.channel,
        available: row.available,
        daysOfCover: Number.isFinite(row.daysOfCover) ? row.daysOfCover : null,
        stockOutDate: row.stockOutDate,
        status: row.status,
        forecasted: row.forecasted,
      }))
      .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.channel < b.channel ? -1 : 1)),
  };
}
