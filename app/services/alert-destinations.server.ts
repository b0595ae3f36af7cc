/**
 * Where a shop's alerts go, as the settings page edits them: email addresses, or a Slack
 * incoming webhook whose URL is a secret (encrypted and bound to its destination, like channel
 * credentials). Each destination picks alert kinds (none = every kind), a minimum severity and
 * whether it gets each alert as it opens or one digest a day. Input is checked with zod; a
 * bad field is reported by name and nothing is stored.
 */
import { randomUUID } from "node:crypto";

import type { AlertDestination, AlertSeverity, Prisma } from "@prisma/client";
import { z } from "zod";

import prisma from "#app/db.server.ts";
import { decryptJson, encryptJson } from "#app/services/crypto.server.ts";

/** Every alert kind a destination can choose (the engine's and the sync's). */
export const ALERT_KINDS = [
  "anomaly",
  "low_stock",
  "stockout_projected",
  "credentials_expiring",
  "sync_failed",
] as const;
export const ALERT_SEVERITIES = ["info", "warning", "critical"] as const satisfies readonly AlertSeverity[];
export const DESTINATION_KINDS = ["email", "slack"] as const;
export const FREQUENCIES = ["immediate", "daily"] as const;
export const MAX_EMAILS = 10;

export type DestinationFieldErrors = Partial<Record<string, string[]>>;
export type DestinationResult =
  { ok: true; destination: DestinationView } | { ok: false; fieldErrors: DestinationFieldErrors; message: string };

/** What the settings page shows: never the webhook URL, only its hint. */
export interface DestinationView {
  id: string;
  kind: "email" | "slack";
  name: string;
  emails: string[];
  slackWebhookHint: string | null;
  alertKinds: string[];
  minSeverity: AlertSeverity;
  frequency: "immediate" | "daily";
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

function production(env: NodeJS.ProcessEnv = process.env) {
  return env.NODE_ENV === "production" && env.CROSSCHANNEL_ALLOW_SIMULATOR_HOSTS !== "1";
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Slack's incoming webhooks live under https://hooks.slack.com/services/…; loopback receivers outside production. */
function slackUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Paste the whole Incoming Webhook URL from Slack, like https://hooks.slack.com/services/T…/B…/….";
  }
  if (url.protocol === "https:" && url.hostname === "hooks.slack.com" && url.pathname.startsWith("/services/")) {
    return url.pathname.split("/").filter(Boolean).length >= 4
      ? null
      : "This Slack URL is incomplete: it should end in /services/T…/B…/… (copy it again from Slack's Incoming Webhooks page).";
  }
  if (!production() && LOOPBACK.has(url.hostname) && (url.protocol === "http:" || url.protocol === "https:"))
    return null;
  return "Use a Slack Incoming Webhook URL: it starts with https://hooks.slack.com/services/.";
}

const emailList = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .split(/[,;\s]+/)
          .map((part) => part.trim())
          .filter(Boolean)
      : value,
  z
    .array(z.email({ error: (issue) => `${JSON.stringify(issue.input)} is not an email address.` }))
    .max(MAX_EMAILS, { error: `At most ${MAX_EMAILS} addresses per destination: add another destination for more.` }),
);

const Rules = z.object({
  name: z
    .string({ error: "Give the destination a name, like “Ops team”." })
    .trim()
    .min(1, { error: "Give the destination a name, like “Ops team”." })
    .max(80, { error: "Keep the name under 80 characters." }),
  alertKinds: z
    .array(z.enum(ALERT_KINDS, { error: `Choose among: ${ALERT_KINDS.join(", ")}.` }))
    .default([])
    .transform((kinds) => [...new Set(kinds)].sort()),
  minSeverity: z
    .enum(ALERT_SEVERITIES, { error: `Choose a minimum severity: ${ALERT_SEVERITIES.join(", ")}.` })
    .default("warning"),
  frequency: z
    .enum(FREQUENCIES, { error: "Choose “immediate” (each alert as it opens) or “daily” (one digest a day)." })
    .default("immediate"),
  enabled: z.boolean({ error: "enabled is true or false." }).default(true),
});

const EmailInput = Rules.extend({
  kind: z.literal("email"),
  emails: emailList.refine((list) => list.length > 0, { error: "Enter at least one email address." }),
});

const SlackInput = Rules.extend({
  kind: z.literal("slack"),
  slackWebhookUrl: z
    .string({ error: "Paste the Slack Incoming Webhook URL." })
    .trim()
    .superRefine((value, context) => {
      const problem = slackUrlProblem(value);
      if (problem) context.addIssue({ code: "custom", message: problem });
    }),
});

const CreateInput = z.discriminatedUnion("kind", [EmailInput, SlackInput], {
  error: "Choose where to send alerts: “email” or “slack”.",
});

export type CreateDestinationInput = z.input<typeof CreateInput>;
export type UpdateDestinationInput = Partial<Omit<z.input<typeof EmailInput>, "kind">> & {
  slackWebhookUrl?: string;
};

const KEPT_URL = "https://hooks.slack.com/services/T0/B0/kept";

function invalid(error: z.ZodError): { ok: false; fieldErrors: DestinationFieldErrors; message: string } {
  const fieldErrors: DestinationFieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "kind");
    (fieldErrors[field] ??= []).push(issue.message);
  }
  const fields = Object.keys(fieldErrors);
  return { ok: false, fieldErrors, message: `Check ${fields.join(", ")}: nothing was saved.` };
}

// Written here, not through shops.server.ts's audit(): the uninstall path there imports delivery.
async function audit(shopId: string, actor: string, action: string, data?: Prisma.InputJsonValue, target?: string) {
  await prisma.auditLog.create({ data: { shopId, actor, action, data, target } });
}

function binding(destination: { id: string; shopId: string }) {
  return { shopId: destination.shopId, channel: "alert-destination", accountId: destination.id };
}

function sealUrl(destination: { id: string; shopId: string }, url: string) {
  const sealed = encryptJson({ url }, undefined, binding(destination));
  const parsed = new URL(url);
  return {
    secret: new Uint8Array(sealed.ciphertext),
    secretKeyId: sealed.keyId,
    secretHint: `${parsed.host}/…${url.slice(-4)}`,
  };
}

/** The Slack webhook URL of a destination (for delivery only: never shown or logged). */
export function slackWebhookUrl(destination: AlertDestination): string {
  if (!destination.secret || !destination.secretKeyId)
    throw new Error(`Destination ${destination.name} has no Slack URL.`);
  return decryptJson<{ url: string }>(destination.secret, destination.secretKeyId, undefined, binding(destination)).url;
}

export function viewDestination(destination: AlertDestination): DestinationView {
  return {
    id: destination.id,
    kind: destination.kind as DestinationView["kind"],
    name: destination.name,
    emails: destination.emails,
    slackWebhookHint: destination.secretHint,
    alertKinds: destination.alertKinds,
    minSeverity: destination.minSeverity,
    frequency: destination.frequency as DestinationView["frequency"],
    enabled: destination.enabled,
    createdAt: destination.createdAt,
    updatedAt: destination.updatedAt,
  };
}

async function afterChange(shopId: string): Promise<void> {
  // A daily destination needs the shop's digest schedule (kept in place hourly too).
  const { scheduleAlertDigest } = await import("#app/services/schedules.server.ts");
  const shop = await prisma.shop.findUnique({
    where: { id: shopId },
    select: { id: true, timezone: true, status: true },
  });
  if (shop?.status === "installed") await scheduleAlertDigest(shop);
}

export async function listDestinations(shopId: string): Promise<DestinationView[]> {
  const rows = await prisma.alertDestination.findMany({
    where: { shopId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map(viewDestination);
}

export async function createDestination(
  shopId: string,
  input: unknown,
  options: { actor?: string } = {},
): Promise<DestinationResult> {
  const parsed = CreateInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const data = parsed.data;
  const id = randomUUID();
  const common = {
    id,
    shopId,
    kind: data.kind,
    name: data.name,
    alertKinds: data.alertKinds,
    minSeverity: data.minSeverity,
    frequency: data.frequency,
    enabled: data.enabled,
  };
  const destination = await prisma.alertDestination.create({
    data:
      data.kind === "email"
        ? { ...common, emails: data.emails }
        : { ...common, emails: [], ...sealUrl({ id, shopId }, data.slackWebhookUrl) },
  });
  await audit(
    shopId,
    options.actor ?? "merchant",
    "alert_destination.created",
    { kind: data.kind, name: data.name },
    id,
  );
  await afterChange(shopId);
  return { ok: true, destination: viewDestination(destination) };
}

/** Changes the given fields; a Slack URL left out stays as stored. */
export async function updateDestination(
  shopId: string,
  destinationId: string,
  input: unknown,
  options: { actor?: string } = {},
): Promise<DestinationResult | null> {
  const current = await prisma.alertDestination.findFirst({ where: { id: destinationId, shopId } });
  if (!current) return null;
  const record = (input ?? {}) as Record<string, unknown>;
  if (record.kind !== undefined && record.kind !== current.kind) {
    return {
      ok: false,
      fieldErrors: { kind: ["A destination's kind cannot change: add a new destination instead."] },
      message: "Check kind: nothing was saved.",
    };
  }
  const keepUrl = current.kind === "slack" && record.slackWebhookUrl === undefined;
  // The stored URL is not decrypted to be validated again: a valid stand-in takes its place.
  const stored = current.kind === "email" ? { emails: current.emails } : { slackWebhookUrl: KEPT_URL };
  const parsed = CreateInput.safeParse({
    kind: current.kind,
    name: current.name,
    alertKinds: current.alertKinds,
    minSeverity: current.minSeverity,
    frequency: current.frequency,
    enabled: current.enabled,
    ...stored,
    ...record,
  });
  if (!parsed.success) return invalid(parsed.error);
  const data = parsed.data;
  const fields = {
    name: data.name,
    alertKinds: data.alertKinds,
    minSeverity: data.minSeverity,
    frequency: data.frequency,
    enabled: data.enabled,
  };
  const destination = await prisma.alertDestination.update({
    where: { id: current.id },
    data:
      data.kind === "email"
        ? { ...fields, emails: data.emails }
        : { ...fields, ...(keepUrl ? {} : sealUrl(current, data.slackWebhookUrl)) },
  });
  await audit(
    shopId,
    options.actor ?? "merchant",
    "alert_destination.updated",
    { fields: Object.keys(record) },
    current.id,
  );
  await afterChange(shopId);
  return { ok: true, destination: viewDestination(destination) };
}

/** Deletes the destination and its delivery history; false when the shop has no such destination. */
export async function deleteDestination(
  shopId: string,
  destinationId: string,
  options: { actor?: string } = {},
): Promise<boolean> {
  const { count } = await prisma.alertDestination.deleteMany({ where: { id: destinationId, shopId } });
  if (count === 0) return false;
  await audit(shopId, options.actor ?? "merchant", "alert_destination.deleted", undefined, destinationId);
  await afterChange(shopId);
  return true;
}
