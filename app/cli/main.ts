// `npm run cli -- <command>`: the entry point. Nothing imports this module; commands live in
// run.ts and commands/, so no import can wait on the top-level await below.
import { runCli } from "./run.ts";
import { shutdown } from "./runtime.ts";

// Ctrl-C: close what the command opened (a local PostgreSQL it started) before leaving.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping.\n`);
    void shutdown().finally(() => process.exit(130));
  });
}

const code = await runCli(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
await shutdown().catch((error: unknown) => {
  process.stderr.write(`While closing: ${error instanceof Error ? error.message : String(error)}\n`);
});
process.exit(code);
