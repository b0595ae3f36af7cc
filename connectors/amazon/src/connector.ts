/**
 * The Amazon Selling Partner API connector.
 *
 * orders     first run / --full: the all-orders flat-file report in <= 30-day windows
 *            (create, poll, document, download, gunzip, parse by header), then
 *            incremental `searchOrders` (v2026-01-01) by last update, honouring the
 *            2-minute rule, with windows that overlap the previous one by 10 minutes;
 *            versions already delivered in the overlap are skipped, so nothing is
 *            delivered twice and late-indexed changes are still caught. Pending orders
 *            come back once they leave Pending, because that bumps their last update.
 * inventory  FBA inventory summaries with details, per marketplace.
 * listings   the seller's own offers (Listings Items searchListingsItems, offers).
 * fees       Finances v0 shipment and refund events (fees, fee refunds, refunded charges).
 */
import { z } from "zod";
import {
  ConfigError,
  ConnectorHttpError,
  defineConnector,
  utcTimestamp,
  type ConnectorContext,
  type Page,
} from "@crosschannel/connector-sdk";
import { AmazonConfig, AmazonCredentials } from "./config.ts";
import {
  flattenFinancialEvents,
  groupReportRows,
  parseFlatFile,
  reportOrderToChannelOrder,
  reportOrderUpdatedAt,
  toChannelListing,
  toChannelOrder,
  toFeeEvent,
  toInventoryLevel,
} from "./mappers.ts";
import { SpApi } from "./sp-api.ts";
import {
  ALL_ORDERS_REPORT,
  SP_API_ENDPOINTS,
  type AmazonFinancialEventRecord,
  type AmazonInventoryRecord,
  type AmazonListingItem,
  type AmazonOrder,
  type AmazonReport,
  type AmazonReportDocument,
  type AmazonReportOrder,
  type CreateReportResponse,
  type GetInventorySummariesResponse,
  type GetMarketplaceParticipationsResponse,
  type ListFinancialEventsResponse,
  type SearchListingsItemsResponse,
  type SearchOrdersResponse,
} from "./wire.ts";

export type AmazonContext = ConnectorContext<AmazonConfig, AmazonCredentials>;

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Amazon rejects `...Before` values later than two minutes before now. */
export const TWO_MINUTE_RULE_MS = 2 * MINUTE;
/** Each incremental window starts this long before the previous one ended. */
export const ORDERS_OVERLAP_MS = 10 * MINUTE;
/** The all-orders report covers at most about 30 days. */
export const REPORT_WINDOW_MS = 30 * DAY;
/** Finances windows: short enough for a large seller's pages to stay small (Amazon allows 180 days). */
export const FEES_WINDOW_MS = 14 * DAY;
/** Report polling: first wait, cap, and give-up time. */
const REPORT_POLL_FIRST_MS = 15_000;
const REPORT_POLL_MAX_MS = 60_000;
const REPORT_GIVE_UP_MS = 2 * 3_600_000;
/** FBA inventory accepts startDateTime up to 18 months back. */
const INVENTORY_MAX_LOOKBACK_MS = 540 * DAY;
const PAGE_SIZE = 100;

const Iso = z.iso.datetime({ precision: 3 });

export function spApi(ctx: AmazonContext): SpApi {
  return new SpApi(ctx, { ...ctx.config, ...ctx.credentials });
}

const iso = (ms: number) => new Date(ms).toISOString();
const safeNow = (ctx: AmazonContext) => ctx.clock.now() - TWO_MINUTE_RULE_MS;
/** The earliest moment a backfill reaches: `backfillMonths` calendar months before now. */
export function backfillStart(ctx: AmazonContext): number {
  const now = new Date(ctx.clock.now());
  now.setUTCMonth(now.getUTCMonth() - ctx.config.backfillMonths);
  return now.getTime();
}

// ---------------------------------------------------------------------------------------
// orders

export const OrdersCheckpoint = z.object({
  phase: z.enum(["backfill", "incremental"]),
  /** Backfill: start of the next report window. Incremental: end of the last complete window. */
  from: Iso,
  /** End of the backfill, fixed when it starts (then the first incremental watermark). */
  backfillEnd: Iso.nullable(),
  /** Incremental window in progress: its end and the next page's token. */
  window: z.object({ before: Iso, token: z.string() }).nullable(),
  /** Orders delivered whose last update is inside the overlap: id -> lastUpdatedTime. */
  recent: z.record(z.string(), Iso),
});
export type OrdersCheckpoint = z.infer<typeof OrdersCheckpoint>;
type RawOrder = AmazonOrder | AmazonReportOrder;

const isReportOrder = (raw: RawOrder): raw is AmazonReportOrder => (raw as AmazonReportOrder).source === "report";
const updatedAtOf = (raw: RawOrder) =>
  isReportOrder(raw) ? reportOrderUpdatedAt(raw) : utcTimestamp(raw.lastUpdatedTime);
const orderIdOf = (raw: RawOrder) => (isReportOrder(raw) ? raw.amazonOrderId : raw.orderId);

function keepRecent(
  recent: Record<string, string>,
  records: readonly RawOrder[],
  since: number,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [id, at] of Object.entries(recent)) if (Date.parse(at) >= since) kept[id] = at;
  for (const record of records) {
    let at: string;
    try {
      at = updatedAtOf(record);
    } catch {
      continue; // unreadable time: the record is quarantined by normalize
    }
    if (Date.parse(at) >= since) kept[orderIdOf(record)] = at;
  }
  return kept;
}

/** Runs one all-orders report over [from, to) and returns its orders. */
export async function readOrdersReport(
  api: SpApi,
  ctx: AmazonContext,
  from: string,
  to: string,
): Promise<AmazonReportOrder[]> {
  const { reportId } = await api.call<CreateReportResponse>("reports", "createReport", {
    body: {
      reportType: ALL_ORDERS_REPORT,
      marketplaceIds: ctx.config.marketplaceIds,
      dataStartTime: from,
      dataEndTime: to,
    },
  });
  const startedAt = ctx.clock.now();
  let wait = REPORT_POLL_FIRST_MS;
  let report: AmazonReport;
  for (;;) {
    // No report is ready the instant it is created: wait before each poll, backing off.
    await ctx.clock.sleep(wait, ctx.signal);
    wait = Math.min(REPORT_POLL_MAX_MS, wait * 2);
    report = await api.call<AmazonReport>("reports", "getReport", { path: { reportId } });
    if (report.processingStatus === "DONE") break;
    // CANCELLED also means "no data in the range".
    if (report.processingStatus === "CANCELLED") return [];
    if (report.processingStatus === "FATAL") {
      throw new Error(`Amazon could not produce the all-orders report ${reportId} for ${from}..${to} (FATAL)`);
    }
    if (ctx.clock.now() - startedAt > REPORT_GIVE_UP_MS) {
      throw new Error(`all-orders report ${reportId} still ${report.processingStatus} after 2 hours`);
    }
  }
  const documentId = report.reportDocumentId;
  if (!documentId) throw new Error(`report ${reportId} is DONE without a reportDocumentId`);
  let text: string | null = null;
  for (let tries = 0; text === null; tries += 1) {
    const document = await api.call<AmazonReportDocument>("reports", "getReportDocument", {
      path: { reportDocumentId: documentId },
    });
    try {
      text = await api.download(document.url, document.compressionAlgorithm);
    } catch (error) {
      // The pre-signed URL lives 5 minutes: ask for a fresh one once.
      if (tries === 0 && error instanceof ConnectorHttpError && error.status === 403) continue;
      throw error;
    }
  }
  return groupReportRows(parseFlatFile(text), ALL_ORDERS_REPORT);
}

async function* readOrders(
  ctx: AmazonContext,
  checkpoint: OrdersCheckpoint,
): AsyncGenerator<Page<RawOrder, OrdersCheckpoint>> {
  const api = spApi(ctx);
  let state = checkpoint;
  let yielded: OrdersCheckpoint = checkpoint;

  if (state.phase === "backfill") {
    const end = state.backfillEnd ?? iso(safeNow(ctx));
    const endMs = Date.parse(end);
    let fromMs = Math.max(Date.parse(state.from), backfillStart(ctx));
    if (fromMs >= endMs) {
      state = {
        phase: "incremental",
        from: iso(Math.max(endMs, Date.parse(state.from))),
        backfillEnd: end,
        window: null,
        recent: {},
      };
    }
    while (state.phase === "backfill") {
      const toMs = Math.min(fromMs + REPORT_WINDOW_MS, endMs);
      const done = toMs >= endMs;
      // Should a report include its end instant, an order updated exactly then belongs to the
      // next window; the last window keeps it (the incremental overlap skips it later).
      const orders = (await readOrdersReport(api, ctx, iso(fromMs), iso(toMs))).filter((order) => {
        if (done) return true;
        try {
          return Date.parse(reportOrderUpdatedAt(order)) < toMs;
        } catch {
          return true; // quarantined by normalize
        }
      });
      state = {
        phase: done ? "incremental" : "backfill",
        from: iso(toMs),
        backfillEnd: end,
        window: null,
        recent: keepRecent(state.recent, orders, endMs - ORDERS_OVERLAP_MS),
      };
      fromMs = toMs;
      if (orders.length > 0 || done) {
        yielded = state;
        yield { records: orders, checkpoint: state };
      }
    }
  }

  // Incremental: one window (lastUpdatedAfter = watermark - overlap, lastUpdatedBefore = now - 2 min) per run.
  let window = state.window;
  if (window === null) {
    const before = safeNow(ctx);
    if (before <= Date.parse(state.from)) {
      yield* finish();
      return;
    }
    window = { before: iso(before), token: "" };
  }
  const after = iso(Date.parse(state.from) - ORDERS_OVERLAP_MS);
  let restarted = false;
  const isRejectedToken = (error: unknown, token: string | null) =>
    !restarted && token !== null && error instanceof ConnectorHttpError && error.status === 400;
  for (;;) {
    let page: SearchOrdersResponse;
    try {
      page = await api.call<SearchOrdersResponse>("orders", "searchOrders", {
        query: {
          lastUpdatedAfter: after,
          lastUpdatedBefore: window.before,
          marketplaceIds: ctx.config.marketplaceIds,
          includedData: ["PROCEEDS", "FULFILLMENT", "CANCELLATION"],
          maxResultsPerPage: PAGE_SIZE,
          paginationToken: window.token === "" ? undefined : window.token,
        },
      });
    } catch (error) {
      if (!isRejectedToken(error, window.token === "" ? null : window.token)) throw error;
      // A stored paginationToken lives 24 hours: read the window again from its start
      // (the versions its first pages delivered are in `recent` and skipped).
      ctx.log.warn("amazon searchOrders paginationToken rejected; reading the window again", { before: window.before });
      window = { before: window.before, token: "" };
      restarted = true;
      continue;
    }
    // Skip the versions already delivered (same order, same last update) inside the overlap.
    const orders = (page.orders ?? []).filter((order: AmazonOrder) => {
      const seen = state.recent[order.orderId];
      if (seen === undefined) return true;
      try {
        return utcTimestamp(order.lastUpdatedTime) !== seen;
      } catch {
        return true;
      }
    });
    const next: string | undefined = page.pagination?.nextToken;
    const beforeMs = Date.parse(window.before);
    if (next) {
      // Mid-window, keep everything the window has delivered: later pages (or a restart of the
      // window) may serve the same versions again. Pruned when the window completes.
      window = { before: window.before, token: next };
      state = { ...state, window, recent: keepRecent(state.recent, orders, Date.parse(after)) };
    } else {
      state = {
        phase: "incremental",
        from: window.before,
        backfillEnd: state.backfillEnd,
        window: null,
        recent: keepRecent(state.recent, orders, beforeMs - ORDERS_OVERLAP_MS),
      };
    }
    if (orders.length > 0) {
      yielded = state;
      yield { records: orders, checkpoint: state };
    }
    if (!next) break;
  }
  yield* finish();

  async function* finish(): AsyncGenerator<Page<RawOrder, OrdersCheckpoint>> {
    if (state !== yielded) yield { records: [], checkpoint: state };
  }
}

// ---------------------------------------------------------------------------------------
// inventory

export const Keyset = z.object({ updatedFrom: Iso, after: z.string() });
export type Keyset = z.infer<typeof Keyset>;

const inventoryKey = (record: AmazonInventoryRecord) => `${record.marketplaceId}/${record.summary.sellerSku}`;

async function* readInventory(
  ctx: AmazonContext,
  checkpoint: Keyset,
): AsyncGenerator<Page<AmazonInventoryRecord, Keyset>> {
  const api = spApi(ctx);
  const since = Math.max(Date.parse(checkpoint.updatedFrom), ctx.clock.now() - INVENTORY_MAX_LOOKBACK_MS);
  if (since > ctx.clock.now()) return;
  // nextToken expires 30 s after issue, so a run reads every page at once (at most one
  // summary per SKU and marketplace) and never stores a token; records are then emitted
  // in (lastUpdatedTime, marketplace/SKU) order with a keyset checkpoint.
  const records: Array<{ record: AmazonInventoryRecord; at: string; key: string }> = [];
  for (const marketplaceId of ctx.config.marketplaceIds) {
    let token: string | undefined;
    do {
      const page = await api.call<GetInventorySummariesResponse>("fbaInventory", "getInventorySummaries", {
        query: {
          details: true,
          granularityType: "Marketplace",
          granularityId: marketplaceId,
          marketplaceIds: [marketplaceId],
          startDateTime: iso(since),
          nextToken: token,
        },
      });
      for (const summary of page.payload?.inventorySummaries ?? []) {
        const record = { marketplaceId, summary };
        let at: string;
        try {
          at = utcTimestamp(summary.lastUpdatedTime ?? "");
        } catch {
          at = checkpoint.updatedFrom; // quarantined by normalize; sorts first
        }
        const key = inventoryKey(record);
        if (at < checkpoint.updatedFrom || (at === checkpoint.updatedFrom && key <= checkpoint.after)) continue;
        records.push({ record, at, key });
      }
      token = page.pagination?.nextToken || undefined;
    } while (token);
  }
  records.sort((a, b) => (a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let index = 0; index < records.length; index += PAGE_SIZE) {
    const chunk = records.slice(index, index + PAGE_SIZE);
    const last = chunk[chunk.length - 1];
    if (!last) break;
    yield { records: chunk.map((entry) => entry.record), checkpoint: { updatedFrom: last.at, after: last.key } };
  }
}

// ---------------------------------------------------------------------------------------
// listings

export const ListingsCheckpoint = z.object({
  /** Per marketplace: last update reached and the SKUs already delivered at exactly that time. */
  marketplaces: z.record(z.string(), z.object({ updatedFrom: Iso, seen: z.array(z.string()) })),
  since: Iso,
});
export type ListingsCheckpoint = z.infer<typeof ListingsCheckpoint>;
interface RawListing {
  marketplaceId: string;
  item: AmazonListingItem;
}

function listingUpdatedAt(raw: RawListing): string | null {
  const date = raw.item.summaries?.find((summary) => summary.marketplaceId === raw.marketplaceId)?.lastUpdatedDate;
  if (!date) return null;
  try {
    return utcTimestamp(date);
  } catch {
    return null;
  }
}

async function* readListings(
  ctx: AmazonContext,
  checkpoint: ListingsCheckpoint,
): AsyncGenerator<Page<RawListing, ListingsCheckpoint>> {
  const api = spApi(ctx);
  let state = checkpoint;
  for (const marketplaceId of ctx.config.marketplaceIds) {
    let position = state.marketplaces[marketplaceId] ?? { updatedFrom: state.since, seen: [] };
    if (Date.parse(position.updatedFrom) > ctx.clock.now()) continue;
    // Sorted by lastUpdatedDate ascending from `lastUpdatedAfter` (inclusive): the checkpoint
    // keeps the SKUs seen at the last timestamp, skipped when that timestamp is read again.
    const from = position.updatedFrom;
    const seenAtFrom = new Set(position.seen);
    let token: string | undefined;
    do {
      const page = await api.call<SearchListingsItemsResponse>("listingsItems", "searchListingsItems", {
        path: { sellerId: ctx.config.sellerId },
        query: {
          marketplaceIds: [marketplaceId],
          includedData: ["summaries", "offers"],
          lastUpdatedAfter: from,
          sortBy: "lastUpdatedDate",
          sortOrder: "ASC",
          pageSize: 20,
          pageToken: token,
        },
      });
      const records: RawListing[] = [];
      for (const item of page.items ?? []) {
        const raw = { marketplaceId, item };
        const at = listingUpdatedAt(raw);
        if (at === from && seenAtFrom.has(item.sku)) continue;
        records.push(raw);
        if (at === null) continue;
        if (at > position.updatedFrom) position = { updatedFrom: at, seen: [item.sku] };
        else if (at === position.updatedFrom) position = { updatedFrom: at, seen: [...position.seen, item.sku] };
      }
      token = page.pagination?.nextToken || undefined;
      state = { ...state, marketplaces: { ...state.marketplaces, [marketplaceId]: position } };
      if (records.length > 0) yield { records, checkpoint: state };
    } while (token);
  }
}

// ---------------------------------------------------------------------------------------
// fees

export const FeesCheckpoint = z.object({
  /** Start of the current (or next) PostedAfter window. */
  postedAfter: Iso,
  /** End of the window in progress, fixed when it starts. */
  postedBefore: Iso.nullable(),
  /** NextToken of the window in progress. */
  token: z.string().nullable(),
});
export type FeesCheckpoint = z.infer<typeof FeesCheckpoint>;

async function* readFees(
  ctx: AmazonContext,
  checkpoint: FeesCheckpoint,
): AsyncGenerator<Page<AmazonFinancialEventRecord, FeesCheckpoint>> {
  const api = spApi(ctx);
  let state: FeesCheckpoint = checkpoint;
  if (state.postedBefore === null) {
    state = { ...state, postedAfter: iso(Math.max(Date.parse(state.postedAfter), backfillStart(ctx))) };
  }
  let yielded = checkpoint;
  let restarted = false;
  let last = false;
  for (;;) {
    if (state.postedBefore === null) {
      const fromMs = Date.parse(state.postedAfter);
      const limit = safeNow(ctx);
      if (fromMs >= limit) break;
      const toMs = Math.min(fromMs + FEES_WINDOW_MS, limit);
      last = toMs === limit;
      state = { postedAfter: state.postedAfter, postedBefore: iso(toMs), token: null };
    }
    const windowEnd: string = state.postedBefore ?? iso(safeNow(ctx));
    let response: ListFinancialEventsResponse;
    try {
      response = await api.call<ListFinancialEventsResponse>("finances", "listFinancialEvents", {
        query: {
          PostedAfter: state.postedAfter,
          PostedBefore: windowEnd,
          MaxResultsPerPage: PAGE_SIZE,
          NextToken: state.token ?? undefined,
        },
      });
    } catch (error) {
      if (restarted || state.token === null || !(error instanceof ConnectorHttpError) || error.status !== 400)
        throw error;
      // Amazon no longer accepts the stored NextToken: read the window again from its start.
      ctx.log.warn("amazon listFinancialEvents NextToken rejected; reading the window again", {
        postedAfter: state.postedAfter,
      });
      state = { postedAfter: state.postedAfter, postedBefore: windowEnd, token: null };
      restarted = true;
      continue;
    }
    const records = flattenFinancialEvents(response.payload?.FinancialEvents ?? {});
    const next = response.payload?.NextToken;
    state = next
      ? { postedAfter: state.postedAfter, postedBefore: windowEnd, token: next }
      : { postedAfter: windowEnd, postedBefore: null, token: null };
    // Pages can be empty while NextToken remains: only pages with records are committed.
    if (records.length > 0) {
      yielded = state;
      yield { records, checkpoint: state };
    }
    if (!next && (last || Date.parse(windowEnd) >= safeNow(ctx) - MINUTE)) break;
  }
  if (state !== yielded) yield { records: [], checkpoint: state };
}

// ---------------------------------------------------------------------------------------
// check

/** Roles the streams need, each proven by one cheap call. */
const ROLE_PROBES: ReadonlyArray<{
  role: string;
  streams: string;
  probe: (api: SpApi, ctx: AmazonContext) => Promise<unknown>;
}> = [
  {
    role: "Inventory and Order Tracking",
    streams: "orders",
    probe: (api, ctx) =>
      api.call("orders", "searchOrders", {
        query: {
          lastUpdatedAfter: iso(safeNow(ctx) - DAY),
          lastUpdatedBefore: iso(safeNow(ctx)),
          marketplaceIds: ctx.config.marketplaceIds,
          maxResultsPerPage: 1,
        },
      }),
  },
  {
    role: "Amazon Fulfillment",
    streams: "inventory",
    probe: (api, ctx) =>
      api.call("fbaInventory", "getInventorySummaries", {
        query: {
          granularityType: "Marketplace",
          granularityId: ctx.config.marketplaceIds[0],
          marketplaceIds: ctx.config.marketplaceIds.slice(0, 1),
          sellerSkus: ["crosschannel-check"],
        },
      }),
  },
  {
    role: "Product Listing",
    streams: "listings",
    probe: (api, ctx) =>
      api.call("listingsItems", "searchListingsItems", {
        path: { sellerId: ctx.config.sellerId },
        query: { marketplaceIds: ctx.config.marketplaceIds.slice(0, 1), pageSize: 1 },
      }),
  },
  {
    role: "Finance and Accounting",
    streams: "fees",
    probe: (api, ctx) =>
      api.call("finances", "listFinancialEvents", {
        query: { PostedAfter: iso(safeNow(ctx) - DAY), PostedBefore: iso(safeNow(ctx)), MaxResultsPerPage: 1 },
      }),
  },
];

const isDenied = (error: unknown): error is ConnectorHttpError =>
  error instanceof ConnectorHttpError && (error.status === 401 || error.status === 403);

async function check(ctx: AmazonContext) {
  const api = spApi(ctx);
  await api.accessToken();
  let participations: GetMarketplaceParticipationsResponse;
  try {
    participations = await api.call<GetMarketplaceParticipationsResponse>("sellers", "getMarketplaceParticipations");
  } catch (error) {
    if (!isDenied(error)) throw error;
    const host = ctx.config.endpoint ?? SP_API_ENDPOINTS[ctx.config.region];
    throw new ConnectorHttpError(
      { ...error.toJSON(), kind: "auth" },
      `Amazon accepted the refresh token but denied the ${ctx.config.region} endpoint (${host}, HTTP ${error.status}): the seller authorized the app in another region (check config.region), or revoked the authorization.`,
      { cause: error },
    );
  }
  const participating = new Map(
    (participations.payload ?? [])
      .filter((entry) => entry.participation.isParticipating)
      .map((entry) => [entry.marketplace.id, entry]),
  );
  const missing = ctx.config.marketplaceIds.filter((id) => !participating.has(id));
  if (missing.length > 0) {
    throw new ConfigError("amazon", [
      {
        path: "config.marketplaceIds",
        message: `the seller does not sell in ${missing.join(", ")}; it participates in ${[...participating.keys()].join(", ") || "no marketplace of this region"}`,
      },
    ]);
  }
  const denied: string[] = [];
  let lastDenied: ConnectorHttpError | null = null;
  for (const { role, streams, probe } of ROLE_PROBES) {
    try {
      await probe(api, ctx);
    } catch (error) {
      if (!isDenied(error)) throw error;
      denied.push(`${role} (needed by ${streams})`);
      lastDenied = error;
    }
  }
  if (lastDenied) {
    throw new ConnectorHttpError(
      { ...lastDenied.toJSON(), kind: "auth" },
      `The app lacks the Selling Partner API role(s) ${denied.join(", ")}: add them to the app in the Developer Console, then have the seller authorize it again.`,
      { cause: lastDenied },
    );
  }
  const names = [...participating.values()]
    .filter((entry) => ctx.config.marketplaceIds.includes(entry.marketplace.id))
    .map((entry) => entry.storeName ?? entry.marketplace.name);
  return { accountName: `${[...new Set(names)].join(", ")} (${ctx.config.sellerId})` };
}

// ---------------------------------------------------------------------------------------

export const amazonConnector = defineConnector({
  id: "amazon",
  displayName: "Amazon",
  configSchema: AmazonConfig,
  credentialsSchema: AmazonCredentials,
  check,
  streams: {
    orders: {
      primaryKey: ["externalId"],
      cursorField: "updatedAt",
      defaultSchedule: { everyMinutes: 15 },
      checkpointSchema: OrdersCheckpoint,
      startCheckpoint: (since: string): OrdersCheckpoint => ({
        phase: "backfill",
        from: utcTimestamp(since),
        backfillEnd: null,
        window: null,
        recent: {},
      }),
      read: readOrders,
      normalize: (raw: RawOrder) => (isReportOrder(raw) ? reportOrderToChannelOrder(raw) : toChannelOrder(raw)),
    },
    listings: {
      primaryKey: ["sku", "marketplaceId"],
      cursorField: "updatedAt",
      defaultSchedule: { everyMinutes: 360 },
      checkpointSchema: ListingsCheckpoint,
      startCheckpoint: (since: string): ListingsCheckpoint => ({ marketplaces: {}, since: utcTimestamp(since) }),
      read: readListings,
      normalize: (raw: RawListing) => toChannelListing(raw.item, raw.marketplaceId),
    },
    inventory: {
      primaryKey: ["sku", "locationId"],
      cursorField: "observedAt",
      defaultSchedule: { everyMinutes: 60 },
      checkpointSchema: Keyset,
      startCheckpoint: (since: string): Keyset => ({ updatedFrom: utcTimestamp(since), after: "" }),
      read: readInventory,
      normalize: toInventoryLevel,
    },
    fees: {
      primaryKey: ["externalId"],
      cursorField: "occurredAt",
      defaultSchedule: { everyMinutes: 720 },
      checkpointSchema: FeesCheckpoint,
      startCheckpoint: (since: string): FeesCheckpoint => ({
        postedAfter: utcTimestamp(since),
        postedBefore: null,
        token: null,
      }),
      read: readFees,
      normalize: toFeeEvent,
    },
  },
});
