import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { freePort } from "./ports.ts";

const REDIS_SERVER = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((path) => existsSync(path));

/**
 * A throwaway redis-server on loopback for one test file (CI installs Debian's redis-server).
 * With `dir`, it keeps an append-only file there (fsync on every write), as a production Redis
 * for queues does, so a restart on the same `port` and `dir` comes back with every job.
 */
export async function startRedis(
  options: { port?: number; dir?: string } = {},
): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  if (!REDIS_SERVER) {
    throw new Error("redis-server is not installed: `apt-get install -y redis-server` (as .ci/run does).");
  }
  const port = options.port ?? (await freePort());
  const persistence = options.dir
    ? ["--dir", options.dir, "--appendonly", "yes", "--appendfsync", "always"]
    : ["--appendonly", "no"];
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", ...persistence],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("redis-server did not start within 10 s")), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
