import { mkdir } from "node:fs/promises";

import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";

import { DESKTOP_USER_AGENT } from "./browser.ts";

export const SCREENSHOTS = "test-results/screenshots";

export interface OpenedPage {
  page: Page;
  /** Page errors and console errors seen so far; a page test ends by expecting none. */
  errors: string[];
}

/** Opens an app page in Chromium as a merchant would (desktop size unless told) and checks it answered 200. */
export async function openPage(
  browser: Browser,
  url: string,
  options: { width?: number; height?: number } = {},
): Promise<OpenedPage> {
  const page = await browser.newPage({
    userAgent: DESKTOP_USER_AGENT,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
  });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  const response = await page.goto(url);
  expect(response?.status(), `GET ${url}`).toBe(200);
  return { page, errors };
}

/** Full-page screenshots at desktop width and at 375 px, saved as test artifacts. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}-375.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/**
 * A table's body as shown: one array of cell texts per row, without the words Polaris adds for
 * screen readers only (a badge's tone, say).
 */
export async function tableTexts(page: Page, selector: string): Promise<string[][]> {
  return page.locator(`${selector} tbody tr`).evaluateAll((rows) =>
    rows.map((row) =>
      [...row.children].map((cell) => {
        let text = (cell as HTMLElement).innerText;
        for (const hidden of cell.querySelectorAll('[class*="visuallyHidden"]')) {
          text = text.replace(hidden.textContent ?? "", "");
        }
        return text.trim();
      }),
    ),
  );
}
