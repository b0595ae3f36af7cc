import type { Clock } from "../time.ts";

/** A channel's documented limit for one operation: sustained rate and burst. */
export interface RateLimit {
  /** Requests restored per second (e.g. Amazon getOrders: 0.0167). */
  ratePerSecond: number;
  /** Bucket size: requests allowed back to back from a full bucket. */
  burst: number;
}

export function assertRateLimit(limit: RateLimit, label: string): void {
  if (!(limit.ratePerSecond > 0) || !Number.isFinite(limit.ratePerSecond)) {
    throw new RangeError(`${label}: ratePerSecond must be a positive number, got ${limit.ratePerSecond}`);
  }
  if (!Number.isInteger(limit.burst) || limit.burst < 1) {
    throw new RangeError(`${label}: burst must be an integer >= 1, got ${limit.burst}`);
  }
}

/**
 * Token bucket with FIFO waiters. Starts full, refills continuously, and can be
 * paused until a moment (a server's Retry-After) so no call goes out before it.
 */
export class TokenBucket {
  readonly limit: RateLimit;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;
  #pausedUntil = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(limit: RateLimit, clock: Clock) {
    assertRateLimit(limit, "TokenBucket");
    this.limit = limit;
    this.#clock = clock;
    this.#tokens = limit.burst;
    this.#updatedAt = clock.now();
  }

  /** Tokens available now (fractional). */
  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Waits for a token and takes it. Resolves to the milliseconds spent waiting. */
  take(signal?: AbortSignal): Promise<number> {
    const turn = this.#queue.then(() => this.#takeInTurn(signal));
    // A rejected waiter (abort) must not block the ones behind it.
    this.#queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /**
   * Nobody gets a token before `until` (epoch ms); then exactly one is available and
   * the bucket refills at its rate, because a 429 means the server's bucket is emptier
   * than ours.
   */
  pauseUntil(until: number): void {
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.#tokens = 0;
    this.#updatedAt = until - 1000 / this.limit.ratePerSecond;
  }

  async #takeInTurn(signal?: AbortSignal): Promise<number> {
    let waited = 0;
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#clock.now();
      if (now < this.#pausedUntil) {
        const wait = this.#pausedUntil - now;
        waited += wait;
        await this.#clock.sleep(wait, signal);
        continue;
      }
      this.#refill();
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return waited;
      }
      const wait = Math.ceil(((1 - this.#tokens) / this.limit.ratePerSecond) * 1000);
      waited += wait;
      await this.#clock.sleep(wait, signal);
    }
  }

  #refill(): void {
    const now = this.#clock.now();
    if (now <= this.#updatedAt) return;
    const restored = ((now - this.#updatedAt) / 1000) * this.limit.ratePerSecond;
    this.#tokens = Math.min(this.limit.burst, this.#tokens + restored);
    this.#updatedAt = now;
  }
}
