import { spawn, spawnSync, type ChildProcess } from "node:child_process";

import { freePort } from "./ports.ts";

export interface RunningDemo {
  url: string;
  port: number;
  output: () => string;
  /** Process ids of the demo and everything it started (simulators run inside it; worker, app, PostgreSQL do not). */
  processTree: () => number[];
  /** Sends SIGINT (Ctrl-C) and waits for `npm run demo` to exit; resolves with the time it took. */
  stop: (signal?: NodeJS.Signals) => Promise<{ ms: number; code: number | null }>;
}

/** Every descendant of a process, from `ps` (depth first). */
export function descendants(pid: number): number[] {
  const listing = spawnSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" }).stdout;
  const children = new Map<number, number[]>();
  for (const line of listing.split("\n")) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!child || parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const visit = (id: number) => {
    for (const child of children.get(id) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `npm run demo` as a person types it, on the test's database, a data directory of its
 * own and a free port, and waits for its "Ready at" line.
 */
export async function startDemo(options: {
  dataDir: string;
  port?: number;
  args?: string[];
  env?: Record<string, string | undefined>;
  readyWithinMs?: number;
}): Promise<RunningDemo> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    "npm",
    ["run", "--silent", "demo", ...(options.args ? ["--", ...options.args] : [])],
    {
      env: {
        ...process.env,
        NODE_ENV: "development",
        PORT: String(port),
        CROSSCHANNEL_DATA_DIR: options.dataDir,
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: false,
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const readyWithin = options.readyWithinMs ?? 300_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the demo was not ready in ${readyWithin} ms:\n${output}`)),
      readyWithin,
    );
    const check = () => {
      if (output.includes(`Ready at http://localhost:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://localhost:${port}`,
    port,
    output: () => output,
    processTree: () => (child.pid ? [child.pid, ...descendants(child.pid)] : []),
    stop: (signal = "SIGINT") =>
      new Promise((resolve) => {
        const started = Date.now();
        if (child.exitCode !== null || child.signalCode !== null) return resolve({ ms: 0, code: child.exitCode });
        child.once("exit", (code) => resolve({ ms: Date.now() - started, code }));
        // Ctrl-C in a terminal signals the whole foreground group; npm passes it to the demo.
        for (const pid of child.pid ? [child.pid, ...descendants(child.pid)] : []) {
          try {
            process.kill(pid, signal);
          } catch {
            // already gone
          }
        }
      }),
  };
}
