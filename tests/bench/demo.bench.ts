// `demo.readySeconds`: `npm run demo` as a newcomer runs it after `npm install` — a fresh data
// directory (a new PostgreSQL cluster), the app built — until it prints "Ready at"; then
// `demo.stopSeconds`: Ctrl-C (SIGINT to the whole process group, as a terminal sends it)
// until every process is gone. The demo's own output is kept in bench/demo.log.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { alive, startDemo } from "../support/demo-server.ts";
import type { BenchResult } from "./run.ts";

export default async function demoBench(): Promise<BenchResult[]> {
  const dataDir = await mkdtemp(join(tmpdir(), "crosschannel-demo-bench-"));
  await mkdir("bench", { recursive: true });
  const started = Date.now();
  const demo = await startDemo({
    dataDir,
    // What a newcomer has: no DATABASE_URL, no NODE_ENV, no build yet.
    env: { DATABASE_URL: undefined, NODE_ENV: undefined, CROSSCHANNEL_DEMO_BUILD: "always" },
    readyWithinMs: 600_000,
  }).catch(async (error: Error) => {
    await writeFile("bench/demo.log", error.message);
    throw new Error(`${error.message.split("\n")[0]} (its output: bench/demo.log)`);
  });
  const readyMs = Date.now() - started;
  const processes = demo.processTree();
  const { ms: stopMs } = await demo.stop("SIGINT");
  await writeFile("bench/demo.log", demo.output());
  const left = processes.filter(alive);
  await rm(dataDir, { recursive: true, force: true });
  if (left.length > 0) throw new Error(`after Ctrl-C these demo processes are still running: ${left.join(", ")}`);
  return [
    {
      name: "demo.readySeconds",
      value: readyMs / 1000,
      unit: "s",
      target: "≤ 180 (fresh data directory, build included)",
    },
    { name: "demo.stopSeconds", value: stopMs / 1000, unit: "s", target: "≤ 15 (Ctrl-C, every process gone)" },
  ];
}
