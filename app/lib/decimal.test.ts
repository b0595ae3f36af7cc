import { describe, expect, it } from "vitest";

import { add, formatDecimal, multiply, parseDecimal } from "./decimal.ts";

describe("exact decimals", () => {
  it("adds money without float drift", () => {
    expect(formatDecimal(add(parseDecimal("0.1"), parseDecimal("0.2")))).toBe("0.30");
    const many = Array.from({ length: 1000 }, () => parseDecimal("19.99"));
    expect(formatDecimal(add(...many))).toBe("19990.00");
  });

  it("rounds half away from zero", () => {
    expect(formatDecimal(parseDecimal("2.345"))).toBe("2.35");
    expect(formatDecimal(parseDecimal("-2.345"))).toBe("-2.35");
    expect(formatDecimal(parseDecimal("2.3449"))).toBe("2.34");
    expect(formatDecimal(parseDecimal("0.004"))).toBe("0.00");
  });

  it("converts currencies exactly", () => {
    expect(formatDecimal(multiply(parseDecimal("100.00"), parseDecimal("0.7312500000")))).toBe("73.13");
    expect(formatDecimal(multiply(parseDecimal("-10.10"), parseDecimal("1.5")))).toBe("-15.15");
  });

  it("refuses what is not a number", () => {
    expect(() => parseDecimal("12,50")).toThrow('Not a decimal number: "12,50"');
  });
});
