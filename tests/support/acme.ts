import type { ChannelAdapter } from "#app/services/connections.server.ts";

import { acmeConnector, type AcmeConfig } from "../../connectors/sdk/example/acme-connector.ts";

export { acmeConnector };
export { AcmeSimulator } from "../../connectors/sdk/example/acme-simulator.ts";

/** The SDK's example connector standing in for a marketplace: the app's code is channel-agnostic. */
export const acmeAsAmazon: ChannelAdapter = {
  channel: "amazon",
  connector: acmeConnector,
  split: (settings) => {
    const { apiKey, ...config } = settings as Record<string, unknown>;
    return { config, credentials: { apiKey } };
  },
  accountId: (config) => (config as AcmeConfig).sellerId,
  displayName: (config) => `Acme ${(config as AcmeConfig).sellerId}`,
};
