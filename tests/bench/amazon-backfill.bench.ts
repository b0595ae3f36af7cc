// Amazon orders backfill: 24 months of a seller's orders through the all-orders report against
// the SP-API simulator, whose reports take 60 s to prepare. The simulator's VirtualClock makes
// waiting free, so the figure compared with the target is the virtual time the run took (what a
// seller would wait); the wall time is reported beside it. With the limits the demo simulator
// grants (and announces in x-amzn-RateLimit-Limit), and, for information, with the documented ones.
import { MemorySink, runSync, type RecordSink } from "@crosschannel/connector-sdk";
import { DEFAULT_CHANNELS, MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { amazonConnector } from "@crosschannel/connector-amazon";
import {
  AmazonSimulator,
  DEMO_GRANTED_RATE_LIMITS,
  type AmazonSimulatorOptions,
} from "@crosschannel/connector-amazon/simulator";

interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
}

const REPORT_PROCESSING_MS = 60_000;
const KEY = { connectionId: null, connectorId: "amazon", stream: "orders" } as const;

async function backfill(merchant: MerchantDataset, options: AmazonSimulatorOptions) {
  const sim = new AmazonSimulator({ merchant, reportProcessingMs: REPORT_PROCESSING_MS, ...options });
  await sim.start();
  try {
    const store = new MemorySink();
    const startedAt = sim.clock.now();
    let firstPageAt: number | null = null;
    const sink: RecordSink = {
      loadCheckpoint: (key) => store.loadCheckpoint(key),
      commitPage: async (page) => {
        await store.commitPage(page);
        firstPageAt ??= sim.clock.now();
      },
    };
    const wallStarted = performance.now();
    const result = await runSync({
      connector: amazonConnector,
      stream: "orders",
      sink,
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    const wallSeconds = (performance.now() - wallStarted) / 1000;
    if (result.error) throw result.error;
    const expected = sim.expectedRecords("orders").length;
    const stats = store.stats(KEY);
    if (stats.records !== expected || stats.deliveries !== expected) {
      throw new Error(
        `backfill delivered ${stats.deliveries} orders (${stats.records} distinct), expected ${expected}`,
      );
    }
    if (sim.server.rateLimitViolations > 0) throw new Error("the connector exceeded a rate limit");
    return {
      virtualSeconds: result.durationMs / 1000,
      firstPageSeconds: ((firstPageAt ?? sim.clock.now()) - startedAt) / 1000,
      wallSeconds,
      orders: expected,
      reports: result.http.byOperation.createReport?.calls ?? 0,
    };
  } finally {
    await sim.close();
  }
}

export default async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const merchant = new MerchantDataset({
    seed: "amazon-backfill-bench",
    start: "2025-01-01",
    days: 730,
    skus: 60,
    ordersPerDay: opts.quick ? 3 : 30,
    channels: DEFAULT_CHANNELS.filter((channel) => channel.id === "amazon").map((channel) => ({
      ...channel,
      demandShare: 1,
    })),
  });
  const granted = await backfill(merchant, { grantedRateLimits: DEMO_GRANTED_RATE_LIMITS });
  const documented = await backfill(merchant, {});
  const size = `${granted.orders.toLocaleString("en-US")} orders, ${granted.reports} reports`;
  return [
    {
      name: "amazon.backfill24MonthsSeconds",
      value: granted.virtualSeconds,
      unit: "s (virtual)",
      target: `<= 300 (${size})`,
    },
    { name: "amazon.backfillFirstPageSeconds", value: granted.firstPageSeconds, unit: "s (virtual)", target: "info" },
    { name: "amazon.backfill24MonthsWallSeconds", value: granted.wallSeconds, unit: "s", target: "info" },
    {
      name: "amazon.backfill24MonthsDocumentedSeconds",
      value: documented.virtualSeconds,
      unit: "s (virtual)",
      target: "info (documented limits)",
    },
  ];
}
