// `npm start`: the production web server (remix-serve on the built app). Applies pending
// migrations first, so the Docker image and a plain `npm start` behave the same.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

import { resolveDatabase } from "../app/db/local-postgres.server.ts";
import { migrateIfNeeded } from "../app/db/migrations.server.ts";

const require = createRequire(import.meta.url);

export async function startWebServer(env: NodeJS.ProcessEnv = process.env) {
  if (!existsSync("build/server/index.js")) {
    throw new Error("No build found in build/: run `npm run build` first.");
  }
  const database = await resolveDatabase();
  await migrateIfNeeded(database.url, { quiet: true });
  const serve = require.resolve("@remix-run/serve/dist/cli.js");
  const child = spawn(process.execPath, [serve, "./build/server/index.js"], {
    stdio: "inherit",
    env: { ...env, DATABASE_URL: database.url, NODE_ENV: "production" },
  });
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const code = await new Promise<number>((resolve) => child.once("exit", (exitCode) => resolve(exitCode ?? 0)));
  await database.stop();
  return code;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(await startWebServer());
}
