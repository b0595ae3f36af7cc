import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";

import { loadBlockData, ProductBlock, type LoadResult } from "../src/ProductBlock.tsx";
import type { BlockData } from "../src/view.ts";

const data: BlockData = {
  shopifyProductId: "42",
  currency: "CAD",
  period: { from: "2026-11-04", to: "2026-12-03" },
  variants: [{ sku: "MUG", title: "Mug", appPath: "/app/products/prod_1" }],
  channels: [{ channel: "bestbuy", units: 3, netSales: "45.00", contributionProfit: "12.00" }],
  total: { units: 3, netSales: "45.00", contributionProfit: "12.00" },
  stock: [
    {
      sku: "MUG",
      channel: "bestbuy",
      available: 12,
      daysOfCover: 40.2,
      stockOutDate: "2027-01-12",
      status: "ok",
      forecasted: true,
    },
  ],
};

afterEach(() => {
  render(null, document.body);
});

async function show(load: () => Promise<LoadResult>) {
  await act(async () => {
    render(<ProductBlock load={load} />, document.body);
  });
  await act(async () => {
    await Promise.resolve();
  });
}

describe("the product block", () => {
  it("renders the channels, stock and the link into the app with Polaris web components", async () => {
    await show(async () => ({ data }));
    const block = document.querySelector("s-admin-block");
    expect(block?.getAttribute("heading")).toBe("Crosschannel");
    const cells = [...document.querySelectorAll("s-table-row")].map((row) =>
      [...row.querySelectorAll("s-table-cell")].map((cell) => cell.textContent),
    );
    expect(cells).toEqual([
      ["Best Buy", "3", "CA$45.00", "CA$12.00"],
      ["Best Buy", "12", "40 days"],
    ]);
    const link = document.querySelector("s-link");
    expect(link?.textContent).toBe("View in Crosschannel");
    expect((link as unknown as { href?: string }).href ?? link?.getAttribute("href")).toBe("app:app/products/prod_1");
  });

  it("shows a spinner while loading, then the app's message when there is no data", async () => {
    let finish: (result: LoadResult) => void = () => undefined;
    await show(() => new Promise((resolve) => (finish = resolve)));
    expect(document.querySelector("s-spinner")).not.toBeNull();
    await act(async () => finish({ message: "Crosschannel has not imported this product yet." }));
    expect(document.querySelector("s-spinner")).toBeNull();
    expect(document.body.textContent).toContain("has not imported this product yet");
  });
});

describe("loading from the app", () => {
  it("asks the app's endpoint for the product and passes its errors on in words", async () => {
    const fetcher = vi.fn(async () => Response.json(data));
    expect(await loadBlockData("42", fetcher as unknown as typeof fetch)).toEqual({ data });
    expect(fetcher).toHaveBeenCalledWith("/api/extension/product/42");

    const missing = async () => Response.json({ error: "Not imported yet." }, { status: 404 });
    expect(await loadBlockData("42", missing as unknown as typeof fetch)).toEqual({ message: "Not imported yet." });
    const refused = async () => new Response(null, { status: 401 });
    expect(await loadBlockData("42", refused as unknown as typeof fetch)).toMatchObject({
      message: expect.stringMatching(/Open Crosschannel once/),
    });
    const offline = async () => {
      throw new TypeError("Failed to fetch");
    };
    expect(await loadBlockData("42", offline as unknown as typeof fetch)).toMatchObject({
      message: expect.stringMatching(/could not be reached/),
    });
  });
});
