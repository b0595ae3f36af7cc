import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

export default defineProject({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  test: {
    name: "product-block",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["test/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**"],
    environment: "happy-dom",
    testTimeout: 20_000,
  },
});
