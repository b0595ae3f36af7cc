import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";

import { logPoolError, ResilientClient } from "#app/db/pg-client.server.ts";

/** The one Prisma client of a process, over the pg driver adapter (no engine binary). */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  // The adapter listens for its pool's errors itself (an idle connection terminated by a
  // database restart does not crash the process); they are logged here.
  const adapter = new PrismaPg(
    { connectionString: databaseUrl, max: Number(process.env.DATABASE_POOL_SIZE ?? 10), Client: ResilientClient },
    { onPoolError: (error) => logPoolError("prisma", error) },
  );
  return new PrismaClient({ adapter });
}

declare global {
  var __crosschannelPrisma: PrismaClient | undefined;
}

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. Start the app with `npm run demo`, `npm run dev` or `npm start`, " +
        "which start the local database when DATABASE_URL is unset.",
    );
  }
  return url;
}

// Reused across Vite's hot reloads in development instead of opening a new pool each time.
const prisma: PrismaClient = (globalThis.__crosschannelPrisma ??= createPrismaClient(databaseUrl()));

export default prisma;
