// The demo merchant: one deterministic business (the SDK's MerchantDataset) served by the
// Shopify, Amazon and Best Buy simulators on loopback, on the wall clock, with live orders
// while the demo runs and Shopify's webhooks sent to the app.
import { AmazonSimulator, DEMO_GRANTED_RATE_LIMITS } from "@crosschannel/connector-amazon/simulator";
import { BestBuySimulator } from "@crosschannel/connector-bestbuy/simulator";
import { systemClock } from "@crosschannel/connector-sdk";
import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { SHOPIFY_RATE_LIMITS } from "@crosschannel/connector-shopify";
import { ShopifySimulator } from "@crosschannel/connector-shopify/simulator";

import type { DemoState } from "./state.ts";

export interface DemoMerchantOptions {
  state: DemoState;
  shopDomain: string;
  /** Where Shopify's webhooks go (the app's /webhooks/shopify) and the secret they are signed with. */
  webhooks: { url: string; secret: string };
  /** Mean time between live orders across the three channels. */
  orderEveryMs: number;
  /** Now, for the dataset's last day (defaults to the wall clock). */
  now?: Date;
  /** Faster channel-side processing than the real channels' (reports, exports), announced as theirs. */
  fast?: boolean;
}

export const DEMO_SKUS = 160;
export const DEMO_ORDERS_PER_DAY = 70;
const DAY_MS = 86_400_000;

export function demoMerchant(state: DemoState, orderEveryMs: number, now = new Date()): MerchantDataset {
  const start = Date.parse(`${state.historyStart}T00:00:00.000Z`);
  // Through tomorrow (UTC), so a demo running past midnight keeps a day ahead of it.
  const days = Math.floor((now.getTime() - start) / DAY_MS) + 2;
  const runningSince = state.windows.at(-1)?.from ?? now.toISOString();
  return new MerchantDataset({
    seed: state.seed,
    start: state.historyStart,
    days,
    skus: DEMO_SKUS,
    ordersPerDay: DEMO_ORDERS_PER_DAY,
    live: {
      everyMs: orderEveryMs,
      // Live orders exist for the times a demo ran: the earlier runs, and this one (open).
      windows: [...state.windows.slice(0, -1), { from: runningSince, to: null }],
    },
  });
}

export async function startDemoMerchant(options: DemoMerchantOptions) {
  const { state } = options;
  const merchant = demoMerchant(state, options.orderEveryMs, options.now);
  const shopify = new ShopifySimulator({
    merchant,
    clock: systemClock,
    port: state.ports.shopify,
    shopDomain: options.shopDomain,
    accessToken: state.secrets.shopifyAccessToken,
    apiSecret: options.webhooks.secret,
    marketplaceImportEvery: 7,
    webhooks: options.webhooks,
    // Bulk operations of a year's orders in seconds rather than Shopify's minutes.
    // and the cost bucket of a Commerce Components shop (announced in every answer's throttleStatus).
    ...(options.fast === false
      ? {}
      : {
          bulkMsPerObject: 0.2,
          costBucket: { maximumAvailable: 40_000, restoreRate: 2_000 },
          // Several streams of the shop at once, each pacing itself at 2 requests/s.
          requestRateLimits: { ...SHOPIFY_RATE_LIMITS, graphql: { ratePerSecond: 10, burst: 20 } },
        }),
  });
  const amazon = new AmazonSimulator({
    merchant,
    clock: systemClock,
    port: state.ports.amazon,
    clientId: state.secrets.amazonClientId,
    clientSecret: state.secrets.amazonClientSecret,
    refreshToken: state.secrets.amazonRefreshToken,
    backfillMonths: 12,
    // Reports ready in seconds, and more of them at once, announced as Amazon announces limits.
    ...(options.fast === false ? {} : { reportProcessingMs: 8_000, grantedRateLimits: DEMO_GRANTED_RATE_LIMITS }),
  });
  const bestbuy = new BestBuySimulator({
    merchant,
    clock: systemClock,
    port: state.ports.bestbuy,
    apiKey: state.secrets.bestbuyApiKey,
    ...(options.fast === false ? {} : { exportDelayMs: 5_000 }),
  });
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    for (const simulator of [shopify, amazon, bestbuy]) {
      await simulator.start();
      started.push(simulator);
    }
  } catch (error) {
    await Promise.all(started.map((simulator) => simulator.close()));
    throw error;
  }
  return {
    merchant,
    shopify,
    amazon,
    bestbuy,
    /** The settings a merchant would enter for each channel (one JSON object, as `connect --config` reads). */
    settings: {
      shopify: { accessToken: state.secrets.shopifyAccessToken, adminApiBaseUrl: shopify.config().adminApiBaseUrl },
      amazon: { ...amazon.config(), ...amazon.credentials() },
      // A catalog this size reads its offers by page (OF21), as the connector's README advises.
      bestbuy: { ...bestbuy.config(), backfillMonths: 12, offersSource: "list", ...bestbuy.credentials() },
    },
    async close() {
      await Promise.all([shopify.close(), amazon.close(), bestbuy.close()]);
    },
  };
}

export type DemoMerchant = Awaited<ReturnType<typeof startDemoMerchant>>;

/**
 * The euro reference rates of the demo's currencies in the ECB's eurofxref-hist CSV format
 * (newest day first, weekdays only), at the rates the merchant's channels price with.
 */
export function referenceRatesCsv(merchant: MerchantDataset, from: string, to: string): string {
  const usdPerEur = 1.08;
  const currencies = [...new Set(merchant.channels.map((channel) => channel.currency))].sort();
  const perEur = (currency: string) => {
    const channel = merchant.channels.find((candidate) => candidate.currency === currency);
    return (usdPerEur * (channel?.fxRate ?? 1)).toFixed(4);
  };
  const lines = [`Date,${currencies.join(",")},`];
  for (let day = Date.parse(`${to}T00:00:00.000Z`); day >= Date.parse(`${from}T00:00:00.000Z`); day -= DAY_MS) {
    const date = new Date(day);
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
    lines.push(`${date.toISOString().slice(0, 10)},${currencies.map(perEur).join(",")},`);
  }
  return `${lines.join("\n")}\n`;
}
