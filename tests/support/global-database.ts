import { mkdtemp, rm } from "node:fs/promises";
import { join, resolve } from "node:path";

import pg from "pg";
import type { TestProject } from "vitest/node";

import { startLocalPostgres } from "../../app/db/local-postgres.server.ts";
import { runPrismaOrThrow } from "../../app/db/prisma-cli.server.ts";
import { freePort } from "./ports.ts";

declare module "vitest" {
  export interface ProvidedContext {
    databaseServerUrl: string;
    databaseTemplate: string;
    databasePrefix: string;
  }
}

/**
 * One PostgreSQL server for the test run (DATABASE_URL's server when set, else a throwaway
 * embedded cluster), and a template database with every migration applied. Each test file
 * gets its own copy of the template (tests/support/worker-database.ts).
 */
export default async function setup(project: TestProject) {
  // Per project: two projects may share one server (DATABASE_URL) and must not share databases.
  const prefix = `crosschannel_test_${project.name.replace(/[^a-z0-9]/gi, "_").toLowerCase()}`;
  const TEMPLATE_DATABASE = `${prefix}_template`;
  let stop = async () => undefined as void;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    await import("node:fs/promises").then((fs) => fs.mkdir(resolve(".data"), { recursive: true }));
    const dataDir = await mkdtemp(join(resolve(".data"), "test-"));
    const local = await startLocalPostgres({
      dataDir,
      port: await freePort(),
      persistent: false,
      database: "postgres",
    });
    serverUrl = local.url;
    stop = async () => {
      await local.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
  await admin.query(`create database ${TEMPLATE_DATABASE}`);
  await admin.end();

  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  await runPrismaOrThrow(["migrate", "deploy"], { databaseUrl: templateUrl.toString(), quiet: true });

  project.provide("databaseServerUrl", serverUrl);
  project.provide("databaseTemplate", TEMPLATE_DATABASE);
  project.provide("databasePrefix", prefix);
  return stop;
}
