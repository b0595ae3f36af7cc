import {
  ConfigError,
  ConnectorHttpError,
  MemorySink,
  checkConnection,
  createRunContext,
  type runSync,
  type ChannelOrder,
  type StreamName,
} from "@crosschannel/connector-sdk";
import { DEFAULT_CHANNELS, MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { sortedByKey, startedSimulators, streamKey, syncAgainst } from "@crosschannel/connector-sdk/testing";
import { describe, expect, it } from "vitest";
import {
  AmazonAuthorizationError,
  amazonConnector,
  buildConsentUrl,
  exchangeAuthorizationCode,
  groupReportRows,
  parseFlatFile,
  reportOrderToChannelOrder,
  splitAmazonSettings,
  toChannelOrder,
  type AmazonOrder,
  type FetchLike,
} from "../src/index.ts";
import { REPORT_WINDOW_MS, TWO_MINUTE_RULE_MS, spApi } from "../src/connector.ts";
import {
  AmazonSimulator,
  SIM_APPLICATION_ID,
  reportRows,
  toFlatFile,
  type AmazonSimulatorOptions,
} from "../src/simulator/index.ts";
import { fakeSecret } from "@crosschannel/connector-sdk/simulator";

const started = startedSimulators((options: AmazonSimulatorOptions) => new AmazonSimulator(options));
const key = (stream: StreamName) => streamKey("amazon", stream);
const sorted = sortedByKey;
const sync = (
  sim: AmazonSimulator,
  stream: StreamName,
  sink: MemorySink,
  extra: Partial<Parameters<typeof runSync>[0]> = {},
) => syncAgainst(amazonConnector, sim, stream, sink, extra);

describe("orders backfill through the all-orders report", () => {
  it("backfills a year of a 50-orders-a-day seller within the documented rate limits, with report calls only", async () => {
    const amazonOnly = DEFAULT_CHANNELS.filter((channel) => channel.id === "amazon").map((channel) => ({
      ...channel,
      demandShare: 1,
    }));
    const merchant = new MerchantDataset({
      seed: "year",
      start: "2025-03-01",
      days: 365,
      skus: 60,
      ordersPerDay: 50,
      channels: amazonOnly,
    });
    // Reports take minutes at Amazon: they are requested and polled together, so their waits overlap.
    const sim = await started({ merchant, reportProcessingMs: 5 * 60_000 });
    const expected = sim.expectedRecords("orders") as ChannelOrder[];
    expect(expected.length).toBeGreaterThan(15_000);

    const startedAt = performance.now();
    const sink = new MemorySink();
    const result = await sync(sim, "orders", sink);
    const realMs = performance.now() - startedAt;

    expect(result.error).toBeNull();
    expect(result.status).toBe("succeeded");
    expect(sink.records(key("orders"))).toEqual(sorted(expected, ["externalId"]));
    expect(sink.stats(key("orders")).deliveries).toBe(expected.length);

    // 24 months back by default, in 30-day windows; one document per window that has orders.
    const now = sim.clock.now() - result.durationMs;
    const start = new Date(now);
    start.setUTCMonth(start.getUTCMonth() - 24);
    const windows = Math.ceil((now - TWO_MINUTE_RULE_MS - start.getTime()) / REPORT_WINDOW_MS);
    const calls = result.http.byOperation;
    expect(calls.createReport?.calls).toBe(windows);
    const windowsWithOrders = new Set(
      expected.map((order) => Math.floor((Date.parse(order.updatedAt) - start.getTime()) / REPORT_WINDOW_MS)),
    ).size;
    expect(windowsWithOrders).toBeGreaterThanOrEqual(12);
    expect(calls.getReportDocument?.calls).toBe(windowsWithOrders);
    expect(calls.downloadReportDocument?.calls).toBe(windowsWithOrders);
    // Polls back off from 15 s to 60 s: 7 polls for a report that takes 5 minutes.
    expect(calls.getReport?.calls).toBe(windows * 7);
    expect(calls.searchOrders?.calls ?? 0).toBeLessThanOrEqual(1);
    expect(calls.getOrder).toBeUndefined();
    expect(result.http.calls).toBeLessThan(300);
    expect(calls.lwaToken?.calls).toBe(1);
    // 15 reports at once, the other windows' at createReport's documented 0.0167/s (one a minute),
    // each ready 5 minutes after it was requested: about 16 minutes, not one window after another
    // (25 × 5.75 minutes, more than 2 hours).
    expect(result.durationMs).toBeGreaterThan((windows - 15) * 59_000);
    expect(result.durationMs).toBeLessThan((windows - 15) * 60_000 + 7 * 60_000);

    // Nothing Amazon would have refused: no throttling, no 4xx.
    expect(sim.server.rateLimitViolations).toBe(0);
    expect(result.http.throttled).toBe(0);
    expect(sim.server.log.filter((entry) => entry.status >= 400)).toEqual([]);
    expect(realMs).toBeLessThan(60_000);
  }, 120_000);

  it("delivers an order updated exactly on a window boundary once, even if both reports include it", async () => {
    const probe = new AmazonSimulator({ seed: 42 });
    const target = (probe.expectedRecords("orders") as ChannelOrder[])[100]!;
    // Choose "now" so that a 30-day window boundary of the 24-month backfill falls on its update.
    const boundary = Date.parse(target.updatedAt);
    const start = new Date(boundary - 12 * REPORT_WINDOW_MS);
    const now = new Date(start);
    now.setUTCMonth(now.getUTCMonth() + 24);
    const check = new Date(now);
    check.setUTCMonth(check.getUTCMonth() - 24);
    expect(check.getTime()).toBe(start.getTime());

    const sim = await started({ seed: 42, now: now.toISOString(), reportEndInclusive: true });
    const sink = new MemorySink();
    const result = await sync(sim, "orders", sink);
    expect(result.error).toBeNull();
    const expected = sim.expectedRecords("orders");
    expect(sink.records(key("orders"))).toEqual(sorted(expected, ["externalId"]));
    expect(sink.stats(key("orders")).deliveries).toBe(expected.length);
  });

  it("asks for a fresh document URL when the pre-signed one is refused (expired)", async () => {
    const sim = await started({ backfillMonths: 4 });
    const probe = await sync(sim, "orders", new MemorySink());
    const documents = probe.http.byOperation.getReportDocument?.calls ?? 0;
    expect(documents).toBeGreaterThan(0);

    const fresh = await started({ backfillMonths: 4 });
    fresh.failNextDownloads(1, 403);
    const sink = new MemorySink();
    const result = await sync(fresh, "orders", sink);
    expect(result.error).toBeNull();
    expect(result.http.byOperation.getReportDocument?.calls).toBe(documents + 1);
    expect(sink.records(key("orders"))).toEqual(sorted(fresh.expectedRecords("orders"), ["externalId"]));
  });

  it("retries a failed report download within the retry bound", async () => {
    const sim = await started({ backfillMonths: 4 });
    sim.failNextDownloads(2, 503);
    const sink = new MemorySink();
    const result = await sync(sim, "orders", sink);
    expect(result.error).toBeNull();
    expect(sink.records(key("orders"))).toEqual(sorted(sim.expectedRecords("orders"), ["externalId"]));
    expect(result.http.byOperation.downloadReportDocument?.retried).toBe(2);
    expect(sim.s3Log.filter((entry) => entry.status === 503)).toHaveLength(2);
  });
});

describe("incremental orders", () => {
  const merchant = new MerchantDataset({
    seed: "incremental",
    start: "2026-02-01",
    days: 20,
    skus: 40,
    ordersPerDay: 40,
  });

  it("re-reads pending orders once Amazon shows their prices, through searchOrders v2026-01-01", async () => {
    // The API shows a world frozen at asOf: the first run must not read past it before it moves.
    const asOf = "2026-02-10T12:00:00.000Z";
    const sim = await started({ merchant, asOf, now: asOf, reportProcessingMs: 0, backfillMonths: 3 });
    const sink = new MemorySink();
    const first = await sync(sim, "orders", sink);
    expect(first.error).toBeNull();
    expect((first.checkpoint as { from: string }).from <= asOf).toBe(true);
    const pending = (sink.records(key("orders")) as ChannelOrder[]).filter((order) => order.status === "pending");
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((order) => !order.pricesKnown && order.total === null)).toBe(true);

    const logBefore = sim.server.log.length;
    sim.setAsOf("2026-02-14T12:00:00.000Z");
    const second = await sync(sim, "orders", sink);
    expect(second.error).toBeNull();
    expect(second.http.byOperation.createReport).toBeUndefined();
    expect(second.http.byOperation.searchOrders?.calls).toBeGreaterThan(0);
    expect(sink.records(key("orders"))).toEqual(sorted(sim.expectedRecords("orders"), ["externalId"]));
    const byId = new Map((sink.records(key("orders")) as ChannelOrder[]).map((order) => [order.externalId, order]));
    for (const order of pending) {
      const now = byId.get(order.externalId);
      if (now?.status !== "pending" && now?.status !== "cancelled") expect(now?.pricesKnown).toBe(true);
    }
    expect(pending.some((order) => byId.get(order.externalId)?.pricesKnown)).toBe(true);
    const served = sim.server.log.slice(logBefore);
    expect(served.some((entry) => entry.path === "/na/orders/2026-01-01/orders")).toBe(true);
    // The 2-minute rule and the filters were respected: Amazon answered every call.
    expect(served.filter((entry) => entry.status >= 400)).toEqual([]);
  });

  it("overlaps the previous window without delivering an unchanged order twice", async () => {
    const probe = new AmazonSimulator({ merchant });
    const middle = (probe.expectedRecords("orders") as ChannelOrder[]).at(-40);
    expect(middle).toBeDefined();
    // The backfill ends a minute after this order's last update: the first incremental window
    // starts 10 minutes earlier, so searchOrders serves it again and the connector skips it.
    const asOf = new Date(Date.parse(middle!.updatedAt) + 60_000).toISOString();
    const sim = await started({ merchant, asOf, now: new Date(Date.parse(asOf) + 2 * 60_000).toISOString() });
    const sink = new MemorySink();
    const result = await sync(sim, "orders", sink);
    expect(result.error).toBeNull();
    expect(result.http.byOperation.searchOrders?.calls).toBe(1);
    const expected = sim.expectedRecords("orders") as ChannelOrder[];
    expect(expected.some((order) => order.externalId === middle!.externalId)).toBe(true);
    expect(sink.records(key("orders"))).toEqual(sorted(expected, ["externalId"]));
    expect(sink.stats(key("orders")).deliveries).toBe(expected.length);
  });
});

describe("Orders API path", () => {
  it("normalizes getOrder answers of every status exactly as the report path does", async () => {
    const merchant = new MerchantDataset({
      seed: "incremental",
      start: "2026-02-01",
      days: 20,
      skus: 40,
      ordersPerDay: 40,
    });
    const sim = await started({ merchant, asOf: "2026-02-10T12:00:00.000Z" });
    const ctx = createRunContext(amazonConnector, {
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    const api = spApi(ctx);
    const expected = sim.expectedRecords("orders") as ChannelOrder[];
    const sample = ["pending", "open", "fulfilled", "cancelled"].flatMap((status) =>
      expected.filter((order) => order.status === status).slice(0, 5),
    );
    expect(new Set(sample.map((order) => order.status)).size).toBe(4);
    for (const order of sample) {
      const answer = await api.call<{ order: AmazonOrder }>("orders", "getOrder", {
        path: { orderId: order.externalId },
      });
      expect(toChannelOrder(answer.order)).toEqual(order);
      const [fromReport] = groupReportRows(parseFlatFile(toFlatFile(reportRows(order))), "report");
      expect(reportOrderToChannelOrder(fromReport!)).toEqual(order);
    }
    expect(sim.server.rateLimitViolations).toBe(0);
  });
});

describe("check", () => {
  it("names the store and the seller", async () => {
    const sim = await started();
    const outcome = await checkConnection(amazonConnector, {
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    expect(outcome).toEqual({ ok: true, accountName: "Northwind Goods (A2SIMSELLER01)" });
  });

  it("says the refresh token is bad when Login with Amazon refuses it", async () => {
    const sim = await started();
    sim.revokeRefreshToken();
    const outcome = await checkConnection(amazonConnector, {
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toBeInstanceOf(ConnectorHttpError);
    expect((outcome.error as ConnectorHttpError).kind).toBe("auth");
    expect(outcome.message).toContain("invalid_grant");
    expect(outcome.message).not.toContain(sim.credentials().refreshToken);
  });

  it("says the client secret is wrong", async () => {
    const sim = await started();
    const outcome = await checkConnection(amazonConnector, {
      config: sim.config(),
      credentials: { ...sim.credentials(), clientSecret: fakeSecret("amzn1.oa2-cs.v1.") },
      clock: sim.clock,
    });
    expect(outcome.ok ? "" : outcome.message).toContain("invalid_client");
  });

  it("says the region is wrong when the token is refused on another region's endpoint", async () => {
    const sim = await started();
    const config = {
      ...sim.config(),
      region: "eu",
      marketplaceIds: ["A1PA6795UKMFR9"],
      endpoint: `${sim.server.url}/eu`,
    };
    const outcome = await checkConnection(amazonConnector, {
      config,
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    expect(outcome.ok ? "" : outcome.message).toMatch(
      /denied the eu endpoint.*another region \(check config\.region\)/,
    );
    expect(outcome.ok ? null : (outcome.error as ConnectorHttpError).kind).toBe("auth");
  });

  it("names the marketplace the seller does not sell in", async () => {
    const sim = await started();
    const config = { ...sim.config(), marketplaceIds: ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"] };
    const outcome = await checkConnection(amazonConnector, {
      config,
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    expect(outcome.ok ? null : outcome.error).toBeInstanceOf(ConfigError);
    expect(outcome.ok ? "" : outcome.message).toContain(
      "config.marketplaceIds: the seller does not sell in A2EUQ1WTGCTBG2",
    );
  });

  it("names every missing role and the streams that need it", async () => {
    const sim = await started({ roles: ["Inventory and Order Tracking", "Product Listing"] });
    const outcome = await checkConnection(amazonConnector, {
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    expect(outcome.ok ? "" : outcome.message).toBe(
      "The app lacks the Selling Partner API role(s) Amazon Fulfillment (needed by inventory), Finance and Accounting (needed by fees): add them to the app in the Developer Console, then have the seller authorize it again.",
    );
  });
});

describe("website authorization workflow", () => {
  const fetchLike: FetchLike = (url, init) => fetch(url, init);

  it("builds the consent URL and exchanges the spapi_oauth_code for the refresh token", async () => {
    const sim = await started();
    const redirectUri = "https://app.crosschannel.example/amazon/callback";
    const state = "c3RhdGUtMTIzNDU2Nzg5MA";
    const consent = buildConsentUrl({
      applicationId: SIM_APPLICATION_ID,
      sellerCentralUrl: sim.server.url,
      state,
      redirectUri,
    });
    expect(consent).toBe(
      `${sim.server.url}/apps/authorize/consent?application_id=${encodeURIComponent(SIM_APPLICATION_ID)}&state=${state}&redirect_uri=${encodeURIComponent(redirectUri)}`,
    );
    const redirect = await fetch(consent, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    const callback = new URL(redirect.headers.get("location") ?? "");
    expect(callback.origin + callback.pathname).toBe(redirectUri);
    expect(callback.searchParams.get("state")).toBe(state);
    expect(callback.searchParams.get("selling_partner_id")).toBe(sim.sellerId);
    const code = callback.searchParams.get("spapi_oauth_code") ?? "";

    const exchange = {
      code,
      clientId: sim.credentials().clientId,
      clientSecret: sim.credentials().clientSecret,
      redirectUri,
      tokenEndpoint: sim.config().tokenEndpoint,
    };
    const tokens = await exchangeAuthorizationCode(exchange, fetchLike);
    expect(tokens.refreshToken).toBe(sim.credentials().refreshToken);
    expect(tokens.accessToken).toMatch(/^Atza\|/);

    // A code works once.
    const again = await exchangeAuthorizationCode(exchange, fetchLike).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(AmazonAuthorizationError);
    expect((again as AmazonAuthorizationError).code).toBe("invalid_grant");
    expect((again as Error).message).not.toContain(exchange.clientSecret);
  });

  it("picks Seller Central from the marketplace or region, and marks draft apps", () => {
    const base = { applicationId: SIM_APPLICATION_ID, state: "0123456789abcdef0123" };
    expect(buildConsentUrl({ ...base, marketplaceId: "A1PA6795UKMFR9" })).toMatch(
      /^https:\/\/sellercentral-europe\.amazon\.com\/apps\/authorize\/consent\?/,
    );
    expect(buildConsentUrl({ ...base, region: "fe", draft: true })).toMatch(
      /^https:\/\/sellercentral\.amazon\.co\.jp\/.*&version=beta$/,
    );
    expect(() => buildConsentUrl({ ...base, state: "short", region: "na" })).toThrow(/state/);
  });
});

describe("settings", () => {
  const settings = {
    region: "na",
    marketplaceIds: ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"],
    sellerId: "A2EXAMPLE7Q3KX",
    clientId: fakeSecret("amzn1.application-oa2-client.", 8),
    clientSecret: fakeSecret("amzn1.oa2-cs.v1."),
    refreshToken: fakeSecret("Atzr|"),
  };

  it("splits the single settings JSON into config and credentials, with defaults", () => {
    const { config, credentials } = splitAmazonSettings(settings);
    expect(amazonConnector.parseConfig(config)).toEqual({
      region: "na",
      marketplaceIds: ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"],
      sellerId: "A2EXAMPLE7Q3KX",
      tokenEndpoint: "https://api.amazon.com/auth/o2/token",
      backfillMonths: 24,
    });
    expect(amazonConnector.parseCredentials(credentials)).toEqual({
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      refreshToken: settings.refreshToken,
    });
    expect(() => splitAmazonSettings([settings])).toThrow(TypeError);
  });

  it("rejects a marketplace of another region and a backfill beyond two years, naming the fields", () => {
    const { config } = splitAmazonSettings({
      ...settings,
      marketplaceIds: ["ATVPDKIKX0DER", "A1PA6795UKMFR9"],
      backfillMonths: 36,
    });
    let caught: unknown;
    try {
      amazonConnector.parseConfig(config);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain(
      'config.marketplaceIds.1: marketplace A1PA6795UKMFR9 (Amazon.de) is served by region "eu", not "na"',
    );
    expect(message).toContain("config.backfillMonths: backfillMonths can be at most 24");
  });

  it("never echoes a credential value in validation errors", () => {
    const bad = { clientId: "not-a-client", clientSecret: "short", refreshToken: "Atza|an-access-token-by-mistake" };
    let caught: unknown;
    try {
      amazonConnector.parseCredentials(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    for (const value of Object.values(bad)) expect(message).not.toContain(value);
    expect(message).toContain("credentials.refreshToken");
  });
});
