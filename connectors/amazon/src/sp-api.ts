/**
 * How the connector talks to the Selling Partner API.
 *
 * Choice: `amazon-sp-api` builds the requests, the SDK's toolkit sends them.
 * - `amazon-sp-api` (1.2.1) is instantiated with explicit `endpoints_versions` and with every
 *   automatic behaviour off (`auto_request_tokens`, `auto_request_throttled`,
 *   `retry_remote_timeout`, `version_fallback`). Its operation catalogue turns an operation
 *   name + parameters into method, versioned path and encoded path parameters
 *   (`sp.endpoints[endpoint][version][operation]`), so paths and versions come from the
 *   library, never from hand-written URLs.
 * - The request is then sent by `ctx.http` (the SDK's HttpClient): per-operation token
 *   buckets with Amazon's documented rates (then the rate Amazon announces in
 *   `x-amzn-RateLimit-Limit`, with the documented burst), Retry-After, bounded retries with jittered
 *   backoff, timeouts, the run's call budget and counters, redacted errors. The library's
 *   own transport (fixed hosts, port 443, unbounded retries, no HTTP status in errors) is
 *   never used, which is also how the connector reaches any SP-API-compatible base URL
 *   (`config.endpoint`: the simulator, Amazon's sandbox) over http or https.
 * - Login with Amazon goes through the same toolkit (`config.tokenEndpoint`); the access token
 *   is cached for its lifetime and refreshed once on a 403 "access token expired".
 * - Report documents are pre-signed S3 URLs with gzip bytes. The HttpClient decodes bodies
 *   as UTF-8 text, which would corrupt gzip, so `download` sends that one request itself while
 *   keeping the toolkit's semantics: the run's budget and counters, an SDK TokenBucket,
 *   a timeout, bounded retries with backoff on the run's clock, and ConnectorHttpError.
 */
import { createRequire } from "node:module";
import { gunzipSync } from "node:zlib";
import {
  ConnectorHttpError,
  TokenBucket,
  type ConnectorContext,
  type HttpClient,
  type HttpErrorKind,
} from "@crosschannel/connector-sdk";
import {
  AMAZON_RATE_LIMITS,
  CLIENT_ONLY_RATE_LIMITS,
  LWA_TOKEN_ENDPOINT,
  SP_API_ENDPOINTS,
  type AmazonRegion,
  type LwaTokenResponse,
} from "./wire.ts";

/** Settings the client needs (the connector's config and credentials). */
export interface SpApiSettings {
  region: AmazonRegion;
  endpoint?: string | undefined;
  tokenEndpoint?: string | undefined;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** API versions, set explicitly: without them the library picks the oldest version having the operation. */
export const ENDPOINT_VERSIONS = {
  orders: "2026-01-01",
  reports: "2021-06-30",
  fbaInventory: "v1",
  listingsItems: "2021-08-01",
  finances: "v0",
  sellers: "v1",
} as const;
export type SpApiEndpoint = keyof typeof ENDPOINT_VERSIONS;

interface LibraryParams {
  path?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
}
interface LibraryRequest extends LibraryParams {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  api_path: string;
}
interface SellingPartnerInstance {
  readonly endpoints: Record<
    string,
    Record<string, Record<string, ((params: LibraryParams) => LibraryRequest) | undefined>>
  >;
}
type SellingPartnerConstructor = new (config: Record<string, unknown>) => SellingPartnerInstance;

const requireCjs = createRequire(import.meta.url);
const { SellingPartner } = requireCjs("amazon-sp-api") as { SellingPartner: SellingPartnerConstructor };

/** Where SP-API announces the sustained rate (requests per second) it grants for the operation called. */
export const RATE_LIMIT_HEADER = "x-amzn-RateLimit-Limit";
const TIMEOUT_MS = 30_000;
const MAX_RETRIES = 5;
const DOWNLOAD_TIMEOUT_MS = 120_000;
/** Refresh the access token this long before Amazon says it expires. */
const TOKEN_MARGIN_MS = 60_000;

export type AmazonContext<C extends SpApiSettings = SpApiSettings> = ConnectorContext<
  Omit<C, "clientId" | "clientSecret" | "refreshToken">,
  Pick<C, "clientId" | "clientSecret" | "refreshToken">
>;

/** Builds the library instance: explicit versions, every automatic retry or refresh off. */
export function createSellingPartner(settings: SpApiSettings): SellingPartnerInstance {
  return new SellingPartner({
    region: settings.region,
    refresh_token: settings.refreshToken,
    credentials: {
      SELLING_PARTNER_APP_CLIENT_ID: settings.clientId,
      SELLING_PARTNER_APP_CLIENT_SECRET: settings.clientSecret,
    },
    endpoints_versions: { ...ENDPOINT_VERSIONS },
    options: {
      auto_request_tokens: false,
      auto_request_throttled: false,
      retry_remote_timeout: false,
      version_fallback: false,
      debug_log: false,
      timeouts: { response: TIMEOUT_MS, idle: TIMEOUT_MS, deadline: DOWNLOAD_TIMEOUT_MS },
    },
  });
}

/** Query values as SP-API expects them: arrays comma-separated, absent values dropped. */
export function encodeQuery(query: Record<string, unknown> | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) out[key] = value.map(String).join(",");
    else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out[key] = value;
    else throw new TypeError(`query parameter ${key} must be a scalar or an array`);
  }
  return out;
}

/** SP-API's documented regional endpoints (production and sandbox). */
export const SP_API_HOSTS = [
  "sellingpartnerapi-na.amazon.com",
  "sellingpartnerapi-eu.amazon.com",
  "sellingpartnerapi-fe.amazon.com",
  "sandbox.sellingpartnerapi-na.amazon.com",
  "sandbox.sellingpartnerapi-eu.amazon.com",
  "sandbox.sellingpartnerapi-fe.amazon.com",
] as const;
/**
 * Where getReportDocument's pre-signed URLs point: Amazon's report buckets on S3 per region, and
 * the SP-API sandbox's static documents
 * (https://developer-docs.amazon.com/sp-api/docs/reports-api-v2021-06-30-reference#reportdocument).
 */
export const AMAZON_REPORT_DOCUMENT_HOSTS = [
  "tortuga-prod-na.s3-external-1.amazonaws.com",
  "tortuga-prod-na.s3.amazonaws.com",
  "tortuga-prod-eu.s3-eu-west-1.amazonaws.com",
  "tortuga-prod-eu.s3.eu-west-1.amazonaws.com",
  "tortuga-prod-fe.s3-us-west-2.amazonaws.com",
  "tortuga-prod-fe.s3.us-west-2.amazonaws.com",
  "d34o8swod1owfl.cloudfront.net",
] as const;
/** Login with Amazon's token endpoint. */
export const LWA_HOSTS = ["api.amazon.com"] as const;
/** A report document larger than this once gunzipped is refused (a decompression bomb). */
export const MAX_REPORT_BYTES = 1024 * 1024 * 1024;

export class SpApi {
  readonly #ctx: ConnectorContext;
  readonly #settings: SpApiSettings;
  readonly #library: SellingPartnerInstance;
  readonly #api: HttpClient;
  readonly #lwa: HttpClient;
  readonly #downloadBucket: TokenBucket;
  #token: { value: string; expiresAt: number } | null = null;

  constructor(ctx: ConnectorContext, settings: SpApiSettings) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#library = createSellingPartner(settings);
    const rateLimits = { ...AMAZON_RATE_LIMITS, ...CLIENT_ONLY_RATE_LIMITS };
    this.#api = ctx.http({
      baseUrl: settings.endpoint ?? SP_API_ENDPOINTS[settings.region],
      allowedHosts: SP_API_HOSTS,
      rateLimits,
      // Amazon announces the rate it grants the app per operation; the client paces at it.
      rateLimitHeader: RATE_LIMIT_HEADER,
      timeoutMs: TIMEOUT_MS,
      maxRetries: MAX_RETRIES,
      headers: { "user-agent": "Crosschannel/0.1 (Language=TypeScript; amazon-sp-api/1.2.1 request builder)" },
    });
    this.#lwa = ctx.http({
      baseUrl: settings.tokenEndpoint ?? LWA_TOKEN_ENDPOINT,
      allowedHosts: LWA_HOSTS,
      rateLimits,
      timeoutMs: TIMEOUT_MS,
      maxRetries: MAX_RETRIES,
    });
    this.#downloadBucket = new TokenBucket(CLIENT_ONLY_RATE_LIMITS.downloadReportDocument, ctx.clock);
  }

  /** The HTTP client of SP-API calls (its counters and budget are the run's). */
  get http(): HttpClient {
    return this.#api;
  }

  /** A Login with Amazon access token, cached until shortly before it expires. */
  async accessToken(): Promise<string> {
    const now = this.#ctx.clock.now();
    if (this.#token && now < this.#token.expiresAt) return this.#token.value;
    const tokenUrl = this.#settings.tokenEndpoint ?? LWA_TOKEN_ENDPOINT;
    let answer: LwaTokenResponse;
    try {
      const response = await this.#lwa.request<LwaTokenResponse>({
        operation: "lwaToken",
        method: "POST",
        path: tokenUrl,
        headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: this.#settings.refreshToken,
          client_id: this.#settings.clientId,
          client_secret: this.#settings.clientSecret,
        }).toString(),
      });
      answer = response.body;
    } catch (error) {
      throw explainLwaError(error);
    }
    if (!answer || typeof answer.access_token !== "string") {
      throw new ConnectorHttpError(
        {
          kind: "invalid_response",
          operation: "lwaToken",
          method: "POST",
          url: tokenUrl,
          status: 200,
          attempts: 1,
          body: null,
        },
        "Login with Amazon answered without an access_token",
      );
    }
    const lifetimeMs = (Number(answer.expires_in) || 3600) * 1000;
    this.#token = { value: answer.access_token, expiresAt: now + Math.max(0, lifetimeMs - TOKEN_MARGIN_MS) };
    return answer.access_token;
  }

  /**
   * Calls one SP-API operation: the library builds the request, the toolkit sends it.
   * A 403 "access token expired" refreshes the token once and retries once.
   */
  async call<T>(endpoint: SpApiEndpoint, operation: string, params: LibraryParams = {}): Promise<T> {
    const version = ENDPOINT_VERSIONS[endpoint];
    const build = this.#library.endpoints[endpoint]?.[version]?.[operation];
    if (!build) throw new TypeError(`amazon-sp-api has no operation ${endpoint}.${operation} in version ${version}`);
    // The library mutates and encodes what it is given: hand it copies.
    const request = build({
      path: params.path ? { ...params.path } : undefined,
      query: params.query ? { ...params.query } : undefined,
      body: params.body,
    });
    for (let refreshed = false; ; refreshed = true) {
      const token = await this.accessToken();
      try {
        const response = await this.#api.request<T>({
          operation,
          method: request.method,
          path: request.api_path,
          query: encodeQuery(request.query),
          body: request.body,
          headers: { "x-amz-access-token": token },
        });
        return response.body;
      } catch (error) {
        if (
          !refreshed &&
          error instanceof ConnectorHttpError &&
          error.status === 403 &&
          /access token.*expired/i.test(error.body ?? "")
        ) {
          this.#token = null;
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * Downloads a report document (pre-signed URL, no SP-API auth) and gunzips it.
   * Same semantics as the toolkit: budget, counters, token bucket, timeout, bounded retries.
   */
  async download(url: string, compressionAlgorithm: string | undefined): Promise<string> {
    const ctx = this.#ctx;
    const { stats, budget } = this.#api;
    const operation = "downloadReportDocument";
    const perOperation = stats.operation(operation);
    const safeUrl = url.split("?")[0] ?? url;
    const fail = (
      kind: HttpErrorKind,
      attempts: number,
      status: number | null,
      body: string | null,
      cause?: unknown,
    ) => {
      stats.failures += 1;
      return new ConnectorHttpError(
        { kind, operation, method: "GET", url: safeUrl, status, attempts, body },
        undefined,
        cause === undefined ? undefined : { cause },
      );
    };
    for (let attempt = 1; ; attempt += 1) {
      stats.rateLimitWaitMs += await this.#downloadBucket.take(ctx.signal);
      if (!budget.tryTake()) throw fail("budget_exhausted", attempt - 1, null, null);
      stats.calls += 1;
      perOperation.calls += 1;
      const canRetry = attempt <= MAX_RETRIES;
      const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
      let retryKind: HttpErrorKind;
      let retryStatus: number | null = null;
      let retryBody: string | null = null;
      let cause: unknown;
      try {
        // Same host checks as SP-API requests (documented document hosts, each redirect hop), no auth.
        const answer = await this.#api.fetchStorage(url, AMAZON_REPORT_DOCUMENT_HOSTS, {
          signal: AbortSignal.any([ctx.signal, timeout]),
        });
        if (answer.type === "refused") throw fail("client", attempt, answer.status, null).withMessage(answer.message);
        if (answer.type === "too_large") {
          throw fail("invalid_response", attempt, answer.status, null).withMessage(
            `${operation}: the report document is larger than the run's response cap; refused`,
          );
        }
        const { response } = answer;
        const bytes = answer.body;
        if (response.ok) {
          try {
            const content =
              compressionAlgorithm === "GZIP" ? gunzipSync(bytes, { maxOutputLength: MAX_REPORT_BYTES }) : bytes;
            // Counted after decompression, like the toolkit's other responses.
            stats.bytes += content.byteLength;
            return content.toString("utf8");
          } catch (error) {
            throw fail("invalid_response", attempt, response.status, null, error);
          }
        }
        stats.bytes += bytes.byteLength;
        const body = bytes.toString("utf8").slice(0, 2_000);
        if (response.status < 500 && response.status !== 429) {
          // 403 from S3: the 5-minute pre-signed URL expired; the caller asks for a new one.
          throw fail(
            response.status === 401 || response.status === 403 ? "auth" : "client",
            attempt,
            response.status,
            body,
          );
        }
        retryKind = response.status === 429 ? "rate_limited" : "server";
        retryStatus = response.status;
        retryBody = body;
      } catch (error) {
        if (error instanceof ConnectorHttpError) throw error;
        if (ctx.signal.aborted) throw ctx.signal.reason;
        retryKind = timeout.aborted ? "timeout" : "network";
        if (retryKind === "timeout") stats.timeouts += 1;
        cause = error;
      }
      if (!canRetry) throw fail(retryKind, attempt, retryStatus, retryBody, cause);
      if (retryKind === "rate_limited") {
        stats.throttled += 1;
        perOperation.throttled += 1;
      }
      stats.retried += 1;
      perOperation.retried += 1;
      const ceiling = Math.min(30_000, 500 * 2 ** (attempt - 1));
      await ctx.clock.sleep(Math.max(1, Math.round(Math.random() * ceiling)), ctx.signal);
    }
  }
}

/** Turns Login with Amazon refusals into auth errors that say what to fix. */
export function explainLwaError(error: unknown): unknown {
  if (!(error instanceof ConnectorHttpError) || (error.status !== 400 && error.status !== 401)) return error;
  let code = "";
  try {
    code = String((JSON.parse(error.body ?? "{}") as { error?: unknown }).error ?? "");
  } catch {
    code = "";
  }
  const reasons: Record<string, string> = {
    invalid_grant:
      "Login with Amazon rejected the refresh token (invalid_grant): it was revoked, has expired (apps are re-authorized every 365 days), or was issued to another app. Authorize the app again in Seller Central.",
    invalid_client:
      "Login with Amazon rejected the app's clientId/clientSecret (invalid_client): copy them again from the LWA credentials of the app in the Developer Console.",
    unauthorized_client:
      "Login with Amazon says this app may not use the refresh token (unauthorized_client): the token belongs to another application.",
  };
  const message = reasons[code];
  if (message === undefined) return error;
  return new ConnectorHttpError({ ...error.toJSON(), kind: "auth" }, message, { cause: error });
}
