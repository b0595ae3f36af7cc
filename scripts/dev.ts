// `npm run dev`: `shopify app dev` (tunnel, app config, the Remix dev server), on DATABASE_URL
// or the local PostgreSQL under .data/, with migrations applied first.
import { spawn } from "node:child_process";

import { resolveDatabase } from "../app/db/local-postgres.server.ts";
import { migrateIfNeeded } from "../app/db/migrations.server.ts";

// `shopify app dev` logs in to your Partner account in a browser, then tunnels to your dev store:
// it needs a terminal (or a CLI token) and the network. Say so instead of hanging without one.
if (!process.stdin.isTTY && !process.env.SHOPIFY_CLI_PARTNERS_TOKEN) {
  process.stderr.write(
    "npm run dev runs `shopify app dev`, which signs in to your Shopify Partner account: run it in a terminal, " +
      "or set SHOPIFY_CLI_PARTNERS_TOKEN. To try Crosschannel without an account: npm run demo\n",
  );
  process.exit(1);
}

const database = await resolveDatabase({ log: (line) => process.stdout.write(`[postgres] ${line}\n`) });
await migrateIfNeeded(database.url);
const child = spawn("npx", ["shopify", "app", "dev", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: database.url },
});
const code = await new Promise<number>((resolve) => child.once("exit", (exitCode) => resolve(exitCode ?? 0)));
await database.stop();
process.exit(code);
