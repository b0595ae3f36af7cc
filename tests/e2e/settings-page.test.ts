// The Settings page on a demo of its own (it changes the demo's costs): sections chosen by the
// URL, a cost CSV previewed and imported all-or-nothing, the COGS checked against
// `npm run cli -- report`, a manual exchange rate refused by field; screenshots at desktop and 375 px.
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
const TZ = "America/New_York";

let dataDir: string;
let demo: RunningDemo;
let browser: Browser;
let database: pg.Client;

beforeAll(async () => {
  await mkdir(resolve(".data"), { recursive: true });
  dataDir = await mkdtemp(join(resolve(".data"), "e2e-settings-"));
  browser = await launchBrowser();
  demo = await startDemo({ dataDir, args: ["--order-every", "5"] });
  database = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await database.connect();
}, 330_000);

afterAll(async () => {
  await database?.end();
  await browser?.close();
  await demo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

// Closed days only (up to yesterday, shop time), so the live orders of today move nothing.
const today = new Date().toLocaleDateString("en-CA", { timeZone: TZ });
const to = daysBefore(today, 1);
const from = daysBefore(to, 59);

async function reportCogs(): Promise<number> {
  const result = await cli(["report", "--shop", SHOP, "--from", from, "--to", to, "--json"], {
    env: { CROSSCHANNEL_DATA_DIR: dataDir },
  });
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout) as { currency: string; total: { cogs: string } };
  expect(report.currency).toBe("USD");
  return Number(report.total.cogs);
}

/** The costs table as shown: SKU → its cells. */
async function costRows(page: Page): Promise<Map<string, string[]>> {
  const rows = await page
    .locator("#unit-costs table tbody tr")
    .evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll("th, td")).map((cell) => (cell.textContent ?? "").trim())),
    );
  return new Map(rows.map((cells) => [cells[0] ?? "", cells.slice(1)]));
}

/** A SKU on the table's first page with a USD cost and units sold in the report's range. */
async function soldSku(): Promise<{ sku: string; cost: string; units: number }> {
  const { rows } = await database.query<{ sku: string; cost: string; units: string }>(
    `with first_page as (
       select p.sku, p."unitCost", p."costCurrency" from "Product" p join "Shop" s on s.id = p."shopId"
       where s.domain = $1 order by p.sku limit 25
     )
     select f.sku, f."unitCost"::text as cost, coalesce(sum(r.units), 0)::text as units
     from first_page f join "DailyRollup" r on r.sku = f.sku and r.day between $2::date and $3::date
       and r."shopId" = (select id from "Shop" where domain = $1)
     where f."costCurrency" = 'USD' and f."unitCost" is not null
     group by f.sku, f."unitCost" having sum(r.units) > 0 order by f.sku limit 1`,
    [SHOP, from, to],
  );
  const row = rows[0];
  if (!row) throw new Error("The demo has no SKU on the first page with a USD cost and sales in the range.");
  return { sku: row.sku, cost: row.cost, units: Number(row.units) };
}

async function unitsSold(sku: string): Promise<number> {
  const { rows } = await database.query<{ units: string }>(
    `select coalesce(sum(units), 0)::text as units from "DailyRollup"
     where "shopId" = (select id from "Shop" where domain = $1) and sku = $2 and day between $3::date and $4::date`,
    [SHOP, sku, from, to],
  );
  return Number(rows[0]?.units ?? 0);
}

async function uploadCosts(page: Page, name: string, text: string): Promise<void> {
  await page.locator('#preview-costs input[type="file"]').setInputFiles({
    name,
    mimeType: "text/csv",
    buffer: Buffer.from(text),
  });
  await page.getByRole("button", { name: "Preview import" }).click();
}

describe("the Settings page", () => {
  it("opens the section the URL names: ?section=costs the unit costs, ?section=skus the SKU mapping", async () => {
    const { page, errors } = await openPage(browser, `${demo.url}/app/settings?section=costs`);
    await page.locator("#unit-costs table").waitFor();
    expect(await page.locator("#settings-costs").getAttribute("aria-selected")).toBe("true");
    expect(await page.getByRole("heading", { name: "Import costs from a CSV" }).isVisible()).toBe(true);
    expect((await costRows(page)).size).toBe(25);
    await screenshots(page, "settings-costs");

    await page.goto(`${demo.url}/app/settings?section=skus`);
    await page.getByRole("heading", { name: "Unmatched channel SKUs" }).waitFor();
    expect(await page.locator("#settings-skus").getAttribute("aria-selected")).toBe("true");
    expect(await page.locator("#unit-costs").count()).toBe(0);
    await screenshots(page, "settings-skus");

    // Every other section opens from its tab.
    for (const [tab, heading] of [
      ["Stock", "Reorder defaults"],
      ["Alert destinations", "Add a destination"],
      ["Audit log", "Audit log"],
    ] as const) {
      await page.getByRole("tab", { name: tab }).click();
      await page.getByRole("heading", { name: heading, exact: true }).first().waitFor();
      await screenshots(page, `settings-${tab.toLowerCase().replaceAll(" ", "-")}`);
    }
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);

  it("shows a bad row's line number and imports nothing: the costs table is unchanged", async () => {
    const { sku, cost } = await soldSku();
    const { page, errors } = await openPage(browser, `${demo.url}/app/settings?section=costs`);
    await page.locator("#unit-costs table").waitFor();
    const before = await costRows(page);
    const second = [...before.keys()].find((other) => other !== sku) as string;
    await uploadCosts(
      page,
      "bad-costs.csv",
      `sku,cost,currency,effective_date\n${sku},${Number(cost) + 5},USD,${to}\n${second},abc,USD,${to}\n`,
    );
    await page.getByText("Line 3 (cost):", { exact: false }).waitFor();
    expect(await page.locator("#cost-errors").innerText()).toContain('The cost "abc" is not an amount');
    expect(await page.getByText("Nothing will be imported from bad-costs.csv").isVisible()).toBe(true);
    // No way to confirm a file with an error.
    expect(await page.getByRole("button", { name: /^Import \d+ cost/ }).count()).toBe(0);
    await screenshots(page, "settings-costs-bad-csv");
    await page.reload();
    await page.locator("#unit-costs table").waitFor();
    expect(await costRows(page)).toEqual(before);
    const stored = await database.query<{ cost: string }>(
      `select "unitCost"::text as cost from "Product" where sku = $1 and "shopId" = (select id from "Shop" where domain = $2)`,
      [sku, SHOP],
    );
    expect(stored.rows[0]?.cost).toBe(cost);
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);

  it("imports a good CSV after its preview: the SKU's COGS change in npm run cli -- report and the table shows the cost", async () => {
    const { sku, cost } = await soldSku();
    const { page, errors } = await openPage(browser, `${demo.url}/app/settings?section=costs`);
    await page.locator("#unit-costs table").waitFor();
    let matched = false;
    let last = "";
    // An Amazon order leaving "pending" on a closed day can move the COGS between two reads: retry.
    for (let attempt = 1; attempt <= 3 && !matched; attempt += 1) {
      const current = attempt === 1 ? Number(cost) : Number(cost) + 100 * (attempt - 1);
      const next = Number(cost) + 100 * attempt;
      const cogsBefore = await reportCogs();
      const unitsBefore = await unitsSold(sku);
      await uploadCosts(page, `costs-${attempt}.csv`, `sku,cost,currency,effective_date\n${sku},${next},USD,${to}\n`);
      await page.locator("#cost-preview table").waitFor();
      expect(await page.locator("#cost-preview table tbody").innerText()).toContain(sku);
      if (attempt === 1) await screenshots(page, "settings-costs-preview");
      await page.getByRole("button", { name: "Import 1 cost" }).click();
      await page.getByText(`Imported 1 unit cost from costs-${attempt}.csv`).waitFor();
      const cogsAfter = await reportCogs();
      const unitsAfter = await unitsSold(sku);
      const expected = unitsBefore * (next - current);
      const change = Math.round((cogsAfter - cogsBefore) * 100) / 100;
      matched = unitsBefore === unitsAfter && Math.abs(change - expected) < 0.005;
      last = `COGS ${cogsBefore} → ${cogsAfter} (change ${change}), expected ${unitsBefore} units × ${next - current} = ${expected}`;
      // The table shows the new cost, from the CSV, effective on the file's date.
      await expect
        .poll(async () => (await costRows(page)).get(sku), { timeout: 10_000 })
        .toEqual([expect.any(String), next.toFixed(2), "USD", to, "CSV import"]);
    }
    expect(last).toMatch(/change/);
    expect(matched, last).toBe(true);
    await screenshots(page, "settings-costs-imported");
    await page.goto(`${demo.url}/app/settings?section=audit`);
    await page.locator("#audit-log table").waitFor();
    expect(await page.locator("#audit-log table tbody tr").first().innerText()).toContain("Unit costs imported");
    await page.close();
    expect(errors).toEqual([]);
  }, 240_000);

  it("refuses a manual exchange rate with a bad value by its field, and stores none", async () => {
    const manualCount = async () =>
      Number(
        (
          await database.query<{ n: string }>(
            `select count(*)::text as n from "FxRate" where source = 'manual' and "shopId" = (select id from "Shop" where domain = $1)`,
            [SHOP],
          )
        ).rows[0]?.n,
      );
    const before = await manualCount();
    const { page, errors } = await openPage(browser, `${demo.url}/app/settings?section=rates`);
    await page.getByRole("heading", { name: "Set an exchange rate" }).waitFor();
    await page.getByLabel("From currency", { exact: true }).fill("CAD");
    await page.getByLabel("Rate", { exact: true }).fill("abc");
    await page.getByRole("button", { name: "Save rate" }).click();
    await page.getByText('Rate must be a positive decimal number such as "1.3652"; got "abc".').waitFor();
    expect(await page.getByLabel("Rate", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByText("Check Rate: nothing was saved.").isVisible()).toBe(true);
    expect(await manualCount()).toBe(before);
    await screenshots(page, "settings-rates-bad-rate");

    // The same form with a good rate saves it and shows it.
    await page.getByLabel("Rate", { exact: true }).fill("0.7125");
    await page.getByRole("button", { name: "Save rate" }).click();
    await page.getByText(/^1 CAD = 0\.7125 USD on \d{4}-\d{2}-\d{2}/).waitFor();
    expect(await page.locator("#manual-rates").innerText()).toContain("0.7125");
    expect(await manualCount()).toBe(before + 1);
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);

  it("adds, edits and deletes an alert destination, with the service's field errors", async () => {
    const { page, errors } = await openPage(browser, `${demo.url}/app/settings?section=alerts`);
    const form = page.locator("#new-destination");
    await form.waitFor();
    await form.getByLabel("Name", { exact: true }).fill("Ops");
    await form.getByLabel("Email addresses").fill("not-an-email");
    await form.getByRole("button", { name: "Add destination" }).click();
    await page.getByText('"not-an-email" is not an email address.').waitFor();
    expect(await page.getByText("Check emails: nothing was saved.").isVisible()).toBe(true);
    await screenshots(page, "settings-alerts-bad-email");

    await form.getByLabel("Email addresses").fill("ops@example.com");
    await form.getByLabel("Low stock").check();
    await form.getByRole("button", { name: "Add destination" }).click();
    await page.getByText("Alerts now also go to Ops.").waitFor();
    const list = () => page.locator("#destinations").innerText();
    await expect.poll(list, { timeout: 10_000 }).toContain("ops@example.com");
    expect(await list()).toContain("Low stock · warning and above · each alert as it opens");

    await page.getByRole("button", { name: "Edit Ops" }).click();
    const edit = page.locator('form[id^="destination-"]');
    await edit.getByLabel("Name", { exact: true }).fill("Ops team");
    await edit.getByRole("button", { name: "Save destination" }).click();
    await page.getByText("Ops team is saved.").waitFor();
    await expect.poll(list, { timeout: 10_000 }).toMatch(/Ops team\s+Email/);

    await page.getByRole("button", { name: "Delete Ops team" }).click();
    await page.getByText("Ops team is deleted: it gets no more alerts.").waitFor();
    await expect.poll(list, { timeout: 10_000 }).not.toContain("ops@example.com");
    const { rows } = await database.query<{ n: string }>(
      `select count(*)::text as n from "AlertDestination" where name like 'Ops%'`,
    );
    expect(rows[0]?.n).toBe("0");
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);
});
