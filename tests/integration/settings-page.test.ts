// The Settings page's forms (app/services/settings-page.server.ts) on a real database: each bad
// field gets an error under the form's own field name and nothing is stored; good input is
// stored through the same services the CLI uses, scoped to the shop, and audited.
import "../support/mock-shopify.ts";

import {
  API_KEY,
  API_SECRET_KEY,
  RequestType,
  setUpValidRequest,
  TEST_SHOP,
  TEST_SHOP_NAME,
} from "@shopify/shopify-api/test-helpers";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { upsertCatalog } from "#app/ingest/catalog.server.ts";
import { createDestination, listDestinations, updateDestination } from "#app/services/alert-destinations.server.ts";
import {
  auditDetails,
  destinationInput,
  importCostFile,
  importRatesFile,
  manualRates,
  mapSkuFromForm,
  overrideCostFromForm,
  pageNumber,
  previewCostFile,
  referenceRateSummary,
  saveManualRateFromForm,
  saveStockSettingsFromForm,
  settingsSection,
  stockSettings,
  unmatchedSkuList,
} from "#app/services/settings-page.server.ts";
import { auditLog, unitCosts } from "#app/services/unit-costs.server.ts";
import { action as exportAction } from "#app/routes/app.export.tsx";
import { action as settingsAction, loader as settingsLoader } from "#app/routes/app.settings.tsx";
import { createConnection, createShop } from "../support/factories.ts";
import { storeOfflineSession } from "../support/shopify.ts";

afterEach(async () => {
  await closeIngestPool();
});

async function shopWithCatalog(domain?: string) {
  const shop = await createShop(domain, { currency: "USD", timezone: "UTC" });
  await prisma.product.createMany({
    data: [
      { shopId: shop.id, sku: "MUG-BLUE", title: "Blue mug", unitCost: "4.00", costCurrency: "USD" },
      { shopId: shop.id, sku: "MUG-RED", title: "Red mug" },
    ],
  });
  return shop;
}

const csvFile = (text: string, name = "costs.csv") => new File([text], name, { type: "text/csv" });

async function cost(shopId: string, sku: string) {
  const product = await prisma.product.findUniqueOrThrow({ where: { shopId_sku: { shopId, sku } } });
  return { cost: product.unitCost?.toFixed(2) ?? null, currency: product.costCurrency, source: product.costSource };
}

describe("sections and pages from the URL", () => {
  it("opens the named section, the costs section otherwise, and page 1 for anything but a page number", () => {
    expect(settingsSection("skus")).toBe("skus");
    expect(settingsSection("audit")).toBe("audit");
    expect(settingsSection("nonsense")).toBe("costs");
    expect(settingsSection(null)).toBe("costs");
    expect(pageNumber("3")).toBe(3);
    for (const bad of ["0", "-1", "1.5", "x", null]) expect(pageNumber(bad)).toBe(1);
  });

  it("words an audit entry's data as key: value pairs", () => {
    expect(auditDetails(JSON.stringify({ file: "a.csv", rows: 2, fields: ["name"] }))).toBe(
      'file: a.csv, rows: 2, fields: ["name"]',
    );
    expect(auditDetails(null)).toBe("");
  });
});

describe("unit costs", () => {
  it("sets one SKU's cost by hand, records it as set here, and audits it as the merchant", async () => {
    const shop = await shopWithCatalog();
    const result = await overrideCostFromForm(
      shop.id,
      { sku: "MUG-RED", cost: "6.25", currency: "cad" },
      new Date("2026-11-02T12:00:00Z"),
    );
    expect(result).toMatchObject({ ok: true });
    expect(await cost(shop.id, "MUG-RED")).toEqual({ cost: "6.25", currency: "CAD", source: "manual" });
    const page = await unitCosts(shop.id);
    expect(page.products.find((p) => p.sku === "MUG-RED")).toMatchObject({
      unitCost: "6.25",
      currency: "CAD",
      source: "manual",
      updatedAt: "2026-11-02T00:00:00.000Z",
    });
    expect((await auditLog(shop.id)).entries[0]).toMatchObject({ action: "costs.overridden", actor: "merchant" });
  });

  it("answers a field error per bad field and stores nothing", async () => {
    const shop = await shopWithCatalog();
    const empty = await overrideCostFromForm(shop.id, { sku: "", cost: "", currency: "" });
    expect(empty.ok).toBe(false);
    expect(!empty.ok && Object.keys(empty.fieldErrors).sort()).toEqual(["cost", "currency", "sku"]);
    const bad = await overrideCostFromForm(shop.id, { sku: "MUG-BLUE", cost: "4,50", currency: "dollars" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.fieldErrors.cost).toContain('"4,50" is not an amount');
      expect(bad.fieldErrors.currency).toContain("3-letter ISO code");
      expect(bad.message).toBe("Check cost, currency: nothing was saved.");
    }
    const unknown = await overrideCostFromForm(shop.id, { sku: "NOPE", cost: "1", currency: "USD" });
    expect(!unknown.ok && unknown.fieldErrors.sku).toContain("No product has the SKU NOPE");
    expect(await cost(shop.id, "MUG-BLUE")).toEqual({ cost: "4.00", currency: "USD", source: null });
    expect((await auditLog(shop.id)).total).toBe(0);
  });

  it("never sets another shop's product: its SKU is unknown here", async () => {
    const mine = await shopWithCatalog();
    const other = await createShop(undefined, { currency: "USD" });
    await prisma.product.create({ data: { shopId: other.id, sku: "THEIRS", title: "Theirs", unitCost: "9" } });
    const result = await overrideCostFromForm(mine.id, { sku: "THEIRS", cost: "1", currency: "USD" });
    expect(result.ok).toBe(false);
    expect(await cost(other.id, "THEIRS")).toMatchObject({ cost: "9.00" });
  });

  it("previews a file with a bad row by line number and imports nothing, even when confirmed anyway", async () => {
    const shop = await shopWithCatalog();
    const text = "sku,cost,currency,effective_date\nMUG-BLUE,5.00,USD,2026-11-01\nMUG-RED,abc,USD,2026-11-01\n";
    const preview = await previewCostFile(shop.id, csvFile(text));
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.errors).toEqual([expect.objectContaining({ line: 3, field: "cost" })]);
    expect(preview.rows.map((row) => row.line)).toEqual([2, 3]);
    // The confirmation re-checks the whole file: a crafted submit cannot slip a bad file in.
    const imported = await importCostFile(shop.id, preview.csv, preview.fileName);
    expect(imported.ok).toBe(false);
    expect(!imported.ok && imported.errors.map((e) => e.line)).toEqual([3]);
    expect(await cost(shop.id, "MUG-BLUE")).toEqual({ cost: "4.00", currency: "USD", source: null });
    expect((await auditLog(shop.id)).total).toBe(0);
  });

  it("previews a good file with each SKU's current and new cost, then imports every row on confirmation", async () => {
    const shop = await shopWithCatalog();
    const text = "sku,cost,currency,effective_date\nMUG-BLUE,5.5,USD,2026-11-01\nMUG-RED,3,EUR,2026-11-02\n";
    const preview = await previewCostFile(shop.id, csvFile(text, "november.csv"));
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.errors).toEqual([]);
    expect(preview.rows[0]).toMatchObject({ sku: "MUG-BLUE", currentCost: "4", cost: "5.5", title: "Blue mug" });
    expect(preview.rows[1]).toMatchObject({ sku: "MUG-RED", currentCost: null, cost: "3", currency: "EUR" });
    expect(await cost(shop.id, "MUG-BLUE")).toMatchObject({ cost: "4.00" }); // the preview wrote nothing
    const imported = await importCostFile(shop.id, preview.csv, preview.fileName);
    expect(imported).toMatchObject({ ok: true, imported: 2 });
    expect(await cost(shop.id, "MUG-BLUE")).toEqual({ cost: "5.50", currency: "USD", source: "csv" });
    expect(await cost(shop.id, "MUG-RED")).toEqual({ cost: "3.00", currency: "EUR", source: "csv" });
    expect((await auditLog(shop.id)).entries[0]).toMatchObject({
      action: "costs.imported",
      actor: "merchant",
      data: JSON.stringify({ file: "november.csv", rows: 2 }),
    });
  });

  it("asks for a file when none is chosen", async () => {
    const shop = await shopWithCatalog();
    for (const file of [null, "", csvFile("")]) {
      const result = await previewCostFile(shop.id, file);
      expect(!result.ok && result.fieldErrors.file).toBe("Choose a cost CSV file to upload.");
    }
  });

  it("records Shopify as the source of a cost the catalog sync reads, and keeps a kept cost's source", async () => {
    const shop = await shopWithCatalog();
    const entry = {
      sku: "MUG-RED",
      title: "Red mug",
      unitCost: "2.10",
      currency: "USD",
      productId: "gid://shopify/Product/1",
      variantId: "gid://shopify/ProductVariant/1",
      barcode: null,
    };
    await upsertCatalog(shop.id, [entry]);
    expect(await cost(shop.id, "MUG-RED")).toEqual({ cost: "2.10", currency: "USD", source: "shopify" });
    await overrideCostFromForm(shop.id, { sku: "MUG-RED", cost: "2.50", currency: "USD" });
    // A webhook without a cost keeps the stored one, and where it came from.
    await upsertCatalog(shop.id, [{ ...entry, unitCost: null, currency: null }], { keepStoredCost: true });
    expect(await cost(shop.id, "MUG-RED")).toEqual({ cost: "2.50", currency: "USD", source: "manual" });
  });
});

describe("SKU mapping", () => {
  async function shopWithUnmatched() {
    const shop = await shopWithCatalog();
    const connectionId = await createConnection(shop.id, "amazon");
    await prisma.channelListing.create({
      data: {
        shopId: shop.id,
        connectionId,
        channel: "amazon",
        externalId: "L1",
        sku: "MUG-BLUE-FBA",
        status: "active",
      },
    });
    return shop;
  }

  it("lists a channel's unmatched SKU and maps it to the catalog SKU named, audited as the merchant", async () => {
    const shop = await shopWithUnmatched();
    expect(await unmatchedSkuList(shop.id)).toEqual([
      { channel: "amazon", channelName: expect.any(String), sku: "MUG-BLUE-FBA", rows: 1 },
    ]);
    const result = await mapSkuFromForm(shop.id, { channel: "amazon", sku: "MUG-BLUE-FBA", to: " MUG-BLUE " });
    expect(result).toMatchObject({ ok: true });
    expect(await unmatchedSkuList(shop.id)).toEqual([]);
    const alias = await prisma.skuAlias.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(alias).toMatchObject({ channel: "amazon", sku: "MUG-BLUE-FBA" });
    expect((await auditLog(shop.id)).entries[0]).toMatchObject({ action: "sku.mapped", actor: "merchant" });
  });

  it("names the catalog SKU field when it is no product of the shop, and maps nothing", async () => {
    const shop = await shopWithUnmatched();
    const result = await mapSkuFromForm(shop.id, { channel: "amazon", sku: "MUG-BLUE-FBA", to: "MUG-GREEN" });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.fieldErrors.to).toBe(
      "No product of your catalog has the SKU MUG-GREEN: enter a SKU listed under Unit costs.",
    );
    const noChannel = await mapSkuFromForm(shop.id, { channel: "ebay", sku: "", to: "" });
    expect(!noChannel.ok && Object.keys(noChannel.fieldErrors).sort()).toEqual(["channel", "sku", "to"]);
    expect(await prisma.skuAlias.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await unmatchedSkuList(shop.id)).toHaveLength(1);
  });
});

describe("exchange rates", () => {
  it("stores a manual rate from the form and audits it", async () => {
    const shop = await shopWithCatalog();
    const result = await saveManualRateFromForm(shop, { base: "cad", quote: "USD", day: "2026-11-03", rate: "0.7312" });
    expect(result).toEqual({
      ok: true,
      message: "1 CAD = 0.7312 USD on 2026-11-03 (manual rate, used before any reference rate).",
    });
    expect(await manualRates(shop.id)).toEqual([
      { id: expect.any(String), day: "2026-11-03", base: "CAD", quote: "USD", rate: "0.7312" },
    ]);
    expect((await auditLog(shop.id)).entries[0]).toMatchObject({ action: "fx.set", actor: "merchant" });
  });

  it("names each bad field in the form's words and stores nothing", async () => {
    const shop = await shopWithCatalog();
    const bad = await saveManualRateFromForm(shop, { base: "CAD", quote: "USD", day: "2026-11-03", rate: "abc" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.fieldErrors).toEqual({
        rate: 'Rate must be a positive decimal number such as "1.3652"; got "abc".',
      });
      expect(bad.message).toBe("Check Rate: nothing was saved.");
    }
    const zero = await saveManualRateFromForm(shop, { base: "CAD", quote: "USD", day: "2026-11-03", rate: "0" });
    expect(!zero.ok && zero.fieldErrors.rate).toBe("Rate must be greater than zero; got 0.");
    const all = await saveManualRateFromForm(shop, { base: "XX", quote: "", day: "2026-02-30", rate: "" });
    expect(!all.ok && Object.keys(all.fieldErrors).sort()).toEqual(["base", "day", "quote", "rate"]);
    expect(!all.ok && all.fieldErrors.day).toBe('Day must be a calendar day YYYY-MM-DD; got "2026-02-30".');
    const same = await saveManualRateFromForm(shop, { base: "USD", quote: "usd", day: "2026-11-03", rate: "1" });
    expect(!same.ok && same.fieldErrors.quote).toBe("To currency must differ from From currency; both are USD.");
    expect(await prisma.fxRate.count({ where: { shopId: shop.id } })).toBe(0);
    expect((await auditLog(shop.id)).total).toBe(0);
  });

  it("imports an uploaded ECB file for the currencies in use, and a bad one stores nothing", async () => {
    const shop = await shopWithCatalog();
    await prisma.product.update({
      where: { shopId_sku: { shopId: shop.id, sku: "MUG-RED" } },
      data: { unitCost: "3", costCurrency: "CAD" },
    });
    const bad = await importRatesFile(shop, csvFile("Date,USD,CAD,\n2026-01-05,1.0921,x,\n", "ecb.csv"));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.fieldErrors.file).toContain("ecb.csv, line 2, column 3");
    expect((await referenceRateSummary(shop.id)).count).toBe(0);
    const good = await importRatesFile(
      shop,
      csvFile("Date,USD,CAD,\n2026-01-06,1.1000,1.5000,\n2026-01-05,1.0921,1.4892,\n", "ecb.csv"),
    );
    expect(good).toMatchObject({ ok: true });
    expect(good.message).toContain("2 reference rates from 2 days (2026-01-05 to 2026-01-06) for CAD→USD.");
    expect(await referenceRateSummary(shop.id)).toEqual({ count: 2, firstDay: "2026-01-05", lastDay: "2026-01-06" });
    expect((await auditLog(shop.id)).entries[0]).toMatchObject({ action: "fx.import", actor: "merchant" });
  });
});

describe("stock settings", () => {
  it("saves the lead time and service level, and audits the change", async () => {
    const shop = await shopWithCatalog();
    expect(await stockSettings(shop.id)).toEqual({ leadTimeDays: 14, serviceLevelPercent: "95" });
    const result = await saveStockSettingsFromForm(shop.id, { leadTimeDays: "21", serviceLevel: "97.5 %" });
    expect(result).toMatchObject({ ok: true });
    const stored = await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect([stored.leadTimeDays, stored.serviceLevel.toFixed(3)]).toEqual([21, "0.975"]);
    expect(await stockSettings(shop.id)).toEqual({ leadTimeDays: 21, serviceLevelPercent: "97.5" });
    expect((await auditLog(shop.id)).entries[0]).toMatchObject({ action: "stock.settings_updated", actor: "merchant" });
  });

  it("refuses a lead time or service level out of range and keeps both", async () => {
    const shop = await shopWithCatalog();
    for (const [leadTimeDays, serviceLevel, fields] of [
      ["0", "95", ["leadTimeDays"]],
      ["7.5", "95", ["leadTimeDays"]],
      ["400", "100", ["leadTimeDays", "serviceLevel"]],
      ["7", "95.25", ["serviceLevel"]],
      ["7", "40", ["serviceLevel"]],
      ["", "", ["leadTimeDays", "serviceLevel"]],
    ] as const) {
      const result = await saveStockSettingsFromForm(shop.id, { leadTimeDays, serviceLevel });
      expect(result.ok).toBe(false);
      expect(!result.ok && Object.keys(result.fieldErrors).sort()).toEqual([...fields]);
    }
    expect(await stockSettings(shop.id)).toEqual({ leadTimeDays: 14, serviceLevelPercent: "95" });
    expect((await auditLog(shop.id)).total).toBe(0);
  });
});

describe("alert destination forms", () => {
  function form(fields: Record<string, string | string[]>) {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) data.append(name, item);
    }
    return data;
  }

  it("reads the form into the service's input: kinds, severity, frequency, enabled; an empty Slack URL kept on edit", async () => {
    const shop = await shopWithCatalog();
    const created = await createDestination(
      shop.id,
      destinationInput(
        form({
          kind: "slack",
          name: "Ops",
          slackWebhookUrl: "https://hooks.slack.com/services/T1/B2/secret",
          alertKinds: ["low_stock", "anomaly"],
          minSeverity: "critical",
          frequency: "daily",
          enabled: "on",
        }),
      ),
    );
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.destination).toMatchObject({
      kind: "slack",
      alertKinds: ["anomaly", "low_stock"],
      minSeverity: "critical",
      frequency: "daily",
      enabled: true,
    });
    // Edited with the URL left empty and "enabled" unchecked (an unchecked box posts nothing).
    const updated = await updateDestination(
      shop.id,
      created.destination.id,
      destinationInput(
        form({
          currentKind: "slack",
          name: "Ops team",
          slackWebhookUrl: "",
          minSeverity: "warning",
          frequency: "daily",
        }),
        { update: true },
      ),
    );
    expect(updated).toMatchObject({ ok: true, destination: { name: "Ops team", enabled: false, alertKinds: [] } });
    expect((await listDestinations(shop.id))[0]?.slackWebhookHint).toBe("hooks.slack.com/…cret");
  });

  it("passes the service's field errors through by field", async () => {
    const shop = await shopWithCatalog();
    const result = await createDestination(shop.id, destinationInput(form({ kind: "email", name: "", emails: "x" })));
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.fieldErrors).sort()).toEqual(["emails", "name"]);
    expect(await listDestinations(shop.id)).toEqual([]);
  });
});

describe("the route, as Shopify admin calls it", () => {
  async function embedded(path: string, init?: { form: Record<string, string> }) {
    const body = init ? new URLSearchParams(init.form) : undefined;
    return setUpValidRequest(
      {
        type: init ? RequestType.Bearer : RequestType.Admin,
        store: TEST_SHOP_NAME,
        apiKey: API_KEY,
        apiSecretKey: API_SECRET_KEY,
      },
      new Request(`https://my-test-app.myshopify.io${path}`, init ? { method: "POST", body } : undefined),
    );
  }

  async function installedShop() {
    await storeOfflineSession(TEST_SHOP);
    const shop = await createShop(TEST_SHOP, { timezone: "UTC", currency: "USD" });
    await prisma.product.create({ data: { shopId: shop.id, sku: "MUG-BLUE", title: "Blue mug", unitCost: "4" } });
    return shop;
  }

  const body = async (response: unknown) => (await (response as Response).json()) as Record<string, unknown>;

  it("loads the section the URL names, and only the shop's own data", async () => {
    await installedShop();
    const other = await createShop("other-shop.myshopify.com", { timezone: "UTC", currency: "USD" });
    await prisma.product.create({ data: { shopId: other.id, sku: "THEIRS", title: "Theirs" } });
    const costs = await body(
      await settingsLoader({ request: await embedded("/app/settings?section=costs"), params: {}, context: {} }),
    );
    expect(costs).toMatchObject({ section: "costs", costs: { total: 1, products: [{ sku: "MUG-BLUE" }] } });
    const skus = await body(
      await settingsLoader({ request: await embedded("/app/settings?section=skus"), params: {}, context: {} }),
    );
    expect(skus).toMatchObject({ section: "skus", unmatched: [] });
    expect(skus).not.toHaveProperty("costs");
  });

  it("answers a bad manual rate with its field error and stores nothing", async () => {
    const shop = await installedShop();
    const request = await embedded("/app/settings?section=rates", {
      form: { intent: "manual-rate", base: "CAD", quote: "USD", day: "2026-11-03", rate: "1,2" },
    });
    const answer = await body(await settingsAction({ request, params: {}, context: {} }));
    expect(answer).toMatchObject({
      intent: "manual-rate",
      ok: false,
      fieldErrors: { rate: 'Rate must be a positive decimal number such as "1.3652"; got "1,2".' },
    });
    expect(await prisma.fxRate.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("audits a CSV export when /app/export signs its URL", async () => {
    const shop = await installedShop();
    const request = await embedded("/app/export", { form: { table: "inventory", params: "sort=sku" } });
    const answer = (await exportAction({ request, params: {}, context: {} })) as { url: string | null };
    expect(answer.url).toMatch(/^\/exports\//);
    expect((await auditLog(shop.id)).entries[0]).toMatchObject({
      action: "export.created",
      data: JSON.stringify({ table: "inventory", params: "sort=sku" }),
    });
  });
});
