import { readdir } from "node:fs/promises";
import { resolve } from "node:path";

import pg from "pg";

import { runPrismaOrThrow } from "#app/db/prisma-cli.server.ts";

const MIGRATIONS_DIR = resolve(process.cwd(), "prisma/migrations");

/** Migration folders not yet applied to the database (read without starting the Prisma CLI). */
export async function pendingMigrations(url: string): Promise<string[]> {
  const folders = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query("select to_regclass('public._prisma_migrations') as name");
    if (!table.rows[0]?.name) return folders;
    const applied = await client.query<{ migration_name: string }>(
      "select migration_name from _prisma_migrations where finished_at is not null and rolled_back_at is null",
    );
    const done = new Set(applied.rows.map((row) => row.migration_name));
    return folders.filter((folder) => !done.has(folder));
  } finally {
    await client.end();
  }
}

/** `prisma migrate deploy`, skipped when nothing is pending (the CLI takes seconds to start). */
export async function migrateIfNeeded(url: string, options: { quiet?: boolean } = {}): Promise<string[]> {
  const pending = await pendingMigrations(url);
  if (pending.length > 0) {
    await runPrismaOrThrow(["migrate", "deploy"], { databaseUrl: url, quiet: options.quiet });
  }
  return pending;
}
