import { readFile } from "node:fs/promises";

import { UsageError } from "../main.ts";
import { ensureDatabase } from "../runtime.ts";

interface Context {
  values: Record<string, string | boolean | undefined>;
  out: (line: string) => void;
}

export const CHANNELS = ["amazon", "bestbuy", "shopify"] as const;
export type ChannelId = (typeof CHANNELS)[number];

function parseChannel(value: unknown, field = "--channel"): ChannelId {
  if (typeof value !== "string" || !(CHANNELS as readonly string[]).includes(value)) {
    throw new UsageError(`${field} must be one of ${CHANNELS.join(", ")}; got ${JSON.stringify(value ?? "")}.`);
  }
  return value as ChannelId;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(value: unknown, field: string): string {
  if (typeof value !== "string" || !DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new UsageError(`${field} must be a day as YYYY-MM-DD; got ${JSON.stringify(value ?? "")}.`);
  }
  return value;
}

async function requireShop(value: unknown) {
  const { parseShopDomain } = await import("#app/services/validation.server.ts");
  const domain = parseShopDomain(value as string | undefined);
  await ensureDatabase();
  const { findShop } = await import("#app/services/shops.server.ts");
  const shop = await findShop(domain);
  if (!shop) {
    throw new UsageError(
      `No shop ${domain} here. Install the app in it, or add it: npm run cli -- shops add --shop ${domain} --timezone <zone> --currency <code>.`,
    );
  }
  return shop;
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

export async function connectCommand({ values }: Context): Promise<number> {
  const channel = parseChannel(values.channel);
  await readConfigFile(values.config);
  await requireShop(values.shop);
  const { connectorFor } = await import("#app/services/connectors.server.ts");
  connectorFor(channel);
  return 1;
}

export async function syncCommand({ values }: Context): Promise<number> {
  if (values.channel !== undefined) parseChannel(values.channel);
  const shop = await requireShop(values.shop);
  const { listConnections } = await import("#app/services/connectors.server.ts");
  const connections = await listConnections(shop.id, values.channel as ChannelId | undefined);
  if (connections.length === 0) {
    throw new UsageError(
      `${shop.domain} has no ${values.channel ? `${String(values.channel)} ` : ""}connection to sync. Connect one first: npm run cli -- connect --shop ${shop.domain} --channel <id> --config <file.json>.`,
    );
  }
  const { connectorFor } = await import("#app/services/connectors.server.ts");
  for (const connection of connections) connectorFor(connection.channel);
  return 1;
}

export async function reportCommand({ values }: Context): Promise<number> {
  const from = parseDay(values.from, "--from");
  const to = parseDay(values.to, "--to");
  if (from > to) throw new UsageError(`--from (${from}) is after --to (${to}).`);
  await requireShop(values.shop);
  throw new Error("Reports need the analytics engine, which this build does not include yet.");
}
