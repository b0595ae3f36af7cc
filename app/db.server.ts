import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";

/** The one Prisma client of a process, over the pg driver adapter (no engine binary). */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
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
