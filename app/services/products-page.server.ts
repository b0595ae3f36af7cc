/**
 * The Products page: one row per catalog product (and per SKU that sold without being in the
 * catalog), with its performance over the page's date range (app/services/performance.server.ts)
 * and its stock and days of cover per channel, filtered, sorted and paged from the URL. The CSV
 * export reads the same function (every page of rows). Definitions: docs/metrics.md, "Products page".
 */
import type { Shop } from "@prisma/client";

import type { AbcClass } from "#app/analytics/index.ts";
import { localDay } from "#app/analytics/days.ts";
import { parseMoney } from "#app/analytics/money.ts";
import prisma from "#app/db.server.ts";
import { CHANNEL_IDS, isChannel } from "#app/services/channels.server.ts";
import { comparisonRange, overviewRange } from "#app/services/overview.server.ts";
import { ingestPool } from "#app/db/pool.server.ts";
import { cachedByVersion } from "#app/services/page-cache.server.ts";
import { inventoryVersion, productPerformance, shopInventoryHealth } from "#app/services/performance.server.ts";

export const PRODUCTS_PAGE_SIZE = 50;
export const PRODUCT_SORTS = ["netSales", "units", "margin", "velocity", "trend", "cover", "sku"] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];
const ABC: readonly AbcClass[] = ["A", "B", "C"];

export interface ProductChannelRow {
  channel: string;
  units: number;
  netSales: string;
  /** Sellable units summed over the channel's locations; null when the channel reports no stock for it. */
  available: number | null;
  /** Days the channel's stock lasts at its forecast; null without stock or without a forecast of demand. */
  daysOfCover: number | null;
}

export interface ProductRow {
  sku: string;
  title: string | null;
  units: number;
  netSales: string;
  contributionProfit: string;
  /** Contribution profit ÷ net sales; null without net sales. */
  margin: number | null;
  /** Units per day over the range. */
  velocity: number;
  /** Velocity against the comparison period's, as a share; null when nothing sold then. */
  trend: number | null;
  abc: AbcClass;
  /** Total sellable units across channels; null when no channel reports stock. */
  available: number | null;
  /** The lowest days of cover of the channels that stock it; null when none has a forecast. */
  daysOfCover: number | null;
  channels: ProductChannelRow[];
}

function compareMoney(a: string, b: string) {
  const x = parseMoney(a);
  const y = parseMoney(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Nulls sort last in either direction. */
function nullable(a: number | null, b: number | null, descending: boolean) {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return descending ? b - a : a - b;
}

function sorter(sort: ProductSort, descending: boolean) {
  const sign = descending ? -1 : 1;
  return (a: ProductRow, b: ProductRow): number => {
    let order: number;
    switch (sort) {
      case "netSales":
        order = sign * compareMoney(a.netSales, b.netSales);
        break;
      case "units":
        order = sign * (a.units - b.units);
        break;
      case "velocity":
        order = sign * (a.velocity - b.velocity);
        break;
      case "margin":
        order = nullable(a.margin, b.margin, descending);
        break;
      case "trend":
        order = nullable(a.trend, b.trend, descending);
        break;
      case "cover":
        order = nullable(a.daysOfCover, b.daysOfCover, descending);
        break;
      case "sku":
        order = sign * a.sku.localeCompare(b.sku);
        break;
    }
    return order || a.sku.localeCompare(b.sku);
  };
}

/** Every product's row for a range, before filters: the page's slow part, reused while its data is unchanged. */
async function productRows(
  shop: Shop,
  range: { from: string; to: string },
  previous: { from: string; to: string },
  today: string,
): Promise<ProductRow[]> {
  const [version, stockVersion] = await Promise.all([
    ingestPool().query<{ version: string }>(
      `select concat_ws('|',
       (select concat_ws(':', count(*), max("updatedAt")) from "DailyRollup"
          where "shopId" = $1 and day between $2::date and $3::date),
       (select concat_ws(':', count(*), max("updatedAt")) from "Product" where "shopId" = $1)) as version`,
      [shop.id, previous.from < range.from ? previous.from : range.from, range.to],
    ),
    inventoryVersion(shop.id),
  ]);
  const key = `products:${shop.id}:${shop.currency}:${range.from}:${range.to}:${previous.from}:${previous.to}:${today}`;
  return cachedByVersion(
    key,
    `${version.rows[0]?.version}|${stockVersion}|${shop.leadTimeDays}|${shop.lowStockDays}|${shop.serviceLevel}`,
    async () => {
      const [report, catalog, stock] = await Promise.all([
        productPerformance(shop, range, previous),
        prisma.product.findMany({ where: { shopId: shop.id }, select: { sku: true, title: true } }),
        shopInventoryHealth(shop, today),
      ]);
      const titles = new Map(catalog.map((product) => [product.sku, product.title]));
      const stockBySku = new Map<string, typeof stock>();
      for (const row of stock) stockBySku.set(row.sku, [...(stockBySku.get(row.sku) ?? []), row]);
      const performance = new Map(report.products.map((product) => [product.sku, product]));
      const skus = new Set([...titles.keys(), ...performance.keys()]);

      return [...skus].map((sku) => {
        const figures = performance.get(sku);
        const levels = stockBySku.get(sku) ?? [];
        const channels: ProductChannelRow[] = CHANNEL_IDS.flatMap((channel) => {
          const sold = figures?.byChannel.find((row) => row.channel === channel);
          const level = levels.find((row) => row.channel === channel);
          if (!sold && !level) return [];
          return [
            {
              channel,
              units: sold?.units ?? 0,
              netSales: sold?.netSales ?? "0.0000",
              available: level ? level.available : null,
              daysOfCover:
                level && level.forecasted && Number.isFinite(level.daysOfCover)
                  ? Math.round(level.daysOfCover * 10) / 10
                  : null,
            },
          ];
        });
        const stocked = channels.filter((row) => row.available !== null);
        const covers = channels.flatMap((row) => (row.daysOfCover === null ? [] : [row.daysOfCover]));
        return {
          sku,
          title: titles.get(sku) ?? null,
          units: figures?.units ?? 0,
          netSales: figures?.netSales ?? "0.0000",
          contributionProfit: figures?.contributionProfit ?? "0.0000",
          margin: figures?.margin ?? null,
          velocity: figures ? Math.round(figures.velocity * 100) / 100 : 0,
          trend: figures?.velocityChange ?? null,
          // A product that sold nothing in the range is in class C (the last 5% of net sales, and below).
          abc: figures?.abc ?? "C",
          available: stocked.length > 0 ? stocked.reduce((sum, row) => sum + (row.available ?? 0), 0) : null,
          daysOfCover: covers.length > 0 ? Math.min(...covers) : null,
          channels,
        };
      });
    },
  );
}

/**
 * Every product of the shop with its figures for the URL's range (`from`, `to`; the last 30
 * days by default) against the period before it, filtered by `q` (SKU or title), `channel`
 * (sold or stocked there) and `abc`, sorted by `sort`/`dir`, paged by `page`.
 */
export async function productsTable(shop: Shop, params: URLSearchParams, now = new Date()) {
  const { range, rangeError } = overviewRange(params.get("from"), params.get("to"), shop.timezone, now);
  const previous = comparisonRange(range, "previous")!;
  const today = localDay(now, shop.timezone);
  const all = await productRows(shop, range, previous, today);

  const query = params.get("q")?.trim().toLowerCase() ?? "";
  const channelParam = params.get("channel");
  const channel = isChannel(channelParam) ? channelParam : null;
  const abcParam = params.get("abc");
  const abc = ABC.includes(abcParam as AbcClass) ? (abcParam as AbcClass) : null;
  const sortParam = params.get("sort");
  const sort: ProductSort = PRODUCT_SORTS.includes(sortParam as ProductSort) ? (sortParam as ProductSort) : "netSales";
  // Money and counts read best largest first; a SKU alphabetically.
  const dirParam = params.get("dir");
  const descending = dirParam === "asc" ? false : dirParam === "desc" ? true : sort !== "sku";

  const rows = all
    .filter(
      (row) =>
        (!query || row.sku.toLowerCase().includes(query) || (row.title ?? "").toLowerCase().includes(query)) &&
        (!channel || row.channels.some((entry) => entry.channel === channel)) &&
        (!abc || row.abc === abc),
    )
    .sort(sorter(sort, descending));
  const pages = Math.max(1, Math.ceil(rows.length / PRODUCTS_PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1));
  return {
    range,
    previous,
    rangeError,
    currency: shop.currency,
    total: all.length,
    matching: rows.length,
    channels: CHANNEL_IDS.filter((id) => all.some((row) => row.channels.some((entry) => entry.channel === id))),
    filters: { q: query, channel, abc, sort, dir: descending ? "desc" : "asc" },
    page,
    pages,
    rows,
    pageRows: rows.slice((page - 1) * PRODUCTS_PAGE_SIZE, page * PRODUCTS_PAGE_SIZE),
  };
}

export const PRODUCTS_HEADER = [
  "SKU",
  "Product",
  "Units",
  "Net sales",
  "Contribution margin",
  "Velocity (units/day)",
  "Trend vs previous period",
  "ABC class",
  "Available",
  "Days of cover",
  "By channel",
];

/** A share as the page shows it: "12.3%" (one decimal), "" when there is none. */
export function percentText(share: number | null): string {
  return share === null ? "" : `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

/** One table row as the CSV holds it (the page shows the same values, formatted). */
export function productCells(row: ProductRow): (string | number | null)[] {
  return [
    row.sku,
    row.title,
    row.units,
    row.netSales,
    percentText(row.margin),
    row.velocity,
    percentText(row.trend),
    row.abc,
    row.available,
    row.daysOfCover,
    row.channels
      .map(
        (entry) =>
          `${entry.channel}: ${entry.units} units, ${entry.available ?? "no"} in stock` +
          (entry.daysOfCover === null ? "" : `, ${entry.daysOfCover} days`),
      )
      .join("; "),
  ];
}
