/**
 * The overview's "Needs attention" list and the freshness of each channel's data
 * (docs/metrics.md, "Needs attention" and "Freshness"). Each item counts something the
 * merchant can act on and names the page where they do it.
 */
import type { Shop } from "@prisma/client";

import { addDays, localDay } from "#app/analytics/days.ts";
import prisma from "#app/db.server.ts";
import { ingestPool } from "#app/db/pool.server.ts";
import { unmatchedSkus } from "#app/ingest/catalog.server.ts";
import { channelName, isChannel } from "#app/services/channels.server.ts";
import { inventoryTable } from "#app/services/inventory-page.server.ts";

/** Days back that sold products without a unit cost and quarantined records are counted over. */
export const ATTENTION_DAYS = 30;

export interface AttentionItem {
  id: "alerts" | "stockouts" | "critical-stock" | "unmatched-skus" | "missing-costs" | "sync-errors" | "quarantined";
  count: number;
  /** What is wrong, in words, with the count in it. */
  text: string;
  /** The page where it is fixed. */
  url: string;
  tone: "critical" | "warning";
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** Everything that needs the merchant, most urgent first; items with a count of 0 are left out. */
export async function needsAttention(
  shop: Pick<Shop, "id" | "timezone" | "leadTimeDays" | "lowStockDays" | "serviceLevel">,
  now = new Date(),
): Promise<AttentionItem[]> {
  const today = localDay(now, shop.timezone);
  const since = addDays(today, 1 - ATTENTION_DAYS);
  const [alerts, inventory, unmatched, missingCosts, failing, quarantined] = await Promise.all([
    prisma.alert.count({ where: { shopId: shop.id, status: "open" } }),
    inventoryTable(shop, new URLSearchParams(), today),
    unmatchedSkus(shop.id),
    ingestPool().query<{ n: number }>(
      `select count(distinct r.sku)::int as n from "DailyRollup" r
       left join "Product" p on p."shopId" = r."shopId" and p.sku = r.sku
       where r."shopId" = $1 and r.day >= $2::date and r.sku <> '' and r.units > 0 and p."unitCost" is null`,
      [shop.id, since],
    ),
    prisma.channelConnection.findMany({
      where: { shopId: shop.id, status: { in: ["error", "revoked"] } },
      select: { channel: true, displayName: true, status: true },
    }),
    prisma.quarantinedRecord.count({
      where: { shopId: shop.id, createdAt: { gte: new Date(now.getTime() - ATTENTION_DAYS * 86_400_000) } },
    }),
  ]);
  const items: AttentionItem[] = [];
  if (failing.length > 0) {
    items.push({
      id: "sync-errors",
      count: failing.length,
      text: failing
        .map(
          (connection) =>
            `${isChannel(connection.channel) ? channelName(connection.channel) : connection.displayName} ${connection.status === "revoked" ? "revoked our access" : "is failing to sync"}.`,
        )
        .join(" "),
      url: "/app/channels",
      tone: "critical",
    });
  }
  if (inventory.counts.out > 0) {
    items.push({
      id: "stockouts",
      count: inventory.counts.out,
      text: `${plural(inventory.counts.out, "product is", "products are")} out of stock on a channel.`,
      url: "/app/inventory?bucket=out",
      tone: "critical",
    });
  }
  if (inventory.counts.critical > 0) {
    items.push({
      id: "critical-stock",
      count: inventory.counts.critical,
      text: `${plural(inventory.counts.critical, "product runs", "products run")} out before an order placed today would arrive.`,
      url: "/app/inventory?bucket=critical",
      tone: "warning",
    });
  }
  if (alerts > 0) {
    items.push({
      id: "alerts",
      count: alerts,
      text: `${plural(alerts, "open alert", "open alerts")} to read.`,
      url: "/app/insights",
      tone: "warning",
    });
  }
  const missing = missingCosts.rows[0]?.n ?? 0;
  if (missing > 0) {
    items.push({
      id: "missing-costs",
      count: missing,
      text: `${plural(missing, "product", "products")} sold in the last ${ATTENTION_DAYS} days ${missing === 1 ? "has" : "have"} no unit cost, so ${missing === 1 ? "its" : "their"} profit is overstated.`,
      url: "/app/settings?section=costs",
      tone: "warning",
    });
  }
  if (unmatched.length > 0) {
    items.push({
      id: "unmatched-skus",
      count: unmatched.length,
      text: `${plural(unmatched.length, "channel SKU matches", "channel SKUs match")} no product in your catalog.`,
      url: "/app/settings?section=skus",
      tone: "warning",
    });
  }
  if (quarantined > 0) {
    items.push({
      id: "quarantined",
      count: quarantined,
      text: `${plural(quarantined, "record", "records")} from your channels could not be read in the last ${ATTENTION_DAYS} days and ${quarantined === 1 ? "is" : "are"} kept aside.`,
      url: "/app/channels",
      tone: "warning",
    });
  }
  return items;
}

/** Age limits of the freshness badge: within the first "fresh", within the second "delayed", else "stale". */
export const FRESH_MS = 60 * 60 * 1000;
export const DELAYED_MS = 24 * 60 * 60 * 1000;

export interface ChannelFreshness {
  connectionId: string;
  channel: string;
  name: string;
  /** When the last successful sync of any of its streams finished; null if none has yet. */
  lastSyncAt: string | null;
  syncing: boolean;
  badge: "fresh" | "delayed" | "stale" | "paused" | "failing";
}

/** Last successful sync per connection and a badge for how current its data is. */
export async function channelFreshness(shopId: string, now = new Date()): Promise<ChannelFreshness[]> {
  const connections = await prisma.channelConnection.findMany({
    where: { shopId },
    select: { id: true, channel: true, displayName: true, status: true },
    orderBy: { createdAt: "asc" },
  });
  const [succeeded, running] = await Promise.all([
    prisma.syncRun.groupBy({
      by: ["connectionId"],
      where: { shopId, status: "succeeded" },
      _max: { finishedAt: true },
    }),
    prisma.syncRun.groupBy({ by: ["connectionId"], where: { shopId, status: "running" }, _count: { _all: true } }),
  ]);
  const last = new Map(succeeded.map((row) => [row.connectionId, row._max.finishedAt]));
  const busy = new Set(running.map((row) => row.connectionId));
  return connections.map((connection) => {
    const at = last.get(connection.id) ?? null;
    const age = at ? now.getTime() - at.getTime() : Number.POSITIVE_INFINITY;
    const badge: ChannelFreshness["badge"] =
      connection.status === "paused"
        ? "paused"
        : connection.status === "error" || connection.status === "revoked"
          ? "failing"
          : age <= FRESH_MS
            ? "fresh"
            : age <= DELAYED_MS
              ? "delayed"
              : "stale";
    return {
      connectionId: connection.id,
      channel: connection.channel,
      name: channelName(connection.channel),
      lastSyncAt: at ? at.toISOString() : null,
      syncing: busy.has(connection.id),
      badge,
    };
  });
}
