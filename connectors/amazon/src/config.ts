/**
 * Connection settings: the non-secret config and the secret credentials, validated with
 * messages that name the field and say where the right value is found.
 */
import { z } from "zod";
import { AMAZON_MARKETPLACES, LWA_TOKEN_ENDPOINT, marketplaceById } from "./wire.ts";

const MARKETPLACE_ID = /^A[0-9A-Z]{8,15}$/;

export const AmazonConfig = z
  .object({
    region: z.enum(["na", "eu", "fe"], {
      message:
        'region must be "na" (Americas), "eu" (Europe, Middle East, India) or "fe" (Japan, Australia, Singapore)',
    }),
    marketplaceIds: z
      .array(
        z
          .string()
          .regex(
            MARKETPLACE_ID,
            "each marketplace id looks like ATVPDKIKX0DER (Amazon.com) or A1PA6795UKMFR9 (Amazon.de)",
          ),
        { message: 'marketplaceIds must be a list such as ["ATVPDKIKX0DER"]' },
      )
      .min(1, "marketplaceIds needs at least one marketplace the seller sells in"),
    sellerId: z
      .string({ message: "sellerId is required" })
      .regex(
        /^A[0-9A-Z]{6,20}$/,
        "sellerId must be the selling partner id (selling_partner_id of the authorization, or Seller Central > Settings > Account Info > Merchant Token), e.g. A2EXAMPLE7Q3KX",
      ),
    endpoint: z
      .url({ message: "endpoint must be an SP-API base URL such as https://sellingpartnerapi-na.amazon.com" })
      .optional(),
    tokenEndpoint: z
      .url({ message: `tokenEndpoint must be the Login with Amazon token URL, by default ${LWA_TOKEN_ENDPOINT}` })
      .default(LWA_TOKEN_ENDPOINT),
    backfillMonths: z
      .number({ message: "backfillMonths must be a number of months" })
      .int("backfillMonths must be a whole number of months")
      .min(1, "backfillMonths must be at least 1")
      .max(24, "backfillMonths can be at most 24: Amazon keeps two years of orders")
      .default(24),
  })
  .superRefine((config, ctx) => {
    config.marketplaceIds.forEach((id, index) => {
      const marketplace = marketplaceById(id);
      if (marketplace && marketplace.region !== config.region) {
        ctx.addIssue({
          code: "custom",
          path: ["marketplaceIds", index],
          message: `marketplace ${id} (${marketplace.domain}) is served by region "${marketplace.region}", not "${config.region}": use one connection per region`,
        });
      }
    });
  });
export type AmazonConfig = z.output<typeof AmazonConfig>;

export const AmazonCredentials = z.object({
  clientId: z
    .string({ message: "clientId is required" })
    .regex(
      /^amzn1\.application-oa2-client\.[0-9a-z]+$/,
      "clientId must be the LWA client identifier of the app (amzn1.application-oa2-client.…), from the Developer Console > LWA credentials",
    ),
  clientSecret: z
    .string({ message: "clientSecret is required" })
    .min(
      16,
      "clientSecret must be the LWA client secret of the app (amzn1.oa2-cs.v1.…), from the Developer Console > LWA credentials",
    ),
  refreshToken: z
    .string({ message: "refreshToken is required" })
    .regex(
      /^Atzr\|\S+$/,
      "refreshToken must be the Login with Amazon refresh token (starts with Atzr|), from the authorization workflow or Seller Central > Apps > Authorize",
    ),
});
export type AmazonCredentials = z.output<typeof AmazonCredentials>;

const CREDENTIAL_FIELDS = ["clientId", "clientSecret", "refreshToken"] as const;

/**
 * Splits the single settings JSON (`connect --config file.json`, the connect form) into the
 * config and the credentials; validation is left to the connector's parsers.
 */
export function splitAmazonSettings(json: unknown): {
  config: Record<string, unknown>;
  credentials: Record<string, unknown>;
} {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new TypeError(
      "Amazon settings must be a JSON object with region, marketplaceIds, sellerId, clientId, clientSecret and refreshToken",
    );
  }
  const config: Record<string, unknown> = {};
  const credentials: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if ((CREDENTIAL_FIELDS as readonly string[]).includes(key)) credentials[key] = value;
    else config[key] = value;
  }
  return { config, credentials };
}

export const KNOWN_MARKETPLACE_IDS = AMAZON_MARKETPLACES.map((marketplace) => marketplace.id);
