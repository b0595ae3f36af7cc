import { describe, expect, it } from "vitest";
import { addDays, dayNumber, daysBetween, toDailySeries, weekday } from "./days.ts";

describe("days", () => {
  it("does calendar arithmetic on YYYY-MM-DD", () => {
    expect(dayNumber("1970-01-02")).toBe(1);
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2025-01-01", -1)).toBe("2024-12-31");
    expect(daysBetween("2025-01-01", "2025-03-01")).toBe(59);
    expect(weekday("2025-11-24")).toBe(0); // a Monday
    expect(weekday("2025-11-30")).toBe(6);
    expect(() => dayNumber("2025-13-01")).toThrow(RangeError);
    expect(() => dayNumber("25-1-1")).toThrow(RangeError);
  });

  it("lays points on consecutive days, zero-filling gaps and adding duplicates", () => {
    expect(
      toDailySeries([
        { day: "2025-01-03", value: 2 },
        { day: "2025-01-01", value: 1 },
        { day: "2025-01-03", value: 4 },
      ]),
    ).toEqual({ start: "2025-01-01", values: [1, 0, 6] });
    expect(toDailySeries([{ day: "2025-01-09", value: 5 }], { from: "2025-01-01", to: "2025-01-04" })).toEqual({
      start: "2025-01-01",
      values: [0, 0, 0, 0],
    });
  });
});
