import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join, resolve } from "node:path";

import pg from "pg";
import type { TestProject } from "vitest/node";

import { startDemo } from "./demo-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The one `npm run demo` the page tests read from (tests/e2e/pages/). */
    demo: { url: string; dataDir: string; databaseUrl: string };
  }
}

/**
 * Starts `npm run demo` once for every page test (they only read), on a database of its own
 * copied from the migrated template, and stops it when the run ends. Tests that change the
 * demo's state (connect, disconnect, imports) start a demo of their own instead.
 */
export default async function setup(project: TestProject) {
  const { databaseServerUrl, databaseTemplate, databasePrefix } = project.getProvidedContext();
  const database = `${databasePrefix}_shared_demo`;
  const admin = new pg.Client({ connectionString: databaseServerUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.query(`create database ${database} template ${databaseTemplate}`);
  } finally {
    await admin.end();
  }
  const databaseUrl = new URL(databaseServerUrl);
  databaseUrl.pathname = `/${database}`;

  await mkdir(resolve(".data"), { recursive: true });
  const dataDir = await mkdtemp(join(resolve(".data"), "e2e-pages-"));
  const demo = await startDemo({
    dataDir,
    args: ["--order-every", "2"],
    env: { DATABASE_URL: databaseUrl.toString() },
    readyWithinMs: 420_000,
  });
  project.provide("demo", { url: demo.url, dataDir, databaseUrl: databaseUrl.toString() });
  return async () => {
    await demo.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
