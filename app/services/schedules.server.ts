/**
 * The schedules of a shop's jobs, set by the services, the CLI and scripts; the jobs
 * (app/jobs/) process what these schedule. Sync: one scheduler per connection and stream, and
 * "sync now". Analytics engine: a daily forecast (which enqueues the alerts after it) and a
 * weekly insight on Monday at 07:00 in the shop's time zone; the insight runs on the forecast
 * queue as jobs named "insights" (same `{ shopId }` payload). Scheduler ids start with
 * `shopJobPrefix`, so uninstalling stops them.
 */
import type { ChannelConnection, Shop } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { getQueue, JOB_RETENTION, shopJobId, shopJobPrefix } from "#app/queue/queues.server.ts";
import type { ChannelAdapter } from "#app/services/channels.server.ts";

/** Scheduler id of a connection's stream: starts with the shop, so uninstalling finds it. */
export function syncSchedulerId(connection: Pick<ChannelConnection, "id" | "shopId">, stream: string): string {
  return `${shopJobPrefix(connection.shopId)}sync:${connection.id}:${stream}`;
}

/** Retries with exponential backoff, for every sync job. */
export const SYNC_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 30_000 },
  ...JOB_RETENTION,
} as const;

/**
 * One scheduler per connection and stream at the stream's default frequency. Upserting
 * (not adding) means a redeploy or a reconnect never duplicates a schedule.
 */
export async function scheduleConnection(
  connection: ChannelConnection,
  adapter: ChannelAdapter,
  options: { everyMinutesAtMost?: number } = {},
): Promise<string[]> {
  const queue = getQueue("sync");
  const ids: string[] = [];
  for (const stream of adapter.connector.supportedStreams) {
    const everyMinutes = Math.min(
      adapter.connector.stream(stream).defaultSchedule.everyMinutes,
      options.everyMinutesAtMost ?? Number.POSITIVE_INFINITY,
    );
    const id = syncSchedulerId(connection, stream);
    await queue.upsertJobScheduler(
      id,
      { every: everyMinutes * 60_000 },
      {
        name: "sync",
        data: { shopId: connection.shopId, connectionId: connection.id, stream, mode: "incremental" },
        opts: SYNC_JOB_OPTIONS,
      },
    );
    ids.push(id);
  }
  return ids;
}

/** Queues one sync of every stream of a connection now (the first import, or "sync now"). */
export async function requestSync(
  connection: Pick<ChannelConnection, "id" | "shopId">,
  adapter: ChannelAdapter,
  mode: "incremental" | "full" = "incremental",
): Promise<number> {
  const queue = getQueue("sync");
  const at = String(Date.now());
  for (const stream of adapter.connector.supportedStreams) {
    await queue.add(
      "sync",
      { shopId: connection.shopId, connectionId: connection.id, stream, mode },
      { ...SYNC_JOB_OPTIONS, jobId: shopJobId(connection.shopId, "sync", connection.id, stream, "now", at) },
    );
  }
  return adapter.connector.supportedStreams.length;
}

/** Forecasts every day at 03:30 shop time, after the night's syncs. */
export const FORECAST_PATTERN = "30 3 * * *";
/** Weekly insight: Mondays at 07:00 shop time. */
export const INSIGHTS_PATTERN = "0 7 * * 1";
export const INSIGHTS_JOB_NAME = "insights";
export const ENGINE_JOB_OPTIONS = {
  attempts: 2,
  backoff: { type: "exponential", delay: 60_000 },
  ...JOB_RETENTION,
} as const;

export function forecastSchedulerId(shopId: string): string {
  return `${shopJobPrefix(shopId)}forecast`;
}

export function insightsSchedulerId(shopId: string): string {
  return `${shopJobPrefix(shopId)}insights`;
}

/** Upserts the shop's engine schedules (never duplicated, time zone changes applied). */
export async function scheduleShopEngine(shop: Pick<Shop, "id" | "timezone">): Promise<string[]> {
  const queue = getQueue("forecast");
  const data = { shopId: shop.id };
  await queue.upsertJobScheduler(
    forecastSchedulerId(shop.id),
    { pattern: FORECAST_PATTERN, tz: shop.timezone },
    { name: "forecast", data, opts: ENGINE_JOB_OPTIONS },
  );
  await queue.upsertJobScheduler(
    insightsSchedulerId(shop.id),
    { pattern: INSIGHTS_PATTERN, tz: shop.timezone },
    { name: INSIGHTS_JOB_NAME, data, opts: ENGINE_JOB_OPTIONS },
  );
  return [forecastSchedulerId(shop.id), insightsSchedulerId(shop.id)];
}

/**
 * Name (and id) of the global job that keeps every installed shop's engine schedules in
 * place: hourly, so a newly installed shop is scheduled within the hour, and a changed time
 * zone is applied. It runs on the forecast queue with an empty shopId (it belongs to no shop).
 */
export const ENGINE_SCHEDULES_JOB = "global:engine-schedules";

/** Upserts the engine schedules (and alert digests) of every installed shop. */
export async function scheduleAllShops(): Promise<{ shops: number }> {
  const shops = await prisma.shop.findMany({
    where: { status: "installed" },
    select: { id: true, timezone: true },
    orderBy: { id: "asc" },
  });
  for (const shop of shops) {
    await scheduleShopEngine(shop);
    await scheduleAlertDigest(shop);
  }
  return { shops: shops.length };
}

/** Alert digests: every day at 00:10 shop time, for the day that just ended. */
export const DIGEST_PATTERN = "10 0 * * *";
export const DIGEST_JOB_NAME = "digest";

export function digestSchedulerId(shopId: string): string {
  return `${shopJobPrefix(shopId)}alert-digest`;
}

/**
 * The shop's daily digest on the deliveries queue while it has a daily destination (removed
 * otherwise); upserted, so never duplicated, and it follows the shop's time zone.
 */
export async function scheduleAlertDigest(shop: Pick<Shop, "id" | "timezone">): Promise<string | null> {
  const queue = getQueue("deliveries");
  const wanted = await prisma.alertDestination.count({
    where: { shopId: shop.id, enabled: true, frequency: "daily" },
  });
  if (wanted === 0) {
    await queue.removeJobScheduler(digestSchedulerId(shop.id));
    return null;
  }
  await queue.upsertJobScheduler(
    digestSchedulerId(shop.id),
    { pattern: DIGEST_PATTERN, tz: shop.timezone },
    {
      name: DIGEST_JOB_NAME,
      data: { shopId: shop.id },
      opts: { attempts: 3, backoff: { type: "exponential", delay: 60_000 }, ...JOB_RETENTION },
    },
  );
  return digestSchedulerId(shop.id);
}
