// Every section of the app's navigation opens, in Chromium, on the running demo: its title,
// the navigation itself, keyboard focus that shows, no console errors, and a layout that fits
// 375 px without sideways scrolling.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { NAV_PAGES } from "#app/components/nav.ts";

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

describe("the app's navigation", () => {
  it.each(NAV_PAGES.map((entry) => [entry.label, entry.url]))("%s (%s) opens from the menu", async (label, url) => {
    const { page, errors } = await openPage(browser, `${demo.url}/app`);
    await page.getByRole("link", { name: label, exact: true }).first().click();
    await page.waitForURL((current) => current.pathname === url);
    // The URL changes when the navigation starts; the page's heading once its loader answered.
    await expect.poll(() => page.locator("h1").first().textContent(), { timeout: 30_000 }).toContain(label);

    // Keyboard: the first Tab lands on something focusable, and the focus is drawn.
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return null;
      const style = getComputedStyle(element);
      return { tag: element.tagName, outline: style.outlineStyle, shadow: style.boxShadow };
    });
    expect(focused, "Tab should move focus into the page").not.toBeNull();

    await page.setViewportSize({ width: 375, height: 812 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${url} scrolls sideways at 375 px`).toBeLessThanOrEqual(1);

    await screenshots(page, `nav-${label.toLowerCase()}`);
    expect(errors).toEqual([]);
    await page.close();
  });
});
