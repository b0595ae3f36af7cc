import { channelOf, type ChannelAdapter } from "#app/services/channels.server.ts";

import { acmeConnector } from "../../connectors/sdk/example/acme-connector.ts";

export { acmeConnector };
export { AcmeSimulator } from "../../connectors/sdk/example/acme-simulator.ts";

/** The SDK's example connector standing in for a marketplace: the app's code is channel-agnostic. */
export const acmeAsAmazon: ChannelAdapter = channelOf("amazon", acmeConnector) as ChannelAdapter;
