// `npm run prisma -- <args>`: the Prisma CLI, offline (WebAssembly engines), on DATABASE_URL or
// the local cluster. `generate` and `validate` need no database and start none.
import { resolveDatabase } from "../app/db/local-postgres.server.ts";
import { runPrisma } from "../app/db/prisma-cli.server.ts";

const args = process.argv.slice(2);
const needsDatabase = !["generate", "validate", "format", "version", "--version", "-v"].includes(args[0] ?? "");
const database = needsDatabase ? await resolveDatabase() : undefined;
const { code } = await runPrisma(args, { databaseUrl: database?.url });
await database?.stop();
process.exit(code);
