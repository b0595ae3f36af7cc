// The Insights page on the running demo, in Chromium: the week's summary written on demand,
// net sales with anomalies marked, and an alert dismissed then reopened (leaving the demo as it was).
import { describe, expect, it } from "vitest";

import { DEMO_SHOP, demoPageSuite } from "../../support/demo-engine.ts";
import { openPage, screenshots } from "../../support/pages.ts";

// Forecasts, alerts and anomalies come from the engine's first run, after the whole history is in.
const suite = demoPageSuite({ engine: true });
const SHOP = DEMO_SHOP;

/** The status of the demo shop's alert with this title. */
async function statusOf(title: string) {
  const result = await suite.db.query<{ status: string }>(
    `select a.status::text as status from "Alert" a join "Shop" s on s.id = a."shopId"
     where s.domain = $1 and a.title = $2`,
    [SHOP, title],
  );
  return result.rows.map((row) => row.status);
}

describe("insights page", () => {
  it("writes this week's summary on demand and draws each channel's net sales with its anomalies", async () => {
    const { page, errors } = await openPage(suite.browser, `${suite.url}/app/insights`);
    await page.getByRole("button", { name: /Write (this week's summary|it again now)/ }).click();
    await expect.poll(() => page.locator("#insights-result").innerText()).toBe("This week's summary is written.");
    const summary = await page.locator("#weekly-insight").innerText();
    expect(summary).toMatch(/Net sales (rose|fell|were)/);
    // The newest insight in the database is the one shown.
    const stored = await suite.db.query<{ text: string }>(
      `select i.text from "Insight" i join "Shop" s on s.id = i."shopId" where s.domain = $1
       order by i."createdAt" desc limit 1`,
      [SHOP],
    );
    expect(summary).toContain(stored.rows[0]!.text);
    // One chart per channel and currency with sales; each lists its anomalies under it.
    const lists = page.locator('[id^="anomalies-"]');
    expect(await lists.count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('[aria-label*="anomalies marked"] svg').count()).toBeGreaterThanOrEqual(3);
    await screenshots(page, "insights");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("dismisses an alert, shows it under Dismissed, and reopens it", async () => {
    const { page, errors } = await openPage(suite.browser, `${suite.url}/app/insights`);
    const first = page.getByRole("button", { name: /^Dismiss: / }).first();
    const title = (await first.getAttribute("aria-label"))!.replace(/^Dismiss: /, "");
    expect(await statusOf(title)).toEqual(["open"]);
    await first.click();
    await expect.poll(() => page.locator("#insights-result").innerText()).toBe("Alert dismissed.");
    expect(await statusOf(title)).toEqual(["dismissed"]);

    await page.getByRole("tab", { name: /Dismissed/ }).click();
    await page.waitForURL((url) => url.searchParams.get("status") === "dismissed");
    const reopen = page.getByRole("button", { name: `Reopen: ${title}` });
    await expect.poll(() => reopen.count()).toBe(1);
    await reopen.click();
    await expect.poll(() => page.locator("#insights-result").innerText()).toBe("Alert reopened.");
    expect(await statusOf(title)).toEqual(["open"]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
