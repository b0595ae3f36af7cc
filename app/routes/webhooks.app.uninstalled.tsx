import type { ActionFunctionArgs } from "@remix-run/node";

import { markUninstalled } from "#app/services/shops.server.ts";
import { authenticate } from "#app/shopify.server.ts";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticate.webhook(request);
  await markUninstalled(shop);
  return new Response();
};
