// The product-page block's bundle: built by `npm run build:extension` (shopify app build),
// sized as Shopify measures it (brotli) against the 64 KB limit for admin UI extensions.
import { buildExtensionBundle, EXTENSION_LIMIT_BYTES } from "../support/extension-bundle.ts";
import type { BenchResult } from "./run.ts";

export default async function run(): Promise<BenchResult[]> {
  const { compressedBytes } = await buildExtensionBundle();
  return [
    {
      name: "extension.bundleKb",
      value: Math.round((compressedBytes / 1024) * 100) / 100,
      unit: "KB",
      target: `< ${EXTENSION_LIMIT_BYTES / 1024} KB compressed (brotli)`,
    },
  ];
}
