import { vi } from "vitest";

import type * as ShopifyServer from "#app/shopify.server.ts";

// Replaces the app's Shopify instance with one built from Shopify's own testConfig(), on the
// real database. Import this file first in a test that exercises routes.
vi.mock("#app/shopify.server.ts", async (importOriginal) => {
  const original = await importOriginal<typeof ShopifyServer>();
  const { testShopifyConfig } = await import("./shopify.ts");
  const app = original.createShopifyApp(testShopifyConfig());
  // Syncs of installed shops get their offline tokens from this instance, not the original's.
  const { provideShopifyOfflineToken } = await import("#app/services/shopify-offline-token.server.ts");
  provideShopifyOfflineToken(original.offlineTokenProvider(app));
  return {
    ...original,
    default: app,
    authenticate: app.authenticate,
    unauthenticated: app.unauthenticated,
    login: app.login,
    registerWebhooks: app.registerWebhooks,
    sessionStorage: app.sessionStorage,
    addDocumentResponseHeaders: app.addDocumentResponseHeaders,
  };
});
