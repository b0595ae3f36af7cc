/**
 * The Shopify connector: the shop's own sales (`orders`), its catalog as listings per
 * variant (`listings`, with unit costs readable through `readProductCosts`) and its
 * inventory levels per location (`inventory`), read from the Admin GraphQL API with
 * bulk operations.
 *
 * Every stream reads the same way: a bulk query of what changed since the checkpoint,
 * polled until complete, whose JSONL result is streamed in byte ranges. A page's
 * checkpoint holds the bulk operation and the byte offset after the page, so a run
 * that stops mid-result resumes exactly there; once the result is consumed the
 * checkpoint becomes the greatest `updatedAt` delivered plus the ids delivered at
 * that instant (records at the boundary are never repeated nor skipped).
 */
import { z } from "zod";
import {
  ConfigError,
  defineConnector,
  monthsBefore,
  notSupported,
  utcTimestamp,
  type ConnectorContext,
  type Page,
} from "@crosschannel/connector-sdk";
import {
  awaitBulkOperation,
  assembleObjects,
  BulkOperationError,
  jsonlLines,
  RangeFetcher,
  startBulkQuery,
} from "./bulk.ts";
import { costBucketFor, ShopifyGraphqlClient } from "./client.ts";
import {
  levelRecordsOf,
  marketplaceOfNormalizedOrder,
  SHOPIFY_CONNECTOR_ID,
  toChannelListing,
  toChannelOrder,
  toInventoryLevel,
  variantRecordsOf,
} from "./mappers.ts";
import {
  DEFAULT_API_VERSION,
  inventoryBulkQuery,
  ORDERS_PAGE,
  ORDERS_PAGE_QUERY,
  ordersBulkQuery,
  REFUND_DETAILS_BATCH,
  REFUND_DETAILS_QUERY,
  productsBulkQuery,
  QUERY_COST_ESTIMATES,
  SHOP_INFO_QUERY,
  SHOPIFY_RATE_LIMITS,
  type BulkOperation,
  type OrdersPageData,
  type RefundDetailsData,
  type ShopifyInventoryItem,
  type ShopifyLevelRecord,
  type ShopifyOrder,
  type ShopifyProduct,
  type ShopifyVariantRecord,
  type ShopInfoData,
} from "./wire.ts";

export const ShopifyConfig = z.object({
  shopDomain: z
    .string({ message: "shopDomain is required: the shop's myshopify.com domain, e.g. northwind.myshopify.com" })
    .regex(
      /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/,
      "shopDomain must be the shop's myshopify.com domain, e.g. northwind.myshopify.com (Shopify admin > Settings > Domains)",
    ),
  adminApiBaseUrl: z
    .url({
      message: "adminApiBaseUrl must be an http(s) URL of an Admin API compatible server, e.g. http://127.0.0.1:4010",
    })
    .optional(),
  apiVersion: z
    .string()
    .regex(/^\d{4}-(01|04|07|10)$/, "apiVersion must be a Shopify API version such as 2026-10")
    .default(DEFAULT_API_VERSION),
  backfillMonths: z
    .number({ message: "backfillMonths must be a whole number of months (1 to 120)" })
    .int("backfillMonths must be a whole number of months (1 to 120)")
    .min(1, "backfillMonths must be at least 1")
    .max(120, "backfillMonths must be at most 120")
    .default(24),
});
export type ShopifyConfig = z.output<typeof ShopifyConfig>;

export const ShopifyCredentials = z.object({
  accessToken: z
    .string({ message: "accessToken is required: the shop's offline Admin API access token" })
    .min(10, "accessToken must be the shop's offline Admin API access token (from the app's offline session)"),
});
export type ShopifyCredentials = z.output<typeof ShopifyCredentials>;

export type ShopifyContext = ConnectorContext<ShopifyConfig, ShopifyCredentials>;

/** Records per page handed to the sync engine. */
export const PAGE_SIZE = 100;

const Timestamp = z.iso.datetime({ precision: 3 });

/**
 * `since`/`boundaryIds`: records updated before `since`, or at `since` with an id in
 * `boundaryIds`, were delivered. `bulk`: a bulk result being consumed, the byte offset
 * reached, and the greatest cursor (with its ids) delivered so far.
 */
export const ShopifyCheckpoint = z.object({
  since: Timestamp,
  boundaryIds: z.array(z.string()),
  bulk: z
    .object({
      id: z.string().min(1),
      offset: z.number().int().nonnegative(),
      maxCursor: Timestamp,
      maxIds: z.array(z.string()),
    })
    .nullable(),
});
export type ShopifyCheckpoint = z.infer<typeof ShopifyCheckpoint>;

export const startCheckpoint = (since: string): ShopifyCheckpoint => ({
  since: utcTimestamp(since),
  boundaryIds: [],
  bulk: null,
});

/** Shopify's Admin API is served on the shop's own domain. */
export const SHOPIFY_HOSTS = ["*.myshopify.com"] as const;

/** The clients of one run: GraphQL (with the access token) and bulk result ranges (signed URLs, no token). */
export function shopifyApi(ctx: ShopifyContext) {
  const baseUrl = ctx.config.adminApiBaseUrl ?? `https://${ctx.config.shopDomain}`;
  const http = ctx.http({
    baseUrl,
    // Shop domains only; an adminApiBaseUrl (simulator) is a loopback host, allowed by the app's policy.
    allowedHosts: SHOPIFY_HOSTS,
    rateLimits: SHOPIFY_RATE_LIMITS,
    headers: { "x-shopify-access-token": ctx.credentials.accessToken },
    timeoutMs: 30_000,
    maxRetries: 5,
  });
  const graphql = new ShopifyGraphqlClient({
    http,
    path: `admin/api/${ctx.config.apiVersion}/graphql.json`,
    clock: ctx.clock,
    signal: ctx.signal,
    bucket: costBucketFor(`${baseUrl}|${ctx.config.shopDomain}`),
  });
  const ranges = new RangeFetcher({
    accounting: http,
    clock: ctx.clock,
    signal: ctx.signal,
    rateLimit: SHOPIFY_RATE_LIMITS.bulkResult,
  });
  return { http, graphql, ranges };
}

export async function shopInfo(graphql: ShopifyGraphqlClient): Promise<ShopInfoData["shop"]> {
  const data = await graphql.request<ShopInfoData>({
    name: "ShopInfo",
    document: SHOP_INFO_QUERY,
    estimatedCost: QUERY_COST_ESTIMATES.ShopInfo,
  });
  return data.shop;
}

/** How one stream reads: the bulk query and how a top-level object becomes records. */
export interface BulkStreamSpec<Raw> {
  /** The bulk query for records updated at or after `since` (seconds precision, inclusive). */
  query(since: string, ctx: ShopifyContext): string;
  /** Records of one top-level object of the result. */
  recordsOf(object: Record<string, unknown>, extra: { currencyCode: string }): Raw[];
  cursorOf(record: Raw): string;
  idOf(record: Raw): string;
  /** Whether the stream needs the shop's currency (listings' prices). */
  needsCurrency?: boolean;
  /** Page-by-page reading for recent checkpoints (see INCREMENTAL_WINDOW_MS). */
  paged?: PagedReader<Raw>;
  /** Completes a page of bulk records with what a bulk query cannot select (in place). */
  enrich?(graphql: ShopifyGraphqlClient, records: Raw[]): Promise<void>;
}

/** One page of a sorted-by-`updatedAt` GraphQL connection. */
export interface PagedReader<Raw> {
  /** The search filter for records updated at or after `since` (seconds precision). */
  filter(since: string, ctx: ShopifyContext): string;
  fetch(
    graphql: ShopifyGraphqlClient,
    filter: string,
    after: string | null,
  ): Promise<{ records: Raw[]; next: string | null; truncated: boolean }>;
}

/** Checkpoints this close to now are read page by page; older ones (backfills) by a bulk operation. */
export const INCREMENTAL_WINDOW_MS = 3 * 86_400_000;

/** The query's lower bound: Shopify's search filters have second precision, so round down. */
export function searchTimestamp(iso: string): string {
  return `${utcTimestamp(iso).slice(0, 19)}Z`;
}

/** Tracks the greatest cursor delivered and the ids delivered at it. */
class CursorTracker {
  constructor(
    public cursor: string,
    public ids: Set<string>,
  ) {}

  see(cursor: string | null, id: string): void {
    if (cursor === null) return;
    if (cursor > this.cursor) {
      this.cursor = cursor;
      this.ids = new Set([id]);
    } else if (cursor === this.cursor) {
      this.ids.add(id);
    }
  }
}

/** Whether a record was not delivered yet by the checkpoint (records without a readable cursor always pass). */
function isNew(cursor: string | null, id: string, since: string, boundary: ReadonlySet<string>): boolean {
  return cursor === null || cursor > since || (cursor === since && !boundary.has(id));
}

/**
 * Reads a stream from its checkpoint: page by page through GraphQL for a recent
 * checkpoint when the stream supports it, otherwise through a bulk operation.
 */
export async function* readBulk<Raw>(
  ctx: ShopifyContext,
  spec: BulkStreamSpec<Raw>,
  checkpoint: ShopifyCheckpoint,
): AsyncGenerator<Page<Raw, ShopifyCheckpoint>> {
  const { graphql, ranges } = shopifyApi(ctx);
  if (!checkpoint.bulk && spec.paged && ctx.clock.now() - Date.parse(checkpoint.since) <= INCREMENTAL_WINDOW_MS) {
    const rest = yield* readPaged(ctx, graphql, spec, spec.paged, checkpoint);
    if (rest === null) return;
    ctx.log.info("a record does not fit a page; reading the rest with a bulk operation", { since: rest.since });
    checkpoint = rest;
  }
  const currencyCode = spec.needsCurrency ? (await shopInfo(graphql)).currencyCode : "";
  const { since, boundaryIds } = checkpoint;
  const boundary = new Set(boundaryIds);

  let operationId = "";
  let offset = 0;
  let tracker = new CursorTracker(since, new Set(boundaryIds));
  let operation: BulkOperation | null = null;
  if (checkpoint.bulk) {
    // Resume the result being consumed; bulk results expire after 7 days, and then the
    // run starts over from `since` (already delivered records are upserted again).
    try {
      operation = await awaitBulkOperation(graphql, checkpoint.bulk.id, ctx.clock, ctx.signal);
      if (operation.url) {
        operationId = checkpoint.bulk.id;
        offset = checkpoint.bulk.offset;
        tracker = new CursorTracker(checkpoint.bulk.maxCursor, new Set(checkpoint.bulk.maxIds));
      } else {
        operation = null;
      }
    } catch (error) {
      if (!(error instanceof BulkOperationError)) throw error;
      ctx.log.warn("bulk result to resume is gone; starting a new bulk operation", { id: checkpoint.bulk.id });
      operation = null;
    }
  }
  if (operation === null) {
    const started = await startBulkQuery(graphql, spec.query(searchTimestamp(since), ctx));
    operationId = started.id;
    operation = await awaitBulkOperation(graphql, operationId, ctx.clock, ctx.signal);
  }
  // No url: the query matched nothing.
  if (!operation.url) return;

  const position = (end: number): ShopifyCheckpoint => ({
    since,
    boundaryIds,
    bulk: { id: operationId, offset: end, maxCursor: tracker.cursor, maxIds: [...tracker.ids] },
  });
  let page: Raw[] = [];
  let consumed = offset;
  for await (const { object, end } of assembleObjects(jsonlLines(ranges, operation.url, offset))) {
    const fresh = spec
      .recordsOf(object, { currencyCode })
      .filter((record) => isNew(safeCursor(spec, record), spec.idOf(record), since, boundary));
    if (fresh.length > 0 && page.length >= PAGE_SIZE) {
      await spec.enrich?.(graphql, page);
      yield { records: page, checkpoint: position(consumed) };
      page = [];
    }
    for (const record of fresh) tracker.see(safeCursor(spec, record), spec.idOf(record));
    page.push(...fresh);
    consumed = end;
  }
  if (page.length > 0) {
    await spec.enrich?.(graphql, page);
    yield { records: page, checkpoint: { since: tracker.cursor, boundaryIds: [...tracker.ids], bulk: null } };
  }
}

/** Fetches the line items and shipping lines of bulk-read refunds, a few refunds per query. */
export async function fetchRefundDetails(graphql: ShopifyGraphqlClient, orders: ShopifyOrder[]): Promise<void> {
  const pending = orders.flatMap((order) =>
    (order.refunds ?? []).filter((refund) => refund !== null && typeof refund === "object" && !refund.refundLineItems),
  );
  for (let start = 0; start < pending.length; start += REFUND_DETAILS_BATCH) {
    const batch = pending.slice(start, start + REFUND_DETAILS_BATCH);
    const data = await graphql.request<RefundDetailsData>({
      name: "RefundDetails",
      document: REFUND_DETAILS_QUERY,
      variables: { ids: batch.map((refund) => refund.id) },
      estimatedCost: QUERY_COST_ESTIMATES.RefundDetails,
    });
    const details = new Map(data.nodes.flatMap((node) => (node ? [[node.id, node] as const] : [])));
    for (const refund of batch) {
      const found = details.get(refund.id);
      // A refund Shopify no longer returns keeps no line items: it maps as an amount-only refund.
      refund.refundLineItems = found?.refundLineItems ?? { nodes: [] };
      refund.refundShippingLines = found?.refundShippingLines ?? { nodes: [] };
    }
  }
}

/**
 * Pages through a connection sorted by `updatedAt`: each page's checkpoint is the
 * greatest `updatedAt` delivered with the ids delivered at it. Returns null when done,
 * or the checkpoint to continue from with a bulk operation when a page holds a record
 * that does not fit (more nested items than a page reads).
 */
async function* readPaged<Raw>(
  ctx: ShopifyContext,
  graphql: ShopifyGraphqlClient,
  spec: BulkStreamSpec<Raw>,
  paged: PagedReader<Raw>,
  checkpoint: ShopifyCheckpoint,
): AsyncGenerator<Page<Raw, ShopifyCheckpoint>, ShopifyCheckpoint | null> {
  const { since } = checkpoint;
  const boundary = new Set(checkpoint.boundaryIds);
  const tracker = new CursorTracker(since, new Set(boundary));
  const filter = paged.filter(searchTimestamp(since), ctx);
  let after: string | null = null;
  for (;;) {
    const page = await paged.fetch(graphql, filter, after);
    if (page.truncated) return { since: tracker.cursor, boundaryIds: [...tracker.ids], bulk: null };
    const fresh = page.records.filter((record) => isNew(safeCursor(spec, record), spec.idOf(record), since, boundary));
    for (const record of fresh) tracker.see(safeCursor(spec, record), spec.idOf(record));
    if (fresh.length > 0) {
      yield { records: fresh, checkpoint: { since: tracker.cursor, boundaryIds: [...tracker.ids], bulk: null } };
    }
    if (page.next === null) return null;
    after = page.next;
  }
}

function safeCursor<Raw>(spec: BulkStreamSpec<Raw>, record: Raw): string | null {
  try {
    return utcTimestamp(spec.cursorOf(record));
  } catch {
    return null;
  }
}

/** Orders older than the backfill window are not read. */
function ordersSince(since: string, ctx: ShopifyContext): string {
  const floor = searchTimestamp(new Date(monthsBefore(ctx.clock.now(), ctx.config.backfillMonths)).toISOString());
  return since > floor ? since : floor;
}

export const ORDERS_SPEC: BulkStreamSpec<ShopifyOrder> = {
  query: (since, ctx) => ordersBulkQuery(ordersSince(since, ctx)),
  recordsOf: (object) => [object as unknown as ShopifyOrder],
  cursorOf: (order) => order.updatedAt,
  idOf: (order) => order.id,
  enrich: fetchRefundDetails,
  paged: {
    filter: (since, ctx) => `updated_at:>='${ordersSince(since, ctx)}'`,
    async fetch(graphql, filter, after) {
      const data = await graphql.request<OrdersPageData>({
        name: "OrdersPage",
        document: ORDERS_PAGE_QUERY,
        variables: { first: ORDERS_PAGE.first, after, query: filter },
        estimatedCost: QUERY_COST_ESTIMATES.OrdersPage,
      });
      const { nodes, pageInfo } = data.orders;
      // An order with more line items or refunds than a page reads is not cut short: bulk reads it whole.
      const truncated = nodes.some(
        (order) =>
          order.lineItems?.pageInfo?.hasNextPage === true ||
          (order.refunds?.length ?? 0) >= ORDERS_PAGE.refunds ||
          (order.refunds ?? []).some((refund) => (refund.refundLineItems?.nodes.length ?? 0) >= 100),
      );
      return {
        records: nodes.map(({ lineItems, ...order }) => ({ ...order, lineItems: { nodes: lineItems?.nodes ?? [] } })),
        next: pageInfo.hasNextPage ? pageInfo.endCursor : null,
        truncated,
      };
    },
  },
};

export const PRODUCTS_SPEC: BulkStreamSpec<ShopifyVariantRecord> = {
  query: (since) => productsBulkQuery(since),
  recordsOf: (object, { currencyCode }) => variantRecordsOf(object as unknown as ShopifyProduct, currencyCode),
  cursorOf: (record) =>
    record.variant.updatedAt > record.product.updatedAt ? record.variant.updatedAt : record.product.updatedAt,
  idOf: (record) => record.variant.id,
  needsCurrency: true,
};

export const INVENTORY_SPEC: BulkStreamSpec<ShopifyLevelRecord> = {
  query: () => inventoryBulkQuery(),
  recordsOf: (object) => levelRecordsOf(object as unknown as ShopifyInventoryItem),
  cursorOf: (record) => record.level.updatedAt,
  idOf: (record) => record.level.id,
};

export const shopifyConnector = defineConnector({
  id: SHOPIFY_CONNECTOR_ID,
  displayName: "Shopify",
  configSchema: ShopifyConfig,
  credentialsSchema: ShopifyCredentials,
  connection: {
    // The settings file holds the token; the shop domain is the app's shop.
    splitSettings: (settings, host) => {
      const input = (settings !== null && typeof settings === "object" ? settings : {}) as Record<string, unknown>;
      const { accessToken, ...rest } = input;
      return { config: { ...rest, shopDomain: host.shopDomain }, credentials: { accessToken } };
    },
    accountId: (config) => config.shopDomain,
    displayName: (config) => `Shopify (${config.shopDomain})`,
    backfillMonths: (config) => config.backfillMonths,
  },
  records: { originOf: (order) => marketplaceOfNormalizedOrder(order) ?? null },

  async check(ctx) {
    const shop = await shopInfo(shopifyApi(ctx).graphql);
    if (shop.myshopifyDomain !== ctx.config.shopDomain) {
      throw new ConfigError(SHOPIFY_CONNECTOR_ID, [
        {
          path: "config.shopDomain",
          message: `the access token belongs to ${shop.myshopifyDomain}, not ${ctx.config.shopDomain}`,
        },
      ]);
    }
    return { accountName: `${shop.name} (${shop.myshopifyDomain})` };
  },

  streams: {
    orders: {
      primaryKey: ["externalId"],
      cursorField: "updatedAt",
      defaultSchedule: { everyMinutes: 30 },
      checkpointSchema: ShopifyCheckpoint,
      startCheckpoint,
      read: (ctx, checkpoint: ShopifyCheckpoint) => readBulk(ctx, ORDERS_SPEC, checkpoint),
      normalize: (order: ShopifyOrder) => toChannelOrder(order),
    },
    listings: {
      primaryKey: ["externalId"],
      cursorField: "updatedAt",
      defaultSchedule: { everyMinutes: 360 },
      checkpointSchema: ShopifyCheckpoint,
      startCheckpoint,
      read: (ctx, checkpoint: ShopifyCheckpoint) => readBulk(ctx, PRODUCTS_SPEC, checkpoint),
      normalize: (record: ShopifyVariantRecord) => toChannelListing(record),
    },
    inventory: {
      primaryKey: ["sku", "locationId"],
      cursorField: "observedAt",
      defaultSchedule: { everyMinutes: 60 },
      checkpointSchema: ShopifyCheckpoint,
      startCheckpoint,
      read: (ctx, checkpoint: ShopifyCheckpoint) => readBulk(ctx, INVENTORY_SPEC, checkpoint),
      normalize: (record: ShopifyLevelRecord) => toInventoryLevel(record),
    },
    fees: notSupported(
      "Shopify Payments processing fees and payouts are not part of the Admin orders API (they live in Shopify Payments balance transactions, which need a separate scope and are not read yet); app and plan charges are billed to the merchant outside the shop's data",
    ),
  },
});
