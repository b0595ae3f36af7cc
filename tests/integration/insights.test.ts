import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { generateInsight } from "#app/services/insights.server.ts";

let server: Server | undefined;

afterEach(async () => {
  await closeIngestPool();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const TODAY = "2026-03-09"; // Monday: this week is Mar 2–8, last week Feb 23–Mar 1

type Row = { day: string; channel: "amazon" | "bestbuy"; sku: string; currency: string } & Partial<{
  orders: number;
  units: number;
  netSales: string;
}>;

async function seed(extra: Row[] = []) {
  const shop = await prisma.shop.create({
    data: { domain: "insights.myshopify.com", timezone: "America/Toronto", currency: "USD" },
  });
  const rows: Row[] = [
    { day: "2026-03-03", channel: "amazon", sku: "", currency: "USD", orders: 6 },
    { day: "2026-03-03", channel: "amazon", sku: "MUG", currency: "USD", orders: 6, units: 10, netSales: "300.00" },
    { day: "2026-03-04", channel: "bestbuy", sku: "", currency: "CAD", orders: 2 },
    { day: "2026-03-04", channel: "bestbuy", sku: "CAP", currency: "CAD", orders: 2, units: 2, netSales: "100.00" },
    { day: "2026-02-24", channel: "amazon", sku: "", currency: "USD", orders: 5 },
    { day: "2026-02-24", channel: "amazon", sku: "MUG", currency: "USD", orders: 5, units: 8, netSales: "200.00" },
    { day: "2026-02-25", channel: "bestbuy", sku: "", currency: "CAD", orders: 3 },
    { day: "2026-02-25", channel: "bestbuy", sku: "CAP", currency: "CAD", orders: 3, units: 3, netSales: "150.00" },
    // Outside both weeks: counts nowhere.
    { day: "2026-03-09", channel: "amazon", sku: "MUG", currency: "USD", orders: 1, units: 99, netSales: "999.00" },
    ...extra,
  ];
  await prisma.dailyRollup.createMany({
    data: rows.map((row) => ({ ...row, shopId: shop.id, day: new Date(`${row.day}T00:00:00Z`) })),
  });
  await prisma.fxRate.createMany({
    data: [
      {
        shopId: shop.id,
        day: new Date("2026-03-04T00:00:00Z"),
        base: "CAD",
        quote: "USD",
        rate: "0.7",
        source: "reference",
      },
      {
        shopId: shop.id,
        day: new Date("2026-02-25T00:00:00Z"),
        base: "CAD",
        quote: "USD",
        rate: "0.75",
        source: "manual",
      },
    ],
  });
  return shop;
}

// This week: 300 USD + 100 CAD × 0.70 = 370.00; last week: 200 USD + 150 CAD × 0.75 = 312.50.
const EXPECTED_TEXT =
  "Net sales rose 18.4% to $370.00 this week, driven by Amazon (+$100.00) and SKU MUG (+$100.00); Best Buy fell 37.8%. " +
  "Orders held at 8; units rose 9.1% to 12.";

describe("insights", () => {
  it("compares this week with the last, converted, by channel and product", async () => {
    const shop = await seed();
    const insight = await generateInsight(shop, { period: "weekly", today: TODAY, env: {} });
    expect(insight).toMatchObject({ shopId: shop.id, period: "weekly", text: EXPECTED_TEXT, rewritten: null });
    expect(insight.fromDay.toISOString().slice(0, 10)).toBe("2026-03-02");
    expect(insight.toDay.toISOString().slice(0, 10)).toBe("2026-03-08");
    const facts = (insight.facts as { facts: Array<Record<string, unknown>> }).facts;
    expect(
      facts.map((fact) => [fact.subject, fact.key, fact.metric, fact.current, fact.previous, fact.change]),
    ).toEqual([
      ["total", "total", "netSales", "370.00", "312.50", "57.50"],
      ["total", "total", "orders", 8, 8, 0],
      ["total", "total", "units", 12, 11, 1],
      ["channel", "amazon", "netSales", "300.00", "200.00", "100.00"],
      ["channel", "bestbuy", "netSales", "70.00", "112.50", "-42.50"],
      ["product", "MUG", "netSales", "300.00", "200.00", "100.00"],
      ["product", "CAP", "netSales", "70.00", "112.50", "-42.50"],
    ]);
    expect(await prisma.insight.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("says which currencies lack a rate instead of totalling them", async () => {
    const shop = await seed([
      { day: "2026-03-05", channel: "bestbuy", sku: "", currency: "GBP", orders: 1 },
      { day: "2026-03-05", channel: "bestbuy", sku: "CAP", currency: "GBP", orders: 1, units: 1, netSales: "40.00" },
    ]);
    const insight = await generateInsight(shop, { period: "on_demand", today: TODAY, env: {} });
    expect(insight.text).toBe(
      "Net sales can't be totalled this week: GBP amounts have no exchange rate. " +
        "Orders rose 12.5% to 9; units rose 18.2% to 13. " +
        "Best Buy can't be totalled this week: GBP amounts have no exchange rate.",
    );
    const facts = (insight.facts as { facts: Array<Record<string, unknown>> }).facts;
    expect(facts[0]).toMatchObject({ key: "total", current: null, previous: "312.50", missingRates: ["GBP"] });
    expect(facts.find((fact) => fact.key === "amazon")).toMatchObject({ current: "300.00", change: "100.00" });
    expect(facts.find((fact) => fact.key === "CAP")).toMatchObject({ current: null, missingRates: ["GBP"] });
  });

  it("stores an LLM rewrite from an OpenAI-compatible endpoint", async () => {
    const requests: Array<{ url?: string; authorization?: string; body: Record<string, unknown> }> = [];
    const base = await listen(async (request, body) => {
      requests.push({ url: request.url, authorization: request.headers.authorization, body: JSON.parse(body) });
      if (request.headers.authorization !== "Bearer sk-test-123") return { status: 401, body: { error: "bad key" } };
      return {
        status: 200,
        body: { choices: [{ message: { role: "assistant", content: " Sales were up 18.4%. " } }] },
      };
    });
    const shop = await seed();
    const insight = await generateInsight(shop, {
      period: "weekly",
      today: TODAY,
      env: { OPENAI_BASE_URL: `${base}/v1/`, OPENAI_API_KEY: "sk-test-123" },
    });
    expect(insight.text).toBe(EXPECTED_TEXT);
    expect(insight.rewritten).toBe("Sales were up 18.4%.");
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe("/v1/chat/completions");
    const messages = requests[0]?.body.messages as Array<{ role: string; content: string }>;
    expect(requests[0]?.body.model).toBe("gpt-4o-mini");
    expect(messages.map((message) => message.role)).toEqual(["system", "user"]);
    expect(messages[1]?.content).toContain(EXPECTED_TEXT.split(". ")[0]);
  });

  it("keeps the deterministic text when the LLM fails, and never logs the key", async () => {
    const base = await listen(async () => ({ status: 500, body: { error: "overloaded" } }));
    const shop = await seed();
    const logs: string[] = [];
    const env = { OPENAI_BASE_URL: base, OPENAI_API_KEY: "sk-secret-456", OPENAI_MODEL: "local-model" };
    const failed = await generateInsight(shop, { period: "weekly", today: TODAY, env, log: (line) => logs.push(line) });
    expect(failed).toMatchObject({ text: EXPECTED_TEXT, rewritten: null });
    // Nothing listening: a network error, also swallowed.
    const unreachable = await generateInsight(shop, {
      period: "weekly",
      today: TODAY,
      env: { ...env, OPENAI_BASE_URL: "http://127.0.0.1:9" },
      log: (line) => logs.push(line),
    });
    expect(unreachable).toMatchObject({ text: EXPECTED_TEXT, rewritten: null });
    expect(logs).toHaveLength(2);
    expect(logs[0]).toContain("HTTP 500");
    expect(logs.join("\n")).not.toContain("sk-secret-456");
  });
});

async function listen(
  handle: (request: IncomingMessage, body: string) => Promise<{ status: number; body: unknown }>,
): Promise<string> {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      void handle(request, body).then((answer) => {
        response.writeHead(answer.status, { "content-type": "application/json" });
        response.end(JSON.stringify(answer.body));
      });
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
}
