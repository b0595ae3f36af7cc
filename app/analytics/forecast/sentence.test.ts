import { describe, expect, it } from "vitest";

import { NOT_ENOUGH_HISTORY, describeForecastAccuracy } from "./sentence.ts";

describe("describeForecastAccuracy", () => {
  it("puts the measured weekly error and 80% coverage in words, rounded to whole percents", () => {
    expect(describeForecastAccuracy({ status: "measured", days: 112, weeklyError: 0.184, coverage80: 0.8125 })).toBe(
      "Typically off by 18% of weekly units; the 80% range held on 81% of past days.",
    );
    expect(describeForecastAccuracy({ status: "measured", days: 28, weeklyError: 1.5, coverage80: 0.5 })).toBe(
      "Typically off by 150% of weekly units; the 80% range held on 50% of past days.",
    );
  });

  it("never shows a perfect score it did not earn", () => {
    for (const accuracy of [
      { status: "not_enough_history" as const, days: 0, weeklyError: null, coverage80: null },
      { status: "no_recent_sales" as const, days: 0, weeklyError: 0, coverage80: 1 },
      { status: "measured" as const, days: 7, weeklyError: 0, coverage80: 1 },
      { status: "measured" as const },
      null,
      undefined,
    ]) {
      expect(describeForecastAccuracy(accuracy)).toBe(NOT_ENOUGH_HISTORY);
    }
    expect(NOT_ENOUGH_HISTORY).toBe("Not enough history to measure accuracy yet.");
  });

  it("says the checked weeks sold nothing instead of an error relative to zero units", () => {
    expect(describeForecastAccuracy({ status: "measured", days: 56, weeklyError: null, coverage80: 0.9 })).toBe(
      "No units sold in the checked weeks; the 80% range held on 90% of past days.",
    );
    expect(describeForecastAccuracy({ status: "measured", days: 56, weeklyError: Number.NaN, coverage80: null })).toBe(
      "No units sold in the checked weeks.",
    );
  });
});
