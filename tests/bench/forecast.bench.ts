// Forecasting at catalog scale: time for 1,000 SKU × channel series (2 years of daily
// demand, 90-day horizon, full backtest model selection) and how much the chosen
// models beat seasonal naive on the 90 days that follow (never seen by the selection).
import { availableParallelism } from "node:os";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { meanAbsoluteError, seasonalNaiveScale } from "#app/analytics/forecast/accuracy.ts";
import { loadAugurs } from "#app/analytics/forecast/augurs.ts";
import { seasonalNaive } from "#app/analytics/forecast/baselines.ts";
import { type DemandForecast, forecastDemand } from "#app/analytics/forecast/index.ts";

interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
}

const HISTORY_DAYS = 730;
const HOLDOUT_DAYS = 90;
const START = "2024-01-01";
/** Merchants differ in size so the catalog mixes fast sellers and slow movers. */
const ORDERS_PER_DAY = [40, 80, 160, 320] as const;
/** Fitting window of the models (forecastDemand's default), also the MASE scale window. */
const FIT_DAYS = 364;
/** Marks a worker thread started by this file (the module doubles as the worker's entry point). */
const WORKER_ROLE = "forecast-bench-worker";

async function forecastAll(histories: readonly number[][]): Promise<DemandForecast[]> {
  const augurs = await loadAugurs();
  return histories.map((values) => forecastDemand({ start: START, values }, { augurs, horizon: HOLDOUT_DAYS }));
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === WORKER_ROLE) {
  const { histories } = workerData as { histories: number[][] };
  parentPort?.postMessage(await forecastAll(histories));
}

/** Series are dealt round-robin to one worker per core (at most 2, the target machine); timing includes worker start-up and WASM init. */
async function forecastInParallel(histories: readonly number[][], workers: number): Promise<DemandForecast[]> {
  if (workers <= 1) return forecastAll(histories);
  const shares = Array.from({ length: workers }, (_, worker) =>
    histories.filter((_, index) => index % workers === worker),
  );
  const results = await Promise.all(
    shares.map(
      (share) =>
        new Promise<DemandForecast[]>((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: { role: WORKER_ROLE, histories: share } });
          worker.once("message", (forecasts: DemandForecast[]) => {
            resolve(forecasts);
            void worker.terminate();
          });
          worker.once("error", reject);
        }),
    ),
  );
  return histories.map(
    (_, index) => (results[index % workers] as DemandForecast[])[Math.floor(index / workers)] as DemandForecast,
  );
}

interface Series {
  key: string;
  history: number[];
  holdout: number[];
}

/** Unconstrained daily demand (units sold + units lost to stock-outs) of every listed SKU × channel. */
function demandSeries(count: number): Series[] {
  const series: Series[] = [];
  for (let merchant = 0; series.length < count; merchant += 1) {
    const dataset = new MerchantDataset({
      seed: `forecast-bench-${merchant}`,
      skus: 40,
      start: START,
      days: HISTORY_DAYS + HOLDOUT_DAYS,
      ordersPerDay: ORDERS_PER_DAY[merchant % ORDERS_PER_DAY.length],
    });
    const byKey = new Map<string, number[]>();
    for (const channel of dataset.channels) {
      for (const product of dataset.products) {
        if (dataset.isListed(product.sku, channel.id))
          byKey.set(`${channel.id}|${product.sku}`, new Array<number>(dataset.days).fill(0));
      }
    }
    let day = 0;
    for (const date of dataset.dates()) {
      for (const row of dataset.demand(date)) {
        const values = byKey.get(`${row.channel}|${row.sku}`);
        if (values) values[day] = row.unitsSold + row.unitsLost;
      }
      day += 1;
    }
    for (const [key, values] of byKey) {
      if (series.length === count) break;
      series.push({
        key: `${merchant}|${key}`,
        history: values.slice(0, HISTORY_DAYS),
        holdout: values.slice(HISTORY_DAYS),
      });
    }
  }
  return series;
}

export default async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const count = opts.quick ? 100 : 1000;
  const series = demandSeries(count);
  const workers = Math.min(2, availableParallelism());

  const started = performance.now();
  const forecasts = await forecastInParallel(
    series.map((item) => item.history),
    workers,
  );
  const seconds = (performance.now() - started) / 1000;

  // Holdout MASE per series, both scaled by the same in-sample seasonal-naive MAE; series with a zero scale can't be scaled and are left out.
  let chosenMase = 0;
  let naiveMase = 0;
  let scored = 0;
  let inside95 = 0;
  let points = 0;
  series.forEach((item, index) => {
    const forecast = forecasts[index] as DemandForecast;
    const scale = seasonalNaiveScale(item.history.slice(-FIT_DAYS));
    forecast.points.forEach((point, step) => {
      const actual = item.holdout[step] as number;
      if (actual >= point.lo95 && actual <= point.hi95) inside95 += 1;
      points += 1;
    });
    if (scale === 0) return;
    chosenMase +=
      meanAbsoluteError(
        item.holdout,
        forecast.points.map((point) => point.mean),
      ) / scale;
    naiveMase += meanAbsoluteError(item.holdout, seasonalNaive(item.history, HOLDOUT_DAYS)) / scale;
    scored += 1;
  });
  const maseImprovement = scored === 0 ? 0 : 1 - chosenMase / naiveMase;

  return [
    { name: "forecast.seconds", value: seconds, unit: "s", target: opts.quick ? "<= 6 (quick: 100 series)" : "<= 60" },
    { name: "forecast.maseImprovement", value: maseImprovement, unit: "fraction", target: ">= 0.15" },
    {
      name: "forecast.coverage95",
      value: points === 0 ? 0 : inside95 / points,
      unit: "fraction",
      target: "≈ 0.95 (info)",
    },
  ];
}
