import { Worker } from "bullmq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { processors } from "#app/jobs/processors.server.ts";
import { getQueue, queueRuntime, type QueueBackendKind } from "#app/queue/queues.server.ts";
import {
  closeMailer,
  dropPendingDeliveries,
  listDeliveries,
  queueAlertDeliveries,
  queueDailyDigests,
} from "#app/services/alert-delivery.server.ts";
import {
  createDestination,
  deleteDestination,
  listDestinations,
  updateDestination,
} from "#app/services/alert-destinations.server.ts";
import { dismissAlert } from "#app/services/alerts.server.ts";
import { digestSchedulerId } from "#app/services/schedules.server.ts";
import { markUninstalled } from "#app/services/shops.server.ts";

import { startAlertReceivers, type AlertReceivers } from "../../scripts/demo/receivers.ts";
import { useQueueBackends } from "../support/queue-backends.ts";

const withBackend = useQueueBackends();
const APP_LINK = "https://my-test-app.myshopify.io/app/insights";

let receivers: AlertReceivers;
const workers: Worker[] = [];

beforeEach(async () => {
  receivers = await startAlertReceivers();
  process.env.SMTP_URL = receivers.smtpUrl;
  process.env.ALERT_DELIVERY_RETRY_DELAY_MS = "100";
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.close()));
  await closeMailer();
  await receivers.close();
  delete process.env.SMTP_URL;
  delete process.env.ALERT_DELIVERY_RETRY_DELAY_MS;
});

async function startDeliveryWorker(): Promise<Worker> {
  const runtime = queueRuntime();
  const options = { ...runtime.options, concurrency: 4 };
  const processor = processors.deliveries as never;
  const worker = runtime.backend
    ? new Worker("deliveries", processor, options, runtime.backend as never)
    : new Worker("deliveries", processor, options);
  worker.on("error", () => undefined);
  await worker.waitUntilReady();
  workers.push(worker);
  return worker;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function allSettled(shopId: string, count: number) {
  await until(`${count} deliveries are settled`, async () => {
    const rows = await prisma.alertDelivery.findMany({ where: { shopId } });
    return rows.length === count && rows.every((row) => ["sent", "failed", "dropped"].includes(row.status));
  });
}

async function seedShop(domain = "deliver.myshopify.com") {
  return prisma.shop.create({ data: { domain, name: "Acme Mugs", timezone: "America/New_York", currency: "USD" } });
}

async function destinations(shopId: string, extra: Record<string, unknown> = {}) {
  const email = await createDestination(shopId, {
    kind: "email",
    name: "Ops",
    emails: "ops@acme.test, owner@acme.test",
    minSeverity: "warning",
    ...extra,
  });
  const slack = await createDestination(shopId, {
    kind: "slack",
    name: "#alerts",
    slackWebhookUrl: receivers.slackWebhookUrl,
    minSeverity: "warning",
    ...extra,
  });
  if (!email.ok || !slack.ok) throw new Error(`destinations not created: ${JSON.stringify([email, slack])}`);
  return { email: email.destination, slack: slack.destination };
}

function alert(
  shopId: string,
  key: string,
  fields: Partial<{ severity: "info" | "warning" | "critical"; createdAt: Date }> = {},
) {
  return prisma.alert.create({
    data: {
      shopId,
      kind: "low_stock",
      severity: fields.severity ?? "critical",
      dedupeKey: `stock:amazon:${key}`,
      title: `SKU ${key} is out of stock on Amazon`,
      body: `SKU ${key} has 0 units available on Amazon while about 28 units are expected to sell over the 14 days lead time.`,
      data: { sku: key, channel: "amazon" },
      ...(fields.createdAt ? { createdAt: fields.createdAt } : {}),
    },
  });
}

describe.each<QueueBackendKind>(["postgres", "redis"])("alert delivery on %s", (kind) => {
  it("sends one email and one Slack message per alert, however often and concurrently it is queued", async () => {
    await withBackend(kind, async () => {
      const shop = await seedShop();
      const { email, slack } = await destinations(shop.id);
      const mug = await alert(shop.id, "MUG");
      await alert(shop.id, "CAP", { severity: "warning" });
      await alert(shop.id, "PEN", { severity: "info" }); // below both destinations' minimum

      // Two alert runs at once (two workers), then another later: each alert × destination once.
      const runs = await Promise.all([queueAlertDeliveries(shop.id), queueAlertDeliveries(shop.id)]);
      expect(runs[0].queued + runs[1].queued).toBe(4);
      await startDeliveryWorker();
      await allSettled(shop.id, 4);
      expect((await queueAlertDeliveries(shop.id)).queued).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(receivers.emails.map((mail) => mail.subject).sort()).toEqual([
        "[critical] SKU MUG is out of stock on Amazon",
        "[warning] SKU CAP is out of stock on Amazon",
      ]);
      expect(receivers.slack).toHaveLength(2);
      const mail = receivers.emails.find((message) => message.subject.includes("MUG"))!;
      expect(mail.to).toEqual(["ops@acme.test", "owner@acme.test"]);
      expect(mail.text).toContain("Acme Mugs: SKU MUG is out of stock on Amazon");
      expect(mail.text).toContain("Channel: Amazon · Product SKU: MUG");
      expect(mail.text).toContain(`Open Crosschannel: ${APP_LINK}`);
      const posted = receivers.slack.find((message) => message.text.includes("MUG"))!;
      expect(posted.path).toBe("/services/TDEMO/BDEMO/demo-receiver");
      expect(posted.text).toContain(APP_LINK);

      const listed = await listDeliveries(shop.id);
      expect(listed).toHaveLength(4);
      expect(listed.every((row) => row.status === "sent" && row.attempts === 1 && row.sentAt)).toBe(true);
      const mugEmail = listed.find((row) => row.alertId === mug.id && row.destination.id === email.id)!;
      expect(mugEmail).toMatchObject({ recipient: "ops@acme.test, owner@acme.test", lastError: null });
      const mugSlack = listed.find((row) => row.alertId === mug.id && row.destination.id === slack.id)!;
      expect(mugSlack.recipient).toMatch(/^Slack 127\.0\.0\.1:\d+\/…iver$/); // a hint, never the URL
      // Another shop sees none of it.
      const other = await seedShop("other.myshopify.com");
      expect(await listDeliveries(other.id)).toEqual([]);
    });
  });

  it("retries after the receivers refuse (SMTP 451, HTTP 500), then delivers once", async () => {
    await withBackend(kind, async () => {
      const shop = await seedShop();
      await destinations(shop.id);
      await alert(shop.id, "MUG");
      receivers.failNext("email", 2);
      receivers.failNext("slack", 2);
      await queueAlertDeliveries(shop.id);
      await startDeliveryWorker();
      await allSettled(shop.id, 2);
      expect(receivers.refused).toEqual({ email: 2, slack: 2 });
      expect(receivers.emails).toHaveLength(1);
      expect(receivers.slack).toHaveLength(1);
      const rows = await listDeliveries(shop.id);
      expect(rows.map((row) => [row.status, row.attempts])).toEqual([
        ["sent", 3],
        ["sent", 3],
      ]);
    });
  });
});

describe("alert delivery stops", () => {
  it("sends nothing for an alert dismissed or resolved before its turn", async () => {
    await withBackend("postgres", async () => {
      const shop = await seedShop();
      await destinations(shop.id);
      const dismissed = await alert(shop.id, "MUG");
      const resolved = await alert(shop.id, "CAP");
      expect((await queueAlertDeliveries(shop.id)).queued).toBe(4);
      await dismissAlert(shop.id, dismissed.id);
      await prisma.alert.update({ where: { id: resolved.id }, data: { status: "resolved" } });
      await startDeliveryWorker();
      await allSettled(shop.id, 4);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receivers.emails).toEqual([]);
      expect(receivers.slack).toEqual([]);
      const rows = await listDeliveries(shop.id);
      expect(rows.every((row) => row.status === "dropped" && row.attempts === 0)).toBe(true);
      expect(rows.map((row) => row.lastError).sort()).toEqual([
        "the alert was dismissed",
        "the alert was dismissed",
        "the alert was resolved",
        "the alert was resolved",
      ]);
    });
  });

  it("sends nothing to a shop that uninstalled: pending deliveries are dropped and their jobs removed", async () => {
    await withBackend("postgres", async () => {
      const shop = await seedShop();
      await destinations(shop.id);
      await alert(shop.id, "MUG");
      expect((await queueAlertDeliveries(shop.id)).queued).toBe(2);
      expect(await getQueue("deliveries").getJobCountByTypes("waiting", "prioritized")).toBe(2);
      await markUninstalled(shop.domain);
      expect(await getQueue("deliveries").getJobCountByTypes("waiting", "prioritized", "delayed")).toBe(0);
      await startDeliveryWorker();
      // A job that was already taken (queued again here, as a running worker would hold it).
      const [row] = await prisma.alertDelivery.findMany({ where: { shopId: shop.id } });
      await getQueue("deliveries").add("deliver", { shopId: shop.id, deliveryId: row!.id });
      await alert(shop.id, "CAP");
      expect((await queueAlertDeliveries(shop.id)).queued).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(receivers.emails).toEqual([]);
      expect(receivers.slack).toEqual([]);
      const rows = await listDeliveries(shop.id);
      expect(rows.map((item) => [item.status, item.lastError])).toEqual([
        ["dropped", "the shop uninstalled the app"],
        ["dropped", "the shop uninstalled the app"],
      ]);
      expect(await dropPendingDeliveries(shop.id)).toBe(0);
    });
  });
});

describe("daily digest", () => {
  it("sends one message per destination with the day's alerts, each once", async () => {
    await withBackend("postgres", async () => {
      const shop = await seedShop();
      await destinations(shop.id, { frequency: "daily", minSeverity: "info" });
      const schedulers = await getQueue("deliveries").getJobSchedulers(0, -1);
      expect(schedulers.map((scheduler) => scheduler.id ?? scheduler.key)).toEqual([digestSchedulerId(shop.id)]);
      expect(schedulers[0]).toMatchObject({ name: "digest", pattern: "10 0 * * *", tz: "America/New_York" });

      // 2026-03-02 in New York: 05:00Z on the 2nd to 05:00Z on the 3rd.
      await alert(shop.id, "MUG", { createdAt: new Date("2026-03-02T06:00:00Z") });
      await alert(shop.id, "CAP", { severity: "info", createdAt: new Date("2026-03-03T04:30:00Z") });
      await alert(shop.id, "OLD", { createdAt: new Date("2026-03-02T04:59:00Z") }); // the 1st, locally
      await alert(shop.id, "NEW", { createdAt: new Date("2026-03-03T05:01:00Z") }); // the 3rd
      const now = new Date("2026-03-03T05:10:00Z"); // 00:10 on the 3rd in New York
      // Immediate deliveries are for immediate destinations only.
      expect((await queueAlertDeliveries(shop.id)).queued).toBe(0);
      expect(await queueDailyDigests(shop.id, { now })).toEqual({ day: "2026-03-02", queued: 2 });
      expect(await queueDailyDigests(shop.id, { now })).toEqual({ day: "2026-03-02", queued: 0 });
      await startDeliveryWorker();
      await allSettled(shop.id, 2);
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(receivers.emails).toHaveLength(1);
      expect(receivers.slack).toHaveLength(1);
      const mail = receivers.emails[0]!;
      expect(mail.subject).toBe("Crosschannel daily digest for 2026-03-02: 2 alerts");
      for (const text of [mail.text, receivers.slack[0]!.text]) {
        expect(text.match(/SKU MUG is out of stock/g)).toHaveLength(1);
        expect(text.match(/SKU CAP is out of stock/g)).toHaveLength(1);
        expect(text).not.toContain("OLD");
        expect(text).not.toContain("NEW");
        expect(text).toContain(APP_LINK);
      }
      const rows = await listDeliveries(shop.id);
      expect(rows.map((row) => [row.digestDay, row.alertId, row.status])).toEqual([
        ["2026-03-02", null, "sent"],
        ["2026-03-02", null, "sent"],
      ]);
    });
  });

  it("runs from its schedule's job on the queue", async () => {
    await withBackend("postgres", async () => {
      const shop = await seedShop();
      await destinations(shop.id, { frequency: "daily" });
      await alert(shop.id, "MUG", { createdAt: new Date("2026-03-02T12:00:00Z") });
      await getQueue("deliveries").add("digest", { shopId: shop.id, day: "2026-03-02" });
      await startDeliveryWorker();
      await until("the digest is sent", async () => receivers.emails.length === 1 && receivers.slack.length === 1);
      expect(receivers.emails[0]!.subject).toBe("Crosschannel daily digest for 2026-03-02: 1 alert");
    });
  });
});

describe("alert destinations", () => {
  it("refuses invalid input field by field and stores nothing", async () => {
    await withBackend("postgres", async () => {
      const shop = await seedShop();
      const bad = await createDestination(shop.id, {
        kind: "email",
        name: " ",
        emails: "ops@acme.test, not-an-address",
        alertKinds: ["anomaly", "weather"],
        minSeverity: "urgent",
        frequency: "hourly",
      });
      expect(bad.ok).toBe(false);
      if (bad.ok) return;
      expect(Object.keys(bad.fieldErrors).sort()).toEqual(["alertKinds", "emails", "frequency", "minSeverity", "name"]);
      expect(bad.fieldErrors.emails).toEqual(['"not-an-address" is not an email address.']);
      expect(bad.message).toMatch(/nothing was saved/);

      const slack = await createDestination(shop.id, {
        kind: "slack",
        name: "Slack",
        slackWebhookUrl: "https://example.com/hook",
      });
      expect(slack).toMatchObject({
        ok: false,
        fieldErrors: {
          slackWebhookUrl: ["Use a Slack Incoming Webhook URL: it starts with https://hooks.slack.com/services/."],
        },
      });
      const kindless = await createDestination(shop.id, { kind: "pager", name: "x" });
      expect(kindless).toMatchObject({ ok: false, fieldErrors: { kind: [expect.stringContaining("email")] } });
      const empty = await createDestination(shop.id, { kind: "email", name: "Ops", emails: "" });
      expect(empty).toMatchObject({ ok: false, fieldErrors: { emails: ["Enter at least one email address."] } });
      expect(await prisma.alertDestination.count()).toBe(0);
      expect(await prisma.auditLog.count()).toBe(0);
    });
  });

  it("stores the Slack URL encrypted, updates field by field, and serves only the shop's own", async () => {
    await withBackend("postgres", async () => {
      const shop = await seedShop();
      const other = await seedShop("other.myshopify.com");
      const url = "https://hooks.slack.com/services/T0001/B0002/abcdefghijklmnopqrstuvwx";
      const created = await createDestination(shop.id, { kind: "slack", name: "#ops", slackWebhookUrl: url });
      if (!created.ok) throw new Error(created.message);
      const row = await prisma.alertDestination.findUniqueOrThrow({ where: { id: created.destination.id } });
      expect(Buffer.from(row.secret!).toString("latin1")).not.toContain("hooks.slack.com");
      expect(created.destination.slackWebhookHint).toBe("hooks.slack.com/…uvwx");
      expect(JSON.stringify(await listDestinations(shop.id))).not.toContain(url);

      const renamed = await updateDestination(shop.id, row.id, { name: "#ops-alerts", minSeverity: "critical" });
      expect(renamed).toMatchObject({ ok: true, destination: { name: "#ops-alerts", minSeverity: "critical" } });
      const after = await prisma.alertDestination.findUniqueOrThrow({ where: { id: row.id } });
      expect(Buffer.from(after.secret!)).toEqual(Buffer.from(row.secret!)); // the URL is kept

      const refused = await updateDestination(shop.id, row.id, { slackWebhookUrl: "nope", name: "" });
      expect(refused).toMatchObject({
        ok: false,
        fieldErrors: { slackWebhookUrl: [expect.any(String)], name: [expect.any(String)] },
      });
      expect(await prisma.alertDestination.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
        name: "#ops-alerts",
      });

      expect(await updateDestination(other.id, row.id, { name: "stolen" })).toBeNull();
      expect(await deleteDestination(other.id, row.id)).toBe(false);
      expect(await listDestinations(other.id)).toEqual([]);
      expect(await deleteDestination(shop.id, row.id)).toBe(true);
      expect(await listDestinations(shop.id)).toEqual([]);
    });
  });
});
