import { describe, expect, it } from "vitest";

import { closeIngestPool } from "#app/db/pool.server.ts";
import { crossRates } from "#app/services/fx.server.ts";
import { productPerformance } from "#app/services/performance.server.ts";
import { salesReport } from "#app/services/report.server.ts";
import { InputError, parseDay, parseRate } from "#app/services/validation.server.ts";

import { createShop } from "../support/factories.ts";

describe("days and rates given by hand", () => {
  it("refuses impossible days with a message instead of a PostgreSQL error", async () => {
    const shop = await createShop("days.myshopify.com", { timezone: "UTC", currency: "USD" });
    await expect(salesReport(shop, "2026-02-30", "2026-03-05")).rejects.toThrow(InputError);
    await expect(salesReport(shop, "2026-02-01", "2026-13-01")).rejects.toThrow(
      '--to must be a calendar day YYYY-MM-DD; got "2026-13-01".',
    );
    await expect(
      productPerformance(shop, { from: "2026-02-29", to: "2026-03-01" }, { from: "2026-01-01", to: "2026-01-31" }),
    ).rejects.toThrow(InputError);
    expect((await salesReport(shop, "2024-02-29", "2024-03-01")).from).toBe("2024-02-29");
    expect(parseDay("2028-02-29")).toBe("2028-02-29");
    await closeIngestPool();
  });

  it("stores no FX rate that rounds to zero", () => {
    expect(() => parseRate("0.0000000000")).toThrow("greater than zero");
    const days = [
      {
        day: "2026-01-05",
        perEuro: new Map([
          ["XXT", "0.00000000001"],
          ["USD", "1.1"],
        ]),
      },
    ];
    expect(crossRates(days, ["USD"], "XXT")).toEqual([]);
    expect(crossRates(days, ["XXT"], "USD")).toHaveLength(1);
  });
});
