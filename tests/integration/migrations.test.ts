import pg from "pg";
import { describe, expect, inject, it } from "vitest";

import { runPrismaOrThrow } from "#app/db/prisma-cli.server.ts";

const serverUrl = inject("databaseServerUrl");

async function withEmptyDatabase<T>(name: string, run: (url: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    return await run(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

describe("migrations", () => {
  it("apply to an empty database and leave no drift from schema.prisma", async () => {
    await withEmptyDatabase(`crosschannel_migrations_${process.env.VITEST_POOL_ID ?? "0"}`, async (url) => {
      const deploy = await runPrismaOrThrow(["migrate", "deploy"], { databaseUrl: url, quiet: true });
      expect(deploy).toMatch(
        /migrations? have been successfully applied|All migrations have been successfully applied/,
      );

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const tables = await client.query<{ tablename: string }>(
        "select tablename from pg_tables where schemaname = 'public'",
      );
      await client.end();
      expect(tables.rows.map((row) => row.tablename)).toEqual(
        expect.arrayContaining([
          "Shop",
          "Session",
          "Order",
          "OrderLine",
          "Refund",
          "FeeEvent",
          "DailyRollup",
          "AuditLog",
        ]),
      );

      // The migrations folder and the schema must describe the same database.
      const diff = await runPrismaOrThrow(
        [
          "migrate",
          "diff",
          "--from-migrations",
          "prisma/migrations",
          "--to-schema-datamodel",
          "prisma/schema.prisma",
          "--exit-code",
        ],
        { databaseUrl: url, quiet: true },
      );
      expect(diff).toMatch(/No difference detected|empty migration/i);
    });
  }, 120_000);
});
