/**
 * @crosschannel/connector-shopify: the shop's own sales, catalog (with unit costs) and
 * inventory from the Shopify Admin GraphQL API, as a connector of the SDK, plus the
 * pure webhook mappers the app's webhook routes use. See README.md.
 */
import {
  createRunContext,
  type Clock,
  type HttpOverrides,
  type Logger,
  type ValidatedSettings,
} from "@crosschannel/connector-sdk";
import {
  PRODUCTS_SPEC,
  readBulk,
  shopifyConnector,
  startCheckpoint,
  type ShopifyConfig,
  type ShopifyCredentials,
} from "./connector.ts";
import { toVariantCost, type ShopifyVariantCost } from "./mappers.ts";

export {
  INVENTORY_SPEC,
  ORDERS_SPEC,
  PAGE_SIZE,
  PRODUCTS_SPEC,
  readBulk,
  searchTimestamp,
  shopifyApi,
  shopifyConnector,
  ShopifyCheckpoint,
  ShopifyConfig,
  ShopifyCredentials,
  startCheckpoint,
  type BulkStreamSpec,
  type ShopifyContext,
} from "./connector.ts";
export * from "./mappers.ts";
export * from "./webhooks.ts";
export { CostBucket, ShopifyGraphqlClient, type GraphqlRequest } from "./client.ts";
export {
  assembleObjects,
  awaitBulkOperation,
  BulkOperationError,
  jsonlLines,
  pollDelayMs,
  RangeFetcher,
  startBulkQuery,
  type AssembledObject,
  type JsonlLine,
} from "./bulk.ts";
export {
  DEFAULT_API_VERSION,
  GRAPHQL_COST_DEFAULTS,
  SHOPIFY_RATE_LIMITS,
  type RestInventoryItem,
  type RestInventoryLevel,
  type RestOrder,
  type RestProduct,
  type RestRefund,
  type ShopifyOrder,
  type ShopifyProduct,
  type ShopifyInventoryItem,
} from "./wire.ts";

/**
 * Splits the settings file of `npm run cli -- connect --channel shopify --config <file>`
 * (`{ accessToken, adminApiBaseUrl? }`) plus the shop's domain into validated config
 * and credentials. Throws the SDK's `ConfigError` naming each bad field.
 */
export function splitShopifySettings(
  json: unknown,
  shopDomain: string,
): { config: ShopifyConfig; credentials: ShopifyCredentials } {
  const parts = shopifyConnector.connection!.splitSettings(json, { shopDomain });
  const { config, credentials } = shopifyConnector.validateSettings(parts.config, parts.credentials);
  return { config, credentials };
}

export interface ReadProductCostsOptions {
  /** As stored, validated here; or the run's `shopifyConnector.validateSettings(...)`, used as it is. */
  config?: unknown;
  credentials?: unknown;
  settings?: ValidatedSettings;
  /** Only variants of products updated at or after this moment (UTC ISO); all by default. */
  since?: string;
  signal?: AbortSignal;
  clock?: Clock;
  logger?: Logger;
  callBudget?: number;
  httpOverrides?: HttpOverrides;
}

/**
 * Reads the unit cost (COGS) of every variant for the master catalog, one page at a
 * time, through the same bulk export as the `listings` stream. Variants without a SKU
 * are skipped (logged), as the listings stream quarantines them.
 */
export async function* readProductCosts(options: ReadProductCostsOptions): AsyncGenerator<ShopifyVariantCost[]> {
  const ctx = createRunContext(shopifyConnector, options);
  const checkpoint = startCheckpoint(options.since ?? "1970-01-01T00:00:00.000Z");
  for await (const page of readBulk(ctx, PRODUCTS_SPEC, checkpoint)) {
    const costs: ShopifyVariantCost[] = [];
    for (const record of page.records) {
      if (!record.variant.sku) {
        ctx.log.warn("variant without SKU skipped", { variantId: record.variant.id });
        continue;
      }
      costs.push(toVariantCost(record));
    }
    if (costs.length > 0) yield costs;
  }
}
