// Shared plumbing of the database benchmarks: a throwaway PostgreSQL database (a new
// database on DATABASE_URL's server when it is set, else an embedded cluster under
// .data/bench-*), migrated, and the helpers to time and summarise.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join, resolve } from "node:path";

import pg from "pg";

import { startLocalPostgres } from "#app/db/local-postgres.server.ts";
import { migrateIfNeeded } from "#app/db/migrations.server.ts";
import { freePort } from "../support/ports.ts";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
}

export interface BenchDatabase {
  url: string;
  /** Drops what this bench created (database or whole cluster) and restores DATABASE_URL. */
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one bench, and process.env.DATABASE_URL pointing at it
 * (set before the ingest pool is first used; the pool reads it lazily).
 */
export async function startBenchDatabase(name: string): Promise<BenchDatabase> {
  const previous = process.env.DATABASE_URL;
  const database = `crosschannel_bench_${name}_${process.pid}`;
  let url: string;
  let stop: () => Promise<void>;
  if (previous) {
    url = serverDatabaseUrl(previous, database);
    const admin = new pg.Client({ connectionString: serverDatabaseUrl(previous, "postgres") });
    await admin.connect();
    await admin.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
    await admin.query(`create database ${pg.escapeIdentifier(database)}`);
    await admin.end();
    stop = async () => {
      const client = new pg.Client({ connectionString: serverDatabaseUrl(previous, "postgres") });
      await client.connect();
      await client.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
      await client.end();
    };
  } else {
    await mkdir(resolve(".data"), { recursive: true });
    const dataDir = await mkdtemp(join(resolve(".data"), `bench-${name}-`));
    const local = await startLocalPostgres({ dataDir, port: await freePort(), persistent: false, database });
    url = local.url;
    stop = async () => {
      await local.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  try {
    await migrateIfNeeded(url, { quiet: true });
  } catch (error) {
    await stop();
    throw error;
  }
  process.env.DATABASE_URL = url;
  return {
    url,
    close: async () => {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
      await stop();
    },
  };
}

function serverDatabaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Milliseconds `work` took. */
export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** Nearest-rank percentile (p in 0..100) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** YYYY-MM-DD `days` after (or before) a YYYY-MM-DD day. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A shop with one connection per channel, written with plain SQL (no Prisma client needed). */
export async function createShop(
  pool: pg.Pool,
  options: { id: string; domain: string; timezone: string; currency: string },
): Promise<Record<"shopify" | "amazon" | "bestbuy", string>> {
  await pool.query(
    `insert into "Shop" (id, domain, name, timezone, currency, source, "updatedAt")
     values ($1, $2, $2, $3, $4, 'local', now())`,
    [options.id, options.domain, options.timezone, options.currency],
  );
  const connections = { shopify: "", amazon: "", bestbuy: "" };
  for (const channel of ["shopify", "amazon", "bestbuy"] as const) {
    const id = `${options.id}-${channel}`;
    await pool.query(
      `insert into "ChannelConnection" (id, "shopId", channel, "accountId", "displayName", config, credentials,
          "credentialsKeyId", "updatedAt")
       values ($1, $2, $3::"Channel", $4, $5, '{}'::jsonb, '\\x00'::bytea, 'bench', now())`,
      [id, options.id, channel, `${channel}-account`, `${channel} (bench)`],
    );
    connections[channel] = id;
  }
  return connections;
}
