import { describe, expect, it } from "vitest";
import { ChannelListing, ChannelOrder, FeeEvent, InventoryLevel } from "@crosschannel/connector-sdk";
import {
  decimalFromWire,
  isFeeTransaction,
  toChannelListing,
  toChannelOrder,
  toFeeEvent,
  toInventoryLevel,
  type UnknownState,
} from "../src/mappers.ts";
import type { MiraklOffer, MiraklOrder, MiraklTransaction } from "../src/wire.ts";
import {
  canceledLineOrder,
  multiLineOrder,
  partialRefundOrder,
  unknownStateOrder,
  waitingAcceptanceOrder,
} from "./fixtures/orders.ts";

/** Maps and validates against the normalized model, as the sync engine does. */
function mapOrder(order: MiraklOrder, onUnknownState?: (issue: UnknownState) => void): ChannelOrder {
  return ChannelOrder.parse(toChannelOrder(order, { onUnknownState }));
}

describe("decimalFromWire", () => {
  it("reads JSON decimal numbers as canonical decimal strings", () => {
    expect(decimalFromWire(24.9, "CAD")).toBe("24.90");
    expect(decimalFromWire(0.1, "CAD")).toBe("0.10");
    expect(decimalFromWire(-3.6, "CAD")).toBe("-3.60");
    expect(decimalFromWire(1234567.89, "CAD")).toBe("1234567.89");
    expect(decimalFromWire("19.99", "CAD")).toBe("19.99");
    expect(decimalFromWire(0, "CAD")).toBe("0.00");
  });

  it("refuses amounts it cannot read exactly instead of rounding them", () => {
    expect(() => decimalFromWire(12.345, "CAD")).toThrow(/fraction digits/);
    expect(() => decimalFromWire(1e21, "CAD")).toThrow(/exactly/);
    expect(() => decimalFromWire(Number.NaN, "CAD")).toThrow();
    expect(() => decimalFromWire("n/a", "CAD")).toThrow(/not a decimal/);
    expect(() => decimalFromWire(null, "CAD")).toThrow(/missing/);
  });
});

describe("toChannelOrder", () => {
  it("maps a multi-line order with a promotion, GST/PST and shipping tax, computing the totals", () => {
    const order = mapOrder(multiLineOrder);
    expect(order).toMatchObject({
      externalId: "BBCA-4471-2203-A",
      channel: "bestbuy",
      marketplaceId: "bestbuy-ca",
      status: "fulfilled",
      rawStatus: "SHIPPED",
      placedAt: "2026-03-02T14:18:43.000Z",
      updatedAt: "2026-03-04T09:00:00.000Z",
      cancelledAt: null,
      currency: "CAD",
      pricesKnown: true,
      // 2 x 39.99 + 29.99
      subtotal: "109.97",
      // (39.99 - 33.99) x 2
      discountTotal: "12.00",
      shippingTotal: "9.99",
      // 3.40 + 4.76 + 0.50 + 1.50 + 2.10
      taxTotal: "12.26",
      // 109.97 - 12.00 + 12.26 + 9.99: computed, never read from total_price
      total: "120.22",
      refunds: [],
      cancellations: [],
    });
    expect(order.lines).toEqual([
      {
        externalId: "BBCA-4471-2203-A-1",
        sku: "TEE-BLK-0001",
        title: "Classic Black T-Shirt",
        quantity: 2,
        quantityCancelled: 0,
        unitPrice: "39.99",
        grossSales: "79.98",
        discount: "12.00",
        tax: "8.66",
        shipping: "9.99",
        status: "fulfilled",
        rawStatus: "SHIPPED",
        cancelled: false,
      },
      {
        externalId: "BBCA-4471-2203-A-2",
        sku: "MUG-WHI-0003",
        title: "Everyday White Mug",
        quantity: 1,
        quantityCancelled: 0,
        unitPrice: "29.99",
        grossSales: "29.99",
        discount: "0.00",
        tax: "3.60",
        shipping: "0.00",
        status: "fulfilled",
        rawStatus: "SHIPPED",
        cancelled: false,
      },
    ]);
  });

  it("keeps an amount-only refund (quantity 0) as its own row with tax and shipping apart", () => {
    const order = mapOrder(partialRefundOrder);
    expect(order.status).toBe("fulfilled");
    expect(order.rawStatus).toBe("RECEIVED");
    expect(order.refunds).toEqual([
      {
        externalId: "77812",
        orderExternalId: "BBCA-5120-0042-A",
        lineExternalId: "BBCA-5120-0042-A-1",
        sku: "TEE-BLK-0001",
        quantity: 0,
        amount: "9.00",
        shipping: "0.00",
        tax: "1.17",
        currency: "CAD",
        createdAt: "2026-03-12T10:30:00.000Z",
        rawStatus: "REFUNDED",
      },
    ]);
    // The refunded line keeps its units: nothing was cancelled.
    expect(order.lines[0]).toMatchObject({ quantity: 1, quantityCancelled: 0, grossSales: "29.99", cancelled: false });
  });

  it("reads the refund state from refund_state on instances that name it so", () => {
    const line = partialRefundOrder.order_lines[0]!;
    const refund = { ...line.refunds![0]!, state: undefined, refund_state: "WAITING_REFUND" };
    const order = mapOrder({ ...partialRefundOrder, order_lines: [{ ...line, refunds: [refund] }] });
    expect(order.refunds[0]?.rawStatus).toBe("WAITING_REFUND");
  });

  it("maps a cancelled line: every unit cancelled, no sales, the order stays open", () => {
    const order = mapOrder(canceledLineOrder);
    expect(order.status).toBe("open");
    expect(order.cancelledAt).toBeNull();
    expect(order.lines[1]).toMatchObject({
      externalId: "BBCA-6001-7731-A-2",
      sku: "CAP-NAV-0004",
      quantity: 2,
      quantityCancelled: 2,
      unitPrice: "24.99",
      grossSales: "0.00",
      tax: "0.00",
      status: "cancelled",
      rawStatus: "CANCELED",
      cancelled: true,
    });
    expect(order.subtotal).toBe("29.99");
    expect(order.total).toBe("33.89");
    // The cancellation is kept as its own row, with what it removed.
    expect(order.cancellations).toEqual([
      {
        externalId: "51120",
        orderExternalId: "BBCA-6001-7731-A",
        lineExternalId: "BBCA-6001-7731-A-2",
        sku: "CAP-NAV-0004",
        quantity: 2,
        amount: "49.98",
        shipping: "0.00",
        tax: "6.50",
        currency: "CAD",
        createdAt: "2026-03-03T08:00:00.000Z",
        reasonCode: "34",
        rawStatus: "",
      },
    ]);
  });

  it("keeps two partial cancellations of one line as two rows, quantityCancelled their sum", () => {
    const base = multiLineOrder.order_lines[0]!;
    const order = mapOrder({
      ...multiLineOrder,
      order_state: "SHIPPING",
      order_lines: [
        {
          ...base,
          order_line_state: "SHIPPING",
          quantity: 4,
          price: 135.96,
          taxes: [{ code: "HST", amount: 17.68, rate: 13 }],
          shipping_price: 9.99,
          shipping_taxes: [{ code: "HST", amount: 1.3, rate: 13 }],
          cancelations: [
            {
              id: "c-1",
              quantity: 1,
              amount: 33.99,
              shipping_amount: 0,
              reason_code: "34",
              created_date: "2026-03-02T15:02:11Z",
              taxes: [{ code: "HST", amount: 4.42, rate: 13 }],
            },
            {
              id: "c-2",
              quantity: 2,
              amount: 67.98,
              shipping_amount: 4.99,
              reason_code: null,
              created_date: "2026-03-02T16:10:00.250Z",
              taxes: [{ code: "HST", amount: 8.84, rate: 13 }],
              shipping_taxes: [{ code: "HST", amount: 0.65, rate: 13 }],
            },
          ],
        },
      ],
    });
    const common = {
      orderExternalId: "BBCA-4471-2203-A",
      lineExternalId: "BBCA-4471-2203-A-1",
      sku: "TEE-BLK-0001",
      currency: "CAD",
      rawStatus: "",
    };
    expect(order.cancellations).toEqual([
      {
        ...common,
        externalId: "c-1",
        quantity: 1,
        amount: "33.99",
        shipping: "0.00",
        tax: "4.42",
        createdAt: "2026-03-02T15:02:11.000Z",
        reasonCode: "34",
      },
      {
        ...common,
        externalId: "c-2",
        quantity: 2,
        amount: "67.98",
        shipping: "4.99",
        // merchandise tax + shipping tax
        tax: "9.49",
        createdAt: "2026-03-02T16:10:00.250Z",
        reasonCode: null,
      },
    ]);
    // Unchanged: the line counts the cancelled units and is net of what they removed.
    expect(order.lines[0]).toMatchObject({
      quantity: 4,
      quantityCancelled: 3,
      grossSales: "39.99",
      discount: "6.00",
      // 17.68 + 1.30 - 4.42 - 8.84 - 0.65
      tax: "5.07",
      shipping: "5.00",
      cancelled: false,
    });
    expect(order.cancelledAt).toBeNull();
  });

  it("counts partially cancelled units from the cancellations", () => {
    const base = multiLineOrder.order_lines[0]!;
    const order = mapOrder({
      ...multiLineOrder,
      order_lines: [
        {
          ...base,
          quantity: 3,
          cancelations: [{ id: "c-1", quantity: 1, amount: 33.99, created_date: "2026-03-02T15:02:11Z" }],
        },
      ],
    });
    expect(order.lines[0]).toMatchObject({ quantity: 3, quantityCancelled: 1, grossSales: "79.98", cancelled: false });
  });

  it("maps an order cancelled before acceptance (no cancellation entries) as cancelled at its last update", () => {
    const cancelled = mapOrder({
      ...waitingAcceptanceOrder,
      order_state: "CANCELED",
      last_updated_date: "2026-03-06T02:00:00Z",
      order_lines: waitingAcceptanceOrder.order_lines.map((line) => ({ ...line, order_line_state: "CANCELED" })),
    });
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.cancelledAt).toBe("2026-03-06T02:00:00.000Z");
    expect(cancelled.lines[0]).toMatchObject({ quantityCancelled: 1, cancelled: true, grossSales: "0.00" });
    expect(cancelled.total).toBe("0.00");
  });

  it("takes the cancellation date of an order cancelled after acceptance from its cancellations", () => {
    const order = mapOrder({
      ...canceledLineOrder,
      order_state: "CANCELED",
      last_updated_date: "2026-03-09T00:00:00Z",
      order_lines: [canceledLineOrder.order_lines[1]!],
    });
    expect(order.cancelledAt).toBe("2026-03-03T08:00:00.000Z");
  });

  it("maps an order waiting for acceptance without a customer address", () => {
    const order = mapOrder(waitingAcceptanceOrder);
    expect(order).toMatchObject({
      status: "pending",
      rawStatus: "WAITING_ACCEPTANCE",
      marketplaceId: null,
      pricesKnown: true,
      subtotal: "54.99",
      taxTotal: "7.15",
      total: "62.14",
    });
    expect(order.lines[0]).toMatchObject({ status: "pending", rawStatus: "WAITING_ACCEPTANCE" });
  });

  it("keeps an unknown state as text, maps it to unknown and reports it", () => {
    const reported: UnknownState[] = [];
    const order = mapOrder(unknownStateOrder, (issue) => reported.push(issue));
    expect(order.status).toBe("unknown");
    expect(order.rawStatus).toBe("WAITING_SCORING");
    expect(order.lines[0]).toMatchObject({ status: "unknown", rawStatus: "WAITING_SCORING" });
    expect(reported).toEqual([
      { field: "order_state", value: "WAITING_SCORING", orderId: "BBCA-7300-1181-A" },
      { field: "order_line_state", value: "WAITING_SCORING", orderId: "BBCA-7300-1181-A" },
    ]);
  });

  it("maps every documented Mirakl order state without reporting it", () => {
    const states = ["STAGING", "WAITING_DEBIT", "WAITING_DEBIT_PAYMENT", "TO_COLLECT", "CLOSED", "REFUSED"];
    const expected = ["pending", "pending", "pending", "fulfilled", "fulfilled", "cancelled"];
    const reported: UnknownState[] = [];
    states.forEach((state, index) => {
      const order = mapOrder({ ...waitingAcceptanceOrder, order_state: state }, (issue) => reported.push(issue));
      expect(order.status, state).toBe(expected[index]);
    });
    expect(reported.filter((issue) => issue.field === "order_state")).toEqual([]);
  });

  it("derives partially_fulfilled when some lines shipped and others are still shipping", () => {
    const [first, second] = multiLineOrder.order_lines;
    const order = mapOrder({
      ...multiLineOrder,
      order_state: "SHIPPING",
      order_lines: [first!, { ...second!, order_line_state: "SHIPPING" }],
    });
    expect(order.status).toBe("partially_fulfilled");
    expect(order.rawStatus).toBe("SHIPPING");
  });

  it("maps line states INCIDENT_OPEN and REFUNDED", () => {
    const [first, second] = multiLineOrder.order_lines;
    const order = mapOrder({
      ...multiLineOrder,
      order_lines: [
        { ...first!, order_line_state: "INCIDENT_OPEN" },
        { ...second!, order_line_state: "REFUNDED" },
      ],
    });
    expect(order.lines.map((line) => line.status)).toEqual(["fulfilled", "fulfilled"]);
  });

  it("sums decimals without float drift", () => {
    const base = waitingAcceptanceOrder.order_lines[0]!;
    const order = mapOrder({
      ...waitingAcceptanceOrder,
      order_lines: [
        {
          ...base,
          taxes: [
            { code: "GST", amount: 0.1 },
            { code: "PST", amount: 0.2 },
          ],
        },
      ],
    });
    expect(order.taxTotal).toBe("0.30");
  });

  it("throws (so the record is quarantined) on a corrupt amount", () => {
    const base = waitingAcceptanceOrder.order_lines[0]!;
    expect(() =>
      toChannelOrder({ ...waitingAcceptanceOrder, order_lines: [{ ...base, price_unit: "n/a" }] }),
    ).toThrow();
  });
});

const offer: MiraklOffer = {
  offer_id: 2201934,
  shop_sku: "TEE-BLK-0001",
  product_sku: "16754239",
  product_title: "Classic Black T-Shirt",
  price: 39.99,
  total_price: 39.99,
  quantity: 14,
  state_code: "11",
  active: true,
  inactivity_reasons: [],
  currency_iso_code: "CAD",
  leadtime_to_ship: 2,
  product_references: [{ reference: "0627843512345", reference_type: "UPC" }],
  applicable_pricing: { price: 33.99, unit_origin_price: 39.99 },
  channels: ["bestbuy-ca"],
  last_updated: "2026-03-10T12:00:00Z",
};

describe("offers", () => {
  it("maps an active offer to a listing at its applicable price", () => {
    expect(ChannelListing.parse(toChannelListing(offer, "2026-03-20T00:00:00.000Z"))).toEqual({
      externalId: "2201934",
      sku: "TEE-BLK-0001",
      channel: "bestbuy",
      marketplaceId: "bestbuy-ca",
      title: "Classic Black T-Shirt",
      price: "33.99",
      currency: "CAD",
      status: "active",
      rawStatus: "ACTIVE",
      active: true,
      updatedAt: "2026-03-10T12:00:00.000Z",
    });
  });

  it("maps inactivity reasons: no stock is out_of_stock, anything else inactive", () => {
    const outOfStock = toChannelListing(
      { ...offer, active: false, quantity: 0, inactivity_reasons: ["ZERO_QUANTITY"] },
      "x",
    );
    expect(outOfStock).toMatchObject({ status: "out_of_stock", rawStatus: "ZERO_QUANTITY", active: false });
    const closed = toChannelListing(
      { ...offer, active: false, inactivity_reasons: ["ZERO_QUANTITY", "SHOP_NOT_OPEN"] },
      "x",
    );
    expect(closed).toMatchObject({ status: "inactive", rawStatus: "ZERO_QUANTITY|SHOP_NOT_OPEN" });
  });

  it("falls back to the observation time when an offer has no last_updated (OF21)", () => {
    const listing = toChannelListing(
      { ...offer, last_updated: undefined, applicable_pricing: null },
      "2026-03-20T00:00:00.000Z",
    );
    expect(listing).toMatchObject({ updatedAt: "2026-03-20T00:00:00.000Z", price: "39.99" });
  });

  it("maps an offer's quantity to an inventory level", () => {
    expect(InventoryLevel.parse(toInventoryLevel(offer, "2026-03-20T00:00:00.000Z"))).toEqual({
      sku: "TEE-BLK-0001",
      channel: "bestbuy",
      locationId: "bestbuy-marketplace",
      available: 14,
      reserved: 0,
      inbound: 0,
      unfulfillable: null,
      observedAt: "2026-03-10T12:00:00.000Z",
    });
    expect(() => toInventoryLevel({ ...offer, quantity: "n/a" as unknown as number }, "x")).toThrow();
  });
});

const transaction = (overrides: Partial<MiraklTransaction>): MiraklTransaction => ({
  id: "4f1c2b9e-0d7a-4b6e-9a51-1e2f3a4b5c6d",
  transaction_type: "COMMISSION_FEE",
  amount: -8.16,
  amount_credited: 0,
  amount_debited: 8.16,
  currency_iso_code: "CAD",
  date_created: "2026-03-04T09:00:00Z",
  last_updated: "2026-03-04T09:00:05Z",
  payment_state: "PENDING",
  entities: {
    order: { id: "BBCA-4471-2203-A", commercial_id: "BBCA-4471-2203" },
    order_line: { id: "BBCA-4471-2203-A-1", offer_sku: "TEE-BLK-0001" },
    refund: null,
  },
  ...overrides,
});

describe("toFeeEvent", () => {
  it("maps a commission as a debit (negative), computed from credited minus debited", () => {
    expect(FeeEvent.parse(toFeeEvent(transaction({})))).toEqual({
      externalId: "4f1c2b9e-0d7a-4b6e-9a51-1e2f3a4b5c6d",
      channel: "bestbuy",
      type: "commission",
      rawType: "COMMISSION_FEE",
      orderExternalId: "BBCA-4471-2203-A",
      lineExternalId: "BBCA-4471-2203-A-1",
      sku: "TEE-BLK-0001",
      amount: "-8.16",
      currency: "CAD",
      occurredAt: "2026-03-04T09:00:00.000Z",
    });
  });

  it("maps commission taxes, commission refunds, penalties and new types", () => {
    const cases: [Partial<MiraklTransaction>, string, string][] = [
      [{ transaction_type: "COMMISSION_VAT", amount_debited: 1.06 }, "commission", "-1.06"],
      [
        { transaction_type: "REFUND_COMMISSION_FEE", amount_credited: 1.08, amount_debited: 0 },
        "refund_commission",
        "1.08",
      ],
      [{ transaction_type: "SELLER_PENALTY_FEE", amount_debited: 25, entities: null }, "penalty", "-25.00"],
      [{ transaction_type: "SUBSCRIPTION_FEE", amount_debited: 39.99, entities: null }, "subscription", "-39.99"],
      [{ transaction_type: "MARKETING_FEE_2027", amount_debited: 2 }, "other", "-2.00"],
    ];
    for (const [overrides, type, amount] of cases) {
      const fee = FeeEvent.parse(toFeeEvent(transaction(overrides)));
      expect(fee, overrides.transaction_type).toMatchObject({ type, amount, rawType: overrides.transaction_type });
    }
  });

  it("tells fees from sales and payouts", () => {
    for (const type of ["COMMISSION_FEE", "COMMISSION_VAT", "REFUND_COMMISSION_FEE", "SELLER_PENALTY_FEE", "NEW_FEE"]) {
      expect(isFeeTransaction(type), type).toBe(true);
    }
    for (const type of [
      "ORDER_AMOUNT",
      "ORDER_SHIPPING_AMOUNT_TAX",
      "REFUND_ORDER_AMOUNT",
      "REFUND_ORDER_SHIPPING_AMOUNT",
      "PAYMENT",
    ]) {
      expect(isFeeTransaction(type), type).toBe(false);
    }
  });
});
