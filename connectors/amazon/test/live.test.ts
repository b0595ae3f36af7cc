/**
 * Wall clock mode: the SP-API simulator follows a clock (a test clock moved by hand here),
 * shows new (live) orders, pending orders getting their prices and Finances events as
 * time passes, and accepts the LWA credentials and port it was given.
 */
import { manualClock } from "@crosschannel/connector-sdk/testing";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChannelOrder, FeeEvent, InventoryLevel } from "@crosschannel/connector-sdk";
import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { afterEach, describe, expect, it } from "vitest";
import { AmazonSimulator } from "../src/simulator/index.ts";

const HOUR = 3_600_000;
const start = Date.parse("2026-03-20T10:00:00.000Z");
const merchantOptions = {
  seed: "live-amazon",
  start: "2026-02-01",
  days: 60,
  skus: 40,
  ordersPerDay: 40,
  live: { everyMs: 60_000, windows: [{ from: "2026-03-20T09:00:00.000Z", to: null }] },
};
const credentials = {
  clientId: "amzn1.application-oa2-client.demo",
  clientSecret: "demo-secret",
  refreshToken: "Atzr|demo",
};

const testClock = manualClock;

const opened: AmazonSimulator[] = [];
afterEach(async () => {
  for (const sim of opened.splice(0)) await sim.close();
});

async function accessToken(sim: AmazonSimulator, form: Record<string, string>): Promise<Response> {
  return fetch(`${sim.server.url}/auth/o2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", ...form }).toString(),
  });
}

const sorted = <T extends { externalId: string }>(records: T[]) =>
  [...records].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));

describe("AmazonSimulator on the wall clock", () => {
  it("shows new orders, prices of accepted orders and Finances events as time passes", async () => {
    const clock = testClock(start);
    const merchant = new MerchantDataset(merchantOptions);
    const sim = new AmazonSimulator({ merchant, clock, ...credentials, sellerId: "A1DEMO" });
    opened.push(sim);
    await sim.start();
    expect(sim.wallClock).toBe(true);
    expect(sim.asOf).toBe(new Date(start).toISOString());
    const first = sim.expectedRecords("orders") as ChannelOrder[];
    const pending = first.filter((order) => !order.pricesKnown && order.status === "pending");
    expect(pending.length).toBeGreaterThan(0);
    const firstFees = (sim.expectedRecords("fees") as FeeEvent[]).length;
    const firstStock = (sim.expectedRecords("inventory") as InventoryLevel[]).reduce((n, l) => n + l.available, 0);

    // An hour later a request (lazily) shows the orders placed since, live ones included.
    clock.at = start + HOUR;
    const token = (await (
      await accessToken(sim, {
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        refresh_token: credentials.refreshToken,
      })
    ).json()) as { access_token: string };
    expect(sim.asOf).toBe(new Date(start + HOUR).toISOString());
    const since = new Date(start - 5 * 60_000).toISOString();
    const search = await fetch(
      `${sim.server.url}/na/orders/2026-01-01/orders?lastUpdatedAfter=${since}&marketplaceIds=ATVPDKIKX0DER&maxResultsPerPage=100`,
      { headers: { "x-amz-access-token": token.access_token } },
    );
    expect(search.status).toBe(200);
    const ids = ((await search.json()) as { orders: Array<{ orderId: string }> }).orders.map((order) => order.orderId);
    const live = merchant
      .liveOrdersOn("2026-03-20", "amazon")
      .filter(
        (order) =>
          order.placedAt > new Date(start).toISOString() &&
          order.placedAt <= new Date(start + HOUR - 2 * 60_000).toISOString(),
      );
    expect(live.length).toBeGreaterThan(5);
    for (const order of live) expect(ids).toContain(order.id);
    expect((sim.expectedRecords("inventory") as InventoryLevel[]).reduce((n, l) => n + l.available, 0)).toBeLessThan(
      firstStock,
    );

    // Two days on: the pending orders were accepted (prices known or cancelled) and shipped.
    clock.at = start + 48 * HOUR;
    sim.refresh();
    const after = new Map((sim.expectedRecords("orders") as ChannelOrder[]).map((order) => [order.externalId, order]));
    const priced = pending.filter((order) => after.get(order.externalId)?.pricesKnown === true);
    expect(priced.length).toBeGreaterThan(pending.length / 2);
    expect((sim.expectedRecords("fees") as FeeEvent[]).length).toBeGreaterThan(firstFees);
    const liveFees = (sim.expectedRecords("fees") as FeeEvent[]).filter((fee) =>
      MerchantDataset.isLiveOrderId(fee.orderExternalId ?? ""),
    );
    expect(liveFees.length).toBeGreaterThan(0);

    // The incremental view is the view a simulator frozen at that moment computes in full.
    const frozen = new AmazonSimulator({ merchant, asOf: sim.asOf });
    for (const stream of ["orders", "fees", "inventory", "listings"] as const) {
      const ours = sim.expectedRecords(stream) as Array<{ externalId?: string; sku?: string }>;
      const theirs = frozen.expectedRecords(stream) as Array<{ externalId?: string; sku?: string }>;
      if (stream === "orders" || stream === "fees")
        expect(sorted(ours as { externalId: string }[])).toEqual(sorted(theirs as { externalId: string }[]));
      else expect(ours).toEqual(theirs);
    }
    expect(sim.rebuildStats!.lastRebuildMs).toBeLessThan(1_000);
  });

  it("listens on the given port and accepts only the given LWA credentials", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const sim = new AmazonSimulator({
      merchant: new MerchantDataset(merchantOptions),
      clock: testClock(start),
      port,
      sellerId: "A1DEMO",
      ...credentials,
    });
    opened.push(sim);
    await sim.start();
    expect(sim.server.url).toBe(`http://127.0.0.1:${port}`);
    expect(sim.credentials()).toEqual(credentials);
    expect(sim.config()).toMatchObject({ sellerId: "A1DEMO", endpoint: `http://127.0.0.1:${port}/na` });
    const good = await accessToken(sim, {
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      refresh_token: credentials.refreshToken,
    });
    expect(good.status).toBe(200);
    const wrongSecret = await accessToken(sim, {
      client_id: credentials.clientId,
      client_secret: "other",
      refresh_token: credentials.refreshToken,
    });
    expect(wrongSecret.status).toBe(401);
    const wrongToken = await accessToken(sim, {
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      refresh_token: "Atzr|other",
    });
    expect(wrongToken.status).toBe(400);
  });
});
