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
  #limit: RateLimit;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;
  #pausedUntil = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(limit: RateLimit, clock: Clock) {
    assertRateLimit(limit, "TokenBucket");
    this.#limit = limit;
    this.#clock = clock;
    this.#tokens = limit.burst;
    this.#updatedAt = clock.now();
  }

  /** The limit the bucket paces at now (the documented one, or the rate the channel announced). */
  get limit(): RateLimit {
    return this.#limit;
  }

  /** Tokens available now (fractional). */
  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  /**
   * Milliseconds until a token is available (0 when one is), without taking it: lets a
   * connector schedule calls (and its other waits) around the limit instead of blocking.
   * Waiters already queued are not counted.
   */
  get waitMs(): number {
    const now = this.#clock.now();
    if (now < this.#pausedUntil) return this.#pausedUntil - now;
    this.#refill();
    if (this.#tokens >= 1) return 0;
    return Math.ceil(((1 - this.#tokens) / this.#limit.ratePerSecond) * 1000);
  }

  /**
   * Paces at another sustained rate from now on (tokens gained so far are kept; the burst
   * does not change). Used when the channel announces the rate it grants this caller.
   */
  setRate(ratePerSecond: number): void {
    if (ratePerSecond === this.#limit.ratePerSecond) return;
    assertRateLimit({ ratePerSecond, burst: this.#limit.burst }, "TokenBucket.setRate");
    this.#refill();
    this.#limit = { ratePerSecond, burst: this.#limit.burst };
    // Paused after a 429: still exactly one token when the pause ends, at the new rate.
    if (this.#updatedAt > this.#clock.now()) this.#updatedAt = this.#pausedUntil - 1000 / ratePerSecond;
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
    this.#updatedAt = until - 1000 / this.#limit.ratePerSecond;
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
      const wait = Math.ceil(((1 - this.#tokens) / this.#limit.ratePerSecond) * 1000);
      waited += wait;
      await this.#clock.sleep(wait, signal);
    }
  }

  #refill(): void {
    const now = this.#clock.now();
    if (now <= this.#updatedAt) return;
    const restored = ((now - this.#updatedAt) / 1000) * this.#limit.ratePerSecond;
    this.#tokens = Math.min(this.#limit.burst, this.#tokens + restored);
    this.#updatedAt = now;
  }
}
