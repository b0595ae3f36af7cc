import type { Shop } from "@prisma/client";

import { authenticate } from "#app/shopify.server.ts";
import { findShop, recordInstallation } from "#app/services/shops.server.ts";

/** The configured shop when the app runs standalone (`npm run demo`), else undefined. */
export function standaloneShop(): string | undefined {
  return process.env.CROSSCHANNEL_STANDALONE === "1" ? process.env.CROSSCHANNEL_STANDALONE_SHOP : undefined;
}

/**
 * Authenticates an admin request and returns the shop it belongs to. Every loader and
 * action scopes its queries by `shop.id` from here, never by a shop named in the request.
 */
export async function requireShop(request: Request) {
  const pinned = standaloneShop();
  let authRequest = request;
  if (pinned) {
    // A standalone app serves exactly one shop: whatever shop the URL names, it is this one.
    const url = new URL(request.url);
    url.searchParams.set("shop", pinned);
    authRequest = new Request(url, request);
  }
  const context = await authenticate.admin(authRequest);
  let shop: Shop | null = await findShop(context.session.shop);
  if (!shop) {
    // A session can predate the shop row (e.g. installed before this version): fill it in.
    shop = await recordInstallation(context.session, context.admin);
  }
  if (shop.status !== "installed") {
    throw new Response("This shop has uninstalled Crosschannel. Reinstall the app to use it again.", { status: 403 });
  }
  return { ...context, shop };
}
