import { BestBuySimulator } from "@crosschannel/connector-bestbuy/simulator";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { connectChannel } from "#app/services/connections.server.ts";
import { adapterFor } from "#app/services/channels.server.ts";
import { networkPolicy } from "#app/services/network-policy.server.ts";
import { createShop } from "../support/factories.ts";

const saved = { ...process.env };
afterEach(() => {
  process.env.NODE_ENV = saved.NODE_ENV;
  if (saved.CROSSCHANNEL_ALLOW_SIMULATOR_HOSTS === undefined) delete process.env.CROSSCHANNEL_ALLOW_SIMULATOR_HOSTS;
  else process.env.CROSSCHANNEL_ALLOW_SIMULATOR_HOSTS = saved.CROSSCHANNEL_ALLOW_SIMULATOR_HOSTS;
});

describe("the hosts connectors may reach", () => {
  it("allows simulators on loopback outside production; in production only when explicitly enabled", async () => {
    const simulator = new BestBuySimulator({ seed: 3 });
    await simulator.start();
    try {
      const shop = await createShop("hosts.myshopify.com", { timezone: "UTC", currency: "CAD" });
      const settings = { ...simulator.config(), ...simulator.credentials() };

      process.env.NODE_ENV = "production";
      delete process.env.CROSSCHANNEL_ALLOW_SIMULATOR_HOSTS;
      await expect(connectChannel(shop, adapterFor("bestbuy"), settings)).rejects.toThrow(/loopback host/);
      expect(await prisma.channelConnection.count()).toBe(0);

      process.env.CROSSCHANNEL_ALLOW_SIMULATOR_HOSTS = "1";
      process.env.CREDENTIALS_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
      await connectChannel(shop, adapterFor("bestbuy"), settings);

      process.env.NODE_ENV = "test";
      delete process.env.CROSSCHANNEL_ALLOW_SIMULATOR_HOSTS;
      await connectChannel(shop, adapterFor("bestbuy"), settings);
      expect(await prisma.channelConnection.count()).toBe(1);
    } finally {
      await simulator.close();
    }
  });

  it("refuses a base URL outside the channel's documented hosts", async () => {
    const shop = await createShop("hosts2.myshopify.com", { timezone: "UTC", currency: "CAD" });
    await expect(
      connectChannel(shop, adapterFor("bestbuy"), { baseUrl: "https://collector.example.com", apiKey: "k".repeat(36) }),
    ).rejects.toThrow(/not one of the channel's documented hosts/);
    expect(networkPolicy({ NODE_ENV: "production" }).allowLoopback).toBe(false);
    expect(networkPolicy({ NODE_ENV: "development" }).allowLoopback).toBe(true);
  });
});
