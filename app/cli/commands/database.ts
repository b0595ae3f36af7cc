import { runPrismaOrThrow } from "#app/db/prisma-cli.server.ts";

import { applyMigrations, ensureDatabase } from "../runtime.ts";

/** `migrate` and `npm run setup`: generate the Prisma client, then apply pending migrations. */
export async function migrate(out: (line: string) => void): Promise<number> {
  await runPrismaOrThrow(["generate"], { quiet: true });
  const url = await ensureDatabase({ autoMigrate: false });
  await applyMigrations(url);
  out("Database is up to date.");
  return 0;
}
