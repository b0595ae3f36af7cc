import { existsSync } from "node:fs";

import { chromium, type Browser } from "playwright-core";

const CHROMIUM = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (path): path is string => Boolean(path && existsSync(path)),
);

/** Debian's Chromium through playwright-core (CI installs it with apt; nothing is downloaded). */
export async function launchBrowser(): Promise<Browser> {
  if (!CHROMIUM) {
    throw new Error(
      "Chromium is not installed: `apt-get install -y chromium` (as .ci/run does), or set CHROMIUM_PATH.",
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      // Without these Chromium floods a closed network with connection attempts.
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Headless Chromium announces itself as "HeadlessChrome", which Shopify's library answers as a
 * bot (410). Pages here present the user agent of the same Chromium with a window.
 */
export const DESKTOP_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
