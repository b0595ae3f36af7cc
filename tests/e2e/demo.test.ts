import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DESKTOP_USER_AGENT, launchBrowser } from "../support/browser.ts";
import { startDemo } from "../support/demo-server.ts";

let demo: Awaited<ReturnType<typeof startDemo>>;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe("npm run demo", () => {
  it("serves the demo shop's overview in Polaris, with the empty state while nothing is connected", async () => {
    const page = await browser.newPage({ userAgent: DESKTOP_USER_AGENT });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    const response = await page.goto(`${demo.url}/`);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/app");

    await expect.poll(() => page.getByText("Connect your sales channels").count()).toBe(1);
    await page.screenshot({ path: "test-results/demo-overview.png", fullPage: true });
    expect(await page.getByText("Reporting in USD, days in America/New_York").count()).toBe(1);
    expect(await page.getByText("npm run cli -- connect --shop crosschannel-demo.myshopify.com").count()).toBe(1);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("offers Amazon's sign-in page, and says when this installation has no Amazon app credentials", async () => {
    const page = await browser.newPage({ userAgent: DESKTOP_USER_AGENT });
    await page.goto(`${demo.url}/app`);
    await page.getByRole("link", { name: "Connect Amazon" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Sign in with Amazon" }).count()).toBe(1);
    expect(await page.getByText("This installation has no Amazon app credentials").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Sign in with Amazon" }).isDisabled()).toBe(true);
    await page.close();
  });

  it("serves one shop only, whatever shop the URL names", async () => {
    const page = await browser.newPage({ userAgent: DESKTOP_USER_AGENT });
    await page.goto(`${demo.url}/app?shop=someone-else.myshopify.com`);
    expect(await page.getByText("crosschannel-demo", { exact: false }).count()).toBeGreaterThan(0);
    expect(await page.getByText("someone-else").count()).toBe(0);
    await page.close();
  });
});
