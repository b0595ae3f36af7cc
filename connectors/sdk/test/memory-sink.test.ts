import { MemorySink } from "../src/sync/sink.ts";
import { recordSinkBattery } from "../src/testing/index.ts";

recordSinkBattery("MemorySink", async () => {
  const sink = new MemorySink();
  const key = { connectionId: null, connectorId: "battery" };
  return { sink, key, count: async () => sink.records({ ...key, stream: "inventory" }).length };
});
