import { describe, expect, it } from "vitest";
import { detectAnomalies } from "./anomalies.ts";

const WEEK = [2, 1, 1, 2, 4, 6, 5];

describe("detectAnomalies", () => {
  it("flags an injected spike on a clean weekly series, and nothing else, with a hand-computed z", () => {
    const values = Array.from({ length: 28 }, (_, day) => 10 * (WEEK[day % 7] as number));
    values[14] = (values[14] as number) + 50;
    const result = detectAnomalies({ start: "2025-03-03", values });
    expect(result.scored).toBe(28);
    expect(result.anomalies).toHaveLength(1);
    const [spike] = result.anomalies;
    expect(spike?.day).toBe("2025-03-17");
    expect(spike?.value).toBe(70);
    expect(spike?.expected).toBeCloseTo(20, 12);
    expect(spike?.direction).toBe("up");
    // Every other residual is 0, so MAD = 0 and σ falls back to 1.2533 × mean |residual| = 1.2533 × 50 / 28.
    expect(spike?.zScore).toBeCloseTo(50 / ((1.2533141373155001 * 50) / 28), 9);
    expect(spike?.severity).toBe("high");
  });

  it("finds a spike and a dip in a noisy trending series and no false alarms", () => {
    let state = 42;
    const random = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const clean = Array.from(
      { length: 84 },
      (_, day) => 100 + day * 0.5 + 15 * (WEEK[day % 7] as number) + 6 * (random() - 0.5),
    );
    const values = [...clean];
    values[40] = (values[40] as number) + 80;
    values[61] = (values[61] as number) - 70;
    const result = detectAnomalies({ start: "2025-01-06", values });
    expect(result.anomalies.map((anomaly) => [anomaly.day, anomaly.direction])).toEqual([
      ["2025-02-15", "up"],
      ["2025-03-08", "down"],
    ]);
    expect(result.anomalies[0]?.expected).toBeCloseTo(clean[40] as number, -1);
    expect(Math.abs(result.anomalies[1]?.zScore as number)).toBeGreaterThanOrEqual(3.5);
    expect(detectAnomalies({ start: "2025-01-06", values: clean }).anomalies).toEqual([]);
  });

  it("grades severity against the threshold", () => {
    const values = Array.from({ length: 28 }, (_, day) => 10 * (WEEK[day % 7] as number));
    values[14] = (values[14] as number) + 50;
    const [spike] = detectAnomalies({ start: "2025-03-03", values }, { threshold: 12 }).anomalies;
    // z ≈ 22.3: ≥ 1.5 × 12 but < 2 × 12.
    expect(spike?.severity).toBe("medium");
    expect(detectAnomalies({ start: "2025-03-03", values }, { threshold: 23 }).anomalies).toEqual([]);
  });

  it("refuses series that are too short, saying why", () => {
    const result = detectAnomalies({ start: "2025-01-01", values: [1, 2, 3, 50, 2, 1] });
    expect(result.anomalies).toEqual([]);
    expect(result.scored).toBe(0);
    expect(result.skipped).toBe("Needs at least 28 days of data to learn the weekly pattern; has 6.");
  });

  it("flags nothing on a series that matches its pattern exactly", () => {
    const values = Array.from({ length: 35 }, (_, day) => WEEK[day % 7] as number);
    const result = detectAnomalies({ start: "2025-01-01", values });
    expect(result.anomalies).toEqual([]);
    expect(result.skipped).toMatch(/nothing to flag/);
  });
});
