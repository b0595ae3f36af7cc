import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

import { AuthorizationError, completeAmazonAuthorization } from "#app/services/amazon-authorization.server.ts";
import { standaloneShop } from "#app/services/auth.server.ts";
import { ConnectionError } from "#app/services/connections.server.ts";

// Amazon sends the seller's browser here (top window, outside Shopify admin) after consent.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  try {
    const { shop } = await completeAmazonAuthorization({
      state: url.searchParams.get("state"),
      code: url.searchParams.get("spapi_oauth_code"),
      sellingPartnerId: url.searchParams.get("selling_partner_id"),
    });
    if (standaloneShop()) return redirect("/app");
    const storeHandle = shop.domain.replace(/\.myshopify\.com$/, "");
    return redirect(`https://admin.shopify.com/store/${storeHandle}/apps/${process.env.SHOPIFY_API_KEY ?? ""}`);
  } catch (error) {
    if (error instanceof AuthorizationError || error instanceof ConnectionError) {
      return new Response(`Amazon was not connected: ${error.message}`, {
        status: 400,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    throw error;
  }
};
