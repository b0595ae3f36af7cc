/**
 * CSV export of the app's tables, exactly as a page shows them (its filters applied, every
 * page of rows, not only the one on screen), served from a short-lived signed URL.
 *
 * Why a signed URL: the admin iframe and Shopify Mobile refuse `blob:` downloads, and a plain
 * navigation to a download cannot carry App Bridge's session token. So the authenticated page
 * asks `/app/export` for a URL (an HMAC over shop id, table, parameters and expiry with the
 * app's secret), and `/exports/<token>` serves the file to whoever holds it for a few minutes.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

import type { Shop } from "@prisma/client";

import { localDay } from "#app/analytics/days.ts";
import prisma from "#app/db.server.ts";
import { INVENTORY_HEADER, inventoryCells, inventoryTable } from "#app/services/inventory-page.server.ts";
import { ALERT_TABS } from "#app/services/insights-page.server.ts";
import { channelName, isChannel } from "#app/services/channels.server.ts";
import { channelSummary, overviewRange, rangeProducts } from "#app/services/overview.server.ts";
import { ProductNotFoundError, productDetail } from "#app/services/product-detail.server.ts";
import { PRODUCTS_HEADER, productCells, productsTable } from "#app/services/products-page.server.ts";

/** How long a download URL works. */
export const EXPORT_TTL_MS = 5 * 60 * 1000;

export type ExportShop = Shop;

export interface ExportTable {
  /** Header row: the column titles the page's table shows. */
  header: string[];
  /** Every row the page's table shows with the same filters, in the same order. */
  rows: (string | number | null)[][];
}

export type Exporter = (shop: ExportShop, params: URLSearchParams) => Promise<ExportTable>;

const registry = new Map<string, Exporter>();

/**
 * Registers a table for export. Pages call this from their service module so that the export
 * and the page share one function computing the rows (the CSV cannot drift from the table).
 */
export function registerExport(name: string, exporter: Exporter) {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new Error(`Export table name "${name}" must be lower-case letters, digits and dashes.`);
  }
  registry.set(name, exporter);
}

export function exportTables(): string[] {
  return [...registry.keys()].sort();
}

function secret(): string {
  const value = process.env.SHOPIFY_API_SECRET;
  if (!value) {
    throw new Error(
      "CSV export needs SHOPIFY_API_SECRET (the app's secret) to sign download URLs; set it in the environment.",
    );
  }
  return value;
}

function sign(payload: string) {
  return createHmac("sha256", secret()).update(`crosschannel-export\u0000${payload}`).digest("base64url");
}

interface TokenPayload {
  /** Shop id. */
  s: string;
  /** Table name. */
  t: string;
  /** The page's URL parameters (filters, sort, search), as a query string. */
  p: string;
  /** Expiry, ms since epoch. */
  e: number;
}

export class ExportError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A token for one shop's table with the page's parameters, valid for EXPORT_TTL_MS. */
export function exportToken(shopId: string, table: string, params: URLSearchParams, now = Date.now()): string {
  if (!registry.has(table)) {
    throw new ExportError(`There is no table "${table}" to export. Tables: ${exportTables().join(", ")}.`, 400);
  }
  const clean = new URLSearchParams(params);
  // Paging is not a filter: the export holds every row the filters select.
  clean.delete("page");
  clean.delete("cursor");
  clean.sort();
  const payload: TokenPayload = { s: shopId, t: table, p: clean.toString(), e: now + EXPORT_TTL_MS };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${sign(body)}`;
}

/** The download path for a token (relative to the app's origin). */
export function exportPath(token: string) {
  return `/exports/${token}`;
}

/** Checks a token's signature and expiry; throws ExportError (403 tampered, 410 expired). */
export function verifyExportToken(token: string, now = Date.now()): TokenPayload {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) {
    throw new ExportError("This download link is malformed. Export the table again from the page.", 400);
  }
  const expected = Buffer.from(sign(body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ExportError(
      "This download link is not valid (it was altered). Export the table again from the page.",
      403,
    );
  }
  const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TokenPayload;
  if (typeof payload.e !== "number" || payload.e < now) {
    throw new ExportError("This download link has expired (links work for 5 minutes). Export the table again.", 410);
  }
  return payload;
}

/** One CSV cell: quoted per RFC 4180 and safe against spreadsheet formula injection. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value;
  // A cell a spreadsheet would read as a formula is prefixed with ' (OWASP CSV injection).
  // Numbers are written as numbers: a negative amount stays -12.50.
  // An exact amount kept as a decimal string ("-12.5000") is a number too, not a formula.
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text) && !/^-\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: ExportTable): string {
  return [table.header, ...table.rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** The CSV file a token stands for, for the shop it names (refused when that shop is gone). */
export async function exportCsv(token: string, now = Date.now()) {
  const payload = verifyExportToken(token, now);
  const exporter = registry.get(payload.t);
  if (!exporter) throw new ExportError(`There is no table "${payload.t}" to export.`, 404);
  const shop = await prisma.shop.findUnique({ where: { id: payload.s } });
  if (!shop || shop.status !== "installed") {
    throw new ExportError("The shop of this download link no longer uses Crosschannel.", 403);
  }
  const table = await exporter(shop, new URLSearchParams(payload.p));
  const day = new Date(now).toISOString().slice(0, 10);
  const filename = `${shop.domain.replace(/\.myshopify\.com$/, "").replace(/[^a-z0-9-]/gi, "-")}-${payload.t}-${day}.csv`;
  return { filename, csv: toCsv(table), rows: table.rows.length };
}

// Inventory: the Inventory page's table with its filters and sort, every page of rows.
registerExport("inventory", async (shop, params) => {
  const table = await inventoryTable(shop, params, localDay(new Date(), shop.timezone));
  return { header: INVENTORY_HEADER, rows: table.rows.map(inventoryCells) };
});

// Products: the Products page's table with its range, filters and sort, every page of rows.
registerExport("products", async (shop, params) => {
  const table = await productsTable(shop, params);
  return { header: PRODUCTS_HEADER, rows: table.rows.map(productCells) };
});

// The overview's "Sales by channel" table for its date range, with its total row.
registerExport("sales-by-channel", async (shop, params) => {
  const { range } = overviewRange(params.get("from"), params.get("to"), shop.timezone);
  const summary = await channelSummary(shop, range);
  type Figures = Pick<
    (typeof summary)["total"],
    "orders" | "units" | "netSales" | "fees" | "cogs" | "contributionProfit"
  >;
  const row = (label: string, figures: Figures) => [
    label,
    figures.orders,
    figures.units,
    figures.netSales,
    figures.fees,
    figures.cogs,
    figures.contributionProfit,
  ];
  return {
    header: ["Channel", "Orders", "Units", `Net sales (${summary.currency})`, "Fees", "COGS", "Contribution profit"],
    rows: [
      ...summary.channels.map((entry) =>
        row(isChannel(entry.channel) ? channelName(entry.channel) : entry.channel, entry.converted),
      ),
      row("Total", summary.total),
    ],
  };
});

// The Insights page's alerts of one status (open by default), newest first, every page.
registerExport("alerts", async (shop, params) => {
  const asked = params.get("status");
  const status = ALERT_TABS.find((tab) => tab === asked) ?? "open";
  const alerts = await prisma.alert.findMany({
    where: { shopId: shop.id, status },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    select: { createdAt: true, severity: true, kind: true, title: true, body: true, status: true },
  });
  return {
    header: ["Raised", "Severity", "Kind", "Alert", "Details", "Status"],
    rows: alerts.map((alert) => [
      alert.createdAt.toISOString(),
      alert.severity,
      alert.kind,
      alert.title,
      alert.body,
      alert.status,
    ]),
  };
});

// The overview's top and bottom products for its range and channel filter.
for (const [table, side, figure] of [
  ["top-products", "top", "Net sales"],
  ["bottom-products", "bottom", "Contribution profit"],
] as const) {
  registerExport(table, async (shop, params) => {
    const { range } = overviewRange(params.get("from"), params.get("to"), shop.timezone);
    const channel = params.get("channel");
    const products = await rangeProducts(shop, range, { channel: isChannel(channel) ? channel : null });
    return {
      header: ["SKU", "Product", "Units", `${figure} (${shop.currency})`, "Days without an exchange rate left out"],
      rows: products[side].map((row) => [
        row.sku,
        row.title,
        row.units,
        side === "top" ? row.netSales : row.contributionProfit,
        row.partial ? "yes" : "no",
      ]),
    };
  });
}

// The overview's profit bridge: one row per step, one column per channel (and all channels).
registerExport("profit-bridge", async (shop, params) => {
  const { range } = overviewRange(params.get("from"), params.get("to"), shop.timezone);
  const channel = params.get("channel");
  const summary = await channelSummary(shop, range);
  const shown = summary.channels.filter((row) => !isChannel(channel) || row.channel === channel);
  const columns = [
    ...shown.map((row) => ({
      label: isChannel(row.channel) ? channelName(row.channel) : row.channel,
      f: row.converted,
    })),
    ...(shown.length > 1 ? [{ label: "All channels", f: summary.total }] : []),
  ];
  const steps = [
    ["Gross sales", "grossSales", 1],
    ["Discounts", "discounts", -1],
    ["Returns", "returns", -1],
    ["Net sales", "netSales", 1],
    ["Fees", "fees", -1],
    ["COGS", "cogs", -1],
    ["Contribution profit", "contributionProfit", 1],
  ] as const;
  const signed = (amount: string, sign: 1 | -1) =>
    sign === 1 || Number(amount) === 0 ? amount : amount.startsWith("-") ? amount.slice(1) : `-${amount}`;
  return {
    header: [`Step (${summary.currency})`, ...columns.map((column) => column.label)],
    rows: steps.map(([label, field, sign]) => [label, ...columns.map((column) => signed(column.f[field], sign))]),
  };
});

/** The product an export's `sku` names, or a 404 that says so. */
async function exportedProduct(shop: ExportShop, params: URLSearchParams) {
  try {
    return await productDetail(shop, params.get("sku") ?? "", params);
  } catch (error) {
    if (error instanceof ProductNotFoundError) throw new ExportError(error.message, 404);
    throw error;
  }
}

// A product's stock per channel and its listings (the product page's two tables; `sku` names it).
registerExport("product-stock", async (shop, params) => {
  const detail = await exportedProduct(shop, params);
  return {
    header: [
      "Channel",
      "Locations",
      "Available",
      "Inbound",
      "Days of cover",
      "Reorder point",
      "Stock-out date",
      "Suggested order",
    ],
    rows: detail.stock.map((row) => [
      isChannel(row.channel) ? channelName(row.channel) : row.channel,
      row.locations.map((location) => `${location.locationId}: ${location.available}`).join("; "),
      row.available,
      row.inbound,
      row.daysOfCover,
      row.reorderPoint,
      row.stockOutDate,
      row.suggestedOrderQuantity,
    ]),
  };
});

registerExport("product-listings", async (shop, params) => {
  const detail = await exportedProduct(shop, params);
  return {
    header: ["Channel", "Listing", "Listing id", "Price", "Currency", "Status", "Channel's status"],
    rows: detail.listings.map((listing) => [
      channelName(listing.channel),
      listing.title,
      listing.externalId,
      listing.price,
      listing.currency,
      listing.active ? listing.status : "removed",
      listing.rawStatus,
    ]),
  };
});
