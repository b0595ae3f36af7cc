import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const self = fileURLToPath(import.meta.url);
const root = resolve(dirname(self), "..");

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    if (name === "node_modules" || name.startsWith(".")) return [];
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Every module specifier of static imports, re-exports and dynamic imports. */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/g,
    /\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*(?:as\s+\w+\s+)?from\s+["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) specifiers.push(match[1] as string);
  return specifiers;
}

describe("SDK boundaries", () => {
  // This file quotes forbidden imports as test data, so it is the one file not scanned.
  const files = sourceFiles(root).filter((file) => file !== self);

  it("finds the SDK's sources", () => {
    const names = files.map((file) => relative(root, file));
    expect(names).toContain("src/index.ts");
    expect(names).toContain("src/testing/index.ts");
    expect(names).toContain("src/simulator/index.ts");
    expect(names.length).toBeGreaterThan(15);
  });

  it("imports only relative modules, node built-ins, zod, and vitest (testing entry and tests only)", () => {
    const offending: string[] = [];
    for (const file of files) {
      const path = relative(root, file);
      // Only the testing entry, the SDK's own tests and their configs may load vitest.
      const mayUseVitest =
        path.startsWith("src/testing/") ||
        path.startsWith("test/") ||
        path.endsWith(".test.ts") ||
        path === "vitest.config.ts";
      for (const specifier of importsOf(readFileSync(file, "utf8"))) {
        const allowed =
          specifier.startsWith("./") ||
          specifier.startsWith("../") ||
          specifier.startsWith("node:") ||
          specifier === "zod" ||
          (mayUseVitest && (specifier === "vitest" || specifier === "vitest/config"));
        if (!allowed) offending.push(`${path} imports "${specifier}"`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("keeps relative imports inside the SDK", () => {
    const escaping: string[] = [];
    for (const file of files) {
      for (const specifier of importsOf(readFileSync(file, "utf8"))) {
        if (!specifier.startsWith(".")) continue;
        const target = resolve(dirname(file), specifier);
        if (relative(root, target).startsWith("..")) escaping.push(`${relative(root, file)} -> ${specifier}`);
      }
    }
    expect(escaping).toEqual([]);
  });

  it("never reads process.env", () => {
    const readers = files.filter((file) => /process\.env/.test(readFileSync(file, "utf8").replace(/\/\/.*$/gm, "")));
    expect(readers.map((file) => relative(root, file))).toEqual([]);
  });

  it("depends on zod only", () => {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      name: string;
      dependencies?: Record<string, string>;
      exports: Record<string, string>;
    };
    expect(manifest.name).toBe("@crosschannel/connector-sdk");
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(["zod"]);
    expect(manifest.exports).toEqual({
      ".": "./src/index.ts",
      "./testing": "./src/testing/index.ts",
      "./simulator": "./src/simulator/index.ts",
    });
  });

  it("the import-graph check catches a forbidden import", () => {
    expect(importsOf('import { PrismaClient } from "@prisma/client";\nexport * from "bullmq";')).toEqual([
      "@prisma/client",
      "bullmq",
    ]);
  });
});
