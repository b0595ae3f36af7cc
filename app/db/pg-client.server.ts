import pg from "pg";

/**
 * A database restart or failover terminates every backend. `pg` reports it as an 'error'
 * event on each client, and Node turns an 'error' event nobody listens to into a crash of the
 * whole process (worker or web server). pg-pool listens only while a client is idle or inside
 * `pool.query`: a client caught between two uses (BullMQ's PostgreSQL backend has such a
 * window) has no listener. This client always has one; the pool still drops it (a dead client
 * fails its next query and is destroyed on release), and the next query opens a new one.
 *
 * Pass it as `Client` in every pool's config: pg.Pool, PrismaPg and BullMQ's connection.
 */
export class ResilientClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on("error", () => undefined);
  }
}

/** Logs an idle pooled connection's error (a terminated backend): the pool replaces it. */
export function logPoolError(pool: string, error: Error): void {
  process.stderr.write(`[db] ${pool} pool: connection lost (${error.message}); the next query reconnects\n`);
}
