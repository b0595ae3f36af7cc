import { gzipSync } from "node:zlib";
import {
  ConnectorHttpError,
  HttpClient,
  silentLogger,
  systemClock,
  type ConnectorContext,
  type HttpClientOptions,
  type NetworkPolicy,
} from "@crosschannel/connector-sdk";
import { recordingServers } from "@crosschannel/connector-sdk/testing";
import { describe, expect, it } from "vitest";
import { SpApi } from "../src/sp-api.ts";

// Report documents are fetched from pre-signed URLs that getReportDocument returns: the same host
// allow-list as the SP-API calls applies to them and to every redirect hop (issue 15, review).

const serve = recordingServers();

function spApi(network: NetworkPolicy, extra: Partial<HttpClientOptions> = {}): SpApi {
  const ctx: ConnectorContext = {
    connectorId: "amazon",
    config: {},
    credentials: {},
    signal: new AbortController().signal,
    clock: systemClock,
    log: silentLogger,
    http: (options) => new HttpClient({ ...options, ...extra, network, maxRetries: 0 }),
  };
  return new SpApi(ctx, {
    region: "na",
    endpoint: "http://127.0.0.1:9/",
    clientId: "client",
    clientSecret: "not-a-secret",
    refreshToken: "not-a-token",
  });
}

async function failure(promise: Promise<unknown>): Promise<ConnectorHttpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectorHttpError);
  return error as ConnectorHttpError;
}

const REPORT = "amazon-order-id\tsku\n111-0000000-0000001\tMUG-1\n";

describe("Amazon report document downloads", () => {
  it("download a document from an allowed (loopback, simulator) host", async () => {
    const storage = await serve(() => ({ status: 200, body: gzipSync(REPORT) }));
    const text = await spApi({ allowLoopback: true }).download(`${storage.url}/doc?X-Amz-Signature=abc`, "GZIP");
    expect(text).toBe(REPORT);
  });

  it("refuse a document URL outside Amazon's documented document hosts, without a request", async () => {
    const error = await failure(
      spApi({ allowLoopback: true }).download("https://reports.attacker.example/doc", undefined),
    );
    expect(error.kind).toBe("client");
    expect(error.message).toContain("reports.attacker.example is not one of the channel's documented storage hosts");
    expect(error.message).toContain("tortuga-prod-na.s3-external-1.amazonaws.com");
  });

  it("refuse a loopback document URL when the policy forbids simulators (production)", async () => {
    const storage = await serve(() => ({ status: 200, body: Buffer.from(REPORT) }));
    const error = await failure(spApi({ allowLoopback: false }).download(`${storage.url}/doc`, undefined));
    expect(error.message).toContain("loopback host");
    expect(storage.seen).toHaveLength(0);
  });

  it("check every redirect hop: a redirect to another host is refused, not followed", async () => {
    const storage = await serve(() => ({ status: 302, headers: { location: "https://attacker.example/steal" } }));
    const error = await failure(spApi({ allowLoopback: true }).download(`${storage.url}/doc`, undefined));
    expect(error.message).toContain("redirect refused: attacker.example");
    expect(storage.seen).toHaveLength(1);
  });

  it("follow a redirect within allowed hosts, and never send the SP-API headers to the storage", async () => {
    const storage = await serve((path) =>
      path === "/doc" ? { status: 307, headers: { location: "/moved" } } : { status: 200, body: Buffer.from(REPORT) },
    );
    const text = await spApi({ allowLoopback: true }).download(`${storage.url}/doc`, undefined);
    expect(text).toBe(REPORT);
    expect(storage.seen.map((entry) => entry.path)).toEqual(["/doc", "/moved"]);
    expect(storage.seen[1]?.headers["user-agent"]).not.toContain("Crosschannel");
    expect(storage.seen[1]?.headers["x-amz-access-token"]).toBeUndefined();
  });

  it("cap the raw document at the run's response cap", async () => {
    const storage = await serve(() => ({ status: 200, body: Buffer.alloc(200_000, 0x41) }));
    const error = await failure(
      spApi({ allowLoopback: true }, { maxResponseBytes: 100_000 }).download(`${storage.url}/doc`, undefined),
    );
    expect(error.kind).toBe("invalid_response");
    expect(error.message).toContain("larger than the run's response cap");
  });
});
