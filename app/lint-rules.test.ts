// The layering and no-cycle rules of eslint.config.js, proven on code that breaks them: a new
// import cycle or a service importing a job fails `npm run lint`.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

import { ESLint } from "eslint";
import { afterAll, describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: resolve(".") });
const made: string[] = [];

afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function rulesBroken(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(file) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe("npm run lint", () => {
  it("refuses a service that imports a job, the CLI or a route", async () => {
    for (const target of ["#app/jobs/processors.server.ts", "#app/cli/run.ts", "#app/routes/app.tsx"]) {
      const broken = await rulesBroken(
        "app/services/example.server.ts",
        `import * as x from "${target}";\nexport const y = x;\n`,
      );
      expect(broken.join("\n"), target).toMatch(/no-restricted-imports: .*Services never import jobs/);
    }
  });

  it("refuses the ingest or analytics importing a service", async () => {
    const broken = await rulesBroken(
      "app/analytics/example.ts",
      `import { salesReport } from "#app/services/report.server.ts";\nexport const y = salesReport;\n`,
    );
    expect(broken.join("\n")).toMatch(/no-restricted-imports: .*below the services/);
  });

  it("lets a job import a service", async () => {
    const broken = await rulesBroken(
      "app/jobs/example.server.ts",
      `import { salesReport } from "#app/services/report.server.ts";\nexport const y = salesReport;\n`,
    );
    expect(broken).toEqual([]);
  });

  it("refuses an import cycle, static or dynamic", async () => {
    const dir = await mkdtemp(join(resolve("app"), "lint-cycle-"));
    made.push(dir);
    const name = dir.split("/").at(-1);
    await writeFile(join(dir, "a.ts"), `import { b } from "#app/${name}/b.ts";\nexport const a = () => b;\n`);
    await writeFile(join(dir, "b.ts"), `export const b = async () => (await import("#app/${name}/a.ts")).a;\n`);
    const results = await eslint.lintFiles([join(dir, "a.ts"), join(dir, "b.ts")]);
    const cycles = results
      .flatMap((result) => result.messages)
      .filter((message) => message.ruleId === "import-x/no-cycle");
    expect(cycles.length).toBeGreaterThan(0);
  });
});
