/**
 * What the conformance suite needs from a channel simulator: a running server, the
 * settings that point a connector at it, and the records a correct connector must
 * produce for each stream.
 */
import type { StreamName } from "../models.ts";
import type { VirtualClock } from "../time.ts";
import type { SimulatorServer } from "./server.ts";

export interface ConnectorSimulator<Config = unknown, Credentials = unknown> {
  /** Shared by the simulator and the runs under test, so waiting costs no real time. */
  readonly clock: VirtualClock;
  readonly server: SimulatorServer;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Valid connection settings pointing at the running server. */
  config(): Config;
  credentials(): Credentials;
  /** Every record a full read of the stream must yield, normalized, in any order. */
  expectedRecords(stream: StreamName): unknown[];
  /** The channel's documented rate limit per operation, as the simulator enforces it. */
  readonly rateLimits: Readonly<Record<string, { ratePerSecond: number; burst: number }>>;
}

/** Creates a fresh, not yet started simulator (one per test keeps tests independent). */
export type SimulatorFactory<Config = unknown, Credentials = unknown> = () => ConnectorSimulator<Config, Credentials>;
