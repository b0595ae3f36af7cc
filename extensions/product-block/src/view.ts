/**
 * What the block shows, from the app's answer (app/services/product-block.server.ts): pure
 * formatting, no DOM, so it is tested on its own.
 */

export interface BlockChannel {
  channel: string;
  units: number;
  netSales: string;
  contributionProfit: string;
}

export interface BlockStock {
  sku: string;
  channel: string;
  available: number;
  daysOfCover: number | null;
  stockOutDate: string | null;
  status: "out_of_stock" | "low_stock" | "ok" | "no_demand";
  forecasted: boolean;
}

export interface BlockData {
  shopifyProductId: string;
  currency: string;
  period: { from: string; to: string };
  variants: Array<{ sku: string; title: string; appPath: string }>;
  channels: BlockChannel[];
  total: Omit<BlockChannel, "channel">;
  stock: BlockStock[];
}

export interface SalesRow {
  key: string;
  channel: string;
  units: string;
  netSales: string;
  contributionProfit: string;
}

export interface StockRow {
  key: string;
  /** The SKU, shown only when the product has more than one. */
  sku: string | null;
  channel: string;
  stock: string;
  cover: string;
  tone: "critical" | "warning" | "neutral";
}

export interface BlockView {
  period: string;
  sales: SalesRow[];
  total: SalesRow;
  stock: StockRow[];
  links: Array<{ key: string; label: string; href: string }>;
}

const CHANNEL_NAMES: Record<string, string> = {
  shopify: "Shopify",
  amazon: "Amazon",
  bestbuy: "Best Buy",
};

export function channelName(channel: string): string {
  return CHANNEL_NAMES[channel] ?? channel;
}

/** A decimal string in a currency, without going through a float for the digits. */
export function formatMoney(amount: string, currency: string, locale = "en-US"): string {
  // Intl formats a decimal string exactly (ECMA-402 "string numeric literal"), no float rounding.
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount as `${number}`);
}

export function formatCount(value: number, locale = "en-US"): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/** Days of cover in words: whole days (rounded down: the day the last unit sells is not covered). */
export function formatCover(stock: Pick<BlockStock, "daysOfCover" | "status" | "forecasted">): string {
  if (stock.status === "out_of_stock") return "Out of stock";
  if (stock.daysOfCover === null) return stock.forecasted ? "No demand forecast" : "No forecast yet";
  const days = Math.floor(stock.daysOfCover);
  if (days < 1) return "Less than 1 day";
  return `${formatCount(days)} ${days === 1 ? "day" : "days"}`;
}

function toneOf(status: BlockStock["status"]): StockRow["tone"] {
  return status === "out_of_stock" ? "critical" : status === "low_stock" ? "warning" : "neutral";
}

/** "Nov 4 – Dec 3" for the inclusive shop-local days of the period. */
export function formatPeriod(period: { from: string; to: string }, locale = "en-US"): string {
  const format = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" });
  return `${format.format(new Date(`${period.from}T00:00:00Z`))} – ${format.format(new Date(`${period.to}T00:00:00Z`))}`;
}

/** The app's page path as an admin `app:` URL, which opens it inside the admin. */
export function appLink(path: string): string {
  return `app:${path.replace(/^\//, "")}`;
}

export function blockView(data: BlockData): BlockView {
  const money = (amount: string) => formatMoney(amount, data.currency);
  const several = data.variants.length > 1;
  return {
    period: formatPeriod(data.period),
    sales: data.channels.map((row) => ({
      key: row.channel,
      channel: channelName(row.channel),
      units: formatCount(row.units),
      netSales: money(row.netSales),
      contributionProfit: money(row.contributionProfit),
    })),
    total: {
      key: "total",
      channel: "All channels",
      units: formatCount(data.total.units),
      netSales: money(data.total.netSales),
      contributionProfit: money(data.total.contributionProfit),
    },
    stock: data.stock.map((row) => ({
      key: `${row.sku}\u0000${row.channel}`,
      sku: several ? row.sku : null,
      channel: channelName(row.channel),
      stock: formatCount(row.available),
      cover: formatCover(row),
      tone: toneOf(row.status),
    })),
    links: data.variants.map((variant) => ({
      key: variant.sku,
      label: several ? `${variant.title} (${variant.sku}) in Crosschannel` : "View in Crosschannel",
      href: appLink(variant.appPath),
    })),
  };
}

/** The numeric id of the product's GID, as the app's endpoint takes it. */
export function productNumber(gid: string): string {
  const match = /^gid:\/\/shopify\/Product\/(\d+)$/.exec(gid);
  if (!match) throw new Error(`Not a product id: ${gid}`);
  return match[1] as string;
}
