import { spawn } from "node:child_process";

import pg from "pg";
import { describe, expect, it } from "vitest";

// A database restart or failover terminates every backend. An idle pooled connection that is
// terminated emits an error on its pool: without a listener, Node turns it into a crash.
describe("a PostgreSQL restart under a running worker", () => {
  it("keeps the process up, and its next queries work", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "tests/support/db-restart-child.ts"], {
      env: { ...process.env, QUEUE_PREFIX: `restart-${Date.now()}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("ready\n")) resolve();
      });
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      void exited.then(() => reject(new Error(`exited before ready:\n${output}`)));
    });
    await ready;

    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      const others = await admin.query<{ pid: number }>(
        `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
      );
      const pids = others.rows.map((row) => row.pid);
      const terminated = await admin.query(`select pg_terminate_backend(pid) from unnest($1::int[]) as pid`, [pids]);
      // The ingest pool, Prisma's pool and the queue backend's connections.
      expect(terminated.rowCount).toBeGreaterThanOrEqual(3);
    } finally {
      await admin.end();
    }
    // Give the terminated connections' errors time to reach the process before it queries again.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    child.kill("SIGUSR2");
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const { code, signal } = await exited;
    clearTimeout(timer);
    expect({ code, signal }, output).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/after: \{"ingest":1,"shops":0,"waiting":\d+\}/);
  }, 60_000);
});
