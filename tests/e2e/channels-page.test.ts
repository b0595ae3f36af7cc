// The Channels page on a demo of its own (`npm run demo` as a person types it), in Chromium:
// every channel with its status, the Best Buy form refusing a bad key (nothing stored), pause
// and resume, and a confirmed disconnect that `npm run cli -- report` no longer counts.
import { readFile } from "node:fs/promises";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join, resolve } from "node:path";

import type { Browser, Page } from "playwright-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cli } from "../support/commands.ts";
import { launchBrowser } from "../support/browser.ts";
import { startDemo, type RunningDemo } from "../support/demo-server.ts";
import { openPage, screenshots } from "../support/pages.ts";

const SHOP = "crosschannel-demo.myshopify.com";

let dataDir: string;
let demo: RunningDemo;
let browser: Browser;
let database: pg.Client;
const errors: string[] = [];

beforeAll(async () => {
  await mkdir(resolve(".data"), { recursive: true });
  dataDir = await mkdtemp(join(resolve(".data"), "e2e-channels-"));
  browser = await launchBrowser();
  demo = await startDemo({ dataDir });
  database = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await database.connect();
}, 330_000);

afterAll(async () => {
  await database?.end();
  await browser?.close();
  await demo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** What the demo remembers in its data directory: the simulators' ports and credentials. */
async function demoState(): Promise<{ ports: { bestbuy: number }; secrets: { bestbuyApiKey: string } }> {
  return JSON.parse(await readFile(join(dataDir, "demo", "state.json"), "utf8"));
}

async function channelsPage(): Promise<Page> {
  const opened = await openPage(browser, `${demo.url}/app/channels`);
  opened.page.on("pageerror", (error) => errors.push(error.message));
  opened.page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  errors.push(...opened.errors);
  await opened.page.getByRole("heading", { name: "Channels", level: 1 }).waitFor();
  return opened.page;
}

const status = (page: Page, channel: string) => page.getByTestId(`status-${channel}`).innerText();

/** The card (Polaris Card) that holds a channel's status badge. */
const card = (page: Page, channel: string) =>
  page.locator(".Polaris-ShadowBevel").filter({ has: page.getByTestId(`status-${channel}`) });

async function connection(channel: string) {
  const result = await database.query<{
    id: string;
    status: string;
    credentials: Buffer;
    config: { baseUrl?: string };
  }>(
    `select c.id, c.status, c.credentials, c.config from "ChannelConnection" c join "Shop" s on s.id = c."shopId"
     where s.domain = $1 and c.channel = $2`,
    [SHOP, channel],
  );
  return result.rows;
}

function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

async function reportChannels(): Promise<Map<string, number>> {
  const today = new Date().toLocaleDateString("en-CA", { timeZone: "America/New_York" });
  const report = await cli(["report", "--shop", SHOP, "--from", daysBefore(today, 89), "--to", today, "--json"], {
    env: { CROSSCHANNEL_DATA_DIR: dataDir },
  });
  expect(report.code, report.stderr).toBe(0);
  const json = JSON.parse(report.stdout) as { channels: Array<{ channel: string; orders: number }> };
  const orders = new Map<string, number>();
  for (const row of json.channels) orders.set(row.channel, (orders.get(row.channel) ?? 0) + row.orders);
  return orders;
}

describe("the Channels page", () => {
  it("lists every connected channel with its status in words, streams and runs", async () => {
    const page = await channelsPage();
    for (const [channel, name] of [
      ["shopify", "Shopify"],
      ["amazon", "Amazon"],
      ["bestbuy", "Best Buy Marketplace"],
    ] as const) {
      await expect.poll(() => status(page, channel), { timeout: 30_000 }).toMatch(/Connected|Syncing/);
      expect(await card(page, channel).getByRole("heading", { name, level: 2 }).count()).toBe(1);
      expect(await card(page, channel).getByText("Run history").count()).toBe(1);
      // The streams table: orders with its last sync.
      expect(await card(page, channel).locator("table").first().innerText()).toContain("orders");
    }
    expect(await card(page, "shopify").getByText("Connected with an Admin API access token").count()).toBe(1);
    // Nothing left to connect: no "Not connected" card.
    expect(await page.getByText("Not connected").count()).toBe(0);
    await screenshots(page, "channels");
    await page.close();
    expect(errors).toEqual([]);
  });

  it("refuses a bad Best Buy key on its field and stores nothing", async () => {
    const state = await demoState();
    const [before] = await connection("bestbuy");
    expect(before?.config.baseUrl).toBe(`http://127.0.0.1:${state.ports.bestbuy}`);
    const saved = async () =>
      Number(
        (await database.query<{ n: string }>(`select count(*) as n from "AuditLog" where action = 'connection.saved'`))
          .rows[0]?.n,
      );
    const savedBefore = await saved();

    const opened = await openPage(browser, `${demo.url}/app/channels/bestbuy`);
    const page = opened.page;
    await page.getByLabel("Instance URL").fill(`http://127.0.0.1:${state.ports.bestbuy}`);
    const wrongKey = "ffffffff-0000-4000-8000-000000000000";
    expect(wrongKey).not.toBe(state.secrets.bestbuyApiKey);
    await page.getByLabel("Shop API key").fill(wrongKey);
    await page.getByRole("button", { name: "Check and connect" }).click();
    const fieldError = page.locator("#apiKeyError");
    await expect.poll(() => fieldError.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await fieldError.innerText()).toMatch(/Best Buy rejected the API key \(HTTP 401\)/);
    // Still on the form, the URL kept, the key not sent back.
    expect(new URL(page.url()).pathname).toBe("/app/channels/bestbuy");
    expect(await page.getByLabel("Instance URL").inputValue()).toBe(`http://127.0.0.1:${state.ports.bestbuy}`);
    expect(await page.getByLabel("Shop API key").inputValue()).toBe("");
    expect(await page.locator("#instanceUrlError").count()).toBe(0);

    // An empty key is refused before anything is asked of Best Buy.
    await page.getByRole("button", { name: "Check and connect" }).click();
    await expect.poll(() => fieldError.innerText(), { timeout: 15_000 }).toMatch(/^Enter the shop API key/);

    const [after] = await connection("bestbuy");
    expect(after?.id).toBe(before?.id);
    expect(Buffer.compare(after!.credentials, before!.credentials)).toBe(0);
    expect(await saved()).toBe(savedBefore);
    await screenshots(page, "channels-bestbuy-form");
    await page.close();
    expect(opened.errors).toEqual([]);
  });

  it("pause, then resume, changes the status shown", async () => {
    const page = await channelsPage();
    const amazon = card(page, "amazon");
    await amazon.getByRole("button", { name: "Pause" }).click();
    await expect.poll(() => status(page, "amazon"), { timeout: 20_000 }).toMatch(/Paused/);
    await expect.poll(() => page.getByText("paused: no scheduled syncs until you resume it").isVisible()).toBe(true);
    expect((await connection("amazon"))[0]?.status).toBe("paused");
    expect(await amazon.getByRole("button", { name: "Sync now" }).isDisabled()).toBe(true);

    await amazon.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => status(page, "amazon"), { timeout: 20_000 }).not.toMatch(/Paused/);
    expect(await status(page, "amazon")).toMatch(/Connected|Syncing/);
    expect((await connection("amazon"))[0]?.status).toBe("active");
    await expect.poll(() => page.getByText("resumed: syncing on schedule again").isVisible()).toBe(true);
    await page.close();
    expect(errors).toEqual([]);
  });

  it("disconnects Best Buy after the confirmation: its orders leave npm run cli -- report", async () => {
    const before = await reportChannels();
    expect(before.get("bestbuy") ?? 0).toBeGreaterThan(0);
    const page = await channelsPage();
    const bestbuy = card(page, "bestbuy");
    await bestbuy.getByRole("button", { name: "Disconnect" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    const text = await dialog.innerText();
    expect(text).toMatch(/[\d,]+ orders, with their refunds, cancellations and fees/);
    expect(text).toMatch(/inventory levels/);
    expect(text).toMatch(/sync schedules of its 4 streams/);
    // Cancel keeps it.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await connection("bestbuy")).toHaveLength(1);

    await bestbuy.getByRole("button", { name: "Disconnect" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Disconnect and delete" }).click();
    await expect.poll(() => page.getByText(/disconnected: [\d,]+ orders/).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await connection("bestbuy")).toHaveLength(0);
    // The page offers Best Buy to connect again.
    await expect.poll(() => page.getByRole("link", { name: "Connect Best Buy Marketplace" }).isVisible()).toBe(true);
    expect(await page.getByTestId("status-bestbuy").count()).toBe(0);

    const after = await reportChannels();
    expect(after.has("bestbuy"), JSON.stringify([...after])).toBe(false);
    expect(after.get("amazon") ?? 0).toBeGreaterThan(0);
    await screenshots(page, "channels-after-disconnect");

    // Connect it again from its card, with the demo's valid key: back on the page with a toast.
    const state = await demoState();
    await page.getByRole("link", { name: "Connect Best Buy Marketplace" }).click();
    await page.getByLabel("Shop API key").waitFor();
    await page.getByLabel("Instance URL").fill(`http://127.0.0.1:${state.ports.bestbuy}`);
    await page.getByLabel("Shop API key").fill(state.secrets.bestbuyApiKey);
    await page.getByRole("button", { name: "Check and connect" }).click();
    // The check is one call to the simulator, which may be throttling the worker's syncs (429, Retry-After).
    await page.waitForURL((url) => url.pathname === "/app/channels", { timeout: 90_000 }).catch(() => undefined);
    expect(new URL(page.url()).pathname, await page.locator("body").innerText()).toBe("/app/channels");
    await expect.poll(() => page.getByText(/connected: its history is importing/).isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId("status-bestbuy").count()).toBe(1);
    expect(await connection("bestbuy")).toHaveLength(1);
    await page.close();
    expect(errors).toEqual([]);
  }, 240_000);
});
