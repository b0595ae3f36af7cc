import { connectorConformance } from "../src/testing/index.ts";
import { acmeConnector } from "./acme-connector.ts";
import { AcmeSimulator } from "./acme-simulator.ts";

connectorConformance(acmeConnector, () => new AcmeSimulator({ seed: 42 }));
