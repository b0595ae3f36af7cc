// `demo.readySeconds`: `npm run demo` as a newcomer runs it after `npm install` — a fresh data
// directory (a new PostgreSQL cluster), the app built — until it prints "Ready at".
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { freePort } from "../support/ports.ts";
import type { BenchResult } from "./run.ts";

export default async function demoBench(): Promise<BenchResult[]> {
  const dataDir = await mkdtemp(join(tmpdir(), "crosschannel-demo-bench-"));
  const port = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    CROSSCHANNEL_DATA_DIR: dataDir,
    CROSSCHANNEL_DEMO_BUILD: "always",
  };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  const started = Date.now();
  const child = spawn("npm", ["run", "--silent", "demo"], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const readyMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo was not ready in 600 s:\n${output}`)), 600_000);
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`Ready at http://localhost:${port}`)) {
        clearTimeout(timer);
        resolve(Date.now() - started);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${output}`));
    });
  });
  const stopped = Date.now();
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGINT");
  });
  const stopMs = Date.now() - stopped;
  await rm(dataDir, { recursive: true, force: true });
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
