/** Time helpers: every timestamp the SDK emits is a UTC ISO string with milliseconds. */
import { setTimeout as sleepTimer } from "node:timers/promises";

/** Source of time for rate limiting, backoff and checkpoints; inject one to make tests fast. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with `signal.reason` when the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    if (ms <= 0) {
      signal?.throwIfAborted();
      return;
    }
    await sleepTimer(ms, undefined, { signal }).catch((error: unknown) => {
      throw signal?.aborted ? signal.reason : error;
    });
  },
};

/**
 * A clock that only moves when someone sleeps on it or calls `advance`.
 * Sleeping advances time instantly and yields to the event loop, so a client and a
 * simulator sharing it agree on time while a minute of rate-limit waiting costs nothing.
 * Meant for sequential callers (one sync run); concurrent sleepers each advance time.
 */
export class VirtualClock implements Clock {
  #now: number;
  #slept = 0;

  constructor(start: number | string | Date = Date.UTC(2026, 0, 1)) {
    this.#now = typeof start === "number" ? start : new Date(start).getTime();
  }

  now(): number {
    return this.#now;
  }

  /** Total virtual milliseconds spent sleeping. */
  get sleptMs(): number {
    return this.#slept;
  }

  advance(ms: number): void {
    if (ms > 0) this.#now += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (ms > 0) {
      this.#now += ms;
      this.#slept += ms;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
  }
}

/** Normalizes a channel timestamp (ISO with offset, epoch ms, Date) to "YYYY-MM-DDTHH:mm:ss.sssZ". */
export function utcTimestamp(input: string | number | Date): string {
  const date = input instanceof Date ? input : new Date(input);
  if (Number.isNaN(date.getTime())) throw new RangeError(`"${String(input)}" is not a valid timestamp`);
  return date.toISOString();
}

/** Normalizes epoch seconds (a common wire format) to a UTC ISO string. */
export function utcFromEpochSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) throw new RangeError(`${seconds} is not a valid epoch second`);
  return utcTimestamp(seconds * 1000);
}
