import { afterEach, beforeAll, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { EXPORT_TTL_MS, csvCell, exportCsv, exportToken, toCsv } from "#app/services/exports.server.ts";
import { loader as downloadLoader } from "#app/routes/exports.$token.tsx";

beforeAll(() => {
  process.env.SHOPIFY_API_SECRET ??= "test-export-secret";
});
afterEach(async () => {
  await closeIngestPool();
});

async function shopWithStock(domain: string, skus: [string, number][]) {
  const shop = await prisma.shop.create({ data: { domain, timezone: "UTC", currency: "USD" } });
  const connection = await prisma.channelConnection.create({
    data: {
      shopId: shop.id,
      channel: "amazon",
      accountId: domain,
      displayName: "Amazon",
      config: {},
      credentials: Buffer.from("x"),
      credentialsKeyId: "k",
    },
  });
  await prisma.inventoryLevel.createMany({
    data: skus.map(([sku, available]) => ({
      shopId: shop.id,
      connectionId: connection.id,
      channel: "amazon" as const,
      sku,
      locationId: "FBA-US",
      available,
      observedAt: new Date(),
    })),
  });
  return shop;
}

const download = (token: string) =>
  downloadLoader({ params: { token }, request: new Request(`http://app/exports/${token}`), context: {} });

describe("CSV export", () => {
  it("quotes cells and neutralises formulas", () => {
    expect(csvCell('say "hi", then')).toBe('"say ""hi"", then"');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-x")).toBe("'-x");
    // An exact amount as a decimal string is a number: no quote in front of its minus sign.
    expect(csvCell("-12.5000")).toBe("-12.5000");
    expect(csvCell("-1+2")).toBe("'-1+2");
    expect(csvCell("@SUM")).toBe("'@SUM");
    expect(csvCell(-12.5)).toBe("-12.5");
    expect(csvCell(null)).toBe("");
    expect(csvCell(Infinity)).toBe("");
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(toCsv({ header: ["a", "b"], rows: [[1, "x"]] })).toBe("a,b\r\n1,x\r\n");
  });

  it("serves the filtered table as an attachment, and refuses tampered, expired and unknown links", async () => {
    const shop = await shopWithStock("export-a.myshopify.com", [
      ["MUG", 5],
      ["=EVIL", 3],
      ["CAP", 7],
    ]);
    const other = await shopWithStock("export-b.myshopify.com", [["SECRET-SKU", 9]]);

    const token = exportToken(shop.id, "inventory", new URLSearchParams("q=mug&page=3"));
    const response = await download(token);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="export-a-inventory-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = (await response.text()).trim().split("\r\n");
    expect(lines[0]).toBe(
      "SKU,Channel,Status,Available,Reserved,Inbound,Days of cover,Stock-out date,Reorder point,Suggested quantity",
    );
    // Page 3 is ignored (every row the filter selects), the filter is not: only MUG.
    expect(lines.slice(1)).toEqual(["MUG,amazon,OK,5,0,0,,,0,0"]);

    const all = await exportCsv(exportToken(shop.id, "inventory", new URLSearchParams()));
    expect(all.rows).toBe(3);
    expect(all.csv).toContain("'=EVIL,amazon,OK,3");
    expect(all.csv).not.toContain("SECRET-SKU");

    // Tampering: another shop's id under this signature.
    const [body, signature] = token.split(".");
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, s: other.id })).toString("base64url");
    const tampered = await download(`${forged}.${signature}`);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toMatch(/not valid/);
    expect((await download("nonsense")).status).toBe(400);

    const old = exportToken(shop.id, "inventory", new URLSearchParams(), Date.now() - EXPORT_TTL_MS - 1000);
    const expired = await download(old);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toMatch(/expired/);

    expect(() => exportToken(shop.id, "nope", new URLSearchParams())).toThrow(/no table "nope"/);

    await prisma.shop.update({ where: { id: shop.id }, data: { status: "uninstalled" } });
    expect((await download(exportToken(shop.id, "inventory", new URLSearchParams()))).status).toBe(403);
  });
});
