import { describe, expect, it } from "vitest";

import { orderedIds } from "#app/ingest/ids.ts";

describe("orderedIds", () => {
  it("sort in the order they were made, across calls, and never repeat", () => {
    const made = [...orderedIds(500), ...orderedIds(1), ...orderedIds(2000)];
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
    for (const id of made) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  it("start from the clock, in microseconds", () => {
    const before = Date.now();
    const [id] = orderedIds(1);
    const micros = Number.parseInt((id as string).slice(0, 14), 16);
    expect(micros / 1000).toBeGreaterThanOrEqual(before);
    expect(micros / 1000).toBeLessThan(Date.now() + 1000);
  });
});
