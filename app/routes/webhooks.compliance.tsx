import type { ActionFunctionArgs } from "@remix-run/node";

import {
  CompliancePayloadError,
  handleCustomerDataRequest,
  handleCustomerRedact,
} from "#app/services/compliance.server.ts";
import { redactShop } from "#app/services/shops.server.ts";
import { authenticate } from "#app/shopify.server.ts";

// The three mandatory compliance topics arrive here (compliance_topics in shopify.app.toml).
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, payload, webhookId } = await authenticate.webhook(request);
  try {
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
  } catch (error) {
    // A body without the documented fields is answered 400 with what was missing, not a 500.
    if (error instanceof CompliancePayloadError) return new Response(error.message, { status: 400 });
    throw error;
  }
  return new Response();
};
