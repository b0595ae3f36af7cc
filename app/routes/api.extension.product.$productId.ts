import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireShop } from "#app/services/auth.server.ts";
import { productBlock } from "#app/services/product-block.server.ts";
import { InputError } from "#app/services/validation.server.ts";

/**
 * The admin product-details block's data (extensions/product-block). Shopify adds the session
 * token to the extension's fetch; the library answers the CORS preflight, and `cors` adds the
 * headers to every answer, errors included. Only the token's shop is ever read.
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, cors } = await requireShop(request);
  try {
    const data = await productBlock(shop, params.productId ?? "");
    if (!data) {
      return cors(
        Response.json(
          { error: "Crosschannel has not imported this product yet. It appears after the next catalog sync." },
          { status: 404 },
        ),
      );
    }
    return cors(Response.json(data, { headers: { "Cache-Control": "private, no-store" } }));
  } catch (error) {
    if (error instanceof InputError) return cors(Response.json({ error: error.message }, { status: 400 }));
    throw error;
  }
};
