/**
 * @crosschannel/connector-sdk: everything needed to add a sales channel to Crosschannel.
 *
 * - Contract: `defineConnector`, `notSupported`
 * - Normalized models: `ChannelOrder` (with `ChannelRefund` and `ChannelCancellation` rows), `ChannelListing`,
 *   `InventoryLevel`, `FeeEvent`, ...
 * - HTTP toolkit: `HttpClient` (rate limits, retries, budget, counters, redacted errors)
 * - Sync engine: `runSync`, `checkConnection`, `RecordSink`, `MemorySink`
 * - Helpers: decimal-string money, UTC timestamps, clocks, redaction
 *
 * The conformance suite lives in `@crosschannel/connector-sdk/testing` and the
 * simulator kit in `@crosschannel/connector-sdk/simulator`.
 */
export * from "./models.ts";
export * from "./decimal.ts";
export * from "./time.ts";
export * from "./errors.ts";
export * from "./redact.ts";
export {
  backfillStart,
  defineConnector,
  monthsBefore,
  notSupported,
  modelShape,
  silentLogger,
  type CheckResult,
  type ConnectionSpec,
  type Connector,
  type ConnectorContext,
  type ConnectorDefinition,
  type JsonValue,
  type Logger,
  type Page,
  type RecordRules,
  type ResolvedStream,
  type SettingsHost,
  type Schedule,
  type StreamDefinition,
  type StreamDefinitions,
  type UnsupportedStream,
  type ValidatedSettings,
} from "./connector.ts";
export {
  CallBudget,
  DEFAULT_MAX_RESPONSE_BYTES,
  hostMatches,
  HttpClient,
  HttpStats,
  isLoopbackHost,
  refusedHost,
  parseRetryAfter,
  type BackoffPolicy,
  type NetworkPolicy,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type HttpRuntime,
  type HttpStatsSnapshot,
  type OperationStats,
  type StorageAnswer,
} from "./http/client.ts";
export { TokenBucket, type RateLimit } from "./http/token-bucket.ts";
export {
  checkConnection,
  createRunContext,
  runSync,
  type CheckOutcome,
  type HttpOverrides,
  type RunContextOptions,
  type SyncOptions,
  type SyncRunResult,
  type SyncStatus,
} from "./sync/engine.ts";
export {
  MemorySink,
  primaryKeyOf,
  type QuarantinedRecord,
  type RecordSink,
  type SinkPage,
  type StreamKey,
} from "./sync/sink.ts";
