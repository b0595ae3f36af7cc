/**
 * The Channels page (/app/channels) and its Best Buy connect form, on top of
 * channel-management.server.ts (cards, pause, resume, disconnect, quarantine) and
 * connections.server.ts (connect): the channels not connected yet, what a disconnect deletes,
 * "Sync now", and the form's validation with errors on the field they are about.
 * Every query is scoped by the shop from requireShop.
 */
import { ConfigError, ConnectorHttpError, type Clock, type HttpOverrides } from "@crosschannel/connector-sdk";
import type { Channel, ChannelConnection, Shop } from "@prisma/client";
import { z } from "zod";

import prisma from "#app/db.server.ts";
import { getQueue, shopJobId } from "#app/queue/queues.server.ts";
import {
  channelCards,
  ConnectionNotFoundError,
  disconnectConnection,
  pauseConnection,
  resumeConnection,
  retryQuarantined,
  type ConnectionCard,
} from "#app/services/channel-management.server.ts";
import { adapterFor, CHANNEL_IDS, channelTitle } from "#app/services/channels.server.ts";
import { connectChannel, ConnectionError } from "#app/services/connections.server.ts";
import { requestSync, scheduleConnection, SYNC_JOB_OPTIONS } from "#app/services/schedules.server.ts";
import { audit } from "#app/services/shops.server.ts";

/** What a disconnect of the connection deletes, counted when the page loads. */
export interface ConnectionData {
  orders: number;
  listings: number;
  inventoryLevels: number;
  streams: number;
  /** Mean progress (0-1) of the runs going on now, when they report one. */
  progress: number | null;
}

export interface PageCard extends ConnectionCard {
  channelName: string;
  /** How the connection came to be, for Shopify ("Connected by the install"). */
  origin: string | null;
  /** Shopify's own connection is the install's: uninstalling removes it, not this page. */
  canDisconnect: boolean;
  data: ConnectionData;
}

export interface AvailableChannel {
  channel: Channel;
  name: string;
  /** The app's page that connects it, or null when it connects another way (`how`). */
  connectUrl: string | null;
  how: string;
}

export interface ChannelsPage {
  cards: PageCard[];
  available: AvailableChannel[];
}

const CONNECT: Record<Channel, { url: string | null; how: string }> = {
  amazon: { url: "/app/channels/amazon", how: "Sign in with Amazon Seller Central and allow Crosschannel to read." },
  bestbuy: { url: "/app/channels/bestbuy", how: "Enter your Mirakl instance URL and your shop API key." },
  shopify: {
    url: null,
    how: "Your Shopify store connects when the app is installed: install (or reinstall) Crosschannel from Shopify admin.",
  },
};

async function connectionData(shopId: string, connection: ConnectionCard): Promise<ConnectionData> {
  const where = { shopId, connectionId: connection.id };
  const [orders, listings, inventoryLevels, running] = await Promise.all([
    prisma.order.count({ where }),
    prisma.channelListing.count({ where }),
    prisma.inventoryLevel.count({ where }),
    prisma.syncRun.findMany({ where: { ...where, status: { in: ["running", "queued"] } }, select: { progress: true } }),
  ]);
  const known = running.map((run) => run.progress).filter((value): value is number => value !== null);
  const progress = known.length > 0 ? known.reduce((sum, value) => sum + value, 0) / known.length : null;
  return { orders, listings, inventoryLevels, streams: connection.streams.length, progress };
}

/** Every card of the page: the shop's connections, then the channels it has not connected. */
export async function channelsPage(shop: Pick<Shop, "id" | "source">, now = new Date()): Promise<ChannelsPage> {
  const connected = await channelCards(shop.id, now);
  const cards: PageCard[] = [];
  for (const card of connected) {
    const own = card.channel === "shopify";
    cards.push({
      ...card,
      channelName: channelTitle(card.channel),
      origin: own
        ? shop.source === "shopify"
          ? "Connected by the install"
          : "Connected with an Admin API access token"
        : null,
      canDisconnect: !(own && shop.source === "shopify"),
      data: await connectionData(shop.id, card),
    });
  }
  const have = new Set(connected.map((card) => card.channel));
  const available = CHANNEL_IDS.filter((channel) => !have.has(channel)).map((channel) => ({
    channel,
    name: channelTitle(channel),
    connectUrl: CONNECT[channel].url,
    how: CONNECT[channel].how,
  }));
  return { cards, available };
}

// --- actions of the page ---------------------------------------------------------------------

export type ActionOutcome = { ok: true; message: string } | { ok: false; message: string };

const ActionForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("sync"), connectionId: z.string().min(1) }),
  z.object({ intent: z.literal("pause"), connectionId: z.string().min(1) }),
  z.object({ intent: z.literal("resume"), connectionId: z.string().min(1) }),
  z.object({ intent: z.literal("disconnect"), connectionId: z.string().min(1) }),
  z.object({ intent: z.literal("retry"), recordId: z.string().min(1) }),
]);

async function ownConnection(shopId: string, connectionId: string): Promise<ChannelConnection> {
  const connection = await prisma.channelConnection.findFirst({ where: { id: connectionId, shopId } });
  if (!connection) throw new ConnectionNotFoundError(`This shop has no connection ${connectionId}.`);
  return connection;
}

/** "Sync now": one run of every stream, queued for the worker. Refused while paused or revoked. */
export async function syncNow(shopId: string, connectionId: string, actor: string): Promise<ActionOutcome> {
  const connection = await ownConnection(shopId, connectionId);
  if (connection.status === "paused") {
    return { ok: false, message: `${connection.displayName} is paused: resume it first, then Sync now.` };
  }
  if (connection.status === "revoked") {
    return {
      ok: false,
      message: `${connection.displayName}: the channel refused the stored credentials. Connect it again with fresh ones.`,
    };
  }
  const streams = await requestSync(connection, adapterFor(connection.channel));
  await audit(shopId, actor, "connection.sync_requested", { channel: connection.channel }, connection.id);
  return { ok: true, message: `${connection.displayName}: sync of ${streams} streams queued.` };
}

/** Retry of a quarantined record: it is read again by a full sync of its stream, queued now. */
async function retryRecord(shopId: string, recordId: string, actor: string): Promise<ActionOutcome> {
  const record = await prisma.quarantinedRecord.findFirst({ where: { id: recordId, shopId } });
  if (!record) throw new ConnectionNotFoundError(`This shop has no quarantined record ${recordId}.`);
  const connection = await retryQuarantined(shopId, recordId, actor);
  if (connection.status === "active" || connection.status === "error") {
    await getQueue("sync").add(
      "sync",
      { shopId, connectionId: connection.id, stream: record.stream, mode: "full" },
      {
        ...SYNC_JOB_OPTIONS,
        jobId: shopJobId(shopId, "sync", connection.id, record.stream, "retry", record.id),
      },
    );
    return {
      ok: true,
      message: `${record.externalId ?? "The record"} will be read again by a full ${record.stream} sync, queued now.`,
    };
  }
  return {
    ok: true,
    message: `${record.externalId ?? "The record"} will be read again when ${connection.displayName} syncs (it is ${connection.status} now).`,
  };
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

/** One of the page's buttons, from its form; the message is what the toast says. */
export async function channelAction(shopId: string, form: unknown, actor: string): Promise<ActionOutcome> {
  const parsed = ActionForm.safeParse(form);
  if (!parsed.success) {
    return { ok: false, message: "That action is not known here: reload the page and try again." };
  }
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "sync":
        return await syncNow(shopId, input.connectionId, actor);
      case "pause": {
        const connection = await ownConnection(shopId, input.connectionId);
        await pauseConnection(shopId, connection.id, actor);
        return { ok: true, message: `${connection.displayName} paused: no scheduled syncs until you resume it.` };
      }
      case "resume": {
        const connection = await ownConnection(shopId, input.connectionId);
        await resumeConnection(shopId, connection.id, actor);
        return { ok: true, message: `${connection.displayName} resumed: syncing on schedule again.` };
      }
      case "disconnect": {
        const connection = await ownConnection(shopId, input.connectionId);
        const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
        if (connection.channel === "shopify" && shop.source === "shopify") {
          return {
            ok: false,
            message: "Shopify is connected by the install: uninstall the app from Shopify admin to disconnect it.",
          };
        }
        const result = await disconnectConnection(shopId, connection.id, actor);
        return {
          ok: true,
          message:
            `${connection.displayName} disconnected: ${plural(result.orders, "order")}, ` +
            `${plural(result.listings, "listing")}, ${plural(result.inventoryLevels, "inventory level")} and its schedules deleted.`,
        };
      }
      case "retry":
        return await retryRecord(shopId, input.recordId, actor);
    }
  } catch (error) {
    if (error instanceof ConnectionNotFoundError) return { ok: false, message: error.message };
    throw error;
  }
}

// --- Best Buy connect form -----------------------------------------------------------------------

export const BESTBUY_DEFAULT_URL = "https://marketplace.bestbuy.ca";

const KEY_HELP = "the shop API key from Best Buy's Seller Portal (My user settings > API key)";

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

export const BestBuyConnectForm = z.object({
  instanceUrl: z
    .string({ message: `Enter your Best Buy Marketplace URL, e.g. ${BESTBUY_DEFAULT_URL}.` })
    .trim()
    .min(1, `Enter your Best Buy Marketplace URL, e.g. ${BESTBUY_DEFAULT_URL} for Best Buy Canada.`)
    .refine(
      isHttpUrl,
      `Enter a full URL starting with https://, e.g. ${BESTBUY_DEFAULT_URL} (the US instance URL is the one Best Buy gave you).`,
    ),
  apiKey: z
    .string({ message: `Enter ${KEY_HELP}.` })
    .trim()
    .min(1, `Enter ${KEY_HELP}.`)
    .regex(/^\S+$/, `The API key has no spaces: paste ${KEY_HELP}.`)
    .min(16, `That is too short for an API key: paste ${KEY_HELP} in full.`),
});

export type BestBuyField = "instanceUrl" | "apiKey";

export type BestBuyConnectResult =
  | { ok: true; connection: ChannelConnection; message: string }
  | { ok: false; fieldErrors: Partial<Record<BestBuyField, string>>; formError: string | null };

/** The field a failed connect is about, from the connector's error kept as the cause. */
function connectFailure(error: ConnectionError): BestBuyConnectResult {
  const cause = error.cause;
  if (cause instanceof ConfigError) {
    const fieldErrors: Partial<Record<BestBuyField, string>> = {};
    const other: string[] = [];
    for (const issue of cause.issues) {
      if (issue.path === "config.baseUrl") fieldErrors.instanceUrl ??= sentence(issue.message);
      else if (issue.path.startsWith("credentials.") || issue.path === "config.shopId")
        fieldErrors.apiKey ??= sentence(issue.message);
      else other.push(`${issue.path}: ${issue.message}`);
    }
    return { ok: false, fieldErrors, formError: other.length > 0 ? sentence(other.join("; ")) : null };
  }
  if (cause instanceof ConnectorHttpError) {
    if (cause.kind === "auth") return { ok: false, fieldErrors: { apiKey: sentence(cause.message) }, formError: null };
    if (cause.kind === "rate_limited") {
      return {
        ok: false,
        fieldErrors: {},
        formError: "Best Buy is throttling calls right now (HTTP 429): wait a minute and connect again.",
      };
    }
    return {
      ok: false,
      fieldErrors: {
        instanceUrl: `No Best Buy Marketplace answered at this URL (${cause.message}). Check the instance URL.`,
      },
      formError: null,
    };
  }
  // Refused before any call (e.g. a host the network policy does not allow): about the URL.
  const message = cause instanceof Error ? cause.message : error.message;
  return { ok: false, fieldErrors: { instanceUrl: sentence(message) }, formError: null };
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * Validates the form, checks the key against the instance (the connector's `check`), then
 * stores the connection with the key encrypted (connectChannel) and schedules its syncs.
 * Anything wrong: field errors, and nothing stored.
 */
export async function connectBestBuy(
  shop: Shop,
  form: unknown,
  options: { actor: string; clock?: Clock; httpOverrides?: HttpOverrides },
): Promise<BestBuyConnectResult> {
  const parsed = BestBuyConnectForm.safeParse(form);
  if (!parsed.success) {
    const fieldErrors: Partial<Record<BestBuyField, string>> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === "instanceUrl" || field === "apiKey") fieldErrors[field] ??= issue.message;
    }
    return { ok: false, fieldErrors, formError: null };
  }
  const adapter = adapterFor("bestbuy");
  let connection: ChannelConnection;
  try {
    connection = await connectChannel(
      shop,
      adapter,
      { baseUrl: parsed.data.instanceUrl, apiKey: parsed.data.apiKey },
      { actor: options.actor, clock: options.clock, httpOverrides: options.httpOverrides },
    );
  } catch (error) {
    if (error instanceof ConnectionError) return connectFailure(error);
    throw error;
  }
  await scheduleConnection(connection, adapter);
  await requestSync(connection, adapter);
  return { ok: true, connection, message: `${connection.displayName} connected: its history is importing.` };
}
