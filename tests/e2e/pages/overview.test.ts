// The overview's period tiles and the "Why numbers differ" page on the running demo (read only).
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { cli } from "../../support/commands.ts";
import { launchBrowser } from "../../support/browser.ts";
import { openPage, screenshots } from "../../support/pages.ts";

const demo = inject("demo");
const SHOP = "crosschannel-demo.myshopify.com";
const TZ = "America/New_York";
let browser: Browser;

const usd = (amount: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(Number(amount));

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function shopToday(): string {
  return new Date().toLocaleDateString("en-CA", { timeZone: TZ });
}

function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

interface ReportFigures {
  grossSales: string;
  discounts: string;
  returns: string;
  netSales: string;
  fees: string;
  cogs: string;
  contributionProfit: string;
}

async function report(from: string, to: string) {
  const result = await cli(["report", "--shop", SHOP, "--from", from, "--to", to, "--json"], {
    env: { DATABASE_URL: demo.databaseUrl, CROSSCHANNEL_DATA_DIR: demo.dataDir },
  });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as {
    total: ReportFigures;
    channels: Array<ReportFigures & { channel: string; currency: string }>;
  };
}

/** The profit bridge as shown: one row per step, one cell per column. */
async function bridge(page: Page): Promise<string[][]> {
  return page
    .locator("#profit-bridge table")
    .last()
    .evaluate((table) =>
      [...table.querySelectorAll("tr")].map((row) => [...row.children].map((cell) => cell.textContent ?? "")),
    );
}

/** The bridge column a report row should produce, formatted as the page formats it. */
function bridgeColumn(figures: ReportFigures): string[] {
  const minus = (amount: string) => (Number(amount) === 0 ? usd("0") : usd(String(-Number(amount))));
  return [
    usd(figures.grossSales),
    minus(figures.discounts),
    minus(figures.returns),
    usd(figures.netSales),
    minus(figures.fees),
    minus(figures.cogs),
    usd(figures.contributionProfit),
  ];
}

function lastMonth(): { from: string; to: string } {
  const today = new Date().toLocaleDateString("en-CA", { timeZone: TZ });
  const first = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  const end = new Date(first.getTime() - 86_400_000);
  return { from: `${end.toISOString().slice(0, 7)}-01`, to: end.toISOString().slice(0, 10) };
}

describe("overview", () => {
  it("shows last month's net sales as npm run cli -- report does", async () => {
    const { from, to } = lastMonth();
    const report = await cli(["report", "--shop", SHOP, "--from", from, "--to", to, "--json"], {
      env: { DATABASE_URL: demo.databaseUrl, CROSSCHANNEL_DATA_DIR: demo.dataDir },
    });
    expect(report.code, report.stderr).toBe(0);
    const json = JSON.parse(report.stdout) as { total: { netSales: string } };
    const { page, errors } = await openPage(browser, `${demo.url}/app`);
    await expect(page.locator("#tile-lastMonth-net").innerText()).resolves.toBe(usd(json.total.netSales));
    await screenshots(page, "overview");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the profit bridge of a chosen range and channel as npm run cli -- report does", async () => {
    // Closed days a week back, so the live orders of today do not move the numbers.
    const to = daysBefore(shopToday(), 8);
    const from = daysBefore(to, 29);
    const { page, errors } = await openPage(browser, `${demo.url}/app?from=${from}&to=${to}`);
    const all = await report(from, to);
    const rows = await bridge(page);
    expect(rows.map((row) => row[0])).toEqual([
      "",
      "Gross sales",
      "Discounts",
      "Returns",
      "Net sales",
      "Fees",
      "COGS",
      "Contribution profit",
    ]);
    expect(rows[0]!.at(-1)).toBe("All channels");
    expect(rows.slice(1).map((row) => row.at(-1))).toEqual(bridgeColumn(all.total));

    // Choosing Amazon in the channel filter narrows the bridge to Amazon (reported in USD).
    await page.locator("#range-channel").selectOption("amazon");
    await page.waitForURL((url) => url.searchParams.get("channel") === "amazon");
    await expect.poll(async () => (await bridge(page))[0]).toEqual(["", "Amazon"]);
    const amazon = all.channels.find((row) => row.channel === "amazon")!;
    expect(amazon.currency).toBe("USD");
    expect((await bridge(page)).slice(1).map((row) => row[1])).toEqual(bridgeColumn(amazon));
    expect(new URL(page.url()).searchParams.get("from")).toBe(from);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("changes the range, the comparison and the products from the picker, keeping them in the URL", async () => {
    const { page, errors } = await openPage(browser, `${demo.url}/app`);
    await expect.poll(() => page.locator("#range-preset").inputValue()).toBe("last30");
    const topBefore = await page.locator("#top-products tr").allInnerTexts();
    const netBefore = (await bridge(page))[4]!.at(-1);

    await page.locator("#range-preset").selectOption("last7");
    await page.waitForURL((url) => url.searchParams.get("from") === daysBefore(shopToday(), 6));
    expect(new URL(page.url()).searchParams.get("to")).toBe(shopToday());
    await expect.poll(async () => (await bridge(page))[4]!.at(-1)).not.toBe(netBefore);
    await expect.poll(() => page.locator("#top-products tr").allInnerTexts()).not.toEqual(topBefore);

    await page.locator("#range-compare").selectOption("none");
    await page.waitForURL((url) => url.searchParams.get("compare") === "none");
    await expect.poll(() => page.locator("#range-preset").inputValue()).toBe("last7");

    // A range typed by hand, then Apply.
    const to = daysBefore(shopToday(), 3);
    const from = daysBefore(shopToday(), 12);
    await page.locator("#range-from").fill(from);
    await page.locator("#range-to").fill(to);
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL((url) => url.searchParams.get("from") === from && url.searchParams.get("to") === to);
    await expect.poll(() => page.locator("#range-preset").inputValue()).toBe("custom");
    await expect.poll(() => page.locator("#cogs-coverage").innerText()).toMatch(/^\d{1,3}(\.\d)?%$/);

    // A range the picker cannot show says why and falls back to the last 30 days.
    await page.goto(`${demo.url}/app?from=${to}&to=${from}`);
    await expect.poll(() => page.getByText("That date range cannot be shown").isVisible()).toBe(true);
    await expect.poll(() => page.locator("#range-preset").inputValue()).toBe("last30");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("lists what needs attention and each channel's freshness, linking to the pages that fix them", async () => {
    const { page, errors } = await openPage(browser, `${demo.url}/app`);
    await expect.poll(() => page.locator("[id^=attention-]").first().isVisible(), { timeout: 15_000 }).toBe(true);
    for (const channel of ["shopify", "amazon", "bestbuy"]) {
      await expect.poll(() => page.locator(`#fresh-${channel}`).innerText()).toMatch(/Fresh|Delayed|Stale/);
    }
    const stockouts = page.locator("#attention-stockouts a");
    if ((await stockouts.count()) > 0) {
      expect(await stockouts.getAttribute("href")).toBe("/app/inventory?bucket=out");
    }
    expect(await page.locator("#top-products a").first().getAttribute("href")).toMatch(/^\/app\/products\//);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("links to Why numbers differ, which shows this shop's counts", async () => {
    const { page, errors } = await openPage(browser, `${demo.url}/app`);
    await page.getByRole("link", { name: "Why numbers differ" }).click();
    await page.waitForURL((url) => url.pathname === "/app/help/numbers");
    for (const id of ["count-refund-day", "count-time-zone", "count-pending-amazon", "count-marketplace-copies"]) {
      await expect(page.locator(`#${id}`).innerText()).resolves.toMatch(/\d/);
    }
    await screenshots(page, "help-numbers");
    expect(errors).toEqual([]);
    await page.close();
  });
});
