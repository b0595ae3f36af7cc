import { z } from "zod";
import { describe, expect, it } from "vitest";
import { defineConnector, notSupported, type Connector } from "../src/connector.ts";
import { CheckpointError, ConfigError } from "../src/errors.ts";
import { InventoryLevel } from "../src/models.ts";
import { checkConnection, runSync } from "../src/sync/engine.ts";
import { MemorySink, type RecordSink, type SinkPage } from "../src/sync/sink.ts";

const TOKEN = "secret-token-abcdef123";

interface RawStock {
  sku: unknown;
  qty: unknown;
  at: string;
  token?: string;
}

/** In-process connector over an array: checkpoint = offset of the next record. */
function arrayConnector(rows: RawStock[], pageSize = 3): Connector<{ shop: string }, { token: string }> {
  return defineConnector({
    id: "arrayshop",
    displayName: "Array Shop",
    configSchema: z.object({ shop: z.string().min(1, "shop is required: the shop's handle") }),
    credentialsSchema: z.object({ token: z.string().min(10) }),
    async check(ctx) {
      if (ctx.credentials.token !== TOKEN) throw new Error("token rejected");
      return { accountName: ctx.config.shop };
    },
    streams: {
      orders: notSupported("Array Shop has no order API"),
      listings: notSupported("Array Shop has no catalog API"),
      fees: notSupported("Array Shop charges no fees"),
      inventory: {
        primaryKey: ["sku", "locationId"],
        cursorField: "observedAt",
        defaultSchedule: { everyMinutes: 60 },
        checkpointSchema: z.object({ offset: z.number().int().nonnegative() }),
        startCheckpoint: () => ({ offset: 0 }),
        async *read(ctx, checkpoint: { offset: number }) {
          for (let offset = checkpoint.offset; offset < rows.length; offset += pageSize) {
            ctx.signal.throwIfAborted();
            yield {
              records: rows.slice(offset, offset + pageSize),
              checkpoint: { offset: Math.min(rows.length, offset + pageSize) },
            };
          }
        },
        normalize(raw: RawStock): InventoryLevel {
          if (raw.qty === "explode") throw new Error("cannot read qty");
          return {
            sku: raw.sku as string,
            channel: "arrayshop",
            locationId: "main",
            available: raw.qty as number,
            reserved: 0,
            inbound: 0,
            unfulfillable: null,
            observedAt: raw.at,
          };
        },
      },
    },
  });
}

const rows = (count: number): RawStock[] =>
  Array.from({ length: count }, (_, index) => ({ sku: `SKU-${index}`, qty: index, at: "2026-01-01T00:00:00.000Z" }));

const key = { connectionId: "conn-1", connectorId: "arrayshop", stream: "inventory" } as const;
const settings = { config: { shop: "northwind" }, credentials: { token: TOKEN }, connectionId: "conn-1" };

describe("runSync", () => {
  it("hands each page's records and checkpoint to the sink in one call", async () => {
    const calls: SinkPage[] = [];
    const sink: RecordSink = { loadCheckpoint: async () => null, commitPage: async (page) => void calls.push(page) };
    const result = await runSync({ connector: arrayConnector(rows(7)), stream: "inventory", sink, ...settings });
    expect(result).toMatchObject({ status: "succeeded", pages: 3, recordsCommitted: 7, recordsQuarantined: 0 });
    expect(calls.map((page) => [page.pageNumber, page.records.length, page.checkpoint])).toEqual([
      [1, 3, { offset: 3 }],
      [2, 3, { offset: 6 }],
      [3, 1, { offset: 7 }],
    ]);
    expect(calls.every((page) => page.connectionId === "conn-1" && page.runId === result.runId)).toBe(true);
    expect(calls[0]?.primaryKey).toEqual(["sku", "locationId"]);
    expect(result.checkpoint).toEqual({ offset: 7 });
  });

  it("keeps the last committed checkpoint when a commit fails, so nothing is skipped", async () => {
    const store = new MemorySink();
    let commits = 0;
    const flaky: RecordSink = {
      loadCheckpoint: (streamKey) => store.loadCheckpoint(streamKey),
      commitPage: async (page) => {
        commits += 1;
        if (commits === 2) throw new Error("database went away");
        await store.commitPage(page);
      },
    };
    const failed = await runSync({ connector: arrayConnector(rows(7)), stream: "inventory", sink: flaky, ...settings });
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toBe("database went away");
    expect(failed.checkpoint).toEqual({ offset: 3 });
    expect(await store.loadCheckpoint(key)).toEqual({ offset: 3 });

    const resumed = await runSync({
      connector: arrayConnector(rows(7)),
      stream: "inventory",
      sink: store,
      ...settings,
    });
    expect(resumed).toMatchObject({ status: "succeeded", recordsCommitted: 4, startCheckpoint: { offset: 3 } });
    expect(store.stats(key)).toMatchObject({ records: 7, deliveries: 7, duplicates: 0 });
  });

  it("quarantines invalid records with the raw payload (secrets redacted) and the reason", async () => {
    const data = rows(5);
    data[1] = { sku: "SKU-1", qty: -2.5, at: "2026-01-01T00:00:00.000Z", token: TOKEN };
    data[3] = { sku: "SKU-3", qty: "explode", at: "2026-01-01T00:00:00.000Z" };
    const sink = new MemorySink();
    const result = await runSync({ connector: arrayConnector(data), stream: "inventory", sink, ...settings });
    expect(result).toMatchObject({ status: "succeeded", recordsCommitted: 3, recordsQuarantined: 2 });
    const [invalid, exploded] = sink.quarantined(key);
    expect(invalid?.reason).toMatch(/^invalid inventory record: available: /);
    expect(invalid?.issues[0]?.path).toBe("available");
    expect(invalid?.externalId).toBe("SKU-1|main");
    expect(invalid?.raw).toEqual({ sku: "SKU-1", qty: -2.5, at: "2026-01-01T00:00:00.000Z", token: "[REDACTED]" });
    expect(exploded?.reason).toBe("normalize failed: cannot read qty");
    expect(exploded?.raw).toMatchObject({ qty: "explode" });
  });

  it("rejects bad settings before any read, naming the field", async () => {
    const result = await runSync({
      connector: arrayConnector(rows(3)),
      stream: "inventory",
      sink: new MemorySink(),
      config: { shop: "" },
      credentials: { token: TOKEN },
    });
    expect(result.status).toBe("failed");
    expect(result.error).toBeInstanceOf(ConfigError);
    expect(result.error?.message).toContain("config.shop: shop is required");
    expect(result.pages).toBe(0);
  });

  it("refuses a stored checkpoint that no longer matches the stream", async () => {
    const sink: RecordSink = { loadCheckpoint: async () => ({ cursor: "2026-01-01" }), commitPage: async () => {} };
    const result = await runSync({ connector: arrayConnector(rows(3)), stream: "inventory", sink, ...settings });
    expect(result.status).toBe("failed");
    expect(result.error).toBeInstanceOf(CheckpointError);
    expect(result.error?.message).toMatch(/stored checkpoint does not match.*offset/);
  });

  it("fails a stream whose page does not advance the checkpoint instead of looping", async () => {
    const source = arrayConnector(rows(6));
    const stuck = defineConnector({
      id: "stuckshop",
      displayName: "Stuck Shop",
      configSchema: source.configSchema,
      credentialsSchema: source.credentialsSchema,
      check: async () => {},
      streams: {
        ...source.streams,
        inventory: {
          ...source.stream("inventory"),
          async *read() {
            for (;;) yield { records: rows(2), checkpoint: { offset: 0 } };
          },
        },
      },
    });
    const result = await runSync({ connector: stuck, stream: "inventory", sink: new MemorySink(), ...settings });
    expect(result.status).toBe("failed");
    expect(result.error).toBeInstanceOf(CheckpointError);
    expect(result.error?.message).toContain("page 1 has records but did not advance the checkpoint");
  });

  it("fails clearly on a stream the connector does not offer", async () => {
    const result = await runSync({
      connector: arrayConnector(rows(3)),
      stream: "fees",
      sink: new MemorySink(),
      ...settings,
    });
    expect(result.status).toBe("failed");
    expect(result.error?.message).toBe(
      'Connector "arrayshop" does not offer stream "fees": Array Shop charges no fees',
    );
  });

  it("stops between pages when cancelled, with the committed pages kept", async () => {
    const controller = new AbortController();
    const store = new MemorySink();
    const sink: RecordSink = {
      loadCheckpoint: (streamKey) => store.loadCheckpoint(streamKey),
      commitPage: async (page) => {
        await store.commitPage(page);
        if (page.pageNumber === 2) controller.abort();
      },
    };
    const result = await runSync({
      connector: arrayConnector(rows(20)),
      stream: "inventory",
      sink,
      signal: controller.signal,
      ...settings,
    });
    expect(result).toMatchObject({
      status: "cancelled",
      pages: 2,
      recordsCommitted: 6,
      error: null,
      checkpoint: { offset: 6 },
    });
    expect(store.stats(key).records).toBe(6);
  });

  it("reports a cancellation that interrupts a read as cancelled, not failed", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runSync({
      connector: arrayConnector(rows(5)),
      stream: "inventory",
      sink: new MemorySink(),
      signal: controller.signal,
      ...settings,
    });
    expect(result).toMatchObject({ status: "cancelled", pages: 0, error: null });
  });
});

describe("checkConnection", () => {
  it("reports success with the account and failure with the message", async () => {
    const connector = arrayConnector([]);
    await expect(
      checkConnection(connector, { config: { shop: "northwind" }, credentials: { token: TOKEN } }),
    ).resolves.toEqual({
      ok: true,
      accountName: "northwind",
    });
    const failed = await checkConnection(connector, {
      config: { shop: "northwind" },
      credentials: { token: "wrong-token-123" },
    });
    expect(failed).toMatchObject({ ok: false, message: "token rejected" });
    const invalid = await checkConnection(connector, { config: {}, credentials: { token: "short" } });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) {
      expect(invalid.error).toBeInstanceOf(ConfigError);
      expect(invalid.message).toContain("config.shop");
      expect(invalid.message).not.toContain("short");
    }
  });
});

describe("defineConnector", () => {
  const base = arrayConnector([]);

  it("exposes supported streams with their models and the reasons of the others", () => {
    expect(base.supportedStreams).toEqual(["inventory"]);
    expect(base.streams.fees).toEqual({ supported: false, reason: "Array Shop charges no fees" });
    expect(base.stream("inventory").model).toBeDefined();
  });

  it("lets a stream tighten its model, and the engine quarantines by it", async () => {
    const source = arrayConnector(rows(7));
    const strict = defineConnector({
      id: "strictshop",
      displayName: "Strict Shop",
      configSchema: source.configSchema,
      credentialsSchema: source.credentialsSchema,
      check: async () => {},
      streams: {
        ...source.streams,
        inventory: {
          ...source.stream("inventory"),
          model: InventoryLevel.refine((level) => level.available < 5, {
            message: "implausible stock",
            path: ["available"],
          }),
        },
      },
    });
    const sink = new MemorySink();
    const result = await runSync({ connector: strict, stream: "inventory", sink, ...settings });
    expect(result).toMatchObject({ status: "succeeded", recordsCommitted: 5, recordsQuarantined: 2 });
    expect(sink.quarantined({ ...key, connectorId: "strictshop" })[0]?.reason).toBe(
      "invalid inventory record: available: implausible stock",
    );
  });

  it("rejects unknown key fields, missing streams and bad ids", () => {
    const inventory = base.stream("inventory");
    const definition = {
      id: "broken",
      displayName: "Broken",
      configSchema: z.object({}),
      credentialsSchema: z.object({}),
      check: async () => {},
      streams: { ...base.streams, inventory: { ...inventory, cursorField: "updatedAt" } },
    };
    expect(() => defineConnector(definition as never)).toThrow(
      'Stream "broken.inventory" refers to unknown field "updatedAt"',
    );
    const withoutFees: Record<string, unknown> = { ...base.streams };
    delete withoutFees.fees;
    expect(() => defineConnector({ ...definition, streams: withoutFees } as never)).toThrow(
      /must declare stream "fees"/,
    );
    expect(() => defineConnector({ ...definition, id: "Bad Id" } as never)).toThrow(/Connector id/);
    expect(() => notSupported("  ")).toThrow(/reason/);
  });
});
