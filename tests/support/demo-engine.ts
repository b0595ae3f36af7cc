import pg from "pg";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";

import { launchBrowser } from "./browser.ts";

/** The demo shop of `npm run demo`. */
export const DEMO_SHOP = "crosschannel-demo.myshopify.com";

/**
 * A page test file on the shared demo: Chromium, and a client on the demo's database to check
 * the page's figures against (and, with `engine`, the engine's first run finished).
 */
export function demoPageSuite(options: { engine?: boolean } = {}) {
  const demo = inject("demo");
  let browser: Browser | undefined;
  let db: pg.Client | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
    db = new pg.Client({ connectionString: demo.databaseUrl });
    await db.connect();
    if (options.engine) await waitForEngine(db, DEMO_SHOP);
  }, 320_000);
  afterAll(async () => {
    await browser?.close();
    await db?.end();
  });
  return {
    url: demo.url,
    get browser(): Browser {
      if (!browser) throw new Error("demoPageSuite: the browser is not started (use it inside a test)");
      return browser;
    },
    get db(): pg.Client {
      if (!db) throw new Error("demoPageSuite: the database client is not connected (use it inside a test)");
      return db;
    },
  };
}

/**
 * Waits until the demo's engine has run for a shop: `npm run demo` queues forecasts, alerts and
 * the weekly insight once the whole history is imported, a while after it says "Ready". Done
 * when forecasts and alerts exist and their counts held still for two polls in a row.
 */
export async function waitForEngine(db: pg.Client, shopDomain: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const result = await db.query<{ forecasts: number; alerts: number }>(
      `select (select count(*)::int from "Forecast" f where f."shopId" = s.id) as forecasts,
              (select count(*)::int from "Alert" a where a."shopId" = s.id) as alerts
       from "Shop" s where s.domain = $1`,
      [shopDomain],
    );
    const row = result.rows[0];
    const now = row ? `${row.forecasts}/${row.alerts}` : "";
    if (row && row.forecasts > 0 && row.alerts > 0 && now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 4_000));
  }
  throw new Error(
    `The demo's engine did not finish within ${timeoutMs / 1000} s (forecasts/alerts: ${last || "none"}).`,
  );
}
