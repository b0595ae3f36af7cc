import { connectorConformance } from "@crosschannel/connector-sdk/testing";
import { amazonConnector } from "../src/index.ts";
import { AmazonSimulator } from "../src/simulator/index.ts";

connectorConformance(amazonConnector, () => new AmazonSimulator({ seed: 42 }));
