import type { Job } from "bullmq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { addDays, weekday, type ForecastPoint } from "#app/analytics/index.ts";
import prisma from "#app/db.server.ts";
import { processForecastJob } from "#app/jobs/engine-jobs.server.ts";
import { globalSchedules } from "#app/jobs/processors.server.ts";
import { closeQueues, getQueue, stopShopJobs, type JobPayloads } from "#app/queue/queues.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { forecastShop, getForecastAccuracy } from "#app/services/forecasts.server.ts";
import {
  ENGINE_SCHEDULES_JOB,
  forecastSchedulerId,
  insightsSchedulerId,
  scheduleShopEngine,
} from "#app/services/schedules.server.ts";
import { createShop } from "../support/factories.ts";

beforeEach(() => {
  delete process.env.REDIS_URL;
  process.env.QUEUE_PREFIX = `test-engine-${Date.now()}`;
});

afterEach(async () => {
  await closeQueues();
  await closeIngestPool();
});

// Monday..Sunday units of a mug that sells mostly at the weekend.
const PATTERN = [2, 3, 4, 5, 9, 14, 11];
const NOW = new Date("2026-03-02T15:00:00Z"); // Monday 2026-03-02 in Toronto (10:00)
const TODAY = "2026-03-02";

async function seedShop(domain = "forecast.myshopify.com", weeks = 20) {
  const shop = await createShop(domain, { timezone: "America/Toronto", currency: "USD" });
  const rows = [];
  for (let index = 1; index <= weeks * 7; index += 1) {
    const day = addDays(TODAY, -index);
    // A little deterministic noise (−1, 0, +1) around the weekly pattern.
    const units = (PATTERN[weekday(day)] as number) + ((index % 3) - 1);
    rows.push({
      shopId: shop.id,
      day: new Date(`${day}T00:00:00Z`),
      channel: "amazon" as const,
      sku: "MUG",
      currency: "USD",
      orders: units,
      units,
      netSales: (units * 12).toFixed(2),
    });
    // The order-level row must not count as a product.
    rows.push({ ...rows[rows.length - 1]!, sku: "", units: 0 });
  }
  // A product that sold on three days only, long ago, on another channel: zero-filled, not dropped.
  for (const day of ["2025-10-01", "2025-12-20", "2026-01-15"]) {
    rows.push({
      shopId: shop.id,
      day: new Date(`${day}T00:00:00Z`),
      channel: "bestbuy" as const,
      sku: "CAP",
      currency: "CAD",
      orders: 1,
      units: 2,
      netSales: "30.00",
    });
  }
  await prisma.dailyRollup.createMany({ data: rows });
  return shop;
}

describe("forecasts", () => {
  it("forecasts a weekly pattern per SKU × channel, starting today, with its backtest error", async () => {
    const shop = await seedShop();
    const summaries = await forecastShop(shop.id, { now: NOW });
    expect(summaries.map((s) => `${s.channel}/${s.sku}`).sort()).toEqual(["amazon/MUG", "bestbuy/CAP"]);

    const mug = await prisma.forecast.findUniqueOrThrow({
      where: { shopId_sku_channel: { shopId: shop.id, sku: "MUG", channel: "amazon" } },
    });
    const points = mug.points as unknown as ForecastPoint[];
    expect(mug.horizonDays).toBe(90);
    expect(points).toHaveLength(90);
    expect(points[0]?.day).toBe(TODAY);
    expect(points[89]?.day).toBe(addDays(TODAY, 89));
    for (const point of points.slice(0, 7)) {
      expect(Math.abs(point.mean - (PATTERN[weekday(point.day)] as number))).toBeLessThan(1.5);
      expect(point.lo95).toBeLessThanOrEqual(point.mean);
      expect(point.hi95).toBeGreaterThanOrEqual(point.mean);
    }
    // The weekend peak is forecast as a peak.
    expect(points[5]!.mean).toBeGreaterThan(points[0]!.mean + 6);
    expect(mug.mase).not.toBeNull();
    expect(Number(mug.mase)).toBeLessThan(1); // beats the seasonal-naive scale on its own backtest
    expect(mug.wape).not.toBeNull();
    const accuracy = mug.accuracy as { status: string; coverage80: number; summary: string };
    expect(accuracy.status).toBe("measured");
    expect(accuracy.coverage80).toBeGreaterThan(0.5);
    expect(accuracy.summary).toMatch(/^Typically off by \d+% of weekly units; the 80% range held on \d+% of past days/);
    expect(summaries.find((s) => s.sku === "MUG")?.historyDays).toBe(140);

    const cap = await prisma.forecast.findUniqueOrThrow({
      where: { shopId_sku_channel: { shopId: shop.id, sku: "CAP", channel: "bestbuy" } },
    });
    // 2025-10-01 .. 2026-03-01: 152 days, 3 of them with sales.
    expect(summaries.find((s) => s.sku === "CAP")).toMatchObject({ historyDays: 152, demandClass: "intermittent" });
    expect(["tsb", "croston", "ses", "movingAverage", "combination"]).toContain(cap.method);
    // A slow mover's band reaches down to zero.
    expect((cap.points as unknown as ForecastPoint[]).every((point) => point.lo80 === 0)).toBe(true);
  });

  it("updates the same rows when run again, and leaves other shops alone", async () => {
    const shop = await seedShop();
    const other = await createShop("other.myshopify.com", { timezone: "UTC", currency: "USD" });
    await forecastShop(shop.id, { now: NOW });
    const first = await prisma.forecast.findMany({ where: { shopId: shop.id }, orderBy: { sku: "asc" } });
    await forecastShop(shop.id, { now: new Date("2026-03-03T15:00:00Z") });
    const second = await prisma.forecast.findMany({ where: { shopId: shop.id }, orderBy: { sku: "asc" } });
    expect(second.map((row) => row.id)).toEqual(first.map((row) => row.id));
    expect((second[1]?.points as unknown as ForecastPoint[])[0]?.day).toBe("2026-03-03");
    // Two years after the last sale, nothing is forecast any more.
    await forecastShop(shop.id, { now: new Date("2028-03-05T15:00:00Z") });
    expect(await prisma.forecast.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await forecastShop(other.id, { now: NOW })).toEqual([]);
    expect(await prisma.forecast.count({ where: { shopId: other.id } })).toBe(0);
  });
});

describe("forecast accuracy for a product page", () => {
  it("says how far off the forecast typically is, from the stored backtest figures, for the shop's own SKU only", async () => {
    const shop = await seedShop();
    const other = await createShop("other.myshopify.com", { timezone: "UTC", currency: "USD" });
    await forecastShop(shop.id, { now: NOW });
    const [mug] = await getForecastAccuracy(shop.id, "MUG");
    const stored = (
      await prisma.forecast.findUniqueOrThrow({
        where: { shopId_sku_channel: { shopId: shop.id, sku: "MUG", channel: "amazon" } },
      })
    ).accuracy as { weeklyError: number; coverage80: number; days: number };
    expect(mug).toMatchObject({ channel: "amazon", status: "measured", days: stored.days });
    expect(mug?.sentence).toBe(
      `Typically off by ${Math.round(stored.weeklyError * 100)}% of weekly units; ` +
        `the 80% range held on ${Math.round(stored.coverage80 * 100)}% of past days.`,
    );
    expect(await getForecastAccuracy(other.id, "MUG")).toEqual([]);
    expect(await getForecastAccuracy(shop.id, "NO-SUCH-SKU")).toEqual([]);
  });

  it("says there is not enough history for a product that started selling three weeks ago", async () => {
    const shop = await createShop("new.myshopify.com", { timezone: "UTC", currency: "USD" });
    await prisma.dailyRollup.createMany({
      data: Array.from({ length: 21 }, (_, index) => ({
        shopId: shop.id,
        day: new Date(`${addDays("2026-03-01", -index)}T00:00:00Z`),
        channel: "amazon" as const,
        sku: "NEW",
        currency: "USD",
        orders: 3,
        units: 3,
        netSales: "36.00",
      })),
    });
    await forecastShop(shop.id, { now: new Date("2026-03-02T12:00:00Z") });
    const [view] = await getForecastAccuracy(shop.id, "NEW");
    expect(view).toMatchObject({ status: "not_enough_history", weeklyError: null, coverage80: null });
    expect(view?.sentence).toBe("Not enough history to measure accuracy yet.");
  });
});

describe("engine jobs", () => {
  it("a forecast job stores forecasts and enqueues the shop's alerts", async () => {
    const shop = await seedShop("jobs.myshopify.com", 6);
    const job = { name: "forecast", data: { shopId: shop.id } } as Job<JobPayloads["forecast"]>;
    const result = (await processForecastJob(job)) as { forecasts: number; alertsJobId: string };
    expect(result.forecasts).toBe(2);
    expect(result.alertsJobId.startsWith(`shop:${shop.id}:alerts-`)).toBe(true);
    const waiting = await getQueue("alerts").getJobs(["waiting", "prioritized", "delayed"]);
    expect(waiting.map((queued) => queued?.data)).toEqual([{ shopId: shop.id }]);

    await prisma.shop.update({ where: { id: shop.id }, data: { status: "uninstalled" } });
    expect(await processForecastJob(job)).toMatchObject({ skipped: true });
  });

  it("an insights job stores the shop's weekly insight", async () => {
    const shop = await seedShop("weekly.myshopify.com", 3);
    const job = { name: "insights", data: { shopId: shop.id } } as Job<JobPayloads["forecast"]>;
    const result = (await processForecastJob(job)) as { insightId: string };
    const insight = await prisma.insight.findUniqueOrThrow({ where: { id: result.insightId } });
    expect(insight).toMatchObject({ shopId: shop.id, period: "weekly" });
    // Made for the current week, long after the seeded sales (which end 2026-03-01).
    expect(insight.text).toBe("No net sales this week or last week. Orders held at 0; units held at 0.");
    expect(await prisma.forecast.count()).toBe(0);
  });

  it("the hourly global job schedules every installed shop, and only those", async () => {
    expect(globalSchedules).toContainEqual({
      queue: "forecast",
      id: ENGINE_SCHEDULES_JOB,
      pattern: "7 * * * *",
      data: { shopId: "" },
    });
    const installed = await createShop("on.myshopify.com", { timezone: "Asia/Tokyo", currency: "JPY" });
    const gone = await createShop("off.myshopify.com", { timezone: "UTC", currency: "USD", status: "uninstalled" });
    const job = { name: ENGINE_SCHEDULES_JOB, data: { shopId: "" } } as Job<JobPayloads["forecast"]>;
    expect(await processForecastJob(job)).toEqual({ shops: 1 });
    expect(await processForecastJob(job)).toEqual({ shops: 1 });
    const ids = (await getQueue("forecast").getJobSchedulers(0, -1)).map((s) => s.id ?? s.key).sort();
    expect(ids).toEqual([forecastSchedulerId(installed.id), insightsSchedulerId(installed.id)].sort());
    expect(ids.some((id) => id.includes(gone.id))).toBe(false);
  });

  it("schedules forecast and insights once per shop, in its time zone, and uninstall stops them", async () => {
    const shop = await createShop("sched.myshopify.com", { timezone: "Europe/Berlin", currency: "EUR" });
    const other = await createShop("sched2.myshopify.com", { timezone: "America/Toronto", currency: "CAD" });
    await scheduleShopEngine(shop);
    await scheduleShopEngine(shop);
    await scheduleShopEngine(other);
    const queue = getQueue("forecast");
    const schedulers = await queue.getJobSchedulers(0, -1);
    const mine = schedulers.filter((s) => (s.id ?? s.key).startsWith(`shop:${shop.id}:`));
    expect(mine.map((s) => s.id ?? s.key).sort()).toEqual([forecastSchedulerId(shop.id), insightsSchedulerId(shop.id)]);
    const insights = mine.find((s) => (s.id ?? s.key) === insightsSchedulerId(shop.id));
    expect(insights).toMatchObject({ name: "insights", pattern: "0 7 * * 1", tz: "Europe/Berlin" });
    // The next run is Monday 07:00 in Berlin.
    const next = new Date(insights?.next ?? 0);
    expect(
      new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Berlin",
        weekday: "long",
        hour: "2-digit",
        minute: "2-digit",
      }).format(next),
    ).toBe("Monday 07:00");
    expect(schedulers).toHaveLength(4);

    expect((await stopShopJobs(shop.id)).schedulers).toBe(2);
    const left = await queue.getJobSchedulers(0, -1);
    expect(left.map((s) => s.id ?? s.key).sort()).toEqual(
      [forecastSchedulerId(other.id), insightsSchedulerId(other.id)].sort(),
    );
  });
});
