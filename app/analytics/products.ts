/**
 * Product performance over a period against the previous one: velocity, trend,
 * channel shares and margins, ABC classes and top/bottom movers. Money arrives as
 * decimal strings in the shop currency and is summed exactly (bigint micro units).
 */
import { dayNumber, dayOf } from "./days.ts";
import { parseMoney, ratio, toMoneyString } from "./money.ts";
import { slope } from "./stats.ts";

/** One SKU on one channel on one day (already aggregated and converted to the shop currency). */
export interface ProductDay {
  day: string;
  sku: string;
  channel: string;
  units: number;
  /** Net sales: gross − discounts − refunds, excluding tax and shipping. */
  netSales: string;
  /** Net sales − cost of goods − channel fees attributed to the line. */
  contributionProfit: string;
}

export interface Period {
  /** Inclusive "YYYY-MM-DD" bounds. */
  from: string;
  to: string;
}

export type AbcClass = "A" | "B" | "C";

export interface ChannelPerformance {
  channel: string;
  units: number;
  netSales: string;
  contributionProfit: string;
  /** This channel's share of the SKU's units (null when the SKU sold none). */
  unitShare: number | null;
  /** This channel's share of the SKU's net sales (null when net sales are 0). */
  netSalesShare: number | null;
  /** contributionProfit / netSales (null when net sales are 0). */
  margin: number | null;
}

export interface ProductPerformance {
  sku: string;
  units: number;
  previousUnits: number;
  /** Units per day over the current period. */
  velocity: number;
  previousVelocity: number;
  /** (velocity − previousVelocity) / previousVelocity; null when nothing sold before. */
  velocityChange: number | null;
  /** Least-squares slope of daily units over the current period, units/day per day. */
  trendSlope: number;
  netSales: string;
  previousNetSales: string;
  /** netSales − previousNetSales. */
  netSalesChange: string;
  contributionProfit: string;
  margin: number | null;
  byChannel: ChannelPerformance[];
  abc: AbcClass;
  /** This SKU's share of all positive net sales in the period (null when there are none). */
  netSalesShare: number | null;
}

export interface ProductReport {
  currency: string;
  current: Period;
  previous: Period;
  /** Ordered by net sales descending, then SKU. */
  products: ProductPerformance[];
  /** Biggest rises in net sales vs the previous period (positive changes only). */
  topMovers: ProductPerformance[];
  /** Biggest falls in net sales (negative changes only). */
  bottomMovers: ProductPerformance[];
}

export interface ProductReportOptions {
  currency: string;
  current: Period;
  /** Defaults to the same number of days right before `current`. */
  previous?: Period;
  /** How many movers each way. Default 5. */
  movers?: number;
  /** Cumulative net-sales shares closing classes A and B. Default [0.8, 0.95]. */
  abcBreaks?: readonly [number, number];
}

interface Totals {
  units: number;
  netSales: bigint;
  contributionProfit: bigint;
}

export function productReport(rows: readonly ProductDay[], options: ProductReportOptions): ProductReport {
  const current = options.current;
  const length = periodDays(current);
  const previous = options.previous ?? {
    from: dayOf(dayNumber(current.from) - length),
    to: dayOf(dayNumber(current.from) - 1),
  };
  const previousLength = periodDays(previous);
  const currency = options.currency;
  const [aBreak, bBreak] = options.abcBreaks ?? [0.8, 0.95];

  const now = new Map<string, Map<string, Totals>>();
  const before = new Map<string, Totals>();
  const dailyUnits = new Map<string, number[]>();
  const currentStart = dayNumber(current.from);
  for (const row of rows) {
    const day = row.day;
    if (day >= current.from && day <= current.to) {
      const channels = now.get(row.sku) ?? new Map<string, Totals>();
      now.set(row.sku, channels);
      add(channels, row.channel, row);
      const daily = dailyUnits.get(row.sku) ?? new Array<number>(length).fill(0);
      dailyUnits.set(row.sku, daily);
      const index = dayNumber(day) - currentStart;
      daily[index] = (daily[index] as number) + row.units;
    } else if (day >= previous.from && day <= previous.to) {
      add(before, row.sku, row);
    }
  }

  const skus = [...new Set([...now.keys(), ...before.keys()])];
  const totalsNow = new Map(skus.map((sku) => [sku, total([...(now.get(sku)?.values() ?? [])])]));
  const positiveTotal = [...totalsNow.values()].reduce((acc, t) => acc + (t.netSales > 0n ? t.netSales : 0n), 0n);

  const products = skus.map((sku): ProductPerformance => {
    const mine = totalsNow.get(sku) as Totals;
    const prior = before.get(sku) ?? { units: 0, netSales: 0n, contributionProfit: 0n };
    const velocity = mine.units / length;
    const previousVelocity = prior.units / previousLength;
    const byChannel = [...(now.get(sku) ?? new Map<string, Totals>()).entries()]
      .map(([channel, t]) => ({
        channel,
        units: t.units,
        netSales: toMoneyString(t.netSales, currency),
        contributionProfit: toMoneyString(t.contributionProfit, currency),
        unitShare: mine.units === 0 ? null : t.units / mine.units,
        netSalesShare: ratio(t.netSales, mine.netSales),
        margin: ratio(t.contributionProfit, t.netSales),
      }))
      .sort((a, b) => compareText(a.channel, b.channel));
    return {
      sku,
      units: mine.units,
      previousUnits: prior.units,
      velocity,
      previousVelocity,
      velocityChange: previousVelocity === 0 ? null : (velocity - previousVelocity) / previousVelocity,
      trendSlope: slope(dailyUnits.get(sku) ?? new Array<number>(length).fill(0)),
      netSales: toMoneyString(mine.netSales, currency),
      previousNetSales: toMoneyString(prior.netSales, currency),
      netSalesChange: toMoneyString(mine.netSales - prior.netSales, currency),
      contributionProfit: toMoneyString(mine.contributionProfit, currency),
      margin: ratio(mine.contributionProfit, mine.netSales),
      byChannel,
      abc: "C",
      netSalesShare: positiveTotal === 0n ? null : ratio(mine.netSales > 0n ? mine.netSales : 0n, positiveTotal),
    };
  });

  // Rank by exact net sales (ties by SKU) so classes never depend on input order.
  const exact = new Map(skus.map((sku) => [sku, (totalsNow.get(sku) as Totals).netSales]));
  const change = new Map(skus.map((sku) => [sku, (exact.get(sku) as bigint) - (before.get(sku)?.netSales ?? 0n)]));
  products.sort(
    (a, b) => compareBig(exact.get(b.sku) as bigint, exact.get(a.sku) as bigint) || compareText(a.sku, b.sku),
  );
  const classes = classify(
    skus.map((sku) => ({ key: sku, amount: exact.get(sku) as bigint })),
    [aBreak, bBreak],
  );
  for (const product of products) product.abc = classes.get(product.sku) as AbcClass;

  const limit = options.movers ?? 5;
  const byChange = (direction: 1 | -1) =>
    products
      .filter((product) => (change.get(product.sku) as bigint) * BigInt(direction) > 0n)
      .sort(
        (a, b) =>
          compareBig(change.get(b.sku) as bigint, change.get(a.sku) as bigint) * direction || compareText(a.sku, b.sku),
      )
      .slice(0, limit);
  return { currency, current, previous, products, topMovers: byChange(1), bottomMovers: byChange(-1) };
}

/** ABC classes of (key, amount) pairs by the same rule as `productReport`, for other dimensions. */
export function abcClasses(
  items: ReadonlyArray<{ key: string; amount: string }>,
  breaks: readonly [number, number] = [0.8, 0.95],
): Map<string, AbcClass> {
  return classify(
    items.map((item) => ({ key: item.key, amount: parseMoney(item.amount) })),
    breaks,
  );
}

/**
 * Sorts by amount descending (ties by key) and classes each item by the cumulative
 * share of positive amounts *before* it: the item that crosses 80% is still A.
 * Items with zero or negative amounts are C.
 */
function classify(
  items: Array<{ key: string; amount: bigint }>,
  breaks: readonly [number, number],
): Map<string, AbcClass> {
  const sorted = [...items].sort((a, b) => compareBig(b.amount, a.amount) || compareText(a.key, b.key));
  const positive = sorted.reduce((acc, item) => acc + (item.amount > 0n ? item.amount : 0n), 0n);
  const classes = new Map<string, AbcClass>();
  let cumulativeBefore = 0n;
  for (const item of sorted) {
    const shareBefore = positive === 0n ? 1 : (ratio(cumulativeBefore, positive) as number);
    classes.set(
      item.key,
      item.amount <= 0n ? "C" : shareBefore < breaks[0] ? "A" : shareBefore < breaks[1] ? "B" : "C",
    );
    if (item.amount > 0n) cumulativeBefore += item.amount;
  }
  return classes;
}

function add(map: Map<string, Totals>, key: string, row: ProductDay): void {
  const totals = map.get(key) ?? { units: 0, netSales: 0n, contributionProfit: 0n };
  totals.units += row.units;
  totals.netSales += parseMoney(row.netSales);
  totals.contributionProfit += parseMoney(row.contributionProfit);
  map.set(key, totals);
}

function total(parts: readonly Totals[]): Totals {
  return parts.reduce(
    (acc, part) => ({
      units: acc.units + part.units,
      netSales: acc.netSales + part.netSales,
      contributionProfit: acc.contributionProfit + part.contributionProfit,
    }),
    { units: 0, netSales: 0n, contributionProfit: 0n },
  );
}

function periodDays(period: Period): number {
  const days = dayNumber(period.to) - dayNumber(period.from) + 1;
  if (days < 1) throw new RangeError(`Period ${period.from}..${period.to} is empty`);
  return days;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Code-point order, independent of the runtime locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
