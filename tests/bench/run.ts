// `npm run bench [-- --quick]`: every benchmark of the repository, figures printed next to
// their targets and written to bench/results.json.
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
}

type Bench = (opts: { quick: boolean }) => Promise<BenchResult[]>;

const BENCHES: Array<{ title: string; load: () => Promise<{ default: Bench }> }> = [
  { title: "Connector SDK sync engine", load: () => import("../../connectors/sdk/bench/sync-engine.bench.ts") },
  { title: "Amazon backfill (orders reports, SP-API simulator)", load: () => import("./amazon-backfill.bench.ts") },
  { title: "Demand forecasts", load: () => import("./forecast.bench.ts") },
  { title: "Ingest (PostgresRecordSink)", load: () => import("./ingest.bench.ts") },
  { title: "Overview data and rollups", load: () => import("./overview.bench.ts") },
  { title: "Products and Inventory pages (server time)", load: () => import("./pages.bench.ts") },
  { title: "Overview admin vitals (Chromium, production build)", load: () => import("./vitals.bench.ts") },
  { title: "Demo (npm run demo from a fresh data directory)", load: () => import("./demo.bench.ts") },
  { title: "Admin extension (product-page block)", load: () => import("./extension.bench.ts") },
];

const quick = process.argv.includes("--quick");
// `--only ingest` (or any part of a title, case-insensitive) runs just the matching benchmarks.
const onlyIndex = process.argv.indexOf("--only");
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1]?.toLowerCase() : undefined;
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
process.stdout.write(`Benchmarks${quick ? " (quick: a tenth of the size)" : ""} on ${machine}\n\n`);

const results: BenchResult[] = [];
for (const bench of BENCHES.filter((item) => !only || item.title.toLowerCase().includes(only))) {
  process.stdout.write(`${bench.title}\n`);
  const { default: run } = await bench.load();
  for (const result of await run({ quick })) {
    results.push(result);
    // Small ratios (CLS) keep three decimals; the rest two.
    const value = Number.isInteger(result.value)
      ? String(result.value)
      : result.value.toFixed(Math.abs(result.value) < 1 ? 3 : 2);
    process.stdout.write(
      `  ${result.name.padEnd(40)} ${`${value} ${result.unit}`.padStart(22)}   target ${result.target}\n`,
    );
  }
  process.stdout.write("\n");
}

await mkdir("bench", { recursive: true });
await writeFile("bench/results.json", `${JSON.stringify({ machine, quick, results }, null, 2)}\n`);
process.stdout.write("Written to bench/results.json\n");
