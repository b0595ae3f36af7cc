import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type UserConfig } from "vite";

import remixOptions from "./remix.config.js";

// `shopify app dev` sets HOST; Remix wants SHOPIFY_APP_URL.
if (process.env.HOST && (!process.env.SHOPIFY_APP_URL || process.env.SHOPIFY_APP_URL === process.env.HOST)) {
  process.env.SHOPIFY_APP_URL = process.env.HOST;
  delete process.env.HOST;
}

const host = new URL(process.env.SHOPIFY_APP_URL || "http://localhost").hostname;
const hmrConfig =
  host === "localhost"
    ? { protocol: "ws", host: "localhost", port: 64999, clientPort: 64999 }
    : { protocol: "wss", host, port: Number(process.env.FRONTEND_PORT) || 8002, clientPort: 443 };

export default defineConfig({
  server: {
    allowedHosts: [host],
    cors: { preflightContinue: true },
    port: Number(process.env.PORT || 3000),
    hmr: hmrConfig,
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [remix(remixOptions)],
  build: { assetsInlineLimit: 0 },
  // polaris-viz ships CommonJS that Node cannot import as ESM; Vite bundles it (and the
  // packages it pulls in) into the server build instead.
  ssr: { noExternal: ["@shopify/polaris-viz", "@shopify/polaris-viz-core", /^@react-spring\//, /^d3-/] },
  optimizeDeps: {
    include: ["@shopify/app-bridge-react", "@shopify/polaris", "@shopify/polaris-viz"],
  },
}) satisfies UserConfig;
