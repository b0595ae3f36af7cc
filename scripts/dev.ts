// `npm run dev`: `shopify app dev` (tunnel, app config, the Remix dev server), on DATABASE_URL
// or the local PostgreSQL under .data/, with migrations applied first.
import { spawn } from "node:child_process";

import { resolveDatabase } from "../app/db/local-postgres.server.ts";
import { migrateIfNeeded } from "../app/db/migrations.server.ts";

const database = await resolveDatabase({ log: (line) => process.stdout.write(`[postgres] ${line}\n`) });
await migrateIfNeeded(database.url);
const child = spawn("npx", ["shopify", "app", "dev", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: database.url },
});
const code = await new Promise<number>((resolve) => child.once("exit", (exitCode) => resolve(exitCode ?? 0)));
await database.stop();
process.exit(code);
