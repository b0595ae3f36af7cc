import { ChannelOrder } from "@crosschannel/connector-sdk";
import { describe, expect, it } from "vitest";
import {
  marketplaceFromSignals,
  marketplaceOfNormalizedOrder,
  marketplaceOfOrigin,
  orderStatusOf,
  prorate,
  toChannelListing,
  toChannelOrder,
  toInventoryLevel,
  toVariantCost,
  type OrderOriginSignals,
} from "../src/mappers.ts";
import type {
  ShopifyLineItem,
  ShopifyOrder,
  ShopifyRefund,
  ShopifyRefundLineItem,
  ShopifyVariantRecord,
} from "../src/wire.ts";

const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });

function order(overrides: Partial<ShopifyOrder> = {}): ShopifyOrder {
  return {
    id: "gid://shopify/Order/1001",
    name: "#1001",
    createdAt: "2026-03-02T10:00:00Z",
    updatedAt: "2026-03-04T12:30:00-05:00",
    cancelledAt: null,
    cancelReason: null,
    displayFinancialStatus: "PAID",
    displayFulfillmentStatus: "UNFULFILLED",
    currencyCode: "USD",
    sourceName: "web",
    sourceIdentifier: null,
    tags: [],
    app: { id: "gid://shopify/App/580111", name: "Online Store" },
    channelInformation: {
      channelId: "gid://shopify/ChannelInformation/1",
      app: { id: "gid://shopify/App/580111", title: "Online Store" },
      channelDefinition: { handle: "online_store", channelName: "Online Store", subChannelName: null },
    },
    totalShippingPriceSet: usd("5.99"),
    lineItems: {
      nodes: [
        {
          id: "gid://shopify/LineItem/1",
          sku: "TEE-BLA-0001",
          name: "Classic Black T-Shirt",
          quantity: 3,
          // One unit removed before fulfilment, one returned (below): 3 - 1 - 1.
          currentQuantity: 1,
          unfulfilledQuantity: 2,
          originalUnitPriceSet: usd("20.00"),
          discountAllocations: [{ allocatedAmountSet: usd("6.00") }],
          taxLines: [{ priceSet: usd("3.78") }],
        },
        {
          id: "gid://shopify/LineItem/2",
          sku: "MUG-WHI-0002",
          name: "Everyday White Mug",
          quantity: 1,
          currentQuantity: 1,
          unfulfilledQuantity: 1,
          originalUnitPriceSet: usd("14.99"),
          discountAllocations: [],
          taxLines: [{ priceSet: usd("1.05") }],
        },
      ],
    },
    refunds: [
      {
        id: "gid://shopify/Refund/9",
        createdAt: "2026-03-04T17:30:00Z",
        note: null,
        totalRefundedSet: usd("19.26"),
        refundShippingLines: { nodes: [] },
        refundLineItems: {
          nodes: [
            {
              quantity: 1,
              restockType: "RETURN",
              lineItem: { id: "gid://shopify/LineItem/1", sku: "TEE-BLA-0001" },
              subtotalSet: usd("18.00"),
              totalTaxSet: usd("1.26"),
            },
          ],
        },
      },
    ],
    ...overrides,
  };
}

describe("toChannelOrder", () => {
  it("maps lines: quantities, gross sales, prorated discount and tax, shipping on the first line", () => {
    const normalized = toChannelOrder(order());
    expect(ChannelOrder.safeParse(normalized).success).toBe(true);
    const [tee, mug] = normalized.lines;
    // 3 ordered, 1 removed (cancelled), 1 returned: 2 units sold.
    expect(tee).toMatchObject({
      quantity: 3,
      quantityCancelled: 1,
      unitPrice: "20.00",
      grossSales: "40.00",
      discount: "4.00",
      tax: "2.52",
      shipping: "5.99",
      status: "open",
      rawStatus: "UNFULFILLED",
      cancelled: false,
    });
    expect(mug).toMatchObject({ quantityCancelled: 0, grossSales: "14.99", discount: "0.00", shipping: "0.00" });
    expect(normalized).toMatchObject({
      externalId: "gid://shopify/Order/1001",
      channel: "shopify",
      status: "open",
      rawStatus: "PAID/UNFULFILLED",
      placedAt: "2026-03-02T10:00:00.000Z",
      updatedAt: "2026-03-04T17:30:00.000Z",
      subtotal: "54.99",
      discountTotal: "4.00",
      taxTotal: "3.57",
      shippingTotal: "5.99",
      total: "60.55",
      salesChannel: "web",
    });
    expect(normalized.refunds).toEqual([
      {
        externalId: "gid://shopify/Refund/9",
        orderExternalId: "gid://shopify/Order/1001",
        lineExternalId: "gid://shopify/LineItem/1",
        sku: "TEE-BLA-0001",
        quantity: 1,
        amount: "18.00",
        shipping: "0.00",
        tax: "1.26",
        currency: "USD",
        createdAt: "2026-03-04T17:30:00.000Z",
        rawStatus: "RETURN",
      },
    ]);
  });

  it("counts units refunded with restockType CANCEL as cancelled, not sold", () => {
    const base = order();
    const cancelRefund: ShopifyRefund = {
      ...(base.refunds[0] as ShopifyRefund),
      refundLineItems: {
        nodes: [{ ...(base.refunds[0]?.refundLineItems?.nodes[0] as ShopifyRefundLineItem), restockType: "CANCEL" }],
      },
    };
    const normalized = toChannelOrder({ ...base, refunds: [cancelRefund] });
    expect(normalized.lines[0]).toMatchObject({ quantityCancelled: 2, grossSales: "20.00", discount: "2.00" });
    // The cancelled unit is out of units and gross sales already: its money is no return.
    expect(normalized.refunds).toEqual([
      {
        externalId: "gid://shopify/Refund/9",
        orderExternalId: "gid://shopify/Order/1001",
        lineExternalId: null,
        sku: null,
        quantity: 0,
        amount: "0.00",
        shipping: "0.00",
        tax: "0.00",
        currency: "USD",
        createdAt: "2026-03-04T17:30:00.000Z",
        rawStatus: "CANCEL",
      },
    ]);
  });

  it("a refund mixing CANCEL and RETURN lines keeps only the returned merchandise, its tax and the shipping", () => {
    // 3 tees at 20.00 less 2.00 discount each (tax 1.26 a unit): one returned after shipping,
    // one cancelled before it; 2 mugs at 14.99 (tax 1.05 a unit): one cancelled. Shipping 5.99 back.
    const base = order();
    const tee = base.lineItems.nodes[0] as ShopifyLineItem;
    const mug = { ...(base.lineItems.nodes[1] as ShopifyLineItem), quantity: 2, taxLines: [{ priceSet: usd("2.10") }] };
    const refund: ShopifyRefund = {
      id: "gid://shopify/Refund/12",
      createdAt: "2026-03-06T15:00:00Z",
      note: null,
      // 18.00 + 1.26 returned, 18.00 + 1.26 and 14.99 + 1.05 cancelled, 5.99 shipping.
      totalRefundedSet: usd("60.55"),
      refundShippingLines: { nodes: [{ subtotalAmountSet: usd("5.99") }] },
      refundLineItems: {
        nodes: [
          {
            quantity: 1,
            restockType: "RETURN",
            lineItem: { id: tee.id, sku: tee.sku },
            subtotalSet: usd("18.00"),
            totalTaxSet: usd("1.26"),
          },
          {
            quantity: 1,
            restockType: "CANCEL",
            lineItem: { id: tee.id, sku: tee.sku },
            subtotalSet: usd("18.00"),
            totalTaxSet: usd("1.26"),
          },
          {
            quantity: 1,
            restockType: "CANCEL",
            lineItem: { id: mug.id, sku: mug.sku },
            subtotalSet: usd("14.99"),
            totalTaxSet: usd("1.05"),
          },
        ],
      },
    };
    const normalized = toChannelOrder({
      ...base,
      lineItems: {
        nodes: [
          { ...tee, currentQuantity: 1 },
          { ...mug, currentQuantity: 1 },
        ],
      },
      refunds: [refund],
    });
    // Tee: 3 ordered, 1 cancelled, 1 returned (still sold): 2 units. Mug: 1 of 2.
    expect(normalized.lines.map((line) => [line.quantityCancelled, line.grossSales, line.discount, line.tax])).toEqual([
      [1, "40.00", "4.00", "2.52"],
      [1, "14.99", "0.00", "1.05"],
    ]);
    expect(normalized.refunds).toEqual([
      {
        externalId: "gid://shopify/Refund/12",
        orderExternalId: "gid://shopify/Order/1001",
        lineExternalId: tee.id,
        sku: tee.sku,
        quantity: 1,
        amount: "18.00",
        shipping: "5.99",
        tax: "1.26",
        currency: "USD",
        createdAt: "2026-03-06T15:00:00.000Z",
        rawStatus: "CANCEL+RETURN",
      },
    ]);
  });

  it("an order whose every unit a CANCEL refund took off has no counted line and no return", () => {
    const base = order();
    const refund: ShopifyRefund = {
      id: "gid://shopify/Refund/13",
      createdAt: "2026-03-02T12:00:00Z",
      note: null,
      totalRefundedSet: usd("79.81"),
      refundShippingLines: { nodes: [{ subtotalAmountSet: usd("5.99") }] },
      refundLineItems: {
        nodes: base.lineItems.nodes.map((item) => ({
          quantity: item.quantity,
          restockType: "CANCEL",
          lineItem: { id: item.id, sku: item.sku },
          subtotalSet: usd(item.id.endsWith("/1") ? "54.00" : "14.99"),
          totalTaxSet: usd(item.id.endsWith("/1") ? "3.78" : "1.05"),
        })),
      },
    };
    const normalized = toChannelOrder({
      ...base,
      displayFinancialStatus: "REFUNDED",
      lineItems: {
        nodes: base.lineItems.nodes.map((item) => ({ ...item, currentQuantity: 0, unfulfilledQuantity: 0 })),
      },
      refunds: [refund],
    });
    expect(ChannelOrder.safeParse(normalized).success).toBe(true);
    for (const line of normalized.lines) {
      expect(line).toMatchObject({ cancelled: true, grossSales: "0.00", discount: "0.00", tax: "0.00" });
      expect(line.quantityCancelled).toBe(line.quantity);
    }
    expect(normalized).toMatchObject({ subtotal: "0.00", discountTotal: "0.00", taxTotal: "0.00" });
    expect(normalized.refunds[0]).toMatchObject({ quantity: 0, amount: "0.00", tax: "0.00", shipping: "5.99" });
  });

  it("takes CANCEL units off even when the line's currentQuantity is missing (older webhook payloads)", () => {
    const base = order();
    const tee = base.lineItems.nodes[0] as ShopifyLineItem;
    const cancel: ShopifyRefund = {
      id: "gid://shopify/Refund/14",
      createdAt: "2026-03-02T12:00:00Z",
      note: null,
      totalRefundedSet: usd("19.26"),
      refundShippingLines: { nodes: [] },
      refundLineItems: {
        nodes: [
          {
            quantity: 1,
            restockType: "CANCEL",
            lineItem: { id: tee.id, sku: tee.sku },
            subtotalSet: usd("18.00"),
            totalTaxSet: usd("1.26"),
          },
        ],
      },
    };
    // Without current_quantity the webhook conversion reads the ordered quantity.
    const normalized = toChannelOrder({
      ...base,
      lineItems: { nodes: [{ ...tee, currentQuantity: tee.quantity }] },
      refunds: [cancel, ...base.refunds],
    });
    expect(normalized.lines[0]).toMatchObject({ quantityCancelled: 1, grossSales: "40.00" });
    expect(normalized.refunds.map((refund) => refund.amount)).toEqual(["0.00", "18.00"]);
  });

  it("normalizes a cancelled order as cancelled with zero sales", () => {
    const normalized = toChannelOrder(
      order({
        cancelledAt: "2026-03-02T11:00:00Z",
        displayFinancialStatus: "VOIDED",
        refunds: [],
        lineItems: {
          nodes: order().lineItems.nodes.map((item) => ({ ...item, currentQuantity: 0, unfulfilledQuantity: 0 })),
        },
      }),
    );
    expect(normalized.status).toBe("cancelled");
    expect(normalized.rawStatus).toBe("VOIDED/UNFULFILLED");
    expect(normalized.cancelledAt).toBe("2026-03-02T11:00:00.000Z");
    expect(normalized.total).toBe("0.00");
    expect(normalized.shippingTotal).toBe("0.00");
    for (const line of normalized.lines) {
      expect(line).toMatchObject({ cancelled: true, status: "cancelled", rawStatus: "REMOVED", grossSales: "0.00" });
      expect(line.quantityCancelled).toBe(line.quantity);
    }
  });

  it("maps an amount-only refund and a multi-line refund", () => {
    const base = order();
    const amountOnly: ShopifyRefund = {
      id: "gid://shopify/Refund/10",
      createdAt: "2026-03-05T09:00:00Z",
      note: "Goodwill",
      totalRefundedSet: usd("7.50"),
      refundShippingLines: { nodes: [{ subtotalAmountSet: usd("1.50") }] },
      refundLineItems: { nodes: [] },
    };
    const multi: ShopifyRefund = {
      ...(base.refunds[0] as ShopifyRefund),
      id: "gid://shopify/Refund/11",
      refundLineItems: {
        nodes: [
          ...(base.refunds[0]?.refundLineItems?.nodes ?? []),
          {
            quantity: 1,
            restockType: "NO_RESTOCK",
            lineItem: { id: "gid://shopify/LineItem/2", sku: "MUG-WHI-0002" },
            subtotalSet: usd("14.99"),
            totalTaxSet: usd("1.05"),
          },
        ],
      },
    };
    const refunds = toChannelOrder({ ...base, refunds: [amountOnly, multi] }).refunds;
    expect(refunds.find((refund) => refund.externalId.endsWith("/10"))).toMatchObject({
      lineExternalId: null,
      sku: null,
      quantity: 0,
      amount: "6.00",
      shipping: "1.50",
      tax: "0.00",
      rawStatus: "AMOUNT_ONLY",
    });
    expect(refunds.find((refund) => refund.externalId.endsWith("/11"))).toMatchObject({
      lineExternalId: null,
      sku: null,
      quantity: 2,
      amount: "32.99",
      tax: "2.31",
      rawStatus: "NO_RESTOCK+RETURN",
    });
  });

  it("rejects a line without SKU (the record is quarantined)", () => {
    const base = order();
    expect(() =>
      toChannelOrder({
        ...base,
        lineItems: { nodes: [{ ...(base.lineItems.nodes[0] as ShopifyLineItem), sku: null }] },
      }),
    ).toThrow(/no SKU/);
  });
});

describe("orderStatusOf", () => {
  it.each([
    ["PAID", "FULFILLED", false, "fulfilled"],
    ["PARTIALLY_REFUNDED", "PARTIALLY_FULFILLED", false, "partially_fulfilled"],
    ["PENDING", "UNFULFILLED", false, "pending"],
    ["AUTHORIZED", "UNFULFILLED", false, "open"],
    ["PAID", "ON_HOLD", false, "open"],
    ["REFUNDED", "FULFILLED", true, "cancelled"],
    ["PAID", "SOMETHING_NEW", false, "unknown"],
  ] as const)("%s/%s cancelled=%s -> %s", (financial, fulfillment, cancelled, expected) => {
    const { status, rawStatus } = orderStatusOf(financial, fulfillment, cancelled);
    expect(status).toBe(expected);
    expect(rawStatus).toBe(`${financial}/${fulfillment}`);
  });
});

describe("prorate", () => {
  it("scales exactly and rounds half away from zero to the minor unit", () => {
    expect(prorate("6.00", 2, 3, "USD")).toBe("4.00");
    expect(prorate("1.00", 1, 3, "USD")).toBe("0.33");
    expect(prorate("0.05", 1, 2, "USD")).toBe("0.03");
    expect(prorate("100", 1, 3, "JPY")).toBe("33");
    expect(prorate("6.00", 0, 3, "USD")).toBe("0.00");
    expect(prorate("6.00", 3, 3, "USD")).toBe("6.00");
  });
});

const variantRecord = (overrides: Partial<ShopifyVariantRecord["variant"]> = {}): ShopifyVariantRecord => ({
  currencyCode: "USD",
  product: {
    id: "gid://shopify/Product/7",
    title: "Organic Navy Hoodie",
    status: "ACTIVE",
    updatedAt: "2026-02-01T00:00:00Z",
  },
  variant: {
    id: "gid://shopify/ProductVariant/70",
    sku: "HOD-NAV-0007",
    title: "Large",
    price: "64.9",
    barcode: "0123456789012",
    updatedAt: "2026-02-03T08:00:00Z",
    inventoryItem: { id: "gid://shopify/InventoryItem/700", unitCost: { amount: "21.5", currencyCode: "USD" } },
    ...overrides,
  },
});

describe("products", () => {
  it("maps a variant to a listing with the variant SKU and the later of the two update times", () => {
    expect(toChannelListing(variantRecord())).toEqual({
      externalId: "gid://shopify/ProductVariant/70",
      sku: "HOD-NAV-0007",
      channel: "shopify",
      marketplaceId: null,
      title: "Organic Navy Hoodie - Large",
      price: "64.90",
      currency: "USD",
      status: "active",
      rawStatus: "ACTIVE",
      active: true,
      updatedAt: "2026-02-03T08:00:00.000Z",
    });
    const archived = variantRecord({ title: "Default Title" });
    archived.product.status = "ARCHIVED";
    expect(toChannelListing(archived)).toMatchObject({
      title: "Organic Navy Hoodie",
      status: "inactive",
      active: false,
    });
    expect(() => toChannelListing(variantRecord({ sku: "" }))).toThrow(/no SKU/);
  });

  it("exposes the unit cost as a decimal string for the master catalog", () => {
    expect(toVariantCost(variantRecord())).toEqual({
      sku: "HOD-NAV-0007",
      title: "Organic Navy Hoodie - Large",
      unitCost: "21.50",
      currency: "USD",
      productId: "gid://shopify/Product/7",
      variantId: "gid://shopify/ProductVariant/70",
      inventoryItemId: "gid://shopify/InventoryItem/700",
      barcode: "0123456789012",
      updatedAt: "2026-02-03T08:00:00.000Z",
    });
    const noCost = variantRecord({ inventoryItem: { id: "gid://shopify/InventoryItem/700", unitCost: null } });
    expect(toVariantCost(noCost)).toMatchObject({ unitCost: null, currency: null });
  });
});

describe("inventory", () => {
  it("maps named quantities: committed + reserved are reserved, incoming is inbound, damaged unfulfillable", () => {
    const level = {
      id: "gid://shopify/InventoryLevel/1?inventory_item_id=700",
      updatedAt: "2026-03-01T05:00:00-05:00",
      location: { id: "gid://shopify/Location/1", name: "Warehouse 1" },
      quantities: [
        { name: "available", quantity: 12 },
        { name: "committed", quantity: 3 },
        { name: "reserved", quantity: 1 },
        { name: "incoming", quantity: 40 },
        { name: "damaged", quantity: 2 },
      ],
    };
    const item = { id: "gid://shopify/InventoryItem/700", sku: "HOD-NAV-0007", updatedAt: "2026-01-01T00:00:00Z" };
    expect(toInventoryLevel({ item, level })).toEqual({
      sku: "HOD-NAV-0007",
      channel: "shopify",
      locationId: "gid://shopify/Location/1",
      available: 12,
      reserved: 4,
      inbound: 40,
      unfulfillable: 2,
      observedAt: "2026-03-01T10:00:00.000Z",
    });
    expect(() => toInventoryLevel({ item, level: { ...level, quantities: [] } })).toThrow(/available/);
  });
});

describe("marketplaceOfOrigin", () => {
  const none: OrderOriginSignals = {
    sourceName: "web",
    sourceIdentifier: null,
    tags: [],
    appTitles: ["Online Store"],
    channelNames: ["Online Store", null, "online_store"],
    identifiers: ["#1001"],
  };
  const signals = (overrides: Partial<OrderOriginSignals>) => ({ ...none, ...overrides });

  it("leaves the shop's own sales alone, whatever their tags or numbers look like", () => {
    expect(marketplaceFromSignals(none)).toBeUndefined();
    expect(marketplaceFromSignals(signals({ sourceName: "pos" }))).toBeUndefined();
    expect(marketplaceFromSignals(signals({ tags: ["amazon-promo", "wholesale", "Amazonian Blue"] }))).toBeUndefined();
    // Long digit runs only count on orders created by a marketplace importer.
    expect(marketplaceFromSignals(signals({ sourceIdentifier: "1234567890123" }))).toBeUndefined();
    expect(marketplaceOfOrigin(order())).toBeUndefined();
  });

  it("recognizes the sales channel, the importer's channel, the source name and marketplace tags", () => {
    expect(marketplaceFromSignals(signals({ channelNames: ["Amazon", "Amazon.com", "amazon-us"] }))).toBe("amazon");
    expect(marketplaceFromSignals(signals({ channelNames: [null, "Best Buy Canada", null] }))).toBe("bestbuy");
    expect(marketplaceFromSignals(signals({ appTitles: ["Walmart Marketplace"] }))).toBe("walmart");
    expect(marketplaceFromSignals(signals({ sourceName: "ebay" }))).toBe("ebay");
    expect(marketplaceFromSignals(signals({ tags: ["MarketplaceConnect", "Walmart"] }))).toBe("walmart");
    expect(marketplaceFromSignals(signals({ tags: ["Marketplace Connect - eBay"] }))).toBe("ebay");
    expect(marketplaceFromSignals(signals({ tags: ["bestbuy order"] }))).toBe("bestbuy");
  });

  it("recognizes marketplace order numbers: Amazon and eBay alone, Walmart and Best Buy with an importer app", () => {
    expect(marketplaceFromSignals(signals({ sourceIdentifier: "112-3456789-1234567" }))).toBe("amazon");
    expect(marketplaceFromSignals(signals({ identifiers: ["#AMZ 113-1234567-7654321"] }))).toBe("amazon");
    expect(marketplaceFromSignals(signals({ sourceIdentifier: "12-34567-89012" }))).toBe("ebay");
    const importer = { appTitles: ["Marketplace Connect"], sourceName: "marketplace-connect" };
    expect(marketplaceFromSignals(signals({ ...importer, sourceIdentifier: "108829174833921" }))).toBe("walmart");
    expect(marketplaceFromSignals(signals({ ...importer, sourceIdentifier: "20839123-A" }))).toBe("bestbuy");
    expect(marketplaceFromSignals(signals({ ...importer }))).toBeUndefined();
  });

  it("reads the webhook (REST) shape too, and the normalized order's salesChannel", () => {
    const rest = {
      id: 1,
      name: "#1002",
      created_at: "2026-03-02T10:00:00-04:00",
      updated_at: "2026-03-02T10:00:00-04:00",
      cancelled_at: null,
      currency: "USD",
      financial_status: "paid",
      fulfillment_status: null,
      source_name: "marketplace-connect",
      source_identifier: "111-2223334-4445556",
      tags: "MarketplaceConnect",
      line_items: [],
    };
    expect(marketplaceOfOrigin(rest)).toBe("amazon");
    expect(marketplaceOfOrigin({ ...rest, source_identifier: null, tags: "eBay, MarketplaceConnect" })).toBe("ebay");
    expect(marketplaceOfNormalizedOrder({ channel: "shopify", salesChannel: "amazon" })).toBe("amazon");
    expect(marketplaceOfNormalizedOrder({ channel: "shopify", salesChannel: "Online Store" })).toBeUndefined();
    expect(marketplaceOfNormalizedOrder({ channel: "amazon", salesChannel: "amazon" })).toBeUndefined();
    const imported = toChannelOrder(
      order({
        sourceName: "amazon",
        channelInformation: null,
        app: { id: "gid://shopify/App/2", name: "Marketplace Connect" },
      }),
    );
    expect(imported.salesChannel).toBe("amazon");
  });
});
