import "../support/mock-shopify.ts";

import {
  API_KEY,
  API_SECRET_KEY,
  RequestType,
  setUpValidRequest,
  TEST_SHOP,
  TEST_SHOP_NAME,
} from "@shopify/shopify-api/test-helpers";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { loader as appLoader } from "#app/routes/app.tsx";
import { loader as overviewLoader } from "#app/routes/app._index.tsx";

import { storeOfflineSession } from "../support/shopify.ts";
import { createShop, insertConnection } from "../support/factories.ts";
import { settledData } from "../support/remix.ts";

async function call(loader: (args: LoaderFunctionArgs) => Promise<unknown>, request: Request) {
  try {
    return { data: await settledData(await loader({ request, params: {}, context: {} })), response: undefined };
  } catch (thrown) {
    if (thrown instanceof Response) return { data: undefined, response: thrown };
    throw thrown;
  }
}

async function embeddedRequest(path: string) {
  return setUpValidRequest(
    { type: RequestType.Admin, store: TEST_SHOP_NAME, apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    new Request(`https://my-test-app.myshopify.io${path}`),
  );
}

describe("embedded admin requests", () => {
  it("GIVEN a stored offline session and a valid session token THEN the admin pages are served for that shop only", async () => {
    await storeOfflineSession(TEST_SHOP);
    await createShop(TEST_SHOP, { name: "Test shop", timezone: "America/Toronto", currency: "CAD" });
    const other = await createShop("other-shop.myshopify.com", { timezone: "UTC", currency: "USD" });
    await insertConnection({
      shopId: other.id,
      channel: "amazon",
      accountId: "A1",
      displayName: "Other shop's Amazon",
    });

    const layout = await call(appLoader, await embeddedRequest("/app"));
    expect(layout.response).toBeUndefined();
    expect(layout.data).toMatchObject({ apiKey: API_KEY, embedded: true, shop: { domain: TEST_SHOP } });

    const overview = await call(overviewLoader, await embeddedRequest("/app"));
    expect(overview.data).toMatchObject({ shop: { domain: TEST_SHOP, currency: "CAD" }, connections: [] });
  });

  it("GIVEN a session token signed with the wrong secret THEN the request is not served", async () => {
    await storeOfflineSession(TEST_SHOP);
    await createShop(TEST_SHOP, { timezone: "UTC", currency: "USD" });
    const forged = await setUpValidRequest(
      { type: RequestType.Admin, store: TEST_SHOP_NAME, apiKey: API_KEY, apiSecretKey: "someone-elses-secret" },
      new Request("https://my-test-app.myshopify.io/app"),
    );

    const result = await call(appLoader, forged);

    expect(result.data).toBeUndefined();
    // A document request with an invalid token is bounced to fetch a fresh one from App Bridge.
    expect(result.response?.status).toBe(302);
    expect(result.response?.headers.get("Location")).toMatch(/^\/auth\/session-token\?/);
  });

  it("GIVEN a fetch with a forged bearer token THEN it gets 401 and no data", async () => {
    await storeOfflineSession(TEST_SHOP);
    await createShop(TEST_SHOP, { timezone: "UTC", currency: "USD" });
    const forged = await setUpValidRequest(
      { type: RequestType.Bearer, store: TEST_SHOP_NAME, apiKey: API_KEY, apiSecretKey: "someone-elses-secret" },
      new Request("https://my-test-app.myshopify.io/app"),
    );

    const result = await call(overviewLoader, forged);

    expect(result.data).toBeUndefined();
    expect(result.response?.status).toBe(401);
  });

  it("GIVEN a request outside the admin without a shop THEN it is sent to the login page", async () => {
    const result = await call(appLoader, new Request("https://my-test-app.myshopify.io/app"));
    expect(result.data).toBeUndefined();
    expect(result.response?.status).toBe(302);
    expect(result.response?.headers.get("Location")).toBe("/auth/login");
  });

  it("GIVEN an uninstalled shop THEN its pages are refused even with a valid token", async () => {
    await storeOfflineSession(TEST_SHOP);
    await createShop(TEST_SHOP, { timezone: "UTC", currency: "USD", status: "uninstalled" });
    const result = await call(overviewLoader, await embeddedRequest("/app"));
    expect(result.response?.status).toBe(403);
  });
});

describe("installation", () => {
  it("creates the shop from Shopify's settings and connects its own channel with the offline session", async () => {
    const { recordInstallation } = await import("#app/services/shops.server.ts");
    const { adapterFor } = await import("#app/services/channels.server.ts");
    const { getQueue, closeQueues } = await import("#app/queue/queues.server.ts");
    const session = await storeOfflineSession(TEST_SHOP);
    const admin = {
      graphql: async () =>
        Response.json({ data: { shop: { name: "Test shop", ianaTimezone: "Europe/Berlin", currencyCode: "EUR" } } }),
    };
    const shop = await recordInstallation(session, admin);
    await recordInstallation(session, admin);
    expect(shop).toMatchObject({ domain: TEST_SHOP, timezone: "Europe/Berlin", currency: "EUR", status: "installed" });
    const connections = await prisma.channelConnection.findMany({
      where: { shopId: shop.id },
      include: { shop: true },
    });
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ channel: "shopify", accountId: TEST_SHOP });
    const schedulers = await getQueue("sync").getJobSchedulers(0, -1);
    expect(schedulers).toHaveLength(adapterFor("shopify").connector.supportedStreams.length);
    // Its forecasts and weekly insights are scheduled in its time zone.
    const engine = await getQueue("forecast").getJobSchedulers(0, -1);
    expect(engine.map((scheduler) => scheduler.tz)).toEqual(["Europe/Berlin", "Europe/Berlin"]);
    // At sync time the credentials are the shop's current offline token, not a stored copy.
    const credentials = await adapterFor("shopify").credentialsFor!(connections[0]!, { accessToken: "stale" });
    expect(credentials).toEqual({ accessToken: session.accessToken });
    await closeQueues();
  });

  it("schedules every active channel of a reinstalled shop again, not only Shopify", async () => {
    const { recordInstallation, markUninstalled } = await import("#app/services/shops.server.ts");
    const { adapterFor } = await import("#app/services/channels.server.ts");
    const { getQueue, closeQueues } = await import("#app/queue/queues.server.ts");
    const session = await storeOfflineSession(TEST_SHOP);
    const admin = {
      graphql: async () =>
        Response.json({ data: { shop: { name: "Test shop", ianaTimezone: "UTC", currencyCode: "USD" } } }),
    };
    const shop = await recordInstallation(session, admin);
    const channel = (name: "amazon" | "bestbuy", status: "active" | "paused") =>
      insertConnection({ shopId: shop.id, channel: name, accountId: `${name}-1`, displayName: name, status });
    const amazon = await channel("amazon", "active");
    const bestbuy = await channel("bestbuy", "paused");
    const sync = getQueue("sync");
    const ids = async () => (await sync.getJobSchedulers(0, -1)).map((scheduler) => scheduler.id ?? scheduler.key);

    await markUninstalled(TEST_SHOP);
    expect(await ids()).toEqual([]);
    await recordInstallation(await storeOfflineSession(TEST_SHOP), admin);

    const scheduled = await ids();
    const streams = (name: "shopify" | "amazon") => adapterFor(name).connector.supportedStreams.length;
    expect(scheduled).toHaveLength(streams("shopify") + streams("amazon"));
    expect(scheduled.filter((id) => id.includes(amazon.id))).toHaveLength(streams("amazon"));
    // A paused channel stays unscheduled.
    expect(scheduled.filter((id) => id.includes(bestbuy.id))).toEqual([]);
    await closeQueues();
  });
});
