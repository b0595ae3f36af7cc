import { describe, expect, it } from "vitest";

import { runCli } from "./run.ts";

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("npm run cli", () => {
  it("prints usage for help and exits 0", async () => {
    const result = await cli("help");
    expect(result.code).toBe(0);
    expect(result.out).toContain("shops add --shop <domain> --timezone <IANA zone> --currency <ISO 4217>");
    expect(result.out).toContain("report --shop <domain> --from <YYYY-MM-DD> --to <YYYY-MM-DD>");
  });

  it("prints usage and exits 2 for an unknown command", async () => {
    const result = await cli("sell-everything");
    expect(result.code).toBe(2);
    expect(result.err).toContain("Unknown command: sell-everything");
    expect(result.err).toContain("Usage: npm run cli -- <command>");
  });

  it("prints usage and exits 2 for an unknown flag", async () => {
    const result = await cli("shops", "list", "--colour");
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/shops list: Unknown option '--colour'/);
  });

  it("rejects a bad time zone with what was wrong and what to do, and stores nothing", async () => {
    const result = await cli(
      "shops",
      "add",
      "--shop",
      "acme.myshopify.com",
      "--timezone",
      "Mars/Olympus",
      "--currency",
      "USD",
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain('--timezone must be an IANA time zone such as "America/Toronto"');
    const listed = await cli("shops", "list", "--json");
    expect(JSON.parse(listed.out)).toEqual([]);
  });

  it("rejects a bad currency", async () => {
    const result = await cli(
      "shops",
      "add",
      "--shop",
      "acme.myshopify.com",
      "--timezone",
      "UTC",
      "--currency",
      "DOLLARS",
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain("--currency must be an ISO 4217 currency code");
  });

  it("adds a local shop, normalises its currency, and lists it; adding again updates it", async () => {
    const added = await cli(
      "shops",
      "add",
      "--shop",
      "Acme.myshopify.com",
      "--timezone",
      "America/Toronto",
      "--currency",
      "cad",
    );
    expect(added.code).toBe(0);
    await cli("shops", "add", "--shop", "acme.myshopify.com", "--timezone", "Europe/Berlin", "--currency", "EUR");
    const listed = await cli("shops", "list", "--json");
    expect(JSON.parse(listed.out)).toEqual([
      {
        domain: "acme.myshopify.com",
        name: "acme",
        timezone: "Europe/Berlin",
        currency: "EUR",
        status: "installed",
        source: "local",
      },
    ]);
  });

  it("refuses to connect a channel it does not know, before reading anything", async () => {
    const result = await cli("connect", "--shop", "acme.myshopify.com", "--channel", "walmart", "--config", "x.json");
    expect(result.code).toBe(2);
    expect(result.err).toContain("--channel must be one of amazon, bestbuy, shopify");
  });

  it("says which file could not be read for --config", async () => {
    const result = await cli(
      "connect",
      "--shop",
      "acme.myshopify.com",
      "--channel",
      "amazon",
      "--config",
      "/nonexistent/amazon.json",
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain("--config: cannot read /nonexistent/amazon.json (ENOENT)");
  });

  it("checks report days", async () => {
    const result = await cli("report", "--shop", "acme.myshopify.com", "--from", "2026-13-01", "--to", "2026-01-31");
    expect(result.code).toBe(2);
    expect(result.err).toContain("--from must be a calendar day YYYY-MM-DD");
    const reversed = await cli("report", "--shop", "acme.myshopify.com", "--from", "2026-02-01", "--to", "2026-01-31");
    expect(reversed.err).toContain("--from (2026-02-01) is after --to (2026-01-31)");
  });
});
