/**
 * What the Channels page shows and does: each connection's status in words, its last runs,
 * quarantined records, and pause / resume / disconnect. The CLI's connect and sync go through
 * connections.server.ts and schedules.server.ts; these add what the page needs on top.
 */
import type { Channel, ChannelConnection, ConnectionStatus, SyncRun } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { ingestPool } from "#app/db/pool.server.ts";
import { getQueue } from "#app/queue/queues.server.ts";
import { adapterFor } from "#app/services/channels.server.ts";
import { markRollupsStale } from "#app/services/rollups.server.ts";
import { scheduleConnection, syncSchedulerId } from "#app/services/schedules.server.ts";
import { audit } from "#app/services/shops.server.ts";

export type StatusKind = "connected" | "syncing" | "throttled" | "failing" | "paused" | "expiring" | "revoked";

export interface ConnectionStatusWords {
  kind: StatusKind;
  label: string;
  detail: string;
  /** What the merchant can do about it, when anything. */
  action?: string;
}

const EXPIRING_WITHIN_MS = 14 * 86_400_000;

/** The connection's state in the merchant's words, from its row and its latest runs. */
export function describeStatus(
  connection: Pick<ChannelConnection, "status" | "lastError" | "credentialsExpireAt">,
  latestRuns: readonly Pick<SyncRun, "status" | "progress" | "throttled" | "error">[],
  now = new Date(),
): ConnectionStatusWords {
  if (connection.status === "revoked") {
    return {
      kind: "revoked",
      label: "Credentials revoked",
      detail: connection.lastError ?? "The channel refused the stored credentials.",
      action: "Connect the channel again with fresh credentials; nothing syncs until then.",
    };
  }
  if (connection.status === "paused") {
    return { kind: "paused", label: "Paused", detail: "No scheduled syncs run.", action: "Resume to sync again." };
  }
  const running = latestRuns.filter((run) => run.status === "running" || run.status === "queued");
  if (running.length > 0) {
    const known = running.map((run) => run.progress).filter((value): value is number => value !== null);
    const percent = known.length > 0 ? Math.round((known.reduce((a, b) => a + b, 0) / known.length) * 100) : null;
    return {
      kind: "syncing",
      label: percent === null ? "Syncing" : `Syncing, ${percent}%`,
      detail: `${running.length} stream${running.length === 1 ? "" : "s"} syncing now.`,
    };
  }
  const failed = latestRuns.find((run) => run.status === "failed");
  if (connection.status === "error" || failed) {
    const reason =
      connection.lastError ??
      (failed?.error && typeof failed.error === "object" && "message" in failed.error
        ? String((failed.error as { message: unknown }).message)
        : "The last sync failed.");
    return {
      kind: "failing",
      label: "Failing",
      detail: reason,
      action: "Check the credentials below, then Sync now. Syncs retry on their own schedule.",
    };
  }
  if (connection.credentialsExpireAt && connection.credentialsExpireAt.getTime() - now.getTime() < EXPIRING_WITHIN_MS) {
    return {
      kind: "expiring",
      label: "Credentials expiring",
      detail: `The credentials expire on ${connection.credentialsExpireAt.toISOString().slice(0, 10)}.`,
      action: "Connect again with fresh credentials before then.",
    };
  }
  if (latestRuns.some((run) => run.throttled > 0)) {
    return {
      kind: "throttled",
      label: "Connected, throttled",
      detail: "The channel slowed the last sync down (rate limits); it waits and continues on its own.",
    };
  }
  return { kind: "connected", label: "Connected", detail: "Syncing on schedule." };
}

export interface StreamSummary {
  stream: string;
  everyMinutes: number;
  lastRun: {
    status: string;
    startedAt: string;
    finishedAt: string | null;
    records: number;
    quarantined: number;
    apiCalls: number;
    throttled: number;
  } | null;
  nextSyncAt: string | null;
}

export interface ConnectionCard {
  id: string;
  channel: Channel;
  displayName: string;
  accountId: string;
  status: ConnectionStatus;
  words: ConnectionStatusWords;
  config: Record<string, unknown>;
  lastCheckedAt: string | null;
  streams: StreamSummary[];
  runs: {
    id: string;
    stream: string;
    status: string;
    startedAt: string;
    records: number;
    quarantined: number;
    apiCalls: number;
    throttled: number;
    error: string | null;
  }[];
  quarantined: { id: string; stream: string; externalId: string | null; reason: string; payload: string; at: string }[];
}

const SECRET_KEY = /token|secret|password|api[-_]?key|authorization|credential/i;

/** A quarantined record's payload with anything that looks like a secret removed. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        key,
        SECRET_KEY.test(key) ? "[removed]" : redactSecrets(inner),
      ]),
    );
  }
  return value;
}

function errorMessage(error: unknown): string | null {
  if (!error) return null;
  if (typeof error === "object" && "message" in error) return String((error as { message: unknown }).message);
  return String(error);
}

/** Every connection of the shop with what its card shows. */
export async function channelCards(shopId: string, now = new Date()): Promise<ConnectionCard[]> {
  const connections = await prisma.channelConnection.findMany({ where: { shopId }, orderBy: { createdAt: "asc" } });
  const cards: ConnectionCard[] = [];
  for (const connection of connections) {
    const runs = await prisma.syncRun.findMany({
      where: { shopId, connectionId: connection.id },
      orderBy: { startedAt: "desc" },
      take: 20,
    });
    const quarantined = await prisma.quarantinedRecord.findMany({
      where: { shopId, connectionId: connection.id },
      orderBy: { createdAt: "desc" },
      take: 20,
    });
    const adapter = adapterFor(connection.channel);
    const latestByStream = new Map<string, SyncRun>();
    for (const run of runs) if (!latestByStream.has(run.stream)) latestByStream.set(run.stream, run);
    const streams: StreamSummary[] = adapter.connector.supportedStreams.map((stream) => {
      const everyMinutes = adapter.connector.stream(stream).defaultSchedule.everyMinutes;
      const last = latestByStream.get(stream);
      const base = last?.finishedAt ?? last?.startedAt ?? null;
      const next =
        connection.status === "active" || connection.status === "error"
          ? new Date(Math.max(now.getTime(), (base?.getTime() ?? now.getTime()) + everyMinutes * 60_000))
          : null;
      return {
        stream,
        everyMinutes,
        nextSyncAt: next?.toISOString() ?? null,
        lastRun: last
          ? {
              status: last.status,
              startedAt: last.startedAt.toISOString(),
              finishedAt: last.finishedAt?.toISOString() ?? null,
              records: last.recordsWritten,
              quarantined: last.recordsQuarantined,
              apiCalls: last.apiCalls,
              throttled: last.throttled,
            }
          : null,
      };
    });
    cards.push({
      id: connection.id,
      channel: connection.channel,
      displayName: connection.displayName,
      accountId: connection.accountId,
      status: connection.status,
      words: describeStatus(connection, [...latestByStream.values()], now),
      config: (connection.config ?? {}) as Record<string, unknown>,
      lastCheckedAt: connection.lastCheckedAt?.toISOString() ?? null,
      streams,
      runs: runs.map((run) => ({
        id: run.id,
        stream: run.stream,
        status: run.status,
        startedAt: run.startedAt.toISOString(),
        records: run.recordsWritten,
        quarantined: run.recordsQuarantined,
        apiCalls: run.apiCalls,
        throttled: run.throttled,
        error: errorMessage(run.error),
      })),
      quarantined: quarantined.map((record) => ({
        id: record.id,
        stream: record.stream,
        externalId: record.externalId,
        reason: record.reason,
        payload: JSON.stringify(redactSecrets(record.payload), null, 2),
        at: record.createdAt.toISOString(),
      })),
    });
  }
  return cards;
}

export class ConnectionNotFoundError extends Error {
  override readonly name = "ConnectionNotFoundError";
}

async function ownConnection(shopId: string, connectionId: string): Promise<ChannelConnection> {
  // Scoped by shop: another shop's connection id is "not found", never acted on.
  const connection = await prisma.channelConnection.findFirst({ where: { id: connectionId, shopId } });
  if (!connection) throw new ConnectionNotFoundError(`This shop has no connection ${connectionId}.`);
  return connection;
}

async function removeSchedules(connection: ChannelConnection): Promise<void> {
  const adapter = adapterFor(connection.channel);
  const queue = getQueue("sync");
  for (const stream of adapter.connector.supportedStreams) {
    await queue.removeJobScheduler(syncSchedulerId(connection, stream));
  }
}

/** Stops the connection's scheduled syncs; its data stays. */
export async function pauseConnection(shopId: string, connectionId: string, actor: string): Promise<void> {
  const connection = await ownConnection(shopId, connectionId);
  await prisma.channelConnection.update({ where: { id: connection.id }, data: { status: "paused" } });
  await removeSchedules(connection);
  await audit(shopId, actor, "connection.paused", { channel: connection.channel }, connection.id);
}

/** Schedules the connection's syncs again. */
export async function resumeConnection(shopId: string, connectionId: string, actor: string): Promise<void> {
  const connection = await ownConnection(shopId, connectionId);
  if (connection.status === "revoked") {
    throw new ConnectionNotFoundError(`${connection.displayName}: the credentials were revoked; connect it again.`);
  }
  const updated = await prisma.channelConnection.update({ where: { id: connection.id }, data: { status: "active" } });
  await scheduleConnection(updated, adapterFor(connection.channel));
  await audit(shopId, actor, "connection.resumed", { channel: connection.channel }, connection.id);
}

export interface DisconnectResult {
  orders: number;
  listings: number;
  inventoryLevels: number;
  syncRuns: number;
}

/**
 * Deletes a connection and everything synced through it (orders with their lines, refunds
 * and cancellations, fees, listings, inventory, checkpoints, runs, quarantined records), takes
 * its orders out of the daily rollups, and removes its schedules. One transaction: it is all
 * gone or all there. Products, unit costs and SKU mappings belong to the shop and stay.
 */
export async function disconnectConnection(
  shopId: string,
  connectionId: string,
  actor: string,
): Promise<DisconnectResult> {
  const connection = await ownConnection(shopId, connectionId);
  const client = await ingestPool().connect();
  let result: DisconnectResult;
  try {
    await client.query("begin");
    // The same lock as refreshRollups: no refresh adds these orders back halfway.
    await client.query(`select pg_advisory_xact_lock(hashtextextended('rollup:' || $1, 0))`, [shopId]);
    const counts = await client.query<DisconnectResult>(
      `select (select count(*) from "Order" where "connectionId" = $2 and "shopId" = $1)::int as orders,
              (select count(*) from "ChannelListing" where "connectionId" = $2 and "shopId" = $1)::int as listings,
              (select count(*) from "InventoryLevel" where "connectionId" = $2 and "shopId" = $1)::int as "inventoryLevels",
              (select count(*) from "SyncRun" where "connectionId" = $2 and "shopId" = $1)::int as "syncRuns"`,
      [shopId, connection.id],
    );
    result = counts.rows[0]!;
    // Subtract the orders' stored contributions from the rollups (the trigger keeps the channel totals).
    await client.query(
      `with gone as (
         delete from "RollupContribution" c using "Order" o
         where c."orderId" = o.id and o."connectionId" = $2 and o."shopId" = $1 and c."shopId" = $1
         returning c.day, c.channel, c.sku, c.currency, c.orders, c.units, c."grossSales", c.discounts, c.returns,
                   c.shipping, c.taxes, c.fees, c.cogs
       ),
       delta as (
         select day, channel, sku, currency, sum(orders)::int as orders, sum(units)::int as units,
                sum("grossSales") as gross_sales, sum(discounts) as discounts, sum(returns) as returns,
                sum(shipping) as shipping, sum(taxes) as taxes, sum(fees) as fees, sum(cogs) as cogs,
                count(*)::int as n
         from gone group by day, channel, sku, currency
       )
       update "DailyRollup" r set
         orders = r.orders - d.orders, units = r.units - d.units, "grossSales" = r."grossSales" - d.gross_sales,
         discounts = r.discounts - d.discounts, returns = r.returns - d.returns,
         "netSales" = r."netSales" - (d.gross_sales - d.discounts - d.returns),
         shipping = r.shipping - d.shipping, taxes = r.taxes - d.taxes, fees = r.fees - d.fees, cogs = r.cogs - d.cogs,
         contributions = r.contributions - d.n, "updatedAt" = now()
       from delta d
       where r."shopId" = $1 and r.day = d.day and r.channel = d.channel and r.sku = d.sku and r.currency = d.currency`,
      [shopId, connection.id],
    );
    await client.query(`delete from "DailyRollup" where "shopId" = $1 and contributions <= 0`, [shopId]);
    // Rows that cascade from neither the order nor the connection.
    await client.query(`delete from "InventorySnapshot" where "shopId" = $1 and "connectionId" = $2`, [
      shopId,
      connection.id,
    ]);
    await client.query(`delete from "ChannelConnection" where id = $2 and "shopId" = $1`, [shopId, connection.id]);
    await client.query(
      `insert into "AuditLog" (id, "shopId", actor, action, target, data, "createdAt")
       values (gen_random_uuid()::text, $1, $3, 'connection.disconnected', $2, $4::jsonb, now())`,
      [
        shopId,
        connection.id,
        actor,
        JSON.stringify({ channel: connection.channel, accountId: connection.accountId, ...result }),
      ],
    );
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  await removeSchedules(connection).catch(() => undefined);
  // Without the marketplace, the shop's Marketplace Connect copies count under Shopify again.
  if (connection.channel !== "shopify") await markRollupsStale(shopId, { importedFrom: connection.channel });
  return result;
}

/** Whether a quarantined record is the shop's, and which connection to sync again for it. */
export async function retryQuarantined(shopId: string, recordId: string, actor: string) {
  const record = await prisma.quarantinedRecord.findFirst({ where: { id: recordId, shopId } });
  if (!record) throw new ConnectionNotFoundError(`This shop has no quarantined record ${recordId}.`);
  const connection = await ownConnection(shopId, record.connectionId);
  // The next full sync reads the record again: fixed, it is stored; still bad, it is quarantined again.
  await prisma.quarantinedRecord.delete({ where: { id: record.id } });
  await audit(
    shopId,
    actor,
    "quarantine.retried",
    { stream: record.stream, externalId: record.externalId },
    connection.id,
  );
  return connection;
}
