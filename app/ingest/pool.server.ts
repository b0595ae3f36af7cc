import pg from "pg";

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
    globalThis.__crosschannelIngestPool = new pg.Pool({
      connectionString,
      max: Number(process.env.INGEST_POOL_SIZE ?? 4),
    });
  }
  return globalThis.__crosschannelIngestPool;
}

export async function closeIngestPool(): Promise<void> {
  const pool = globalThis.__crosschannelIngestPool;
  globalThis.__crosschannelIngestPool = undefined;
  await pool?.end();
}
