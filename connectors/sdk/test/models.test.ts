import { describe, expect, it } from "vitest";
import {
  ChannelCancellation,
  ChannelListing,
  ChannelOrder,
  FeeEvent,
  InventoryLevel,
  STREAM_NAMES,
} from "../src/models.ts";
import * as sdk from "../src/index.ts";
import { redactHeaders, redactText, redactUrl, redactValue, secretValuesOf } from "../src/redact.ts";
import { fakeSecret } from "../src/simulator/secrets.ts";

const line = {
  externalId: "L1",
  sku: "TEE-BLA-0001",
  title: "Tee",
  quantity: 2,
  quantityCancelled: 0,
  unitPrice: "10.00",
  grossSales: "20.00",
  discount: "0.00",
  tax: "1.40",
  shipping: "0.00",
  status: "open",
  rawStatus: "Unshipped",
  cancelled: false,
} as const;

const order = {
  externalId: "O1",
  channel: "amazon",
  marketplaceId: "ATVPDKIKX0DER",
  status: "open",
  rawStatus: "Unshipped",
  placedAt: "2026-03-01T10:00:00.000Z",
  updatedAt: "2026-03-01T12:00:00.000Z",
  cancelledAt: null,
  currency: "USD",
  pricesKnown: true,
  subtotal: "20.00",
  discountTotal: "0.00",
  shippingTotal: "0.00",
  taxTotal: "1.40",
  total: "21.40",
  salesChannel: "Amazon.com",
  lines: [line],
  refunds: [],
} as const;

describe("normalized models", () => {
  it("accept a well-formed order and name the four streams", () => {
    expect(ChannelOrder.parse(order)).toEqual(order);
    expect(STREAM_NAMES).toEqual(["orders", "listings", "inventory", "fees"]);
  });

  it("reject float money, non-UTC timestamps and bad currencies", () => {
    const issues = (value: unknown) => ChannelOrder.safeParse(value).error?.issues.map((issue) => issue.path.join("."));
    expect(issues({ ...order, total: 21.4 })).toEqual(["total"]);
    expect(issues({ ...order, placedAt: "2026-03-01T10:00:00-05:00" })).toEqual(["placedAt"]);
    expect(issues({ ...order, placedAt: "2026-03-01T10:00:00Z" })).toEqual(["placedAt"]);
    expect(issues({ ...order, currency: "usd" })).toEqual(["currency"]);
    expect(issues({ ...order, lines: [] })).toEqual(["lines"]);
  });

  it("require prices when pricesKnown, and consistent cancellations and refunds", () => {
    const issues = (value: unknown) => ChannelOrder.safeParse(value).error?.issues.map((issue) => issue.path.join("."));
    expect(issues({ ...order, lines: [{ ...line, unitPrice: null, grossSales: null }] })).toEqual([
      "lines.0.unitPrice",
    ]);
    expect(
      ChannelOrder.safeParse({
        ...order,
        pricesKnown: false,
        subtotal: null,
        total: null,
        lines: [{ ...line, unitPrice: null, grossSales: null }],
      }).success,
    ).toBe(true);
    expect(issues({ ...order, lines: [{ ...line, quantityCancelled: 3 }] })).toEqual(["lines.0.quantityCancelled"]);
    const refund = {
      externalId: "R1",
      orderExternalId: "O1",
      lineExternalId: "L1",
      sku: "TEE-BLA-0001",
      quantity: 1,
      amount: "10.00",
      shipping: "0.00",
      tax: "0.70",
      currency: "USD",
      createdAt: "2026-03-04T10:00:00.000Z",
      rawStatus: "Refunded",
    };
    expect(ChannelOrder.safeParse({ ...order, refunds: [refund] }).success).toBe(true);
    expect(issues({ ...order, refunds: [{ ...refund, currency: "CAD" }] })).toEqual(["refunds.0.currency"]);
    expect(issues({ ...order, refunds: [{ ...refund, orderExternalId: "O2" }] })).toEqual([
      "refunds.0.orderExternalId",
    ]);
  });

  it("keep per-line cancellations as their own rows, consistent with the order", () => {
    const issues = (value: unknown) => ChannelOrder.safeParse(value).error?.issues.map((issue) => issue.path.join("."));
    const cancellation = {
      externalId: "C1",
      orderExternalId: "O1",
      lineExternalId: "L1",
      sku: "TEE-BLA-0001",
      quantity: 1,
      amount: "10.00",
      shipping: "0.00",
      tax: "0.70",
      currency: "USD",
      createdAt: "2026-03-02T10:00:00.000Z",
      reasonCode: "34",
      rawStatus: "",
    };
    expect(sdk.ChannelCancellation).toBe(ChannelCancellation);
    expect(ChannelCancellation.parse(cancellation)).toEqual(cancellation);
    const cancelledLine = { ...line, quantityCancelled: 1, grossSales: "10.00" };
    const withCancellation = { ...order, lines: [cancelledLine], cancellations: [cancellation] };
    expect(ChannelOrder.parse(withCancellation)).toEqual(withCancellation);
    // Two partial cancellations of one line stay two rows.
    const second = { ...cancellation, externalId: "C2", reasonCode: null, createdAt: "2026-03-02T11:00:00.000Z" };
    expect(ChannelOrder.parse({ ...withCancellation, cancellations: [cancellation, second] }).cancellations).toEqual([
      cancellation,
      second,
    ]);
    // Connectors that do not report cancellations leave the field out: still valid, left as built.
    expect(ChannelOrder.parse(order)).not.toHaveProperty("cancellations");
    expect(issues({ ...order, cancellations: [{ ...cancellation, currency: "CAD" }] })).toEqual([
      "cancellations.0.currency",
    ]);
    expect(issues({ ...order, cancellations: [{ ...cancellation, orderExternalId: "O2" }] })).toEqual([
      "cancellations.0.orderExternalId",
    ]);
    expect(issues({ ...order, cancellations: [{ ...cancellation, lineExternalId: "L9" }] })).toEqual([
      "cancellations.0.lineExternalId",
    ]);
    expect(issues({ ...order, cancellations: [{ ...cancellation, amount: "-10.00", tax: "-0.70" }] })).toEqual([
      "cancellations.0.amount",
      "cancellations.0.tax",
    ]);
    expect(issues({ ...order, cancellations: [{ ...cancellation, quantity: -1 }] })).toEqual([
      "cancellations.0.quantity",
    ]);
    expect(issues({ ...order, cancellations: [{ ...cancellation, amount: 10 }] })).toEqual(["cancellations.0.amount"]);
    expect(issues({ ...order, cancellations: [{ ...cancellation, createdAt: "2026-03-02" }] })).toEqual([
      "cancellations.0.createdAt",
    ]);
  });

  it("validate listings, inventory and signed fee amounts", () => {
    expect(
      ChannelListing.safeParse({
        externalId: "B0ABC",
        sku: "S1",
        channel: "amazon",
        marketplaceId: null,
        title: "T",
        price: "9.99",
        currency: "USD",
        status: "suppressed",
        rawStatus: "Inactive (Search Suppressed)",
        active: false,
        updatedAt: "2026-03-01T00:00:00.000Z",
      }).success,
    ).toBe(true);
    const level = {
      sku: "S1",
      channel: "amazon",
      locationId: "FBA-US",
      available: -1,
      reserved: 0,
      inbound: 5,
      unfulfillable: null,
      observedAt: "2026-03-01T00:00:00.000Z",
    };
    expect(InventoryLevel.safeParse(level).success).toBe(true);
    expect(InventoryLevel.safeParse({ ...level, reserved: -1 }).success).toBe(false);
    const fee = {
      externalId: "F1",
      channel: "amazon",
      type: "commission",
      rawType: "Commission",
      orderExternalId: "O1",
      lineExternalId: null,
      sku: "S1",
      amount: "-1.50",
      currency: "USD",
      occurredAt: "2026-03-01T00:00:00.000Z",
    };
    expect(FeeEvent.safeParse(fee).success).toBe(true);
    expect(FeeEvent.safeParse({ ...fee, type: "Commission" }).success).toBe(false);
  });
});

describe("redaction", () => {
  it("scrubs secret headers, query parameters, JSON keys, bearer tokens and known values", () => {
    expect(redactHeaders({ Authorization: "Bearer abc", "x-amz-access-token": "Atza|xyz", accept: "json" })).toEqual({
      Authorization: "[REDACTED]",
      "x-amz-access-token": "[REDACTED]",
      accept: "json",
    });
    expect(redactUrl("https://user:pw@api.example.com/v1?api_key=k&page=2")).toBe(
      "https://redacted:redacted@api.example.com/v1?api_key=[REDACTED]&page=2",
    );
    expect(redactText(`{"refresh_token":"${fakeSecret("Atzr|")}","sku":"S1"} Bearer eyJhbGciOi.x.y`)).toBe(
      '{"refresh_token":"[REDACTED]","sku":"S1"} Bearer [REDACTED]',
    );
    expect(redactText("seller secret-value-123 leaked", ["secret-value-123"])).toBe("seller [REDACTED] leaked");
    expect(redactValue({ order: { id: "O1", clientSecret: "s" }, note: "key k-1234567" }, ["k-1234567"])).toEqual({
      order: { id: "O1", clientSecret: "[REDACTED]" },
      note: "key [REDACTED]",
    });
    expect(secretValuesOf({ lwa: { refreshToken: "r-123456", clientId: "c-1" } })).toEqual(["r-123456", "c-1"]);
  });
});
