// What `npm run demo` remembers between runs, in .data/demo/state.json (mode 0600): the
// merchant's seed and first day, the simulators' ports and credentials (the stored
// connections point at them), and when the demo ran (live orders exist only then).
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { z } from "zod";

import { anyFreePort, portIsFree } from "../../app/db/local-postgres.server.ts";

const Window = z.object({ from: z.string(), to: z.string().nullable() });

export const DemoState = z.object({
  version: z.literal(1),
  seed: z.string(),
  /** First day of the merchant's history (12 months before the first run). */
  historyStart: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  ports: z.object({ shopify: z.number().int(), amazon: z.number().int(), bestbuy: z.number().int() }),
  secrets: z.object({
    shopifyAccessToken: z.string(),
    webhookSecret: z.string(),
    amazonClientId: z.string(),
    amazonClientSecret: z.string(),
    amazonRefreshToken: z.string(),
    bestbuyApiKey: z.string(),
  }),
  /** When the demo ran: the running demo moves its window's end forward every few seconds. */
  windows: z.array(Window),
});
export type DemoState = z.infer<typeof DemoState>;

export const HISTORY_DAYS = 365;

export function stateDirectory(dataDir: string): string {
  return join(dataDir, "demo");
}

function stateFile(dataDir: string): string {
  return join(stateDirectory(dataDir), "state.json");
}

const token = (prefix: string, bytes = 24) => `${prefix}${randomBytes(bytes).toString("hex")}`;

/** A day `days` before `day` (YYYY-MM-DD). */
function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

async function freshState(now: Date): Promise<DemoState> {
  return {
    version: 1,
    seed: "crosschannel-demo",
    historyStart: daysBefore(now.toISOString().slice(0, 10), HISTORY_DAYS),
    ports: { shopify: await anyFreePort(), amazon: await anyFreePort(), bestbuy: await anyFreePort() },
    secrets: {
      shopifyAccessToken: token("shpat_", 16),
      webhookSecret: token("", 32),
      amazonClientId: token("amzn1.application-oa2-client.", 16),
      amazonClientSecret: token("amzn1.oa2-cs.v1."),
      amazonRefreshToken: token("Atzr|"),
      bestbuyApiKey: [8, 4, 4, 4, 12].map((length) => randomBytes(length / 2).toString("hex")).join("-"),
    },
    windows: [],
  };
}

/** The stored state, or a new one; the simulators' ports are re-picked when another program holds them. */
export async function loadDemoState(
  dataDir: string,
  now = new Date(),
): Promise<{ state: DemoState; created: boolean }> {
  await mkdir(stateDirectory(dataDir), { recursive: true, mode: 0o700 });
  let text: string | null = null;
  try {
    text = await readFile(stateFile(dataDir), "utf8");
  } catch {
    text = null;
  }
  let state: DemoState;
  let created = false;
  if (text === null) {
    state = await freshState(now);
    created = true;
  } else {
    const parsed = DemoState.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new Error(
        `${stateFile(dataDir)} is damaged (${parsed.error.issues[0]?.message ?? "invalid"}). Start the demo from nothing with: npm run demo -- --reset`,
      );
    }
    state = parsed.data;
  }
  for (const channel of Object.keys(state.ports) as Array<keyof DemoState["ports"]>) {
    if (!(await portIsFree(state.ports[channel]))) state.ports[channel] = await anyFreePort();
  }
  // A window a killed demo left open ends where it was last seen running.
  state.windows = state.windows.map((window) => (window.to === null ? { ...window, to: window.from } : window));
  await saveDemoState(dataDir, state);
  return { state, created };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function saveDemoState(dataDir: string, state: DemoState): Promise<void> {
  const file = stateFile(dataDir);
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

export async function removeDemoState(dataDir: string): Promise<void> {
  await rm(stateDirectory(dataDir), { recursive: true, force: true });
}
