import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { brotliCompress, constants } from "node:zlib";

import { npmRun } from "./commands.ts";

/** The product-page block's bundle as `shopify app build` writes it. */
export const EXTENSION_BUNDLE = "extensions/product-block/dist/crosschannel-product-block.js";

/** Shopify's limit for an admin UI extension's compressed bundle. */
export const EXTENSION_LIMIT_BYTES = 64 * 1024;

/**
 * The bundle's size compressed as Shopify CLI measures it (brotli, quality 11), after building
 * it with `npm run build:extension`.
 */
export async function buildExtensionBundle() {
  const build = await npmRun("build:extension", [], { timeoutMs: 180_000 });
  if (build.code !== 0) {
    throw new Error(`npm run build:extension exited with ${build.code}:\n${build.stdout}\n${build.stderr}`);
  }
  const bundle = await readFile(EXTENSION_BUNDLE);
  const compressed = await promisify(brotliCompress)(bundle, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  });
  return { build, rawBytes: bundle.byteLength, compressedBytes: compressed.byteLength, source: bundle.toString() };
}
