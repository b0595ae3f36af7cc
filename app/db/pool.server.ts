import pg from "pg";

import { logPoolError, ResilientClient } from "#app/db/pg-client.server.ts";

declare global {
  var __crosschannelIngestPool: pg.Pool | undefined;
}

/**
 * The ingest path writes pages with set-based SQL (multi-row INSERT ... ON CONFLICT over
 * arrays) on its own small pool, beside the Prisma client used everywhere else.
 */
export function ingestPool(): pg.Pool {
  if (!globalThis.__crosschannelIngestPool) {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is not set: the ingest pool has no database.");
    const pool = new pg.Pool({
      connectionString,
      max: Number(process.env.INGEST_POOL_SIZE ?? 4),
      Client: ResilientClient,
    });
    // A database restart or failover terminates idle pooled connections, and the pool emits
    // their error: without a listener, Node turns it into a crash of the worker or the web
    // server. The pool has already dropped the dead client; the next query opens a new one.
    pool.on("error", (error) => logPoolError("ingest", error));
    globalThis.__crosschannelIngestPool = pool;
  }
  return globalThis.__crosschannelIngestPool;
}

export async function closeIngestPool(): Promise<void> {
  const pool = globalThis.__crosschannelIngestPool;
  globalThis.__crosschannelIngestPool = undefined;
  await pool?.end();
}
