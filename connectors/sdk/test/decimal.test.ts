import { describe, expect, it } from "vitest";
import {
  compareDecimal,
  currencyMinorDigits,
  money,
  moneyFromMinor,
  moneyToMinor,
  multiplyMoney,
  negateMoney,
  sumMoney,
} from "../src/decimal.ts";
import { utcFromEpochSeconds, utcTimestamp } from "../src/time.ts";

describe("decimal-string money", () => {
  it("canonicalizes amounts to the currency's minor unit", () => {
    expect(money("12.5", "USD")).toBe("12.50");
    expect(money("0012", "USD")).toBe("12.00");
    expect(money("-0.5", "EUR")).toBe("-0.50");
    expect(money("-0.00", "USD")).toBe("0.00");
    expect(money("1200", "JPY")).toBe("1200");
    expect(money("1.234", "KWD")).toBe("1.234");
    expect(money(15, "CAD")).toBe("15.00");
  });

  it("refuses to round or to read floats", () => {
    expect(() => money("12.345", "USD")).toThrow(/more than 2 fraction digits/);
    expect(() => money("12.5", "JPY")).toThrow(RangeError);
    expect(() => money(12.5, "USD")).toThrow(/non-integer number/);
    expect(() => money("1e3", "USD")).toThrow(/not a decimal amount/);
    expect(() => money("12,50", "USD")).toThrow(TypeError);
    expect(() => money("12.50", "XYZW")).toThrow(/currency/);
    expect(money("12.500", "USD")).toBe("12.50");
  });

  it("converts minor units both ways without floats", () => {
    expect(moneyFromMinor(1299, "USD")).toBe("12.99");
    expect(moneyFromMinor(-5, "USD")).toBe("-0.05");
    expect(moneyFromMinor(0, "USD")).toBe("0.00");
    expect(moneyFromMinor(999, "JPY")).toBe("999");
    expect(moneyToMinor("12.99", "USD")).toBe(1299n);
    expect(moneyToMinor("-0.1", "USD")).toBe(-10n);
    expect(() => moneyFromMinor(12.5, "USD")).toThrow(TypeError);
    expect(moneyFromMinor(9_007_199_254_740_993n, "USD")).toBe("90071992547409.93");
  });

  it("adds, multiplies, negates and compares exactly", () => {
    expect(sumMoney(["0.10", "0.20"], "USD")).toBe("0.30");
    expect(sumMoney([], "USD")).toBe("0.00");
    expect(sumMoney(["19.99", "-20"], "USD")).toBe("-0.01");
    expect(multiplyMoney("19.99", 3, "USD")).toBe("59.97");
    expect(negateMoney("3.45", "USD")).toBe("-3.45");
    expect(negateMoney("0", "USD")).toBe("0.00");
    expect(compareDecimal("10.5", "10.50")).toBe(0);
    expect(compareDecimal("-1", "0.001")).toBe(-1);
    expect(compareDecimal("100", "99.999")).toBe(1);
    expect(currencyMinorDigits("JPY")).toBe(0);
  });
});

describe("UTC timestamps", () => {
  it("normalizes offsets and epochs to millisecond UTC ISO strings", () => {
    expect(utcTimestamp("2026-03-05T10:00:00-05:00")).toBe("2026-03-05T15:00:00.000Z");
    expect(utcTimestamp(0)).toBe("1970-01-01T00:00:00.000Z");
    expect(utcFromEpochSeconds(1_767_225_600)).toBe("2026-01-01T00:00:00.000Z");
    expect(() => utcTimestamp("yesterday")).toThrow(RangeError);
  });
});
