import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

interface JsonReport {
  testResults: Array<{ assertionResults: Array<{ ancestorTitles: string[]; title: string; status: string }> }>;
}

/** Runs the suite against the broken connectors in a child vitest and returns failed tests per connector. */
function failuresByConnector(): Map<string, Set<string>> {
  const vitestBin = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
  const config = fileURLToPath(new URL("./fixtures/vitest.broken.config.ts", import.meta.url));
  const directory = mkdtempSync(join(tmpdir(), "sdk-conformance-"));
  const output = join(directory, "report.json");
  try {
    const child = spawnSync(
      process.execPath,
      [vitestBin, "run", "--config", config, "--reporter=json", `--outputFile=${output}`],
      { encoding: "utf8", timeout: 50_000 },
    );
    expect(child.status, child.stderr).toBe(1);
    const report = JSON.parse(readFileSync(output, "utf8")) as JsonReport;
    const failures = new Map<string, Set<string>>();
    for (const assertion of report.testResults.flatMap((file) => file.assertionResults)) {
      const connector = /\((?<id>[^)]+)\)$/.exec(assertion.ancestorTitles[0] ?? "")?.groups?.id ?? "?";
      if (!failures.has(connector)) failures.set(connector, new Set());
      if (assertion.status === "failed") failures.get(connector)?.add(assertion.title);
    }
    return failures;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe("the conformance suite", () => {
  it("catches each defect of the deliberately broken connectors", { timeout: 60_000 }, () => {
    const failures = failuresByConnector();
    const expectFailing = (connector: string, tests: string[]) => {
      const failed = failures.get(connector);
      expect(failed, `suite ran for ${connector}`).toBeDefined();
      for (const title of tests) expect([...(failed ?? [])], connector).toContain(title);
    };
    expectFailing("inclusive-checkpoint", [
      "re-reading from the saved checkpoint yields no duplicates",
      "resumes exactly after a crash injected before or after any page commit",
    ]);
    expectFailing("drops-refunds", ["a full read yields exactly the simulator's expected records"]);
    expectFailing("ignores-rate-limits", ["honours 429 Retry-After and never exceeds the documented rate limit"]);
    expectFailing("invents-values", ["quarantines malformed records with their raw payload and keeps going"]);
    expectFailing("check-without-calling", ["fails on revoked credentials with an auth error that leaks no secret"]);
  });
});
