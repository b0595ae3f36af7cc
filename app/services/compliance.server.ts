import { z } from "zod";

import prisma from "#app/db.server.ts";
import { audit, findShop } from "#app/services/shops.server.ts";

// Crosschannel keeps no customer personal data, because no metric needs it: orders are stored
// without names, emails, phones or addresses; Shopify webhooks are reduced to the fields the
// apply step reads before they are queued (minimizeWebhookPayload), and finished jobs are
// removed after a bounded time (JOB_RETENTION); quarantined records keep their payload with
// personal fields redacted (app/ingest/personal-data.ts). customers/redact still
// deletes the quarantined records of the customer's orders. See docs/security.md.

const CustomerPayload = z.object({
  shop_domain: z.string(),
  customer: z
    .object({ id: z.union([z.number(), z.string()]) })
    .partial()
    .optional(),
});

const DataRequestPayload = CustomerPayload.extend({
  orders_requested: z.array(z.union([z.number(), z.string()])).default([]),
  data_request: z.object({ id: z.union([z.number(), z.string()]) }),
});

const RedactPayload = CustomerPayload.extend({
  orders_to_redact: z.array(z.union([z.number(), z.string()])).default([]),
});

/** A compliance webhook whose body is not what Shopify documents: which field, and what was wrong. */
export class CompliancePayloadError extends Error {
  constructor(topic: string, error: z.ZodError) {
    const problems = error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
    super(`The ${topic} payload cannot be read (${problems}); nothing was recorded. Shopify will deliver it again.`);
    this.name = "CompliancePayloadError";
  }
}

function parsePayload<T extends z.ZodTypeAny>(schema: T, topic: string, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new CompliancePayloadError(topic, parsed.error);
  return parsed.data;
}

function orderIdForms(ids: Array<string | number>): string[] {
  return ids.flatMap((id) => [String(id), `gid://shopify/Order/${id}`]);
}

async function storedOrders(shopId: string, ids: Array<string | number>) {
  if (ids.length === 0) return [];
  return prisma.order.findMany({
    where: { shopId, channel: "shopify", externalId: { in: orderIdForms(ids) } },
    select: {
      externalId: true,
      placedAt: true,
      currency: true,
      total: true,
      lines: { select: { sku: true, quantity: true, grossSales: true } },
    },
  });
}

/** customers/data_request: what the app holds about the customer's orders, kept for the merchant. */
export async function handleCustomerDataRequest(shopDomain: string, body: unknown): Promise<void> {
  const payload = parsePayload(DataRequestPayload, "customers/data_request", body);
  const shop = await findShop(shopDomain);
  if (!shop) return;
  const orders = await storedOrders(shop.id, payload.orders_requested);
  const result = {
    personalData:
      "none: Crosschannel stores no customer names, emails, phone numbers or addresses (orders, queued " +
      "webhooks and quarantined records alike)",
    orders: orders.map((order) => ({
      id: order.externalId,
      placedAt: order.placedAt.toISOString(),
      currency: order.currency,
      total: order.total?.toFixed(2) ?? null,
      lines: order.lines.map((line) => ({
        sku: line.sku,
        quantity: line.quantity,
        grossSales: line.grossSales?.toFixed(2) ?? null,
      })),
    })),
  };
  const requestId = String(payload.data_request.id);
  const orderIds = payload.orders_requested.map(String);
  const customerId = payload.customer?.id != null ? String(payload.customer.id) : null;
  await prisma.complianceRequest.upsert({
    where: { shopId_topic_requestId: { shopId: shop.id, topic: "customers/data_request", requestId } },
    create: { shopId: shop.id, topic: "customers/data_request", requestId, customerId, orderIds, result },
    update: {},
  });
  await audit(shop.id, "webhook", "customers.data_request", { requestId, orders: orders.length });
}

/** customers/redact: there is no personal data to erase; the request and its outcome are recorded. */
export async function handleCustomerRedact(shopDomain: string, webhookId: string, body: unknown): Promise<void> {
  const payload = parsePayload(RedactPayload, "customers/redact", body);
  const shop = await findShop(shopDomain);
  if (!shop) return;
  const orders = await storedOrders(shop.id, payload.orders_to_redact);
  // Quarantined payloads are redacted when stored; the customer's go all the same.
  const quarantined = payload.orders_to_redact.length
    ? await prisma.quarantinedRecord.deleteMany({
        where: { shopId: shop.id, externalId: { in: orderIdForms(payload.orders_to_redact) } },
      })
    : { count: 0 };
  const result = {
    personalDataErased: 0,
    quarantinedRecordsDeleted: quarantined.count,
    note:
      "No customer personal data is stored (orders, queued webhooks and quarantined records keep none); " +
      "order amounts and SKUs are the shop's sales records.",
    ordersChecked: orders.map((order) => order.externalId),
  };
  await prisma.complianceRequest.upsert({
    where: { shopId_topic_requestId: { shopId: shop.id, topic: "customers/redact", requestId: webhookId } },
    create: {
      shopId: shop.id,
      topic: "customers/redact",
      requestId: webhookId,
      customerId: payload.customer?.id != null ? String(payload.customer.id) : null,
      orderIds: payload.orders_to_redact.map(String),
      result,
    },
    update: {},
  });
  await audit(shop.id, "webhook", "customers.redact", { webhookId });
}
