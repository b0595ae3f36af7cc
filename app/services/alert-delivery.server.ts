/**
 * Alerts that reach the merchant: each destination (app/services/alert-destinations.server.ts)
 * gets one message per matching alert, or one digest a day. Every message is an AlertDelivery
 * row first, unique per destination and alert (or day): a second run, a retry or a concurrent
 * worker finds the row and sends nothing again. The "deliveries" queue sends it, retrying with
 * exponential backoff; right before sending, an alert no longer open, a disabled destination
 * or an uninstalled shop drops it instead. Email goes through SMTP_URL (nodemailer), Slack
 * through the destination's Incoming Webhook (a JSON POST, Slack's protocol).
 */
import type { Alert, AlertDelivery, AlertDestination, AlertSeverity, Shop } from "@prisma/client";
import nodemailer, { type Transporter } from "nodemailer";

import prisma from "#app/db.server.ts";
import { localDay } from "#app/analytics/days.ts";
import { getQueue, JOB_RETENTION, shopJobId } from "#app/queue/queues.server.ts";
import { slackWebhookUrl } from "#app/services/alert-destinations.server.ts";
import { channelName, isChannel } from "#app/services/channels.server.ts";

export const DELIVERY_STATUSES = ["pending", "sending", "sent", "failed", "dropped"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };
/** A "sending" row older than this belongs to a worker that died mid-send: it may be claimed again. */
const SENDING_LEASE_MS = 10 * 60_000;
const SLACK_TIMEOUT_MS = 15_000;

/** Five attempts, 30 s, 1 min, 2 min, 4 min apart (ALERT_DELIVERY_RETRY_DELAY_MS sets the first gap). */
export function deliveryJobOptions(env: NodeJS.ProcessEnv = process.env) {
  return {
    attempts: 5,
    backoff: { type: "exponential" as const, delay: Number(env.ALERT_DELIVERY_RETRY_DELAY_MS ?? 30_000) },
    ...JOB_RETENTION,
  };
}

export function insightsUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `${(env.SHOPIFY_APP_URL ?? "http://localhost:3000").replace(/\/+$/, "")}/app/insights`;
}

/** Whether a destination wants this alert (kind chosen, or none chosen; severity at least its minimum). */
export function destinationWants(destination: AlertDestination, alert: Pick<Alert, "kind" | "severity">): boolean {
  if (destination.alertKinds.length > 0 && !destination.alertKinds.includes(alert.kind)) return false;
  return SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[destination.minSeverity];
}

/** "Channel: Amazon · SKU: MUG", from what the alert's data names. */
function subjectLine(alert: Pick<Alert, "data">): string {
  const data = (alert.data ?? {}) as { channel?: string; sku?: string };
  const parts: string[] = [];
  if (isChannel(data.channel)) parts.push(`Channel: ${channelName(data.channel)}`);
  if (data.sku) parts.push(`Product SKU: ${data.sku}`);
  return parts.join(" · ");
}

function shopName(shop: Pick<Shop, "name" | "domain">): string {
  return shop.name ?? shop.domain;
}

export function alertMessage(shop: Pick<Shop, "name" | "domain">, alert: Alert): { subject: string; text: string } {
  const about = subjectLine(alert);
  return {
    subject: `[${alert.severity}] ${alert.title}`,
    text: [
      `${shopName(shop)}: ${alert.title}`,
      "",
      alert.body,
      ...(about ? ["", about] : []),
      `Severity: ${alert.severity}`,
      "",
      `Open Crosschannel: ${insightsUrl()}`,
    ].join("\n"),
  };
}

export function digestMessage(
  shop: Pick<Shop, "name" | "domain">,
  day: string,
  alerts: Alert[],
): { subject: string; text: string } {
  const count = `${alerts.length} ${alerts.length === 1 ? "alert" : "alerts"}`;
  const lines = alerts.map((alert) => {
    const about = subjectLine(alert);
    return `- [${alert.severity}] ${alert.title}${about ? ` (${about})` : ""}\n  ${alert.body}`;
  });
  return {
    subject: `Crosschannel daily digest for ${day}: ${count}`,
    text: [`${shopName(shop)}: ${count} on ${day}`, "", ...lines, "", `Open Crosschannel: ${insightsUrl()}`].join("\n"),
  };
}

function recipientOf(destination: AlertDestination): string {
  return destination.kind === "email" ? destination.emails.join(", ") : `Slack ${destination.secretHint ?? "webhook"}`;
}

async function enqueue(deliveries: Array<Pick<AlertDelivery, "id" | "shopId">>): Promise<void> {
  if (deliveries.length === 0) return;
  const options = deliveryJobOptions();
  await getQueue("deliveries").addBulk(
    deliveries.map((delivery) => ({
      name: "deliver",
      data: { shopId: delivery.shopId, deliveryId: delivery.id },
      // The job id is the delivery's: queuing it again is a no-op in BullMQ too.
      opts: { ...options, jobId: shopJobId(delivery.shopId, "deliver", delivery.id) },
    })),
  );
}

/**
 * After the alerts run: one delivery per open alert × immediate destination that wants it,
 * for alerts raised since the destination was added (older ones are in the app and the digest).
 */
export async function queueAlertDeliveries(shopId: string): Promise<{ queued: number }> {
  const shop = await prisma.shop.findUnique({ where: { id: shopId } });
  if (!shop || shop.status !== "installed") return { queued: 0 };
  const destinations = await prisma.alertDestination.findMany({
    where: { shopId, enabled: true, frequency: "immediate" },
  });
  if (destinations.length === 0) return { queued: 0 };
  const earliest = new Date(Math.min(...destinations.map((destination) => destination.createdAt.getTime())));
  const alerts = await prisma.alert.findMany({
    where: { shopId, status: "open", createdAt: { gte: earliest } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const rows = destinations.flatMap((destination) =>
    alerts
      .filter((alert) => alert.createdAt >= destination.createdAt && destinationWants(destination, alert))
      .map((alert) => ({
        shopId,
        destinationId: destination.id,
        key: `alert:${alert.id}`,
        alertId: alert.id,
        recipient: recipientOf(destination),
        ...alertMessage(shop, alert),
      })),
  );
  if (rows.length === 0) return { queued: 0 };
  // Rows that exist already (sent, or queued by an earlier run) are skipped by the unique key.
  const created = await prisma.alertDelivery.createManyAndReturn({
    data: rows,
    skipDuplicates: true,
    select: { id: true, shopId: true },
  });
  await enqueue(created);
  return { queued: created.length };
}

/** The shop-local day before `now`'s. */
export function previousLocalDay(now: Date, timeZone: string): string {
  const today = localDay(now, timeZone);
  const date = new Date(`${today}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** The open alerts a shop raised on a shop-local day. */
async function alertsOfDay(shop: Shop, day: string): Promise<Alert[]> {
  const midnight = Date.parse(`${day}T00:00:00.000Z`);
  // Every zone's day lies within UTC midnight ± 14 h; the exact day is then checked per alert.
  const candidates = await prisma.alert.findMany({
    where: {
      shopId: shop.id,
      status: "open",
      createdAt: { gte: new Date(midnight - 14 * 3_600_000), lt: new Date(midnight + 38 * 3_600_000) },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return candidates.filter((alert) => localDay(alert.createdAt, shop.timezone) === day);
}

/** The daily digest: one message per daily destination for the day's alerts it wants (none on a quiet day). */
export async function queueDailyDigests(
  shopId: string,
  options: { day?: string; now?: Date } = {},
): Promise<{ day: string; queued: number }> {
  const shop = await prisma.shop.findUnique({ where: { id: shopId } });
  const day = options.day ?? (shop ? previousLocalDay(options.now ?? new Date(), shop.timezone) : "");
  if (!shop || shop.status !== "installed") return { day, queued: 0 };
  const destinations = await prisma.alertDestination.findMany({ where: { shopId, enabled: true, frequency: "daily" } });
  if (destinations.length === 0) return { day, queued: 0 };
  const alerts = await alertsOfDay(shop, day);
  const rows = destinations.flatMap((destination) => {
    const wanted = alerts.filter((alert) => destinationWants(destination, alert));
    if (wanted.length === 0) return [];
    return [
      {
        shopId,
        destinationId: destination.id,
        key: `digest:${day}`,
        digestDay: new Date(`${day}T00:00:00.000Z`),
        recipient: recipientOf(destination),
        ...digestMessage(shop, day, wanted),
      },
    ];
  });
  if (rows.length === 0) return { day, queued: 0 };
  const created = await prisma.alertDelivery.createManyAndReturn({
    data: rows,
    skipDuplicates: true,
    select: { id: true, shopId: true },
  });
  await enqueue(created);
  return { day, queued: created.length };
}

let transport: { url: string; transporter: Transporter } | undefined;

function mailer(): Transporter {
  const url = process.env.SMTP_URL;
  if (!url) {
    throw new Error("SMTP_URL is not set: email alerts need an SMTP server (e.g. smtps://user:pass@smtp.example.com).");
  }
  if (transport?.url !== url) {
    transport?.transporter.close();
    transport = { url, transporter: nodemailer.createTransport(url) };
  }
  return transport.transporter;
}

function fromAddress(): string {
  return process.env.SMTP_FROM ?? "Crosschannel alerts <alerts@crosschannel.local>";
}

async function send(delivery: AlertDelivery, destination: AlertDestination): Promise<void> {
  if (destination.kind === "email") {
    await mailer().sendMail({
      from: fromAddress(),
      to: destination.emails,
      subject: delivery.subject,
      text: delivery.text,
      headers: { "X-Crosschannel-Delivery": delivery.id },
    });
    return;
  }
  const response = await fetch(slackWebhookUrl(destination), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      text: delivery.text,
      blocks: [
        { type: "header", text: { type: "plain_text", text: delivery.subject.slice(0, 150) } },
        { type: "section", text: { type: "mrkdwn", text: delivery.text.slice(0, 2900) } },
      ],
    }),
    signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
  });
  if (!response.ok) {
    const body = (await response.text().catch(() => "")).slice(0, 200);
    throw new Error(`Slack answered ${response.status}${body ? `: ${body}` : ""}`);
  }
}

export type DeliverOutcome =
  { status: "sent"; attempts: number } | { status: "dropped"; reason: string } | { status: "skipped"; reason: string };

async function drop(id: string, reason: string): Promise<DeliverOutcome> {
  await prisma.alertDelivery.updateMany({
    where: { id, status: { in: ["pending", "sending"] } },
    data: { status: "dropped", lastError: reason },
  });
  return { status: "dropped", reason };
}

/** Why a delivery must not go out now, or null. */
async function reasonToDrop(deliveryId: string): Promise<string | null> {
  const delivery = await prisma.alertDelivery.findUnique({
    where: { id: deliveryId },
    include: {
      shop: { select: { status: true } },
      destination: { select: { enabled: true } },
      alert: { select: { status: true } },
    },
  });
  if (!delivery) return "deleted";
  if (delivery.shop.status !== "installed") return "the shop uninstalled the app";
  if (!delivery.destination.enabled) return "the destination is disabled";
  if (delivery.alertId && delivery.alert?.status !== "open")
    return `the alert was ${delivery.alert?.status ?? "deleted"}`;
  return null;
}

/**
 * Sends one delivery. Throws when sending failed (the job retries); on the last attempt
 * (`final`) the row is marked failed with the error.
 */
export async function deliver(
  shopId: string,
  deliveryId: string,
  options: { final?: boolean; now?: Date } = {},
): Promise<DeliverOutcome> {
  const now = options.now ?? new Date();
  // Only the job's own shop: a job naming another shop's delivery finds nothing.
  const before = await prisma.alertDelivery.findFirst({ where: { id: deliveryId, shopId } });
  if (!before) return { status: "skipped", reason: "no such delivery (its destination or shop was deleted)" };
  if (!["pending", "sending"].includes(before.status)) return { status: "skipped", reason: `already ${before.status}` };
  const reason = await reasonToDrop(deliveryId);
  if (reason) return drop(deliveryId, reason);
  // Claimed by one worker at a time; a claim older than the lease belonged to a worker that died.
  const claim = await prisma.alertDelivery.updateMany({
    where: {
      id: deliveryId,
      OR: [{ status: "pending" }, { status: "sending", updatedAt: { lt: new Date(now.getTime() - SENDING_LEASE_MS) } }],
    },
    data: { status: "sending", attempts: { increment: 1 } },
  });
  if (claim.count === 0) return { status: "skipped", reason: "another worker is sending it" };
  const delivery = await prisma.alertDelivery.findUniqueOrThrow({
    where: { id: deliveryId },
    include: { destination: true },
  });
  // Checked again once claimed: a dismissal that came in meanwhile still stops it.
  const late = await reasonToDrop(deliveryId);
  if (late) return drop(deliveryId, late);
  try {
    await send(delivery, delivery.destination);
  } catch (error) {
    const message = (error as Error).message;
    await prisma.alertDelivery.update({
      where: { id: deliveryId },
      data: { status: options.final ? "failed" : "pending", lastError: message.slice(0, 500) },
    });
    throw new Error(
      `Delivery ${deliveryId} to ${delivery.recipient} failed (attempt ${delivery.attempts}): ${message}`,
    );
  }
  await prisma.alertDelivery.update({
    where: { id: deliveryId },
    data: { status: "sent", sentAt: new Date(), lastError: null },
  });
  return { status: "sent", attempts: delivery.attempts };
}

/** Uninstall: what has not gone out yet never will (the queued jobs are removed by stopShopJobs). */
export async function dropPendingDeliveries(shopId: string, reason = "the shop uninstalled the app"): Promise<number> {
  const { count } = await prisma.alertDelivery.updateMany({
    where: { shopId, status: { in: ["pending", "sending"] } },
    data: { status: "dropped", lastError: reason },
  });
  return count;
}

export interface DeliveryView {
  id: string;
  destination: { id: string; name: string; kind: string };
  recipient: string;
  /** The alert's id, or null for a digest. */
  alertId: string | null;
  digestDay: string | null;
  subject: string;
  text: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** The shop's recent deliveries, newest first: what was sent, to where, status and attempts. */
export async function listDeliveries(shopId: string, options: { limit?: number } = {}): Promise<DeliveryView[]> {
  const rows = await prisma.alertDelivery.findMany({
    where: { shopId },
    include: { destination: { select: { id: true, name: true, kind: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(options.limit ?? 50, 1), 500),
  });
  return rows.map((row) => ({
    id: row.id,
    destination: row.destination,
    recipient: row.recipient,
    alertId: row.alertId,
    digestDay: row.digestDay ? row.digestDay.toISOString().slice(0, 10) : null,
    subject: row.subject,
    text: row.text,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
  }));
}

export async function closeMailer(): Promise<void> {
  transport?.transporter.close();
  transport = undefined;
}
