/**
 * The small typed Mirakl seller-API client, on the SDK's HttpClient (token buckets per
 * operation from MIRAKL_RATE_LIMITS, Retry-After, retries, budget, redaction).
 *
 * - Auth: the raw shop API key in `Authorization` (no "Bearer"), `Accept: application/json`.
 * - `shop_id` is sent with every call when the connection names a shop.
 * - A 2xx answer that is not JSON (an HTML login or firewall page, seen when the caller's
 *   IP is not allow-listed or baseUrl points at the storefront) becomes a clear
 *   `ConnectorHttpError` of kind "invalid_response", never a parse crash.
 * - Export files on another origin (signed storage URLs) are fetched without the API key.
 */
import {
  ConnectorHttpError,
  type ConnectorContext,
  type HttpClient,
  type HttpRequest,
} from "@crosschannel/connector-sdk";
import {
  MIRAKL_RATE_LIMITS,
  type MiraklAccount,
  type MiraklAsyncExportCreated,
  type MiraklAsyncExportStatus,
  type MiraklExportChunk,
  type MiraklOfferList,
  type MiraklOperation,
  type MiraklOrderList,
  type MiraklTransactionPage,
} from "./wire.ts";

export interface MiraklConnection {
  baseUrl: string;
  apiKey: string;
  shopId?: string | undefined;
}

type Query = NonNullable<HttpRequest["query"]>;

export type OrderTaxMode = "TAX_INCLUDED" | "TAX_EXCLUDED";

export interface ListOrdersParams {
  start_update_date?: string;
  end_update_date?: string;
  start_date?: string;
  end_date?: string;
  order_ids?: string;
  order_state_codes?: string;
  order_tax_mode: OrderTaxMode;
  offset: number;
  max: number;
  sort?: "dateCreated";
  order?: "asc" | "desc";
}

export interface OrderExportParams {
  start_update_date: string;
  end_update_date: string;
  megabytes_per_chunk?: number;
}

export interface OfferExportParams {
  /** Differential export: only offers changed since; full export when absent. */
  last_request_date?: string;
  include_inactive_offers: boolean;
  export_type: "application/json";
  items_per_chunk?: number;
}

export interface TransactionLogParams {
  last_updated_from?: string;
  sort: "lastUpdated";
  limit: number;
  page_token?: string;
}

/**
 * Mirakl's hosted instances (*.mirakl.net) and Best Buy's own instance hosts: Canada's is
 * marketplace.bestbuy.ca (docs/channel-bestbuy.md); the US URL is not public, so Best Buy's
 * domains are allowed for it. Any other host needs the app's network policy (extraHosts).
 */
export const MIRAKL_HOSTS = ["*.mirakl.net", "marketplace.bestbuy.ca", "*.bestbuy.ca", "*.bestbuy.com"] as const;

const HTML_HINT =
  "Best Buy answered with an HTML page instead of JSON: check that baseUrl is the Mirakl API host " +
  "(e.g. https://marketplace.bestbuy.ca, not the storefront) and that this server's IP is allow-listed by Best Buy";

export class MiraklClient {
  readonly #api: HttpClient;
  readonly #files: HttpClient;
  readonly #origin: string;
  readonly #shopId: string | undefined;

  constructor(api: HttpClient, files: HttpClient, connection: Pick<MiraklConnection, "baseUrl" | "shopId">) {
    this.#api = api;
    this.#files = files;
    this.#origin = new URL(connection.baseUrl).origin;
    this.#shopId = connection.shopId;
  }

  /** A client bound to a run: its budget, clock, cancellation and secret redaction. */
  static forRun(
    ctx: Pick<ConnectorContext, "http">,
    connection: MiraklConnection,
    overrides: { timeoutMs?: number } = {},
  ): MiraklClient {
    const common = {
      baseUrl: connection.baseUrl,
      allowedHosts: MIRAKL_HOSTS,
      rateLimits: MIRAKL_RATE_LIMITS,
      timeoutMs: overrides.timeoutMs ?? 60_000,
      maxRetries: 5,
      maxRetryAfterMs: 10 * 60_000,
    };
    const api = ctx.http({
      ...common,
      headers: { authorization: connection.apiKey, accept: "application/json" },
    });
    const files = ctx.http({ ...common, headers: { accept: "application/json" } });
    return new MiraklClient(api, files, connection);
  }

  /** A01: the shop the key belongs to. */
  account(): Promise<MiraklAccount> {
    return this.#json<MiraklAccount>({ operation: "A01", path: "api/account" });
  }

  /** OR11: one page of orders. */
  listOrders(params: ListOrdersParams): Promise<MiraklOrderList> {
    return this.#json<MiraklOrderList>({
      operation: "OR11",
      path: "api/orders",
      query: { ...params, paginate: true } satisfies Query,
    });
  }

  /** OR13: starts an asynchronous export of orders (≤ 1 year, one at a time). */
  createOrderExport(params: OrderExportParams): Promise<MiraklAsyncExportCreated> {
    return this.#json<MiraklAsyncExportCreated>({
      operation: "OR13",
      method: "POST",
      path: "api/orders/async-export",
      body: params,
    });
  }

  /** OR14: status of an order export. */
  orderExportStatus(trackingId: string): Promise<MiraklAsyncExportStatus> {
    return this.#json<MiraklAsyncExportStatus>({
      operation: "OR14",
      path: `api/orders/async-export/status/${encodeURIComponent(trackingId)}`,
    });
  }

  /** OF21: one page of offers. */
  listOffers(params: { offset: number; max: number }): Promise<MiraklOfferList> {
    return this.#json<MiraklOfferList>({ operation: "OF21", path: "api/offers", query: params });
  }

  /** OF52: starts an asynchronous export of offers. */
  createOfferExport(params: OfferExportParams): Promise<MiraklAsyncExportCreated> {
    return this.#json<MiraklAsyncExportCreated>({
      operation: "OF52",
      method: "POST",
      path: "api/offers/export/async",
      body: params,
    });
  }

  /** OF53: status of an offer export. */
  offerExportStatus(trackingId: string): Promise<MiraklAsyncExportStatus> {
    return this.#json<MiraklAsyncExportStatus>({
      operation: "OF53",
      path: `api/offers/export/async/status/${encodeURIComponent(trackingId)}`,
    });
  }

  /** Downloads one chunk of a completed OR13 or OF52 export. */
  async downloadChunk<T>(operation: "OR14_DOWNLOAD" | "OF54_DOWNLOAD", url: string): Promise<MiraklExportChunk<T>> {
    const sameOrigin = new URL(url, `${this.#origin}/`).origin === this.#origin;
    const body = await this.#json<unknown>({ operation, path: url }, sameOrigin ? this.#api : this.#files);
    if (!Array.isArray(body)) {
      throw this.#invalid(operation, "GET", url, "an export chunk must be a JSON array of records", body);
    }
    return body as MiraklExportChunk<T>;
  }

  /** TL02: one seek page of transaction logs. */
  transactionLogs(params: TransactionLogParams): Promise<MiraklTransactionPage> {
    return this.#json<MiraklTransactionPage>({
      operation: "TL02",
      path: "api/sellerpayment/transactions_logs",
      query: { ...params } satisfies Query,
    });
  }

  async #json<T>(request: HttpRequest & { operation: MiraklOperation }, client: HttpClient = this.#api): Promise<T> {
    const query: Query = { ...request.query };
    if (this.#shopId !== undefined && client === this.#api) query.shop_id = this.#shopId;
    let response;
    try {
      response = await client.request<unknown>({ ...request, query });
    } catch (error) {
      // HTML served as application/json (some firewalls do): the toolkit could not parse it.
      if (error instanceof ConnectorHttpError && error.kind === "invalid_response" && /^\s*</.test(error.body ?? "")) {
        throw this.#invalid(request.operation, request.method ?? "GET", request.path, HTML_HINT, error.body);
      }
      throw error;
    }
    const body = response.body;
    if (typeof body === "string") {
      const text = body.trim();
      if (/^</.test(text))
        throw this.#invalid(request.operation, request.method ?? "GET", request.path, HTML_HINT, text);
      try {
        return JSON.parse(text) as T;
      } catch {
        throw this.#invalid(
          request.operation,
          request.method ?? "GET",
          request.path,
          "Best Buy answered with a body that is not JSON",
          text,
        );
      }
    }
    if (body === null || typeof body !== "object") {
      throw this.#invalid(
        request.operation,
        request.method ?? "GET",
        request.path,
        "Best Buy answered with an empty or non-object body",
        body,
      );
    }
    return body as T;
  }

  #invalid(operation: string, method: string, path: string, message: string, body: unknown): ConnectorHttpError {
    const text = typeof body === "string" ? body : JSON.stringify(body ?? null);
    return new ConnectorHttpError(
      {
        kind: "invalid_response",
        operation,
        method,
        url: path.startsWith("http") ? new URL(path).pathname : path,
        status: 200,
        attempts: 1,
        body: text.length > 512 ? `${text.slice(0, 512)}…[truncated]` : text,
      },
      `${operation}: ${message}`,
    );
  }
}
