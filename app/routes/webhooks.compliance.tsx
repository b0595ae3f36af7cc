import type { ActionFunctionArgs } from "@remix-run/node";

import { handleCustomerDataRequest, handleCustomerRedact } from "#app/services/compliance.server.ts";
import { redactShop } from "#app/services/shops.server.ts";
import { authenticate } from "#app/shopify.server.ts";

// The three mandatory compliance topics arrive here (compliance_topics in shopify.app.toml).
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, payload, webhookId } = await authenticate.webhook(request);
  switch (topic) {
    case "CUSTOMERS_DATA_REQUEST":
      await handleCustomerDataRequest(shop, payload);
      break;
    case "CUSTOMERS_REDACT":
      await handleCustomerRedact(shop, webhookId, payload);
      break;
    case "SHOP_REDACT":
      await redactShop(shop);
      break;
    default:
      return new Response(`Unexpected topic ${topic} on the compliance endpoint.`, { status: 400 });
  }
  return new Response();
};
