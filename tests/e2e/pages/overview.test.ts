// The overview's period tiles and the "Why numbers differ" page on the running demo (read only).
import type { Browser } from "playwright-core";
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
