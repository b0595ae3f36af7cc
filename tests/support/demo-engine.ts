import type pg from "pg";

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
