// `npm run demo`: the whole app on this machine, no Shopify account needed. It runs the app
// standalone (Shopify's admin-created custom app mode) for one local demo shop, on the
// embedded PostgreSQL unless DATABASE_URL is set.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";

import { resolveDatabase } from "../app/db/local-postgres.server.ts";
import { migrateIfNeeded } from "../app/db/migrations.server.ts";
import { runPrismaOrThrow } from "../app/db/prisma-cli.server.ts";

const require = createRequire(import.meta.url);

export const DEMO_SHOP = {
  shop: "crosschannel-demo.myshopify.com",
  timezone: "America/New_York",
  currency: "USD",
};

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [command, ...args], { stdio: "inherit", env });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

const port = Number(process.env.PORT ?? 3000);
const log = (line: string) => process.stdout.write(`[demo] ${line}\n`);

log("Preparing the database…");
await runPrismaOrThrow(["generate"], { quiet: true });
const database = await resolveDatabase({ log: () => undefined });
await migrateIfNeeded(database.url, { quiet: true });

const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: database.url,
  PORT: String(port),
  CROSSCHANNEL_STANDALONE: "1",
  CROSSCHANNEL_STANDALONE_SHOP: DEMO_SHOP.shop,
  SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY ?? "crosschannel-demo",
  // Per run: the demo signs nothing anyone else needs to verify.
  SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET ?? randomBytes(24).toString("base64url"),
  SHOPIFY_ADMIN_API_ACCESS_TOKEN: process.env.SHOPIFY_ADMIN_API_ACCESS_TOKEN ?? randomBytes(24).toString("base64url"),
  SHOPIFY_APP_URL: process.env.SHOPIFY_APP_URL ?? `http://localhost:${port}`,
};

{
  const { addLocalShop } = await import("../app/services/shops.server.ts");
  await addLocalShop(DEMO_SHOP);
  const prisma = globalThis.__crosschannelPrisma;
  await prisma?.$disconnect();
}

if (process.env.CROSSCHANNEL_DEMO_SKIP_BUILD !== "1") {
  log("Building the app…");
  const code = await run(require.resolve("@remix-run/dev/dist/cli.js"), ["vite:build"], {
    ...env,
    NODE_ENV: "production",
  });
  if (code !== 0) {
    await database.stop();
    process.exit(code);
  }
}

log(`Crosschannel is running at http://localhost:${port}/app (shop ${DEMO_SHOP.shop}). Press Ctrl+C to stop.`);
const server = spawn(process.execPath, [require.resolve("@remix-run/serve/dist/cli.js"), "./build/server/index.js"], {
  stdio: "inherit",
  env: { ...env, NODE_ENV: "production" },
});
const stop = (signal: NodeJS.Signals) => server.kill(signal);
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
const code = await new Promise<number>((resolve) => server.once("exit", (exitCode) => resolve(exitCode ?? 0)));
await database.stop();
process.exit(code);
