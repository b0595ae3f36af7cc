import type { Job } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { closeQueues, type JobPayloads } from "#app/queue/queues.server.ts";
import { processSyncJob } from "#app/jobs/sync-jobs.server.ts";
import { connectChannel } from "#app/services/connections.server.ts";
import { sealCredentials } from "#app/services/crypto.server.ts";

import { acmeAsAmazon as acme, AcmeSimulator } from "../support/acme.ts";
import { createShop } from "../support/factories.ts";

const simulators: AcmeSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
  await closeQueues();
  await closeIngestPool();
});

const job = (data: JobPayloads["sync"]) => ({ data }) as Job<JobPayloads["sync"]>;

describe("credentials the channel refuses", () => {
  it("mark the connection revoked, raise the credentials alert, and stop the retries", async () => {
    const simulator = new AcmeSimulator({ seed: 3 });
    simulators.push(simulator);
    await simulator.start();
    const shop = await createShop("revoked.myshopify.com", { timezone: "UTC", currency: "USD" });
    const connection = await connectChannel(
      shop,
      acme,
      { ...simulator.config(), ...simulator.credentials() },
      {
        clock: simulator.clock,
      },
    );
    // The merchant revoked the key on the channel's side.
    const sealed = sealCredentials(connection, { apiKey: "revoked-key-0000000000" });
    await prisma.channelConnection.update({
      where: { id: connection.id },
      data: { credentials: new Uint8Array(sealed.ciphertext), credentialsKeyId: sealed.keyId },
    });
    const deps = { adapterFor: () => acme, syncOptions: { clock: simulator.clock, httpOverrides: { maxRetries: 0 } } };
    const data = { shopId: shop.id, connectionId: connection.id, stream: "orders", mode: "incremental" as const };

    // Not thrown: BullMQ would retry it, and a refused key stays refused.
    const result = (await processSyncJob(job(data), deps)) as { status: string; revoked?: boolean };
    expect(result).toMatchObject({ status: "failed", revoked: true });
    const stored = await prisma.channelConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(stored.status).toBe("revoked");
    expect(stored.credentialsExpireAt).not.toBeNull();
    expect(stored.lastError).toContain("refused the credentials");
    const alerts = await prisma.alert.findMany({ where: { shopId: shop.id, status: "open" } });
    expect(alerts.map((alert) => alert.kind)).toEqual(["credentials_expiring"]);
    expect(alerts[0]?.severity).toBe("critical");

    // Its next scheduled run does not call the channel again.
    expect(await processSyncJob(job(data), deps)).toMatchObject({ skipped: true });
  });
});
