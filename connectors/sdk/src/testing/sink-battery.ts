/**
 * One battery of tests for every `RecordSink` implementation (as Shopify's session storages
 * share one): a host's sink calls it in one line with a factory of fresh sinks.
 *
 *   recordSinkBattery("PostgresRecordSink", async () => ({ sink, key, count, dispose }));
 */
import { afterEach, describe, expect, it } from "vitest";
import type { JsonValue } from "../connector.ts";
import type { InventoryLevel } from "../models.ts";
import type { RecordSink, SinkPage, StreamKey } from "../sync/sink.ts";

export interface SinkUnderTest {
  sink: RecordSink;
  /** The stream key the sink writes (its connection); the battery writes `inventory` levels under it. */
  key: Omit<StreamKey, "stream">;
  /** How many inventory levels the sink holds for the key, read back from its store. */
  count(): Promise<number>;
  dispose?(): Promise<void>;
}

const PRIMARY_KEY = ["sku", "locationId"] as const;

function levels(connectorId: string, skus: readonly string[], available = 5): InventoryLevel[] {
  return skus.map((sku) => ({
    sku,
    channel: connectorId,
    locationId: "warehouse-1",
    available,
    reserved: 0,
    inbound: 0,
    unfulfillable: null,
    observedAt: "2026-03-01T12:00:00.000Z",
  }));
}

export function recordSinkBattery(name: string, create: () => Promise<SinkUnderTest>): void {
  describe(`RecordSink battery: ${name}`, () => {
    const created: SinkUnderTest[] = [];
    afterEach(async () => {
      for (const subject of created.splice(0)) await subject.dispose?.();
    });
    const fresh = async () => {
      const subject = await create();
      created.push(subject);
      const key: StreamKey = { ...subject.key, stream: "inventory" };
      let pageNumber = 0;
      const page = (records: readonly InventoryLevel[], checkpoint: JsonValue, extra: Partial<SinkPage> = {}) => {
        pageNumber += 1;
        return {
          ...key,
          runId: "battery-run",
          pageNumber,
          records,
          primaryKey: PRIMARY_KEY,
          quarantined: [],
          checkpoint,
          ...extra,
        };
      };
      return { ...subject, key, page };
    };

    it("has no checkpoint before the first page", async () => {
      const { sink, key } = await fresh();
      expect(await sink.loadCheckpoint(key)).toBeNull();
    });

    it("stores a page's records with its checkpoint, read back as JSON", async () => {
      const { sink, key, page, count } = await fresh();
      const checkpoint = { updatedFrom: "2026-03-01T12:00:00.000Z", after: "SKU-2", seen: [1, 2], done: false };
      await sink.commitPage(page(levels(key.connectorId, ["SKU-1", "SKU-2"]), checkpoint));
      expect(await sink.loadCheckpoint(key)).toEqual(checkpoint);
      expect(await count()).toBe(2);
    });

    it("upserts on the primary key: the same records again are not doubled, and the newest checkpoint wins", async () => {
      const { sink, key, page, count } = await fresh();
      await sink.commitPage(page(levels(key.connectorId, ["SKU-1", "SKU-2"]), { after: "SKU-2" }));
      await sink.commitPage(page(levels(key.connectorId, ["SKU-2", "SKU-3"], 7), { after: "SKU-3" }));
      expect(await count()).toBe(3);
      expect(await sink.loadCheckpoint(key)).toEqual({ after: "SKU-3" });
    });

    it("keeps each stream's checkpoint apart", async () => {
      const { sink, key, page } = await fresh();
      await sink.commitPage(page(levels(key.connectorId, ["SKU-1"]), { after: "SKU-1" }));
      expect(await sink.loadCheckpoint({ ...key, stream: "fees" })).toBeNull();
    });

    it("commits a page of only quarantined records with its checkpoint", async () => {
      const { sink, key, page, count } = await fresh();
      const quarantined = [{ raw: { sku: "" }, reason: "invalid inventory record: sku", issues: [], externalId: null }];
      await sink.commitPage(page([], { after: "bad" }, { quarantined }));
      expect(await sink.loadCheckpoint(key)).toEqual({ after: "bad" });
      expect(await count()).toBe(0);
    });
  });
}
