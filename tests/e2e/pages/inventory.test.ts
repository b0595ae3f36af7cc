// The Inventory page on the running demo, in Chromium (read only): every SKU × channel with
// stock, the buckets as filters, sorting, the CSV as shown, and the overview's links into it.
import { readFile } from "node:fs/promises";

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { DEMO_SHOP, demoPageSuite } from "../../support/demo-engine.ts";
import { openPage, screenshots, tableTexts } from "../../support/pages.ts";

// Forecasts, alerts and anomalies come from the engine's first run, after the whole history is in.
const suite = demoPageSuite({ engine: true });
const SHOP = DEMO_SHOP;

async function tableRows(page: Page): Promise<string[][]> {
  return tableTexts(page, "#inventory-table table");
}

/** "Critical 12" → 12 */
async function bucketCount(page: Page, bucket: string): Promise<number> {
  const text = await page.locator(`#bucket-${bucket}`).innerText();
  return Number(text.replace(/[^\d]/g, ""));
}

describe("inventory page", () => {
  it("lists every SKU × channel with stock, and its buckets add up to it", async () => {
    const stocked = await suite.db.query<{ n: number }>(
      `select count(*)::int as n from (select distinct l.channel, l.sku from "InventoryLevel" l
         join "Shop" s on s.id = l."shopId" where s.domain = $1) x`,
      [SHOP],
    );
    const { page, errors } = await openPage(suite.browser, `${suite.url}/app/inventory`);
    await expect
      .poll(() => page.locator("#inventory-count").innerText())
      .toBe(`${new Intl.NumberFormat("en-US").format(stocked.rows[0]!.n)} SKUs by channel`);
    let sum = 0;
    for (const bucket of ["out", "critical", "low", "ok", "overstock"]) sum += await bucketCount(page, bucket);
    expect(sum).toBe(stocked.rows[0]!.n);
    // Sorted by days of cover, lowest first: stock-outs (0.0) lead.
    const rows = await tableRows(page);
    expect(rows).toHaveLength(Math.min(50, stocked.rows[0]!.n));
    const covers = rows.map((cells) => (cells[6] === "—" ? Infinity : Number(cells[6])));
    expect(covers.every((value, i) => i === 0 || covers[i - 1]! <= value)).toBe(true);
    await screenshots(page, "inventory");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("filters by bucket and channel, and exports exactly the filtered rows", async () => {
    const { page, errors } = await openPage(suite.browser, `${suite.url}/app/inventory`);
    const critical = await bucketCount(page, "critical");
    expect(critical).toBeGreaterThan(0);
    await page.locator("#bucket-critical").click();
    await page.waitForURL((url) => url.searchParams.get("bucket") === "critical");
    await expect.poll(async () => (await tableRows(page)).every((cells) => cells[2] === "Critical")).toBe(true);

    await page.locator("#inventory-channel").selectOption("amazon");
    await page.waitForURL((url) => url.searchParams.get("channel") === "amazon");
    await expect
      .poll(async () => (await tableRows(page)).every((cells) => cells[1] === "Amazon" && cells[2] === "Critical"))
      .toBe(true);
    const shown = await tableRows(page);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    const lines = (await readFile((await download.path())!, "utf8")).trim().split("\r\n");
    expect(lines[0]).toMatch(/^SKU,Channel,Status,Available/);
    const exported = lines.slice(1);
    expect(exported.every((line) => line.includes(",amazon,Critical,"))).toBe(true);
    if (shown.length < 50) expect(exported.map((line) => line.split(",")[0])).toEqual(shown.map((cells) => cells[0]));
    expect(exported.length).toBeGreaterThanOrEqual(shown.length);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens on the bucket the overview's 'needs attention' links to", async () => {
    const { page, errors } = await openPage(suite.browser, `${suite.url}/app/inventory?bucket=out`);
    expect(await page.locator("#bucket-out").getAttribute("aria-pressed")).toBe("true");
    const rows = await tableRows(page);
    expect(rows.every((cells) => cells[2] === "Out" && Number(cells[3]!.replace(/,/g, "")) <= 0)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
