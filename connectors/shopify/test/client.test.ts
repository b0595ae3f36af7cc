import { ConnectorHttpError, HttpClient, VirtualClock } from "@crosschannel/connector-sdk";
import { SimulatorServer } from "@crosschannel/connector-sdk/simulator";
import { afterEach, describe, expect, it } from "vitest";
import { CostBucket, ShopifyGraphqlClient } from "../src/client.ts";

const servers: SimulatorServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A GraphQL endpoint answering the given bodies in turn (HTTP 200, as Shopify does for GraphQL errors). */
async function endpoint(answers: unknown[]) {
  const clock = new VirtualClock("2026-03-01T00:00:00.000Z");
  let index = 0;
  const server = new SimulatorServer({
    clock,
    routes: [
      {
        method: "POST",
        path: "/admin/api/2026-10/graphql.json",
        operation: "graphql",
        handle: () => ({ body: answers[Math.min(index++, answers.length - 1)] }),
      },
    ],
  });
  servers.push(server);
  await server.start();
  const http = new HttpClient({ baseUrl: server.url, maxRetries: 0 }, { clock });
  const client = new ShopifyGraphqlClient({
    http,
    path: "admin/api/2026-10/graphql.json",
    clock,
    bucket: new CostBucket(),
  });
  return { client, http, clock, server };
}

const status = (currentlyAvailable: number) => ({
  cost: {
    requestedQueryCost: 10,
    actualQueryCost: 10,
    throttleStatus: { maximumAvailable: 1000, currentlyAvailable, restoreRate: 50 },
  },
});
const request = { name: "ShopInfo", document: "query ShopInfo { shop { name } }", estimatedCost: 10 };

describe("ShopifyGraphqlClient", () => {
  it("waits for the missing points after THROTTLED and counts it", async () => {
    const { client, http, clock } = await endpoint([
      { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }], extensions: status(0) },
      { data: { shop: { name: "Northwind" } }, extensions: status(990) },
    ]);
    const start = clock.now();
    await expect(client.request(request)).resolves.toEqual({ shop: { name: "Northwind" } });
    expect(clock.now() - start).toBeGreaterThanOrEqual(200);
    expect(http.stats.throttled).toBe(1);
  });

  it("retries transient GraphQL errors, then fails as a server error", async () => {
    const transient = { errors: [{ message: "Internal error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] };
    const recovering = await endpoint([transient, { data: { shop: { name: "Northwind" } }, extensions: status(990) }]);
    await expect(recovering.client.request(request)).resolves.toEqual({ shop: { name: "Northwind" } });
    expect(recovering.http.stats.retried).toBe(1);

    const failing = await endpoint([transient]);
    const error = await failing.client.request(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorHttpError);
    expect((error as ConnectorHttpError).kind).toBe("server");
    expect(failing.server.log).toHaveLength(4);
  });

  it("fails at once on other GraphQL errors; ACCESS_DENIED is an auth error", async () => {
    const denied = await endpoint([{ errors: [{ message: "Access denied", extensions: { code: "ACCESS_DENIED" } }] }]);
    const error = await denied.client.request(request).catch((caught: unknown) => caught);
    expect((error as ConnectorHttpError).kind).toBe("auth");
    const invalid = await endpoint([{ errors: [{ message: "Field 'nope' doesn't exist on type 'Shop'" }] }]);
    const other = await invalid.client.request(request).catch((caught: unknown) => caught);
    expect((other as ConnectorHttpError).kind).toBe("client");
    expect((other as ConnectorHttpError).message).toContain("doesn't exist");
    expect(invalid.server.log).toHaveLength(1);
  });
});
