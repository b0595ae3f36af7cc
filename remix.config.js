/**
 * The Remix options, in one place. vite.config.ts passes them to the Remix Vite plugin.
 * @type {import("@remix-run/dev").VitePluginConfig}
 */
export default {
  appDirectory: "app",
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}", "**/*.server.test.{ts,tsx}"],
  // Flat routes (Remix 2's default convention): app.tsx, app._index.tsx, webhooks.app.uninstalled.tsx ...
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_routeConfig: false,
    // Off on purpose: single fetch breaks App Bridge's reauthorize header and billing redirects.
    v3_singleFetch: false,
  },
};
