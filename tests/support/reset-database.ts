import pg from "pg";
import { beforeEach } from "vitest";

// Every test starts from empty tables (the app's and BullMQ's), whatever ran before it.
beforeEach(async () => {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
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
