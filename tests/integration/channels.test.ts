import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { AmazonSimulator } from "@crosschannel/connector-amazon/simulator";
import { BestBuySimulator } from "@crosschannel/connector-bestbuy/simulator";
import { ShopifySimulator } from "@crosschannel/connector-shopify/simulator";
import { afterEach, describe, expect, it } from "vitest";

import { runCli } from "#app/cli/run.ts";
import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { closeQueues, getQueue } from "#app/queue/queues.server.ts";
import { scheduleConnection } from "#app/services/schedules.server.ts";
import { connectChannel } from "#app/services/connections.server.ts";
import { adapterFor } from "#app/services/channels.server.ts";
import { salesReport } from "#app/services/report.server.ts";
import { syncConnection } from "#app/services/sync.server.ts";
import { createShop, insertConnection } from "../support/factories.ts";

const SHOP = "northwind.myshopify.com";
const open: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((simulator) => simulator.close()));
  await closeQueues();
  await closeIngestPool();
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function settingsFile(name: string, settings: unknown) {
  const dir = await mkdtemp(join(tmpdir(), "crosschannel-settings-"));
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(settings));
  return file;
}

/** One merchant served by all three channels at once, so SKUs and orders line up. */
async function startChannels() {
  const merchant = new MerchantDataset({
    seed: "northwind",
    start: "2026-03-01",
    days: 14,
    skus: 12,
    ordersPerDay: 12,
  });
  const amazon = new AmazonSimulator({ merchant });
  const bestbuy = new BestBuySimulator({ merchant });
  const shopify = new ShopifySimulator({ merchant, shopDomain: SHOP, marketplaceImportEvery: 3 });
  for (const simulator of [amazon, bestbuy, shopify]) {
    await simulator.start();
    open.push(simulator);
  }
  return { merchant, amazon, bestbuy, shopify };
}

describe("three channels through the CLI and the sync service", () => {
  it("connects Amazon, Best Buy and Shopify from settings files, syncs them, and reports each once", async () => {
    const { amazon, bestbuy, shopify } = await startChannels();
    expect((await cli("shops", "add", "--shop", SHOP, "--timezone", "America/Toronto", "--currency", "USD")).code).toBe(
      0,
    );

    const files = {
      amazon: await settingsFile("amazon", { ...amazon.config(), ...amazon.credentials() }),
      bestbuy: await settingsFile("bestbuy", { ...bestbuy.config(), ...bestbuy.credentials() }),
      shopify: await settingsFile("shopify", {
        accessToken: shopify.credentials().accessToken,
        adminApiBaseUrl: shopify.config().adminApiBaseUrl,
      }),
    };
    for (const channel of ["bestbuy", "shopify"] as const) {
      const connected = await cli("connect", "--shop", SHOP, "--channel", channel, "--config", files[channel]);
      expect(connected.err).toBe("");
      expect(connected.code).toBe(0);
      expect(connected.out).toMatch(/^Connected /);
    }
    // Amazon's check asks for orders updated up to two minutes before *now*: on the simulator's
    // clock, which the CLI (on the wall clock) cannot share. The same service, with that clock:
    const added = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    await connectChannel(added, adapterFor("amazon"), JSON.parse(await readFile(files.amazon, "utf8")), {
      clock: amazon.clock,
    });
    await scheduleConnection(
      await prisma.channelConnection.findFirstOrThrow({ where: { shopId: added.id, channel: "amazon" } }),
      adapterFor("amazon"),
    );

    const connections = await prisma.channelConnection.findMany({
      include: { shop: true },
      orderBy: { channel: "asc" },
    });
    expect(connections.map((connection) => connection.channel).sort()).toEqual(["amazon", "bestbuy", "shopify"]);
    // Secrets are encrypted: no credential value appears in the stored config.
    expect(JSON.stringify(connections.map((connection) => connection.config))).not.toContain(
      amazon.credentials().refreshToken,
    );
    // One scheduler per connection and stream, however often one connects.
    const schedulers = await getQueue("sync").getJobSchedulers(0, -1);
    const expectedSchedulers = connections.reduce(
      (sum, connection) => sum + adapterFor(connection.channel).connector.supportedStreams.length,
      0,
    );
    expect(schedulers).toHaveLength(expectedSchedulers);

    const clocks = { amazon: amazon.clock, bestbuy: bestbuy.clock, shopify: shopify.clock };
    for (const connection of connections) {
      const adapter = adapterFor(connection.channel);
      const summaries = await syncConnection(connection, adapter, {
        clock: clocks[connection.channel],
        httpOverrides: { timeoutMs: 2_000 },
      });
      for (const summary of summaries) {
        expect(summary.status, `${connection.channel}.${summary.stream}: ${summary.message}`).toBe("succeeded");
      }
    }

    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const imports = shopify.marketplaceImports();
    expect(imports.length).toBeGreaterThan(0);
    const copies = await prisma.order.count({ where: { shopId: shop.id, channel: "shopify", importedFrom: "amazon" } });
    expect(copies).toBe(imports.length);

    const report = await salesReport(shop, "2026-01-01", "2026-12-31");
    const byChannel = (channel: string) =>
      report.channels.filter((row) => row.channel === channel).reduce((sum, row) => sum + row.orders, 0);
    const counted = async (channel: "amazon" | "bestbuy" | "shopify") =>
      prisma.order.count({
        where: {
          shopId: shop.id,
          channel,
          status: { not: "cancelled" },
          lines: { some: { cancelled: false } },
          ...(channel === "shopify"
            ? { OR: [{ importedFrom: null }, { importedFrom: { notIn: ["amazon", "bestbuy"] } }] }
            : {}),
        },
      });
    expect(byChannel("amazon")).toBe(await counted("amazon"));
    expect(byChannel("bestbuy")).toBe(await counted("bestbuy"));
    // Marketplace Connect copies of Amazon orders count once, under Amazon, not again under Shopify.
    expect(byChannel("shopify")).toBe(await counted("shopify"));
    const countedShopify = {
      shopId: shop.id,
      channel: "shopify" as const,
      status: { not: "cancelled" },
      lines: { some: { cancelled: false } },
    };
    const countedCopies = await prisma.order.count({ where: { ...countedShopify, importedFrom: "amazon" } });
    expect(countedCopies).toBeGreaterThan(0);
    expect(byChannel("shopify")).toBe((await prisma.order.count({ where: countedShopify })) - countedCopies);

    // Amazon's refunds come from Finances refund events: stored as refunds, not as fees.
    const amazonConnection = connections.find((connection) => connection.channel === "amazon")!;
    const refundedCharges = await prisma.feeEvent.count({
      where: { connectionId: amazonConnection.id, type: "refunded_charge" },
    });
    expect(refundedCharges).toBeGreaterThan(0);
    expect(await prisma.refund.count({ where: { connectionId: amazonConnection.id } })).toBeGreaterThan(0);

    // Mirakl cancellations are kept as their own rows, one per cancellation event.
    const expectedCancellations = (bestbuy.expectedRecords("orders") as Array<{ cancellations?: unknown[] }>).reduce(
      (sum, order) => sum + (order.cancellations?.length ?? 0),
      0,
    );
    expect(expectedCancellations).toBeGreaterThan(0);
    expect(await prisma.cancellation.count({ where: { shopId: shop.id } })).toBe(expectedCancellations);

    // The merchant sees the rule applied on the overview.
    const { shopOverview } = await import("#app/services/overview.server.ts");
    const overview = await shopOverview(shop);
    expect(overview.marketplaceImports).toEqual([{ marketplace: "amazon", orders: copies, countedUnder: "amazon" }]);

    // The master catalog comes from Shopify: every Amazon line matched a product by SKU.
    expect(await prisma.product.count({ where: { shopId: shop.id } })).toBeGreaterThan(0);

    const json = await cli("report", "--shop", SHOP, "--from", "2026-03-01", "--to", "2026-03-14", "--json");
    expect(json.code).toBe(0);
    const printed = JSON.parse(json.out) as { channels: Array<{ channel: string }>; total: { currency: string } };
    expect(new Set(printed.channels.map((row) => row.channel))).toEqual(new Set(["amazon", "bestbuy", "shopify"]));
    expect(printed.total.currency).toBe("USD");
  }, 180_000);

  it("refuses a settings file with a missing credential, names the field, and stores nothing", async () => {
    const { amazon } = await startChannels();
    await cli("shops", "add", "--shop", SHOP, "--timezone", "UTC", "--currency", "USD");
    const { refreshToken: _dropped, ...credentials } = amazon.credentials();
    const file = await settingsFile("amazon", { ...amazon.config(), ...credentials });
    const result = await cli("connect", "--shop", SHOP, "--channel", "amazon", "--config", file);
    expect(result.code).toBe(2);
    expect(result.err).toContain("credentials.refreshToken");
    expect(await prisma.channelConnection.count()).toBe(0);
  });
});

describe("SKUs that match no catalog product", () => {
  it("are listed for the merchant and can be mapped to a catalog product, which adds their COGS", async () => {
    const shop = await createShop("skus.myshopify.com", { timezone: "UTC", currency: "USD" });
    await prisma.product.create({
      data: { shopId: shop.id, sku: "MUG-BLUE", title: "Blue mug", unitCost: "3.00", costCurrency: "USD" },
    });
    const connection = await insertConnection({
      shopId: shop.id,
      channel: "amazon",
      accountId: "A",
      displayName: "Amazon",
    });
    await prisma.order.create({
      data: {
        shopId: shop.id,
        connectionId: connection.id,
        channel: "amazon",
        externalId: "111-1",
        status: "fulfilled",
        rawStatus: "SHIPPED",
        placedAt: new Date("2026-03-02T12:00:00Z"),
        channelUpdatedAt: new Date("2026-03-02T12:00:00Z"),
        currency: "USD",
        lines: {
          create: {
            shopId: shop.id,
            externalId: "1",
            sku: "MUG-BLUE-FBA",
            quantity: 2,
            unitPrice: "10.00",
            grossSales: "20.00",
            status: "fulfilled",
          },
        },
      },
    });
    const { refreshRollups } = await import("#app/services/rollups.server.ts");
    await refreshRollups(shop.id);

    const unmatched = await cli("skus", "unmatched", "--shop", shop.domain, "--json");
    expect(JSON.parse(unmatched.out)).toEqual([{ channel: "amazon", sku: "MUG-BLUE-FBA", rows: 1 }]);
    expect((await salesReport(shop, "2026-03-02", "2026-03-02")).total.cogs).toBe("0.00");

    const bad = await cli(
      "skus",
      "map",
      "--shop",
      shop.domain,
      "--channel",
      "amazon",
      "--sku",
      "MUG-BLUE-FBA",
      "--to",
      "NOPE",
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("NOPE is not one");

    const mapped = await cli(
      "skus",
      "map",
      "--shop",
      shop.domain,
      "--channel",
      "amazon",
      "--sku",
      "MUG-BLUE-FBA",
      "--to",
      "MUG-BLUE",
    );
    expect(mapped.code).toBe(0);
    expect(JSON.parse((await cli("skus", "unmatched", "--shop", shop.domain, "--json")).out)).toEqual([]);
    expect((await salesReport(shop, "2026-03-02", "2026-03-02")).total.cogs).toBe("6.00");
  });
});
