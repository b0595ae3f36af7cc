import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectorHttpError, HttpClient } from "@crosschannel/connector-sdk";
import { MiraklClient } from "../src/client.ts";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A bare HTTP server answering every request with `contentType` and `body`; records request headers. */
async function serve(contentType: string, body: string, seen: { url: string; headers: IncomingHttpHeaders }[] = []) {
  const server = createServer((request, response) => {
    seen.push({ url: request.url ?? "", headers: request.headers });
    response.writeHead(200, { "content-type": contentType });
    response.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function mirakl(baseUrl: string, shopId?: string) {
  const apiKey = "5b1e0c7a-93d4-4f0e-b2a8-7c6d1e9f3a20";
  const common = { baseUrl, maxRetries: 0, timeoutMs: 2_000, secrets: [apiKey] };
  return new MiraklClient(new HttpClient({ ...common, headers: { authorization: apiKey } }), new HttpClient(common), {
    baseUrl,
    shopId,
  });
}

describe("MiraklClient", () => {
  it("sends the raw key (no Bearer), Accept JSON and shop_id", async () => {
    const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
    const baseUrl = await serve("application/json", JSON.stringify({ shop_id: 2001, shop_name: "Northwind" }), seen);
    await expect(mirakl(baseUrl, "2001").account()).resolves.toMatchObject({ shop_id: 2001 });
    expect(seen[0]?.url).toBe("/api/account?shop_id=2001");
    expect(seen[0]?.headers.authorization).toBe("5b1e0c7a-93d4-4f0e-b2a8-7c6d1e9f3a20");
    expect(seen[0]?.headers.accept).toBe("application/json");
  });

  it.each(["text/html; charset=utf-8", "application/json"])(
    "turns an HTML page (served as %s) into a clear error instead of a parse crash",
    async (contentType) => {
      const baseUrl = await serve(contentType, "<!DOCTYPE html><html><body>Request blocked</body></html>");
      const error = await mirakl(baseUrl)
        .account()
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConnectorHttpError);
      expect((error as ConnectorHttpError).kind).toBe("invalid_response");
      expect((error as ConnectorHttpError).message).toMatch(
        /^A01: Best Buy answered with an HTML page instead of JSON/,
      );
      expect((error as ConnectorHttpError).body).toContain("Request blocked");
    },
  );

  it("downloads export files from another origin without the API key", async () => {
    const api: { url: string; headers: IncomingHttpHeaders }[] = [];
    const files: { url: string; headers: IncomingHttpHeaders }[] = [];
    const baseUrl = await serve("application/json", "{}", api);
    const storage = await serve("application/json", JSON.stringify([{ order_id: "X-A" }]), files);
    const chunk = await mirakl(baseUrl, "2001").downloadChunk("OR14_DOWNLOAD", `${storage}/exports/1.json?sig=abc`);
    expect(chunk).toEqual([{ order_id: "X-A" }]);
    expect(files[0]?.headers.authorization).toBeUndefined();
    expect(files[0]?.url).toBe("/exports/1.json?sig=abc");
    expect(api).toHaveLength(0);
  });

  it("rejects an export chunk that is not an array", async () => {
    const baseUrl = await serve("application/json", JSON.stringify({ orders: [] }));
    await expect(mirakl(baseUrl).downloadChunk("OR14_DOWNLOAD", `${baseUrl}/api/x/0`)).rejects.toThrow(
      /must be a JSON array/,
    );
  });
});
