// `npm run demo` end to end, as a person runs it: the real command in a child process, the
// pages in Debian's Chromium, the numbers checked against `npm run cli -- report`.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

import type { Browser, Page } from "playwright-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cli, npmRun } from "../support/commands.ts";
import { DESKTOP_USER_AGENT, launchBrowser } from "../support/browser.ts";
import { alive, descendants, startDemo, type RunningDemo } from "../support/demo-server.ts";
import { freePort } from "../support/ports.ts";

const SHOP = "crosschannel-demo.myshopify.com";
// The overview names channels as a merchant says them (each connector's shortName).
const CHANNEL_NAMES: Record<string, string> = {
  shopify: "Shopify",
  amazon: "Amazon",
  bestbuy: "Best Buy",
};

let dataDir: string;
let demo: RunningDemo;
let browser: Browser;

beforeAll(async () => {
  await mkdir(resolve(".data"), { recursive: true });
  dataDir = await mkdtemp(join(resolve(".data"), "e2e-demo-"));
  browser = await launchBrowser();
  demo = await startDemo({ dataDir, args: ["--order-every", "2"] });
}, 330_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const pageErrors: string[] = [];

async function overview(path = "/app"): Promise<Page> {
  const page = await browser.newPage({ userAgent: DESKTOP_USER_AGENT });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  const response = await page.goto(`${demo.url}${path}`);
  expect(response?.status()).toBe(200);
  await page.getByRole("heading", { name: "Sales by channel", exact: true }).waitFor();
  return page;
}

/** The "Sales by channel" table (Polaris draws a fixed first column as a table of its own: the last is the whole one). */
const channelTable = (page: Page) => page.locator("#sales-by-channel table").last();

/** The channel table as shown: channel name → its cells. */
async function tableRows(page: Page): Promise<Map<string, string[]>> {
  const rows = await channelTable(page)
    .locator("tbody tr")
    .evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll("th, td")).map((cell) => (cell.textContent ?? "").trim())),
    );
  return new Map(rows.map((cells) => [cells[0] ?? "", cells.slice(1)]));
}

const usd = (amount: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", currencyDisplay: "narrowSymbol" }).format(
    Number(amount),
  );
const count = (value: number) => new Intl.NumberFormat("en-US").format(value);

function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

interface CliReport {
  channels: Array<{ channel: string; currency: string; orders: number; units: number; netSales: string }>;
  total: { orders: number; units: number; netSales: string; contributionProfit: string };
}

describe("npm run demo", () => {
  it("opens on the demo shop's overview, with every channel's last 30 days in the shop's currency", async () => {
    const page = await overview("/");
    expect(new URL(page.url()).pathname).toBe("/app");
    const rows = await tableRows(page);
    for (const name of Object.values(CHANNEL_NAMES)) {
      expect(rows.has(name), `${name} in ${[...rows.keys()].join(", ")}`).toBe(true);
      expect(Number((rows.get(name)?.[0] ?? "0").replaceAll(",", ""))).toBeGreaterThan(0);
    }
    expect(await page.getByText("Reporting in USD, days in America/New_York").count()).toBe(1);
    expect(await page.getByText("Your sales history is still importing").count()).toBeLessThanOrEqual(1);
    // Standalone serves one shop, whatever shop the URL names.
    const other = await browser.newPage({ userAgent: DESKTOP_USER_AGENT });
    await other.goto(`${demo.url}/app?shop=someone-else.myshopify.com`);
    expect(await other.getByText("crosschannel-demo", { exact: false }).count()).toBeGreaterThan(0);
    expect(await other.getByText("someone-else").count()).toBe(0);
    await other.close();
    await page.screenshot({ path: "test-results/demo-overview.png", fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.screenshot({ path: "test-results/demo-overview-375.png", fullPage: true });
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it("shows the same figures as npm run cli -- report, channel by channel", async () => {
    // Closed days (up to yesterday) so the live orders of today do not move the numbers.
    const today = new Date().toLocaleDateString("en-CA", { timeZone: "America/New_York" });
    const to = daysBefore(today, 1);
    const from = daysBefore(to, 29);
    let matched = false;
    let last = "";
    // A late status change (an Amazon order leaving "pending") can land between the two reads: retry.
    for (let attempt = 0; attempt < 3 && !matched; attempt += 1) {
      const page = await overview(`/app?from=${from}&to=${to}`);
      const rows = await tableRows(page);
      const totals = await channelTable(page).locator("tfoot tr").last().innerText();
      const native = await page.locator("#native-bestbuy-CAD").innerText();
      const report = await cli(["report", "--shop", SHOP, "--from", from, "--to", to, "--json"], {
        env: { CROSSCHANNEL_DATA_DIR: dataDir },
      });
      expect(report.code, report.stderr).toBe(0);
      const json = JSON.parse(report.stdout) as CliReport;
      const problems: string[] = [];
      // The command prints a row per channel and currency; the page a row per channel.
      const byChannel = new Map<string, { orders: number; units: number }>();
      for (const row of json.channels) {
        const sum = byChannel.get(row.channel) ?? { orders: 0, units: 0 };
        byChannel.set(row.channel, { orders: sum.orders + row.orders, units: sum.units + row.units });
      }
      for (const [channel, sum] of byChannel) {
        const cells = rows.get(CHANNEL_NAMES[channel] ?? channel);
        if (!cells) {
          problems.push(`no row for ${channel}`);
          continue;
        }
        if (cells[0] !== count(sum.orders)) problems.push(`${channel} orders ${cells[0]} vs ${sum.orders}`);
        if (cells[1] !== count(sum.units)) problems.push(`${channel} units ${cells[1]} vs ${sum.units}`);
      }
      for (const row of json.channels) {
        const cells = rows.get(CHANNEL_NAMES[row.channel] ?? row.channel);
        if (row.channel !== "bestbuy" && row.currency === "USD" && cells && cells[2] !== usd(row.netSales)) {
          problems.push(`${row.channel} net sales ${cells[2]} vs ${row.netSales}`);
        }
        if (row.currency === "CAD") {
          const cad = new Intl.NumberFormat("en-US", {
            style: "currency",
            currency: "CAD",
            currencyDisplay: "narrowSymbol",
          }).format(Number(row.netSales));
          if (!native.includes(cad)) problems.push(`bestbuy native ${native} vs ${cad}`);
        }
      }
      if (!totals.includes(usd(json.total.netSales))) problems.push(`total ${totals} vs ${json.total.netSales}`);
      if (!totals.includes(usd(json.total.contributionProfit))) {
        problems.push(`total profit ${totals} vs ${json.total.contributionProfit}`);
      }
      if (byChannel.size !== 3) problems.push(`channels in the report: ${[...byChannel.keys()].join(", ")}`);
      matched = problems.length === 0;
      last = problems.join("; ");
      await page.close();
    }
    expect(last).toBe("");
    expect(matched).toBe(true);
  }, 120_000);

  it("shows a new order within 60 s, without a reload", async () => {
    const page = await overview("/app");
    const totalOrders = async () => {
      const text = await channelTable(page).locator("tfoot tr").last().innerText();
      return Number(/^\s*\S*\s+([\d,]+)/.exec(text.replace("Total", "Total "))?.[1]?.replaceAll(",", "") ?? "0");
    };
    const before = await totalOrders();
    expect(before).toBeGreaterThan(0);
    const started = Date.now();
    await expect.poll(totalOrders, { timeout: 65_000, interval: 2_000 }).toBeGreaterThan(before);
    expect(Date.now() - started).toBeLessThan(65_000);
    await page.close();
  }, 90_000);

  it("stops on Ctrl-C within 15 s leaving no process, and a restart keeps every order without importing again", async () => {
    const database = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await database.connect();
    try {
      const orders = async () =>
        Number((await database.query<{ n: string }>(`select count(*) as n from "Order"`)).rows[0]?.n ?? 0);
      const tree = demo.processTree();
      expect(tree.length).toBeGreaterThan(3); // npm, the demo, worker, app, PostgreSQL
      const signalled = Date.now();
      await demo.stop("SIGINT");
      // Every process of the tree is gone within 15 s of Ctrl-C.
      await expect
        .poll(() => tree.filter(alive), { timeout: Math.max(1_000, 15_000 - (Date.now() - signalled)), interval: 200 })
        .toEqual([]);
      expect(Date.now() - signalled).toBeLessThan(15_000);
      const before = await orders();
      expect(before).toBeGreaterThan(1_000);
      const restartedAt = new Date();

      demo = await startDemo({ dataDir, port: demo.port, args: ["--order-every", "2"], readyWithinMs: 180_000 });
      expect(demo.output()).toContain("catching up");
      expect(await orders()).toBeGreaterThanOrEqual(before);
      // No second backfill: what the runs after the restart wrote is a small catch-up.
      const rewritten = await database.query<{ n: string }>(
        `select coalesce(sum("recordsWritten"), 0) as n from "SyncRun" where stream = 'orders' and "startedAt" >= $1`,
        [restartedAt],
      );
      expect(Number(rewritten.rows[0]?.n ?? 0)).toBeLessThan(before * 0.1);
    } finally {
      await database.end();
    }
  }, 260_000);
});

describe("npm run demo refuses what it cannot do", () => {
  it("refuses NODE_ENV=production and a port that is taken, with one line saying what to do", async () => {
    const production = await npmRun("demo", [], { env: { NODE_ENV: "production", CROSSCHANNEL_DATA_DIR: dataDir } });
    expect(production.code).toBe(1);
    expect(production.stderr).toContain("refuses NODE_ENV=production");
    // Another program holds the port.
    const holder = createServer((socket) => socket.destroy());
    await new Promise<void>((done) => holder.listen(0, "127.0.0.1", done));
    const port = (holder.address() as { port: number }).port;
    try {
      const taken = await npmRun("demo", [], {
        env: { NODE_ENV: "development", PORT: String(port), CROSSCHANNEL_DATA_DIR: dataDir },
        timeoutMs: 30_000,
      });
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain(`Port ${port} is in use`);
    } finally {
      await new Promise((done) => holder.close(done));
    }
  }, 60_000);
});

describe("npm run build and npm start, as typed", () => {
  it("builds the app, and serves it in production (migrations first) until SIGTERM", async () => {
    const build = await npmRun("build", [], { timeoutMs: 240_000 });
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout).toMatch(/built in/);

    const port = await freePort();
    const child = spawn("npm", ["run", "--silent", "start"], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      await expect.poll(() => output, { timeout: 60_000, interval: 250 }).toMatch(/\[remix-serve\] http/);
      const landing = await fetch(`http://127.0.0.1:${port}/`, { headers: { "user-agent": DESKTOP_USER_AGENT } });
      expect(landing.status).toBe(200);
      expect(await landing.text()).toContain("Crosschannel");
    } finally {
      // As a terminal's Ctrl-C or a process manager's stop of the group: every process of the tree.
      for (const pid of child.pid ? [child.pid, ...descendants(child.pid)] : []) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // gone
        }
      }
    }
    await exited;
    // Stopped: nothing answers on its port any more.
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  }, 320_000);
});

describe("npm run demo -- --reset", () => {
  it("starts over from nothing: the demo shop's data and the simulators' state are gone, the import begins again", async () => {
    await demo.stop("SIGINT");
    const port = await freePort();
    const child = spawn("npm", ["run", "--silent", "demo", "--", "--reset"], {
      env: { ...process.env, NODE_ENV: "development", PORT: String(port), CROSSCHANNEL_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const tree = () => (child.pid ? [child.pid, ...descendants(child.pid)] : []);
    await expect.poll(() => output, { timeout: 120_000, interval: 500 }).toContain("importing 12 months of history");
    expect(output).toContain("Reset: the demo shop's data and the simulators' state are deleted.");
    expect(output).not.toContain("resuming from the stored checkpoints");
    // Ctrl-C reaches the whole foreground group.
    const pids = tree();
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGINT");
      } catch {
        // gone
      }
    }
    await expect.poll(() => pids.filter(alive), { timeout: 15_000, interval: 200 }).toEqual([]);
    expect(output).toContain("Stopped. `npm run demo` resumes from here");
  }, 180_000);
});
