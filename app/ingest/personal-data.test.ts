import { describe, expect, it } from "vitest";

import { redactPersonalData } from "#app/ingest/personal-data.ts";

describe("redactPersonalData", () => {
  it("redacts buyers' names, contacts and addresses of every channel's shapes, and keeps the rest", () => {
    const raw = {
      AmazonOrderId: "111-1",
      BuyerInfo: { BuyerEmail: "a@b.c", BuyerName: "Ada" },
      ShippingAddress: { Name: "Ada", AddressLine1: "1 Main St", City: "Toronto", PostalCode: "M5V" },
      customer: { firstname: "Ada", lastname: "Lovelace", email: "a@b.c", billing_address: { street_1: "1 Main" } },
      order_lines: [{ offer_sku: "SKU-1", quantity: 2, price: 10 }],
      email: "a@b.c",
      phone: "+1555",
      total_price: 20,
    };
    const redacted = redactPersonalData(raw) as Record<string, unknown>;
    const text = JSON.stringify(redacted);
    for (const personal of ["a@b.c", "Ada", "Lovelace", "Main St", "Toronto", "M5V", "+1555"]) {
      expect(text).not.toContain(personal);
    }
    expect(redacted.AmazonOrderId).toBe("111-1");
    expect(redacted.order_lines).toEqual(raw.order_lines);
    expect(redacted.total_price).toBe(20);
  });
});
