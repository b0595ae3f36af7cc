/**
 * Amazon reports refunds in Finances (RefundEventList), not in Orders: the refunded sales
 * charges arrive on the `fees` stream as adjustments. These helpers turn them back into
 * the order's refunds, so returns are counted from them and not as fees.
 */
import { negateMoney, sumMoney, type ChannelRefund, type FeeEvent } from "@crosschannel/connector-sdk";

/** Refund components that give a sale's charges back to the buyer (the rest are fees). */
const MERCHANDISE = new Set(["Principal"]);
const SHIPPING = new Set(["ShippingCharge"]);
const TAX = new Set(["Tax", "ShippingTax"]);
export const REFUNDED_CHARGE_TYPES: ReadonlySet<string> = new Set([...MERCHANDISE, ...SHIPPING, ...TAX]);

/** A refunded sales charge (from a RefundEvent's ItemChargeAdjustmentList), not a fee. */
export function isRefundedCharge(fee: FeeEvent): boolean {
  return (
    fee.channel === "amazon" &&
    fee.type === "adjustment" &&
    fee.externalId.startsWith("refund:") &&
    REFUNDED_CHARGE_TYPES.has(fee.rawType)
  );
}

/**
 * One refund per order item and posting: merchandise (Principal), shipping and tax given
 * back, as positive amounts. Finances does not say how many units came back: quantity 0.
 */
export function refundsFromFeeEvents(fees: readonly FeeEvent[]): ChannelRefund[] {
  const groups = new Map<string, FeeEvent[]>();
  for (const fee of fees) {
    if (!isRefundedCharge(fee) || fee.orderExternalId === null) continue;
    const key = `refund:${fee.orderExternalId}:${fee.lineExternalId ?? fee.sku ?? "-"}:${fee.occurredAt}`;
    groups.set(key, [...(groups.get(key) ?? []), fee]);
  }
  return [...groups.entries()].map(([externalId, group]) => {
    const first = group[0]!;
    const total = (types: ReadonlySet<string>) =>
      negateMoney(
        sumMoney(
          group.filter((fee) => types.has(fee.rawType)).map((fee) => fee.amount),
          first.currency,
        ),
        first.currency,
      );
    return {
      externalId,
      orderExternalId: first.orderExternalId!,
      lineExternalId: first.lineExternalId,
      sku: first.sku,
      quantity: 0,
      amount: total(MERCHANDISE),
      shipping: total(SHIPPING),
      tax: total(TAX),
      currency: first.currency,
      createdAt: first.occurredAt,
      rawStatus: "Refund",
    };
  });
}
