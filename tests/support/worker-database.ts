import pg from "pg";
import { beforeEach, inject } from "vitest";

// Runs before each test file: a fresh copy of the migrated template, named after the worker,
// becomes DATABASE_URL before any application module opens a connection.
const serverUrl = inject("databaseServerUrl");
const template = inject("databaseTemplate");
const database = `crosschannel_test_w${process.env.VITEST_POOL_ID ?? "0"}`;

const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
try {
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.query(`create database ${database} template ${template}`);
} finally {
  await admin.end();
}

const url = new URL(serverUrl);
url.pathname = `/${database}`;
process.env.DATABASE_URL = url.toString();

// Every test starts from empty tables (the app's and BullMQ's), whatever ran before it.
beforeEach(async () => {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `select format('%I.%I', schemaname, tablename) as name from pg_tables
       where schemaname in ('public', 'bullmq') and tablename not in ('_prisma_migrations', 'migration')`,
    );
    if (tables.rows.length > 0) {
      await client.query(`truncate ${tables.rows.map((row) => row.name).join(", ")} cascade`);
    }
  } finally {
    await client.end();
  }
});
