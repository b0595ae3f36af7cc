import type { ActionFunctionArgs } from "@remix-run/node";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { getHmac, API_SECRET_KEY, setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { LogSeverity } from "@shopify/shopify-app-remix/server";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";

import prisma from "#app/db.server.ts";
import { API_VERSION } from "#app/shopify.server.ts";

/** The app's Shopify configuration as Shopify's test helpers expect it, on the real database. */
export function testShopifyConfig() {
  return {
    ...testConfig({
      future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
      logger: { level: LogSeverity.Error },
    }),
    apiVersion: API_VERSION,
    sessionStorage: new PrismaSessionStorage(prisma),
  };
}

/** An offline session that does not need refreshing, stored where the app looks for it. */
export async function storeOfflineSession(shop: string) {
  const session = setUpValidSession({
    shop,
    expires: new Date(Date.now() + 24 * 60 * 60 * 1000),
    refreshToken: "test-refresh-token",
    refreshTokenExpires: new Date(Date.now() + 30 * 24 * 60 * 60 * 1000),
    scope: "read_orders,read_products,read_inventory",
  });
  await new PrismaSessionStorage(prisma).storeSession(session);
  return session;
}

let deliveries = 0;

/** A webhook delivery signed like Shopify signs it (or with a wrong HMAC when asked). */
export function webhookRequest(
  path: string,
  topic: string,
  shop: string,
  body: unknown,
  options: { badHmac?: boolean; webhookId?: string } = {},
) {
  const raw = JSON.stringify(body);
  deliveries += 1;
  const hmac = options.badHmac ? getHmac(raw, "not-the-app-secret") : getHmac(raw, API_SECRET_KEY);
  return new Request(`https://my-test-app.myshopify.io${path}`, {
    method: "POST",
    body: raw,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": hmac,
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-API-Version": API_VERSION,
      "X-Shopify-Webhook-Id": options.webhookId ?? `webhook-${deliveries}-${Date.now()}`,
      "X-Shopify-Event-Id": `event-${deliveries}`,
      "X-Shopify-Triggered-At": new Date().toISOString(),
    },
  });
}

/** Calls a route action and turns a thrown Response (how Shopify's library rejects) into the result. */
export async function callAction(action: (args: ActionFunctionArgs) => unknown, request: Request): Promise<Response> {
  try {
    const result = await action({ request, params: {}, context: {} });
    return result instanceof Response ? result : Response.json(result);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
