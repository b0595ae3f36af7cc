import "../support/mock-shopify.ts";

import { TEST_SHOP } from "@shopify/shopify-api/test-helpers";
import { afterAll, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeQueues, getQueue, shopJobPrefix } from "#app/queue/queues.server.ts";
import { action as complianceAction } from "#app/routes/webhooks.compliance.tsx";
import { action as scopesAction } from "#app/routes/webhooks.app.scopes_update.tsx";
import { action as uninstalledAction } from "#app/routes/webhooks.app.uninstalled.tsx";

import { createShopWithData, rowCounts } from "../support/factories.ts";
import { callAction, storeOfflineSession, webhookRequest } from "../support/shopify.ts";

const OTHER_SHOP = "other-shop.myshopify.com";

afterAll(async () => {
  await closeQueues();
});

describe("webhooks", () => {
  it("GIVEN a bad HMAC WHEN shop/redact arrives THEN it is refused with 401 and nothing changes", async () => {
    const { shop } = await createShopWithData(TEST_SHOP);
    const before = await rowCounts(shop.id);

    const response = await callAction(
      complianceAction,
      webhookRequest(
        "/webhooks/compliance",
        "shop/redact",
        TEST_SHOP,
        { shop_id: 1, shop_domain: TEST_SHOP },
        {
          badHmac: true,
        },
      ),
    );

    expect(response.status).toBe(401);
    expect(await rowCounts(shop.id)).toEqual(before);
    expect(before.orders).toBe(1);
  });

  it("GIVEN two shops WHEN shop/redact arrives for one, twice THEN it has zero rows and the other keeps all", async () => {
    const redacted = await createShopWithData(TEST_SHOP);
    const kept = await createShopWithData(OTHER_SHOP);
    await storeOfflineSession(TEST_SHOP);
    await storeOfflineSession(OTHER_SHOP);
    const keptBefore = await rowCounts(kept.shop.id);
    // Lines and refunds have no foreign key to Shop (docs/decisions/006): they go with their order.
    expect(await rowCounts(redacted.shop.id)).toMatchObject({
      orders: 1,
      orderLines: 1,
      refunds: 1,
      rollupContributions: 1,
    });

    const body = { shop_id: 1, shop_domain: TEST_SHOP };
    const first = await callAction(
      complianceAction,
      webhookRequest("/webhooks/compliance", "shop/redact", TEST_SHOP, body, { webhookId: "same" }),
    );
    const again = await callAction(
      complianceAction,
      webhookRequest("/webhooks/compliance", "shop/redact", TEST_SHOP, body, { webhookId: "same" }),
    );

    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(await prisma.shop.count({ where: { domain: TEST_SHOP } })).toBe(0);
    expect(Object.values(await rowCounts(redacted.shop.id)).every((count) => count === 0)).toBe(true);
    expect(await prisma.session.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect(await rowCounts(kept.shop.id)).toEqual(keptBefore);
    expect(await prisma.session.count({ where: { shop: OTHER_SHOP } })).toBe(1);
  });

  it("GIVEN scheduled jobs for two shops WHEN one uninstalls (delivered twice) THEN it is marked uninstalled and only its jobs stop", async () => {
    const { shop } = await createShopWithData(TEST_SHOP);
    const other = await createShopWithData(OTHER_SHOP);
    await storeOfflineSession(TEST_SHOP);
    const sync = getQueue("sync");
    for (const target of [shop, other.shop]) {
      await sync.upsertJobScheduler(
        `${shopJobPrefix(target.id)}conn:orders`,
        { every: 60_000 },
        {
          name: "sync",
          data: { shopId: target.id, connectionId: "conn", stream: "orders", mode: "incremental" },
        },
      );
    }

    for (let delivery = 0; delivery < 2; delivery += 1) {
      const response = await callAction(
        uninstalledAction,
        webhookRequest("/webhooks/app/uninstalled", "app/uninstalled", TEST_SHOP, { id: 1, domain: TEST_SHOP }),
      );
      expect(response.status).toBe(200);
    }

    const after = await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(after.status).toBe("uninstalled");
    expect(after.uninstalledAt).toBeInstanceOf(Date);
    expect(await prisma.session.count({ where: { shop: TEST_SHOP } })).toBe(0);
    const schedulerIds = (await sync.getJobSchedulers(0, -1)).map((scheduler) => scheduler.id ?? scheduler.key);
    expect(schedulerIds).toEqual([`${shopJobPrefix(other.shop.id)}conn:orders`]);
    // Its data stays until shop/redact, 48 hours later.
    expect((await rowCounts(shop.id)).orders).toBe(1);
    expect(await prisma.auditLog.count({ where: { shopId: shop.id, action: "shop.uninstalled" } })).toBe(1);
  });

  it("GIVEN a customers/data_request delivered twice THEN one request is recorded with the orders held and no personal data", async () => {
    const { shop, order } = await createShopWithData(TEST_SHOP);
    await prisma.order.update({
      where: { id: order.id },
      data: { channel: "shopify", externalId: "gid://shopify/Order/4242" },
    });
    const body = {
      shop_id: 1,
      shop_domain: TEST_SHOP,
      orders_requested: [4242],
      customer: { id: 77, email: "buyer@example.com", phone: "555-0100" },
      data_request: { id: 9001 },
    };

    for (let delivery = 0; delivery < 2; delivery += 1) {
      const response = await callAction(
        complianceAction,
        webhookRequest("/webhooks/compliance", "customers/data_request", TEST_SHOP, body),
      );
      expect(response.status).toBe(200);
    }

    const requests = await prisma.complianceRequest.findMany({ where: { shopId: shop.id } });
    expect(requests).toHaveLength(1);
    const result = requests[0]?.result as { orders: Array<{ id: string; lines: unknown[] }> };
    expect(result.orders.map((entry) => entry.id)).toEqual(["gid://shopify/Order/4242"]);
    expect(JSON.stringify(requests[0])).not.toContain("buyer@example.com");
  });

  it("GIVEN a customers/data_request without data_request THEN it answers 400 naming the field and records nothing", async () => {
    const { shop } = await createShopWithData(TEST_SHOP);
    const body = { shop_id: 1, shop_domain: TEST_SHOP, orders_requested: [1], customer: { id: 77 } };
    const response = await callAction(
      complianceAction,
      webhookRequest("/webhooks/compliance", "customers/data_request", TEST_SHOP, body),
    );
    expect(response.status).toBe(400);
    await expect(response.text()).resolves.toMatch(
      /customers\/data_request payload.*\(data_request: [^;)]*expected object[^;)]*\); nothing was recorded/,
    );
    expect(await prisma.complianceRequest.count({ where: { shopId: shop.id } })).toBe(0);

    const redact = await callAction(
      complianceAction,
      webhookRequest("/webhooks/compliance", "customers/redact", TEST_SHOP, { ...body, orders_to_redact: "all" }),
    );
    expect(redact.status).toBe(400);
    await expect(redact.text()).resolves.toMatch(/orders_to_redact: [^;)]*expected array/);
  });

  it("GIVEN customers/redact THEN it answers 200 and records that no personal data was held", async () => {
    const { shop } = await createShopWithData(TEST_SHOP);
    const body = { shop_id: 1, shop_domain: TEST_SHOP, customer: { id: 77 }, orders_to_redact: [1, 2] };
    const response = await callAction(
      complianceAction,
      webhookRequest("/webhooks/compliance", "customers/redact", TEST_SHOP, body, { webhookId: "redact-1" }),
    );
    expect(response.status).toBe(200);
    const recorded = await prisma.complianceRequest.findUniqueOrThrow({
      where: { shopId_topic_requestId: { shopId: shop.id, topic: "customers/redact", requestId: "redact-1" } },
    });
    expect(recorded.orderIds).toEqual(["1", "2"]);
    expect((await rowCounts(shop.id)).orders).toBe(1);
  });

  it("GIVEN app/scopes_update THEN the session and the shop record the granted scopes", async () => {
    const { shop } = await createShopWithData(TEST_SHOP);
    const session = await storeOfflineSession(TEST_SHOP);
    const response = await callAction(
      scopesAction,
      webhookRequest("/webhooks/app/scopes_update", "app/scopes_update", TEST_SHOP, {
        id: 1,
        previous: ["read_orders"],
        current: ["read_orders", "read_inventory"],
      }),
    );
    expect(response.status).toBe(200);
    expect((await prisma.session.findUniqueOrThrow({ where: { id: session.id } })).scope).toBe(
      "read_orders,read_inventory",
    );
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).scopes).toBe("read_orders,read_inventory");
  });
});
