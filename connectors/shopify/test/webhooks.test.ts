import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChannelListing, ChannelOrder, InventoryLevel } from "@crosschannel/connector-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { marketplaceOfOrigin } from "../src/mappers.ts";
import { ShopifySimulator } from "../src/simulator/index.ts";
import {
  applyInventoryLevel,
  applyListing,
  applyOrder,
  applyRefund,
  inventoryLevelKeyOf,
  mapInventoryItemWebhook,
  mapInventoryLevelWebhook,
  mapOrderWebhook,
  mapProductWebhook,
  mapRefundWebhook,
  minimizeWebhookPayload,
  parseWebhookHeaders,
  verifyWebhookHmac,
} from "../src/webhooks.ts";
import type { RestOrder } from "../src/wire.ts";

// Webhook mappers are pure: the simulator is only used for its data, never started.
const sim = new ShopifySimulator({ seed: 11, marketplaceImportEvery: 5 });
const orders = sim.expectedRecords("orders") as ChannelOrder[];
const listings = sim.expectedRecords("listings") as ChannelListing[];
const levels = sim.expectedRecords("inventory") as InventoryLevel[];

describe("webhook payloads map to the records the streams produce", () => {
  it("orders/*: every order of the shop, imported ones included", () => {
    expect(orders.length).toBeGreaterThan(100);
    for (const expected of orders) {
      expect(mapOrderWebhook(sim.orderWebhookPayload(expected.externalId))).toEqual(expected);
    }
    const imported = sim.marketplaceImports();
    expect(imported.length).toBeGreaterThan(0);
    for (const entry of imported) {
      expect(marketplaceOfOrigin(sim.orderWebhookPayload(entry.shopifyOrderId))).toBe("amazon");
    }
  });

  it("refunds/create: the same refund as inside the order", () => {
    const withRefunds = orders.filter((order) => order.refunds.length > 0);
    expect(withRefunds.length).toBeGreaterThan(3);
    for (const order of withRefunds) {
      for (const refund of order.refunds) {
        const payload = sim.refundWebhookPayload(refund.externalId);
        expect(mapRefundWebhook(payload, order.currency)).toEqual(refund);
        // Without the order's currency, the payload's money sets carry it.
        expect(mapRefundWebhook(payload)).toEqual(refund);
      }
    }
  });

  it("refunds/create: CANCEL refund lines count as no return; the simulator serves them as Shopify does", () => {
    const withCancel = orders.filter((order) => order.refunds.some((refund) => refund.rawStatus === "CANCEL"));
    expect(withCancel.length).toBeGreaterThan(0);
    for (const order of withCancel) {
      const refund = order.refunds.find((candidate) => candidate.rawStatus === "CANCEL") as ChannelOrder["refunds"][0];
      const payload = sim.refundWebhookPayload(refund.externalId);
      expect(payload.refund_line_items.length).toBeGreaterThan(0);
      expect(mapRefundWebhook(payload, order.currency)).toMatchObject({ quantity: 0, amount: "0.00", tax: "0.00" });
      // Shopify lowers the cancelled lines' current_quantity; the units are cancelled units of the line.
      const orderPayload = sim.orderWebhookPayload(order.externalId);
      for (const item of payload.refund_line_items) {
        expect(item.restock_type).toBe("cancel");
        expect(Number(item.subtotal)).toBeGreaterThan(0);
        const line = orderPayload.line_items.find((candidate) => candidate.id === item.line_item_id);
        expect(line?.current_quantity).toBeLessThanOrEqual((line?.quantity ?? 0) - item.quantity);
        const normalized = order.lines.find((candidate) => candidate.externalId === line?.admin_graphql_api_id);
        expect(normalized?.quantityCancelled).toBe(item.quantity);
      }
    }
  });

  it("refunds/create: a refund mixing CANCEL and RETURN lines keeps the returned merchandise, tax and shipping", () => {
    const refund = mapRefundWebhook(
      {
        id: 77,
        order_id: 1001,
        created_at: "2026-03-06T10:00:00-05:00",
        refund_line_items: [
          { line_item_id: 1, quantity: 1, restock_type: "return", subtotal: "18.00", total_tax: "1.26" },
          { line_item_id: 1, quantity: 1, restock_type: "cancel", subtotal: "18.00", total_tax: "1.26" },
          { line_item_id: 2, quantity: 2, restock_type: "cancel", subtotal: "29.98", total_tax: "2.10" },
        ],
        refund_shipping_lines: [{ amount: "5.99" }],
        transactions: [{ amount: "76.57", currency: "USD", kind: "refund", status: "success" }],
      },
      "USD",
    );
    expect(refund).toEqual({
      externalId: "gid://shopify/Refund/77",
      orderExternalId: "gid://shopify/Order/1001",
      lineExternalId: "gid://shopify/LineItem/1",
      sku: null,
      quantity: 1,
      amount: "18.00",
      shipping: "5.99",
      tax: "1.26",
      currency: "USD",
      createdAt: "2026-03-06T15:00:00.000Z",
      rawStatus: "CANCEL+RETURN",
    });
  });

  it("products/update: listings and catalog facts (costs come from inventory_items/update)", () => {
    for (const expected of listings) {
      const productId = sim.expectedCosts().find((cost) => cost.variantId === expected.externalId)?.productId as string;
      const mapped = mapProductWebhook(sim.productWebhookPayload(productId), { currency: "USD" });
      expect(mapped.listings).toEqual([expected]);
      expect(mapped.catalog).toHaveLength(1);
      expect(mapped.catalog[0]).toMatchObject({ sku: expected.sku, variantId: expected.externalId, productId });
    }
    const payload = sim.productWebhookPayload(sim.expectedCosts()[0]?.productId as string);
    const noSku = { ...payload, variants: payload.variants.map((variant) => ({ ...variant, sku: null })) };
    expect(mapProductWebhook(noSku, { currency: "USD" })).toMatchObject({ listings: [], catalog: [] });
    expect(mapProductWebhook(noSku, { currency: "USD" }).skipped).toHaveLength(1);
  });

  it("inventory_items/update: the unit cost; inventory_levels/update: the level, completed from the stored one", () => {
    for (const cost of sim.expectedCosts()) {
      const update = mapInventoryItemWebhook(sim.inventoryItemWebhookPayload(cost.inventoryItemId as string), {
        currency: "USD",
      });
      expect(update).toMatchObject({ inventoryItemId: cost.inventoryItemId, sku: cost.sku, unitCost: cost.unitCost });
      const payload = sim.inventoryLevelWebhookPayload(cost.inventoryItemId as string);
      const stored = levels.find((level) => level.sku === cost.sku) as InventoryLevel;
      expect(inventoryLevelKeyOf(payload)).toEqual({
        inventoryItemId: cost.inventoryItemId,
        locationId: stored.locationId,
      });
      expect(mapInventoryLevelWebhook(payload, stored)).toEqual(stored);
    }
  });
});

/** An order payload as it was earlier in its life: before its refunds, `minutes` earlier. */
function earlier(payload: RestOrder, minutes: number): RestOrder {
  const at = new Date(Date.parse(payload.updated_at) - minutes * 60_000).toISOString();
  return { ...payload, updated_at: at, refunds: [], financial_status: "paid" };
}

describe("applying webhooks is idempotent and order-independent", () => {
  const refunded = orders.find((order) => order.refunds.length > 0 && order.status === "fulfilled") as ChannelOrder;
  const finalPayload = sim.orderWebhookPayload(refunded.externalId);
  const before = mapOrderWebhook(earlier(finalPayload, 90));
  const after = mapOrderWebhook(finalPayload);
  const refund = mapRefundWebhook(sim.refundWebhookPayload(refunded.refunds[0]?.externalId as string));
  type Event = { kind: "order"; record: ChannelOrder } | { kind: "refund" };
  const events: Event[] = [{ kind: "order", record: before }, { kind: "refund" }, { kind: "order", record: after }];

  function replay(sequence: Event[]): ChannelOrder | null {
    let state: ChannelOrder | null = null;
    for (const event of sequence) {
      if (event.kind === "order") state = applyOrder(state, event.record);
      else if (state !== null) state = applyRefund(state, refund);
    }
    return state;
  }

  const permutations = (items: Event[]): Event[][] =>
    items.length <= 1
      ? [items]
      : items.flatMap((item, index) =>
          permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
        );

  it("every delivery order, with every delivery repeated, ends in the newest state", () => {
    expect(after).toEqual(refunded);
    expect(before.refunds).toEqual([]);
    for (const sequence of permutations(events)) {
      expect(replay(sequence)).toEqual(after);
      expect(replay(sequence.flatMap((event) => [event, event]))).toEqual(after);
    }
  });

  it("a stale orders/updated arriving after the cancellation does not resurrect the order", () => {
    const cancelledOrder = orders.find((order) => order.status === "cancelled") as ChannelOrder;
    const cancelledPayload = sim.orderWebhookPayload(cancelledOrder.externalId);
    const stale = mapOrderWebhook({
      ...cancelledPayload,
      cancelled_at: null,
      financial_status: "paid",
      updated_at: cancelledPayload.created_at,
      line_items: cancelledPayload.line_items.map((item) => ({
        ...item,
        current_quantity: item.quantity,
        fulfillable_quantity: item.quantity,
      })),
    });
    expect(stale.status).toBe("open");
    const cancelled = mapOrderWebhook(cancelledPayload);
    expect(applyOrder(applyOrder(null, cancelled), stale)).toEqual(cancelledOrder);
    expect(applyOrder(applyOrder(null, stale), cancelled)).toEqual(cancelledOrder);
  });

  it("listings and inventory levels: newest wins, duplicates change nothing", () => {
    const listing = listings[0] as ChannelListing;
    const older = { ...listing, price: "1.00", updatedAt: "2020-01-01T00:00:00.000Z" };
    expect(applyListing(applyListing(listing, older), listing)).toEqual(listing);
    expect(applyListing(applyListing(older, listing), listing)).toEqual(listing);
    const level = levels[0] as InventoryLevel;
    const later = { ...level, available: level.available + 5, observedAt: "2030-01-01T00:00:00.000Z" };
    expect(applyInventoryLevel(applyInventoryLevel(level, later), level)).toEqual(later);
    expect(applyInventoryLevel(later, later)).toEqual(later);
  });

  it("a refund of another order is refused", () => {
    const other = orders.find((order) => order.externalId !== refunded.externalId) as ChannelOrder;
    expect(() => applyRefund(other, refund)).toThrow(/belongs to/);
  });
});

describe("webhook signatures", () => {
  let server: ReturnType<typeof createServer>;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  let url = "";

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        received.push({ headers: request.headers, body });
        const ok = verifyWebhookHmac(body, request.headers["x-shopify-hmac-sha256"] as string, sim.apiSecret);
        response.writeHead(ok ? 200 : 401).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/orders`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("the simulator delivers webhooks with a valid X-Shopify-Hmac-Sha256 and Shopify's headers", async () => {
    const payload = sim.orderWebhookPayload(orders[0]?.externalId as string);
    const delivery = await sim.deliverWebhook(url, "orders/updated", payload, { webhookId: "wh-1" });
    expect(delivery).toEqual({ status: 200, webhookId: "wh-1" });
    const last = received.at(-1);
    expect(JSON.parse(last?.body ?? "null")).toEqual(payload);
    expect(parseWebhookHeaders(last?.headers ?? {})).toMatchObject({
      topic: "orders/updated",
      shopDomain: sim.shopDomain,
      webhookId: "wh-1",
      apiVersion: "2026-10",
    });
    // Signed with another secret: the receiver answers 401.
    const forged = await sim.deliverWebhook(url, "orders/updated", payload, { secret: "not-the-app-secret" });
    expect(forged.status).toBe(401);
  });

  it("verification rejects a tampered body, a wrong secret and a missing header", () => {
    const { body, headers } = sim.signWebhook("refunds/create", { id: 1 });
    const hmac = headers["x-shopify-hmac-sha256"] as string;
    expect(verifyWebhookHmac(body, hmac, sim.apiSecret)).toBe(true);
    expect(verifyWebhookHmac(Buffer.from(body), hmac, sim.apiSecret)).toBe(true);
    expect(verifyWebhookHmac(body.replace("1", "2"), hmac, sim.apiSecret)).toBe(false);
    expect(verifyWebhookHmac(body, hmac, "other-secret")).toBe(false);
    expect(verifyWebhookHmac(body, undefined, sim.apiSecret)).toBe(false);
    expect(verifyWebhookHmac(body, "", sim.apiSecret)).toBe(false);
    expect(parseWebhookHeaders(new Headers({ "x-shopify-topic": "orders/create" }))).toBeNull();
  });
});

describe("webhook payload minimisation", () => {
  const buyer = {
    email: "buyer@example.com",
    phone: "+15555550100",
    note: "leave at the back door",
    customer: { id: 1, email: "buyer@example.com", first_name: "Ada", last_name: "Lovelace" },
    billing_address: { name: "Ada Lovelace", address1: "1 Main St", city: "Toronto", zip: "M5V" },
    shipping_address: { name: "Ada Lovelace", address1: "1 Main St", city: "Toronto", zip: "M5V" },
    browser_ip: "203.0.113.5",
    client_details: { browser_ip: "203.0.113.5", user_agent: "x" },
    payment_details: { credit_card_number: "•••• 4242" },
  };

  it("keeps exactly what the mappers read: the same records, no buyer data", () => {
    for (const expected of orders.slice(0, 40)) {
      const full = { ...sim.orderWebhookPayload(expected.externalId), ...buyer } as RestOrder & typeof buyer;
      full.line_items = full.line_items.map((item) => ({ ...item, properties: [{ name: "gift to", value: "Ada" }] }));
      const minimal = minimizeWebhookPayload("orders/updated", full);
      expect(mapOrderWebhook(minimal as RestOrder)).toEqual(expected);
      const text = JSON.stringify(minimal);
      for (const secret of [
        "buyer@example.com",
        "Lovelace",
        "Main St",
        "203.0.113.5",
        "4242",
        "back door",
        "gift to",
      ]) {
        expect(text).not.toContain(secret);
      }
    }
    const cost = sim.expectedCosts()[0]!;
    const same = <T>(topic: string, payload: T, map: (payload: T) => unknown) =>
      expect(map(minimizeWebhookPayload(topic, { ...payload, ...buyer }) as T)).toEqual(map(payload));
    same("products/update", sim.productWebhookPayload(cost.productId), (payload) =>
      mapProductWebhook(payload, { currency: "USD" }),
    );
    same("inventory_items/update", sim.inventoryItemWebhookPayload(cost.inventoryItemId!), (payload) =>
      mapInventoryItemWebhook(payload, { currency: "USD" }),
    );
    same("inventory_levels/update", sim.inventoryLevelWebhookPayload(cost.inventoryItemId!), (payload) =>
      mapInventoryLevelWebhook(payload, { sku: cost.sku }),
    );
    const refunded = orders.find((order) => order.refunds.length > 0)!;
    same("refunds/create", sim.refundWebhookPayload(refunded.refunds[0]!.externalId), (payload) =>
      mapRefundWebhook(payload, refunded.currency),
    );
  });

  it("keeps nothing of an unknown topic", () => {
    expect(minimizeWebhookPayload("customers/create", buyer)).toBeNull();
  });
});
