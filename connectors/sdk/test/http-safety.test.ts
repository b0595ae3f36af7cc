import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectorHttpError } from "../src/errors.ts";
import { HttpClient, hostMatches, isLoopbackHost } from "../src/http/client.ts";

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
});

async function serve(
  handle: (
    path: string,
    headers: IncomingHttpHeaders,
  ) => { status?: number; headers?: Record<string, string>; body?: Buffer | string },
) {
  const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((request, response) => {
    seen.push({ path: request.url ?? "", headers: request.headers });
    const answer = handle(request.url ?? "", request.headers);
    response.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
    response.end(answer.body ?? "{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const client = (baseUrl: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({ baseUrl, headers: { authorization: "Bearer secret-token-123" }, maxRetries: 0, ...extra });

async function failure(promise: Promise<unknown>): Promise<ConnectorHttpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectorHttpError);
  return error as ConnectorHttpError;
}

describe("HttpClient redirects", () => {
  it("does not forward credentials to another origin", async () => {
    const other = await serve(() => ({ body: '{"ok":true}' }));
    const api = await serve(() => ({ status: 302, headers: { location: `${other.url}/landing` } }));
    const body = await client(api.url).getJson("op", "start");
    expect(body).toEqual({ ok: true });
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0]?.headers.authorization).toBeUndefined();
  });

  it("keeps them on the same origin", async () => {
    const api = await serve((path) =>
      path.startsWith("/start") ? { status: 307, headers: { location: "/landing" } } : { body: '{"ok":true}' },
    );
    await client(api.url).getJson("op", "start");
    expect(api.seen.map((entry) => entry.path)).toEqual(["/start", "/landing"]);
    expect(api.seen[1]?.headers.authorization).toBe("Bearer secret-token-123");
  });

  it("refuses a redirect to a host outside the allow-list", async () => {
    const api = await serve(() => ({ status: 302, headers: { location: "https://attacker.example/steal" } }));
    const error = await failure(client(api.url, { allowedHosts: ["*.mirakl.net"] }).getJson("op", "start"));
    expect(error.message).toContain("attacker.example");
  });
});

describe("HttpClient response size", () => {
  it("fails a response larger than maxResponseBytes with a clear error", async () => {
    const api = await serve(() => ({ body: JSON.stringify({ data: "x".repeat(200_000) }) }));
    const error = await failure(client(api.url, { maxResponseBytes: 100_000 }).getJson("big", "big"));
    expect(error.kind).toBe("invalid_response");
    expect(error.message).toContain("larger than 100000 bytes");
  });

  it("fails a gzip bomb once decompressed past the cap", async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    expect(bomb.byteLength).toBeLessThan(100_000);
    const api = await serve(() => ({ headers: { "content-encoding": "gzip" }, body: bomb }));
    const error = await failure(client(api.url, { maxResponseBytes: 1_000_000 }).getJson("bomb", "bomb"));
    expect(error.message).toContain("larger than 1000000 bytes");
  });
});

describe("HttpClient hosts", () => {
  it("refuses hosts that are not the channel's, before any request", async () => {
    const error = await failure(
      client("https://evil.example.com", { allowedHosts: ["*.myshopify.com"] }).getJson("op", "x"),
    );
    expect(error.message).toContain("evil.example.com is not one of the channel's documented hosts");
    const insecure = await failure(
      client("http://shop.myshopify.com", { allowedHosts: ["*.myshopify.com"] }).getJson("op", "x"),
    );
    expect(insecure.message).toContain("only https://");
  });

  it("allows loopback simulators unless the host application's policy refuses them", async () => {
    const api = await serve(() => ({ body: '{"ok":true}' }));
    const allowedHosts = ["*.myshopify.com"];
    expect(await client(api.url, { allowedHosts }).getJson("op", "x")).toEqual({ ok: true });
    const refused = await failure(
      client(api.url, { allowedHosts, network: { allowLoopback: false } }).getJson("op", "x"),
    );
    expect(refused.message).toContain("loopback");
    expect(api.seen).toHaveLength(1);
  });

  it("matches hosts exactly or by subdomain wildcard", () => {
    expect(hostMatches("acme.myshopify.com", ["*.myshopify.com"])).toBe(true);
    expect(hostMatches("myshopify.com.evil.io", ["*.myshopify.com"])).toBe(false);
    expect(hostMatches("evilmyshopify.com", ["*.myshopify.com"])).toBe(false);
    expect(hostMatches("api.amazon.com", ["api.amazon.com"])).toBe(true);
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("10.0.0.1")).toBe(false);
  });
});
