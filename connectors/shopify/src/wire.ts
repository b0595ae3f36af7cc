/**
 * Shopify Admin API wire format (API version 2026-10) as this connector uses it:
 * the GraphQL documents, the shapes they return (bulk JSONL objects reassembled into
 * the same shapes), the REST-shaped webhook payloads, and the documented limits.
 *
 * Money is a `MoneyV2` (`amount` is a decimal string) inside a `MoneyBag`; this
 * connector always reads `shopMoney`, the shop's currency. Ids are GraphQL global
 * ids (`gid://shopify/Order/123`); webhooks carry them as `admin_graphql_api_id`.
 */

export const DEFAULT_API_VERSION = "2026-10";

// ---------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------

/**
 * GraphQL Admin API cost-based throttle (leaky bucket of query-cost points). The
 * bucket's size and restore rate come back on every answer in
 * `extensions.cost.throttleStatus`; these are the Standard-plan values used until the
 * first answer arrives. https://shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits
 */
export const GRAPHQL_COST_DEFAULTS = { maximumAvailable: 2_000, restoreRate: 100 } as const;

/**
 * Request pacing per operation for the SDK's token buckets. Shopify documents no
 * request-count limit for GraphQL (only the cost bucket above, which the client
 * enforces separately), so the connector paces itself at the REST Admin API's
 * documented leak rate of 2 requests/s with a small burst: bulk polling and paging
 * never hammer a shop. Bulk results are files on Shopify's storage CDN, fetched in
 * byte ranges. https://shopify.dev/docs/api/usage/limits#rest-admin-api-rate-limits
 */
export const SHOPIFY_RATE_LIMITS = {
  graphql: { ratePerSecond: 2, burst: 4 },
  bulkResult: { ratePerSecond: 5, burst: 10 },
} as const;

/** Orders per page of the incremental query, and line items / refunds read per order. */
export const ORDERS_PAGE = { first: 10, lineItems: 50, refunds: 10 } as const;

/** Refunds whose details one RefundDetails query fetches (keeps its cost under Shopify's 1,000-point query cap). */
export const REFUND_DETAILS_BATCH = 8;

/**
 * Estimated cost (points) of each document, checked against the bucket before sending.
 * OrdersPage is priced the way Shopify prices queries (1 point per object, 2 + first x
 * node cost per connection), rounded up. https://shopify.dev/docs/api/usage/limits#cost-calculation
 */
export const QUERY_COST_ESTIMATES = {
  ShopInfo: 1,
  BulkRun: 10,
  BulkStatus: 1,
  OrdersPage: 2 + ORDERS_PAGE.first * (1 + 2 + ORDERS_PAGE.lineItems + ORDERS_PAGE.refunds * 3),
  /** Per refund: 1 + (2 + 10 shipping lines) + (2 + 100 refund line items). */
  RefundDetails: REFUND_DETAILS_BATCH * 115,
} as const;

// ---------------------------------------------------------------------------------
// GraphQL envelope and cost extensions
// ---------------------------------------------------------------------------------

/** https://shopify.dev/docs/api/usage/limits#cost-calculation */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface GraphqlError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
  path?: (string | number)[];
}

export interface GraphqlResponse<T> {
  data?: T | null;
  errors?: GraphqlError[];
  extensions?: { cost?: QueryCost };
}

export interface MoneyV2 {
  amount: string;
  currencyCode: string;
}

export interface MoneyBag {
  shopMoney: MoneyV2;
}

export interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

// ---------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------

/** https://shopify.dev/docs/api/admin-graphql/2026-10/queries/shop */
export const SHOP_INFO_QUERY = `query ShopInfo {
  shop { name myshopifyDomain currencyCode }
}`;

export interface ShopInfoData {
  shop: { name: string; myshopifyDomain: string; currencyCode: string };
}

/**
 * Starts a bulk query. `groupObjects: true` makes Shopify write every child object
 * right after its parent, which lets the connector stream the JSONL with bounded
 * memory. https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/bulkOperationRunQuery
 */
export const BULK_RUN_MUTATION = `mutation BulkRun($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: true) {
    bulkOperation { id status createdAt }
    userErrors { field message code }
  }
}`;

export type BulkOperationStatus = "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";

export interface BulkOperation {
  id: string;
  status: BulkOperationStatus;
  createdAt?: string;
  completedAt?: string | null;
  errorCode?: string | null;
  objectCount?: string;
  rootObjectCount?: string;
  fileSize?: string | null;
  url?: string | null;
  partialDataUrl?: string | null;
}

export interface BulkRunData {
  bulkOperationRunQuery: { bulkOperation: BulkOperation | null; userErrors: UserError[] };
}

/** https://shopify.dev/docs/api/admin-graphql/2026-10/queries/bulkOperation (API 2026-01 and later) */
export const BULK_STATUS_QUERY = `query BulkStatus($id: ID!) {
  bulkOperation(id: $id) {
    id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl
  }
}`;

export interface BulkStatusData {
  bulkOperation: BulkOperation | null;
}

const ORDER_SCALARS = `__typename id name createdAt updatedAt cancelledAt cancelReason
      displayFinancialStatus displayFulfillmentStatus
      currencyCode sourceName sourceIdentifier tags
      app { id name }
      channelInformation { channelId app { id title } channelDefinition { handle channelName subChannelName } }
      totalShippingPriceSet { shopMoney { amount currencyCode } }`;
const LINE_ITEM_FIELDS = `__typename id sku name quantity currentQuantity unfulfilledQuantity
        originalUnitPriceSet { shopMoney { amount currencyCode } }
        discountAllocations { allocatedAmountSet { shopMoney { amount currencyCode } } }
        taxLines { priceSet { shopMoney { amount currencyCode } } }`;
const REFUND_SCALARS = `__typename id createdAt note
        totalRefundedSet { shopMoney { amount currencyCode } }`;
const REFUND_CONNECTIONS = `refundShippingLines(first: 10) { nodes { subtotalAmountSet { shopMoney { amount currencyCode } } } }
        refundLineItems(first: 100) { nodes {
          quantity restockType
          lineItem { id sku }
          subtotalSet { shopMoney { amount currencyCode } }
          totalTaxSet { shopMoney { amount currencyCode } }
        } }`;

/**
 * Orders updated since a moment, with line items (nested connection), refunds, and the
 * sales channel of the order. Bulk queries refuse a connection inside a list field, so
 * the refunds' line items and shipping lines are fetched afterwards, page by page,
 * with REFUND_DETAILS_QUERY.
 * https://shopify.dev/docs/api/admin-graphql/2026-10/queries/orders
 * https://shopify.dev/docs/api/admin-graphql/2026-10/objects/Order
 * Search syntax: https://shopify.dev/docs/api/usage/search-syntax
 */
export function ordersBulkQuery(updatedSince: string): string {
  return `{
  orders(query: "updated_at:>='${updatedSince}'") {
    edges { node {
      ${ORDER_SCALARS}
      lineItems { edges { node {
        ${LINE_ITEM_FIELDS}
      } } }
      refunds {
        ${REFUND_SCALARS}
      }
    } }
  }
}`;
}

/**
 * The line items and shipping lines of refunds read by a bulk operation.
 * https://shopify.dev/docs/api/admin-graphql/2026-10/queries/nodes
 * https://shopify.dev/docs/api/admin-graphql/2026-10/objects/Refund
 */
export const REFUND_DETAILS_QUERY = `query RefundDetails($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Refund {
      id
      ${REFUND_CONNECTIONS}
    }
  }
}`;

export interface RefundDetailsData {
  nodes: (Pick<ShopifyRefund, "id" | "refundShippingLines" | "refundLineItems"> | null)[];
}

/**
 * Incremental reads (a few days of changes) page through orders sorted by `UPDATED_AT`
 * instead of waiting for a bulk operation; every page is paid from the cost bucket.
 * An order with more line items than a page holds is read by a bulk operation instead.
 * https://shopify.dev/docs/api/admin-graphql/2026-10/queries/orders
 * https://shopify.dev/docs/api/usage/pagination-graphql
 */
export const ORDERS_PAGE_QUERY = `query OrdersPage($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes {
      ${ORDER_SCALARS}
      lineItems(first: ${ORDERS_PAGE.lineItems}) {
        pageInfo { hasNextPage }
        nodes {
        ${LINE_ITEM_FIELDS}
        }
      }
      refunds(first: ${ORDERS_PAGE.refunds}) {
        ${REFUND_SCALARS}
        ${REFUND_CONNECTIONS}
      }
    }
  }
}`;

export interface OrdersPageData {
  orders: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: (Omit<ShopifyOrder, "lineItems"> & {
      lineItems: { pageInfo?: { hasNextPage: boolean }; nodes: ShopifyLineItem[] };
    })[];
  };
}

/**
 * Products (the catalog master) with variants (nested connection), their SKU, price,
 * barcode and inventory item unit cost (COGS).
 * https://shopify.dev/docs/api/admin-graphql/2026-10/queries/products
 * https://shopify.dev/docs/api/admin-graphql/2026-10/objects/InventoryItem#field-unitCost
 */
export function productsBulkQuery(updatedSince: string): string {
  return `{
  products(query: "updated_at:>='${updatedSince}'") {
    edges { node {
      __typename id title status updatedAt
      variants { edges { node {
        __typename id sku title price barcode updatedAt
        inventoryItem { id unitCost { amount currencyCode } }
      } } }
    } }
  }
}`;
}

/** Quantity names read from each inventory level. */
export const INVENTORY_QUANTITY_NAMES = ["available", "committed", "reserved", "incoming", "damaged"] as const;

/**
 * Every inventory item with its levels per location and their named quantities. Levels
 * change without touching the item's `updatedAt`, so the whole set is exported and the
 * connector keeps the levels whose own `updatedAt` moved past the checkpoint.
 * https://shopify.dev/docs/api/admin-graphql/2026-10/queries/inventoryItems
 * https://shopify.dev/docs/api/admin-graphql/2026-10/objects/InventoryLevel#field-quantities
 */
export function inventoryBulkQuery(): string {
  return `{
  inventoryItems {
    edges { node {
      __typename id sku updatedAt
      inventoryLevels { edges { node {
        __typename id updatedAt
        location { id name }
        quantities(names: [${INVENTORY_QUANTITY_NAMES.map((name) => `"${name}"`).join(", ")}]) { name quantity }
      } } }
    } }
  }
}`;
}

// ---------------------------------------------------------------------------------
// Reassembled GraphQL objects (bulk JSONL children are put back under `nodes`)
// ---------------------------------------------------------------------------------

export interface ShopifyLineItem {
  __typename?: "LineItem";
  id: string;
  sku: string | null;
  name: string | null;
  quantity: number;
  currentQuantity: number;
  unfulfilledQuantity: number;
  originalUnitPriceSet: MoneyBag;
  discountAllocations: { allocatedAmountSet: MoneyBag }[];
  taxLines: { priceSet: MoneyBag }[];
}

export interface ShopifyRefundLineItem {
  quantity: number;
  /** CANCEL, RETURN, NO_RESTOCK, LEGACY_RESTOCK */
  restockType: string;
  lineItem: { id: string; sku: string | null };
  subtotalSet: MoneyBag;
  totalTaxSet: MoneyBag;
}

export interface ShopifyRefund {
  __typename?: "Refund";
  id: string;
  createdAt: string;
  note: string | null;
  totalRefundedSet: MoneyBag;
  /** Absent on refunds read by a bulk operation until their details are fetched. */
  refundShippingLines?: { nodes: { subtotalAmountSet: MoneyBag }[] };
  refundLineItems?: { nodes: ShopifyRefundLineItem[] };
}

export interface ShopifyChannelInformation {
  channelId: string | null;
  app: { id: string; title: string | null } | null;
  channelDefinition: { handle: string | null; channelName: string | null; subChannelName: string | null } | null;
}

export interface ShopifyOrder {
  __typename?: "Order";
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  currencyCode: string;
  /** "web", "pos", "shopify_draft_order", an app's id or handle ... */
  sourceName: string | null;
  /** The order's id in the channel that created it (e.g. an Amazon order number). */
  sourceIdentifier: string | null;
  tags: string[];
  app: { id: string; name: string | null } | null;
  channelInformation: ShopifyChannelInformation | null;
  totalShippingPriceSet: MoneyBag;
  lineItems: { nodes: ShopifyLineItem[] };
  refunds: ShopifyRefund[];
}

export interface ShopifyVariant {
  __typename?: "ProductVariant";
  id: string;
  sku: string | null;
  title: string;
  /** Decimal string in the shop currency. */
  price: string;
  barcode: string | null;
  updatedAt: string;
  inventoryItem: { id: string; unitCost: MoneyV2 | null };
}

export interface ShopifyProduct {
  __typename?: "Product";
  id: string;
  title: string;
  /** ACTIVE, ARCHIVED, DRAFT (UNLISTED in recent versions) */
  status: string;
  updatedAt: string;
  variants: { nodes: ShopifyVariant[] };
}

/** One listing record of the connector: a variant with its product. */
export interface ShopifyVariantRecord {
  product: Omit<ShopifyProduct, "variants">;
  variant: ShopifyVariant;
  /** The shop's currency (variant prices are in it). */
  currencyCode: string;
}

export interface ShopifyInventoryLevel {
  __typename?: "InventoryLevel";
  id: string;
  updatedAt: string;
  location: { id: string; name: string };
  quantities: { name: string; quantity: number }[];
}

export interface ShopifyInventoryItem {
  __typename?: "InventoryItem";
  id: string;
  sku: string | null;
  updatedAt: string;
  inventoryLevels: { nodes: ShopifyInventoryLevel[] };
}

/** One inventory record of the connector: a level with its item. */
export interface ShopifyLevelRecord {
  item: Omit<ShopifyInventoryItem, "inventoryLevels">;
  level: ShopifyInventoryLevel;
}

// ---------------------------------------------------------------------------------
// Webhook payloads (REST resource shapes)
// https://shopify.dev/docs/api/webhooks?reference=toml (topics orders/create, orders/updated,
// orders/cancelled, refunds/create, products/update, inventory_levels/update, inventory_items/update)
// ---------------------------------------------------------------------------------

export interface RestMoneySet {
  shop_money: { amount: string; currency_code: string };
  presentment_money?: { amount: string; currency_code: string };
}

export interface RestLineItem {
  id: number;
  admin_graphql_api_id?: string;
  sku: string | null;
  name?: string | null;
  title?: string | null;
  quantity: number;
  current_quantity?: number;
  fulfillable_quantity?: number;
  fulfillment_status?: string | null;
  price: string;
  price_set?: RestMoneySet;
  discount_allocations?: { amount: string; amount_set?: RestMoneySet }[];
  tax_lines?: { price: string; price_set?: RestMoneySet; rate?: number; title?: string }[];
}

export interface RestRefundLineItem {
  id?: number;
  line_item_id: number;
  quantity: number;
  restock_type: string;
  subtotal: string | number;
  subtotal_set?: RestMoneySet;
  total_tax: string | number;
  total_tax_set?: RestMoneySet;
  line_item?: { id: number; sku?: string | null; admin_graphql_api_id?: string };
}

export interface RestRefund {
  id: number;
  admin_graphql_api_id?: string;
  order_id: number;
  created_at: string;
  note?: string | null;
  refund_line_items: RestRefundLineItem[];
  refund_shipping_lines?: { subtotal_amount_set?: RestMoneySet; amount?: string }[];
  transactions?: { amount: string; currency?: string; kind: string; status: string }[];
  order_adjustments?: { amount: string; tax_amount: string; kind: string }[];
}

export interface RestOrder {
  id: number;
  admin_graphql_api_id?: string;
  name: string;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  cancel_reason?: string | null;
  currency: string;
  financial_status: string | null;
  /** null (unfulfilled), "partial", "fulfilled", "restocked" */
  fulfillment_status: string | null;
  source_name: string | null;
  source_identifier?: string | null;
  /** Comma-separated. */
  tags: string;
  app_id?: number | null;
  line_items: RestLineItem[];
  shipping_lines?: { price: string; price_set?: RestMoneySet }[];
  total_shipping_price_set?: RestMoneySet;
  refunds?: RestRefund[];
}

export interface RestVariant {
  id: number;
  admin_graphql_api_id?: string;
  product_id?: number;
  sku: string | null;
  title: string;
  price: string;
  barcode?: string | null;
  inventory_item_id: number;
  updated_at: string;
}

export interface RestProduct {
  id: number;
  admin_graphql_api_id?: string;
  title: string;
  /** "active", "archived", "draft" */
  status: string;
  updated_at: string;
  variants: RestVariant[];
}

export interface RestInventoryLevel {
  inventory_item_id: number;
  location_id: number;
  available: number | null;
  updated_at: string;
  admin_graphql_api_id?: string;
}

export interface RestInventoryItem {
  id: number;
  admin_graphql_api_id?: string;
  sku: string | null;
  /** Unit cost as a decimal string, or null when unknown. */
  cost: string | null;
  updated_at: string;
}
