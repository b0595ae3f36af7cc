/**
 * The connector contract: one `defineConnector` call per channel.
 *
 * A connector validates its settings with zod, proves its credentials with `check`,
 * and offers up to four streams. Each stream reads pages of raw channel records with
 * the checkpoint to resume from after that page, and normalizes one raw record at a
 * time so that a single bad record can be quarantined without failing the run.
 */
import type { z } from "zod";
import { ConfigError } from "./errors.ts";
import type { HttpClient, HttpClientOptions } from "./http/client.ts";
import {
  STREAM_MODELS,
  STREAM_NAMES,
  type ChannelOrder,
  type ChannelRefund,
  type FeeEvent,
  type StreamName,
  type StreamRecord,
} from "./models.ts";
import type { Clock } from "./time.ts";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Everything a connector may use at run time; nothing else from the host leaks in. */
export interface ConnectorContext<Config = unknown, Credentials = unknown> {
  readonly connectorId: string;
  readonly config: Config;
  readonly credentials: Credentials;
  /** Aborted when the run is cancelled; pass it to anything long-running. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly log: Logger;
  /** An HTTP client bound to this run's call budget, counters, clock, cancellation and secrets. */
  http(options: HttpClientOptions): HttpClient;
}

/** One page read from the channel plus the checkpoint that resumes right after it. */
export interface Page<Raw, Checkpoint> {
  records: readonly Raw[];
  checkpoint: Checkpoint;
  /**
   * Share of the run's work done once this page is committed, from 0 to 1, when the connector
   * can tell (windows of a backfill, offset of a total count). Hosts show it as progress; the
   * engine passes it to the sink and never relies on it.
   */
  progress?: number;
}

export interface Schedule {
  /** How often the app should run the stream by default. */
  everyMinutes: number;
}

export interface StreamDefinition<S extends StreamName, Config, Credentials, Raw, Checkpoint extends JsonValue> {
  /**
   * Record model; defaults to the stream's normalized model (`orders` -> `ChannelOrder`, ...).
   * Override only to be stricter, e.g. `ChannelOrder.refine(...)`; the output type cannot change.
   */
  model?: z.ZodType<StreamRecord<S>>;
  /** Field(s) identifying a record within the connection; the sink upserts on them. */
  primaryKey: readonly [keyof StreamRecord<S> & string, ...(keyof StreamRecord<S> & string)[]];
  /** Field whose value only grows as records change; what the checkpoint tracks. */
  cursorField: keyof StreamRecord<S> & string;
  defaultSchedule: Schedule;
  /** Shape of the checkpoint; stored checkpoints are validated against it before reading. */
  checkpointSchema: z.ZodType<Checkpoint>;
  /** Checkpoint of a first run that starts at `since` (UTC ISO). */
  startCheckpoint(since: string): Checkpoint;
  /**
   * Yields pages in cursor order. Each page's checkpoint must resume exactly after the
   * page: re-reading from it never repeats a record and never skips one.
   */
  read(ctx: ConnectorContext<Config, Credentials>, checkpoint: Checkpoint): AsyncIterable<Page<Raw, Checkpoint>>;
  /** Maps one raw record to the normalized model; throw (or return garbage) and it is quarantined. */
  normalize(raw: Raw, ctx: ConnectorContext<Config, Credentials>): StreamRecord<S>;
}

export interface UnsupportedStream {
  supported: false;
  /** Why the channel cannot offer this stream, shown to merchants and engineers. */
  reason: string;
}

/** Declares that the channel does not offer a stream. */
export function notSupported(reason: string): UnsupportedStream {
  if (reason.trim() === "") throw new TypeError("notSupported() needs a reason");
  return { supported: false, reason };
}

export interface CheckResult {
  /** Human-readable account the credentials belong to ("Acme seller 1234"). */
  accountName?: string;
}

/** What a host knows of the app's side of a connection when it reads a merchant's settings. */
export interface SettingsHost {
  /** The merchant's Shopify shop domain (`example.myshopify.com`). */
  shopDomain: string;
}

/**
 * How a host stores one connection of this channel: the one settings object a merchant writes,
 * split into config (stored in clear) and credentials (stored encrypted), the channel account
 * it belongs to, its name, and how far a first sync reaches back.
 */
export interface ConnectionSpec<Config> {
  /** Splits the settings object into config and credentials (both validated afterwards). */
  splitSettings(settings: unknown, host: SettingsHost): { config: unknown; credentials: unknown };
  /** The channel account a connection belongs to (seller id, marketplace shop, shop domain). */
  accountId(config: Config): string;
  /** The connection's name as merchants see it ("Amazon (NA, seller A1B2)"). */
  displayName(config: Config): string;
  /** Calendar months a first (or full) sync reads back from now. */
  backfillMonths(config: Config): number;
}

/** How a channel's normalized records map onto the host's tables, where the channel departs from the models. */
export interface RecordRules {
  /** Channels that report refunds only among financial events (Amazon): which fee rows are refunds, and the refunds. */
  refundsFromFees?: {
    isRefundedCharge(fee: FeeEvent): boolean;
    refundsFrom(fees: readonly FeeEvent[]): ChannelRefund[];
  };
  /** A store channel's copies of marketplace orders (Marketplace Connect): the marketplace an order came from. */
  originOf?(order: ChannelOrder): string | null;
}

/** Validated settings of one run: the host parses them once and the engine trusts them. */
export interface ValidatedSettings<Config = unknown, Credentials = unknown> {
  readonly connectorId: string;
  readonly config: Config;
  readonly credentials: Credentials;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- raw records and checkpoints are connector-private */
export type StreamDefinitions<Config, Credentials> = {
  [S in StreamName]: StreamDefinition<S, Config, Credentials, any, any> | UnsupportedStream;
};
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface ConnectorDefinition<ConfigSchema extends z.ZodType, CredentialsSchema extends z.ZodType> {
  /** Stable lowercase id stored with every record ("amazon", "bestbuy", "acme"). */
  id: string;
  displayName: string;
  /** The channel's name in a sentence ("Best Buy"); the display name when not given. */
  shortName?: string;
  configSchema: ConfigSchema;
  credentialsSchema: CredentialsSchema;
  /** Proves that config + credentials work with one cheap call; throws when they do not. */
  check(ctx: ConnectorContext<z.output<ConfigSchema>, z.output<CredentialsSchema>>): Promise<CheckResult | void>;
  streams: StreamDefinitions<z.output<ConfigSchema>, z.output<CredentialsSchema>>;
  /** How a host stores a connection; required by the app (its registry refuses a connector without it). */
  connection?: ConnectionSpec<z.output<ConfigSchema>>;
  /** Departures of the channel's records from the models, applied by the host's ingest. */
  records?: RecordRules;
}

/** A supported stream as the engine sees it: the definition plus its name and model. */
/* eslint-disable @typescript-eslint/no-explicit-any */
export type ResolvedStream<Config = any, Credentials = any, S extends StreamName = StreamName> = StreamDefinition<
  S,
  Config,
  Credentials,
  any,
  any
> & {
  supported: true;
  name: S;
  model: z.ZodType<StreamRecord<S>>;
};

export interface Connector<Config = any, Credentials = any> {
  readonly id: string;
  readonly displayName: string;
  readonly shortName: string;
  readonly configSchema: z.ZodType<Config>;
  readonly credentialsSchema: z.ZodType<Credentials>;
  check(ctx: ConnectorContext<Config, Credentials>): Promise<CheckResult | void>;
  readonly streams: Readonly<{ [S in StreamName]: ResolvedStream<Config, Credentials, S> | UnsupportedStream }>;
  /** Names of the streams this connector offers. */
  readonly supportedStreams: readonly StreamName[];
  /** Returns the stream or throws if the connector does not offer it. */
  stream<S extends StreamName>(name: S): ResolvedStream<Config, Credentials, S>;
  /** Validates settings; throws `ConfigError` naming each bad field. */
  parseConfig(input: unknown): Config;
  /** Validates credentials; throws `ConfigError` naming each bad field (never its value). */
  parseCredentials(input: unknown): Credentials;
  /** Validates both once for a run; `runSync` and `checkConnection` accept the result as it is. */
  validateSettings(config: unknown, credentials: unknown): ValidatedSettings<Config, Credentials>;
  /** Whether `settings` came from this connector's `validateSettings`. */
  isValidated(settings: unknown): settings is ValidatedSettings<Config, Credentials>;
  readonly connection: ConnectionSpec<Config> | null;
  readonly records: RecordRules;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const ID_PATTERN = /^[a-z][a-z0-9_-]{1,39}$/;

export function defineConnector<ConfigSchema extends z.ZodType, CredentialsSchema extends z.ZodType>(
  definition: ConnectorDefinition<ConfigSchema, CredentialsSchema>,
): Connector<z.output<ConfigSchema>, z.output<CredentialsSchema>> {
  type Config = z.output<ConfigSchema>;
  type Credentials = z.output<CredentialsSchema>;
  const { id } = definition;
  if (!ID_PATTERN.test(id)) throw new TypeError(`Connector id "${id}" must match ${ID_PATTERN}`);

  const streams = {} as Record<StreamName, ResolvedStream<Config, Credentials> | UnsupportedStream>;
  for (const name of STREAM_NAMES) {
    const stream = definition.streams[name];
    if (stream === undefined) {
      throw new TypeError(
        `Connector "${id}" must declare stream "${name}" (use notSupported(reason) if the channel lacks it)`,
      );
    }
    if ("supported" in stream && stream.supported === false) {
      streams[name] = stream;
      continue;
    }
    const defined = stream as StreamDefinition<StreamName, Config, Credentials, unknown, JsonValue>;
    const model = defined.model ?? STREAM_MODELS[name];
    const fields = Object.keys(modelShape(model));
    for (const key of [...defined.primaryKey, defined.cursorField]) {
      if (!fields.includes(key)) throw new TypeError(`Stream "${id}.${name}" refers to unknown field "${key}"`);
    }
    if (!(defined.defaultSchedule.everyMinutes > 0)) {
      throw new TypeError(`Stream "${id}.${name}" needs a positive defaultSchedule.everyMinutes`);
    }
    streams[name] = { ...defined, supported: true, name, model };
  }

  const supportedStreams = STREAM_NAMES.filter((name) => streams[name].supported !== false);
  const parse = <T>(schema: z.ZodType<T>, section: "config" | "credentials", input: unknown): T => {
    const result = schema.safeParse(input);
    if (!result.success) throw ConfigError.fromZod(id, section, result.error);
    return result.data;
  };

  const validated = new WeakSet<object>();
  const parseConfig = (input: unknown) => parse(definition.configSchema as z.ZodType<Config>, "config", input);
  const parseCredentials = (input: unknown) =>
    parse(definition.credentialsSchema as z.ZodType<Credentials>, "credentials", input);

  return Object.freeze({
    id,
    displayName: definition.displayName,
    shortName: definition.shortName ?? definition.displayName,
    configSchema: definition.configSchema as z.ZodType<Config>,
    credentialsSchema: definition.credentialsSchema as z.ZodType<Credentials>,
    check: (ctx: ConnectorContext<Config, Credentials>) => definition.check(ctx),
    // Each key was resolved from the definition under the same key, so the mapped type holds.
    streams: Object.freeze(streams) as Connector<Config, Credentials>["streams"],
    supportedStreams,
    stream<S extends StreamName>(name: S) {
      const stream = streams[name];
      if (stream === undefined || stream.supported === false) {
        const reason = stream?.supported === false ? `: ${stream.reason}` : "";
        throw new TypeError(`Connector "${id}" does not offer stream "${name}"${reason}`);
      }
      // The definition under key S was validated as stream S above.
      return stream as unknown as ResolvedStream<Config, Credentials, S>;
    },
    parseConfig,
    parseCredentials,
    validateSettings(config: unknown, credentials: unknown) {
      const settings = Object.freeze({
        connectorId: id,
        config: parseConfig(config),
        credentials: parseCredentials(credentials),
      });
      validated.add(settings);
      return settings;
    },
    isValidated: (settings: unknown): settings is ValidatedSettings<Config, Credentials> =>
      typeof settings === "object" && settings !== null && validated.has(settings),
    connection: definition.connection ?? null,
    records: Object.freeze({ ...definition.records }),
  });
}

/** Field names of an object model, looking through refinements. */
export function modelShape(model: z.ZodType): Record<string, unknown> {
  const candidate = model as unknown as { shape?: Record<string, unknown>; def?: { in?: z.ZodType } };
  if (candidate.shape) return candidate.shape;
  if (candidate.def?.in) return modelShape(candidate.def.in);
  return {};
}

/** The instant `months` calendar months before `now` (UTC): where a backfill of that many months starts. */
export function monthsBefore(now: number, months: number): number {
  const start = new Date(now);
  start.setUTCMonth(start.getUTCMonth() - months);
  return start.getTime();
}

/** Where a first (or full) sync of a connection starts (UTC ISO), from the connector's backfill window. */
export function backfillStart(connector: Connector, config: unknown, now: number): string | undefined {
  if (!connector.connection) return undefined;
  return new Date(monthsBefore(now, connector.connection.backfillMonths(config))).toISOString();
}
