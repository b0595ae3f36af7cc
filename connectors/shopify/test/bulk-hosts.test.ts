import { ConnectorHttpError, HttpClient, systemClock, type NetworkPolicy } from "@crosschannel/connector-sdk";
import { recordingServers } from "@crosschannel/connector-sdk/testing";
import { describe, expect, it } from "vitest";
import { RangeFetcher, SHOPIFY_BULK_RESULT_HOSTS } from "../src/bulk.ts";

// Bulk results are signed storage URLs: the same host allow-list as the Admin API's requests
// applies to them and to every redirect hop, and the access token never goes there (issue 15, review).

const serve = recordingServers();

function fetcher(network: NetworkPolicy, maxResponseBytes?: number) {
  const accounting = new HttpClient({
    baseUrl: "https://shop-a.myshopify.com",
    allowedHosts: ["*.myshopify.com"],
    headers: { "x-shopify-access-token": "shpat_not_a_real_token" },
    network,
    ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
  });
  return new RangeFetcher({
    accounting,
    clock: systemClock,
    rateLimit: { ratePerSecond: 100, burst: 100 },
    maxRetries: 0,
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

const LINE = '{"id":"gid://shopify/Order/1"}\n';

describe("Shopify bulk result downloads", () => {
  it("documents Google Cloud Storage as the result host", () => {
    expect(SHOPIFY_BULK_RESULT_HOSTS).toEqual(["storage.googleapis.com"]);
  });

  it("read a range from an allowed (loopback, simulator) host without the access token", async () => {
    const storage = await serve(() => ({
      status: 206,
      headers: { "content-range": `bytes 0-${LINE.length - 1}/${LINE.length}` },
      body: LINE,
    }));
    const answer = await fetcher({ allowLoopback: true }).range(`${storage.url}/result.jsonl`, 0, 100);
    expect(answer.body.toString("utf8")).toBe(LINE);
    expect(answer.total).toBe(LINE.length);
    expect(storage.seen[0]?.headers["x-shopify-access-token"]).toBeUndefined();
    expect(storage.seen[0]?.headers.range).toBe("bytes=0-100");
  });

  it("refuse a result URL outside the documented storage host, without a request", async () => {
    const error = await failure(fetcher({ allowLoopback: true }).range("https://bulk.attacker.example/r.jsonl", 0, 9));
    expect(error.kind).toBe("client");
    expect(error.message).toContain(
      "bulk.attacker.example is not one of the channel's documented storage hosts (storage.googleapis.com)",
    );
  });

  it("refuse plain http on the storage host (signed URLs travel only over https)", async () => {
    const error = await failure(fetcher({ allowLoopback: true }).range("http://storage.googleapis.com/r.jsonl", 0, 9));
    expect(error.message).toContain("only https:// is allowed");
  });

  it("refuse a loopback result URL when the policy forbids simulators (production)", async () => {
    const storage = await serve(() => ({ status: 206, body: LINE }));
    const error = await failure(fetcher({ allowLoopback: false }).range(`${storage.url}/result.jsonl`, 0, 9));
    expect(error.message).toContain("loopback host");
    expect(storage.seen).toHaveLength(0);
  });

  it("check every redirect hop: a redirect to another host is refused, not followed", async () => {
    const storage = await serve(() => ({ status: 302, headers: { location: "https://attacker.example/steal" } }));
    const error = await failure(fetcher({ allowLoopback: true }).range(`${storage.url}/result.jsonl`, 0, 9));
    expect(error.message).toContain("redirect refused: attacker.example");
  });

  it("cap a server that ignores Range and sends a huge file", async () => {
    const storage = await serve(() => ({ status: 200, body: "x".repeat(200_000) }));
    const error = await failure(fetcher({ allowLoopback: true }, 100_000).range(`${storage.url}/r.jsonl`, 0, 9));
    expect(error.kind).toBe("invalid_response");
  });
});
