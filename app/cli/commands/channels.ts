import { readFile } from "node:fs/promises";

import type { Channel } from "@prisma/client";

import { UsageError } from "../errors.ts";
import { requireShop, type Context } from "../context.ts";

/** A channel of the registry (app/services/channels.server.ts), or a usage error listing them. */
export async function parseChannel(value: unknown, field = "--channel"): Promise<Channel> {
  const { CHANNEL_IDS, isChannel } = await import("#app/services/channels.server.ts");
  if (!isChannel(value)) {
    throw new UsageError(`${field} must be one of ${CHANNEL_IDS.join(", ")}; got ${JSON.stringify(value ?? "")}.`);
  }
  return value;
}

async function readConfigFile(path: unknown): Promise<unknown> {
  if (typeof path !== "string" || path === "") {
    throw new UsageError("--config must name a JSON file with the connection's settings.");
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`--config: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config: ${path} is not valid JSON: ${(error as Error).message}.`);
  }
}

export async function connectCommand({ values, out }: Context): Promise<number> {
  const channel = await parseChannel(values.channel);
  const settings = await readConfigFile(values.config);
  const shop = await requireShop(values.shop);
  const { adapterFor } = await import("#app/services/channels.server.ts");
  const { connectChannel, ConnectionError } = await import("#app/services/connections.server.ts");
  const adapter = adapterFor(channel);
  let connection;
  try {
    connection = await connectChannel(shop, adapter, settings);
  } catch (error) {
    if (error instanceof ConnectionError) throw new UsageError(`${String(values.config)}: ${error.message}`);
    throw error;
  }
  const { scheduleConnection } = await import("#app/services/schedules.server.ts");
  await scheduleConnection(connection, adapter);
  out(`Connected ${connection.displayName} to ${shop.domain}.`);
  for (const stream of adapter.connector.supportedStreams) {
    const minutes = adapter.connector.stream(stream).defaultSchedule.everyMinutes;
    out(`  ${stream.padEnd(10)} synced every ${minutes} min by \`npm run worker\``);
  }
  out(`Sync now: npm run cli -- sync --shop ${shop.domain} --channel ${channel}`);
  return 0;
}

/** How often `sync` prints a stream's progress while it runs. */
const PROGRESS_EVERY_MS = Number(process.env.CLI_PROGRESS_EVERY_MS ?? 3_000);

export async function syncCommand({ values, out }: Context): Promise<number> {
  const channel = values.channel === undefined ? undefined : await parseChannel(values.channel);
  const shop = await requireShop(values.shop);
  const { adapterFor, listConnections } = await import("#app/services/channels.server.ts");
  const connections = await listConnections(shop.id, channel);
  if (connections.length === 0) {
    throw new UsageError(
      `${shop.domain} has no ${channel ? `${channel} ` : ""}connection to sync. Connect one first: npm run cli -- connect --shop ${shop.domain} --channel <id> --config <file.json>.`,
    );
  }
  const { syncConnection } = await import("#app/services/sync.server.ts");
  // An installed shop syncs with its offline token, which the Shopify app provides once loaded
  // (app/services/shopify-offline-token.server.ts); local shops sync without its configuration.
  if (shop.source === "shopify") await import("#app/shopify.server.ts");
  const mode = values.full ? "full" : "incremental";
  let failed = false;
  for (const connection of connections) {
    const adapter = adapterFor(connection.channel);
    out(`${connection.displayName}: ${mode} sync`);
    // Progress as pages commit, a line per stream at most every few seconds.
    const seen = new Map<string, { records: number; printedAt: number }>();
    const onPage = (page: { stream: string; records: number; progress: number | null }) => {
      const state = seen.get(page.stream) ?? { records: 0, printedAt: 0 };
      state.records += page.records;
      seen.set(page.stream, state);
      if (Date.now() - state.printedAt < PROGRESS_EVERY_MS) return;
      state.printedAt = Date.now();
      const percent = page.progress === null ? "" : `, ${Math.round(page.progress * 100)}%`;
      out(`  ${page.stream.padEnd(10)} … ${state.records.toLocaleString("en-US")} records so far${percent}`);
    };
    const summaries = await syncConnection({ ...connection, shop }, adapter, { mode, onPage });
    for (const summary of summaries) {
      failed ||= summary.status === "failed";
      const counts = `${summary.records} records, ${summary.quarantined} quarantined, ${summary.apiCalls} API calls, ${summary.throttled} throttled`;
      out(
        `  ${summary.stream.padEnd(10)} ${summary.status.padEnd(9)} ${counts}${summary.message ? ` — ${summary.message}` : ""}`,
      );
    }
  }
  return failed ? 1 : 0;
}

export async function reportCommand({ values, out }: Context): Promise<number> {
  const { parseDay } = await import("#app/services/validation.server.ts");
  const from = parseDay(values.from as string | undefined, "--from");
  const to = parseDay(values.to as string | undefined, "--to");
  if (from > to) throw new UsageError(`--from (${from}) is after --to (${to}).`);
  const shop = await requireShop(values.shop);
  const { salesReport } = await import("#app/services/report.server.ts");
  const report = await salesReport(shop, from, to);
  if (values.json) {
    out(JSON.stringify(report, null, 2));
    return 0;
  }
  const { formatReportTable } = await import("../report-table.ts");
  out(formatReportTable(report));
  return 0;
}
