// `npm run demo`: the whole product on this machine, no Shopify account needed. The same
// connectors, sink, jobs and pages a merchant runs, fed by the three channel simulators on
// loopback instead of the real channels:
//   1. PostgreSQL 17 (embedded, under .data/) or DATABASE_URL, migrations applied;
//   2. the Shopify, Amazon and Best Buy simulators serving one deterministic merchant on the
//      wall clock, placing new orders while the demo runs (Shopify's arrive as webhooks);
//   3. the demo shop and its three connections, registered through the connect service
//      (validation, `check`, credentials encrypted), exactly as a merchant's;
//   4. the worker (`npm run worker`'s code) importing the history, then syncing on schedule;
//   5. the app, standalone on 127.0.0.1, with the import's progress in this terminal;
//   6. a local mail catcher (SMTP) and a Slack-compatible receiver that the demo shop's alert
//      destinations (set through the merchant's settings service) deliver to.
// `npm run demo -- --reset` starts from nothing; Ctrl-C stops everything.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { readdir, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { DEFAULT_DATA_DIR, LocalPostgresError, portIsFree, resolveDatabase } from "../app/db/local-postgres.server.ts";
import { migrateIfNeeded } from "../app/db/migrations.server.ts";
import { ImportProgressView } from "./demo/progress.ts";
import { startAlertReceivers } from "./demo/receivers.ts";
import { referenceRatesCsv, startDemoMerchant, type DemoMerchant } from "./demo/simulators.ts";
import { loadDemoState, removeDemoState, saveDemoState, stateDirectory } from "./demo/state.ts";

const require = createRequire(import.meta.url);

export const DEMO_SHOP = {
  shop: "crosschannel-demo.myshopify.com",
  timezone: "America/New_York",
  currency: "USD",
};
const HOST = "127.0.0.1";
/** Streams are synced at least this often in the demo (the channels' defaults are 15–720 min). */
const DEMO_SYNC_EVERY_MINUTES = 2;
/** Ctrl-C: what is still running after this is killed. */
const STOP_GRACE_MS = 8_000;

const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);
function fail(line: string): never {
  process.stderr.write(`[demo] ${line}\n`);
  process.exit(1);
}

const USAGE = `Usage: npm run demo [-- --reset] [-- --order-every <seconds>]

  --reset              start from nothing: delete the demo shop's data and the simulators' state
  --order-every <s>    mean seconds between new orders across the channels (default 5)

Environment: PORT (default 3000), DATABASE_URL (default: PostgreSQL under .data/).`;

let args: { reset?: boolean; help?: boolean; "order-every"?: string };
try {
  args = parseArgs({
    options: { reset: { type: "boolean" }, help: { type: "boolean", short: "h" }, "order-every": { type: "string" } },
    strict: true,
  }).values;
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (process.env.NODE_ENV === "production") {
  fail(
    "npm run demo serves a made-up shop without Shopify's login and refuses NODE_ENV=production. " +
      "To deploy Crosschannel use npm run build and npm start (README, Deployment).",
  );
}
const orderEverySeconds = Number(args["order-every"] ?? process.env.DEMO_ORDER_EVERY_SECONDS ?? 5);
if (!Number.isFinite(orderEverySeconds) || orderEverySeconds < 1) {
  fail(`--order-every must be a number of seconds, at least 1; got ${JSON.stringify(args["order-every"])}.`);
}
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 1 || port > 65_535) fail(`PORT must be a port number; got ${process.env.PORT}.`);
if (!(await portIsFree(port, HOST))) {
  fail(
    `Port ${port} is in use (another npm run demo or server?). Stop it, or choose another port: PORT=${port + 1} npm run demo`,
  );
}

const startedAt = Date.now();
const seconds = () => `${Math.round((Date.now() - startedAt) / 1000)}s`;
const dataDir = DEFAULT_DATA_DIR;

say("Starting PostgreSQL and applying migrations…");
let database: Awaited<ReturnType<typeof resolveDatabase>>;
try {
  database = await resolveDatabase({ log: (line) => (/taken|Creating/.test(line) ? say(line) : undefined) });
  await migrateIfNeeded(database.url, { quiet: true });
} catch (error) {
  fail(error instanceof LocalPostgresError ? error.message : `The database is not usable: ${(error as Error).message}`);
}

const { state } = await loadDemoState(dataDir);
const appUrl = `http://localhost:${port}`;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: database.url,
  PORT: String(port),
  HOST,
  CROSSCHANNEL_STANDALONE: "1",
  CROSSCHANNEL_STANDALONE_SHOP: DEMO_SHOP.shop,
  SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY ?? "crosschannel-demo",
  // The simulator signs the demo shop's webhooks with the app's secret, as Shopify does.
  SHOPIFY_API_SECRET: state.secrets.webhookSecret,
  SHOPIFY_ADMIN_API_ACCESS_TOKEN: state.secrets.shopifyAccessToken,
  SHOPIFY_APP_URL: appUrl,
};
Object.assign(process.env, {
  DATABASE_URL: database.url,
  CROSSCHANNEL_STANDALONE: "1",
  CROSSCHANNEL_STANDALONE_SHOP: DEMO_SHOP.shop,
  HOST,
  SHOPIFY_API_KEY: env.SHOPIFY_API_KEY,
  SHOPIFY_API_SECRET: env.SHOPIFY_API_SECRET,
  SHOPIFY_ADMIN_API_ACCESS_TOKEN: env.SHOPIFY_ADMIN_API_ACCESS_TOKEN,
  SHOPIFY_APP_URL: appUrl,
});

// Services are imported after DATABASE_URL is known: they open the Prisma client on import.
const { addLocalShop, findShop, redactShop } = await import("../app/services/shops.server.ts");
const { connectChannel, ConnectionError } = await import("../app/services/connections.server.ts");
const { adapterFor, CHANNEL_IDS } = await import("../app/services/channels.server.ts");
const { importProgress } = await import("../app/services/import-progress.server.ts");
const { importReferenceRates } = await import("../app/services/fx.server.ts");
const { scheduleConnection, requestSync, scheduleShopEngine, INSIGHTS_JOB_NAME, ENGINE_JOB_OPTIONS } =
  await import("../app/services/schedules.server.ts");
const { closeQueues, getQueue, stopShopJobs, shopJobId } = await import("../app/queue/queues.server.ts");
const { closeIngestPool, ingestPool } = await import("../app/db/pool.server.ts");
const { createDestination, listDestinations, updateDestination } =
  await import("../app/services/alert-destinations.server.ts");
const prisma = (await import("../app/db.server.ts")).default;

if (args.reset) {
  const existing = await findShop(DEMO_SHOP.shop);
  if (existing) await stopShopJobs(existing.id);
  await redactShop(DEMO_SHOP.shop);
  await removeDemoState(dataDir);
  say("Reset: the demo shop's data and the simulators' state are deleted.");
}
const loaded = args.reset ? await loadDemoState(dataDir) : { state, created: false };
const demoState = loaded.state;
const runWindow = { from: new Date().toISOString(), to: new Date().toISOString() as string | null };
demoState.windows.push(runWindow);
await saveDemoState(dataDir, demoState);

// The build runs while the simulators start and the history begins to import.
const build = startBuild();

let merchant: DemoMerchant;
try {
  merchant = await startDemoMerchant({
    state: demoState,
    shopDomain: DEMO_SHOP.shop,
    webhooks: { url: `http://${HOST}:${port}/webhooks/shopify`, secret: demoState.secrets.webhookSecret },
    orderEveryMs: orderEverySeconds * 1000,
  });
} catch (error) {
  build.child?.kill("SIGTERM");
  fail(`The channel simulators did not start: ${(error as Error).message}`);
}
say(
  `Simulators on the wall clock: Shopify :${demoState.ports.shopify}, Amazon :${demoState.ports.amazon}, ` +
    `Best Buy :${demoState.ports.bestbuy}; a new order about every ${orderEverySeconds}s across the channels.`,
);

const shop = await addLocalShop(DEMO_SHOP);
const resumed = (await prisma.syncCheckpoint.count({ where: { shopId: shop.id } })) > 0;
for (const channel of CHANNEL_IDS) {
  const adapter = adapterFor(channel);
  try {
    const connection = await connectChannel(shop, adapter, merchant.settings[channel], { actor: "demo" });
    await scheduleConnection(connection, adapter, { everyMinutesAtMost: DEMO_SYNC_EVERY_MINUTES });
    await requestSync(connection, adapter);
  } catch (error) {
    const reason = error instanceof ConnectionError ? error.message : (error as Error).stack;
    await merchant.close();
    build.child?.kill("SIGTERM");
    fail(`Connecting ${channel} failed: ${reason}`);
  }
}
await scheduleShopEngine(shop);

// Alerts reach a mail catcher and a Slack-compatible receiver on loopback, as a merchant's reach theirs.
let logDelivery: (line: string) => void = say;
const outbox = join(stateDirectory(dataDir), "outbox.json");
const receivers = await startAlertReceivers({
  file: outbox,
  onEmail: (mail) => logDelivery(`alert email to ${mail.to.join(", ")}: ${mail.subject}`),
  onSlack: (message) => logDelivery(`Slack message: ${message.text.split("\n")[0]}`),
});
env.SMTP_URL = receivers.smtpUrl;
env.SMTP_FROM = "Crosschannel demo <alerts@crosschannel-demo.local>";
await configureDemoDestinations(receivers.slackWebhookUrl);
say(
  `Alerts are delivered to a local mail catcher (${receivers.smtpUrl}) and a Slack-compatible receiver; ` +
    `what they received: ${receivers.slackWebhookUrl.replace(/\/services\/.*$/, "/")} and ${outbox}.`,
);
say(
  resumed
    ? "Connections checked; resuming from the stored checkpoints and catching up on what changed while the demo was off."
    : "Shopify, Amazon and Best Buy connected (checked with each simulator, credentials encrypted); importing 12 months of history.",
);

const worker = spawnChild("worker", ["--import", "tsx", "app/jobs/worker.server.ts"], env);
const view = new ImportProgressView({ tty: Boolean(process.stdout.isTTY), write: say });
logDelivery = (line) => view.log(line);

let server: ChildProcess | undefined;
let stopping = false;
const timers: NodeJS.Timeout[] = [];

async function stop(signal: string, code = 0): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  view.stop();
  for (const timer of timers) clearInterval(timer);
  say(`${signal}: stopping the app, the worker, the simulators and PostgreSQL…`);
  build.child?.kill("SIGTERM");
  await Promise.all([stopChild(server), stopChild(worker)]);
  await merchant.close().catch(() => undefined);
  await receivers.close().catch(() => undefined);
  runWindow.to = new Date().toISOString();
  await saveDemoState(dataDir, demoState).catch(() => undefined);
  await closeQueues().catch(() => undefined);
  await closeIngestPool().catch(() => undefined);
  await prisma.$disconnect().catch(() => undefined);
  await database.stop().catch(() => undefined);
  say("Stopped. `npm run demo` resumes from here; `npm run demo -- --reset` starts over.");
  process.exit(code);
}
// Ctrl-C reaches every process of the group, and tsx passes it on to this one again: repeats in
// the first seconds are the same Ctrl-C; a later one forces the exit.
let stopRequestedAt = 0;
const onSignal = (signal: NodeJS.Signals) => {
  if (stopRequestedAt === 0) {
    stopRequestedAt = Date.now();
    void stop(signal);
  } else if (Date.now() - stopRequestedAt > 3_000) {
    process.exit(130);
  }
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
worker.once("exit", (exitCode) => {
  if (!stopping) {
    view.log(`The worker exited (code ${exitCode}); stopping the demo.`);
    void stop("worker exited", 1);
  }
});

// The running demo's window of live orders moves forward with it (a killed demo loses no more).
timers.push(
  setInterval(() => {
    runWindow.to = new Date().toISOString();
    void saveDemoState(dataDir, demoState).catch(() => undefined);
  }, 10_000),
);

const buildCode = await build.done;
if (stopping) await new Promise(() => undefined);
if (buildCode !== 0) {
  view.log(`The build failed (exit ${buildCode}); see the output above. Fix it and run npm run demo again.`);
  await stop("build failed", 1);
}
if (!existsSync("build/server/index.js")) {
  view.log("No build in build/server/index.js. Run npm run build, then npm run demo.");
  await stop("missing build", 1);
}
server = spawnChild(
  "app",
  [require.resolve("@remix-run/serve/dist/cli.js"), "./build/server/index.js"],
  // Production mode with a secret of this run's own, on loopback only (app/services/standalone.server.ts).
  // The demo's channels are the simulators on loopback: the pages that connect a channel (the
  // Best Buy form) check the merchant's settings against them, as the worker syncs from them.
  {
    ...env,
    NODE_ENV: "production",
    CROSSCHANNEL_STANDALONE_SECRET: randomBytes(33).toString("base64url"),
    CROSSCHANNEL_ALLOW_SIMULATOR_HOSTS: "1",
    // Production mode refuses the per-checkout key file: the server gets the same key as a
    // variable, so what it stores (a connection made from a page) the worker can read.
    CREDENTIALS_ENCRYPTION_KEY:
      env.CREDENTIALS_ENCRYPTION_KEY ?? readFileSync(join(dataDir, "credentials.key"), "utf8").trim(),
  },
  true,
);
server.once("exit", (exitCode) => {
  if (!stopping) {
    view.log(`The web server exited (code ${exitCode}); stopping the demo.`);
    void stop("web server exited", 1);
  }
});

let ready = false;
let engineQueued = false;
let ratesImportedFor: string | null = null;
let lastLive = 0;
const tick = async () => {
  if (stopping) return;
  const progress = await importProgress(shop.id);
  view.update(progress);
  await importRatesWhenNeeded();
  if (!ready && (await serverAnswers()) && (await recentHistoryIn())) {
    ready = true;
    view.log(`Ready at ${appUrl} (${seconds()}): the last 90 days are in; older history keeps importing.`);
    say(`Ready at ${appUrl}`);
  }
  if (!progress.importing && !engineQueued) {
    engineQueued = true;
    view.stop();
    await queueEngine();
    say(`History imported (${seconds()}): forecasts, alerts and the weekly insight are being computed.`);
  }
  if (!progress.importing && Date.now() - lastLive > 60_000) {
    lastLive = Date.now();
    const counters = merchant.shopify.webhookCounters;
    say(
      `live: ${await ordersInLastMinutes(5)} orders in the last 5 min across channels; ${counters.sent} Shopify webhooks sent.`,
    );
  }
};
timers.push(setInterval(() => void tick().catch((error: Error) => view.log(`progress: ${error.message}`)), 1_000));

// --- helpers -------------------------------------------------------------------------------

/**
 * The demo shop's alert destinations, through the settings service: every warning by email,
 * everything on Slack, and a daily email digest. The receiver's port changes per run, so the
 * Slack destination gets this run's URL.
 */
async function configureDemoDestinations(slackWebhookUrl: string): Promise<void> {
  const existing = await listDestinations(shop.id);
  const wanted = [
    { kind: "email", name: "Demo inbox", emails: "merchant@crosschannel-demo.local", minSeverity: "warning" },
    { kind: "slack", name: "Demo Slack #alerts", slackWebhookUrl, minSeverity: "info" },
    {
      kind: "email",
      name: "Demo daily digest",
      emails: "merchant@crosschannel-demo.local",
      minSeverity: "info",
      frequency: "daily",
    },
  ] as const;
  for (const input of wanted) {
    const current = existing.find((destination) => destination.name === input.name);
    const result = current
      ? input.kind === "slack"
        ? await updateDestination(shop.id, current.id, { slackWebhookUrl }, { actor: "demo" })
        : null
      : await createDestination(shop.id, input, { actor: "demo" });
    if (result && !result.ok) fail(`The demo's alert destination "${input.name}" was refused: ${result.message}`);
  }
}

function spawnChild(name: string, argv: string[], childEnv: NodeJS.ProcessEnv, quiet = false): ChildProcess {
  const child = spawn(process.execPath, argv, { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      const text = line.trimEnd();
      if (!text) continue;
      // The server's request log is noise here; its errors and start line are not.
      if (quiet && (/^(GET|POST|HEAD) /.test(text) || /\[shopify-(app|api)\/INFO\]/.test(text))) continue;
      if (/\[remix-serve\] http/.test(text)) continue;
      view.log(`[${name}] ${text.replace(/^\[worker\] /, "")}`);
    }
  };
  child.stdout?.on("data", relay);
  child.stderr?.on("data", relay);
  return child;
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(kill);
      resolveStop();
    });
    child.kill("SIGTERM");
  });
}

/** `remix vite:build` unless build/ is newer than every source file. */
function startBuild(): { child: ChildProcess | null; done: Promise<number> } {
  if (process.env.CROSSCHANNEL_DEMO_SKIP_BUILD === "1") return { child: null, done: Promise.resolve(0) };
  let child: ChildProcess | null = null;
  const done = (async () => {
    if (process.env.CROSSCHANNEL_DEMO_BUILD !== "always" && (await buildIsFresh())) {
      say("The build in build/ is up to date.");
      return 0;
    }
    say("Building the app…");
    return new Promise<number>((resolveBuild) => {
      child = spawn(process.execPath, [require.resolve("@remix-run/dev/dist/cli.js"), "vite:build"], {
        env: { ...env, NODE_ENV: "production" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.once("exit", (code) => {
        if (code !== 0 && !stopping) process.stderr.write(output);
        else if (!stopping) say(`Built the app (${seconds()}).`);
        resolveBuild(code ?? 1);
      });
    });
  })();
  return {
    get child() {
      return child;
    },
    done,
  };
}

async function newestSource(directory: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(path));
    else newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

async function buildIsFresh(): Promise<boolean> {
  const output = resolve("build/server/index.js");
  if (!existsSync(output)) return false;
  const built = statSync(output).mtimeMs;
  const sources = Math.max(
    await newestSource(resolve("app")),
    await newestSource(resolve("public")),
    ...["package-lock.json", "vite.config.ts", "remix.config.js"].map((file) => statSync(resolve(file)).mtimeMs),
  );
  return built > sources;
}

async function serverAnswers(): Promise<boolean> {
  try {
    // As a browser asks (Shopify's library answers requests that look like bots with 410).
    const response = await fetch(`http://${HOST}:${port}/app`, {
      signal: AbortSignal.timeout(5_000),
      headers: {
        "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0",
      },
    });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * The last 90 days are in: every channel has orders in its rollups on nearly every one of them
 * (the merchant sells on each channel daily; a channel whose import is still on older months,
 * or whose only recent orders are today's live ones, has gaps).
 */
async function recentHistoryIn(): Promise<boolean> {
  const result = await ingestPool().query<{ channels: number }>(
    `with today as (select (now() at time zone timezone)::date as day from "Shop" where id = $1)
     select count(*)::int as channels from (
       select channel from "DailyChannelTotal" t, today
       where t."shopId" = $1 and t.orders > 0 and t.day between today.day - 90 and today.day - 1
       group by channel
       having count(distinct t.day) >= 80) covered`,
    [shop.id],
  );
  return (result.rows[0]?.channels ?? 0) >= 3;
}

async function ordersInLastMinutes(minutes: number): Promise<number> {
  return prisma.order.count({
    where: { shopId: shop.id, placedAt: { gte: new Date(Date.now() - minutes * 60_000) } },
  });
}

/** The reference rates of the demo's currencies, imported as `npm run cli -- fx import` does, once a day. */
async function importRatesWhenNeeded(): Promise<void> {
  const today = new Date().toISOString().slice(0, 10);
  if (ratesImportedFor === today) return;
  const foreign = await prisma.order.count({ where: { shopId: shop.id, currency: { not: shop.currency } }, take: 1 });
  if (foreign === 0) return;
  ratesImportedFor = today;
  const file = join(stateDirectory(dataDir), "eurofxref-hist.csv");
  const csv = referenceRatesCsv(merchant.merchant, demoState.historyStart, today);
  await writeFile(file, csv);
  const result = await importReferenceRates(shop, csv, file);
  view.log(`Imported ${result.stored} reference exchange rates (${result.pairs.join(", ")}) from ${file}.`);
}

async function queueEngine(): Promise<void> {
  const at = String(Date.now());
  const queue = getQueue("forecast");
  await queue.add(
    "forecast",
    { shopId: shop.id },
    { ...ENGINE_JOB_OPTIONS, jobId: shopJobId(shop.id, "forecast", "demo", at) },
  );
  await queue.add(
    INSIGHTS_JOB_NAME,
    { shopId: shop.id },
    { ...ENGINE_JOB_OPTIONS, jobId: shopJobId(shop.id, "insights", "demo", at) },
  );
}
