/**
 * Best Buy Marketplace connector: a seller's orders, offers (listings and stock) and
 * transaction logs (fees) through Mirakl's seller API.
 *
 * - orders: first run (and `--full`) backfills the last `backfillMonths` through the
 *   OR13/OR14 asynchronous export in windows of at most a year; afterwards OR11 by
 *   update date with a frozen end (`until`, our clock), pages of 100, keyset on
 *   (created_date, order_id) inside the window so a crash resumes exactly. Each incremental
 *   window is (previous until - ORDERS_OVERLAP_MS, until]: Mirakl stamps last_updated_date
 *   with its own clock, so when ours runs ahead an order can change after a run yet be
 *   stamped before that run's `until`; the 10-minute overlap reads it again. Versions
 *   already delivered inside the overlap (order id + last_updated_date, kept in the
 *   checkpoint's `recent`, the backfill's last window included) are skipped, so an
 *   unchanged order is never delivered twice. Mirakl's own overlap (it subtracts a delta
 *   from start_update_date) is filtered out.
 * - listings / inventory: the OF52/OF53 asynchronous offer export, full on the first run,
 *   then differential with `last_request_date` (Mirakl's recommendation for synchronisation).
 * - fees: TL02 transaction logs, seek pagination, fee types only (sales and payouts skipped).
 */
import { z } from "zod";
import {
  ConfigError,
  ConnectorHttpError,
  defineConnector,
  monthsBefore,
  utcTimestamp,
  type ConnectorContext,
  type Page,
} from "@crosschannel/connector-sdk";
import { MiraklClient } from "./client.ts";
import { isFeeTransaction, toChannelListing, toChannelOrder, toFeeEvent, toInventoryLevel } from "./mappers.ts";
import type { MiraklAsyncExportStatus, MiraklOffer, MiraklOrder, MiraklTransaction } from "./wire.ts";

/** Best Buy Canada's Mirakl instance (the US instance URL is given per connection). */
export const BESTBUY_CANADA_BASE_URL = "https://marketplace.bestbuy.ca";

/** Named instances accepted as `baseUrl` (the US instance URL is not public: give it in full). */
export const BESTBUY_PRESETS: Readonly<Record<string, string>> = { "bestbuy-ca": BESTBUY_CANADA_BASE_URL };

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** "https://marketplace.bestbuy.ca/api/" -> "https://marketplace.bestbuy.ca" (paths add /api). */
export function normalizeBaseUrl(url: string): string {
  return url
    .trim()
    .replace(/\/+$/, "")
    .replace(/\/api$/i, "");
}

export const BestBuyConfig = z.object({
  baseUrl: z.preprocess(
    (value) => (typeof value === "string" && Object.hasOwn(BESTBUY_PRESETS, value) ? BESTBUY_PRESETS[value] : value),
    z
      .url({
        message: `baseUrl must be your Mirakl instance URL, e.g. ${BESTBUY_CANADA_BASE_URL} (or the preset "bestbuy-ca") for Best Buy Canada, or the US marketplace URL Best Buy gave you`,
      })
      .refine((value) => {
        const url = new URL(value);
        return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
      }, "baseUrl must use https:// (the API key travels in every request)")
      .transform(normalizeBaseUrl),
  ),
  shopId: z
    .union([z.string().regex(/^\d+$/), z.number().int().positive()], {
      message: "shopId must be the numeric shop id (Seller Portal > Settings > Shop), or be left out",
    })
    .transform(String)
    .optional(),
  backfillMonths: z
    .number({ message: "backfillMonths must be a whole number of months (default 24)" })
    .int("backfillMonths must be a whole number of months (default 24)")
    .min(1, "backfillMonths must be at least 1")
    .max(120, "backfillMonths must be at most 120")
    .default(24),
  /**
   * How listings and inventory are read: "export" (OF52/OF53 asynchronous exports, full then
   * differential: Mirakl's recommendation, needed for large catalogs) or "list" (OF21 pages
   * of 100, simpler for small catalogs; every run pages through the whole catalog).
   */
  offersSource: z
    .enum(["export", "list"], { message: 'offersSource must be "export" (OF52, default) or "list" (OF21)' })
    .default("export"),
});
export type BestBuyConfig = z.output<typeof BestBuyConfig>;

export const BestBuyCredentials = z.object({
  apiKey: z
    .string({ message: "apiKey must be the shop API key (Best Buy Seller Portal > My user settings > API key)" })
    .regex(/^\S{16,}$/, "apiKey must be the shop API key (Best Buy Seller Portal > My user settings > API key)"),
});
export type BestBuyCredentials = z.output<typeof BestBuyCredentials>;

/**
 * The app takes one JSON file per connection (`connect --channel bestbuy --config <file>`):
 * `{ "baseUrl", "apiKey", "shopId"?, "backfillMonths"?, "offersSource"? }`. Splits it into the config (stored
 * as is) and the credentials (stored encrypted). Unknown keys are dropped; validation is
 * `parseConfig`/`parseCredentials`'s job.
 */
export function splitBestBuySettings(json: unknown): {
  config: Record<string, unknown>;
  credentials: Record<string, unknown>;
} {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new ConfigError("bestbuy", [{ path: "config", message: "the settings file must hold a JSON object" }]);
  }
  const { apiKey, baseUrl, shopId, backfillMonths, offersSource } = json as Record<string, unknown>;
  const config: Record<string, unknown> = { baseUrl };
  if (shopId !== undefined && shopId !== null && shopId !== "") config.shopId = shopId;
  if (backfillMonths !== undefined) config.backfillMonths = backfillMonths;
  if (offersSource !== undefined) config.offersSource = offersSource;
  return { config, credentials: { apiKey } };
}

type BestBuyContext = ConnectorContext<BestBuyConfig, BestBuyCredentials>;

const Iso = z.iso.datetime({ precision: 3 });

const Recent = z.record(z.string(), Iso).default({});

const ExportPosition = z.object({
  trackingId: z.string().min(1),
  urls: z.array(z.string()),
  chunk: z.number().int().min(0),
  index: z.number().int().min(0),
});
type ExportPosition = z.infer<typeof ExportPosition>;

const OrdersBackfill = z.object({
  mode: z.literal("backfill"),
  /** Start the app asked for (clamped to backfillMonths before `until`). */
  since: Iso,
  /** Frozen end of the backfill (null until the first call). */
  until: Iso.nullable(),
  /** Exclusive start of the current export window. */
  windowFrom: Iso.nullable(),
  export: ExportPosition.nullable(),
  /**
   * Versions delivered by the last window whose last update is inside the overlap before
   * `until` (order id -> last_updated_date): the first incremental window skips them.
   * Absent from checkpoints written before the overlap existed (parsed as none).
   */
  recent: Recent,
});
const OrdersIncremental = z.object({
  mode: z.literal("incremental"),
  /** Exclusive lower bound on last_updated_date. */
  from: Iso,
  /** Frozen inclusive upper bound of the window being read (null between runs). */
  until: Iso.nullable(),
  /** Keyset inside the window: created_date of the last order read and the ids read at it. */
  createdFrom: Iso.nullable(),
  seen: z.array(z.string()),
  /**
   * Versions already delivered whose last update is inside the overlap of the window
   * (order id -> last_updated_date, UTC ISO): skipped when the window reads them again.
   * Absent from checkpoints written before the overlap existed: the first window after the
   * upgrade then re-delivers the few versions of its overlap once (the sink upserts them).
   */
  recent: Recent,
});
const OrdersCheckpoint = z.discriminatedUnion("mode", [OrdersBackfill, OrdersIncremental]);
type OrdersCheckpoint = z.infer<typeof OrdersCheckpoint>;
type OrdersIncremental = z.infer<typeof OrdersIncremental>;

const OffersCheckpoint = z.object({
  /** Offers changed after this moment (`last_request_date`); ignored when `full`. */
  since: Iso,
  full: z.boolean(),
  /** Frozen start of the read in progress; the next `since`. */
  until: Iso.nullable(),
  /** offersSource "export": the export being read. */
  export: ExportPosition.nullable(),
  /** offersSource "list": OF21 offset of the next page. */
  offset: z.number().int().min(0),
  /** Start of the last full read: Mirakl recommends a full export daily, differential ones between. */
  lastFullAt: Iso.nullable(),
});
type OffersCheckpoint = z.infer<typeof OffersCheckpoint>;

const FeesCheckpoint = z.object({
  /** Inclusive `last_updated_from` and the ids already read at exactly that moment. */
  updatedFrom: Iso,
  seen: z.array(z.string()),
});
type FeesCheckpoint = z.infer<typeof FeesCheckpoint>;

/** OR11 page size (Mirakl's maximum). */
export const ORDERS_PAGE_SIZE = 100;
/** OF21 page size (Mirakl's maximum). */
export const OFFERS_PAGE_SIZE = 100;
/** Records per committed page when reading an export chunk. */
export const EXPORT_PAGE_SIZE = 100;
/** TL02 page size (Mirakl allows up to 2000). */
export const TRANSACTIONS_PAGE_SIZE = 1000;
/**
 * Mirakl limits an order export to one year. Windows are 364 days so that, with the end
 * padded by a second (see `incrementalOrders`), a request never spans more than 365 days.
 */
export const ORDER_EXPORT_WINDOW_DAYS = 364;
const EXPORT_WINDOW_MS = ORDER_EXPORT_WINDOW_DAYS * 86_400_000;
/**
 * Each incremental orders window starts this long before the previous one ended. Our clock
 * freezes a window's end (`until`) but Mirakl stamps last_updated_date with its own clock:
 * when ours runs ahead (5 minutes of skew is common enough), an order changed after a run
 * can be stamped before that run's `until`, and a next window starting exactly there would
 * never read it. 10 minutes covers ±5 minutes of skew with margin (and changes Mirakl
 * indexes a little late); versions already delivered in the overlap are skipped (`recent`).
 */
export const ORDERS_OVERLAP_MS = 10 * 60_000;
const POLL_INTERVAL_MS = 15_000;
/** Mirakl: differential offer exports every few minutes, a full one daily. */
const FULL_OFFERS_EVERY_MS = 24 * 3_600_000;
const MAX_EXPORT_WAIT_MS = 3 * 3_600_000;

const iso = (ms: number) => new Date(ms).toISOString();
/** Mirakl's date format: ISO 8601 UTC, seconds ("2019-04-02T14:18:43Z"), milliseconds when present. */
export const miraklDate = (value: string) => utcTimestamp(value).replace(/\.000Z$/, "Z");

function client(ctx: BestBuyContext): MiraklClient {
  return MiraklClient.forRun(ctx, {
    baseUrl: ctx.config.baseUrl,
    apiKey: ctx.credentials.apiKey,
    shopId: ctx.config.shopId,
  });
}

/** `months` calendar months before `ms`. */

/** Polls OR14/OF53 until the export completes; the token bucket paces the polls. */
async function awaitExport(
  ctx: BestBuyContext,
  status: () => Promise<MiraklAsyncExportStatus>,
  what: string,
  trackingId: string,
): Promise<string[]> {
  const started = ctx.clock.now();
  for (;;) {
    const answer = await status();
    if (answer.status === "COMPLETED") return answer.urls ?? [];
    if (answer.status !== "PENDING") {
      throw new Error(
        `${what} export ${trackingId} ended ${answer.status}${answer.error?.detail ? `: ${answer.error.detail}` : ""}`,
      );
    }
    if (ctx.clock.now() - started > MAX_EXPORT_WAIT_MS) {
      throw new Error(`${what} export ${trackingId} still PENDING after ${MAX_EXPORT_WAIT_MS / 60_000} minutes`);
    }
    await ctx.clock.sleep(POLL_INTERVAL_MS, ctx.signal);
  }
}

interface ExportPage<T> {
  records: T[];
  position: ExportPosition;
  last: boolean;
}

/**
 * Reads an export's chunks from a position, page by page; each page carries the position
 * right after it. A download of expired files throws the 404/410 `ConnectorHttpError`
 * (callers resuming a stored position export again, see `isExpired`).
 */
async function* readExport<T>(
  api: MiraklClient,
  operation: "OR14_DOWNLOAD" | "OF54_DOWNLOAD",
  position: ExportPosition,
): AsyncGenerator<ExportPage<T>> {
  for (let chunk = position.chunk; chunk < position.urls.length; chunk += 1) {
    const url = position.urls[chunk] as string;
    const records = await api.downloadChunk<T>(operation, url);
    let index = chunk === position.chunk ? position.index : 0;
    const lastChunk = chunk === position.urls.length - 1;
    if (index >= records.length) {
      if (lastChunk) yield { records: [], position: { ...position, chunk, index }, last: true };
      continue;
    }
    while (index < records.length) {
      const page = records.slice(index, index + EXPORT_PAGE_SIZE);
      index += page.length;
      const chunkDone = index >= records.length;
      yield {
        records: page,
        position: chunkDone && !lastChunk ? { ...position, chunk: chunk + 1, index: 0 } : { ...position, chunk, index },
        last: chunkDone && lastChunk,
      };
    }
  }
  if (position.urls.length === 0) yield { records: [], position, last: true };
}

const isExpired = (error: unknown) =>
  error instanceof ConnectorHttpError && (error.status === 404 || error.status === 410);

/* ----------------------------------- orders ----------------------------------- */

type Recent = z.infer<typeof Recent>;

/** An order's version: its last_updated_date as UTC ISO (null when unreadable). */
function versionOf(order: MiraklOrder): string | null {
  const at = Date.parse(order.last_updated_date);
  return Number.isNaN(at) ? null : iso(at);
}

/**
 * `recent` pruned to versions updated at or after `since`, plus the delivered `orders`
 * updated at or after `since` (a newer version of an order replaces its older one).
 */
function rememberVersions(recent: Recent, orders: readonly MiraklOrder[], since: number): Recent {
  const kept: Recent = {};
  for (const [id, at] of Object.entries(recent)) if (Date.parse(at) >= since) kept[id] = at;
  for (const order of orders) {
    const at = versionOf(order);
    if (at !== null && Date.parse(at) >= since) kept[order.order_id] = at;
  }
  return kept;
}

async function* readOrders(
  ctx: BestBuyContext,
  checkpoint: OrdersCheckpoint,
): AsyncGenerator<Page<MiraklOrder, OrdersCheckpoint>> {
  const api = client(ctx);
  if (checkpoint.mode === "backfill") {
    yield* backfillOrders(ctx, api, checkpoint);
    return;
  }
  yield* incrementalOrders(ctx, api, checkpoint);
}

async function* backfillOrders(
  ctx: BestBuyContext,
  api: MiraklClient,
  checkpoint: z.infer<typeof OrdersBackfill>,
): AsyncGenerator<Page<MiraklOrder, OrdersCheckpoint>> {
  const until = checkpoint.until ?? iso(ctx.clock.now());
  const untilMs = Date.parse(until);
  // The first window starts a second early so orders updated exactly at the start are kept.
  const floor = Math.max(Date.parse(checkpoint.since), monthsBefore(untilMs, ctx.config.backfillMonths)) - 1000;
  let windowFrom = checkpoint.windowFrom ?? iso(floor);
  if (Date.parse(windowFrom) >= untilMs) return; // a start in the future: nothing to read yet
  let resume = checkpoint.export;
  // The first incremental window reads the overlap before `until` again: remember what the
  // backfill delivered there (only the last window can hold such versions).
  const overlapFrom = untilMs - ORDERS_OVERLAP_MS;
  let recent = checkpoint.recent;

  for (;;) {
    const fromMs = Date.parse(windowFrom);
    const windowTo = iso(Math.min(fromMs + EXPORT_WINDOW_MS, untilMs));
    const lastWindow = windowTo === until;
    const startExport = async (): Promise<ExportPosition> => {
      const { tracking_id } = await api.createOrderExport({
        start_update_date: miraklDate(windowFrom),
        end_update_date: miraklDate(iso(Date.parse(windowTo) + 1000)),
      });
      const urls = await awaitExport(ctx, () => api.orderExportStatus(tracking_id), "OR13 order", tracking_id);
      return { trackingId: tracking_id, urls, chunk: 0, index: 0 };
    };
    let position = resume ?? (await startExport());
    const resumed = resume !== null;
    resume = null;
    const inWindow = (order: MiraklOrder) => {
      const updated = Date.parse(order.last_updated_date);
      return updated > fromMs && updated <= Date.parse(windowTo);
    };

    let pages = readExport<MiraklOrder>(api, "OR14_DOWNLOAD", position);
    let first = true;
    for (;;) {
      let next: IteratorResult<ExportPage<MiraklOrder>>;
      try {
        next = await pages.next();
      } catch (error) {
        // Files of an export stored in a checkpoint may have expired: export the window again.
        if (!(first && resumed && isExpired(error))) throw error;
        position = await startExport();
        pages = readExport<MiraklOrder>(api, "OR14_DOWNLOAD", position);
        first = false;
        continue;
      }
      first = false;
      if (next.done) break;
      const page = next.value;
      const records = page.records.filter(inWindow);
      recent = rememberVersions(recent, records, overlapFrom);
      let after: OrdersCheckpoint;
      if (!page.last) {
        after = { mode: "backfill", since: checkpoint.since, until, windowFrom, export: page.position, recent };
      } else if (lastWindow) {
        after = { mode: "incremental", from: until, until: null, createdFrom: null, seen: [], recent };
      } else {
        after = { mode: "backfill", since: checkpoint.since, until, windowFrom: windowTo, export: null, recent };
      }
      yield { records, checkpoint: after };
    }
    if (lastWindow) return;
    windowFrom = windowTo;
  }
}

async function* incrementalOrders(
  ctx: BestBuyContext,
  api: MiraklClient,
  checkpoint: OrdersIncremental,
): AsyncGenerator<Page<MiraklOrder, OrdersCheckpoint>> {
  const until = checkpoint.until ?? iso(ctx.clock.now());
  const untilMs = Date.parse(until);
  if (Date.parse(checkpoint.from) >= untilMs) return;
  // The window reads (from - overlap, until]; versions delivered in the overlap are in `recent`.
  const fromMs = Date.parse(checkpoint.from) - ORDERS_OVERLAP_MS;
  const windowStart = iso(fromMs);
  const overlapFrom = untilMs - ORDERS_OVERLAP_MS;
  let position: OrdersIncremental = { ...checkpoint, until };
  const inWindow = (order: MiraklOrder) => {
    const updated = Date.parse(order.last_updated_date);
    return updated > fromMs && updated <= untilMs; // drops Mirakl's overlap delta
  };
  const undelivered = (order: MiraklOrder) => {
    const delivered = checkpoint.recent[order.order_id];
    return delivered === undefined || versionOf(order) !== delivered;
  };
  let offset = 0;

  for (;;) {
    const createdFromMs = position.createdFrom === null ? null : Date.parse(position.createdFrom);
    // Bounds are padded by a second and filtered here, so whether Mirakl treats them as
    // inclusive or exclusive, nothing at a boundary is lost.
    const page = await api.listOrders({
      start_update_date: miraklDate(windowStart),
      end_update_date: miraklDate(iso(untilMs + 1000)),
      ...(createdFromMs === null ? {} : { start_date: miraklDate(iso(createdFromMs - 1000)) }),
      order_tax_mode: "TAX_EXCLUDED",
      sort: "dateCreated",
      order: "asc",
      offset,
      max: ORDERS_PAGE_SIZE,
    });
    const seen = new Set(position.seen);
    const unread = page.orders.filter((order) => {
      if (createdFromMs === null) return true;
      const created = Date.parse(order.created_date);
      return created > createdFromMs || (created === createdFromMs && !seen.has(order.order_id));
    });
    const done = page.orders.length === 0 || offset + page.orders.length >= page.total_count;
    if (unread.length === 0 && !done) {
      // Only possible when a whole page shares one creation second: page on through it.
      offset += page.orders.length;
      continue;
    }
    offset = 0;
    const records = unread.filter((order) => inWindow(order) && undelivered(order));
    if (done) {
      // Next window: only the versions inside its overlap are kept.
      const recent = rememberVersions(position.recent, records, overlapFrom);
      yield {
        records,
        checkpoint: { mode: "incremental", from: until, until: null, createdFrom: null, seen: [], recent },
      };
      return;
    }
    const createdFrom = utcTimestamp((unread.at(-1) as MiraklOrder).created_date);
    const atBoundary = unread
      .filter((order) => utcTimestamp(order.created_date) === createdFrom)
      .map((order) => order.order_id);
    const nextSeen = createdFrom === position.createdFrom ? [...position.seen, ...atBoundary] : atBoundary;
    // Mid-window the previous window's versions stay (later pages may hold them again); of this
    // window's, only those the next window's overlap will read again.
    const recent = { ...position.recent, ...rememberVersions({}, records, overlapFrom) };
    position = {
      mode: "incremental",
      from: checkpoint.from,
      until,
      createdFrom,
      seen: [...new Set(nextSeen)],
      recent,
    };
    yield { records, checkpoint: position };
  }
}

/* ------------------------------ listings, inventory ------------------------------ */

async function* readOffers(
  ctx: BestBuyContext,
  checkpoint: OffersCheckpoint,
): AsyncGenerator<Page<MiraklOffer, OffersCheckpoint>> {
  const api = client(ctx);
  const until = checkpoint.until ?? iso(ctx.clock.now());
  if (Date.parse(checkpoint.since) >= Date.parse(until)) return;
  // A read in progress keeps its kind; a new one is full on the first run and once a day.
  const full =
    checkpoint.until !== null
      ? checkpoint.full
      : checkpoint.full ||
        checkpoint.lastFullAt === null ||
        Date.parse(until) - Date.parse(checkpoint.lastFullAt) >= FULL_OFFERS_EVERY_MS;
  const current: OffersCheckpoint = { ...checkpoint, full, until };
  const after: OffersCheckpoint = {
    since: until,
    full: false,
    until: null,
    export: null,
    offset: 0,
    lastFullAt: full ? until : checkpoint.lastFullAt,
  };
  if (ctx.config.offersSource === "list") {
    yield* listOffers(api, current, after);
    return;
  }
  const startExport = async (): Promise<ExportPosition> => {
    const { tracking_id } = await api.createOfferExport({
      ...(full ? {} : { last_request_date: miraklDate(checkpoint.since) }),
      include_inactive_offers: true,
      export_type: "application/json",
    });
    const urls = await awaitExport(ctx, () => api.offerExportStatus(tracking_id), "OF52 offer", tracking_id);
    return { trackingId: tracking_id, urls, chunk: 0, index: 0 };
  };
  let position = checkpoint.export ?? (await startExport());
  const resumed = checkpoint.export !== null;
  let pages = readExport<MiraklOffer>(api, "OF54_DOWNLOAD", position);
  let first = true;
  for (;;) {
    let next: IteratorResult<ExportPage<MiraklOffer>>;
    try {
      next = await pages.next();
    } catch (error) {
      if (!(first && resumed && isExpired(error))) throw error;
      position = await startExport();
      pages = readExport<MiraklOffer>(api, "OF54_DOWNLOAD", position);
      first = false;
      continue;
    }
    first = false;
    if (next.done) return;
    const page = next.value;
    yield {
      records: page.records,
      checkpoint: page.last ? after : { ...current, export: page.position },
    };
  }
}

/**
 * OF21 pages (offset, 100 at a time) through the whole catalog; after the first (full) read,
 * only offers changed since the previous read are delivered (all of them when an offer
 * carries no last_updated).
 */
async function* listOffers(
  api: MiraklClient,
  checkpoint: OffersCheckpoint,
  after: OffersCheckpoint,
): AsyncGenerator<Page<MiraklOffer, OffersCheckpoint>> {
  const sinceMs = Date.parse(checkpoint.since);
  let offset = checkpoint.offset;
  for (;;) {
    const page = await api.listOffers({ offset, max: OFFERS_PAGE_SIZE });
    offset += page.offers.length;
    const done = page.offers.length === 0 || offset >= page.total_count;
    const records = checkpoint.full
      ? page.offers
      : page.offers.filter((offer) => offer.last_updated == null || Date.parse(offer.last_updated) > sinceMs);
    yield { records, checkpoint: done ? after : { ...checkpoint, export: null, offset } };
    if (done) return;
  }
}

const offersStart = (since: string): OffersCheckpoint => ({
  since: utcTimestamp(since),
  full: true,
  until: null,
  export: null,
  offset: 0,
  lastFullAt: null,
});

/* ------------------------------------ fees ------------------------------------ */

async function* readFees(
  ctx: BestBuyContext,
  checkpoint: FeesCheckpoint,
): AsyncGenerator<Page<MiraklTransaction, FeesCheckpoint>> {
  const api = client(ctx);
  if (Date.parse(checkpoint.updatedFrom) > ctx.clock.now()) return;
  let position = checkpoint;
  let pageToken: string | undefined;
  for (;;) {
    const page = await api.transactionLogs({
      // Padded by a second and filtered here: exact whether Mirakl's bound is inclusive or not.
      last_updated_from: miraklDate(iso(Date.parse(checkpoint.updatedFrom) - 1000)),
      sort: "lastUpdated",
      limit: TRANSACTIONS_PAGE_SIZE,
      ...(pageToken === undefined ? {} : { page_token: pageToken }),
    });
    const before = position;
    const seen = new Set(before.seen);
    const fromMs = Date.parse(before.updatedFrom);
    const fresh = page.data.filter((row) => {
      const updated = Date.parse(row.last_updated);
      return updated > fromMs || (updated === fromMs && !seen.has(row.id));
    });
    const last = page.data.at(-1);
    if (last !== undefined) {
      const updatedFrom = utcTimestamp(last.last_updated);
      const atBoundary = page.data.filter((row) => utcTimestamp(row.last_updated) === updatedFrom).map((row) => row.id);
      const ids = updatedFrom === before.updatedFrom ? [...before.seen, ...atBoundary] : atBoundary;
      position = { updatedFrom, seen: [...new Set(ids)] };
    }
    const records = fresh.filter((row) => isFeeTransaction(row.transaction_type));
    const moved = position !== before && JSON.stringify(position) !== JSON.stringify(before);
    if (records.length > 0 || moved) yield { records, checkpoint: position };
    if (!page.next_page_token || page.data.length === 0) return;
    pageToken = page.next_page_token;
  }
}

/* ---------------------------------- connector ---------------------------------- */

export const bestbuyConnector = defineConnector({
  id: "bestbuy",
  displayName: "Best Buy Marketplace",
  shortName: "Best Buy",
  configSchema: BestBuyConfig,
  credentialsSchema: BestBuyCredentials,
  connection: {
    splitSettings: (settings) => splitBestBuySettings(settings),
    accountId: (config) => config.shopId ?? new URL(config.baseUrl).host,
    displayName: (config) => `Best Buy Marketplace (${new URL(config.baseUrl).host})`,
    backfillMonths: (config) => config.backfillMonths,
  },

  async check(ctx) {
    let account;
    try {
      account = await client(ctx).account();
    } catch (error) {
      if (!(error instanceof ConnectorHttpError)) throw error;
      if (error.kind === "auth" && error.status === 403 && ctx.config.shopId !== undefined) {
        throw new ConfigError("bestbuy", [
          {
            path: "config.shopId",
            message: `the API key has no access to shop ${ctx.config.shopId}; leave shopId out or use the id shown in the Seller Portal`,
          },
        ]);
      }
      if (error.kind === "auth") {
        throw new ConnectorHttpError(
          error.toJSON(),
          `Best Buy rejected the API key (HTTP ${error.status ?? "?"}): generate a new shop API key in the Seller Portal (My user settings > API key) and update the connection`,
          { cause: error },
        );
      }
      throw error;
    }
    const shopId = String(account.shop_id);
    if (ctx.config.shopId !== undefined && shopId !== ctx.config.shopId) {
      throw new ConfigError("bestbuy", [
        { path: "config.shopId", message: `the API key belongs to shop ${shopId}, not ${ctx.config.shopId}` },
      ]);
    }
    return { accountName: `${account.shop_name} (shop ${shopId})` };
  },

  streams: {
    orders: {
      primaryKey: ["externalId"],
      cursorField: "updatedAt",
      // Mirakl recommends OR11 every 5 minutes (at most once a minute); partner integrations every 15.
      defaultSchedule: { everyMinutes: 15 },
      checkpointSchema: OrdersCheckpoint,
      startCheckpoint: (since) => ({
        mode: "backfill",
        since: utcTimestamp(since),
        until: null,
        windowFrom: null,
        export: null,
        recent: {},
      }),
      read: readOrders,
      normalize: (order: MiraklOrder, ctx) =>
        toChannelOrder(order, {
          onUnknownState: (issue) =>
            ctx.log.warn("bestbuy: unknown Mirakl state kept as text", { ...issue, connector: "bestbuy" }),
        }),
    },
    listings: {
      primaryKey: ["sku"],
      cursorField: "updatedAt",
      // OF52 differential exports: at most every 5 minutes.
      defaultSchedule: { everyMinutes: 60 },
      checkpointSchema: OffersCheckpoint,
      startCheckpoint: offersStart,
      read: readOffers,
      normalize: (offer: MiraklOffer, ctx) => toChannelListing(offer, iso(ctx.clock.now())),
    },
    inventory: {
      primaryKey: ["sku", "locationId"],
      cursorField: "observedAt",
      defaultSchedule: { everyMinutes: 30 },
      checkpointSchema: OffersCheckpoint,
      startCheckpoint: offersStart,
      read: readOffers,
      normalize: (offer: MiraklOffer, ctx) => toInventoryLevel(offer, iso(ctx.clock.now())),
    },
    fees: {
      primaryKey: ["externalId"],
      cursorField: "occurredAt",
      // TL02: ≤ 20 calls a minute and 60 an hour; transaction logs settle slowly.
      defaultSchedule: { everyMinutes: 60 },
      checkpointSchema: FeesCheckpoint,
      startCheckpoint: (since) => ({ updatedFrom: utcTimestamp(since), seen: [] }),
      read: readFees,
      normalize: (transaction: MiraklTransaction) => toFeeEvent(transaction),
    },
  },
});
