/**
 * Alerts the engine raises and clears by itself: anomalies in daily sales, orders and units
 * per channel; low stock and projected stock-outs per SKU × channel; channel credentials
 * about to expire. Every alert has a dedupe key, so re-running updates instead of
 * duplicating; a dismissed alert stays dismissed unless it gets more severe; an alert whose
 * condition is gone is resolved.
 */
import type { Alert, AlertSeverity, Channel, Prisma } from "@prisma/client";

import { addDays, detectAnomalies, toDailySeries, type Anomaly } from "#app/analytics/index.ts";
import prisma from "#app/db.server.ts";
import { channelName } from "#app/services/channels.server.ts";
import { inventoryHealth } from "#app/services/performance.server.ts";
import { localDay } from "#app/analytics/days.ts";

/** Kinds this module owns (sync_failed belongs to the sync). */
export const ENGINE_ALERT_KINDS = ["anomaly", "low_stock", "stockout_projected", "credentials_expiring"] as const;
export type EngineAlertKind = (typeof ENGINE_ALERT_KINDS)[number];

export const ANOMALY_WINDOW_DAYS = 90;
/** Anomalies on these last days raise alerts; older ones only inform the pattern. */
export const ANOMALY_ALERT_DAYS = 7;
export const CREDENTIALS_WARNING_DAYS = 30;

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };
const DAY_MS = 86_400_000;

export interface AlertCandidate {
  kind: EngineAlertKind;
  severity: AlertSeverity;
  dedupeKey: string;
  title: string;
  body: string;
  data: Prisma.InputJsonValue;
}

export interface AlertRunSummary {
  opened: number;
  updated: number;
  reopened: number;
  keptDismissed: number;
  resolved: number;
  active: string[];
}

function dayText(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function dayDate(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

function units(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 }).format(rounded)} ${rounded === 1 ? "unit" : "units"}`;
}

function days(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 }).format(rounded)} ${rounded === 1 ? "day" : "days"}`;
}

const ANOMALY_SEVERITY: Record<Anomaly["severity"], AlertSeverity> = {
  low: "info",
  medium: "warning",
  high: "critical",
};

/** Anomalies on the last days of net sales (per currency), orders and units of each channel. */
export async function anomalyAlerts(shopId: string, today: string): Promise<AlertCandidate[]> {
  const to = addDays(today, -1);
  const from = addDays(today, -ANOMALY_WINDOW_DAYS);
  const alertFrom = addDays(today, -ANOMALY_ALERT_DAYS);
  const rows = await prisma.dailyRollup.findMany({
    where: { shopId, day: { gte: dayDate(from), lte: dayDate(to) } },
    select: { day: true, channel: true, sku: true, currency: true, orders: true, units: true, netSales: true },
  });
  type Metric = { channel: Channel; metric: "netSales" | "orders" | "units"; currency: string | null };
  const series = new Map<string, Metric & { points: Array<{ day: string; value: number }> }>();
  const push = (metric: Metric, day: string, value: number) => {
    const key = `${metric.channel}:${metric.metric}${metric.currency ? `:${metric.currency}` : ""}`;
    let entry = series.get(key);
    if (!entry) {
      entry = { ...metric, points: [] };
      series.set(key, entry);
    }
    entry.points.push({ day, value });
  };
  for (const row of rows) {
    const day = dayText(row.day);
    // Detection is statistics on a series, not bookkeeping: a float per day is fine here.
    push({ channel: row.channel, metric: "netSales", currency: row.currency }, day, Number(row.netSales.toFixed(4)));
    if (row.sku === "") push({ channel: row.channel, metric: "orders", currency: null }, day, row.orders);
    else push({ channel: row.channel, metric: "units", currency: null }, day, row.units);
  }
  const candidates: AlertCandidate[] = [];
  for (const [key, entry] of [...series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // The channel's whole window, so days before its first sale don't pass for a slump.
    const first = entry.points.reduce((min, point) => (point.day < min ? point.day : min), to);
    const result = detectAnomalies(toDailySeries(entry.points, { from: first, to }));
    for (const anomaly of result.anomalies) {
      if (anomaly.day < alertFrom) continue;
      const channel = channelName(entry.channel);
      const what =
        entry.metric === "netSales"
          ? `net sales (${entry.currency})`
          : entry.metric === "orders"
            ? "orders"
            : "units sold";
      const show = (value: number) =>
        entry.metric === "netSales" ? `${value.toFixed(2)} ${entry.currency}` : `${Math.round(value * 10) / 10}`;
      const change =
        anomaly.expected > 0 ? Math.round(((anomaly.value - anomaly.expected) / anomaly.expected) * 100) : null;
      const percent = change === null ? "" : ` (${change > 0 ? "+" : change < 0 ? "−" : "±"}${Math.abs(change)}%)`;
      candidates.push({
        kind: "anomaly",
        severity: ANOMALY_SEVERITY[anomaly.severity],
        dedupeKey: `anomaly:${key}:${anomaly.day}`,
        title: `${channel} ${what} unusually ${anomaly.direction === "up" ? "high" : "low"} on ${anomaly.day}`,
        body:
          `${channel} ${what} were ${show(anomaly.value)} on ${anomaly.day}; the usual level for that day is about ` +
          `${show(anomaly.expected)}${percent}. Robust z-score ${anomaly.zScore.toFixed(1)}.`,
        data: {
          channel: entry.channel,
          metric: entry.metric,
          currency: entry.currency,
          day: anomaly.day,
          value: anomaly.value,
          expected: anomaly.expected,
          zScore: anomaly.zScore,
        },
      });
    }
  }
  return candidates;
}

/**
 * Stock per SKU × channel (summed over locations) against its forecast. σ of the daily
 * forecast error comes from the first forecast day's 80% interval (hi80 − mean = z80 × σ).
 */
export async function inventoryAlerts(
  shop: { id: string; leadTimeDays: number; lowStockDays: number; serviceLevel: Prisma.Decimal },
  today: string,
): Promise<AlertCandidate[]> {
  const candidates: AlertCandidate[] = [];
  for (const health of await inventoryHealth(shop, today)) {
    if (!health.forecasted) continue; // nothing expected to sell: no stock alert
    const level = { channel: health.channel as Channel, sku: health.sku };
    const channel = channelName(level.channel);
    const order = health.suggestedOrderQuantity > 0 ? ` Suggested order: ${units(health.suggestedOrderQuantity)}.` : "";
    const inbound = health.inbound > 0 ? ` ${units(health.inbound)} inbound.` : "";
    const data = {
      sku: level.sku,
      channel: level.channel,
      available: health.available,
      inbound: health.inbound,
      daysOfCover: health.daysOfCover === Infinity ? null : health.daysOfCover,
      stockOutDate: health.stockOutDate,
      reorderPoint: health.reorderPoint,
      suggestedOrderQuantity: health.suggestedOrderQuantity,
      leadTimeDays: shop.leadTimeDays,
    };
    const dedupeKey = `stock:${level.channel}:${level.sku}`;
    if (health.stockedOut) {
      candidates.push({
        kind: "low_stock",
        severity: "critical",
        dedupeKey,
        title: `SKU ${level.sku} is out of stock on ${channel}`,
        body:
          `SKU ${level.sku} has ${units(health.available)} available on ${channel} while about ` +
          `${units(health.leadTimeDemand)} are expected to sell over the ${days(shop.leadTimeDays)} lead time.${inbound}${order}`,
        data,
      });
    } else if (health.daysOfCover < shop.leadTimeDays) {
      candidates.push({
        kind: "stockout_projected",
        severity: "warning",
        dedupeKey,
        title: `SKU ${level.sku} will run out on ${channel} around ${health.stockOutDate}`,
        body:
          `SKU ${level.sku} has ${units(health.available)} available on ${channel}, about ${days(health.daysOfCover)} of ` +
          `forecast demand: it runs out around ${health.stockOutDate}, before a reorder placed today would arrive ` +
          `(lead time ${days(shop.leadTimeDays)}).${inbound}${order}`,
        data,
      });
    } else if (health.lowStock) {
      candidates.push({
        kind: "low_stock",
        severity: "info",
        dedupeKey,
        title: `SKU ${level.sku} is low on ${channel}: ${days(health.daysOfCover)} of cover`,
        body:
          `SKU ${level.sku} has ${units(health.available)} available on ${channel}, about ${days(health.daysOfCover)} of ` +
          `forecast demand (your low-stock threshold is ${days(shop.lowStockDays)}); projected stock-out around ` +
          `${health.stockOutDate}.${inbound}${order}`,
        data,
      });
    }
  }
  return candidates;
}

/**
 * Connections whose credentials expire within 30 days (or already have), and those the
 * channel refused (marked revoked, expired as of the refusal: app/services/sync.server.ts).
 */
export async function credentialAlerts(shopId: string, now: Date): Promise<AlertCandidate[]> {
  const connections = await prisma.channelConnection.findMany({
    where: {
      shopId,
      credentialsExpireAt: { lte: new Date(now.getTime() + CREDENTIALS_WARNING_DAYS * DAY_MS) },
    },
    orderBy: { credentialsExpireAt: "asc" },
  });
  return connections.map((connection) => {
    const expires = connection.credentialsExpireAt as Date;
    const left = Math.floor((expires.getTime() - now.getTime()) / DAY_MS);
    const expired = expires.getTime() <= now.getTime() || connection.status === "revoked";
    const channel = channelName(connection.channel);
    const when = expires.toISOString().slice(0, 10);
    return {
      kind: "credentials_expiring" as const,
      severity: expired ? "critical" : left < 7 ? "warning" : "info",
      dedupeKey: `credentials_expiring:${connection.id}`,
      title: expired
        ? `${connection.displayName} (${channel}) credentials have expired`
        : `${connection.displayName} (${channel}) credentials expire in ${days(left)}`,
      body: expired
        ? `The ${channel} credentials of ${connection.displayName} expired on ${when} (UTC): syncing stops until you reconnect it.`
        : `The ${channel} credentials of ${connection.displayName} expire on ${when} (UTC). Reconnect it before then to keep syncing.`,
      data: { connectionId: connection.id, channel: connection.channel, expiresAt: expires.toISOString() },
    };
  });
}

/**
 * Writes the candidates and resolves the shop's engine alerts that are no longer raised.
 * New: open. Open: updated. Dismissed: stays dismissed with fresh numbers, reopened only
 * when more severe than before. Resolved: reopened (the condition came back).
 */
export async function applyAlerts(shopId: string, candidates: readonly AlertCandidate[]): Promise<AlertRunSummary> {
  const summary: AlertRunSummary = { opened: 0, updated: 0, reopened: 0, keptDismissed: 0, resolved: 0, active: [] };
  const keys = [...new Set(candidates.map((candidate) => candidate.dedupeKey))];
  const existing = new Map(
    (await prisma.alert.findMany({ where: { shopId, dedupeKey: { in: keys } } })).map((alert) => [
      alert.dedupeKey,
      alert,
    ]),
  );
  for (const candidate of candidates) {
    const fields = {
      kind: candidate.kind,
      severity: candidate.severity,
      title: candidate.title,
      body: candidate.body,
      data: candidate.data,
    };
    const current = existing.get(candidate.dedupeKey);
    summary.active.push(candidate.dedupeKey);
    if (!current) {
      await prisma.alert.upsert({
        where: { shopId_dedupeKey: { shopId, dedupeKey: candidate.dedupeKey } },
        create: { shopId, dedupeKey: candidate.dedupeKey, ...fields },
        update: fields,
      });
      summary.opened += 1;
      continue;
    }
    const worse = SEVERITY_RANK[candidate.severity] > SEVERITY_RANK[current.severity];
    if (current.status === "open") {
      summary.updated += 1;
      await prisma.alert.update({ where: { id: current.id }, data: fields });
    } else if (current.status === "dismissed" && !worse) {
      summary.keptDismissed += 1;
      await prisma.alert.update({ where: { id: current.id }, data: fields });
    } else {
      summary.reopened += 1;
      await prisma.alert.update({ where: { id: current.id }, data: { ...fields, status: "open", dismissedAt: null } });
    }
  }
  const { count } = await prisma.alert.updateMany({
    where: {
      shopId,
      kind: { in: [...ENGINE_ALERT_KINDS] },
      status: { in: ["open", "dismissed"] },
      dedupeKey: { notIn: keys },
    },
    data: { status: "resolved" },
  });
  summary.resolved = count;
  return summary;
}

/** Recomputes every engine alert of a shop. */
export async function runAlerts(shopId: string, options: { now?: Date } = {}): Promise<AlertRunSummary | null> {
  const shop = await prisma.shop.findUnique({ where: { id: shopId } });
  if (!shop) return null;
  const now = options.now ?? new Date();
  const today = localDay(now, shop.timezone);
  const candidates = [
    ...(await anomalyAlerts(shop.id, today)),
    ...(await inventoryAlerts(shop, today)),
    ...(await credentialAlerts(shop.id, now)),
  ];
  return applyAlerts(shop.id, candidates);
}

/** Dismisses one of the shop's alerts; null when the shop has no such alert. */
export async function dismissAlert(shopId: string, alertId: string, now = new Date()): Promise<Alert | null> {
  const { count } = await prisma.alert.updateMany({
    where: { id: alertId, shopId, status: "open" },
    data: { status: "dismissed", dismissedAt: now },
  });
  if (count === 0 && !(await prisma.alert.findFirst({ where: { id: alertId, shopId } }))) return null;
  return prisma.alert.findFirst({ where: { id: alertId, shopId } });
}
