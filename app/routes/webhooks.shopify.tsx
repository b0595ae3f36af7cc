import type { ActionFunctionArgs } from "@remix-run/node";

import { receiveShopifyWebhook } from "#app/services/webhooks.server.ts";
import { authenticate } from "#app/shopify.server.ts";

// The shop's own orders, refunds, products, costs and inventory (see shopify.app.toml):
// verified here, applied by the worker.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, payload, webhookId } = await authenticate.webhook(request);
  await receiveShopifyWebhook(shop, topic, webhookId, payload);
  return new Response();
};
