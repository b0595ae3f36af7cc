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

describe("redactPersonalData on the channels' nested raw records", () => {
  const personal = [
    "buyer@marketplace.example",
    "Grace Hopper",
    "Hopper Industries",
    "PO-778",
    "221B Baker St",
    "Apt 4",
    "SEATTLE",
    "WA",
    "98109",
    "+1 206 555 0100",
    "Arlington",
    "C-00000042",
  ];
  const text = (value: unknown) => JSON.stringify(redactPersonalData(value));

  it("redacts the buyer and recipient of an Amazon Orders v2026-01-01 order at any depth", () => {
    const order = {
      orderId: "113-0000000-0000001",
      salesChannel: { channelName: "Amazon.com", marketplaceId: "ATVPDKIKX0DER" },
      buyer: {
        buyerName: "Grace Hopper",
        buyerEmail: "buyer@marketplace.example",
        buyerCompanyName: "Hopper Industries",
      },
      recipient: {
        deliveryAddress: {
          name: "Grace Hopper",
          addressLine1: "221B Baker St",
          addressLine2: "Apt 4",
          city: "SEATTLE",
          districtOrCounty: "Arlington",
          stateOrRegion: "WA",
          postalCode: "98109",
          phone: "+1 206 555 0100",
        },
      },
      orderItems: [
        {
          orderItemId: "1",
          quantityOrdered: 2,
          product: { sellerSku: "MUG-1", price: { unitPrice: { amount: "9.50", currencyCode: "USD" } } },
          // Item-level buyer requests (gift messages) sit two levels down.
          fulfillment: { packing: { giftOption: { giftMessage: { note: "Grace Hopper" } } } },
        },
      ],
    };
    const redacted = text(order);
    for (const value of personal) expect(redacted).not.toContain(value);
    expect(redacted).toContain("MUG-1");
    expect(redacted).toContain("9.50");
    expect(redacted).toContain("ATVPDKIKX0DER");
  });

  it("redacts the ship-to columns of an Amazon all-orders report row (hyphenated headers)", () => {
    const record = {
      source: "report",
      amazonOrderId: "113-0000000-0000001",
      rows: [
        {
          "amazon-order-id": "113-0000000-0000001",
          sku: "MUG-1",
          "item-price": "19.00",
          "ship-service-level": "Expedited",
          "ship-promotion-discount": "0.00",
          "ship-city": "SEATTLE",
          "ship-state": "WA",
          "ship-postal-code": "98109",
          "ship-country": "US",
          "ship-phone-number": "+1 206 555 0100",
          "buyer-email": "buyer@marketplace.example",
          "buyer-name": "Grace Hopper",
          "buyer-company-name": "Hopper Industries",
          "purchase-order-number": "PO-778",
          "recipient-name": "Grace Hopper",
          "ship-address-1": "221B Baker St",
          "ship-address-2": "Apt 4",
        },
      ],
    };
    const redacted = redactPersonalData(record) as { rows: Array<Record<string, string>> };
    for (const value of personal.filter((item) => item !== "PO-778"))
      expect(JSON.stringify(redacted)).not.toContain(value);
    const row = redacted.rows[0]!;
    expect(row["ship-state"]).toBe("[redacted]");
    expect(row["ship-postal-code"]).toBe("[redacted]");
    expect(row["ship-country"]).toBe("[redacted]");
    // What analytics needs stays.
    expect(row["ship-service-level"]).toBe("Expedited");
    expect(row["ship-promotion-discount"]).toBe("0.00");
    expect(row["item-price"]).toBe("19.00");
    expect(row.sku).toBe("MUG-1");
  });

  it("redacts a Best Buy (Mirakl) order's customer and each line's addresses", () => {
    const order = {
      order_id: "BB-1-A",
      total_price: 19,
      customer: {
        customer_id: "C-00000042",
        firstname: "Grace",
        lastname: "Hopper",
        shipping_address: {
          street_1: "221B Baker St",
          street_2: "Apt 4",
          city: "SEATTLE",
          state: "WA",
          zip_code: "98109",
        },
      },
      customer_notification_email: "buyer@marketplace.example",
      order_lines: [
        {
          offer_sku: "MUG-1",
          quantity: 2,
          shipping_to: { phone: "+1 206 555 0100", company: "Hopper Industries", full_name: "Grace Hopper" },
          order_line_additional_fields: [
            { code: "buyer-po", value: "PO-778", buyer_reference: { name: "Grace Hopper" } },
          ],
        },
      ],
    };
    const redacted = text(order);
    for (const value of personal.filter((item) => item !== "PO-778")) expect(redacted).not.toContain(value);
    expect(redacted).toContain("MUG-1");
    expect(redacted).toContain("BB-1-A");
  });

  it("never keeps what lies below the depth it walks", () => {
    let deep: Record<string, unknown> = { buyerEmail: "buyer@marketplace.example" };
    for (let level = 0; level < 40; level += 1) deep = { wrapper: deep };
    expect(text(deep)).not.toContain("buyer@marketplace.example");
  });
});
