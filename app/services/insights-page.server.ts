/**
 * The Insights page: the latest plain-language summary of the week, the daily net sales of each
 * channel with its anomalies marked, and the shop's alerts to read, dismiss or resolve. Only the
 * shop's own rows are read or changed. Definitions: docs/metrics.md, "Insights page".
 */
import type { AlertStatus, Channel, Prisma, Shop } from "@prisma/client";

import { addDays, localDay } from "#app/analytics/days.ts";
import prisma from "#app/db.server.ts";
import { ingestPool } from "#app/db/pool.server.ts";
import { ANOMALY_WINDOW_DAYS } from "#app/services/alerts.server.ts";
import { InputError } from "#app/services/validation.server.ts";

export const ALERT_TABS = ["open", "dismissed", "resolved"] as const satisfies readonly AlertStatus[];
export const ALERTS_PAGE_SIZE = 20;

interface StoredFacts {
  headline?: unknown;
  facts?: unknown;
}

/** The newest insight of the shop, with its headline and sentences; null before the first one is made. */
export async function latestInsight(shopId: string) {
  const insight = await prisma.insight.findFirst({ where: { shopId }, orderBy: { createdAt: "desc" } });
  if (!insight) return null;
  const stored = (insight.facts ?? {}) as StoredFacts;
  return {
    id: insight.id,
    period: insight.period,
    from: insight.fromDay.toISOString().slice(0, 10),
    to: insight.toDay.toISOString().slice(0, 10),
    createdAt: insight.createdAt.toISOString(),
    headline: typeof stored.headline === "string" ? stored.headline : null,
    text: insight.rewritten ?? insight.text,
    rewritten: insight.rewritten !== null,
  };
}

interface AnomalyData {
  channel?: unknown;
  metric?: unknown;
  currency?: unknown;
  day?: unknown;
}

/**
 * Daily net sales per channel and currency over the anomaly window (the days the detector
 * reads), each with the anomalies found on it: the alert's day, title and body.
 */
export async function anomalyCharts(shop: Pick<Shop, "id" | "timezone">, now = new Date()) {
  const today = localDay(now, shop.timezone);
  const from = addDays(today, -ANOMALY_WINDOW_DAYS);
  const to = addDays(today, -1);
  const [alerts, rows] = await Promise.all([
    prisma.alert.findMany({
      where: { shopId: shop.id, kind: "anomaly", createdAt: { gte: new Date(`${from}T00:00:00Z`) } },
      orderBy: { createdAt: "asc" },
      select: { id: true, title: true, body: true, status: true, data: true },
    }),
    ingestPool().query<{ day: string; channel: Channel; currency: string; net_sales: string }>(
      `select day::text as day, channel, currency, sum("netSales")::text as net_sales
       from "DailyRollup" where "shopId" = $1 and day between $2::date and $3::date
       group by day, channel, currency order by channel, currency, day`,
      [shop.id, from, to],
    ),
  ]);
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  const series = new Map<string, { channel: Channel; currency: string; values: Map<string, number> }>();
  for (const row of rows.rows) {
    const key = `${row.channel}:${row.currency}`;
    let entry = series.get(key);
    if (!entry) {
      entry = { channel: row.channel, currency: row.currency, values: new Map() };
      series.set(key, entry);
    }
    entry.values.set(row.day, Number(row.net_sales));
  }
  // A currency whose days all net to zero (say, only refunds that cancel out) has nothing to draw.
  const drawn = [...series.values()].filter((entry) => [...entry.values.values()].some((value) => value !== 0));
  return drawn.map((entry) => {
    const marks = alerts.flatMap((alert) => {
      const data = (alert.data ?? {}) as AnomalyData;
      if (data.channel !== entry.channel || typeof data.day !== "string") return [];
      // Net-sales anomalies belong to their currency's chart; orders and units to every chart of the channel.
      if (data.metric === "netSales" && data.currency !== entry.currency) return [];
      return [{ id: alert.id, day: data.day, title: alert.title, body: alert.body, status: alert.status }];
    });
    return {
      channel: entry.channel,
      currency: entry.currency,
      points: days.map((day) => ({ day, value: entry.values.get(day) ?? 0 })),
      marks,
    };
  });
}

/** The shop's alerts with one status, newest first, paged. */
export async function alertList(shopId: string, params: URLSearchParams) {
  const statusParam = params.get("status");
  const status: AlertStatus = ALERT_TABS.includes(statusParam as AlertStatus) ? (statusParam as AlertStatus) : "open";
  const grouped = await prisma.alert.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } });
  const counts = Object.fromEntries(ALERT_TABS.map((tab) => [tab, 0])) as Record<AlertStatus, number>;
  for (const group of grouped) counts[group.status] = group._count._all;
  const pages = Math.max(1, Math.ceil(counts[status] / ALERTS_PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1));
  const alerts = await prisma.alert.findMany({
    where: { shopId, status },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    skip: (page - 1) * ALERTS_PAGE_SIZE,
    take: ALERTS_PAGE_SIZE,
    select: { id: true, kind: true, severity: true, title: true, body: true, createdAt: true, updatedAt: true },
  });
  return {
    status,
    counts,
    page,
    pages,
    alerts: alerts.map((alert) => ({
      ...alert,
      createdAt: alert.createdAt.toISOString(),
      updatedAt: alert.updatedAt.toISOString(),
    })),
  };
}

export class AlertNotFoundError extends Error {
  constructor(readonly alertId: string) {
    super(`There is no alert ${alertId} in this shop (it may have been removed). Reload the page.`);
  }
}

const CHANGES: Record<string, { to: AlertStatus; data: (now: Date) => Prisma.AlertUpdateManyMutationInput }> = {
  dismiss: { to: "dismissed", data: (now) => ({ status: "dismissed", dismissedAt: now }) },
  resolve: { to: "resolved", data: () => ({ status: "resolved" }) },
  reopen: { to: "open", data: () => ({ status: "open", dismissedAt: null }) },
};

/**
 * Dismisses (read, not acted on), resolves (dealt with) or reopens one of the shop's alerts.
 * The engine keeps a dismissed alert dismissed unless it gets worse, and reopens a resolved one
 * if it still finds the condition on its next run (app/services/alerts.server.ts, applyAlerts).
 */
export async function changeAlert(shopId: string, alertId: string, action: string, now = new Date()) {
  const change = CHANGES[action];
  if (!change) {
    throw new InputError("intent", `Unknown alert action "${action}": use dismiss, resolve or reopen.`);
  }
  const { count } = await prisma.alert.updateMany({ where: { id: alertId, shopId }, data: change.data(now) });
  if (count === 0) throw new AlertNotFoundError(alertId);
  return { id: alertId, status: change.to };
}
