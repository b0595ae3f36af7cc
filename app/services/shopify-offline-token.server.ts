/**
 * An installed shop's current offline access token, from the Shopify app (app/shopify.server.ts
 * registers the provider when it loads). The services need the token to sync an installed shop
 * but must not import the Shopify app, which imports them (dependency inversion): a process
 * that syncs installed shops loads app/shopify.server.ts first (the worker, the CLI's `sync`).
 */
type OfflineTokenProvider = (shopDomain: string) => Promise<string>;

let provider: OfflineTokenProvider | null = null;

/** Registers how to get an installed shop's offline access token (the last one registered wins). */
export function provideShopifyOfflineToken(fn: OfflineTokenProvider): void {
  provider = fn;
}

/** The installed shop's current offline access token (refreshed by Shopify's library when it expires). */
export async function shopifyOfflineToken(shopDomain: string): Promise<string> {
  if (!provider) {
    throw new Error(
      `Cannot get the offline access token of ${shopDomain}: syncing a shop installed from Shopify needs the Shopify app configuration (SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_APP_URL), and app/shopify.server.ts loaded before the sync.`,
    );
  }
  return provider(shopDomain);
}
