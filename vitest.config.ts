import { defineConfig } from "vitest/config";

// Every suite CI runs: the connector workspaces' own projects, and the app's.
export default defineConfig({
  test: {
    projects: [
      "connectors/*/vitest.config.ts",
      "extensions/*/vitest.config.ts",
      {
        test: {
          name: "app",
          include: ["app/**/*.test.{ts,tsx}", "tests/integration/**/*.test.{ts,tsx}"],
          environment: "node",
          globalSetup: ["tests/support/global-database.ts"],
          setupFiles: ["tests/support/worker-database.ts", "tests/support/reset-database.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          env: {
            NODE_ENV: "test",
            // The values Shopify's test helpers sign with (@shopify/shopify-api/test-helpers).
            SHOPIFY_API_KEY: "testApiKey",
            SHOPIFY_API_SECRET: "testApiSecretKey",
            SHOPIFY_APP_URL: "https://my-test-app.myshopify.io",
            SCOPES: "read_orders,read_products,read_inventory",
          },
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.{ts,tsx}"],
          exclude: ["tests/e2e/pages/**"],
          environment: "node",
          globalSetup: ["tests/support/global-database.ts"],
          setupFiles: ["tests/support/worker-database.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          env: {
            NODE_ENV: "test",
            // The values Shopify's test helpers sign with (@shopify/shopify-api/test-helpers).
            SHOPIFY_API_KEY: "testApiKey",
            SHOPIFY_API_SECRET: "testApiSecretKey",
            SHOPIFY_APP_URL: "https://my-test-app.myshopify.io",
            SCOPES: "read_orders,read_products,read_inventory",
          },
        },
      },
      {
        // The merchant's pages in Chromium, all reading one running `npm run demo`.
        test: {
          name: "pages",
          include: ["tests/e2e/pages/**/*.test.{ts,tsx}"],
          // After every other project: tests/e2e/demo.test.ts runs `npm run build`, which empties
          // build/ while it rebuilds; pages read during that window would load missing assets.
          sequence: { groupOrder: 1 },
          environment: "node",
          globalSetup: ["tests/support/global-database.ts", "tests/support/shared-demo.ts"],
          testTimeout: 90_000,
          // A page answers a click after its loader has run on the demo's data: allow for it.
          expect: { poll: { timeout: 20_000 } },
          hookTimeout: 120_000,
          env: {
            NODE_ENV: "test",
            SHOPIFY_API_KEY: "testApiKey",
            SHOPIFY_API_SECRET: "testApiSecretKey",
            SHOPIFY_APP_URL: "https://my-test-app.myshopify.io",
            SCOPES: "read_orders,read_products,read_inventory",
          },
        },
      },
    ],
  },
});
