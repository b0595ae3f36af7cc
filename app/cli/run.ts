import { parseArgs, type ParseArgsConfig } from "node:util";

import { UsageError } from "./errors.ts";
import { EXIT_USAGE, USAGE } from "./usage.ts";

interface CommandContext {
  values: Record<string, string | boolean | undefined>;
  out: (line: string) => void;
}

interface CommandSpec {
  options: NonNullable<ParseArgsConfig["options"]>;
  run: (context: CommandContext) => Promise<number>;
}

const COMMANDS: Record<string, CommandSpec> = {
  migrate: {
    options: {},
    run: async ({ out }) => (await import("./commands/database.ts")).migrate(out),
  },
  "shops list": {
    options: { json: { type: "boolean" } },
    run: async (context) => (await import("./commands/shops.ts")).listShopsCommand(context),
  },
  "shops add": {
    options: { shop: { type: "string" }, timezone: { type: "string" }, currency: { type: "string" } },
    run: async (context) => (await import("./commands/shops.ts")).addShopCommand(context),
  },
  connect: {
    options: { shop: { type: "string" }, channel: { type: "string" }, config: { type: "string" } },
    run: async (context) => (await import("./commands/channels.ts")).connectCommand(context),
  },
  sync: {
    options: { shop: { type: "string" }, channel: { type: "string" }, full: { type: "boolean" } },
    run: async (context) => (await import("./commands/channels.ts")).syncCommand(context),
  },
  report: {
    options: { shop: { type: "string" }, from: { type: "string" }, to: { type: "string" }, json: { type: "boolean" } },
    run: async (context) => (await import("./commands/channels.ts")).reportCommand(context),
  },
  "skus unmatched": {
    options: { shop: { type: "string" }, json: { type: "boolean" } },
    run: async (context) => (await import("./commands/skus.ts")).unmatchedCommand(context),
  },
  "skus map": {
    options: { shop: { type: "string" }, channel: { type: "string" }, sku: { type: "string" }, to: { type: "string" } },
    run: async (context) => (await import("./commands/skus.ts")).mapCommand(context),
  },
  "credentials reencrypt": {
    options: {},
    run: async (context) => (await import("./commands/credentials.ts")).reencryptCommand(context),
  },
  "fx set": {
    options: {
      shop: { type: "string" },
      day: { type: "string" },
      base: { type: "string" },
      quote: { type: "string" },
      rate: { type: "string" },
    },
    run: async (context) => (await import("./commands/fx.ts")).fxSetCommand(context),
  },
  "fx import": {
    options: { shop: { type: "string" }, file: { type: "string" } },
    run: async (context) => (await import("./commands/fx.ts")).fxImportCommand(context),
  },
};

function findCommand(args: string[]): { name: string; spec: CommandSpec; rest: string[] } | undefined {
  const two = args.slice(0, 2).join(" ");
  if (COMMANDS[two]) return { name: two, spec: COMMANDS[two], rest: args.slice(2) };
  const one = args[0] ?? "";
  if (COMMANDS[one]) return { name: one, spec: COMMANDS[one], rest: args.slice(1) };
  return undefined;
}

export async function runCli(
  args: string[],
  io: { out: (line: string) => void; err: (line: string) => void } = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
): Promise<number> {
  if (args.length === 0 || ["help", "--help", "-h"].includes(args[0] ?? "")) {
    io.out(USAGE);
    return args.length === 0 ? EXIT_USAGE : 0;
  }
  const command = findCommand(args);
  if (!command) {
    io.err(`Unknown command: ${args.join(" ")}\n`);
    io.err(USAGE);
    return EXIT_USAGE;
  }
  let values: CommandContext["values"];
  try {
    const parsed = parseArgs({
      args: command.rest,
      options: command.spec.options,
      strict: true,
      allowPositionals: false,
    });
    values = parsed.values as CommandContext["values"];
  } catch (error) {
    io.err(`${command.name}: ${(error as Error).message}\n`);
    io.err(USAGE);
    return EXIT_USAGE;
  }
  try {
    return await command.spec.run({ values, out: io.out });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${command.name}: ${error.message}`);
      io.err(`Every command and flag: npm run cli -- help`);
      return EXIT_USAGE;
    }
    const { InputError } = await import("#app/services/validation.server.ts");
    if (error instanceof InputError) {
      io.err(`${command.name}: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
