import { UsageError } from "../errors.ts";
import { requireShop, type Context } from "../context.ts";

import { parseChannel } from "./channels.ts";

/** `skus unmatched`: channel SKUs that match no product of the master catalog. */
export async function unmatchedCommand({ values, out }: Context): Promise<number> {
  const shop = await requireShop(values.shop);
  const { unmatchedSkus } = await import("#app/services/skus.server.ts");
  const rows = await unmatchedSkus(shop.id);
  if (values.json) {
    out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    out("Every SKU sold or listed on a channel matches a product of the catalog.");
    return 0;
  }
  for (const row of rows) out(`${row.channel}\t${row.sku}\t${row.rows} rows`);
  out(`Map one: npm run cli -- skus map --shop ${shop.domain} --channel <id> --sku <channel SKU> --to <catalog SKU>`);
  return 0;
}

/** `skus map`: a channel SKU is this catalog product. */
export async function mapCommand({ values, out }: Context): Promise<number> {
  const channel = await parseChannel(values.channel);
  if (typeof values.sku !== "string" || values.sku === "")
    throw new UsageError("--sku must be the SKU the channel uses.");
  if (typeof values.to !== "string" || values.to === "") throw new UsageError("--to must be the catalog SKU it is.");
  const shop = await requireShop(values.shop);
  const { mapSku } = await import("#app/services/skus.server.ts");
  const result = await mapSku(shop.id, { channel, sku: values.sku, to: values.to });
  out(`${channel} ${values.sku} is now ${result.product} (${result.lines} order lines linked).`);
  return 0;
}
