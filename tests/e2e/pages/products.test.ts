// The Products list and a product's page on the running demo, in Chromium (read only): the
// figures against the database's own sums, search, filters, sort, paging, CSV export as shown.
import { readFile } from "node:fs/promises";

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { DEMO_SHOP, demoPageSuite } from "../../support/demo-engine.ts";
import { openPage, screenshots, tableTexts } from "../../support/pages.ts";

// Forecasts, alerts and anomalies come from the engine's first run, after the whole history is in.
const suite = demoPageSuite({ engine: true });
const SHOP = DEMO_SHOP;
const TZ = "America/New_York";

const usd = (amount: string | number) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(Number(amount));
const count = (value: number) => new Intl.NumberFormat("en-US").format(value);

function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}
/** A closed 30-day range a week back: today's live orders do not move it. */
function closedRange() {
  const today = new Date().toLocaleDateString("en-CA", { timeZone: TZ });
  const to = daysBefore(today, 8);
  return { from: daysBefore(to, 29), to };
}

/** The table as shown: one array of cell texts per body row. */
async function tableRows(page: Page): Promise<string[][]> {
  return tableTexts(page, "#products-table table");
}

/** The SKU of each row (the subdued line under the product's name). */
function skuOf(cell: string): string {
  return cell.split("\n").at(-1)!.trim();
}

describe("products page", () => {
  it("shows each product's units and net sales as the rollups sum them, largest first", async () => {
    const { from, to } = closedRange();
    const expected = await suite.db.query<{ sku: string; units: number; net: string }>(
      `select r.sku, sum(r.units)::int as units, sum(r."netSales")::text as net
       from "DailyRollup" r join "Shop" s on s.id = r."shopId"
       where s.domain = $1 and r.sku <> '' and r.currency = 'USD' and r.day between $2::date and $3::date
       group by r.sku order by sum(r."netSales") desc, r.sku limit 10`,
      [SHOP, from, to],
    );
    expect(expected.rows.length).toBeGreaterThan(5);
    const { page, errors } = await openPage(suite.browser, `${suite.url}/app/products?from=${from}&to=${to}`);
    const rows = await tableRows(page);
    expect(rows).toHaveLength(50);
    const shown = rows.slice(0, 10).map((cells) => [skuOf(cells[0]!), cells[2], cells[3]]);
    expect(shown).toEqual(expected.rows.map((row) => [row.sku, count(row.units), usd(row.net)]));
    await screenshots(page, "products");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("searches, filters by ABC class, sorts and pages, keeping each choice in the URL", async () => {
    const { from, to } = closedRange();
    const { page, errors } = await openPage(suite.browser, `${suite.url}/app/products?from=${from}&to=${to}`);
    const total = await page.locator("#product-count").innerText();

    await page.locator("#product-search").fill("hoodie");
    await page.locator("#product-search").press("Enter");
    await page.waitForURL((url) => url.searchParams.get("q") === "hoodie");
    await expect.poll(() => page.locator("#product-count").innerText()).toMatch(/^\d+ of \d+ products$/);
    const found = await tableRows(page);
    expect(found.length).toBeGreaterThan(0);
    for (const cells of found) expect(cells[0]!.toLowerCase()).toContain("hoodie");
    expect(new URL(page.url()).searchParams.get("from")).toBe(from);

    await page.locator("#product-abc").selectOption("A");
    await page.waitForURL((url) => url.searchParams.get("abc") === "A");
    await expect.poll(async () => (await tableRows(page)).every((cells) => cells[1] === "A")).toBe(true);
    expect(new URL(page.url()).searchParams.get("q")).toBe("hoodie");

    // Clearing the search and the class: the whole catalog again, sorted by units.
    await page.goto(`${suite.url}/app/products?from=${from}&to=${to}`);
    await expect.poll(() => page.locator("#product-count").innerText()).toBe(total);
    await page.locator("#products-table thead").getByRole("button", { name: /Units/ }).click();
    await page.waitForURL((url) => url.searchParams.get("sort") === "units");
    await expect
      .poll(async () => {
        const units = (await tableRows(page)).map((cells) => Number(cells[2]!.replace(/,/g, "")));
        return units.length > 1 && units.every((value, i) => i === 0 || units[i - 1]! >= value);
      })
      .toBe(true);
    const firstPage = (await tableRows(page)).map((cells) => skuOf(cells[0]!));

    await page.getByRole("link", { name: "Next" }).click();
    await page.waitForURL((url) => url.searchParams.get("page") === "2");
    await expect.poll(async () => skuOf((await tableRows(page))[0]![0]!)).not.toBe(firstPage[0]);
    const secondPage = (await tableRows(page)).map((cells) => skuOf(cells[0]!));
    expect(secondPage.filter((sku) => firstPage.includes(sku))).toEqual([]);
    expect(new URL(page.url()).searchParams.get("sort")).toBe("units");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("exports exactly the rows the filters select, in the table's order", async () => {
    const { from, to } = closedRange();
    const { page, errors } = await openPage(suite.browser, `${suite.url}/app/products?from=${from}&to=${to}&q=socks`);
    const shown = (await tableRows(page)).map((cells) => [skuOf(cells[0]!), cells[2]]);
    expect(shown.length).toBeGreaterThan(0);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^crosschannel-demo-products-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, "utf8");
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toMatch(/^SKU,Product,Units,Net sales,/);
    // Fewer than 50 socks: the export and the one page shown hold the same rows.
    expect(
      lines.slice(1).map((line) =>
        line
          .split(",")
          .slice(0, 1)
          .concat(count(Number(line.split(",")[2]))),
      ),
    ).toEqual(shown);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens a product with its trend, forecast ranges, accuracy in words, stock and listings", async () => {
    const { from, to } = closedRange();
    const { page, errors } = await openPage(suite.browser, `${suite.url}/app/products?from=${from}&to=${to}`);
    const [first] = await tableRows(page);
    await page.locator("#products-table tbody tr").first().getByRole("link").click();
    await page.waitForURL((url) => url.pathname === `/app/products/${encodeURIComponent(skuOf(first![0]!))}`);
    await expect.poll(() => page.locator("#product-figures").innerText()).toContain(first![2]!); // the same units
    expect(await page.locator("#product-figures").innerText()).toContain(first![3]!); // the same net sales
    expect(new URL(page.url()).searchParams.get("from")).toBe(from);
    // A forecast per channel it sells on, with its accuracy said in words.
    const accuracy = page.locator('[id^="forecast-"][id$="-accuracy"]');
    await expect.poll(() => accuracy.count()).toBeGreaterThan(0);
    expect(await accuracy.first().innerText()).toMatch(/typically off by|not enough|no recent sales|not measured/i);
    await expect.poll(() => page.locator('[aria-label*="80% and 95% ranges"] svg').count()).toBeGreaterThan(0);
    expect(await page.locator("#product-stock tbody tr").count()).toBeGreaterThan(0);
    expect(await page.locator("#product-listings tbody tr").count()).toBeGreaterThan(0);
    await screenshots(page, "product-detail");

    await page.goto(`${suite.url}/app/products/NO-SUCH-SKU`);
    await expect.poll(() => page.locator("body").innerText()).toContain("This shop has no product with that SKU.");
    expect(errors.filter((error) => !/404/.test(error))).toEqual([]);
    await page.close();
  });
});
