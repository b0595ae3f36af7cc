// Built for Shopify's admin vitals for the overview, measured in Debian's Chromium on a shop with
// 1,000,000 order lines (quick: 100,000) ending today: the production build served by
// `remix-serve` (standalone, on loopback), 20 loads, each read with the browser's own
// PerformanceObserver entries. LCP: the last largest-contentful-paint before any input. CLS: the
// sum of layout shifts without recent input. INP: the longest event of a date-range change made
// with the keyboard (the select's ArrowDown, which navigates to the next preset). p75 of the loads.
// Then `load.overview.p95Ms`: 100 concurrent overview requests against the same server.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";

import { localDay } from "#app/analytics/days.ts";

import { DESKTOP_USER_AGENT, launchBrowser } from "../support/browser.ts";
import { freePort } from "../support/ports.ts";
import { TIMEZONE, generateShopData } from "./overview.bench.ts";
import { type BenchResult, createShop, percentile, startBenchDatabase } from "./support.ts";

const require = createRequire(import.meta.url);
const LOADS = 20;
const CONCURRENT = 100;
const SHOP = "vitals-bench.myshopify.com";

/** Collects LCP, CLS and event timings from the first paint on (installed before the page's scripts). */
const OBSERVE = `
  window.__vitals = { lcp: 0, cls: 0, events: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__vitals.lcp = entry.startTime;
  }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__vitals.cls += entry.value;
  }).observe({ type: "layout-shift", buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.interactionId) window.__vitals.events.push({ name: entry.name, duration: entry.duration });
    }
  }).observe({ type: "event", durationThreshold: 16, buffered: true });
`;

interface Vitals {
  lcp: number;
  cls: number;
  events: Array<{ name: string; duration: number }>;
}

export default async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const lines = opts.quick ? 100_000 : 1_000_000;
  const database = await startBenchDatabase("vitals");
  const { closeIngestPool, ingestPool } = await import("#app/db/pool.server.ts");
  let server: ReturnType<typeof spawn> | null = null;
  const browser = await launchBrowser();
  try {
    const pool = ingestPool();
    pool.on("error", () => undefined);
    const { refreshRollups } = await import("#app/services/rollups.server.ts");
    const shop = { id: "bench-vitals", domain: SHOP, timezone: TIMEZONE, currency: "USD" };
    const connections = await createShop(pool, shop);
    const client = await pool.connect();
    try {
      await generateShopData(client, shop.id, connections, lines, { today: localDay(new Date(), TIMEZONE) });
    } finally {
      client.release();
    }
    await refreshRollups(shop.id);
    await pool.query("vacuum analyze");

    // The production build of the code as it is now.
    const build = spawnSync("npm", ["run", "build"], { encoding: "utf8" });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let output = "";
    server = spawn(process.execPath, [require.resolve("@remix-run/serve/dist/cli.js"), "./build/server/index.js"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: database.url,
        CROSSCHANNEL_STANDALONE: "1",
        CROSSCHANNEL_STANDALONE_SHOP: SHOP,
        CROSSCHANNEL_STANDALONE_SECRET: randomBytes(33).toString("base64url"),
        SHOPIFY_API_KEY: "vitals-bench",
        SHOPIFY_API_SECRET: randomBytes(24).toString("hex"),
        SHOPIFY_ADMIN_API_ACCESS_TOKEN: "shpat_vitals_bench",
        SHOPIFY_APP_URL: url,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const answer = await fetch(`${url}/app`, { headers: { "user-agent": DESKTOP_USER_AGENT } }).catch(() => null);
      if (answer?.ok) break;
      if (Date.now() > deadline) throw new Error(`The app did not answer /app within 60 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    const lcp: number[] = [];
    const cls: number[] = [];
    const inp: number[] = [];
    for (let index = 0; index < LOADS; index += 1) {
      const context = await browser.newContext({
        userAgent: DESKTOP_USER_AGENT,
        viewport: { width: 1280, height: 900 },
      });
      await context.addInitScript(OBSERVE);
      const page = await context.newPage();
      await page.goto(`${url}/app`, { waitUntil: "load" });
      await page.waitForLoadState("networkidle");
      // Charts draw after hydration: give them their time before the first input ends LCP.
      await page.waitForTimeout(500);
      const loaded = (await page.evaluate("window.__vitals")) as Vitals;
      lcp.push(loaded.lcp);
      cls.push(loaded.cls);
      const before = new URL(page.url()).searchParams.get("from");
      await page.locator("#range-preset").focus();
      await page.keyboard.press("ArrowDown");
      await page.waitForURL((current) => current.searchParams.get("from") !== before, { timeout: 30_000 });
      await page.waitForLoadState("networkidle");
      await page.waitForTimeout(200);
      const after = (await page.evaluate("window.__vitals")) as Vitals;
      inp.push(Math.max(0, ...after.events.map((event) => event.duration)));
      await context.close();
    }
    // Load: 100 overview requests at once, each read to its end (the streamed parts included).
    const load = await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        const started = performance.now();
        const answer = await fetch(`${url}/app`, { headers: { "user-agent": DESKTOP_USER_AGENT } });
        await answer.text();
        if (!answer.ok) throw new Error(`GET /app under load answered ${answer.status}`);
        return performance.now() - started;
      }),
    );
    const scale = `${lines.toLocaleString("en-US")} lines, p75 of ${LOADS} loads`;
    return [
      { name: "vitals.lcpMs", value: percentile(lcp, 75), unit: "ms", target: `<= 1500 (${scale})` },
      { name: "vitals.cls", value: percentile(cls, 75), unit: "", target: `<= 0.05 (${scale})` },
      {
        name: "load.overview.p95Ms",
        value: percentile(load, 95),
        unit: "ms",
        target: `<= 300 (${CONCURRENT} concurrent GET /app, ${lines.toLocaleString("en-US")} lines)`,
      },
      { name: "vitals.inpMs", value: percentile(inp, 75), unit: "ms", target: `<= 100 (date-range change, ${scale})` },
    ];
  } finally {
    await browser.close();
    server?.kill("SIGTERM");
    await closeIngestPool();
    await database.close();
  }
}
