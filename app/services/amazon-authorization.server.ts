import { randomBytes } from "node:crypto";

import {
  AmazonAuthorizationError,
  buildConsentUrl,
  exchangeAuthorizationCode,
  marketplaceById,
  type AmazonRegion,
} from "@crosschannel/connector-amazon";
import type { Clock } from "@crosschannel/connector-sdk";
import type { Shop } from "@prisma/client";
import { z } from "zod";

import prisma from "#app/db.server.ts";
import { connectChannel } from "#app/services/connections.server.ts";
import { adapterFor } from "#app/services/channels.server.ts";
import { InputError } from "#app/services/validation.server.ts";

/** How long a seller has to finish Amazon's consent page. */
export const AUTHORIZATION_TTL_MS = 15 * 60 * 1000;

/** The app's own SP-API credentials (Developer Console), from the environment. */
export function amazonAppSettings(env: NodeJS.ProcessEnv = process.env) {
  const applicationId = env.AMAZON_SPAPI_APPLICATION_ID;
  const clientId = env.AMAZON_LWA_CLIENT_ID;
  const clientSecret = env.AMAZON_LWA_CLIENT_SECRET;
  if (!applicationId || !clientId || !clientSecret) {
    throw new Error(
      "Amazon authorization needs AMAZON_SPAPI_APPLICATION_ID, AMAZON_LWA_CLIENT_ID and AMAZON_LWA_CLIENT_SECRET " +
        "(the app's credentials from Amazon's Developer Console). Sellers can also paste a refresh token instead.",
    );
  }
  return {
    applicationId,
    clientId,
    clientSecret,
    sellerCentralUrl: env.AMAZON_SELLER_CENTRAL_URL,
    tokenEndpoint: env.AMAZON_LWA_TOKEN_ENDPOINT,
    endpoint: env.AMAZON_SPAPI_ENDPOINT,
    draft: env.AMAZON_SPAPI_DRAFT_APP === "1",
    redirectUri: `${(env.SHOPIFY_APP_URL ?? "").replace(/\/$/, "")}/channels/amazon/callback`,
  };
}

const PendingAuthorization = z.object({
  region: z.enum(["na", "eu", "fe"]),
  marketplaceIds: z.array(z.string()).min(1),
});

/** Step 1: remember an unguessable state for this shop and send the seller to Amazon's consent page. */
export async function startAmazonAuthorization(shop: Shop, input: { region: AmazonRegion; marketplaceIds: string[] }) {
  const app = amazonAppSettings();
  for (const id of input.marketplaceIds) {
    const marketplace = marketplaceById(id);
    if (!marketplace || marketplace.region !== input.region) {
      throw new InputError(
        "marketplaceIds",
        `Marketplace ${id} is not an Amazon marketplace of region ${input.region}.`,
      );
    }
  }
  const state = randomBytes(24).toString("base64url");
  await prisma.oAuthState.create({
    data: {
      shopId: shop.id,
      provider: "amazon",
      state,
      data: PendingAuthorization.parse(input),
      expiresAt: new Date(Date.now() + AUTHORIZATION_TTL_MS),
    },
  });
  return buildConsentUrl({
    applicationId: app.applicationId,
    sellerCentralUrl: app.sellerCentralUrl,
    marketplaceId: input.marketplaceIds[0],
    region: input.region,
    state,
    redirectUri: app.redirectUri,
    draft: app.draft,
  });
}

export class AuthorizationError extends Error {
  override readonly name = "AuthorizationError";
}

/**
 * Step 2, Amazon's redirect back: the state must be one we issued, unused and unexpired; the
 * code is traded for the seller's refresh token, and the connection is checked and stored.
 */
export async function completeAmazonAuthorization(
  query: { state: string | null; code: string | null; sellingPartnerId: string | null },
  options: { clock?: Clock } = {},
) {
  if (!query.state || !query.code || !query.sellingPartnerId) {
    throw new AuthorizationError("Amazon's redirect is missing state, spapi_oauth_code or selling_partner_id.");
  }
  // Deleting the row claims the state: a replayed redirect finds nothing.
  const pending = await prisma.oAuthState.findUnique({ where: { state: query.state }, include: { shop: true } });
  if (!pending || pending.provider !== "amazon") {
    throw new AuthorizationError("This Amazon authorization was not started here, or was already used. Start again.");
  }
  await prisma.oAuthState.delete({ where: { id: pending.id } });
  if (pending.expiresAt.getTime() < Date.now()) {
    throw new AuthorizationError("This Amazon authorization took longer than 15 minutes. Start again.");
  }
  const app = amazonAppSettings();
  const { region, marketplaceIds } = PendingAuthorization.parse(pending.data);
  let refreshToken: string;
  try {
    ({ refreshToken } = await exchangeAuthorizationCode(
      {
        code: query.code,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        redirectUri: app.redirectUri,
        tokenEndpoint: app.tokenEndpoint,
      },
      fetch,
    ));
  } catch (error) {
    if (error instanceof AmazonAuthorizationError)
      throw new AuthorizationError(`Amazon refused the authorization: ${error.message}`);
    throw error;
  }
  const settings = {
    region,
    marketplaceIds,
    sellerId: query.sellingPartnerId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    refreshToken,
    ...(app.endpoint ? { endpoint: app.endpoint } : {}),
    ...(app.tokenEndpoint ? { tokenEndpoint: app.tokenEndpoint } : {}),
  };
  const adapter = adapterFor("amazon");
  const connection = await connectChannel(pending.shop, adapter, settings, {
    clock: options.clock,
    actor: "amazon-authorization",
  });
  const { scheduleConnection } = await import("#app/services/schedules.server.ts");
  await scheduleConnection(connection, adapter);
  return { shop: pending.shop, connection };
}
