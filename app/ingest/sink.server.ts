import type {
  ChannelListing,
  ChannelOrder,
  FeeEvent,
  InventoryLevel,
  JsonValue,
  RecordSink,
  SinkPage,
  StreamKey,
} from "@crosschannel/connector-sdk";
import type pg from "pg";

import { ingestPool } from "#app/db/pool.server.ts";
import { redactPersonalData } from "#app/ingest/personal-data.ts";
import { writeFees, writeInventory, writeListings, writeOrders, type IngestScope } from "#app/ingest/writers.server.ts";

export interface PostgresSinkOptions extends IngestScope {
  /** The SyncRun row counting this run's pages, records and quarantine. */
  syncRunId?: string;
  /** A full sync starts from the beginning, whatever checkpoint is stored. */
  ignoreStoredCheckpoint?: boolean;
  pool?: pg.Pool;
}

/**
 * A page's transaction does not wait for its WAL to reach the disk (synchronous_commit off).
 * A crash can then lose the last few pages that were reported committed, but only together
 * with their checkpoints (the WAL keeps its order), so the next run reads them again from the
 * channel: nothing is lost or doubled, and each page saves a disk flush (docs/decisions/006).
 * Records applied without a checkpoint (webhooks) have nothing to read them again, so they
 * keep synchronous commits.
 */
const BEGIN_PAGE = "begin; set local synchronous_commit = off";

/**
 * The SDK's RecordSink on PostgreSQL: each page's records, quarantined records, the new
 * checkpoint and the run's counters are committed in one transaction, so the checkpoint
 * never runs ahead of (or behind) the data. The orders a page changes are marked
 * `rollupPending` in that transaction too; the sync refreshes their rollups when it ends.
 */
export class PostgresRecordSink implements RecordSink {
  readonly #options: PostgresSinkOptions;
  readonly #pool: pg.Pool;

  constructor(options: PostgresSinkOptions) {
    this.#options = options;
    this.#pool = options.pool ?? ingestPool();
  }

  #check(key: StreamKey) {
    if (key.connectionId !== this.#options.connectionId) {
      throw new Error(`This sink writes connection ${this.#options.connectionId}, not ${key.connectionId ?? "none"}.`);
    }
  }

  async loadCheckpoint(key: StreamKey): Promise<JsonValue | null> {
    this.#check(key);
    if (this.#options.ignoreStoredCheckpoint) return null;
    const result = await this.#pool.query<{ checkpoint: JsonValue }>(
      `select checkpoint from "SyncCheckpoint" where "connectionId" = $1 and stream = $2`,
      [this.#options.connectionId, key.stream],
    );
    return result.rows[0]?.checkpoint ?? null;
  }

  /**
   * Applies records that did not come from a stream read (webhooks), with the same upserts and
   * the same "newest version wins" rule, and without moving any checkpoint.
   */
  async applyRecords(stream: SinkPage["stream"], records: readonly unknown[]): Promise<number> {
    const client = await this.#pool.connect();
    try {
      await client.query("begin");
      const written = await this.#write(client, stream, records);
      await client.query("commit");
      return written;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async #write(client: pg.PoolClient, stream: SinkPage["stream"], records: readonly unknown[]) {
    const scope = this.#options;
    switch (stream) {
      case "orders":
        return writeOrders(client, scope, records as ChannelOrder[]);
      case "listings":
        return writeListings(client, scope, records as ChannelListing[]);
      case "inventory":
        return writeInventory(client, scope, records as InventoryLevel[]);
      case "fees":
        return writeFees(client, scope, records as FeeEvent[]);
    }
  }

  async commitPage(page: SinkPage): Promise<void> {
    this.#check(page);
    const scope = this.#options;
    const client = await this.#pool.connect();
    try {
      await client.query(BEGIN_PAGE);
      const written = await this.#write(client, page.stream, page.records);
      if (page.quarantined.length > 0) {
        await client.query(
          `insert into "QuarantinedRecord" (id, "shopId", "connectionId", "syncRunId", stream, "externalId", reason,
              payload, "createdAt")
           select gen_random_uuid()::text, $1, $2, $3, $4, t.external_id, t.reason, t.payload, now()
           from unnest($5::text[], $6::text[], $7::jsonb[]) as t(external_id, reason, payload)`,
          [
            scope.shopId,
            scope.connectionId,
            scope.syncRunId ?? null,
            page.stream,
            page.quarantined.map((record) => record.externalId),
            page.quarantined.map((record) => record.reason),
            // Without the buyer's personal fields: the rest is enough to see what was wrong.
            page.quarantined.map((record) =>
              JSON.stringify({ raw: redactPersonalData(record.raw ?? null), issues: record.issues }),
            ),
          ],
        );
      }
      await client.query(
        `insert into "SyncCheckpoint" (id, "shopId", "connectionId", stream, checkpoint, "updatedAt")
         values (gen_random_uuid()::text, $1, $2, $3, $4::jsonb, now())
         on conflict ("connectionId", stream) do update set checkpoint = excluded.checkpoint, "updatedAt" = now()`,
        [scope.shopId, scope.connectionId, page.stream, JSON.stringify(page.checkpoint)],
      );
      if (scope.syncRunId) {
        await client.query(
          `update "SyncRun" set pages = pages + 1, "recordsRead" = "recordsRead" + $2,
              "recordsWritten" = "recordsWritten" + $3, "recordsQuarantined" = "recordsQuarantined" + $4,
              progress = coalesce($5::double precision, progress)
           where id = $1`,
          [
            scope.syncRunId,
            page.records.length + page.quarantined.length,
            written,
            page.quarantined.length,
            page.progress ?? null,
          ],
        );
      }
      await client.query("commit");
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
