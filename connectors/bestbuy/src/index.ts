/**
 * @crosschannel/connector-bestbuy: Best Buy Marketplace (Mirakl seller API) connector.
 * The simulator lives in `@crosschannel/connector-bestbuy/simulator`.
 */
export {
  BESTBUY_CANADA_BASE_URL,
  BESTBUY_PRESETS,
  BestBuyConfig,
  BestBuyCredentials,
  EXPORT_PAGE_SIZE,
  ORDER_EXPORT_WINDOW_DAYS,
  ORDERS_PAGE_SIZE,
  OFFERS_PAGE_SIZE,
  TRANSACTIONS_PAGE_SIZE,
  bestbuyConnector,
  miraklDate,
  normalizeBaseUrl,
  splitBestBuySettings,
} from "./connector.ts";
export { MiraklClient, type MiraklConnection } from "./client.ts";
export {
  BESTBUY_CHANNEL,
  BESTBUY_INVENTORY_LOCATION,
  decimalFromWire,
  isFeeTransaction,
  toChannelListing,
  toChannelOrder,
  toFeeEvent,
  toInventoryLevel,
  type UnknownState,
} from "./mappers.ts";
export * from "./wire.ts";
