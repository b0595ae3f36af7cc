import { describe, expect, it } from "vitest";
import { assembleObjects, jsonlLines, pollDelayMs, type JsonlLine, type RangeAnswer } from "../src/bulk.ts";
import { CostBucket } from "../src/client.ts";

/** A storage server in memory that answers byte ranges (206), or the whole file (200) when told to. */
function fakeStorage(content: string, options: { ignoreRange?: boolean } = {}) {
  const file = Buffer.from(content, "utf8");
  const requests: Array<[number, number]> = [];
  return {
    requests,
    async range(_url: string, start: number, end: number): Promise<RangeAnswer> {
      requests.push([start, end]);
      if (options.ignoreRange) return { status: 200, body: file, total: file.byteLength };
      if (start >= file.byteLength) return { status: 416, body: Buffer.alloc(0), total: file.byteLength };
      return { status: 206, body: file.subarray(start, end + 1), total: file.byteLength };
    },
  };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const LINES = [
  { id: "gid://shopify/Product/1", title: "Café crème mug ☕" },
  { id: "gid://shopify/ProductVariant/11", sku: "MUG-1", __parentId: "gid://shopify/Product/1" },
  { id: "gid://shopify/Product/2", title: "Sac fourre-tout 🛍️ éco" },
  { id: "gid://shopify/ProductVariant/21", sku: "BAG-1", __parentId: "gid://shopify/Product/2" },
  { id: "gid://shopify/ProductVariant/22", sku: "BAG-2", __parentId: "gid://shopify/Product/2" },
].map((line) => JSON.stringify(line));
const FILE = `${LINES.join("\n")}\n`;

describe("jsonlLines", () => {
  it.each([7, 16, 33, 64, 4096])(
    "reads every line exactly with %i-byte ranges, multi-byte characters cut included",
    async (chunk) => {
      const storage = fakeStorage(FILE);
      const lines = await collect(jsonlLines(storage, "https://storage.example/bulk.jsonl", 0, chunk));
      expect(lines.map((line) => line.line)).toEqual(LINES);
      expect(lines.at(-1)?.end).toBe(Buffer.byteLength(FILE));
      // Each offset is where the next line starts, in bytes.
      let offset = 0;
      for (const line of lines) {
        offset += Buffer.byteLength(`${line.line}\n`);
        expect(line.end).toBe(offset);
      }
      // Ranges never overlap what was consumed, and grow past lines longer than the chunk.
      expect(storage.requests.length).toBeGreaterThan(0);
    },
  );

  it("resumes at a byte offset with the remaining lines only", async () => {
    const all = await collect(jsonlLines(fakeStorage(FILE), "u", 0, 20));
    const resumeAt = all[1]?.end ?? 0;
    const rest = await collect(jsonlLines(fakeStorage(FILE), "u", resumeAt, 20));
    expect(rest.map((line) => line.line)).toEqual(LINES.slice(2));
    expect(await collect(jsonlLines(fakeStorage(FILE), "u", Buffer.byteLength(FILE), 20))).toEqual([]);
  });

  it("copes with a server that ignores Range and with a file without a final newline", async () => {
    const lines = await collect(
      jsonlLines(fakeStorage(FILE, { ignoreRange: true }), "u", Buffer.byteLength(`${LINES[0]}\n`), 8),
    );
    expect(lines.map((line) => line.line)).toEqual(LINES.slice(1));
    const unterminated = await collect(jsonlLines(fakeStorage(LINES.join("\n")), "u", 0, 10));
    expect(unterminated.map((line) => line.line)).toEqual(LINES);
  });
});

async function* linesOf(texts: string[]): AsyncGenerator<JsonlLine> {
  let end = 0;
  for (const line of texts) {
    end += Buffer.byteLength(`${line}\n`);
    yield { line, end };
  }
}

describe("assembleObjects", () => {
  it("puts children back under their parent and reports where each object ends", async () => {
    const objects = await collect(assembleObjects(linesOf(LINES)));
    expect(objects.map(({ object }) => object)).toEqual([
      {
        id: "gid://shopify/Product/1",
        title: "Café crème mug ☕",
        variants: { nodes: [{ id: "gid://shopify/ProductVariant/11", sku: "MUG-1" }] },
      },
      {
        id: "gid://shopify/Product/2",
        title: "Sac fourre-tout 🛍️ éco",
        variants: {
          nodes: [
            { id: "gid://shopify/ProductVariant/21", sku: "BAG-1" },
            { id: "gid://shopify/ProductVariant/22", sku: "BAG-2" },
          ],
        },
      },
    ]);
    expect(objects[0]?.end).toBe(Buffer.byteLength(`${LINES[0]}\n${LINES[1]}\n`));
    expect(objects[1]?.end).toBe(Buffer.byteLength(FILE));
  });

  it("nests children of objects inside list fields (refund line items of an order's refunds) by __typename", async () => {
    const lines = [
      JSON.stringify({ id: "gid://shopify/Order/1", refunds: [{ id: "gid://shopify/Refund/5" }] }),
      JSON.stringify({ __typename: "LineItem", id: "gid://shopify/LineItem/9", __parentId: "gid://shopify/Order/1" }),
      JSON.stringify({ __typename: "RefundLineItem", quantity: 1, __parentId: "gid://shopify/Refund/5" }),
    ];
    const [assembled] = await collect(assembleObjects(linesOf(lines)));
    expect(assembled?.object).toEqual({
      id: "gid://shopify/Order/1",
      refunds: [
        { id: "gid://shopify/Refund/5", refundLineItems: { nodes: [{ __typename: "RefundLineItem", quantity: 1 }] } },
      ],
      lineItems: { nodes: [{ __typename: "LineItem", id: "gid://shopify/LineItem/9" }] },
    });
  });

  it("fails loudly when a child is not next to its parent (never loses it silently)", async () => {
    const shuffled = [LINES[0], LINES[2], LINES[1]] as string[];
    await expect(collect(assembleObjects(linesOf(shuffled)))).rejects.toThrow(/not next to its parent/);
  });
});

describe("CostBucket", () => {
  it("waits for the points a query needs, restoring at the reported rate", () => {
    const bucket = new CostBucket();
    expect(bucket.waitMs(10, 0)).toBe(0);
    bucket.observe({ maximumAvailable: 1000, currentlyAvailable: 4, restoreRate: 50 }, 1_000);
    expect(bucket.available(1_000)).toBe(4);
    expect(bucket.waitMs(10, 1_000)).toBe(120);
    expect(bucket.waitMs(10, 1_120)).toBe(0);
    expect(bucket.available(100_000)).toBe(1000);
    bucket.spend(10, 1_120);
    expect(bucket.available(1_120)).toBe(0);
    // A query costlier than the bucket waits for a full bucket, not forever.
    expect(bucket.waitMs(5_000, 1_120)).toBe(20_000);
  });
});

describe("pollDelayMs", () => {
  it("polls quickly at first and backs off to 30 s", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(pollDelayMs)).toEqual([1000, 1000, 2000, 2000, 4000, 4000, 8000, 30000]);
  });
});
