/**
 * Stock health of one SKU at one channel + location, from its stock levels and its
 * daily demand forecast: days of cover, projected stock-out, reorder point, safety
 * stock and a suggested order quantity.
 */
import { addDays } from "./days.ts";
import { normalQuantile } from "./stats.ts";

export interface StockLevel {
  sku: string;
  channel: string;
  locationId: string;
  /** Sellable units now (already net of reserved, as channels report it); negative when oversold. */
  available: number;
  /** Units held for open orders: shown, never sold again. */
  reserved: number;
  /** Units on their way (purchase orders, transfers, FBA shipments). */
  inbound: number;
}

export interface InventoryOptions {
  /** Days from placing an order to having it sellable. */
  leadTimeDays: number;
  /** Probability of not running out during the lead time. Default 0.95. */
  serviceLevel?: number;
  /** Days of cover below which stock is "low". Default 14. */
  lowStockDays?: number;
  /** Days of demand an order should cover after it arrives. Default 30. */
  orderCoverDays?: number;
}

export interface DemandOutlook {
  /** Daily forecast starting at the day the stock level was observed. */
  points: ReadonlyArray<{ day: string; mean: number }>;
  /** σ of the daily forecast error (the forecast backtest RMSE). */
  dailyErrorSd: number;
}

export type StockStatus = "out_of_stock" | "low_stock" | "ok" | "no_demand";

export interface InventoryHealth {
  sku: string;
  channel: string;
  locationId: string;
  available: number;
  reserved: number;
  inbound: number;
  /** available + inbound: what an order decision has to count. */
  inventoryPosition: number;
  /** Days until sellable stock runs out at forecast demand; Infinity when no demand is forecast. */
  daysOfCover: number;
  /** Day on which sellable stock reaches zero: forecast day index ⌈daysOfCover⌉ − 1 (0 when already out); null when it never does. */
  stockOutDate: string | null;
  leadTimeDemand: number;
  safetyStock: number;
  reorderPoint: number;
  /** Units to order now (0 when the inventory position is above the reorder point). */
  suggestedOrderQuantity: number;
  lowStock: boolean;
  stockedOut: boolean;
  status: StockStatus;
}

export function assessInventory(stock: StockLevel, demand: DemandOutlook, options: InventoryOptions): InventoryHealth {
  const serviceLevel = options.serviceLevel ?? 0.95;
  const lowStockDays = options.lowStockDays ?? 14;
  const orderCoverDays = options.orderCoverDays ?? 30;
  if (!(options.leadTimeDays >= 0)) throw new RangeError("leadTimeDays must be ≥ 0");
  if (!(serviceLevel > 0 && serviceLevel < 1)) throw new RangeError("serviceLevel must be in (0, 1)");

  const sellable = Math.max(0, stock.available);
  const { daysOfCover, stockOutDate } = coverOf(sellable, demand.points);
  const leadTimeDemand = demandOver(demand.points, 0, options.leadTimeDays);
  const safetyStock = safetyStockFor(serviceLevel, demand.dailyErrorSd, options.leadTimeDays);
  const reorderPoint = leadTimeDemand + safetyStock;
  const inventoryPosition = stock.available + stock.inbound;
  const orderUpTo = reorderPoint + demandOver(demand.points, options.leadTimeDays, orderCoverDays);
  const suggestedOrderQuantity =
    inventoryPosition <= reorderPoint ? Math.max(0, Math.ceil(orderUpTo - inventoryPosition)) : 0;

  const stockedOut = sellable === 0;
  const lowStock = !stockedOut && daysOfCover < lowStockDays;
  const status: StockStatus = stockedOut
    ? "out_of_stock"
    : lowStock
      ? "low_stock"
      : daysOfCover === Infinity
        ? "no_demand"
        : "ok";
  return {
    sku: stock.sku,
    channel: stock.channel,
    locationId: stock.locationId,
    available: stock.available,
    reserved: stock.reserved,
    inbound: stock.inbound,
    inventoryPosition,
    daysOfCover,
    stockOutDate,
    leadTimeDemand,
    safetyStock,
    reorderPoint,
    suggestedOrderQuantity,
    lowStock,
    stockedOut,
    status,
  };
}

/** Safety stock = z(serviceLevel) × σ_daily × √leadTime. */
export function safetyStockFor(serviceLevel: number, dailyErrorSd: number, leadTimeDays: number): number {
  return Math.max(0, normalQuantile(serviceLevel) * dailyErrorSd * Math.sqrt(leadTimeDays));
}

/**
 * Walks the daily forecast, using up stock day by day; the stock-out falls inside the
 * day whose demand exceeds what is left (fractional cover). Past the horizon the last
 * 28 forecast days' average demand is extrapolated.
 */
export function coverOf(
  units: number,
  points: ReadonlyArray<{ day: string; mean: number }>,
): { daysOfCover: number; stockOutDate: string | null } {
  const first = points[0];
  if (first === undefined) return { daysOfCover: Infinity, stockOutDate: null };
  if (units <= 0) return { daysOfCover: 0, stockOutDate: first.day };
  let left = units;
  for (let index = 0; index < points.length; index += 1) {
    const daily = Math.max(0, (points[index] as { mean: number }).mean);
    if (daily >= left && daily > 0) {
      return { daysOfCover: index + left / daily, stockOutDate: (points[index] as { day: string }).day };
    }
    left -= daily;
  }
  const tail = points.slice(-28);
  const rate = tail.reduce((total, point) => total + Math.max(0, point.mean), 0) / tail.length;
  if (rate === 0) return { daysOfCover: Infinity, stockOutDate: null };
  const daysOfCover = points.length + left / rate;
  return { daysOfCover, stockOutDate: addDays(first.day, Math.ceil(daysOfCover) - 1) };
}

/** Forecast demand over the `days` days starting `offset` days in (fractional days count pro rata; past the horizon the last day repeats). */
function demandOver(points: ReadonlyArray<{ mean: number }>, offset: number, days: number): number {
  let total = 0;
  const last = points[points.length - 1]?.mean ?? 0;
  for (let day = Math.floor(offset); day < offset + days; day += 1) {
    const weight = Math.min(day + 1, offset + days) - Math.max(day, offset);
    total += Math.max(0, points[day]?.mean ?? last) * weight;
  }
  return total;
}
