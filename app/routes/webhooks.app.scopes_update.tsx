import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { updateScopes } from "#app/services/shops.server.ts";
import { authenticate } from "#app/shopify.server.ts";

const ScopesUpdate = z.object({ current: z.array(z.string()) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, session, payload } = await authenticate.webhook(request);
  const parsed = ScopesUpdate.safeParse(payload);
  if (!parsed.success) {
    return new Response("app/scopes_update payload has no `current` scope list.", { status: 400 });
  }
  await updateScopes(shop, session?.id, parsed.data.current);
  return new Response();
};
