/**
 * Mapper tests on payloads shaped like the examples of Amazon's models
 * (orders_2026-01-01.json, financesV0.json, fbaInventory.json, listingsItems_2021-08-01.json).
 */
import { ChannelListing, ChannelOrder, FeeEvent, InventoryLevel } from "@crosschannel/connector-sdk";
import { describe, expect, it } from "vitest";
import {
  canonicalStatus,
  currencyAmountToDecimal,
  flattenFinancialEvents,
  groupReportRows,
  parseFlatFile,
  reportOrderToChannelOrder,
  toChannelListing,
  toChannelOrder,
  toFeeEvent,
  toInventoryLevel,
  type AmazonOrder,
  type AmazonShipmentEvent,
} from "../src/index.ts";

const usd = (amount: string) => ({ amount, currencyCode: "USD" });

const multiItemOrder: AmazonOrder = {
  orderId: "113-7356426-6421011",
  orderAliases: [{ aliasId: "US-ORDER-2026-001", aliasType: "SELLER_ORDER_ID" }],
  createdTime: "2026-03-02T14:20:00Z",
  lastUpdatedTime: "2026-03-03T09:05:12Z",
  programs: ["PRIME"],
  salesChannel: { channelName: "AMAZON", marketplaceId: "ATVPDKIKX0DER", marketplaceName: "Amazon.com" },
  proceeds: { grandTotal: usd("73.54") },
  fulfillment: { fulfillmentStatus: "SHIPPED", fulfilledBy: "AMAZON" },
  orderItems: [
    {
      orderItemId: "25012345678901",
      quantityOrdered: 2,
      product: {
        asin: "B08C1W5N87",
        title: "Organic Tee, Black",
        sellerSku: "TEE-BLK-M",
        condition: { conditionType: "NEW", conditionSubtype: "NEW" },
        price: { unitPrice: usd("24.99") },
      },
      proceeds: {
        proceedsTotal: usd("48.84"),
        breakdowns: [
          { type: "ITEM", subtotal: usd("49.98") },
          { type: "DISCOUNT", subtotal: usd("-5.00") },
          { type: "TAX", subtotal: usd("3.86") },
          { type: "SHIPPING", subtotal: usd("0.00") },
        ],
      },
      promotion: { breakdowns: [{ promotionId: "SPRING-10" }] },
      fulfillment: { quantityFulfilled: 2, quantityUnfulfilled: 0 },
    },
    {
      orderItemId: "25012345678902",
      quantityOrdered: 1,
      product: { asin: "B07PFFMP9P", title: "Trail Mug", sellerSku: "MUG-TRL", price: { unitPrice: usd("19.99") } },
      proceeds: {
        proceedsTotal: usd("24.70"),
        breakdowns: [
          { type: "ITEM", subtotal: usd("19.99") },
          { type: "TAX", subtotal: usd("1.72") },
          { type: "SHIPPING", subtotal: usd("2.99") },
        ],
      },
      fulfillment: { quantityFulfilled: 1, quantityUnfulfilled: 0 },
    },
  ],
};

describe("Orders API v2026-01-01 -> ChannelOrder", () => {
  it("maps a multi-item shipped order with discounts, tax and shipping", () => {
    const order = ChannelOrder.parse(toChannelOrder(multiItemOrder));
    expect(order).toMatchObject({
      externalId: "113-7356426-6421011",
      channel: "amazon",
      marketplaceId: "ATVPDKIKX0DER",
      status: "fulfilled",
      rawStatus: "SHIPPED",
      placedAt: "2026-03-02T14:20:00.000Z",
      updatedAt: "2026-03-03T09:05:12.000Z",
      cancelledAt: null,
      currency: "USD",
      pricesKnown: true,
      subtotal: "69.97",
      discountTotal: "5.00",
      taxTotal: "5.58",
      shippingTotal: "2.99",
      total: "73.54",
      salesChannel: "Amazon.com",
      refunds: [],
    });
    expect(order.lines).toEqual([
      {
        externalId: "113-7356426-6421011/TEE-BLK-M",
        sku: "TEE-BLK-M",
        title: "Organic Tee, Black",
        quantity: 2,
        quantityCancelled: 0,
        unitPrice: "24.99",
        grossSales: "49.98",
        discount: "5.00",
        tax: "3.86",
        shipping: "0.00",
        status: "fulfilled",
        rawStatus: "SHIPPED",
        cancelled: false,
      },
      {
        externalId: "113-7356426-6421011/MUG-TRL",
        sku: "MUG-TRL",
        title: "Trail Mug",
        quantity: 1,
        quantityCancelled: 0,
        unitPrice: "19.99",
        grossSales: "19.99",
        discount: "0.00",
        tax: "1.72",
        shipping: "2.99",
        status: "fulfilled",
        rawStatus: "SHIPPED",
        cancelled: false,
      },
    ]);
  });

  it("keeps a pending order without prices: pricesKnown false, every money field null", () => {
    const pending: AmazonOrder = {
      orderId: "114-0000001-0000001",
      createdTime: "2026-03-04T10:00:00Z",
      lastUpdatedTime: "2026-03-04T10:00:00Z",
      salesChannel: { channelName: "AMAZON", marketplaceId: "ATVPDKIKX0DER", marketplaceName: "Amazon.com" },
      fulfillment: { fulfillmentStatus: "PENDING", fulfilledBy: "AMAZON" },
      orderItems: [
        { orderItemId: "1", quantityOrdered: 3, product: { asin: "B0001", sellerSku: "SCK-NVY", title: "Socks" } },
      ],
    };
    const order = ChannelOrder.parse(toChannelOrder(pending));
    expect(order).toMatchObject({ status: "pending", rawStatus: "PENDING", pricesKnown: false, currency: "USD" });
    for (const field of ["subtotal", "discountTotal", "shippingTotal", "taxTotal", "total"] as const) {
      expect(order[field]).toBeNull();
    }
    expect(order.lines[0]).toMatchObject({
      quantity: 3,
      unitPrice: null,
      grossSales: null,
      tax: null,
      status: "pending",
    });
  });

  it("computes the total of a Vine order that carries no grand total from its lines", () => {
    const vine: AmazonOrder = {
      ...multiItemOrder,
      orderId: "115-0000002-0000002",
      programs: ["AMAZON_VINE"],
      proceeds: undefined,
      orderItems: [
        {
          orderItemId: "2",
          quantityOrdered: 1,
          product: { sellerSku: "HOD-OLV-L", title: "Hoodie", price: { unitPrice: usd("0.00") } },
          proceeds: { breakdowns: [{ type: "ITEM", subtotal: usd("0.00") }] },
          fulfillment: { quantityFulfilled: 1, quantityUnfulfilled: 0 },
        },
      ],
    };
    const order = ChannelOrder.parse(toChannelOrder(vine));
    expect(order).toMatchObject({ pricesKnown: true, total: "0.00", subtotal: "0.00", taxTotal: "0.00" });
  });

  it("keeps a canceled order as cancelled, with its raw status and cancellation time", () => {
    const canceled: AmazonOrder = {
      orderId: "116-0000003-0000003",
      createdTime: "2026-03-05T08:00:00Z",
      lastUpdatedTime: "2026-03-05T11:30:00Z",
      salesChannel: { channelName: "AMAZON", marketplaceId: "A1PA6795UKMFR9", marketplaceName: "Amazon.de" },
      fulfillment: { fulfillmentStatus: "CANCELLED", fulfilledBy: "MERCHANT" },
      orderItems: [
        {
          orderItemId: "3",
          quantityOrdered: 2,
          product: { sellerSku: "BAG-SND" },
          cancellation: { cancellationRequest: { requester: "BUYER", cancelReason: "Ordered by mistake" } },
          fulfillment: { quantityFulfilled: 0, quantityUnfulfilled: 0 },
        },
      ],
    };
    const order = ChannelOrder.parse(toChannelOrder(canceled));
    expect(order).toMatchObject({
      status: "cancelled",
      rawStatus: "CANCELLED",
      cancelledAt: "2026-03-05T11:30:00.000Z",
      currency: "EUR",
      pricesKnown: false,
      total: null,
    });
    expect(order.lines[0]).toMatchObject({ quantity: 2, quantityCancelled: 2, cancelled: true, status: "cancelled" });
  });

  it("counts a cancelled unit of a shipped item from the fulfilment quantities", () => {
    const partly: AmazonOrder = {
      ...multiItemOrder,
      orderItems: [
        {
          ...multiItemOrder.orderItems[0]!,
          quantityOrdered: 3,
          cancellation: { cancellationExecution: { cancelledBy: "MERCHANT" } },
          fulfillment: { quantityFulfilled: 2, quantityUnfulfilled: 0 },
        },
      ],
      proceeds: undefined,
    };
    const line = toChannelOrder(partly).lines[0]!;
    expect(line).toMatchObject({ quantity: 3, quantityCancelled: 1, grossSales: "49.98", cancelled: false });
  });

  it("throws (so the engine quarantines) on an item without a seller SKU or on mixed currencies", () => {
    const noSku = structuredClone(multiItemOrder);
    delete noSku.orderItems[1]!.product.sellerSku;
    expect(() => toChannelOrder(noSku)).toThrow(/sellerSku/);
    const mixed = structuredClone(multiItemOrder);
    mixed.orderItems[1]!.product.price = { unitPrice: { amount: "19.99", currencyCode: "EUR" } };
    expect(() => toChannelOrder(mixed)).toThrow(/EUR/);
  });

  it("canonicalizes every Amazon spelling of a status", () => {
    expect(canonicalStatus("Canceled")).toBe("CANCELLED");
    expect(canonicalStatus("Cancelled")).toBe("CANCELLED");
    expect(canonicalStatus("PartiallyShipped")).toBe("PARTIALLY_SHIPPED");
    expect(canonicalStatus("PENDING_AVAILABILITY")).toBe("PENDING_AVAILABILITY");
    expect(canonicalStatus("SomethingNew")).toBe("SOMETHINGNEW");
  });
});

describe("all-orders flat-file report -> ChannelOrder", () => {
  // Columns in a different order than usual: the parser goes by header names.
  const header = [
    "sku",
    "amazon-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "sales-channel",
    "product-name",
    "item-status",
    "quantity",
    "currency",
    "item-price",
    "item-tax",
    "shipping-price",
    "shipping-tax",
    "item-promotion-discount",
    "ship-promotion-discount",
    "asin",
  ];
  const row = (values: Record<string, string>) => header.map((name) => values[name] ?? "").join("\t");
  const shipped = {
    "amazon-order-id": "113-7356426-6421011",
    "purchase-date": "2026-03-02T14:20:00+00:00",
    "last-updated-date": "2026-03-03T04:05:12-05:00",
    "order-status": "Shipped",
    "sales-channel": "Amazon.com",
    "item-status": "Shipped",
    currency: "USD",
    "shipping-tax": "0.00",
    "ship-promotion-discount": "0.00",
  };
  const text = [
    header.join("\t"),
    row({
      ...shipped,
      sku: "TEE-BLK-M",
      "product-name": "Organic Tee, Black",
      quantity: "2",
      "item-price": "49.98",
      "item-tax": "3.86",
      "shipping-price": "0.00",
      "item-promotion-discount": "-5.00",
    }),
    row({
      ...shipped,
      sku: "MUG-TRL",
      "product-name": "Trail Mug",
      quantity: "1",
      "item-price": "19.99",
      "item-tax": "1.72",
      "shipping-price": "2.99",
      "item-promotion-discount": "0.00",
    }),
    row({
      "amazon-order-id": "114-0000001-0000001",
      "purchase-date": "2026-03-04T10:00:00+00:00",
      "last-updated-date": "2026-03-04T10:00:00+00:00",
      "order-status": "Pending",
      "sales-channel": "Amazon.com",
      "item-status": "Pending",
      sku: "SCK-NVY",
      quantity: "3",
    }),
    row({
      "amazon-order-id": "116-0000003-0000003",
      "purchase-date": "2026-03-05T08:00:00+00:00",
      "last-updated-date": "2026-03-05T11:30:00+00:00",
      "order-status": "Cancelled",
      "sales-channel": "Amazon.de",
      "item-status": "Cancelled",
      sku: "BAG-SND",
      quantity: "2",
    }),
  ].join("\r\n");

  it("parses by header name, groups rows per order and sorts by last update", () => {
    const orders = groupReportRows(parseFlatFile(text), "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL");
    expect(orders.map((order) => [order.amazonOrderId, order.rows.length])).toEqual([
      ["113-7356426-6421011", 2],
      ["114-0000001-0000001", 1],
      ["116-0000003-0000003", 1],
    ]);
  });

  it("normalizes report orders exactly like the Orders API does", () => {
    const [multi, pending, canceled] = groupReportRows(parseFlatFile(text), "report").map((order) =>
      ChannelOrder.parse(reportOrderToChannelOrder(order)),
    );
    expect(multi).toEqual(toChannelOrder(multiItemOrder));
    expect(pending).toMatchObject({
      status: "pending",
      rawStatus: "PENDING",
      pricesKnown: false,
      total: null,
      currency: "USD",
    });
    expect(canceled).toMatchObject({
      status: "cancelled",
      rawStatus: "CANCELLED",
      currency: "EUR",
      marketplaceId: "A1PA6795UKMFR9",
    });
    expect(canceled?.lines[0]).toMatchObject({ quantityCancelled: 2, cancelled: true, rawStatus: "CANCELLED" });
  });

  it("sniffs a JSON body despite the report type", () => {
    const json = JSON.stringify([{ "amazon-order-id": "1", sku: "A", quantity: 1 }]);
    expect(parseFlatFile(json)).toEqual([{ "amazon-order-id": "1", sku: "A", quantity: "1" }]);
  });

  it("rejects an item price that is not whole units", () => {
    const bad = [header.join("\t"), row({ ...shipped, sku: "X", quantity: "3", "item-price": "10.00" })].join("\n");
    const [order] = groupReportRows(parseFlatFile(bad), "report");
    expect(() => reportOrderToChannelOrder(order!)).toThrow(/equal units/);
  });
});

describe("Finances v0 -> FeeEvent", () => {
  const shipment: AmazonShipmentEvent = {
    AmazonOrderId: "113-7356426-6421011",
    SellerOrderId: "113-7356426-6421011",
    MarketplaceName: "Amazon.com",
    PostedDate: "2026-03-03T09:05:12Z",
    ShipmentItemList: [
      {
        SellerSKU: "TEE-BLK-M",
        OrderItemId: "25012345678901",
        QuantityShipped: 2,
        ItemChargeList: [
          { ChargeType: "Principal", ChargeAmount: { CurrencyCode: "USD", CurrencyAmount: 44.98 } },
          { ChargeType: "Tax", ChargeAmount: { CurrencyCode: "USD", CurrencyAmount: 3.86 } },
        ],
        ItemFeeList: [
          { FeeType: "Commission", FeeAmount: { CurrencyCode: "USD", CurrencyAmount: -6.75 } },
          { FeeType: "FBAPerUnitFulfillmentFee", FeeAmount: { CurrencyCode: "USD", CurrencyAmount: -7.78 } },
          { FeeType: "FixedClosingFee", FeeAmount: { CurrencyCode: "USD", CurrencyAmount: 0.0 } },
        ],
      },
    ],
  };
  // A partial refund: one of the two units, with part of the commission credited back.
  const partialRefund: AmazonShipmentEvent = {
    AmazonOrderId: "113-7356426-6421011",
    MarketplaceName: "Amazon.com",
    PostedDate: "2026-03-10T16:00:00Z",
    ShipmentItemAdjustmentList: [
      {
        SellerSKU: "TEE-BLK-M",
        OrderAdjustmentItemId: "52986411826454",
        QuantityShipped: 1,
        ItemChargeAdjustmentList: [
          { ChargeType: "Principal", ChargeAmount: { CurrencyCode: "USD", CurrencyAmount: -22.49 } },
          { ChargeType: "Tax", ChargeAmount: { CurrencyCode: "USD", CurrencyAmount: -1.93 } },
        ],
        ItemFeeAdjustmentList: [
          { FeeType: "Commission", FeeAmount: { CurrencyCode: "USD", CurrencyAmount: 3.37 } },
          { FeeType: "RefundCommission", FeeAmount: { CurrencyCode: "USD", CurrencyAmount: -0.67 } },
        ],
      },
    ],
  };

  it("turns shipment fees into signed fee events tied to order, line and SKU; charges and zero fees are skipped", () => {
    const events = flattenFinancialEvents({ ShipmentEventList: [shipment] }).map((record) =>
      FeeEvent.parse(toFeeEvent(record)),
    );
    expect(events).toEqual([
      {
        externalId: "shipment:113-7356426-6421011:25012345678901:Commission:2026-03-03T09:05:12Z",
        channel: "amazon",
        type: "commission",
        rawType: "Commission",
        orderExternalId: "113-7356426-6421011",
        lineExternalId: "113-7356426-6421011/TEE-BLK-M",
        sku: "TEE-BLK-M",
        amount: "-6.75",
        currency: "USD",
        occurredAt: "2026-03-03T09:05:12.000Z",
      },
      expect.objectContaining({ type: "fulfillment_fee", rawType: "FBAPerUnitFulfillmentFee", amount: "-7.78" }),
    ]);
  });

  it("maps a partial refund: refunded charges as adjustments, commission credit and refund fee", () => {
    const events = flattenFinancialEvents({ RefundEventList: [partialRefund] }).map((record) => toFeeEvent(record));
    expect(events.map((event) => [event.type, event.rawType, event.amount])).toEqual([
      ["adjustment", "Principal", "-22.49"],
      ["adjustment", "Tax", "-1.93"],
      ["refund_commission", "Commission", "3.37"],
      ["refund_commission", "RefundCommission", "-0.67"],
    ]);
    expect(new Set(events.map((event) => event.externalId)).size).toBe(4);
    expect(events.every((event) => event.lineExternalId === "113-7356426-6421011/TEE-BLK-M")).toBe(true);
  });

  it("converts Finances numbers to exact decimal strings and refuses float artefacts", () => {
    expect(currencyAmountToDecimal({ CurrencyCode: "USD", CurrencyAmount: -22.49 })).toBe("-22.49");
    expect(currencyAmountToDecimal({ CurrencyCode: "USD", CurrencyAmount: 10 })).toBe("10.00");
    expect(currencyAmountToDecimal({ CurrencyCode: "JPY", CurrencyAmount: 1200 })).toBe("1200");
    expect(() => currencyAmountToDecimal({ CurrencyCode: "USD", CurrencyAmount: 0.1 + 0.2 })).toThrow(/decimals/);
    expect(() => currencyAmountToDecimal({ CurrencyCode: "USD", CurrencyAmount: 1e-7 })).toThrow(/plain decimal/);
    expect(() => currencyAmountToDecimal({ CurrencyCode: "JPY", CurrencyAmount: 12.5 })).toThrow(/decimals/);
  });
});

describe("FBA inventory and listings", () => {
  it("maps an inventory summary with details", () => {
    const level = InventoryLevel.parse(
      toInventoryLevel({
        marketplaceId: "ATVPDKIKX0DER",
        summary: {
          asin: "B0020MLK00",
          fnSku: "B0020MLK00",
          sellerSku: "TEE-BLK-M",
          condition: "NewItem",
          inventoryDetails: {
            fulfillableQuantity: 100,
            inboundWorkingQuantity: 5,
            inboundShippedQuantity: 10,
            inboundReceivingQuantity: 2,
            reservedQuantity: { totalReservedQuantity: 4, pendingCustomerOrderQuantity: 4 },
            unfulfillableQuantity: { totalUnfulfillableQuantity: 1 },
          },
          lastUpdatedTime: "2026-03-01T00:00:00Z",
          productName: "Organic Tee",
          totalQuantity: 122,
        },
      }),
    );
    expect(level).toEqual({
      sku: "TEE-BLK-M",
      channel: "amazon",
      locationId: "FBA-US",
      available: 100,
      reserved: 4,
      inbound: 17,
      unfulfillable: 1,
      observedAt: "2026-03-01T00:00:00.000Z",
    });
  });

  it("maps the seller's own B2C offer price, ignoring B2B and other marketplaces", () => {
    const listing = ChannelListing.parse(
      toChannelListing(
        {
          sku: "TEE-BLK-M",
          summaries: [
            {
              marketplaceId: "ATVPDKIKX0DER",
              asin: "B071VG5N9D",
              status: ["DISCOVERABLE", "BUYABLE"],
              itemName: "Organic Tee",
              lastUpdatedDate: "2026-02-01T10:00:00Z",
            },
          ],
          offers: [
            { marketplaceId: "ATVPDKIKX0DER", offerType: "B2B", price: { currencyCode: "USD", amount: "19.00" } },
            { marketplaceId: "ATVPDKIKX0DER", offerType: "B2C", price: { currencyCode: "USD", amount: "21.5" } },
          ],
        },
        "ATVPDKIKX0DER",
      ),
    );
    expect(listing).toMatchObject({
      price: "21.50",
      status: "active",
      rawStatus: "BUYABLE,DISCOVERABLE",
      active: true,
      externalId: "B071VG5N9D",
    });
  });
});
