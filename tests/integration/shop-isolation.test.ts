import "../support/mock-shopify.ts";
// The mocked Shopify app first: test support below imports it too.
import "#app/shopify.server.ts";

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import {
  API_KEY,
  API_SECRET_KEY,
  RequestType,
  setUpValidRequest,
  TEST_SHOP,
  TEST_SHOP_NAME,
} from "@shopify/shopify-api/test-helpers";
import type { Job } from "bullmq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { runCli } from "#app/cli/run.ts";
import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { processors } from "#app/jobs/processors.server.ts";
import { SHOPIFY_DATA_TOPICS } from "#app/jobs/shopify-webhooks.server.ts";
import { closeQueues, getQueue, QUEUE_NAMES, type JobPayloads, type QueueName } from "#app/queue/queues.server.ts";

import { settledData } from "../support/remix.ts";
import { createShopWithData } from "../support/factories.ts";
import { storeOfflineSession, webhookRequest } from "../support/shopify.ts";

/*
 * Two shops, route by route, CLI command by command, job kind by job kind (issue 15): shop A's
 * session, request, command or job can neither read, change nor export shop B's data. The lists
 * are read from the code (app/routes, `npm run cli -- help`, the queue names), so a page, command
 * or queue added later is driven here too, or fails as unclassified.
 */

const ROUTES_DIR = join(import.meta.dirname, "../../app/routes");
const SHOP_B = "isolation-shop-b.myshopify.com";

afterEach(async () => {
  await closeQueues();
  await closeIngestPool();
});

interface Seeded {
  a: Awaited<ReturnType<typeof createShopWithData>>;
  b: Awaited<ReturnType<typeof createShopWithData>> & { inventoryItemId: string; deliveryId: string };
  /** Strings only shop B's data contains: none may appear in what shop A is shown or exports. */
  secrets: string[];
}

async function seed(): Promise<Seeded> {
  await storeOfflineSession(TEST_SHOP);
  const a = await createShopWithData(TEST_SHOP);
  const b = await createShopWithData(SHOP_B);
  await prisma.channelConnection.update({
    where: { id: b.connection.id },
    data: { displayName: "Shop B private Amazon account" },
  });
  const inventoryItemId = "990000000000001";
  await prisma.product.update({
    where: { id: b.product.id },
    data: { title: "Shop B secret mug", shopifyInventoryItemId: inventoryItemId },
  });
  for (const shop of [a.shop, b.shop]) {
    await prisma.channelConnection.create({
      data: {
        shopId: shop.id,
        channel: "shopify",
        accountId: shop.domain,
        displayName: "Shopify",
        config: {},
        credentials: Buffer.from("x"),
        credentialsKeyId: "k",
      },
    });
  }
  // Shop B's alert, its Slack destination and a delivery waiting to be sent.
  const alert = await prisma.alert.create({
    data: {
      shopId: b.shop.id,
      kind: "low_stock",
      severity: "critical",
      dedupeKey: "isolation-low-stock",
      title: "Shop B secret mug runs low",
      body: "Shop B secret mug has 2 days of cover.",
      createdAt: new Date("2026-11-30T12:00:00Z"),
    },
  });
  const destination = await prisma.alertDestination.create({
    data: { id: "isolation-destination-b", shopId: b.shop.id, kind: "email", name: "B", emails: ["b@shop-b.example"] },
  });
  const delivery = await prisma.alertDelivery.create({
    data: {
      shopId: b.shop.id,
      destinationId: destination.id,
      key: `alert:${alert.id}`,
      alertId: alert.id,
      recipient: "b@shop-b.example",
      subject: "Shop B secret mug runs low",
      text: "Shop B secret mug has 2 days of cover.",
    },
  });
  const secrets = [
    SHOP_B,
    b.shop.id,
    b.connection.id,
    b.connection.accountId,
    "Shop B private Amazon account",
    "Shop B secret mug",
    b.order.id,
    b.order.externalId,
    b.product.id,
  ];
  return { a, b: { ...b, inventoryItemId, deliveryId: delivery.id }, secrets };
}

/** Every row of every table that has a shopId column (found in the catalog), and the shop row itself. */
async function snapshot(shopId: string): Promise<string> {
  const tables = await prisma.$queryRaw<Array<{ table_name: string }>>`
    select table_name::text as table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'shopId' order by table_name`;
  const parts: string[] = [];
  for (const { table_name: table } of [{ table_name: "Shop" }, ...tables]) {
    const column = table === "Shop" ? "id" : "shopId";
    const rows = await prisma.$queryRawUnsafe<Array<{ rows: string }>>(
      `select coalesce(jsonb_agg(to_jsonb(t) order by to_jsonb(t)::text), '[]')::text as rows
       from "${table}" t where t."${column}" = $1`,
      shopId,
    );
    parts.push(`${table}: ${rows[0]?.rows ?? "[]"}`);
  }
  return parts.join("\n");
}

function expectNoneOf(secrets: string[], text: string, where: string) {
  for (const secret of secrets) {
    expect(text.includes(secret), `${where} shows shop B's ${JSON.stringify(secret)}`).toBe(false);
  }
}

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

/** Route ids as Remix's flat routes name them: files of app/routes, or folders with a route file. */
function routeIds(): string[] {
  return readdirSync(ROUTES_DIR)
    .filter((entry) => {
      const path = join(ROUTES_DIR, entry);
      if (statSync(path).isDirectory()) return readdirSync(path).some((file) => /^route\.[jt]sx?$/.test(file));
      return /\.[jt]sx?$/.test(entry) && !/\.(test|server)\.[jt]sx?$/.test(entry);
    })
    .map((entry) => entry.replace(/\.[jt]sx?$/, ""))
    .sort();
}

function modulePath(id: string): string {
  const path = join(ROUTES_DIR, id);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    const file = readdirSync(path).find((name) => /^route\.[jt]sx?$/.test(name))!;
    return join(path, file);
  }
  const file = readdirSync(ROUTES_DIR).find((name) => name.replace(/\.[jt]sx?$/, "") === id)!;
  return join(ROUTES_DIR, file);
}

/** The URL path of a flat route id ("app.channels.$id" → "/app/channels/<value>"). */
function urlPath(id: string, value: string): string {
  const segments = id
    .split(".")
    .filter((segment) => segment !== "_index" && !segment.startsWith("_"))
    .map((segment) =>
      segment.startsWith("$") ? (segment === "$" ? value : value) : segment.replace(/^\((.*)\)$/, "$1"),
    );
  return `/${segments.join("/")}`;
}

function paramNames(id: string): string[] {
  return id
    .split(".")
    .filter((segment) => segment.startsWith("$"))
    .map((segment) => (segment === "$" ? "*" : segment.slice(1)));
}

interface RouteModule {
  loader?: (args: LoaderFunctionArgs) => unknown;
  action?: (args: ActionFunctionArgs) => unknown;
}

async function settle(run: () => unknown): Promise<{ status: number; text: string }> {
  try {
    const result = await run();
    if (result instanceof Response) return { status: result.status, text: await result.text() };
    // defer(): what streams in after the first paint is checked as well, once it settles.
    return { status: 200, text: JSON.stringify((await settledData(result)) ?? null) };
  } catch (thrown) {
    if (thrown instanceof Response) {
      return { status: thrown.status, text: `${thrown.headers.get("location") ?? ""} ${await thrown.text()}` };
    }
    // An error page says nothing of shop B either; its message is checked like a body.
    return { status: 500, text: String((thrown as Error)?.stack ?? thrown) };
  }
}

/** Every id of shop B a forged URL, query or form could name. */
function shopBValues(seeded: Seeded): string[] {
  const { b } = seeded;
  return [b.shop.id, b.connection.id, b.order.id, b.product.id, b.order.externalId, SHOP_B];
}

function forgedQuery(seeded: Seeded): string {
  const { b } = seeded;
  return new URLSearchParams({
    shop: SHOP_B,
    shopId: b.shop.id,
    connectionId: b.connection.id,
    orderId: b.order.id,
    productId: b.product.id,
    id: b.connection.id,
  }).toString();
}

function forgedForm(seeded: Seeded): URLSearchParams {
  const form = new URLSearchParams(forgedQuery(seeded));
  // The fields the app's forms use, so actions get past their input checks.
  form.set("region", "na");
  form.set("marketplaceIds", "ATVPDKIKX0DER");
  form.set("sku", "SKU-1");
  form.set("intent", "delete");
  return form;
}

type Authenticate = (path: string, init?: RequestInit) => Promise<Request>;

const asShopA: Record<"admin" | "bearer", Authenticate> = {
  admin: (path, init) =>
    setUpValidRequest(
      { type: RequestType.Admin, store: TEST_SHOP_NAME, apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
      new Request(`https://my-test-app.myshopify.io${path}`, init),
    ),
  bearer: (path, init) =>
    setUpValidRequest(
      { type: RequestType.Bearer, store: TEST_SHOP_NAME, apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
      new Request(`https://my-test-app.myshopify.io${path}`, init),
    ),
};

/**
 * How each kind of route is driven. Admin pages (`app*`) and extension endpoints (`api.*`) are
 * called as shop A with shop B's ids in every param, the query and the form; the others have
 * their own authentication (Shopify's HMAC, Amazon's state, the OAuth flow) and are listed.
 */
type RouteKind = "admin" | "extension" | "webhook" | "oauth" | "public" | "signed";

const LISTED_ROUTES: Record<string, RouteKind> = {
  _index: "public",
  "auth.$": "oauth",
  "auth.login": "oauth",
  "channels.amazon.callback": "oauth",
  // A download signed for one shop (HMAC over shop, table, filters and expiry); a link rewritten
  // to another shop is refused in tests/integration/exports.test.ts.
  "exports.$token": "signed",
  "webhooks.app.scopes_update": "webhook",
  "webhooks.app.uninstalled": "webhook",
  "webhooks.compliance": "webhook",
  "webhooks.shopify": "webhook",
};

function kindOf(id: string): RouteKind | undefined {
  if (id === "app" || id.startsWith("app.")) return "admin";
  if (id.startsWith("api.")) return "extension";
  return LISTED_ROUTES[id];
}

/** Shop A's deliveries on each webhook route, naming shop B's ids wherever a payload carries ids. */
function webhookDeliveries(id: string, seeded: Seeded): Array<{ topic: string; body: unknown }> {
  const { b } = seeded;
  switch (id) {
    case "webhooks.app.scopes_update":
      return [{ topic: "app/scopes_update", body: { id: b.shop.id, current: ["read_orders"] } }];
    case "webhooks.app.uninstalled":
      return [{ topic: "app/uninstalled", body: { id: b.shop.id, domain: SHOP_B, myshopify_domain: SHOP_B } }];
    case "webhooks.compliance":
      return [
        {
          topic: "customers/data_request",
          body: {
            shop_domain: SHOP_B,
            customer: { id: 1 },
            orders_requested: [b.order.externalId, b.order.id],
            data_request: { id: 9 },
          },
        },
        {
          topic: "customers/redact",
          body: { shop_domain: SHOP_B, customer: { id: 1 }, orders_to_redact: [b.order.externalId, b.order.id] },
        },
        { topic: "shop/redact", body: { shop_id: 1, shop_domain: SHOP_B } },
      ];
    case "webhooks.shopify":
      return SHOPIFY_DATA_TOPICS.map((topic) => ({ topic, body: shopifyPayload(topic, seeded) }));
    default:
      return [];
  }
}

function shopifyPayload(topic: (typeof SHOPIFY_DATA_TOPICS)[number], seeded: Seeded): unknown {
  const { b } = seeded;
  const updatedAt = new Date(Date.now() + 60_000).toISOString();
  switch (topic) {
    case "inventory_items/update":
      return { id: Number(b.inventoryItemId), sku: "SKU-1", cost: "999.00", updated_at: updatedAt };
    case "inventory_levels/update":
      return { inventory_item_id: Number(b.inventoryItemId), location_id: 1, available: 0, updated_at: updatedAt };
    case "products/update":
      return {
        id: 1,
        title: "Overwritten by shop A",
        updated_at: updatedAt,
        variants: [{ id: 11, sku: "SKU-1", price: "1.00", inventory_item_id: Number(b.inventoryItemId) }],
      };
    case "refunds/create":
      return { id: 5, order_id: 1, created_at: updatedAt, refund_line_items: [], transactions: [] };
    default:
      return {
        id: 1,
        name: b.order.externalId,
        created_at: updatedAt,
        updated_at: updatedAt,
        currency: "CAD",
        financial_status: "paid",
        line_items: [{ id: 1, sku: "SKU-1", quantity: 1, price: "1.00" }],
      };
  }
}

function fakeJob<N extends QueueName>(name: N, data: JobPayloads[N]): Job<JobPayloads[N]> {
  return {
    id: `isolation-${name}`,
    name,
    data,
    attemptsMade: 0,
    opts: { attempts: 1 },
    updateProgress: async () => undefined,
    log: async () => 0,
  } as unknown as Job<JobPayloads[N]>;
}

describe("two shops, route by route", () => {
  let seeded: Seeded;
  beforeEach(async () => {
    seeded = await seed();
  });

  it("classifies every route of app/routes (a new route must be driven here)", () => {
    const unclassified = routeIds().filter((id) => kindOf(id) === undefined);
    expect(unclassified, `routes with no isolation driver: add them to LISTED_ROUTES or a prefix`).toEqual([]);
    expect(routeIds().filter((id) => kindOf(id) === "admin").length).toBeGreaterThan(0);
  });

  it("shop A's admin and extension requests, naming shop B's ids, neither read nor change shop B", async () => {
    const before = await snapshot(seeded.b.shop.id);
    const driven: string[] = [];
    for (const id of routeIds()) {
      const kind = kindOf(id);
      if (kind !== "admin" && kind !== "extension") continue;
      const module = (await import(/* @vite-ignore */ modulePath(id))) as RouteModule;
      const authenticate = kind === "admin" ? asShopA.admin : asShopA.bearer;
      const values = paramNames(id).length > 0 ? shopBValues(seeded) : [""];
      for (const value of values) {
        const params = Object.fromEntries(paramNames(id).map((name) => [name, value]));
        const path = `${urlPath(id, value)}?${forgedQuery(seeded)}`;
        if (module.loader) {
          const request = await authenticate(path);
          const answer = await settle(() => module.loader!({ request, params, context: {} }));
          expectNoneOf(seeded.secrets, answer.text, `loader of ${id} (${path})`);
          expect(answer.status, `loader of ${id} as shop A`).toBeLessThan(500);
          driven.push(`${id} loader`);
        }
        if (module.action) {
          const request = await authenticate(path, {
            method: "POST",
            body: forgedForm(seeded),
            headers: { "content-type": "application/x-www-form-urlencoded" },
          });
          const answer = await settle(() => module.action!({ request, params, context: {} }));
          expectNoneOf(seeded.secrets, answer.text, `action of ${id} (${path})`);
          driven.push(`${id} action`);
        }
      }
    }
    expect(driven.length).toBeGreaterThan(0);
    expect(await snapshot(seeded.b.shop.id)).toBe(before);
  });

  it("shop A's pages show shop A's own data (the driver reaches the shop's data at all)", async () => {
    const module = (await import(/* @vite-ignore */ modulePath("app._index"))) as RouteModule;
    const request = await asShopA.admin(`/app?${forgedQuery(seeded)}`);
    const answer = await settle(() => module.loader!({ request, params: {}, context: {} }));
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(TEST_SHOP);
  });

  it("webhooks signed for shop A, naming shop B's ids or domain, change nothing of shop B, and their jobs neither", async () => {
    const before = await snapshot(seeded.b.shop.id);
    // Data topics first: uninstall and redact (shop A's own) come last, as they end shop A's data.
    const last = (route: string) => (route === "webhooks.shopify" ? 0 : 1);
    const webhookRoutes = routeIds()
      .filter((route) => kindOf(route) === "webhook")
      .sort((x, y) => last(x) - last(y));
    const queuedJobs: Array<Job<JobPayloads["webhooks"]>> = [];
    for (const id of webhookRoutes) {
      if (id !== "webhooks.shopify" && queuedJobs.length === 0) {
        // The worker's side, before shop A is uninstalled: every queued job applied as the worker does.
        queuedJobs.push(...(await getQueue("webhooks").getJobs(["waiting", "delayed", "prioritized"])));
        expect(queuedJobs.length).toBe(SHOPIFY_DATA_TOPICS.length);
        for (const job of queuedJobs) {
          expect(job.data.shopId).toBe(seeded.a.shop.id);
          await processors.webhooks!(job).catch((error: unknown) => {
            expectNoneOf(seeded.secrets, String(error), `webhooks job ${job.data.topic}`);
          });
        }
      }
      const deliveries = webhookDeliveries(id, seeded);
      expect(deliveries.length, `${id} has no deliveries to drive`).toBeGreaterThan(0);
      const module = (await import(/* @vite-ignore */ modulePath(id))) as RouteModule;
      for (const { topic, body } of deliveries) {
        const path = urlPath(id, "");
        const answer = await settle(() =>
          module.action!({ request: webhookRequest(path, topic, TEST_SHOP, body), params: {}, context: {} }),
        );
        expect(answer.status, `${id} ${topic}: ${answer.text}`).toBe(200);
        expectNoneOf(seeded.secrets, answer.text, `${id} ${topic}`);
      }
    }
    expect(queuedJobs.length).toBeGreaterThan(0);
    // Shop A's own uninstall and redact ran, and shop B still has every row.
    expect(await prisma.order.count({ where: { shopId: seeded.a.shop.id } })).toBe(0);
    expect(await snapshot(seeded.b.shop.id)).toBe(before);
  });

  it("OAuth and public routes, given shop B's domain or ids without shop B's session, reveal nothing", async () => {
    const before = await snapshot(seeded.b.shop.id);
    for (const id of routeIds().filter((route) => ["oauth", "public"].includes(kindOf(route) ?? ""))) {
      const module = (await import(/* @vite-ignore */ modulePath(id))) as RouteModule;
      const path = `${urlPath(id, "callback")}?${forgedQuery(seeded)}&state=${seeded.b.shop.id}&spapi_oauth_code=x&selling_partner_id=A1`;
      if (module.loader) {
        const request = new Request(`https://my-test-app.myshopify.io${path}`);
        const answer = await settle(() => module.loader!({ request, params: { "*": "callback" }, context: {} }));
        // A redirect to shop B's own login is how Shopify's OAuth starts; it carries no data of shop B.
        const shown = answer.status >= 300 && answer.status < 400 ? "" : answer.text;
        expectNoneOf(seeded.secrets.slice(1), shown, `loader of ${id}`);
      }
    }
    expect(await snapshot(seeded.b.shop.id)).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------
// CLI commands
// ---------------------------------------------------------------------------------------------

async function cli(args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runCli(args, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
  return { code, output: lines.join("\n") };
}

/** The commands `npm run cli -- help` lists. */
async function cliCommands(): Promise<string[]> {
  const { output } = await cli(["help"]);
  return output
    .split("\n")
    .map((line) => /^ {2}([a-z]+(?: [a-z]+)?)(?= {2,}| --| \[|$)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== "help");
}

/**
 * Each command as shop A runs it, naming shop B's data where a flag takes it. Commands without
 * `--shop` are the operator's and act on the installation as a whole by design; they are listed
 * with what they do to every shop's data (nothing shop-specific is shown or crossed).
 */
const CLI_AS_SHOP_A: Record<string, ((seeded: Seeded) => string[]) | "installation-wide"> = {
  migrate: "installation-wide",
  "shops list": "installation-wide",
  "credentials reencrypt": "installation-wide",
  "shops add": () => ["shops", "add", "--shop", TEST_SHOP, "--timezone", "UTC", "--currency", "USD"],
  connect: () => ["connect", "--shop", TEST_SHOP, "--channel", "amazon", "--config", "/nonexistent.json"],
  sync: () => ["sync", "--shop", TEST_SHOP, "--channel", "bestbuy"],
  report: () => ["report", "--shop", TEST_SHOP, "--from", "2026-02-01", "--to", "2026-03-31", "--json"],
  "skus unmatched": () => ["skus", "unmatched", "--shop", TEST_SHOP, "--json"],
  "skus map": () => ["skus", "map", "--shop", TEST_SHOP, "--channel", "amazon", "--sku", "SKU-1", "--to", "SKU-1"],
  "fx set": () => [
    "fx",
    "set",
    "--shop",
    TEST_SHOP,
    "--day",
    "2026-03-01",
    "--base",
    "USD",
    "--quote",
    "CAD",
    "--rate",
    "1.35",
  ],
  "fx import": () => ["fx", "import", "--shop", TEST_SHOP, "--file", "/nonexistent.csv"],
};

describe("two shops, CLI command by command", () => {
  it("classifies every command of `npm run cli -- help`", async () => {
    const commands = await cliCommands();
    expect(commands.length).toBeGreaterThan(5);
    expect(commands.filter((command) => !(command in CLI_AS_SHOP_A))).toEqual([]);
  });

  it("a command run for shop A neither shows nor changes shop B's data", async () => {
    const seeded = await seed();
    const before = await snapshot(seeded.b.shop.id);
    for (const command of await cliCommands()) {
      const drive = CLI_AS_SHOP_A[command];
      if (drive === undefined || drive === "installation-wide") continue;
      const { output } = await cli(drive(seeded));
      expectNoneOf(seeded.secrets, output, `cli ${command}`);
    }
    expect(await snapshot(seeded.b.shop.id)).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------
// Queue jobs
// ---------------------------------------------------------------------------------------------

/** A job of each kind for shop A, naming shop B's ids wherever the payload holds ids. */
const JOBS_AS_SHOP_A: { [N in QueueName]: ((seeded: Seeded) => Array<JobPayloads[N]>) | "installation-wide" } = {
  sync: ({ a, b }) => [
    { shopId: a.shop.id, connectionId: b.connection.id, stream: "orders", mode: "full" },
    { shopId: a.shop.id, connectionId: b.connection.id, stream: "inventory", mode: "incremental" },
  ],
  rollup: ({ a }) => [{ shopId: a.shop.id }],
  forecast: ({ a }) => [{ shopId: a.shop.id }],
  alerts: ({ a }) => [{ shopId: a.shop.id }],
  webhooks: (seeded) =>
    SHOPIFY_DATA_TOPICS.map((topic) => ({
      shopId: seeded.a.shop.id,
      topic,
      webhookId: `isolation-${topic}`,
      payload: shopifyPayload(topic, seeded),
    })),
  // Shop A's id with shop B's alert delivery, and shop A's digest of a day shop B has alerts on.
  deliveries: ({ a, b }) => [
    { shopId: a.shop.id, deliveryId: b.deliveryId },
    { shopId: a.shop.id, day: "2026-11-30" },
  ],
  // Deletes webhook delivery ids older than the retention of every shop: no shop's data is read.
  housekeeping: "installation-wide",
};

describe("two shops, job kind by job kind", () => {
  it("has a driver for every queue", () => {
    expect([...QUEUE_NAMES].sort()).toEqual(Object.keys(JOBS_AS_SHOP_A).sort());
  });

  it("a job of shop A, naming shop B's ids, changes nothing of shop B", async () => {
    const seeded = await seed();
    const before = await snapshot(seeded.b.shop.id);
    for (const name of QUEUE_NAMES) {
      const drive = JOBS_AS_SHOP_A[name];
      if (drive === "installation-wide") continue;
      const processor = processors[name] as ((job: Job) => Promise<unknown>) | undefined;
      expect(processor, `no processor for ${name}`).toBeDefined();
      for (const data of (drive as (seeded: Seeded) => unknown[])(seeded)) {
        const result = await processor!(fakeJob(name, data as never)).then(
          (value) => JSON.stringify(value ?? null),
          (error: unknown) => String(error),
        );
        expectNoneOf(seeded.secrets, result, `${name} job`);
      }
    }
    expect(await snapshot(seeded.b.shop.id)).toBe(before);
  });
});
