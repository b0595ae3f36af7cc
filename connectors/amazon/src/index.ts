/**
 * @crosschannel/connector-amazon: Amazon Selling Partner API connector.
 * The simulator is exported from `@crosschannel/connector-amazon/simulator`.
 */
export { amazonConnector, OrdersCheckpoint, FeesCheckpoint, ListingsCheckpoint, Keyset } from "./connector.ts";
export { AmazonConfig, AmazonCredentials, splitAmazonSettings } from "./config.ts";
export { buildConsentUrl, exchangeAuthorizationCode, AmazonAuthorizationError, type FetchLike } from "./auth.ts";
export * from "./mappers.ts";
export * from "./wire.ts";
export { ENDPOINT_VERSIONS, SpApi, createSellingPartner } from "./sp-api.ts";
export { isRefundedCharge, refundsFromFeeEvents, REFUNDED_CHARGE_TYPES } from "./refunds.ts";
