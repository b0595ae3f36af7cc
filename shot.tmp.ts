import { launchBrowser, DESKTOP_USER_AGENT } from "./tests/support/browser.ts";
const browser = await launchBrowser();
for (const [w, name] of [[1280, "desktop"], [375, "mobile"]] as const) {
  const page = await browser.newPage({ userAgent: DESKTOP_USER_AGENT, viewport: { width: w, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(process.argv[2] ?? "http://localhost:3100/app");
  await page.waitForTimeout(2500);
  await page.screenshot({ path: `test-results/manual-${name}.png`, fullPage: true });
  console.log(name, errors);
}
await browser.close();
