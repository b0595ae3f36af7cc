import pg from "pg";
import { inject } from "vitest";

// Runs before each test file: a fresh copy of the migrated template, named after the worker,
// becomes DATABASE_URL before any application module opens a connection.
const serverUrl = inject("databaseServerUrl");
const template = inject("databaseTemplate");
const database = `${inject("databasePrefix")}_w${process.env.VITEST_POOL_ID ?? "0"}`;

const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
try {
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.query(`create database ${database} template ${template}`);
} finally {
  await admin.end();
}

const url = new URL(serverUrl);
url.pathname = `/${database}`;
process.env.DATABASE_URL = url.toString();
