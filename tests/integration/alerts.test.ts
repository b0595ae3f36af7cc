import type { Job } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";

import { addDays, weekday } from "#app/analytics/index.ts";
import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { processAlertsJob } from "#app/jobs/engine-jobs.server.ts";
import type { JobPayloads } from "#app/queue/queues.server.ts";
import { dismissAlert, runAlerts } from "#app/services/alerts.server.ts";

import { createShop, insertConnection } from "../support/factories.ts";

afterEach(async () => {
  await closeIngestPool();
});

const NOW = new Date("2026-03-02T12:00:00Z");
const TODAY = "2026-03-02";
const DAY_MS = 86_400_000;
const ORDERS = [10, 11, 12, 12, 14, 20, 18]; // Monday..Sunday
const NOISE = [0, 1, -1, 2, 0, -2, 1, 0, -1, 1, 2, 0, -1]; // deterministic, not in step with the week

async function seedSales(shopId: string, from: string, to: string) {
  const rows = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const index = Math.round((Date.parse(`${TODAY}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / DAY_MS);
    let orders =
      (ORDERS[weekday(day)] as number) + (NOISE[((index % NOISE.length) + NOISE.length) % NOISE.length] as number);
    if (day === "2026-02-27" || day === "2026-01-10") orders *= 4;
    const date = new Date(`${day}T00:00:00Z`);
    const base = { shopId, day: date, channel: "amazon" as const, currency: "USD" };
    rows.push({ ...base, sku: "", orders, netSales: "0" });
    rows.push({ ...base, sku: "MUG", orders, units: orders, netSales: (orders * 12).toFixed(2) });
  }
  await prisma.dailyRollup.createMany({ data: rows });
}

async function seed(domain = "alerts.myshopify.com") {
  const shop = await createShop(domain, { timezone: "UTC", currency: "USD" });
  const connection = await insertConnection({
    shopId: shop.id,
    channel: "amazon",
    accountId: `SELLER-${domain}`,
    displayName: "Amazon NA",
    credentials: Buffer.from("ciphertext"),
    credentialsKeyId: "test",
    credentialsExpireAt: new Date(NOW.getTime() + 10 * DAY_MS),
  });
  // 70 days of orders with a weekly pattern, a spike 3 days ago and another long ago.
  await seedSales(shop.id, addDays(TODAY, -70), addDays(TODAY, -1));
  // Forecasts starting today: σ of the daily error is 1 (hi80 − mean = z80).
  const forecast = (sku: string, mean: number) =>
    prisma.forecast.create({
      data: {
        shopId: shop.id,
        sku,
        channel: "amazon",
        method: "ets",
        horizonDays: 90,
        points: Array.from({ length: 90 }, (_, index) => ({
          day: addDays(TODAY, index),
          mean,
          lo80: mean - 1.2815515655446004,
          hi80: mean + 1.2815515655446004,
          lo95: mean - 1.959963984540054,
          hi95: mean + 1.959963984540054,
        })),
      },
    });
  await forecast("MUG", 5);
  await forecast("CAP", 1);
  await forecast("HAT", 1);
  const level = (sku: string, locationId: string, available: number) =>
    prisma.inventoryLevel.create({
      data: {
        shopId: shop.id,
        connectionId: connection.id,
        channel: "amazon",
        sku,
        locationId,
        available,
        observedAt: NOW,
      },
    });
  await level("MUG", "ATVPDKIKX0DER", 12);
  await level("MUG", "A2EUQ1WTGCTBG2", 8); // 20 in all
  await level("CAP", "ATVPDKIKX0DER", 0);
  await level("HAT", "ATVPDKIKX0DER", 500);
  return { shop, connection };
}

async function alertsOf(shopId: string) {
  const alerts = await prisma.alert.findMany({ where: { shopId }, orderBy: { dedupeKey: "asc" } });
  return Object.fromEntries(alerts.map((alert) => [alert.dedupeKey, alert]));
}

describe("engine alerts", () => {
  it("raises anomaly, stock and credential alerts with readable numbers", async () => {
    const { shop, connection } = await seed();
    const summary = await runAlerts(shop.id, { now: NOW });
    const alerts = await alertsOf(shop.id);
    expect(Object.keys(alerts)).toEqual([
      "anomaly:amazon:netSales:USD:2026-02-27",
      "anomaly:amazon:orders:2026-02-27",
      "anomaly:amazon:units:2026-02-27",
      `credentials_expiring:${connection.id}`,
      "stock:amazon:CAP",
      "stock:amazon:MUG",
    ]); // not the old spike of 2026-01-10, nothing for HAT (500 units, 1 a day)
    expect(summary).toMatchObject({ opened: 6, updated: 0, resolved: 0 });

    const orders = alerts["anomaly:amazon:orders:2026-02-27"]!;
    expect(orders).toMatchObject({
      kind: "anomaly",
      status: "open",
      title: "Amazon orders unusually high on 2026-02-27",
    });
    expect(orders.body).toMatch(
      /^Amazon orders were 64 on 2026-02-27; the usual level for that day is about 13\.1 \(\+390%\)\. Robust z-score \d+\.\d\.$/,
    );
    expect(orders.severity).toBe("critical");

    const mug = alerts["stock:amazon:MUG"]!;
    expect(mug).toMatchObject({
      kind: "stockout_projected",
      severity: "warning",
      title: "SKU MUG will run out on Amazon around 2026-03-05",
    });
    // 20 units at 5 a day; order up to 14 × 5 + 1.645 × √14 (safety) + 30 × 5 = 226.2, minus 20.
    expect(mug.body).toBe(
      "SKU MUG has 20 units available on Amazon, about 4 days of forecast demand: it runs out around 2026-03-05, " +
        "before a reorder placed today would arrive (lead time 14 days). Suggested order: 207 units.",
    );
    expect(alerts["stock:amazon:CAP"]).toMatchObject({
      kind: "low_stock",
      severity: "critical",
      title: "SKU CAP is out of stock on Amazon",
    });
    expect(alerts[`credentials_expiring:${connection.id}`]).toMatchObject({
      kind: "credentials_expiring",
      severity: "info",
      title: "Amazon NA (Amazon) credentials expire in 10 days",
      body: "The Amazon credentials of Amazon NA expire on 2026-03-12 (UTC). Reconnect it before then to keep syncing.",
    });
  });

  it("never duplicates, keeps a dismissed alert dismissed until it gets worse", async () => {
    const { shop } = await seed();
    await runAlerts(shop.id, { now: NOW });
    const again = await runAlerts(shop.id, { now: NOW });
    expect(again).toMatchObject({ opened: 0, updated: 6, resolved: 0 });
    expect(await prisma.alert.count({ where: { shopId: shop.id } })).toBe(6);

    const mug = (await alertsOf(shop.id))["stock:amazon:MUG"]!;
    const dismissed = await dismissAlert(shop.id, mug.id, NOW);
    expect(dismissed).toMatchObject({ status: "dismissed", dismissedAt: NOW });
    expect(await runAlerts(shop.id, { now: NOW })).toMatchObject({ keptDismissed: 1, reopened: 0 });
    expect((await alertsOf(shop.id))["stock:amazon:MUG"]?.status).toBe("dismissed");

    // Sold out since: critical is worse than the dismissed warning, so it opens again.
    await prisma.inventoryLevel.updateMany({ where: { shopId: shop.id, sku: "MUG" }, data: { available: 0 } });
    expect(await runAlerts(shop.id, { now: NOW })).toMatchObject({ reopened: 1 });
    expect((await alertsOf(shop.id))["stock:amazon:MUG"]).toMatchObject({
      status: "open",
      severity: "critical",
      dismissedAt: null,
      title: "SKU MUG is out of stock on Amazon",
    });
    expect(await prisma.alert.count({ where: { shopId: shop.id } })).toBe(6);
  });

  it("resolves alerts whose condition is gone, and leaves sync alerts to the sync", async () => {
    const { shop, connection } = await seed();
    await prisma.alert.create({
      data: {
        shopId: shop.id,
        kind: "sync_failed",
        severity: "critical",
        dedupeKey: `sync_failed:${connection.id}:orders`,
        title: "Amazon NA: orders sync failed",
        body: "boom",
      },
    });
    await runAlerts(shop.id, { now: NOW });
    const cap = (await alertsOf(shop.id))["stock:amazon:CAP"]!;
    await dismissAlert(shop.id, cap.id);
    await prisma.inventoryLevel.updateMany({ where: { shopId: shop.id }, data: { available: 1000 } });
    await prisma.channelConnection.update({
      where: { id: connection.id },
      data: { credentialsExpireAt: new Date(NOW.getTime() + 365 * DAY_MS) },
    });
    // A week of ordinary sales later, the spike is out of the alert window.
    await seedSales(shop.id, TODAY, addDays(TODAY, 6));
    const summary = await runAlerts(shop.id, { now: new Date(NOW.getTime() + 7 * DAY_MS) });
    expect(summary).toMatchObject({ opened: 0, resolved: 6, active: [] });
    const statuses = Object.fromEntries(
      Object.entries(await alertsOf(shop.id)).map(([key, alert]) => [key, alert.status]),
    );
    expect(statuses).toEqual({
      "anomaly:amazon:netSales:USD:2026-02-27": "resolved",
      "anomaly:amazon:orders:2026-02-27": "resolved",
      "anomaly:amazon:units:2026-02-27": "resolved",
      [`credentials_expiring:${connection.id}`]: "resolved",
      "stock:amazon:CAP": "resolved",
      "stock:amazon:MUG": "resolved",
      [`sync_failed:${connection.id}:orders`]: "open",
    });

    // The condition coming back opens the alert again (same row).
    await prisma.inventoryLevel.updateMany({ where: { shopId: shop.id, sku: "CAP" }, data: { available: 0 } });
    await runAlerts(shop.id, { now: NOW });
    expect((await alertsOf(shop.id))["stock:amazon:CAP"]).toMatchObject({ id: cap.id, status: "open" });
  });

  it("runs as the alerts job for installed shops only", async () => {
    const { shop } = await seed();
    const job = { name: "alerts", data: { shopId: shop.id } } as Job<JobPayloads["alerts"]>;
    // At the real time (after 2026-03-12) the seeded sales and forecasts are long past and
    // the credentials have expired.
    const result = await processAlertsJob(job);
    expect(result).toMatchObject({ opened: 1, resolved: 0, active: 1 });
    const alerts = Object.values(await alertsOf(shop.id));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: "credentials_expiring",
      severity: "critical",
      title: "Amazon NA (Amazon) credentials have expired",
      body: "The Amazon credentials of Amazon NA expired on 2026-03-12 (UTC): syncing stops until you reconnect it.",
    });
    await prisma.shop.update({ where: { id: shop.id }, data: { status: "uninstalled" } });
    expect(await processAlertsJob(job)).toMatchObject({ skipped: true });
  });

  it("touches only the shop it runs for, and dismisses only that shop's alerts", async () => {
    const { shop } = await seed();
    const { shop: other } = await seed("other.myshopify.com");
    await runAlerts(other.id, { now: NOW });
    const before = await prisma.alert.findMany({ where: { shopId: other.id }, orderBy: { id: "asc" } });
    expect(before).toHaveLength(6);

    await prisma.inventoryLevel.updateMany({ where: { shopId: shop.id }, data: { available: 1000 } });
    await runAlerts(shop.id, { now: NOW });
    const otherMug = before.find((alert) => alert.dedupeKey === "stock:amazon:MUG")!;
    expect(await dismissAlert(shop.id, otherMug.id)).toBeNull();
    const after = await prisma.alert.findMany({ where: { shopId: other.id }, orderBy: { id: "asc" } });
    expect(after).toEqual(before);
    expect((await alertsOf(shop.id))["stock:amazon:MUG"]).toBeUndefined();
  });
});
