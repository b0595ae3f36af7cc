import {
  mapOrderWebhook,
  toChannelOrder,
  type RestOrder,
  type RestRefund,
  type ShopifyOrder,
} from "@crosschannel/connector-shopify";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { applyShopifyWebhook } from "#app/jobs/shopify-webhooks.server.ts";
import { salesReport } from "#app/services/report.server.ts";
import { refreshRollups } from "#app/services/rollups.server.ts";

import { createConnection, createShop, pageCommitter } from "../support/factories.ts";

afterEach(async () => {
  await closeIngestPool();
});

// Shopify refunds whose lines cancel unfulfilled units (restockType CANCEL): the cancelled units
// count nowhere (docs/metrics.md), so their money is no return either. Four small orders, every
// number worked out by hand; each goes through the connector's own mapping (`toChannelOrder`, the
// `orders` stream's normalize, or the webhook payloads), the PostgreSQL sink, the rollups and the
// report.
const TZ = "America/Toronto"; // UTC-5 in January

interface SpecLine {
  id: number;
  sku: string;
  quantity: number;
  unitPrice: string;
  /** Discount allocated to the whole line. */
  discount: string;
  /** Tax of the whole line. */
  tax: string;
  fulfilled: boolean;
}
interface SpecRefundLine {
  lineId: number;
  quantity: number;
  restockType: "CANCEL" | "RETURN" | "NO_RESTOCK";
  subtotal: string;
  tax: string;
}
interface SpecRefund {
  id: number;
  createdAt: string;
  total: string;
  shipping: string;
  lines: SpecRefundLine[];
}
interface Spec {
  id: number;
  placedAt: string;
  shipping: string;
  lines: SpecLine[];
  refunds: SpecRefund[];
}

// S1, Jan 10: 3 tees at 20.00 (tax 1.30 a unit), shipping 5.00. On Jan 12, before shipping, one
// tee is cancelled: refund of 20.00 + 1.30 with a CANCEL line. Counts: 2 units, 40.00 gross,
// 2.60 tax, no return (on Jan 12 or any day).
const S1: Spec = {
  id: 501,
  placedAt: "2026-01-10T15:00:00Z",
  shipping: "5.00",
  lines: [{ id: 5011, sku: "TEE", quantity: 3, unitPrice: "20.00", discount: "0.00", tax: "3.90", fulfilled: false }],
  refunds: [
    {
      id: 5019,
      createdAt: "2026-01-12T14:00:00Z",
      total: "21.30",
      shipping: "0.00",
      lines: [{ lineId: 5011, quantity: 1, restockType: "CANCEL", subtotal: "20.00", tax: "1.30" }],
    },
  ],
};

// S2, Jan 11: 2 tees at 20.00 less 2.00 each (tax 1.17 a unit) and 2 mugs at 12.50 (tax 0.88 a
// unit), free shipping. The tees shipped, the mugs not yet. One refund on Jan 13: a tee returned
// (18.00 + 1.17) and a mug cancelled (12.50 + 0.88). Counts: 3 units (2 tees, 1 mug), gross
// 40.00 + 12.50 = 52.50, discounts 4.00, tax 2.34 + 0.88 = 3.22, a return of 18.00 on Jan 13.
const S2: Spec = {
  id: 502,
  placedAt: "2026-01-11T17:00:00Z",
  shipping: "0.00",
  lines: [
    { id: 5021, sku: "TEE", quantity: 2, unitPrice: "20.00", discount: "4.00", tax: "2.34", fulfilled: true },
    { id: 5022, sku: "MUG", quantity: 2, unitPrice: "12.50", discount: "0.00", tax: "1.76", fulfilled: false },
  ],
  refunds: [
    {
      id: 5029,
      createdAt: "2026-01-13T16:00:00Z",
      total: "32.55",
      shipping: "0.00",
      lines: [
        { lineId: 5021, quantity: 1, restockType: "RETURN", subtotal: "18.00", tax: "1.17" },
        { lineId: 5022, quantity: 1, restockType: "CANCEL", subtotal: "12.50", tax: "0.88" },
      ],
    },
  ],
};

// S3, Jan 12: one cap at 30.00 (tax 1.95), shipping 6.00; the same day, before shipping, the cap
// is cancelled and everything refunded (30.00 + 1.95 + 6.00), the order left open. Its only line
// is cancelled, so it is not an order: it contributes nothing at all.
const S3: Spec = {
  id: 503,
  placedAt: "2026-01-12T16:00:00Z",
  shipping: "6.00",
  lines: [{ id: 5031, sku: "CAP", quantity: 1, unitPrice: "30.00", discount: "0.00", tax: "1.95", fulfilled: false }],
  refunds: [
    {
      id: 5039,
      createdAt: "2026-01-12T18:00:00Z",
      total: "37.95",
      shipping: "6.00",
      lines: [{ lineId: 5031, quantity: 1, restockType: "CANCEL", subtotal: "30.00", tax: "1.95" }],
    },
  ],
};

// S4, Jan 12: one mug at 12.50 (tax 0.88), shipping 5.00, shipped; on Jan 14 a goodwill refund
// of 3.00 without lines (amount-only): a return of 3.00 on Jan 14.
const S4: Spec = {
  id: 504,
  placedAt: "2026-01-12T20:00:00Z",
  shipping: "5.00",
  lines: [{ id: 5041, sku: "MUG", quantity: 1, unitPrice: "12.50", discount: "0.00", tax: "0.88", fulfilled: true }],
  refunds: [{ id: 5049, createdAt: "2026-01-14T15:00:00Z", total: "3.00", shipping: "0.00", lines: [] }],
};

const SPECS = [S1, S2, S3, S4];

type ShopifyRefund = ShopifyOrder["refunds"][number];

const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });
const usdSet = (amount: string) => ({ shop_money: { amount, currency_code: "USD" } });

/** Units of a line still on the order after the refunds made by `asOf` (Shopify's currentQuantity). */
function currentQuantity(spec: Spec, line: SpecLine, asOf: string): number {
  const refunded = spec.refunds
    .filter((refund) => refund.createdAt <= asOf)
    .flatMap((refund) => refund.lines)
    .filter((item) => item.lineId === line.id)
    .reduce((sum, item) => sum + item.quantity, 0);
  return line.quantity - refunded;
}

const lastEvent = (spec: Spec, asOf: string) =>
  [spec.placedAt, ...spec.refunds.map((refund) => refund.createdAt).filter((at) => at <= asOf)].sort().at(-1)!;

function graphqlRefund(refund: SpecRefund, spec: Spec): ShopifyRefund {
  return {
    id: `gid://shopify/Refund/${refund.id}`,
    createdAt: refund.createdAt,
    note: null,
    totalRefundedSet: usd(refund.total),
    refundShippingLines: { nodes: refund.shipping === "0.00" ? [] : [{ subtotalAmountSet: usd(refund.shipping) }] },
    refundLineItems: {
      nodes: refund.lines.map((item) => ({
        quantity: item.quantity,
        restockType: item.restockType,
        lineItem: {
          id: `gid://shopify/LineItem/${item.lineId}`,
          sku: spec.lines.find((line) => line.id === item.lineId)!.sku,
        },
        subtotalSet: usd(item.subtotal),
        totalTaxSet: usd(item.tax),
      })),
    },
  };
}

/** The order as the GraphQL `orders` stream reads it once every refund was made. */
function graphqlOrder(spec: Spec): ShopifyOrder {
  const asOf = "2030-01-01T00:00:00Z";
  return {
    id: `gid://shopify/Order/${spec.id}`,
    name: `#${spec.id}`,
    createdAt: spec.placedAt,
    updatedAt: lastEvent(spec, asOf),
    cancelledAt: null,
    cancelReason: null,
    displayFinancialStatus: "PARTIALLY_REFUNDED",
    displayFulfillmentStatus: spec.lines.every((line) => line.fulfilled) ? "FULFILLED" : "UNFULFILLED",
    currencyCode: "USD",
    sourceName: "web",
    sourceIdentifier: null,
    tags: [],
    app: { id: "gid://shopify/App/580111", name: "Online Store" },
    channelInformation: null,
    totalShippingPriceSet: usd(spec.shipping),
    lineItems: {
      nodes: spec.lines.map((line) => {
        const current = currentQuantity(spec, line, asOf);
        return {
          id: `gid://shopify/LineItem/${line.id}`,
          sku: line.sku,
          name: line.sku,
          quantity: line.quantity,
          currentQuantity: current,
          unfulfilledQuantity: line.fulfilled ? 0 : current,
          originalUnitPriceSet: usd(line.unitPrice),
          discountAllocations: line.discount === "0.00" ? [] : [{ allocatedAmountSet: usd(line.discount) }],
          taxLines: [{ priceSet: usd(line.tax) }],
        };
      }),
    },
    refunds: spec.refunds.map((refund) => graphqlRefund(refund, spec)),
  };
}

function restRefund(refund: SpecRefund, spec: Spec): RestRefund {
  return {
    id: refund.id,
    admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
    order_id: spec.id,
    created_at: refund.createdAt,
    note: null,
    refund_line_items: refund.lines.map((item) => ({
      line_item_id: item.lineId,
      quantity: item.quantity,
      restock_type: item.restockType.toLowerCase(),
      subtotal: item.subtotal,
      subtotal_set: usdSet(item.subtotal),
      total_tax: item.tax,
      total_tax_set: usdSet(item.tax),
      line_item: { id: item.lineId, sku: spec.lines.find((line) => line.id === item.lineId)!.sku },
    })),
    refund_shipping_lines: refund.shipping === "0.00" ? [] : [{ subtotal_amount_set: usdSet(refund.shipping) }],
    transactions: [{ amount: refund.total, currency: "USD", kind: "refund", status: "success" }],
    order_adjustments: [],
  };
}

/** The orders/* webhook payload of the order as it was at `asOf` (its refunds made by then). */
function restOrder(spec: Spec, asOf: string): RestOrder {
  const refunds = spec.refunds.filter((refund) => refund.createdAt <= asOf);
  return {
    id: spec.id,
    admin_graphql_api_id: `gid://shopify/Order/${spec.id}`,
    name: `#${spec.id}`,
    created_at: spec.placedAt,
    updated_at: lastEvent(spec, asOf),
    cancelled_at: null,
    currency: "USD",
    financial_status: refunds.length > 0 ? "partially_refunded" : "paid",
    fulfillment_status: spec.lines.every((line) => line.fulfilled) ? "fulfilled" : null,
    source_name: "web",
    tags: "",
    line_items: spec.lines.map((line) => {
      const current = currentQuantity(spec, line, asOf);
      return {
        id: line.id,
        admin_graphql_api_id: `gid://shopify/LineItem/${line.id}`,
        sku: line.sku,
        name: line.sku,
        quantity: line.quantity,
        current_quantity: current,
        fulfillable_quantity: line.fulfilled ? 0 : current,
        fulfillment_status: line.fulfilled ? "fulfilled" : null,
        price: line.unitPrice,
        price_set: usdSet(line.unitPrice),
        discount_allocations:
          line.discount === "0.00" ? [] : [{ amount: line.discount, amount_set: usdSet(line.discount) }],
        tax_lines: [{ price: line.tax, price_set: usdSet(line.tax) }],
      };
    }),
    total_shipping_price_set: usdSet(spec.shipping),
    refunds: refunds.map((refund) => restRefund(refund, spec)),
  };
}

async function seedShop() {
  const shop = await createShop("cancel-refunds.myshopify.com", { timezone: TZ, currency: "USD" });
  await prisma.product.createMany({
    data: [
      { shopId: shop.id, sku: "TEE", title: "Tee", unitCost: "8.00", costCurrency: "USD" },
      { shopId: shop.id, sku: "MUG", title: "Mug", unitCost: "4.00", costCurrency: "USD" },
      { shopId: shop.id, sku: "CAP", title: "Cap", unitCost: "9.00", costCurrency: "USD" },
    ],
  });
  const connectionId = await createConnection(shop.id, "shopify");
  return { shop, connectionId };
}

const ZERO = {
  orders: 0,
  units: 0,
  grossSales: "0.00",
  discounts: "0.00",
  returns: "0.00",
  netSales: "0.00",
  shipping: "0.00",
  taxes: "0.00",
};

/** The numbers every test expects once all four orders and their refunds are in. */
async function expectTheHandComputedNumbers(shop: Awaited<ReturnType<typeof seedShop>>["shop"]) {
  const all = await salesReport(shop, "2026-01-10", "2026-01-14");
  expect(all.channels).toHaveLength(1);
  expect(all.channels[0]).toMatchObject({
    channel: "shopify",
    currency: "USD",
    orders: 3, // S1, S2, S4; S3's only line is cancelled
    units: 6, // S1 3-1, S2 tees 2 + mugs 2-1, S4 1
    grossSales: "105.00", // S1 2 × 20.00, S2 2 × 20.00 + 1 × 12.50, S4 12.50
    discounts: "4.00", // S2 tees 2 × 2.00
    returns: "21.00", // S2 tee 18.00, S4 goodwill 3.00; no CANCEL line counts
    netSales: "80.00", // 105.00 - 4.00 - 21.00
    shipping: "10.00", // S1 5.00, S4 5.00; S3 is no order
    taxes: "6.70", // S1 2 × 1.30, S2 2 × 1.17 + 0.88, S4 0.88
    cogs: "40.00", // TEE 4 × 8.00 + MUG 2 × 4.00
  });

  // Day by day: the CANCEL refunds of Jan 12 (S1 and S3) take nothing off that day.
  const day = async (date: string) => (await salesReport(shop, date, date)).channels[0] ?? ZERO;
  expect(await day("2026-01-10")).toMatchObject({
    orders: 1,
    units: 2,
    grossSales: "40.00",
    returns: "0.00",
    netSales: "40.00",
    shipping: "5.00",
    taxes: "2.60",
  });
  expect(await day("2026-01-11")).toMatchObject({
    orders: 1,
    units: 3,
    grossSales: "52.50",
    discounts: "4.00",
    returns: "0.00",
    netSales: "48.50",
    shipping: "0.00",
    taxes: "3.22",
  });
  expect(await day("2026-01-12")).toMatchObject({
    orders: 1, // S4 only
    units: 1,
    grossSales: "12.50",
    returns: "0.00", // S1's and S3's CANCEL refunds were made this day
    netSales: "12.50",
    shipping: "5.00",
    taxes: "0.88",
  });
  expect(await day("2026-01-13")).toMatchObject({ ...ZERO, returns: "18.00", netSales: "-18.00" });
  expect(await day("2026-01-14")).toMatchObject({ ...ZERO, returns: "3.00", netSales: "-3.00" });

  // The all-cancelled order contributes to no rollup at all, not even a row of zeros.
  const s3 = await prisma.order.findFirstOrThrow({ where: { externalId: "gid://shopify/Order/503" } });
  expect(await prisma.rollupContribution.count({ where: { orderId: s3.id } })).toBe(0);
}

describe("Shopify refunds that cancel unfulfilled units (restockType CANCEL)", () => {
  it("count as no return in a sync: units, gross, returns and net sales to the cent", async () => {
    const { shop, connectionId } = await seedShop();
    const commit = pageCommitter(shop, { shopify: connectionId });
    await commit(
      "shopify",
      "orders",
      SPECS.map((spec) => toChannelOrder(graphqlOrder(spec))),
    );
    await refreshRollups(shop.id);
    await expectTheHandComputedNumbers(shop);
  });

  it("count the same when the orders and refunds arrive by webhook, in either order", async () => {
    const { shop } = await seedShop();
    const apply = (topic: string, payload: unknown, webhookId: string) =>
      applyShopifyWebhook({ shopId: shop.id, topic, webhookId, payload });
    for (const spec of SPECS) {
      await apply("orders/create", restOrder(spec, spec.placedAt), `create-${spec.id}`);
    }
    // S1 and S2: refunds/create first, then the orders/updated Shopify sends with it;
    // S3 and S4 the other way round. A delivery seen twice changes nothing.
    for (const spec of SPECS) {
      for (const refund of spec.refunds) {
        const updated = () => apply("orders/updated", restOrder(spec, refund.createdAt), `updated-${refund.id}`);
        const created = () => apply("refunds/create", restRefund(refund, spec), `refund-${refund.id}`);
        if (spec === S1 || spec === S2) {
          await created();
          await created();
          await updated();
        } else {
          await updated();
          await created();
        }
      }
    }
    expect(await prisma.refund.count({ where: { shopId: shop.id } })).toBe(4);
    // What was stored is what the connector maps from the final order payload.
    for (const spec of SPECS) {
      const mapped = mapOrderWebhook(restOrder(spec, "2030-01-01T00:00:00Z"));
      const stored = await prisma.refund.findMany({
        where: { shopId: shop.id, order: { externalId: mapped.externalId } },
      });
      expect(stored.map((refund) => [refund.externalId, refund.amount.toFixed(2), refund.tax.toFixed(2)])).toEqual(
        mapped.refunds.map((refund) => [refund.externalId, refund.amount, refund.tax]),
      );
    }
    await expectTheHandComputedNumbers(shop);
  });
});
