import js from "@eslint/js";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * Layers point one way: routes → services → (analytics, ingest, db, queue); jobs and the CLI
 * call services; nothing below imports what is above it (docs/architecture.md).
 */
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    "no-restricted-imports": [
      "error",
      { patterns: [{ regex: `^(#app/|(\\.\\./)+(app/)?)(${forbidden.join("|")})/`, message }] },
    ],
  },
});
const layerRules = [
  layer(
    ["app/services/**"],
    ["jobs", "routes", "cli"],
    "Services never import jobs, routes or the CLI: jobs and the CLI call services.",
  ),
  layer(
    ["app/analytics/**", "app/ingest/**", "app/db/**", "app/queue/**", "app/lib/**"],
    ["services", "jobs", "routes", "cli"],
    "Analytics, ingest, db and queue are below the services: they import none of services, jobs, routes or the CLI.",
  ),
  layer(["app/jobs/**"], ["routes", "cli"], "Jobs call services; they never import routes or the CLI."),
  layer(["app/cli/**"], ["routes", "jobs"], "The CLI calls services; it never imports routes or jobs."),
  layer(
    ["app/routes/**", "app/components/**"],
    ["jobs", "cli", "ingest"],
    "Routes call services, never jobs, the CLI or the ingest directly.",
  ),
];

export default tseslint.config(
  {
    ignores: [
      "build/",
      ".data/",
      "node_modules/",
      "**/node_modules/",
      "prisma/migrations/",
      "bench/",
      "coverage/",
      "extensions/*/dist/",
      "extensions/*/shopify.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: "latest", sourceType: "module" },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": ["error", { allow: ["error", "warn"] }],
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ["app/**/*.tsx"],
    plugins: { react, "react-hooks": reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    settings: { react: { version: "18" } },
    rules: {
      ...react.configs.recommended.rules,
      ...react.configs["jsx-runtime"].rules,
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },
  {
    // Admin UI extensions run in the admin's sandbox, with its `shopify` global.
    files: ["extensions/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser, shopify: "readonly" } },
  },
  {
    // The SDK must stay independent of the app: no framework, database or environment access.
    files: ["connectors/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@prisma/*", "@remix-run/*", "@shopify/shopify-*", "bullmq", "ioredis", "#app/*"],
              message: "Connectors know nothing of the app.",
            },
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Connectors get their config passed in." },
      ],
    },
  },
  {
    // No import cycles anywhere in the app, its scripts and tests (a cycle through the CLI's entry
    // point once deadlocked every command).
    files: ["app/**/*.{ts,tsx}", "scripts/**/*.ts", "tests/**/*.ts", "lint/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".tsx", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".tsx", ".js"] })],
    },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  ...layerRules,
);
