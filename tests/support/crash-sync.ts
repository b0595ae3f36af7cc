// A sync in its own process that kills itself (SIGKILL: no cleanup, no finally) right after
// the sink committed page N. Used by tests/integration/crash.test.ts.
import { runSync, type SinkPage } from "@crosschannel/connector-sdk";

import { PostgresRecordSink } from "../../app/ingest/sink.server.ts";
import { acmeConnector } from "../../connectors/sdk/example/acme-connector.ts";
import { AcmeSimulator } from "../../connectors/sdk/example/acme-simulator.ts";

const [shopId, connectionId, killAfter] = process.argv.slice(2);

class DyingSink extends PostgresRecordSink {
  override async commitPage(page: SinkPage) {
    await super.commitPage(page);
    if (page.pageNumber === Number(killAfter)) {
      process.stdout.write(`killed after page ${page.pageNumber}\n`);
      process.kill(process.pid, "SIGKILL");
      await new Promise(() => undefined);
    }
  }
}

const simulator = new AcmeSimulator({ seed: 21 });
await simulator.start();
await runSync({
  connector: acmeConnector,
  stream: "orders",
  sink: new DyingSink({ shopId: shopId!, connectionId: connectionId!, channel: "amazon", timezone: "UTC" }),
  connectionId: connectionId!,
  config: simulator.config(),
  credentials: simulator.credentials(),
  clock: simulator.clock,
});
process.stdout.write("finished without being killed\n");
process.exit(0);
