import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { runCli } from "#app/cli/run.ts";
import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import {
  crossRates,
  divideRates,
  importReferenceRates,
  parseEcbRates,
  setManualRate,
} from "#app/services/fx.server.ts";
import { salesReport } from "#app/services/report.server.ts";
import { createShop } from "../support/factories.ts";

afterEach(async () => {
  await closeIngestPool();
});

// Invented numbers in the ECB's eurofxref-hist formats (rates per 1 EUR, newest day first,
// a trailing comma on every CSV line, N/A where a currency was not published).
const CSV = [
  "Date,USD,JPY,CAD,GBP,",
  "2026-01-06,1.1000,160.00,1.5000,N/A,",
  "2026-01-05,1.0921,158.35,1.4892,0.8650,",
  "",
].join("\n");

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
	<gesmes:subject>Reference rates</gesmes:subject>
	<gesmes:Sender>
		<gesmes:name>European Central Bank</gesmes:name>
	</gesmes:Sender>
	<Cube>
		<Cube time="2026-01-06">
			<Cube currency="USD" rate="1.1000"/>
			<Cube currency="JPY" rate="160.00"/>
			<Cube currency="CAD" rate="1.5000"/>
		</Cube>
		<Cube time="2026-01-05">
			<Cube currency="USD" rate="1.0921"/>
			<Cube currency="JPY" rate="158.35"/>
			<Cube currency="CAD" rate="1.4892"/>
			<Cube currency="GBP" rate="0.8650"/>
		</Cube>
	</Cube>
</gesmes:Envelope>
`;

const EXPECTED = [
  { day: "2026-01-05", base: "CAD", rate: "0.7333467634" }, // 1.0921 / 1.4892
  { day: "2026-01-05", base: "EUR", rate: "1.0921000000" },
  { day: "2026-01-05", base: "GBP", rate: "1.2625433526" }, // 1.0921 / 0.8650
  { day: "2026-01-06", base: "CAD", rate: "0.7333333333" }, // 1.1 / 1.5, GBP not published
  { day: "2026-01-06", base: "EUR", rate: "1.1000000000" },
];

async function shopWithCurrencies(domain: string, currencies: string[]) {
  const shop = await createShop(domain, { timezone: "America/Toronto", currency: "USD" });
  await prisma.dailyRollup.createMany({
    data: currencies.map((currency) => ({
      shopId: shop.id,
      day: new Date("2026-01-05T00:00:00Z"),
      channel: "amazon" as const,
      sku: "",
      currency,
      orders: 1,
      netSales: "100.00",
    })),
  });
  return shop;
}

async function storedRates(shopId: string) {
  const rows = await prisma.fxRate.findMany({ where: { shopId }, orderBy: [{ day: "asc" }, { base: "asc" }] });
  return rows.map((row) => ({
    day: row.day.toISOString().slice(0, 10),
    base: row.base,
    quote: row.quote,
    rate: row.rate.toFixed(10),
    source: row.source,
  }));
}

describe("exact cross rates", () => {
  it("divides decimal strings exactly, rounding half up at 10 decimals", () => {
    expect(divideRates("1", "3")).toBe("0.3333333333");
    expect(divideRates("2", "3")).toBe("0.6666666667");
    expect(divideRates("158.35", "1.4892")).toBe("106.3322589310");
    expect(divideRates("0.00000000005", "1")).toBe("0.0000000001");
  });

  it("reads the CSV and XML formats to the same days", () => {
    const csv = parseEcbRates(CSV);
    const xml = parseEcbRates(XML);
    expect(crossRates(xml, ["CAD", "EUR", "GBP", "JPY"], "USD")).toEqual(
      crossRates(csv, ["CAD", "EUR", "GBP", "JPY"], "USD"),
    );
    expect(crossRates(csv, ["JPY"], "EUR")).toEqual([
      { day: "2026-01-06", base: "JPY", quote: "EUR", rate: "0.0062500000" },
      { day: "2026-01-05", base: "JPY", quote: "EUR", rate: "0.0063151247" },
    ]);
  });

  it("names the line and column of a bad value", () => {
    expect(() => parseEcbRates(CSV.replace("158.35", "15o.35"), "rates.csv")).toThrow(
      'rates.csv, line 3, column 3: JPY rate "15o.35" is not a positive decimal number.',
    );
    expect(() => parseEcbRates(CSV.replace("2026-01-06", "2026-02-30"), "rates.csv")).toThrow(
      'rates.csv, line 2, column 1: "2026-02-30" is not a date (YYYY-MM-DD).',
    );
    expect(() => parseEcbRates(CSV.replace("1.5000,N/A,", "1.5000,"), "rates.csv")).toThrow(
      "rates.csv, line 2, column 5: GBP rate is empty (the ECB writes N/A when none was published).",
    );
    expect(() => parseEcbRates(CSV.replace("1.5000,N/A,", "1.5000"), "rates.csv")).toThrow(
      "rates.csv, line 2: expected 5 values (Date + 4 currencies), found 4.",
    );
    expect(() => parseEcbRates(CSV.replace("GBP", "GB"), "rates.csv")).toThrow(
      'rates.csv, line 1, column 5: "GB" is not an ISO 4217 currency code.',
    );
    expect(() => parseEcbRates(XML.replace('rate="0.8650"', 'rate="-0.8650"'), "rates.xml")).toThrow(
      'rates.xml, line 17: GBP rate="-0.8650" is not a positive decimal number.',
    );
  });
});

describe("importing ECB reference rates", () => {
  it("stores cross rates into the shop's currency for the currencies it has amounts in", async () => {
    const shop = await shopWithCurrencies("fx.myshopify.com", ["USD", "CAD", "EUR", "GBP", "CHF"]);
    const result = await importReferenceRates(shop, CSV, "eurofxref-hist.csv");
    expect(result).toEqual({
      days: 2,
      firstDay: "2026-01-05",
      lastDay: "2026-01-06",
      stored: 5,
      pairs: ["CAD→USD", "EUR→USD", "GBP→USD"],
      missingCurrencies: ["CHF"],
    });
    expect(await storedRates(shop.id)).toEqual(
      EXPECTED.map((rate) => ({ ...rate, quote: "USD", source: "reference" })),
    );
    // The report converts with them.
    const report = await salesReport(shop, "2026-01-05", "2026-01-05");
    // 100 USD + 73.33467634 CAD + 109.21 EUR + 126.25433526 GBP = 408.79901160; CHF left out.
    expect(report.total.netSales).toBe("408.80");
    expect(report.total.unconverted.map((entry) => entry.currency)).toEqual(["CHF"]);
  });

  it("is idempotent and updates a corrected rate", async () => {
    const shop = await shopWithCurrencies("fx.myshopify.com", ["CAD"]);
    await importReferenceRates(shop, CSV);
    await importReferenceRates(shop, XML);
    expect(await storedRates(shop.id)).toHaveLength(2);
    await importReferenceRates(shop, CSV.replace("1.5000", "1.6000"));
    const rates = await storedRates(shop.id);
    expect(rates.map((rate) => rate.rate)).toEqual(["0.7333467634", "0.6875000000"]);
  });

  it("stores nothing when a line is bad, and never touches another shop", async () => {
    const shop = await shopWithCurrencies("fx.myshopify.com", ["CAD"]);
    const other = await shopWithCurrencies("other.myshopify.com", ["CAD"]);
    await importReferenceRates(other, CSV);
    await expect(importReferenceRates(shop, CSV.replace("1.4892", "abc"), "bad.csv")).rejects.toThrow(
      'bad.csv, line 3, column 4: CAD rate "abc" is not a positive decimal number.',
    );
    expect(await storedRates(shop.id)).toEqual([]);
    expect(await storedRates(other.id)).toHaveLength(2);
  });

  it("refuses a file without the shop's currency", async () => {
    const shop = await createShop("aud.myshopify.com", { timezone: "Australia/Sydney", currency: "AUD" });
    await expect(importReferenceRates(shop, CSV, "rates.csv")).rejects.toThrow(
      "rates.csv has no AUD rates, the shop's currency",
    );
  });
});

describe("manual rates", () => {
  it("upserts one manual rate per day and pair, which the report prefers", async () => {
    const shop = await shopWithCurrencies("fx.myshopify.com", ["CAD"]);
    await importReferenceRates(shop, CSV);
    await setManualRate(shop.id, { day: "2026-01-05", base: "cad", quote: "USD", rate: "0.7" });
    await setManualRate(shop.id, { day: "2026-01-05", base: "CAD", quote: "USD", rate: "0.72" });
    const manual = (await storedRates(shop.id)).filter((rate) => rate.source === "manual");
    expect(manual).toEqual([{ day: "2026-01-05", base: "CAD", quote: "USD", rate: "0.7200000000", source: "manual" }]);
    const report = await salesReport(shop, "2026-01-05", "2026-01-05");
    expect(report.total.netSales).toBe("72.00");
  });

  it("rejects bad input with the flag it came from", async () => {
    const shop = await shopWithCurrencies("fx.myshopify.com", []);
    const set = (rate: string, day = "2026-01-05") => setManualRate(shop.id, { day, base: "CAD", quote: "USD", rate });
    await expect(set("0")).rejects.toThrow("--rate must be greater than zero");
    await expect(set("1.12345678901")).rejects.toThrow("--rate has more than 10 decimals");
    await expect(set("1e3")).rejects.toThrow("--rate must be a positive decimal number");
    await expect(set("1.3", "2026-13-01")).rejects.toThrow("--day must be a calendar day YYYY-MM-DD");
    await expect(setManualRate(shop.id, { day: "2026-01-05", base: "USD", quote: "USD", rate: "1" })).rejects.toThrow(
      "--base and --quote must differ",
    );
    expect(await prisma.fxRate.count()).toBe(0);
  });
});

describe("fx CLI", () => {
  it("sets a manual rate and imports a file", async () => {
    const shop = await shopWithCurrencies("cli-fx.myshopify.com", ["CAD"]);
    const directory = await mkdtemp(join(tmpdir(), "fx-"));
    const file = join(directory, "eurofxref-hist.xml");
    await writeFile(file, XML);
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    expect(await runCli(["fx", "import", "--shop", shop.domain, "--file", file], io)).toBe(0);
    expect(lines).toEqual([
      `cli-fx.myshopify.com: 2 reference rates from 2 days (2026-01-05 to 2026-01-06) for CAD→USD.`,
    ]);
    lines.length = 0;
    const args = ["fx", "set", "--shop", shop.domain, "--day", "2026-01-07", "--base", "CAD", "--quote", "USD"];
    expect(await runCli([...args, "--rate", "0.7311"], io)).toBe(0);
    expect(lines).toEqual(["cli-fx.myshopify.com: 1 CAD = 0.7311000000 USD on 2026-01-07 (manual)."]);
    lines.length = 0;
    expect(await runCli([...args, "--rate", "seven"], io)).toBe(2);
    expect(lines[0]).toContain('--rate must be a positive decimal number such as "1.3652"; got "seven".');
    expect(await prisma.fxRate.count({ where: { shopId: shop.id } })).toBe(3);
    expect(await prisma.auditLog.count({ where: { shopId: shop.id, action: { startsWith: "fx." } } })).toBe(2);
  });
});
