import type { FeeEvent } from "@crosschannel/connector-sdk";
import { describe, expect, it } from "vitest";

import { isRefundedCharge, refundsFromFeeEvents } from "../src/refunds.ts";

const base = {
  channel: "amazon",
  orderExternalId: "113-0000001-0000001",
  lineExternalId: "113-0000001-0000001/MUG-1",
  sku: "MUG-1",
  currency: "USD",
  occurredAt: "2026-03-10T08:00:00.000Z",
} as const;

function fee(rawType: string, amount: string, type: FeeEvent["type"] = "adjustment", prefix = "refund"): FeeEvent {
  return {
    ...base,
    externalId: `${prefix}:${base.orderExternalId}:item-1:${rawType}:${base.occurredAt}`,
    type,
    rawType,
    amount,
  };
}

describe("refunds from Finances refund events", () => {
  it("turns refunded charges of one item and posting into one refund with positive amounts", () => {
    const fees = [
      fee("Principal", "-19.99"),
      fee("Tax", "-1.60"),
      fee("ShippingCharge", "-4.99"),
      fee("ShippingTax", "-0.40"),
      fee("RefundCommission", "0.60", "refund_commission"),
      fee("Commission", "3.00", "refund_commission"),
    ];
    expect(refundsFromFeeEvents(fees)).toEqual([
      {
        externalId: `refund:${base.orderExternalId}:${base.lineExternalId}:${base.occurredAt}`,
        orderExternalId: base.orderExternalId,
        lineExternalId: base.lineExternalId,
        sku: "MUG-1",
        quantity: 0,
        amount: "19.99",
        shipping: "4.99",
        tax: "2.00",
        currency: "USD",
        createdAt: base.occurredAt,
        rawStatus: "Refund",
      },
    ]);
  });

  it("leaves fees of shipments and commission credits alone", () => {
    expect(isRefundedCharge(fee("Principal", "-19.99", "adjustment", "shipment"))).toBe(false);
    expect(isRefundedCharge(fee("RefundCommission", "0.60", "refund_commission"))).toBe(false);
    expect(isRefundedCharge(fee("Principal", "-19.99"))).toBe(true);
    expect(refundsFromFeeEvents([fee("FBAPerUnitFulfillmentFee", "-3.22", "fulfillment_fee", "shipment")])).toEqual([]);
  });
});
