import "../support/mock-shopify.ts";

import { AmazonSimulator, SIM_APPLICATION_ID } from "@crosschannel/connector-amazon/simulator";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { closeQueues } from "#app/queue/queues.server.ts";
import { loader as callback } from "#app/routes/channels.amazon.callback.tsx";
import {
  AuthorizationError,
  completeAmazonAuthorization,
  startAmazonAuthorization,
} from "#app/services/amazon-authorization.server.ts";

let simulator: AmazonSimulator;
const saved = { ...process.env };

beforeEach(async () => {
  simulator = new AmazonSimulator({ seed: 8 });
  await simulator.start();
  const config = simulator.config();
  const credentials = simulator.credentials();
  Object.assign(process.env, {
    AMAZON_SPAPI_APPLICATION_ID: SIM_APPLICATION_ID,
    AMAZON_LWA_CLIENT_ID: credentials.clientId,
    AMAZON_LWA_CLIENT_SECRET: credentials.clientSecret,
    AMAZON_SELLER_CENTRAL_URL: simulator.server.url,
    AMAZON_LWA_TOKEN_ENDPOINT: config.tokenEndpoint,
    AMAZON_SPAPI_ENDPOINT: config.endpoint,
  });
});

afterEach(async () => {
  await simulator.close();
  process.env = { ...saved };
  await closeQueues();
  await closeIngestPool();
});

async function consent(url: string) {
  const response = await fetch(url, { redirect: "manual" });
  expect(response.status).toBe(302);
  const back = new URL(response.headers.get("location")!);
  return {
    state: back.searchParams.get("state"),
    code: back.searchParams.get("spapi_oauth_code"),
    sellingPartnerId: back.searchParams.get("selling_partner_id"),
    path: back.pathname,
  };
}

const shopData = { domain: "seller.myshopify.com", timezone: "America/New_York", currency: "USD" };

describe("Amazon's website authorization workflow", () => {
  it("sends the seller to consent with an unguessable state, trades the code and stores the connection", async () => {
    const shop = await prisma.shop.create({ data: shopData });
    const consentUrl = await startAmazonAuthorization(shop, {
      region: "na",
      marketplaceIds: simulator.config().marketplaceIds,
    });
    expect(new URL(consentUrl).searchParams.get("application_id")).toBe(SIM_APPLICATION_ID);

    const back = await consent(consentUrl);
    expect(back.path).toBe("/channels/amazon/callback");
    const { connection } = await completeAmazonAuthorization(back, { clock: simulator.clock });
    expect(connection).toMatchObject({
      shopId: shop.id,
      channel: "amazon",
      accountId: back.sellingPartnerId,
      status: "active",
    });
    const stored = await prisma.channelConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(JSON.stringify(stored.config)).not.toContain(simulator.credentials().refreshToken);
    expect(await prisma.oAuthState.count()).toBe(0);

    // The same redirect again (a replay) connects nothing.
    await expect(completeAmazonAuthorization(back, { clock: simulator.clock })).rejects.toBeInstanceOf(
      AuthorizationError,
    );
  });

  it("refuses a state it did not issue, or one that expired, without storing anything", async () => {
    const shop = await prisma.shop.create({ data: shopData });
    const back = await consent(
      await startAmazonAuthorization(shop, { region: "na", marketplaceIds: ["ATVPDKIKX0DER"] }),
    );
    await expect(completeAmazonAuthorization({ ...back, state: "forged-state-value-123456" })).rejects.toThrow(
      "was not started here",
    );
    await prisma.oAuthState.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(completeAmazonAuthorization(back)).rejects.toThrow("longer than 15 minutes");
    expect(await prisma.channelConnection.count()).toBe(0);
  });

  it("rejects a marketplace of another region before sending anyone to Amazon", async () => {
    const shop = await prisma.shop.create({ data: shopData });
    await expect(startAmazonAuthorization(shop, { region: "na", marketplaceIds: ["A1PA6795UKMFR9"] })).rejects.toThrow(
      "is not an Amazon marketplace of region na",
    );
    expect(await prisma.oAuthState.count()).toBe(0);
  });

  it("answers a bad callback with a clear 400", async () => {
    const response = (await callback({
      request: new Request("https://my-test-app.myshopify.io/channels/amazon/callback?state=x"),
      params: {},
      context: {},
    } as LoaderFunctionArgs)) as Response;
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("missing state, spapi_oauth_code or selling_partner_id");
  });
});
