/**
 * Wire format of the Amazon Selling Partner API as the connector uses it, named after
 * Amazon's models (amzn/selling-partner-api-models), with each operation's documented
 * rate limit (requests per second, burst). Orders carry money as strings; Finances v0
 * carries numbers; v0 operations wrap their answer in `payload`.
 */
import type { RateLimit } from "@crosschannel/connector-sdk";

export type AmazonRegion = "na" | "eu" | "fe";

/** Production SP-API hosts per region (https://developer-docs.amazon.com/sp-api/docs/sp-api-endpoints). */
export const SP_API_ENDPOINTS: Record<AmazonRegion, string> = {
  na: "https://sellingpartnerapi-na.amazon.com",
  eu: "https://sellingpartnerapi-eu.amazon.com",
  fe: "https://sellingpartnerapi-fe.amazon.com",
};

/** Login with Amazon token endpoint (refresh_token and authorization_code grants). */
export const LWA_TOKEN_ENDPOINT = "https://api.amazon.com/auth/o2/token";

/** Seller Central host per marketplace, for the website authorization workflow. */
export interface AmazonMarketplace {
  id: string;
  region: AmazonRegion;
  country: string;
  /** Default currency of the marketplace (pending orders carry no money). */
  currency: string;
  domain: string;
  sellerCentralUrl: string;
}

export const AMAZON_MARKETPLACES: readonly AmazonMarketplace[] = [
  {
    id: "ATVPDKIKX0DER",
    region: "na",
    country: "US",
    currency: "USD",
    domain: "Amazon.com",
    sellerCentralUrl: "https://sellercentral.amazon.com",
  },
  {
    id: "A2EUQ1WTGCTBG2",
    region: "na",
    country: "CA",
    currency: "CAD",
    domain: "Amazon.ca",
    sellerCentralUrl: "https://sellercentral.amazon.ca",
  },
  {
    id: "A1AM78C64UM0Y8",
    region: "na",
    country: "MX",
    currency: "MXN",
    domain: "Amazon.com.mx",
    sellerCentralUrl: "https://sellercentral.amazon.com.mx",
  },
  {
    id: "A2Q3Y263D00KWC",
    region: "na",
    country: "BR",
    currency: "BRL",
    domain: "Amazon.com.br",
    sellerCentralUrl: "https://sellercentral.amazon.com.br",
  },
  {
    id: "A1F83G8C2ARO7P",
    region: "eu",
    country: "UK",
    currency: "GBP",
    domain: "Amazon.co.uk",
    sellerCentralUrl: "https://sellercentral-europe.amazon.com",
  },
  {
    id: "A1PA6795UKMFR9",
    region: "eu",
    country: "DE",
    currency: "EUR",
    domain: "Amazon.de",
    sellerCentralUrl: "https://sellercentral-europe.amazon.com",
  },
  {
    id: "A13V1IB3VIYZZH",
    region: "eu",
    country: "FR",
    currency: "EUR",
    domain: "Amazon.fr",
    sellerCentralUrl: "https://sellercentral-europe.amazon.com",
  },
  {
    id: "APJ6JRA9NG5V4",
    region: "eu",
    country: "IT",
    currency: "EUR",
    domain: "Amazon.it",
    sellerCentralUrl: "https://sellercentral-europe.amazon.com",
  },
  {
    id: "A1RKKUPIHCS9HS",
    region: "eu",
    country: "ES",
    currency: "EUR",
    domain: "Amazon.es",
    sellerCentralUrl: "https://sellercentral-europe.amazon.com",
  },
  {
    id: "A1805IZSGTT6HS",
    region: "eu",
    country: "NL",
    currency: "EUR",
    domain: "Amazon.nl",
    sellerCentralUrl: "https://sellercentral.amazon.nl",
  },
  {
    id: "A1VC38T7YXB528",
    region: "fe",
    country: "JP",
    currency: "JPY",
    domain: "Amazon.co.jp",
    sellerCentralUrl: "https://sellercentral.amazon.co.jp",
  },
  {
    id: "A39IBJ37TRP1C6",
    region: "fe",
    country: "AU",
    currency: "AUD",
    domain: "Amazon.com.au",
    sellerCentralUrl: "https://sellercentral.amazon.com.au",
  },
  {
    id: "A19VAU5U5O7RUS",
    region: "fe",
    country: "SG",
    currency: "SGD",
    domain: "Amazon.sg",
    sellerCentralUrl: "https://sellercentral.amazon.sg",
  },
];

export const marketplaceById = (id: string): AmazonMarketplace | undefined =>
  AMAZON_MARKETPLACES.find((marketplace) => marketplace.id === id);
export const marketplaceByDomain = (domain: string): AmazonMarketplace | undefined =>
  AMAZON_MARKETPLACES.find((marketplace) => marketplace.domain.toLowerCase() === domain.trim().toLowerCase());

/**
 * Documented limits per operation, used by the connector's token buckets and enforced by the
 * simulator. `lwaToken` and `downloadReportDocument` are not SP-API operations (Login with
 * Amazon, pre-signed S3); their limits are the connector's own politeness.
 */
export const AMAZON_RATE_LIMITS = {
  // https://developer-docs.amazon.com/sp-api/docs/sellers-api-v1-reference#getmarketplaceparticipations
  getMarketplaceParticipations: { ratePerSecond: 0.016, burst: 15 },
  // https://developer-docs.amazon.com/sp-api/docs/orders-api-v2026-01-01-reference#searchorders
  searchOrders: { ratePerSecond: 0.0056, burst: 20 },
  // https://developer-docs.amazon.com/sp-api/docs/orders-api-v2026-01-01-reference#getorder
  getOrder: { ratePerSecond: 0.5, burst: 30 },
  // https://developer-docs.amazon.com/sp-api/docs/reports-api-v2021-06-30-reference
  createReport: { ratePerSecond: 0.0167, burst: 15 },
  getReport: { ratePerSecond: 2, burst: 15 },
  getReportDocument: { ratePerSecond: 0.0167, burst: 15 },
  // https://developer-docs.amazon.com/sp-api/docs/fba-inventory-api-v1-reference#getinventorysummaries
  getInventorySummaries: { ratePerSecond: 2, burst: 2 },
  // https://developer-docs.amazon.com/sp-api/docs/listings-items-api-v2021-08-01-reference#searchlistingsitems
  searchListingsItems: { ratePerSecond: 5, burst: 5 },
  // https://developer-docs.amazon.com/sp-api/docs/finances-api-reference#listfinancialevents
  listFinancialEvents: { ratePerSecond: 0.5, burst: 30 },
} as const satisfies Record<string, RateLimit>;

export const CLIENT_ONLY_RATE_LIMITS = {
  lwaToken: { ratePerSecond: 1, burst: 5 },
  downloadReportDocument: { ratePerSecond: 2, burst: 5 },
} as const satisfies Record<string, RateLimit>;

export type AmazonOperation = keyof typeof AMAZON_RATE_LIMITS;

/** Error envelope of every SP-API operation. */
export interface AmazonErrorList {
  errors: Array<{ code: string; message: string; details?: string }>;
}

/** Login with Amazon token answer. */
export interface LwaTokenResponse {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  refresh_token?: string;
}

/** LWA error answer (400/401). */
export interface LwaErrorResponse {
  error: "invalid_grant" | "invalid_client" | "invalid_request" | "unauthorized_client" | string;
  error_description?: string;
}

// ---------------------------------------------------------------------------------------
// Sellers v1: GET /sellers/v1/marketplaceParticipations (0.016 req/s, burst 15)
// https://developer-docs.amazon.com/sp-api/docs/sellers-api-v1-reference
export interface AmazonMarketplaceParticipation {
  marketplace: { id: string; name: string; countryCode: string; defaultCurrencyCode: string; domainName: string };
  participation: { isParticipating: boolean; hasSuspendedListings: boolean };
  storeName?: string;
}
export interface GetMarketplaceParticipationsResponse {
  payload: AmazonMarketplaceParticipation[];
}

// ---------------------------------------------------------------------------------------
// Orders v2026-01-01: GET /orders/2026-01-01/orders (searchOrders, 0.0056 req/s, burst 20)
// https://developer-docs.amazon.com/sp-api/docs/orders-api-v2026-01-01-reference
/** Money in the Orders API: the amount is a decimal string. */
export interface AmazonMoney {
  amount: string;
  currencyCode: string;
}

export type AmazonFulfillmentStatus =
  "PENDING_AVAILABILITY" | "PENDING" | "UNSHIPPED" | "PARTIALLY_SHIPPED" | "SHIPPED" | "CANCELLED" | "UNFULFILLABLE";

export interface AmazonOrderItem {
  orderItemId: string;
  quantityOrdered: number;
  product: {
    asin?: string;
    title?: string;
    sellerSku?: string;
    condition?: { conditionType?: string; conditionSubtype?: string };
    /** Absent while the order is pending. */
    price?: { unitPrice?: AmazonMoney; priceDesignation?: string };
  };
  /** Included with `includedData=PROCEEDS`; absent while pending. */
  proceeds?: {
    proceedsTotal?: AmazonMoney;
    /** ITEM, SHIPPING, GIFT_WRAP, COD_FEE, OTHER, TAX, DISCOUNT (discounts are negative). */
    breakdowns?: Array<{ type: string; subtotal: AmazonMoney }>;
  };
  promotion?: { breakdowns?: Array<{ promotionId?: string }> };
  /** Included with `includedData=CANCELLATION` when the item was cancelled. */
  cancellation?: {
    cancellationRequest?: { requester?: string; cancelReason?: string };
    cancellationExecution?: { cancelledBy?: string; cancelReason?: string };
  };
  /** Included with `includedData=FULFILLMENT`. */
  fulfillment?: { quantityFulfilled?: number; quantityUnfulfilled?: number };
}

export interface AmazonOrder {
  orderId: string;
  orderAliases?: Array<{ aliasId: string; aliasType: string }>;
  createdTime: string;
  lastUpdatedTime: string;
  programs?: string[];
  salesChannel: { channelName: string; marketplaceId: string; marketplaceName?: string };
  /** Absent while pending and for some programs (Amazon Vine orders carry no total). */
  proceeds?: { grandTotal?: AmazonMoney };
  fulfillment?: { fulfillmentStatus: AmazonFulfillmentStatus; fulfilledBy?: "AMAZON" | "MERCHANT" };
  orderItems: AmazonOrderItem[];
}

export interface SearchOrdersResponse {
  orders: AmazonOrder[];
  pagination?: { nextToken?: string };
  /** Upper bound of the query: a ready watermark for the next `lastUpdatedAfter`. */
  lastUpdatedBefore?: string;
  createdBefore?: string;
}

// ---------------------------------------------------------------------------------------
// Reports 2021-06-30 (https://developer-docs.amazon.com/sp-api/docs/reports-api-v2021-06-30-reference)
// createReport POST /reports/2021-06-30/reports            0.0167 req/s, burst 15
// getReport GET /reports/2021-06-30/reports/{reportId}      2 req/s, burst 15
// getReportDocument GET /reports/2021-06-30/documents/{id}  0.0167 req/s, burst 15
export const ALL_ORDERS_REPORT = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL";

export interface CreateReportSpecification {
  reportType: string;
  marketplaceIds: string[];
  dataStartTime?: string;
  dataEndTime?: string;
}
export interface CreateReportResponse {
  reportId: string;
}
export type ReportProcessingStatus = "IN_QUEUE" | "IN_PROGRESS" | "DONE" | "CANCELLED" | "FATAL";
export interface AmazonReport {
  reportId: string;
  reportType: string;
  marketplaceIds?: string[];
  dataStartTime?: string;
  dataEndTime?: string;
  createdTime: string;
  processingStatus: ReportProcessingStatus;
  processingStartTime?: string;
  processingEndTime?: string;
  reportDocumentId?: string;
}
export interface AmazonReportDocument {
  reportDocumentId: string;
  /** Pre-signed URL, valid for 5 minutes. */
  url: string;
  compressionAlgorithm?: "GZIP";
}

/** One row of the all-orders flat file (one row per order item), keyed by header name. */
export type AllOrdersReportRow = Record<string, string>;

/** The raw record of a backfill page: one order's rows of the all-orders report. */
export interface AmazonReportOrder {
  source: "report";
  reportType: string;
  amazonOrderId: string;
  rows: AllOrdersReportRow[];
}

// ---------------------------------------------------------------------------------------
// FBA Inventory v1: GET /fba/inventory/v1/summaries (2 req/s, burst 2; nextToken valid 30 s)
// https://developer-docs.amazon.com/sp-api/docs/fba-inventory-api-v1-reference
export interface AmazonInventorySummary {
  asin?: string;
  fnSku?: string;
  sellerSku: string;
  condition?: string;
  inventoryDetails?: {
    fulfillableQuantity?: number;
    inboundWorkingQuantity?: number;
    inboundShippedQuantity?: number;
    inboundReceivingQuantity?: number;
    reservedQuantity?: {
      totalReservedQuantity?: number;
      pendingCustomerOrderQuantity?: number;
      pendingTransshipmentQuantity?: number;
      fcProcessingQuantity?: number;
    };
    unfulfillableQuantity?: { totalUnfulfillableQuantity?: number };
  };
  lastUpdatedTime?: string;
  productName?: string;
  totalQuantity?: number;
}
export interface GetInventorySummariesResponse {
  payload?: {
    granularity: { granularityType: string; granularityId: string };
    inventorySummaries: AmazonInventorySummary[];
  };
  pagination?: { nextToken?: string };
}
/** The raw record of the inventory stream: a summary with the marketplace it was read for. */
export interface AmazonInventoryRecord {
  marketplaceId: string;
  summary: AmazonInventorySummary;
}

// ---------------------------------------------------------------------------------------
// Listings Items 2021-08-01: GET /listings/2021-08-01/items/{sellerId} (searchListingsItems,
// 5 req/s, burst 5; pageSize <= 20) https://developer-docs.amazon.com/sp-api/docs/listings-items-api-v2021-08-01-reference
export interface AmazonListingItem {
  sku: string;
  summaries?: Array<{
    marketplaceId: string;
    asin?: string;
    productType?: string;
    conditionType?: string;
    /** BUYABLE, DISCOVERABLE */
    status?: string[];
    itemName?: string;
    createdDate?: string;
    lastUpdatedDate?: string;
  }>;
  offers?: Array<{
    marketplaceId: string;
    offerType: "B2C" | "B2B";
    price: { currencyCode: string; amount: string };
  }>;
  issues?: Array<{ code: string; message: string; severity: string }>;
}
export interface SearchListingsItemsResponse {
  numberOfResults: number;
  pagination?: { nextToken?: string; previousToken?: string };
  items: AmazonListingItem[];
}

// ---------------------------------------------------------------------------------------
// Finances v0: GET /finances/v0/financialEvents (listFinancialEvents, 0.5 req/s, burst 30)
// https://developer-docs.amazon.com/sp-api/docs/finances-api-reference
/** Money in Finances v0: the amount is a JSON number. */
export interface AmazonCurrency {
  CurrencyCode: string;
  CurrencyAmount: number;
}
export interface AmazonChargeComponent {
  ChargeType: string;
  ChargeAmount: AmazonCurrency;
}
export interface AmazonFeeComponent {
  FeeType: string;
  FeeAmount: AmazonCurrency;
}
export interface AmazonShipmentItem {
  SellerSKU?: string;
  OrderItemId?: string;
  OrderAdjustmentItemId?: string;
  QuantityShipped?: number;
  ItemChargeList?: AmazonChargeComponent[];
  ItemChargeAdjustmentList?: AmazonChargeComponent[];
  ItemFeeList?: AmazonFeeComponent[];
  ItemFeeAdjustmentList?: AmazonFeeComponent[];
}
export interface AmazonShipmentEvent {
  AmazonOrderId?: string;
  SellerOrderId?: string;
  MarketplaceName?: string;
  PostedDate?: string;
  ShipmentItemList?: AmazonShipmentItem[];
  ShipmentItemAdjustmentList?: AmazonShipmentItem[];
}
export interface AmazonFinancialEvents {
  ShipmentEventList?: AmazonShipmentEvent[];
  RefundEventList?: AmazonShipmentEvent[];
}
export interface ListFinancialEventsResponse {
  payload?: { NextToken?: string; FinancialEvents?: AmazonFinancialEvents };
  errors?: AmazonErrorList["errors"];
}
/**
 * The raw record of the fees stream: one fee or charge component of one item of a shipment
 * or refund event (one normalized FeeEvent each), with the event fields that identify it.
 */
export interface AmazonFinancialEventRecord {
  eventType: "ShipmentEvent" | "RefundEvent";
  AmazonOrderId: string | null;
  PostedDate: string | null;
  MarketplaceName: string | null;
  SellerSKU: string | null;
  /** OrderItemId (shipments) or OrderAdjustmentItemId (refunds). */
  itemId: string | null;
  list: "ItemFeeList" | "ItemFeeAdjustmentList" | "ItemChargeAdjustmentList";
  componentType: string;
  amount: AmazonCurrency;
}
