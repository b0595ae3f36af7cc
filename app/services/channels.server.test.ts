import { Channel } from "@prisma/client";
import { describe, expect, it } from "vitest";

import { adapterFor, CHANNEL_IDS, channelName, isChannel } from "#app/services/channels.server.ts";

describe("the channel registry", () => {
  it("holds exactly the channels of the Prisma Channel enum", () => {
    expect([...CHANNEL_IDS].sort()).toEqual(Object.values(Channel).sort());
  });

  it("pairs each channel with the connector of the same id, which says how to store a connection", () => {
    for (const channel of CHANNEL_IDS) {
      const adapter = adapterFor(channel);
      expect(adapter.channel).toBe(channel);
      expect(adapter.connector.id).toBe(channel);
      expect(adapter.connection).toBe(adapter.connector.connection);
      expect(adapter.records).toBe(adapter.connector.records);
    }
  });

  it("knows its channels by name and refuses others", () => {
    expect(isChannel("amazon")).toBe(true);
    expect(isChannel("ebay")).toBe(false);
    expect(isChannel("toString")).toBe(false);
    expect(channelName("bestbuy")).toBe("Best Buy");
    expect(() => adapterFor("ebay" as Channel)).toThrow(/Unknown channel "ebay": known are amazon, bestbuy, shopify/);
  });
});
