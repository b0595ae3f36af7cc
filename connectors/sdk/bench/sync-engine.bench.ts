/**
 * Sync engine benchmark: 100,000 normalized orders (10,000 with `quick`) streamed from
 * the seeded merchant dataset through a connector, the engine (normalize + zod
 * validation + quarantine) and a sink that serializes each page like a database
 * would. Bounded memory is shown by comparing peak heap growth of a run ten times
 * smaller with the full run: streamed pages keep it flat.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { z } from "zod";
import { defineConnector, notSupported } from "../src/connector.ts";
import type { ChannelOrder } from "../src/models.ts";
import { MerchantDataset, dateOf, dayNumber, type SimOrder } from "../src/simulator/dataset.ts";
import { runSync } from "../src/sync/engine.ts";
import { MemorySink, type RecordSink } from "../src/sync/sink.ts";
import { acmeConnector } from "../example/acme-connector.ts";
import { AcmeSimulator } from "../example/acme-simulator.ts";

export interface BenchMetric {
  name: string;
  value: number;
  unit: string;
  target: string;
}

const PAGE_SIZE = 500;
const ORDERS_PER_DAY = 400;
const AS_OF = "2030-01-01T00:00:00.000Z";

/** A connector over the dataset: checkpoint = (day, orders of that day already read). */
function datasetConnector(merchant: MerchantDataset, limit: number) {
  const Checkpoint = z.object({
    day: z.string(),
    index: z.number().int().nonnegative(),
    emitted: z.number().int().nonnegative(),
  });
  type Checkpoint = z.infer<typeof Checkpoint>;
  return defineConnector({
    id: "bench",
    displayName: "Benchmark",
    configSchema: z.object({}),
    credentialsSchema: z.object({}),
    check: async () => {},
    streams: {
      listings: notSupported("benchmark reads orders only"),
      inventory: notSupported("benchmark reads orders only"),
      fees: notSupported("benchmark reads orders only"),
      orders: {
        primaryKey: ["externalId"],
        cursorField: "updatedAt",
        defaultSchedule: { everyMinutes: 15 },
        checkpointSchema: Checkpoint,
        startCheckpoint: () => ({ day: merchant.start, index: 0, emitted: 0 }),
        async *read(_ctx, checkpoint: Checkpoint) {
          let { day, index, emitted } = checkpoint;
          let page: SimOrder[] = [];
          while (emitted < limit && day < merchant.end) {
            const orders = merchant.ordersOn(day);
            while (index < orders.length && emitted < limit) {
              page.push(orders[index] as SimOrder);
              index += 1;
              emitted += 1;
              if (page.length === PAGE_SIZE) {
                yield { records: page, checkpoint: { day, index, emitted } };
                page = [];
              }
            }
            if (index >= orders.length) {
              day = dateOf(dayNumber(day) + 1);
              index = 0;
            }
          }
          if (page.length > 0) yield { records: page, checkpoint: { day, index, emitted } };
        },
        normalize: (order: SimOrder): ChannelOrder => merchant.orderAsOf(order, AS_OF) as ChannelOrder,
      },
    },
  });
}

function collectGarbage(): () => void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  return () => {
    gc();
    gc();
  };
}

/**
 * One run. With `sampleEvery`, the sink forces a full GC every that many pages and
 * samples the heap: the peak of those samples is the memory the run *retains*
 * (garbage excluded), which is what must stay flat as the run grows.
 */
async function measure(records: number, gc: () => void, sampleEvery: number | null) {
  const merchant = new MerchantDataset({
    seed: "bench",
    skus: 1_000,
    ordersPerDay: ORDERS_PER_DAY,
    start: "2026-01-01",
    days: 1_095,
  });
  const connector = datasetConnector(merchant, records);
  let bytes = 0;
  let peak = 0;
  let pages = 0;
  const sink: RecordSink = {
    loadCheckpoint: async () => null,
    commitPage: async (page) => {
      // Serialize like a database driver would, then drop the page.
      bytes += JSON.stringify(page.records).length;
      pages += 1;
      if (sampleEvery !== null && pages % sampleEvery === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    },
  };
  gc();
  const baseline = process.memoryUsage().heapUsed;
  peak = baseline;
  const started = performance.now();
  const result = await runSync({ connector, stream: "orders", sink, config: {}, credentials: {} });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== "succeeded" || result.recordsCommitted !== records) {
    throw new Error(
      `benchmark run ${result.status}: ${result.recordsCommitted}/${records} (${result.error?.message ?? ""})`,
    );
  }
  return { seconds, retainedMb: (peak - baseline) / 1024 / 1024, bytes };
}

export default async function run(opts: { quick: boolean }): Promise<BenchMetric[]> {
  const gc = collectGarbage();
  const full = opts.quick ? 10_000 : 100_000;
  const small = full / 10;
  await measure(1_000, gc, null); // warm-up: JIT and zod schemas
  const timed = await measure(full, gc, null);
  const smallMemory = await measure(small, gc, 2);
  const fullMemory = await measure(full, gc, 2);
  const http = await measureHttp(opts.quick ? 2_000 : 10_000);
  const label = full.toLocaleString("en-US");
  return [
    {
      name: "sdk.syncRecordsPerSecond",
      value: Math.round(full / timed.seconds),
      unit: "records/s",
      target: ">= 10000",
    },
    { name: "sdk.syncSeconds", value: round(timed.seconds, 2), unit: `s for ${label} orders`, target: "<= 15" },
    {
      name: "sdk.syncPeakHeapMb",
      value: round(fullMemory.retainedMb, 1),
      unit: `MB retained over baseline, ${label} orders`,
      target: "<= 32",
    },
    {
      name: "sdk.syncHeapGrowthMb",
      value: round(fullMemory.retainedMb - smallMemory.retainedMb, 1),
      unit: `MB retained by ${label} vs ${small.toLocaleString("en-US")} orders`,
      target: "<= 4 (bounded: pages are streamed)",
    },
    {
      name: "sdk.httpSyncRecordsPerSecond",
      value: Math.round(http.records / http.seconds),
      unit: `records/s over loopback HTTP (${http.records.toLocaleString("en-US")} orders, ${http.calls} calls)`,
      target: ">= 1000",
    },
    {
      name: "sdk.syncMbSerialized",
      value: round(timed.bytes / 1024 / 1024, 1),
      unit: "MB of JSON through the sink",
      target: "info",
    },
  ];
}

/** End to end: the example connector reading orders from its simulator over loopback HTTP. */
async function measureHttp(approximateOrders: number) {
  const days = 30;
  const merchant = new MerchantDataset({
    seed: "bench-http",
    skus: 200,
    start: "2026-01-01",
    days,
    // Amazon takes 40% of the merchant's orders.
    ordersPerDay: Math.ceil(approximateOrders / days / 0.4),
  });
  const sim = new AcmeSimulator({ merchant, channel: "amazon" });
  await sim.start();
  try {
    const started = performance.now();
    const result = await runSync({
      connector: acmeConnector,
      stream: "orders",
      sink: new MemorySink(),
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== "succeeded") throw new Error(`HTTP benchmark run ${result.status}: ${result.error?.message}`);
    return { seconds, records: result.recordsCommitted, calls: result.http.calls };
  } finally {
    await sim.close();
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
