/**
 * Wall clock mode for channel simulators: instead of a world frozen at `asOf` on a
 * VirtualClock, a simulator given a `clock` (the SDK's `systemClock` in the demo) shows the
 * dataset as it stands at `clock.now()`, refreshing its view lazily when a request arrives
 * and the view is older than `maxAgeMs` (or on a timer), so orders placed since appear and
 * move through their lifecycle.
 */
import { VirtualClock, type Clock } from "../time.ts";
import { MAX_ORDER_EVENT_LAG_DAYS, dateOf, dayNumber, type MerchantDataset, type SimOrder } from "./dataset.ts";
import type { SimRoute, SimulatorServer } from "./server.ts";

/** How stale a wall clock view may get before a request triggers a rebuild. */
export const WALL_CLOCK_REFRESH_MS = 2_000;

/**
 * A VirtualClock that follows another clock (so simulators keep one `clock` type): `now`
 * and `sleep` are the source's; it cannot be advanced by hand.
 */
export class FollowingClock extends VirtualClock {
  readonly source: Clock;

  constructor(source: Clock) {
    super(source.now());
    this.source = source;
  }

  override now(): number {
    return this.source.now();
  }

  override advance(_ms?: number): void {
    throw new Error("This simulator runs on the wall clock: move its source clock instead");
  }

  override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    await this.source.sleep(ms, signal);
  }
}

/** Rebuilds a view at `clock.now()` when it is older than `maxAgeMs`. */
export class WallClockRefresher {
  readonly clock: Clock;
  readonly maxAgeMs: number;
  readonly #rebuild: (asOf: string) => void;
  #builtAt: number;
  #timer: ReturnType<typeof setInterval> | null = null;
  /** Rebuilds so far, and the last one's duration (ms). */
  rebuilds = 0;
  lastRebuildMs = 0;

  constructor(clock: Clock, rebuild: (asOf: string) => void, options: { maxAgeMs?: number; builtAt?: number } = {}) {
    this.clock = clock;
    this.maxAgeMs = options.maxAgeMs ?? WALL_CLOCK_REFRESH_MS;
    this.#rebuild = rebuild;
    this.#builtAt = options.builtAt ?? clock.now();
  }

  /** Rebuilds when the view is stale (or always with `force`); true when it rebuilt. */
  refresh(force = false): boolean {
    const now = this.clock.now();
    if (!force && now - this.#builtAt < this.maxAgeMs) return false;
    const started = performance.now();
    this.#rebuild(new Date(now).toISOString());
    this.lastRebuildMs = performance.now() - started;
    this.rebuilds += 1;
    this.#builtAt = now;
    return true;
  }

  /** Also refresh every `intervalMs` of real time (unref'd timer), until `stop`. */
  startTimer(intervalMs = this.maxAgeMs, onTick?: () => void): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => {
      try {
        this.refresh();
        onTick?.();
      } catch {
        // A failed rebuild keeps the previous view; the next request retries.
      }
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

/** Routes that call `before` (e.g. a lazy refresh) ahead of each handler. */
export function routesWithRefresh(routes: readonly SimRoute[], before: () => void): SimRoute[] {
  return routes.map((route) => ({
    ...route,
    handle: (request) => {
      before();
      return route.handle(request);
    },
  }));
}

/**
 * First day whose orders may still change after `asOf`: orders placed earlier have had
 * every event (MAX_ORDER_EVENT_LAG_DAYS, plus a day of margin), so their views are final.
 */
export function settledBefore(asOf: string): string {
  return dateOf(dayNumber(asOf) - MAX_ORDER_EVENT_LAG_DAYS - 1);
}

/**
 * A channel's orders per day, memoized (each day is a pure function of the dataset), for
 * the recent window a wall clock simulator rebuilds every few seconds.
 */
export class OrderDays {
  readonly #days = new Map<string, SimOrder[]>();

  constructor(
    readonly merchant: MerchantDataset,
    readonly channel: string,
  ) {}

  /** Orders placed in [from, to) (dates), clipped to the dataset's range. */
  *range(from: string, to: string): Generator<SimOrder> {
    const first = Math.max(dayNumber(from), dayNumber(this.merchant.start));
    const last = Math.min(dayNumber(to), dayNumber(this.merchant.end));
    for (let day = first; day < last; day += 1) {
      const date = dateOf(day);
      let orders = this.#days.get(date);
      if (!orders) {
        orders = this.merchant.ordersOn(date, this.channel);
        this.#days.set(date, orders);
      }
      yield* orders;
    }
    for (const date of this.#days.keys()) if (date < from) this.#days.delete(date);
  }
}

/**
 * How far an order's life has got at `asOf`: the number of its events (placement,
 * acceptance, cancellation, fulfilment, refunds, fees) at or before `asOf`. On a clock
 * that only moves forward, an unchanged stage means an unchanged view.
 */
export function orderStage(order: SimOrder, asOf: string): number {
  let stage = 0;
  if (order.placedAt <= asOf) stage += 1;
  if (order.acceptedAt <= asOf) stage += 1;
  if (order.cancelledAt !== null && order.cancelledAt <= asOf) stage += 1;
  if (order.fulfilledAt !== null && order.fulfilledAt <= asOf) stage += 1;
  for (const refund of order.refunds) if (refund.createdAt <= asOf) stage += 1;
  for (const fee of order.fees) if (fee.occurredAt <= asOf) stage += 1;
  return stage;
}

/** Merges two arrays sorted by `compare` into one sorted array. */
export function mergeSorted<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): T[] {
  const out: T[] = new Array<T>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compare(a[i] as T, b[j] as T) <= 0 ? (a[i++] as T) : (b[j++] as T);
  while (i < a.length) out[k++] = a[i++] as T;
  while (j < b.length) out[k++] = b[j++] as T;
  return out;
}

/**
 * What every channel simulator shares: its server, the moment its API shows (`asOf`) and, in
 * wall clock mode, the refresher that moves that moment with the clock. Subclasses set
 * `viewAsOf` and (wall clock mode) `refresher` in their constructor and serve their routes
 * through `liveRoutes`.
 */
export abstract class LiveSimulator {
  abstract readonly server: SimulatorServer;
  protected viewAsOf = "";
  protected refresher: WallClockRefresher | null = null;

  /** The latest moment the API shows: fixed, or (wall clock mode) the last refresh. */
  get asOf(): string {
    return this.viewAsOf;
  }

  /** True in wall clock mode (`clock` option). */
  get wallClock(): boolean {
    return this.refresher !== null;
  }

  /** Wall clock mode: rebuilds the view at `clock.now()` now (requests do it lazily). */
  refresh(): void {
    this.refresher?.refresh(true);
  }

  /** Wall clock mode: rebuild statistics. */
  get rebuildStats(): { rebuilds: number; lastRebuildMs: number } | null {
    return this.refresher ? { rebuilds: this.refresher.rebuilds, lastRebuildMs: this.refresher.lastRebuildMs } : null;
  }

  /** Listens on 127.0.0.1 at `port` (or the `port` option, or any free port). */
  async start(port?: number): Promise<void> {
    await this.server.start(port);
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  /** The routes, each refreshing a stale wall clock view before it answers. */
  protected liveRoutes(routes: readonly SimRoute[]): readonly SimRoute[] {
    const refresher = this.refresher;
    return refresher ? routesWithRefresh(routes, () => refresher.refresh()) : routes;
  }
}
