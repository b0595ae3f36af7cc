// The zero-setup PostgreSQL under .data/ when something is in the way: a port another program
// holds, a cluster from another PostgreSQL version, a cluster whose password file is gone.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join, resolve } from "node:path";

import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";

import { LocalPostgresError, startLocalPostgres } from "#app/db/local-postgres.server.ts";
import { cli } from "#tests/support/commands.ts";

const made: string[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  await mkdir(resolve(".data"), { recursive: true });
  const dir = await mkdtemp(join(resolve(".data"), "local-pg-"));
  made.push(dir);
  return dir;
}

/** Another program holding a port on loopback. */
async function occupiedPort(): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return (server.address() as { port: number }).port;
}

describe("local PostgreSQL", () => {
  it("takes a free port of its own when another program holds the remembered one, and says so", async () => {
    const dir = await dataDir();
    const taken = await occupiedPort();
    await writeFile(
      join(dir, "local-postgres.json"),
      JSON.stringify({ port: taken, user: "crosschannel", password: "pw-local-test" }),
    );
    const lines: string[] = [];
    const local = await startLocalPostgres({
      dataDir: dir,
      persistent: false,
      database: "postgres",
      log: (line) => lines.push(line),
    });
    try {
      expect(lines.join("\n")).toMatch(
        new RegExp(`Port ${taken} is taken by another program; the local PostgreSQL now uses port \\d+`),
      );
      expect(new URL(local.url).port).not.toBe(String(taken));
      const client = new pg.Client({ connectionString: local.url });
      await client.connect();
      expect((await client.query("select 1 as one")).rows[0]).toEqual({ one: 1 });
      await client.end();
    } finally {
      await local.stop();
    }
  }, 60_000);

  it("refuses a cluster made by another PostgreSQL version with what to do", async () => {
    const dir = await dataDir();
    await mkdir(join(dir, "pg17"), { recursive: true });
    await writeFile(join(dir, "pg17", "PG_VERSION"), "18\n");
    await writeFile(
      join(dir, "local-postgres.json"),
      JSON.stringify({ port: await occupiedPort(), user: "u", password: "p" }),
    );
    const attempt = startLocalPostgres({ dataDir: dir, persistent: false });
    await expect(attempt).rejects.toBeInstanceOf(LocalPostgresError);
    await expect(attempt).rejects.toThrow(
      /was made by PostgreSQL 18; this checkout runs PostgreSQL 17\. Start from nothing with: rm -rf/,
    );
  });

  it("names the missing password file of an existing cluster, and the CLI prints just that line", async () => {
    const dir = await dataDir();
    await mkdir(join(dir, "pg17"), { recursive: true });
    await writeFile(join(dir, "pg17", "PG_VERSION"), "17\n");
    await expect(startLocalPostgres({ dataDir: dir, persistent: false })).rejects.toThrow(
      /holds a PostgreSQL cluster but .*local-postgres\.json, with its password, is missing/,
    );
    const typed = await cli(["shops", "list"], { env: { DATABASE_URL: undefined, CROSSCHANNEL_DATA_DIR: dir } });
    expect(typed.code).toBe(1);
    expect(typed.stderr.trim().split("\n")).toHaveLength(1);
    expect(typed.stderr).toContain("with its password, is missing");
    expect(typed.stderr).not.toContain("undefined");
  }, 60_000);
});
