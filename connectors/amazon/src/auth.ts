/**
 * The website authorization workflow (https://developer-docs.amazon.com/sp-api/docs/website-authorization-workflow),
 * as pure functions the app's routes call:
 * 1. `buildConsentUrl`: send the seller to Seller Central's consent page with an unguessable `state`.
 * 2. Amazon redirects to `redirectUri?state=…&selling_partner_id=…&spapi_oauth_code=…`;
 *    the app checks `state`, then `exchangeAuthorizationCode` trades the code (valid 5 minutes)
 *    for the refresh token at Login with Amazon.
 * Self-authorized sellers paste their refresh token instead.
 */
import { LWA_TOKEN_ENDPOINT, marketplaceById, type AmazonRegion } from "./wire.ts";

/** Seller Central of each region, used when no marketplace-specific URL is given. */
export const DEFAULT_SELLER_CENTRAL: Record<AmazonRegion, string> = {
  na: "https://sellercentral.amazon.com",
  eu: "https://sellercentral-europe.amazon.com",
  fe: "https://sellercentral.amazon.co.jp",
};

export interface ConsentUrlOptions {
  /** The app's id from the Developer Console (amzn1.sp.solution.…). */
  applicationId: string;
  /** Seller Central URL of the seller's marketplace; or give `region` or `marketplaceId`. */
  sellerCentralUrl?: string;
  region?: AmazonRegion;
  marketplaceId?: string;
  /** Unguessable value bound to the seller's session, checked on the redirect. */
  state: string;
  /** Must be one of the app's registered redirect URIs; Amazon uses the first one when absent. */
  redirectUri?: string;
  /** Draft (not yet published) apps must send version=beta. */
  draft?: boolean;
}

export function buildConsentUrl(options: ConsentUrlOptions): string {
  if (!/^amzn1\.sp\.solution\.[\w-]+$/.test(options.applicationId)) {
    throw new TypeError("applicationId must be the app id from the Developer Console (amzn1.sp.solution.…)");
  }
  if (options.state.length < 16) throw new TypeError("state must be an unguessable value of at least 16 characters");
  const marketplace = options.marketplaceId === undefined ? undefined : marketplaceById(options.marketplaceId);
  if (options.marketplaceId !== undefined && !marketplace)
    throw new TypeError(`unknown marketplace ${options.marketplaceId}`);
  const base =
    options.sellerCentralUrl ??
    marketplace?.sellerCentralUrl ??
    (options.region ? DEFAULT_SELLER_CENTRAL[options.region] : undefined);
  if (base === undefined) throw new TypeError("give sellerCentralUrl, marketplaceId or region");
  const url = new URL("apps/authorize/consent", base.replace(/\/*$/, "/"));
  url.searchParams.set("application_id", options.applicationId);
  url.searchParams.set("state", options.state);
  if (options.redirectUri !== undefined) url.searchParams.set("redirect_uri", options.redirectUri);
  if (options.draft) url.searchParams.set("version", "beta");
  return url.toString();
}

/** Just enough of `fetch` for the exchange; the app passes its own (or globalThis.fetch). */
export type FetchLike = (
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface ExchangeOptions {
  /** `spapi_oauth_code` from the redirect. */
  code: string;
  clientId: string;
  clientSecret: string;
  /** The redirect URI the consent used. */
  redirectUri: string;
  tokenEndpoint?: string;
  signal?: AbortSignal;
}

export class AmazonAuthorizationError extends Error {
  override readonly name = "AmazonAuthorizationError";
  constructor(
    readonly code: string,
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** Trades an authorization code for the seller's refresh token (never logged, never echoed in errors). */
export async function exchangeAuthorizationCode(
  options: ExchangeOptions,
  fetchLike: FetchLike,
): Promise<{ refreshToken: string; accessToken: string | null; expiresIn: number | null }> {
  if (options.code.trim() === "")
    throw new AmazonAuthorizationError("invalid_request", "spapi_oauth_code is empty", null);
  const response = await fetchLike(options.tokenEndpoint ?? LWA_TOKEN_ENDPOINT, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8", accept: "application/json" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: options.code,
      redirect_uri: options.redirectUri,
      client_id: options.clientId,
      client_secret: options.clientSecret,
    }).toString(),
    signal: options.signal,
  });
  const text = await response.text();
  let body: {
    refresh_token?: unknown;
    access_token?: unknown;
    expires_in?: unknown;
    error?: unknown;
    error_description?: unknown;
  } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new AmazonAuthorizationError(
      "invalid_response",
      `Login with Amazon answered HTTP ${response.status} with a body that is not JSON`,
      response.status,
    );
  }
  if (!response.ok || typeof body.refresh_token !== "string") {
    const code = typeof body.error === "string" ? body.error : "invalid_response";
    const hints: Record<string, string> = {
      invalid_grant:
        "the authorization code is invalid, was already used, or is older than 5 minutes: start the authorization again",
      invalid_client: "clientId/clientSecret were rejected: check the app's LWA credentials",
      invalid_request: "the request was malformed (is redirect_uri the one the consent used?)",
    };
    const description = typeof body.error_description === "string" ? `: ${body.error_description}` : "";
    throw new AmazonAuthorizationError(
      code,
      `Login with Amazon refused the code (${code}${description}); ${hints[code] ?? "see the LWA documentation"}`,
      response.status,
    );
  }
  return {
    refreshToken: body.refresh_token,
    accessToken: typeof body.access_token === "string" ? body.access_token : null,
    expiresIn: typeof body.expires_in === "number" ? body.expires_in : null,
  };
}
