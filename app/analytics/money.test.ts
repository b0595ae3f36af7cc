import { describe, expect, it } from "vitest";
import { convertMoney, formatDecimal, formatMoney, parseMoney, ratio, toMoneyString } from "./money.ts";

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

describe("currency conversion", () => {
  it("converts exactly and rounds half away from zero", () => {
    expect(formatDecimal(convertMoney(parseMoney("100.00"), "0.7312500000"), 2)).toBe("73.13");
    expect(formatDecimal(convertMoney(parseMoney("-10.10"), "1.5"), 2)).toBe("-15.15");
    expect(formatDecimal(convertMoney(parseMoney("1.82"), "0.73"), 4)).toBe("1.3286");
  });

  it("adds many amounts without float drift", () => {
    const many = Array.from({ length: 1000 }, () => parseMoney("19.99"));
    expect(
      formatDecimal(
        many.reduce((sum, value) => sum + value, 0n),
        2,
      ),
    ).toBe("19990.00");
    expect(formatDecimal(parseMoney("0.1") + parseMoney("0.2"), 2)).toBe("0.30");
  });

  it("refuses what is not a rate", () => {
    expect(() => convertMoney(1n, "0,73")).toThrow('"0,73" is not a decimal exchange rate');
  });
});
