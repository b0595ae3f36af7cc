import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";

// This file is read by the Prisma CLI only (migrate, generate). The CLI runs its schema
// engine as WebAssembly over this driver adapter, so no engine binary is ever downloaded.

// The WASM schema engine reads catalog columns of internal Postgres types that
// @prisma/adapter-pg 6.19 cannot deserialize ("Column type 'name' could not be
// deserialized"): report them as text (and name[] as text[]). CLI process only.
const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;
const INTERNAL_TEXT_OIDS = new Set([18, 19, 22, 24, 30, 194, 2205, 2206, 3734, 3769]);
const NAME_ARRAY_OID = 1003;

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };

function relabel(result: unknown): unknown {
  const results = Array.isArray(result) ? result : [result];
  for (const item of results as QueryResultLike[]) {
    for (const field of item?.fields ?? []) {
      if (INTERNAL_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
      else if (field.dataTypeID === NAME_ARRAY_OID) field.dataTypeID = TEXT_ARRAY_OID;
    }
  }
  return result;
}

const patched = Symbol.for("crosschannel.prisma-cli-pg-patch");
const clientPrototype = pg.Client.prototype as unknown as Record<PropertyKey, unknown> & {
  query: (...args: unknown[]) => unknown;
};
if (!clientPrototype[patched]) {
  clientPrototype[patched] = true;
  const query = clientPrototype.query;
  clientPrototype.query = function patchedQuery(this: unknown, ...args: unknown[]) {
    const callbackIndex = args.findIndex((arg) => typeof arg === "function");
    if (callbackIndex >= 0) {
      const callback = args[callbackIndex] as (error: unknown, result: unknown) => void;
      args[callbackIndex] = (error: unknown, result: unknown) => callback(error, error ? result : relabel(result));
      return query.apply(this, args);
    }
    const returned = query.apply(this, args);
    return returned instanceof Promise ? returned.then(relabel) : returned;
  };
}

type ScriptAdapter = {
  client: { query(sql: string): Promise<unknown> };
  onError(error: unknown): never;
  executeScript(script: string): Promise<void>;
};

// @prisma/adapter-pg 6.19 runs a migration by splitting it on every ";", which breaks any
// function body ($$ ... ; ... $$). PostgreSQL runs a whole script as one simple query.
function runScriptsWhole<T extends object>(adapter: T): T {
  const scripted = adapter as unknown as ScriptAdapter;
  scripted.executeScript = async (script: string) => {
    try {
      await scripted.client.query(script);
    } catch (error) {
      scripted.onError(error);
    }
  };
  return adapter;
}

function adapterFromUrl(url: string): PrismaPg {
  const parsed = new URL(url);
  // Separate fields, not a connection string: the shadow database is made by overriding
  // `database`, which a connection string would win over.
  const factory = new PrismaPg({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    ssl: parsed.searchParams.get("sslmode") === "require" ? { rejectUnauthorized: false } : undefined,
    // Without it, dropping the shadow database fails with "is being accessed by other users".
    idleTimeoutMillis: 1,
    // Let the CLI exit as soon as its work is done instead of waiting on pooled sockets.
    allowExitOnIdle: true,
  });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => runScriptsWhole(await connect());
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => runScriptsWhole(await connectToShadowDb());
  return factory;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) {
      throw new Error("DATABASE_URL is not set: run Prisma through `npm run prisma -- <command>`.");
    }
    return adapterFromUrl(url);
  },
});
