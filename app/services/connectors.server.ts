import type { Channel } from "@prisma/client";

import prisma from "#app/db.server.ts";

/**
 * The channel connectors this build includes, by channel. Each is a workspace package under
 * connectors/ implementing the SDK contract; a channel without one cannot be connected.
 */
const CONNECTORS: Partial<Record<Channel, { displayName: string }>> = {};

export function connectorFor(channel: Channel) {
  const connector = CONNECTORS[channel];
  if (!connector) {
    throw new Error(
      `The ${channel} connector is not included in this build yet, so ${channel} cannot be connected or synced.`,
    );
  }
  return connector;
}

export function listConnections(shopId: string, channel?: Channel) {
  return prisma.channelConnection.findMany({
    where: { shopId, ...(channel ? { channel } : {}) },
    orderBy: { createdAt: "asc" },
  });
}
