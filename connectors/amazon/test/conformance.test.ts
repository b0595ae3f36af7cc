import { connectorConformance } from "@crosschannel/connector-sdk/testing";
import { vi } from "vitest";
import { amazonConnector } from "../src/index.ts";
import { AmazonSimulator } from "../src/simulator/index.ts";

// The orders backfill commits a page per 30-day window of its 24 months (empty windows too, so a
// crash does not read them again), and the suite crashes and resumes the run at every page.
vi.setConfig({ testTimeout: 120_000 });

connectorConformance(amazonConnector, () => new AmazonSimulator({ seed: 42 }));
