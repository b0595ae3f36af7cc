/**
 * One error type per boundary:
 * - `ConfigError`: connection settings or credentials a human must fix.
 * - `ConnectorHttpError`: a call to the channel failed (status, operation, redacted body kept).
 * - `CheckpointError`: a stored checkpoint no longer matches what the stream expects.
 */
import type { z } from "zod";

export interface ConfigIssue {
  /** Dotted path of the offending field, e.g. "credentials.apiKey". */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly connectorId: string;
  readonly issues: readonly ConfigIssue[];

  constructor(connectorId: string, issues: readonly ConfigIssue[], options?: ErrorOptions) {
    super(ConfigError.describe(connectorId, issues), options);
    this.connectorId = connectorId;
    this.issues = issues;
  }

  static fromZod(connectorId: string, section: "config" | "credentials", error: z.ZodError): ConfigError {
    const issues = error.issues.map((issue) => ({
      path: [section, ...issue.path.map(String)].join("."),
      message: issue.message,
    }));
    return new ConfigError(connectorId, issues, { cause: error });
  }

  private static describe(connectorId: string, issues: readonly ConfigIssue[]): string {
    const details = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    return `Invalid settings for connector "${connectorId}" (${details}). Fix these fields in the connection settings and retry.`;
  }
}

export type HttpErrorKind =
  /** 401/403: credentials revoked, expired or missing a scope. */
  | "auth"
  /** 429 still returned after every allowed retry. */
  | "rate_limited"
  /** 5xx still returned after every allowed retry. */
  | "server"
  /** Any other non-success status (not retried). */
  | "client"
  /** No response within the timeout after every allowed retry. */
  | "timeout"
  /** Connection refused/reset after every allowed retry. */
  | "network"
  /** The run's call budget is spent. */
  | "budget_exhausted"
  /** The channel answered 2xx with a body that could not be read. */
  | "invalid_response";

export interface ConnectorHttpErrorDetails {
  kind: HttpErrorKind;
  operation: string;
  method: string;
  /** Request URL with secrets redacted. */
  url: string;
  status: number | null;
  attempts: number;
  /** Response body with secrets redacted, truncated. */
  body: string | null;
  retryAfterMs?: number | null;
}

export class ConnectorHttpError extends Error {
  override readonly name = "ConnectorHttpError";
  readonly kind: HttpErrorKind;
  readonly operation: string;
  readonly method: string;
  readonly url: string;
  readonly status: number | null;
  readonly attempts: number;
  readonly body: string | null;
  readonly retryAfterMs: number | null;

  constructor(details: ConnectorHttpErrorDetails, message?: string, options?: ErrorOptions) {
    super(message ?? ConnectorHttpError.describe(details), options);
    this.kind = details.kind;
    this.operation = details.operation;
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    this.attempts = details.attempts;
    this.body = details.body;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }

  /** The same error with a more specific message (details unchanged). */
  withMessage(message: string): ConnectorHttpError {
    return new ConnectorHttpError(this.toJSON(), `${this.operation}: ${message}`, { cause: this.cause });
  }

  /** Serializable view for logs and job results; already redacted. */
  toJSON(): ConnectorHttpErrorDetails & { name: string; message: string } {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      operation: this.operation,
      method: this.method,
      url: this.url,
      status: this.status,
      attempts: this.attempts,
      body: this.body,
      retryAfterMs: this.retryAfterMs,
    };
  }

  private static describe(details: ConnectorHttpErrorDetails): string {
    const status = details.status === null ? "" : ` with HTTP ${details.status}`;
    const tries = details.attempts === 1 ? "1 attempt" : `${details.attempts} attempts`;
    return `${details.operation} (${details.method} ${details.url}) failed${status}: ${details.kind} after ${tries}`;
  }
}

export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
  readonly stream: string;

  constructor(stream: string, message: string, options?: ErrorOptions) {
    super(`Checkpoint of stream "${stream}" is unusable: ${message}`, options);
    this.stream = stream;
  }
}
