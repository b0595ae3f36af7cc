import type { Shop } from "@prisma/client";

import { authenticate } from "#app/shopify.server.ts";
import { findShop, recordInstallation } from "#app/services/shops.server.ts";
import { checkStandaloneRequest, standaloneSettings } from "#app/services/standalone.server.ts";

/** The one shop served when the app runs standalone (`npm run demo`), else undefined. */
export function standaloneShop(): string | undefined {
  return standaloneSettings()?.shop;
}

/**
 * Authenticates an admin request and returns the shop it belongs to. Every loader and
 * action scopes its queries by `shop.id` from here, never by a shop named in the request.
 */
export async function requireShop(request: Request) {
  const standalone = standaloneSettings();
  let authRequest = request;
  if (standalone) {
    checkStandaloneRequest(request, standalone);
    // A standalone app serves exactly one shop: whatever shop the URL names, it is this one,
    // and only when it is set up here (nothing is fetched from Shopify to create it).
    if (!(await findShop(standalone.shop))) {
      throw new Response(
        `${standalone.shop} is not set up on this server. Add it with: npm run cli -- shops add --shop ${standalone.shop} --timezone <zone> --currency <code>`,
        { status: 503 },
      );
    }
    const url = new URL(request.url);
    url.searchParams.set("shop", standalone.shop);
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
