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
  monthsBefore,
  utcTimestamp,
  type ConnectorContext,
  type Page,
} from "@crosschannel/connector-sdk";
import { AmazonConfig, AmazonCredentials, splitAmazonSettings } from "./config.ts";
import { isRefundedCharge, refundsFromFeeEvents } from "./refunds.ts";
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
  return monthsBefore(ctx.clock.now(), ctx.config.backfillMonths);
}

// ---------------------------------------------------------------------------------------
// orders

/** A report window of the backfill still to read, and the report already requested for it. */
export const ReportWindow = z
  .object({
    from: Iso,
    to: Iso,
    /** The all-orders report requested for [from, to), polled again on resume; null until requested. */
    reportId: z.string().min(1).nullable(),
  })
  .refine((window) => window.from < window.to, { message: "a report window must end after it starts" });
export type ReportWindow = z.infer<typeof ReportWindow>;

export const OrdersCheckpoint = z
  .object({
    phase: z.enum(["backfill", "incremental"]),
    /**
     * Backfill: where it starts (in checkpoints stored before windows were read together, the
     * start of the next window). Incremental: end of the last complete window.
     */
    from: Iso,
    /** End of the backfill, fixed when it starts (then the first incremental watermark). */
    backfillEnd: Iso.nullable(),
    /**
     * Backfill: the windows still to read, newest first. Windows complete out of order; each
     * page removes its window, so a resumed run reads exactly the others. Absent before the
     * backfill has planned its windows (and in checkpoints of earlier versions, which read one
     * window at a time): then they are [from, backfillEnd) cut in 30-day windows.
     */
    pending: z.array(ReportWindow).optional(),
    /** Backfill: how many windows it has in all (for progress). */
    windowsTotal: z.number().int().positive().optional(),
    /** Incremental window in progress: its end and the next page's token. */
    window: z.object({ before: Iso, token: z.string() }).nullable(),
    /** Orders delivered whose last update is inside the overlap: id -> lastUpdatedTime. */
    recent: z.record(z.string(), Iso),
  })
  .superRefine((checkpoint, issues) => {
    if (checkpoint.pending === undefined) return;
    if (checkpoint.phase !== "backfill") {
      issues.addIssue({ code: "custom", path: ["pending"], message: "only a backfill has pending windows" });
    }
    const end = checkpoint.backfillEnd;
    if (end === null) {
      issues.addIssue({ code: "custom", path: ["backfillEnd"], message: "pending windows need the backfill's end" });
      return;
    }
    checkpoint.pending.forEach((window, index) => {
      if (window.to > end)
        issues.addIssue({ code: "custom", path: ["pending", index, "to"], message: "ends after the backfill" });
    });
    if (checkpoint.windowsTotal !== undefined && checkpoint.pending.length > checkpoint.windowsTotal) {
      issues.addIssue({ code: "custom", path: ["windowsTotal"], message: "fewer windows in all than pending" });
    }
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

/** Requests the all-orders report of [from, to); returns its id. */
export async function createOrdersReport(api: SpApi, ctx: AmazonContext, from: string, to: string): Promise<string> {
  const { reportId } = await api.call<CreateReportResponse>("reports", "createReport", {
    body: {
      reportType: ALL_ORDERS_REPORT,
      marketplaceIds: ctx.config.marketplaceIds,
      dataStartTime: from,
      dataEndTime: to,
    },
  });
  return reportId;
}

/** Fetches a DONE report's document (a fresh pre-signed URL once if the first expired) and parses its orders. */
export async function downloadOrdersReport(api: SpApi, documentId: string): Promise<AmazonReportOrder[]> {
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

/** [start, end) cut in report windows aligned on `start`, newest first. */
export function planReportWindows(startMs: number, endMs: number): ReportWindow[] {
  const windows: ReportWindow[] = [];
  for (let fromMs = startMs; fromMs < endMs; fromMs += REPORT_WINDOW_MS) {
    windows.push({ from: iso(fromMs), to: iso(Math.min(fromMs + REPORT_WINDOW_MS, endMs)), reportId: null });
  }
  return windows.reverse();
}

/** One window of a backfill run: its report, when to poll it next, how long to wait after. */
interface WindowSlot {
  window: ReportWindow;
  reportId: string | null;
  /** The report id came from the checkpoint (an earlier run): refused or stale, it is requested again. */
  inherited: boolean;
  requestedAt: number;
  dueAt: number;
  wait: number;
}

type SlotOutcome = { kind: "ready"; orders: AmazonReportOrder[] } | { kind: "waiting" } | { kind: "again" };

/**
 * Polls one window's report once. DONE: downloads and parses it; CANCELLED: no orders.
 * A report inherited from an earlier run that Amazon no longer knows, that failed or that
 * is stale is requested again ("again"); one requested by this run that fails is an error.
 */
async function pollWindow(api: SpApi, ctx: AmazonContext, slot: WindowSlot): Promise<SlotOutcome> {
  const reportId = slot.reportId as string;
  const { from, to } = slot.window;
  let report: AmazonReport;
  try {
    report = await api.call<AmazonReport>("reports", "getReport", { path: { reportId } });
  } catch (error) {
    if (slot.inherited && error instanceof ConnectorHttpError && error.status === 404) return { kind: "again" };
    throw error;
  }
  if (report.processingStatus === "DONE") {
    const documentId = report.reportDocumentId;
    if (!documentId) throw new Error(`report ${reportId} is DONE without a reportDocumentId`);
    return { kind: "ready", orders: await downloadOrdersReport(api, documentId) };
  }
  // CANCELLED also means "no data in the range".
  if (report.processingStatus === "CANCELLED") return { kind: "ready", orders: [] };
  if (report.processingStatus === "FATAL") {
    if (slot.inherited) return { kind: "again" };
    throw new Error(`Amazon could not produce the all-orders report ${reportId} for ${from}..${to} (FATAL)`);
  }
  const createdMs = report.createdTime ? Date.parse(report.createdTime) : Number.NaN;
  const age = ctx.clock.now() - (Number.isNaN(createdMs) ? slot.requestedAt : Math.min(createdMs, slot.requestedAt));
  if (age > REPORT_GIVE_UP_MS) {
    if (slot.inherited) return { kind: "again" };
    throw new Error(`all-orders report ${reportId} still ${report.processingStatus} after 2 hours`);
  }
  return { kind: "waiting" };
}

/**
 * The backfill: every pending window's report is requested up front, newest first, as fast
 * as the createReport limit allows (its burst of 15 at once, then its rate, or the rate Amazon
 * announces); the reports are polled together, each on its own backoff (15 s, 30 s, 60 s, ...);
 * each window is downloaded when its report is DONE and committed as one page (an empty one
 * when it holds no orders), whose checkpoint no longer lists it. One loop does all of it and
 * sleeps only when nothing is due, so waits overlap instead of adding up.
 */
async function* readBackfill(
  api: SpApi,
  ctx: AmazonContext,
  start: OrdersCheckpoint,
): AsyncGenerator<Page<RawOrder, OrdersCheckpoint>, OrdersCheckpoint> {
  const end = start.backfillEnd ?? iso(safeNow(ctx));
  const endMs = Date.parse(end);
  let pending: ReportWindow[];
  if (start.pending !== undefined) {
    pending = start.pending;
  } else {
    const fromMs = Math.max(Date.parse(start.from), backfillStart(ctx));
    if (fromMs >= endMs) {
      return {
        phase: "incremental",
        from: iso(Math.max(endMs, Date.parse(start.from))),
        backfillEnd: end,
        window: null,
        recent: {},
      };
    }
    pending = planReportWindows(fromMs, endMs);
  }
  if (pending.length === 0)
    return { phase: "incremental", from: end, backfillEnd: end, window: null, recent: start.recent };
  const total = Math.max(start.windowsTotal ?? pending.length, pending.length);
  let state: OrdersCheckpoint = { ...start, backfillEnd: end, pending, windowsTotal: total };
  const now = () => ctx.clock.now();
  const slots: WindowSlot[] = pending.map((window) => ({
    window,
    reportId: window.reportId,
    inherited: window.reportId !== null,
    requestedAt: now(),
    dueAt: now(),
    wait: REPORT_POLL_FIRST_MS,
  }));
  /** Windows done since the last page: the next page's checkpoint no longer lists them. */
  let uncommitted = false;
  const somethingDueNow = () =>
    slots.some((slot) =>
      slot.reportId === null ? api.http.rateLimit("createReport").waitMs === 0 : slot.dueAt <= now(),
    );
  /** A page of the windows done since the last one; its checkpoint lists the others, with their reports. */
  const commit = (orders: AmazonReportOrder[]): Page<RawOrder, OrdersCheckpoint> => {
    uncommitted = false;
    const recent = keepRecent(state.recent, orders, endMs - ORDERS_OVERLAP_MS);
    const remaining = slots.map((slot) => ({ ...slot.window, reportId: slot.reportId }));
    state =
      remaining.length === 0
        ? { phase: "incremental", from: end, backfillEnd: end, window: null, recent }
        : { ...state, pending: remaining, recent };
    // The incremental catch-up after the backfill counts as one more window of work.
    return { records: orders, checkpoint: state, progress: (total - remaining.length) / (total + 1) };
  };

  while (slots.length > 0) {
    // 1. Request the next report (newest window first) while a createReport token is free.
    const unrequested = slots.find((slot) => slot.reportId === null);
    if (unrequested && api.http.rateLimit("createReport").waitMs === 0) {
      unrequested.reportId = await createOrdersReport(api, ctx, unrequested.window.from, unrequested.window.to);
      unrequested.inherited = false;
      unrequested.requestedAt = now();
      // No report is ready the instant it is created: wait before the first poll, backing off.
      unrequested.dueAt = now() + REPORT_POLL_FIRST_MS;
      unrequested.wait = REPORT_POLL_FIRST_MS * 2;
      continue;
    }
    // 2. Poll the report that is due first (newest window on a tie).
    let due: WindowSlot | undefined;
    for (const slot of slots) if (slot.reportId !== null && (due === undefined || slot.dueAt < due.dueAt)) due = slot;
    if (due && due.dueAt <= now()) {
      const outcome = await pollWindow(api, ctx, due);
      if (outcome.kind === "waiting") {
        due.dueAt = now() + due.wait;
        due.wait = Math.min(REPORT_POLL_MAX_MS, due.wait * 2);
        continue;
      }
      if (outcome.kind === "again") {
        ctx.log.warn("amazon all-orders report of an earlier run is gone, failed or stale; requesting it again", {
          reportId: due.reportId,
          from: due.window.from,
          to: due.window.to,
        });
        due.reportId = null;
        due.inherited = false;
        continue;
      }
      const slot = due;
      slots.splice(slots.indexOf(slot), 1);
      const toMs = Date.parse(slot.window.to);
      const last = toMs >= endMs;
      // Should a report include its end instant, an order updated exactly then belongs to the
      // next window; the newest window keeps it (the incremental overlap skips it later).
      const orders = outcome.orders.filter((order) => {
        if (last) return true;
        try {
          return Date.parse(reportOrderUpdatedAt(order)) < toMs;
        } catch {
          return true; // quarantined by normalize
        }
      });
      // A window without orders waits for the next page (or for the loop's next sleep) when
      // other work is due right now, so windows that are ready together commit together.
      uncommitted = true;
      if (orders.length === 0 && slots.length > 0 && somethingDueNow()) continue;
      yield commit(orders);
      continue;
    }
    // 3. Nothing to do now: commit the windows done so far, then sleep until the next poll is
    // due or the next createReport token.
    if (uncommitted) {
      yield commit([]);
      continue;
    }
    let until = due ? due.dueAt : Number.POSITIVE_INFINITY;
    if (unrequested) until = Math.min(until, now() + api.http.rateLimit("createReport").waitMs);
    await ctx.clock.sleep(Math.max(1, until - now()), ctx.signal);
  }
  return state;
}

async function* readOrders(
  ctx: AmazonContext,
  checkpoint: OrdersCheckpoint,
): AsyncGenerator<Page<RawOrder, OrdersCheckpoint>> {
  const api = spApi(ctx);
  let state = checkpoint;
  let yielded: OrdersCheckpoint = checkpoint;
  /** Share of the run's work done before the incremental window (the backfill's windows). */
  let base = 0;

  if (state.phase === "backfill") {
    const backfill = readBackfill(api, ctx, state);
    try {
      for (;;) {
        const next = await backfill.next();
        if (next.done) {
          state = next.value;
          break;
        }
        yielded = next.value.checkpoint;
        base = next.value.progress ?? base;
        yield next.value;
      }
    } finally {
      await backfill.return(state);
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
      yield { records: orders, checkpoint: state, progress: next ? windowProgress(orders) : 1 };
    }
    if (!next) break;
  }
  yield* finish();

  /** Mid-window: how far the page's latest update is into the window (an estimate). */
  function windowProgress(orders: readonly AmazonOrder[]): number {
    const afterMs = Date.parse(after);
    const span = Date.parse(window?.before ?? after) - afterMs;
    let latest = afterMs;
    for (const order of orders) {
      const at = Date.parse(order.lastUpdatedTime);
      if (at > latest) latest = at;
    }
    const share = span > 0 ? Math.min(1, Math.max(0, (latest - afterMs) / span)) : 0;
    return base + (1 - base) * share * 0.99;
  }

  async function* finish(): AsyncGenerator<Page<RawOrder, OrdersCheckpoint>> {
    if (state !== yielded) yield { records: [], checkpoint: state, progress: 1 };
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
  connection: {
    splitSettings: (settings) => splitAmazonSettings(settings),
    accountId: (config) => config.sellerId,
    displayName: (config) => `Amazon (${config.region.toUpperCase()}, seller ${config.sellerId})`,
    backfillMonths: (config) => config.backfillMonths,
  },
  // Amazon reports refunds only in Finances: its refunded charges become the orders' refunds.
  records: { refundsFromFees: { isRefundedCharge, refundsFrom: refundsFromFeeEvents } },
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
