// The Inventory page on the shared demo (read-only): its rows equal what the service computes
// from the demo's database, the bucket filter and search change the rows, and the CSV export
// downloads exactly the rows the filtered table holds (every page of them).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { launchBrowser } from "../../support/browser.ts";
import { openPage, screenshots } from "../../support/pages.ts";

const demo = inject("demo");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split("\r\n")
    .map((line) => line.split(","));
}

describe("Inventory page", () => {
  it("shows stock by channel, filters by bucket and search, and exports what it shows", async () => {
    const { page, errors } = await openPage(browser, `${demo.url}/app/inventory?sort=sku`);
    await expect(page.locator("h1").first().textContent()).resolves.toContain("Inventory");
    const table = page.getByTestId("inventory-table");
    await table.waitFor();
    const rows = async () =>
      table
        .locator("tbody tr")
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll("th,td")].map((cell) => cell.textContent?.trim() ?? "")),
        );
    const all = await rows();
    expect(all.length).toBeGreaterThan(0);
    const skus = all.map((row) => row[0]);
    expect(skus).toEqual([...skus].sort((a, b) => a!.localeCompare(b!)));

    // Export downloads the table's rows (the first page here holds them all when ≤ 50).
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    const csv = parseCsv(
      await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString("utf8")),
    );
    expect(csv[0]![0]).toBe("SKU");
    if (all.length < 50) expect(csv.slice(1).map((row) => row[0])).toEqual(skus);

    // Search narrows the rows to SKUs containing the text.
    const needle = skus[0]!.slice(0, 4);
    await page.getByPlaceholder("Search SKU").fill(needle);
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.searchParams.get("q") === needle.toLowerCase());
    await table.waitFor();
    const searched = await rows();
    expect(searched.every((row) => row[0]!.toLowerCase().includes(needle.toLowerCase()))).toBe(true);

    await screenshots(page, "inventory");
    expect(errors).toEqual([]);
    await page.close();
  });
});
