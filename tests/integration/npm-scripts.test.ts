// The README's other commands, typed as a person types them (`npm run …` in a child process).
// `npm run demo`, `npm run build` and `npm start` are in tests/e2e/demo.test.ts; every
// `npm run cli -- …` command is in cli-commands.test.ts.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { npmRun } from "#tests/support/commands.ts";
import { descendants } from "#tests/support/demo-server.ts";

describe("npm run, as typed", () => {
  it("setup generates the client and applies migrations", async () => {
    const result = await npmRun("setup", [], { timeoutMs: 120_000 });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Database is up to date.");
  }, 150_000);

  it("prisma runs the Prisma CLI offline on the configured database", async () => {
    const result = await npmRun("prisma", ["migrate", "status"], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Database schema is up to date/);
    const bad = await npmRun("prisma", ["no-such-command"], { timeoutMs: 120_000 });
    expect(bad.code).not.toBe(0);
  }, 250_000);

  it("worker starts every queue and closes gracefully on SIGTERM", async () => {
    const child = spawn("npm", ["run", "--silent", "worker"], { env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await expect
      .poll(() => output, { timeout: 60_000, interval: 250 })
      .toMatch(/processing sync, rollup, forecast, alerts, deliveries, webhooks, housekeeping on postgres/);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    // SIGTERM to the worker, as a process manager stops it; npm then exits with its code.
    // (the deepest process running worker.server.ts: npm → sh → tsx → node)
    const worker = descendants(child.pid ?? 0)
      .filter((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("worker.server.ts"))
      .at(-1);
    expect(worker).toBeDefined();
    process.kill(worker ?? 0, "SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("SIGTERM: finishing running jobs, then closing");
  }, 90_000);

  it("the Docker image's worker command stops on a SIGTERM sent to node itself, as docker stop sends it to PID 1", async () => {
    const dockerfile = readFileSync("Dockerfile", "utf8");
    expect(dockerfile).toContain('CMD ["node", "--import", "tsx", "scripts/start.ts"]');
    const child = spawn(process.execPath, ["--import", "tsx", "app/jobs/worker.server.ts"], {
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => output, { timeout: 60_000, interval: 250 }).toMatch(/processing sync, rollup/);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("SIGTERM: finishing running jobs, then closing");
  }, 90_000);

  it("dev says what it needs when there is no terminal to sign in from", async () => {
    const result = await npmRun("dev", [], { env: { SHOPIFY_CLI_PARTNERS_TOKEN: undefined } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("signs in to your Shopify Partner account");
    expect(result.stderr).toContain("npm run demo");
  });

  it("bench runs a benchmark and prints its figures next to their targets", async () => {
    const result = await npmRun("bench", ["--quick", "--only", "amazon"], { timeoutMs: 240_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/amazon\.backfill24MonthsSeconds\s+[\d.]+ s \(virtual\)\s+target <= 300/);
    expect(result.stdout).toContain("Written to bench/results.json");
  }, 260_000);
});
