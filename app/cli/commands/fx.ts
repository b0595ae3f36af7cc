import { readFile } from "node:fs/promises";

import { UsageError } from "../errors.ts";
import { requireShop, type Context } from "../context.ts";

/** `fx set`: one manual rate (1 base = rate quote on day). */
export async function fxSetCommand({ values, out }: Context): Promise<number> {
  const { parseCurrency, parseDay, parseRate, parseShopDomain } = await import("#app/services/validation.server.ts");
  // Check every flag before touching the database.
  parseShopDomain(values.shop as string | undefined);
  const input = {
    day: parseDay(values.day as string | undefined),
    base: parseCurrency(values.base as string | undefined, "--base"),
    quote: parseCurrency(values.quote as string | undefined, "--quote"),
    rate: parseRate(values.rate as string | undefined),
  };
  const shop = await requireShop(values.shop);
  const { setManualRate } = await import("#app/services/fx.server.ts");
  const { audit } = await import("#app/services/shops.server.ts");
  const stored = await setManualRate(shop.id, input);
  await audit(shop.id, "cli", "fx.set", { ...input, rate: stored.rate.toFixed(10) });
  out(`${shop.domain}: 1 ${input.base} = ${stored.rate.toFixed(10)} ${input.quote} on ${input.day} (manual).`);
  return 0;
}

/** `fx import`: ECB reference rates (eurofxref-hist CSV or XML) into the shop's currency. */
export async function fxImportCommand({ values, out }: Context): Promise<number> {
  const path = values.file;
  if (typeof path !== "string" || path === "") {
    throw new UsageError("--file must name an ECB eurofxref file (CSV or XML).");
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`--file: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
  }
  const shop = await requireShop(values.shop);
  const { importReferenceRates } = await import("#app/services/fx.server.ts");
  const { audit } = await import("#app/services/shops.server.ts");
  const result = await importReferenceRates(shop, text, path);
  await audit(shop.id, "cli", "fx.import", { file: path, ...result });
  out(
    `${shop.domain}: ${result.stored} reference rates from ${result.days} days (${result.firstDay} to ${result.lastDay})` +
      (result.pairs.length > 0 ? ` for ${result.pairs.join(", ")}.` : "; the shop has no amounts in other currencies."),
  );
  if (result.missingCurrencies.length > 0) {
    out(
      `Not in the file: ${result.missingCurrencies.join(", ")}. Set those with: npm run cli -- fx set --shop ${shop.domain} --day <YYYY-MM-DD> --base <CCY> --quote ${shop.currency} --rate <decimal>`,
    );
  }
  return 0;
}
