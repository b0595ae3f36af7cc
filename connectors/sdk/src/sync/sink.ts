/**
 * Where synced pages go. The app implements `RecordSink` with its database; the
 * contract is that `commitPage` stores the page's records, its quarantined records
 * and its checkpoint atomically (one transaction), so a crash never leaves records
 * without their checkpoint or a checkpoint without its records.
 */
import { isDeepStrictEqual } from "node:util";
import type { JsonValue } from "../connector.ts";
import type { StreamName } from "../models.ts";

export interface StreamKey {
  /** The app's connection (merchant + channel account); null for single-connection hosts and tests. */
  connectionId: string | null;
  connectorId: string;
  stream: StreamName;
}

export interface QuarantinedRecord {
  /** The raw channel payload, secrets redacted. */
  raw: unknown;
  /** One line a human can act on. */
  reason: string;
  issues: Array<{ path: string; message: string }>;
  /** Primary key of the record when it could still be read from the raw payload. */
  externalId: string | null;
}

export interface SinkPage<R = unknown> extends StreamKey {
  runId: string;
  /** 1-based index of the page within the run. */
  pageNumber: number;
  /** Valid, normalized records; upsert them on `primaryKey`. */
  records: readonly R[];
  primaryKey: readonly string[];
  quarantined: readonly QuarantinedRecord[];
  /** The checkpoint to store with this page, in the same transaction. */
  checkpoint: JsonValue;
  /** The connector's estimate of the run's work done after this page (0..1), when it has one. */
  progress?: number;
}

export interface RecordSink {
  /** The checkpoint committed with the last page of this stream, or null before the first run. */
  loadCheckpoint(key: StreamKey): Promise<JsonValue | null>;
  /** Commit records, quarantine and checkpoint together; reject if any of it could not be stored. */
  commitPage(page: SinkPage): Promise<void>;
}

/** Composite primary key as one string, e.g. `SKU-1|warehouse-1`. */
export function primaryKeyOf(record: unknown, primaryKey: readonly string[]): string {
  const values = primaryKey.map((field) => (record as Record<string, unknown>)[field]);
  return values.map((value) => String(value)).join("|");
}

interface StoredStream {
  records: Map<string, unknown>;
  quarantined: QuarantinedRecord[];
  checkpoint: JsonValue | null;
  /** Every record delivered, including re-deliveries of the same key. */
  deliveries: number;
  /** Deliveries of a key that was already stored with identical content. */
  duplicates: number;
  commits: number;
}

/**
 * In-memory sink with real transactional semantics (the page is applied all or
 * nothing, the checkpoint goes through a JSON round trip like a database column).
 * Used by the SDK's tests, the conformance suite and local tooling.
 */
export class MemorySink implements RecordSink {
  readonly #streams = new Map<string, StoredStream>();

  async loadCheckpoint(key: StreamKey): Promise<JsonValue | null> {
    return this.#stream(key).checkpoint;
  }

  async commitPage(page: SinkPage): Promise<void> {
    const stored = this.#stream(page);
    const checkpoint = JSON.parse(JSON.stringify(page.checkpoint)) as JsonValue;
    const staged = page.records.map(
      (record) => [primaryKeyOf(record, page.primaryKey), structuredClone(record)] as const,
    );
    for (const [key, record] of staged) {
      const previous = stored.records.get(key);
      if (previous !== undefined && isDeepStrictEqual(previous, record)) stored.duplicates += 1;
      stored.records.set(key, record);
    }
    stored.deliveries += staged.length;
    stored.quarantined.push(...page.quarantined);
    stored.checkpoint = checkpoint;
    stored.commits += 1;
  }

  /** Stored records of a stream, in primary-key order. */
  records<R = unknown>(key: StreamKey): R[] {
    const stored = this.#stream(key);
    return [...stored.records.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, record]) => record as R);
  }

  quarantined(key: StreamKey): QuarantinedRecord[] {
    return [...this.#stream(key).quarantined];
  }

  stats(key: StreamKey): {
    records: number;
    deliveries: number;
    duplicates: number;
    commits: number;
    quarantined: number;
  } {
    const stored = this.#stream(key);
    return {
      records: stored.records.size,
      deliveries: stored.deliveries,
      duplicates: stored.duplicates,
      commits: stored.commits,
      quarantined: stored.quarantined.length,
    };
  }

  #stream(key: StreamKey): StoredStream {
    const id = `${key.connectionId ?? ""}\u0000${key.connectorId}\u0000${key.stream}`;
    let stored = this.#streams.get(id);
    if (!stored) {
      stored = { records: new Map(), quarantined: [], checkpoint: null, deliveries: 0, duplicates: 0, commits: 0 };
      this.#streams.set(id, stored);
    }
    return stored;
  }
}
