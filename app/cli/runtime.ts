import { resolveDatabase, type LocalPostgres } from "#app/db/local-postgres.server.ts";
import { migrateIfNeeded } from "#app/db/migrations.server.ts";

let database: LocalPostgres | undefined;
let migrated = false;

/**
 * The database for a CLI command: DATABASE_URL as it is, or the local cluster under .data/
 * with migrations applied. Call it before importing anything that opens the Prisma client.
 */
export async function ensureDatabase(options: { autoMigrate?: boolean } = {}): Promise<string> {
  database ??= await resolveDatabase();
  if (database.local && !migrated && (options.autoMigrate ?? true)) {
    await applyMigrations(database.url, true);
  }
  return database.url;
}

export async function applyMigrations(url: string, quiet = false): Promise<void> {
  await migrateIfNeeded(url, { quiet });
  migrated = true;
}

/** Closes what a command opened: the Prisma pool, queue connections, a cluster started here. */
export async function shutdown(): Promise<void> {
  const prisma = globalThis.__crosschannelPrisma;
  if (prisma) await prisma.$disconnect();
  if (globalThis.__crosschannelQueuesOpen) {
    const { closeQueues } = await import("#app/queue/queues.server.ts");
    await closeQueues();
  }
  await database?.stop();
  database = undefined;
}
