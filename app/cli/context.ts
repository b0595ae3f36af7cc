import { UsageError } from "./errors.ts";
import { ensureDatabase } from "./runtime.ts";

/** What a command gets: its parsed flags and where to print. */
export interface Context {
  values: Record<string, string | boolean | undefined>;
  out: (line: string) => void;
}

/** The shop named by --shop, which must exist here; opens the database. */
export async function requireShop(value: unknown) {
  const { parseShopDomain } = await import("#app/services/validation.server.ts");
  const domain = parseShopDomain(value as string | undefined);
  await ensureDatabase();
  const { findShop } = await import("#app/services/shops.server.ts");
  const shop = await findShop(domain);
  if (!shop) {
    throw new UsageError(
      `No shop ${domain} here. Install the app in it, or add it: npm run cli -- shops add --shop ${domain} --timezone <zone> --currency <code>.`,
    );
  }
  return shop;
}
