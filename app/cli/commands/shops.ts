import { ensureDatabase } from "../runtime.ts";

interface Context {
  values: Record<string, string | boolean | undefined>;
  out: (line: string) => void;
}

export async function listShopsCommand({ values, out }: Context): Promise<number> {
  await ensureDatabase();
  const { listShops } = await import("#app/services/shops.server.ts");
  const shops = await listShops();
  if (values.json) {
    out(
      JSON.stringify(
        shops.map(({ domain, name, timezone, currency, status, source }) => ({
          domain,
          name,
          timezone,
          currency,
          status,
          source,
        })),
        null,
        2,
      ),
    );
    return 0;
  }
  if (shops.length === 0) {
    out("No shops yet. Install the app in a shop, or add one: npm run cli -- shops add --shop <domain> ...");
    return 0;
  }
  for (const shop of shops) {
    out(`${shop.domain}\t${shop.timezone}\t${shop.currency}\t${shop.status}\t${shop.source}`);
  }
  return 0;
}

export async function addShopCommand({ values, out }: Context): Promise<number> {
  const { parseCurrency, parseShopDomain, parseTimeZone } = await import("#app/services/validation.server.ts");
  // Validate before touching the database, so a typo never starts anything.
  const input = {
    shop: parseShopDomain(values.shop as string | undefined),
    timezone: parseTimeZone(values.timezone as string | undefined),
    currency: parseCurrency(values.currency as string | undefined),
  };
  await ensureDatabase();
  const { addLocalShop } = await import("#app/services/shops.server.ts");
  const shop = await addLocalShop(input);
  out(`Shop ${shop.domain} is ready (time zone ${shop.timezone}, currency ${shop.currency}).`);
  return 0;
}
