import { describe, expect, it } from "vitest";
import { formatMoney, parseMoney, ratio, toMoneyString } from "./money.ts";

describe("money", () => {
  it("sums decimal strings exactly", () => {
    const total = ["0.10", "0.20", "-0.30"].map(parseMoney).reduce((a, b) => a + b, 0n);
    expect(total).toBe(0n);
    expect(toMoneyString(parseMoney("12.5"), "USD")).toBe("12.50");
    expect(toMoneyString(parseMoney("-2.005"), "USD")).toBe("-2.01");
    expect(toMoneyString(parseMoney("1234.5"), "JPY")).toBe("1235");
    expect(toMoneyString(parseMoney("1.0005"), "KWD")).toBe("1.001");
  });

  it("rejects malformed amounts", () => {
    expect(() => parseMoney("1e3")).toThrow(RangeError);
    expect(() => parseMoney("1.0000001")).toThrow(RangeError);
  });

  it("formats with Intl in the shop's currency and locale", () => {
    expect(formatMoney(parseMoney("8214.5"), "USD")).toBe("$8,214.50");
    expect(formatMoney(parseMoney("1234567.891"), "EUR", "de-DE")).toBe("1.234.567,89\u00a0€");
  });

  it("divides amounts into ratios, null on a zero denominator", () => {
    expect(ratio(parseMoney("1"), parseMoney("4"))).toBe(0.25);
    expect(ratio(parseMoney("1"), 0n)).toBeNull();
  });
});
