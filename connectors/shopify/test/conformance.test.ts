import { connectorConformance } from "@crosschannel/connector-sdk/testing";
import { shopifyConnector } from "../src/connector.ts";
import { ShopifySimulator } from "../src/simulator/index.ts";

connectorConformance(shopifyConnector, () => new ShopifySimulator({ seed: 42, marketplaceImportEvery: 10 }));
