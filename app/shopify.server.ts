import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp, type ShopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";

import prisma from "#app/db.server.ts";
import { provideShopifyOfflineToken } from "#app/services/shopify-offline-token.server.ts";
import { recordInstallation } from "#app/services/shops.server.ts";
import { standaloneSettings } from "#app/services/standalone.server.ts";

export const API_VERSION = ApiVersion.October26;

type AppConfig = Parameters<typeof shopifyApp>[0];

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set. See the configuration table in README.md.`);
  }
  return value;
}

/**
 * The app as installed from the Shopify App Store: embedded, token exchange, expiring
 * offline tokens, sessions in PostgreSQL. `npm run demo` runs the same app standalone as
 * an admin-created custom app (`distribution: ShopifyAdmin`), the way Shopify supports
 * serving an app outside the admin.
 */
export function configFromEnv(): AppConfig {
  // Refuses an unsafe standalone configuration before anything is served (throws with what to do).
  const standalone = standaloneSettings() !== null;
  const base = {
    apiKey: required("SHOPIFY_API_KEY"),
    apiSecretKey: required("SHOPIFY_API_SECRET"),
    apiVersion: API_VERSION,
    scopes: process.env.SCOPES?.split(",").map((scope) => scope.trim()),
    appUrl: required("SHOPIFY_APP_URL"),
    authPathPrefix: "/auth",
    sessionStorage: new PrismaSessionStorage(prisma),
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    hooks: {
      afterAuth: async ({ session, admin }) => {
        await recordInstallation(session, admin);
      },
    },
  } satisfies AppConfig;
  if (standalone) {
    return {
      ...base,
      distribution: AppDistribution.ShopifyAdmin,
      isEmbeddedApp: false,
      adminApiAccessToken: required("SHOPIFY_ADMIN_API_ACCESS_TOKEN"),
    };
  }
  return { ...base, distribution: AppDistribution.AppStore };
}

export function createShopifyApp(config: AppConfig): ShopifyApp<AppConfig> {
  return shopifyApp(config) as unknown as ShopifyApp<AppConfig>;
}

const shopify = createShopifyApp(configFromEnv());

export default shopify;
export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;

/** The offline access token of an installed shop, for the services that sync it. */
export function offlineTokenProvider(app: ShopifyApp<AppConfig>) {
  return async (shopDomain: string): Promise<string> => {
    const { session } = await app.unauthenticated.admin(shopDomain);
    if (!session.accessToken) throw new Error(`The offline session of ${shopDomain} has no access token.`);
    return session.accessToken;
  };
}

provideShopifyOfflineToken(offlineTokenProvider(shopify));
