// Every command of `npm run cli -- help`, typed as a person types it: `npm run cli -- …` in a
// child process, against this test's database, with output and exit code checked for a good
// and a bad input each. (The in-process tests in app/cli/run.test.ts cannot see an import
// deadlock or an exit code; these can.)
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { BestBuySimulator } from "@crosschannel/connector-bestbuy/simulator";
import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { ShopifySimulator } from "@crosschannel/connector-shopify/simulator";
import { AmazonSimulator } from "@crosschannel/connector-amazon/simulator";
import { systemClock } from "@crosschannel/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { USAGE } from "#app/cli/usage.ts";
import { cli } from "#tests/support/commands.ts";

const SHOP = "typed-cli.myshopify.com";
let directory: string;
let bestbuy: BestBuySimulator;
let shopify: ShopifySimulator;

async function file(name: string, content: unknown): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "crosschannel-cli-"));
  const merchant = new MerchantDataset({ seed: "typed", start: "2026-03-01", days: 7, skus: 8, ordersPerDay: 6 });
  bestbuy = new BestBuySimulator({ merchant });
  shopify = new ShopifySimulator({ merchant, shopDomain: SHOP });
  await bestbuy.start();
  await shopify.start();
});

afterAll(async () => {
  await bestbuy?.close();
  await shopify?.close();
});

/** The shop as `shops add` leaves it (each test starts from empty tables). */
async function addShop() {
  const { addLocalShop } = await import("#app/services/shops.server.ts");
  return addLocalShop({ shop: SHOP, timezone: "America/New_York", currency: "USD" });
}

describe("npm run cli, as typed", () => {
  it("help prints every command and exits 0; no command prints usage and exits 2", async () => {
    const help = await cli(["help"]);
    expect(help.code).toBe(0);
    expect(help.stdout.trim()).toBe(USAGE);
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain("Usage: npm run cli -- <command> [flags]");
  });

  it("an unknown command or flag exits 2 and says which", async () => {
    const unknown = await cli(["sell-everything"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command: sell-everything");
    const flag = await cli(["shops", "list", "--colour"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("shops list: Unknown option '--colour'");
  });

  it("migrate applies migrations and says so", async () => {
    const result = await cli(["migrate"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Database is up to date.");
  }, 90_000);

  it("shops add stores a shop; a bad time zone exits 2 and stores nothing", async () => {
    const bad = await cli(["shops", "add", "--shop", SHOP, "--timezone", "Mars/Olympus", "--currency", "USD"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--timezone must be an IANA time zone such as "America/Toronto"');
    expect(await prisma.shop.count()).toBe(0);

    const good = await cli(["shops", "add", "--shop", SHOP, "--timezone", "America/New_York", "--currency", "USD"]);
    expect(good.stderr).toBe("");
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(SHOP);
    expect(await prisma.shop.count({ where: { domain: SHOP } })).toBe(1);
  });

  it("shops list prints the shop, as text and JSON", async () => {
    await addShop();
    const text = await cli(["shops", "list"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(SHOP);
    const json = await cli(["shops", "list", "--json"]);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as Array<{ domain: string }>).map((shop) => shop.domain)).toEqual([SHOP]);
  });

  it("connect checks the settings with the channel and stores them; bad settings exit 2 and store nothing", async () => {
    await addShop();
    const missing = await cli([
      "connect",
      "--shop",
      SHOP,
      "--channel",
      "bestbuy",
      "--config",
      join(directory, "no.json"),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--config: cannot read");

    const wrongKey = await file("bestbuy-wrong.json", {
      ...bestbuy.config(),
      apiKey: "00000000-0000-4000-8000-000000000000",
    });
    const refused = await cli(["connect", "--shop", SHOP, "--channel", "bestbuy", "--config", wrongKey]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refused the connection/);
    expect(await prisma.channelConnection.count()).toBe(0);

    const good = await file("bestbuy.json", { ...bestbuy.config(), ...bestbuy.credentials() });
    const connected = await cli(["connect", "--shop", SHOP, "--channel", "bestbuy", "--config", good]);
    expect(connected.stderr).toBe("");
    expect(connected.code).toBe(0);
    expect(connected.stdout).toMatch(/^Connected Best Buy Marketplace/);
    expect(connected.stdout).toContain(`npm run cli -- sync --shop ${SHOP} --channel bestbuy`);

    const shopifySettings = await file("shopify.json", {
      accessToken: shopify.credentials().accessToken,
      adminApiBaseUrl: shopify.config().adminApiBaseUrl,
    });
    const own = await cli(["connect", "--shop", SHOP, "--channel", "shopify", "--config", shopifySettings]);
    expect(own.stderr).toBe("");
    expect(own.code).toBe(0);
    expect((await prisma.channelConnection.findMany()).map((row) => row.channel).sort()).toEqual([
      "bestbuy",
      "shopify",
    ]);
  }, 60_000);

  it("sync refuses a channel the shop has not connected", async () => {
    await addShop();
    const result = await cli(["sync", "--shop", SHOP, "--channel", "amazon"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${SHOP} has no amazon connection to sync`);
  });

  it("report prints the table and JSON for a range; an impossible day exits 2", async () => {
    await addShop();
    const table = await cli(["report", "--shop", SHOP, "--from", "2026-03-01", "--to", "2026-03-07"]);
    expect(table.stderr).toBe("");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/net sales/i);
    const json = await cli(["report", "--shop", SHOP, "--from", "2026-03-01", "--to", "2026-03-07", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ from: "2026-03-01", to: "2026-03-07" });
    const bad = await cli(["report", "--shop", SHOP, "--from", "2026-02-30", "--to", "2026-03-07"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--from must be a calendar day YYYY-MM-DD");
  });

  it("skus unmatched lists nothing yet; skus map names what is missing", async () => {
    await addShop();
    const unmatched = await cli(["skus", "unmatched", "--shop", SHOP, "--json"]);
    expect(unmatched.code).toBe(0);
    expect(JSON.parse(unmatched.stdout)).toEqual([]);
    const bad = await cli(["skus", "map", "--shop", SHOP, "--channel", "bestbuy", "--sku", "BB-1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--to must be the catalog SKU it is.");
  });

  it("fx set stores a manual rate; a bad rate exits 2", async () => {
    await addShop();
    const args = ["fx", "set", "--shop", SHOP, "--day", "2026-03-02", "--base", "CAD", "--quote", "USD"];
    const good = await cli([...args, "--rate", "0.7311"]);
    expect(good.stderr).toBe("");
    expect(good.code).toBe(0);
    expect(good.stdout).toContain("1 CAD = 0.7311000000 USD on 2026-03-02 (manual).");
    const bad = await cli([...args, "--rate", "seven"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--rate must be a positive decimal number such as "1.3652"; got "seven".');
  });

  it("fx import reads an ECB file; a file that is not one exits 2 naming the problem", async () => {
    await addShop();
    const csv = await file(
      "eurofxref-hist.csv",
      "Date,USD,CAD,\n2026-03-03,1.1000,1.5000,\n2026-03-02,1.0921,1.4892,\n",
    );
    const good = await cli(["fx", "import", "--shop", SHOP, "--file", csv]);
    expect(good.stderr).toBe("");
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/reference rates from 2 days \(2026-03-02 to 2026-03-03\)/);
    const missing = await cli(["fx", "import", "--shop", SHOP, "--file", join(directory, "nothing.csv")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--file: cannot read");
  });

  it("credentials reencrypt rewrites every connection with the current key", async () => {
    await addShop();
    // A simulator of its own: the shared one's frozen clock never refills its A01 bucket.
    const own = new BestBuySimulator({ merchant: new MerchantDataset({ seed: "keys", start: "2026-03-01", days: 3 }) });
    await own.start();
    try {
      const connected = await cli([
        "connect",
        "--shop",
        SHOP,
        "--channel",
        "bestbuy",
        "--config",
        await file("bestbuy-keys.json", { ...own.config(), ...own.credentials() }),
      ]);
      expect(connected.code, connected.stderr).toBe(0);
      const result = await cli(["credentials", "reencrypt"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /^1 connections: \d re-encrypted with the current key, \d already current, 0 unreadable\./,
      );
      expect(result.stdout).toContain("the previous keys can be removed");
    } finally {
      await own.close();
    }
  });

  it("a shop that does not exist gets what to do", async () => {
    const result = await cli([
      "report",
      "--shop",
      "nobody.myshopify.com",
      "--from",
      "2026-03-01",
      "--to",
      "2026-03-02",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("No shop nobody.myshopify.com here");
    expect(result.stderr).toContain("npm run cli -- shops add --shop nobody.myshopify.com");
  });
});

describe("npm run cli against the channel simulators on the wall clock", () => {
  const start = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
  let merchant: MerchantDataset;
  let amazon: AmazonSimulator;
  let wallBestbuy: BestBuySimulator;
  let wallShopify: ShopifySimulator;

  beforeAll(async () => {
    merchant = new MerchantDataset({ seed: "wall", start, days: 22, skus: 8, ordersPerDay: 6 });
    amazon = new AmazonSimulator({ merchant, clock: systemClock, backfillMonths: 1, reportProcessingMs: 1_000 });
    wallBestbuy = new BestBuySimulator({ merchant, clock: systemClock, exportDelayMs: 1_000 });
    wallShopify = new ShopifySimulator({ merchant, clock: systemClock, shopDomain: SHOP });
    for (const simulator of [amazon, wallBestbuy, wallShopify]) await simulator.start();
  });

  afterAll(async () => {
    await Promise.all([amazon?.close(), wallBestbuy?.close(), wallShopify?.close()]);
  });

  it("connect passes each channel's check as against the channel itself", async () => {
    await addShop();
    const settings = {
      amazon: { ...amazon.config(), ...amazon.credentials() },
      bestbuy: { ...wallBestbuy.config(), offersSource: "list", ...wallBestbuy.credentials() },
      shopify: {
        accessToken: wallShopify.credentials().accessToken,
        adminApiBaseUrl: wallShopify.config().adminApiBaseUrl,
      },
    };
    for (const channel of ["amazon", "bestbuy", "shopify"] as const) {
      const result = await cli([
        "connect",
        "--shop",
        SHOP,
        "--channel",
        channel,
        "--config",
        await file(`${channel}-wall.json`, settings[channel]),
      ]);
      expect(result.stderr, channel).toBe("");
      expect(result.code, channel).toBe(0);
      expect(result.stdout).toMatch(/^Connected /);
    }
    expect(await prisma.channelConnection.count()).toBe(3);
  }, 60_000);

  it("sync reads every stream, prints its progress and counts, and exits 0; a revoked key exits 1 saying why", async () => {
    await addShop();
    const settings = { ...wallBestbuy.config(), offersSource: "list", backfillMonths: 1, ...wallBestbuy.credentials() };
    const connect = await cli([
      "connect",
      "--shop",
      SHOP,
      "--channel",
      "bestbuy",
      "--config",
      await file("bb-sync.json", settings),
    ]);
    expect(connect.code, connect.stderr).toBe(0);

    const synced = await cli(["sync", "--shop", SHOP, "--channel", "bestbuy"], { env: { CLI_PROGRESS_EVERY_MS: "0" } });
    expect(synced.stderr).toBe("");
    expect(synced.code).toBe(0);
    expect(synced.stdout).toContain("Best Buy Marketplace");
    expect(synced.stdout).toMatch(/orders\s+… [\d,]+ records so far/);
    expect(synced.stdout).toMatch(/orders\s+succeeded\s+\d+ records/);
    const stored = await prisma.order.count();
    expect(stored).toBeGreaterThan(0);
    expect(synced.stdout).toContain(`${stored} records`);

    wallBestbuy.server.revokeCredentials();
    try {
      const refused = await cli(["sync", "--shop", SHOP, "--channel", "bestbuy"]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/orders\s+failed/);
      expect(await prisma.order.count()).toBe(stored);
    } finally {
      wallBestbuy.server.restoreCredentials();
    }
  }, 90_000);
});
