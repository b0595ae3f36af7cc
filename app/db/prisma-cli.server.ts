import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const require = createRequire(import.meta.url);

/** Where the committed empty file lives that stands in for the engines Prisma would download. */
const NO_ENGINE = resolve(process.cwd(), "prisma/engines/.no-engine");

/** Environment that keeps the Prisma CLI offline: it runs on WebAssembly, never downloads. */
export function prismaCliEnv(databaseUrl: string | undefined): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    PRISMA_SCHEMA_ENGINE_BINARY: NO_ENGINE,
    PRISMA_QUERY_ENGINE_LIBRARY: NO_ENGINE,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  };
}

/** Runs the Prisma CLI with the offline environment; resolves with its exit code. */
export function runPrisma(
  args: string[],
  options: { databaseUrl?: string; quiet?: boolean } = {},
): Promise<{ code: number; output: string }> {
  const cli = require.resolve("prisma/build/index.js");
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: prismaCliEnv(options.databaseUrl),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer, stream: NodeJS.WriteStream) => {
      output += chunk.toString();
      if (!options.quiet) stream.write(chunk);
    };
    child.stdout.on("data", (chunk: Buffer) => collect(chunk, process.stdout));
    child.stderr.on("data", (chunk: Buffer) => collect(chunk, process.stderr));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? 1, output }));
  });
}

export async function runPrismaOrThrow(args: string[], options: { databaseUrl?: string; quiet?: boolean } = {}) {
  const result = await runPrisma(args, options);
  if (result.code !== 0) {
    throw new Error(`prisma ${args.join(" ")} failed (exit ${result.code}):\n${result.output.trim()}`);
  }
  return result.output;
}
