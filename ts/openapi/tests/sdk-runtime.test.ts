import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { generateOpenApiSchema } from "../index.ts";
import { readFixture } from "./fixture-file.ts";
import { comparable } from "./sdk-differences.ts";
import { SDK_PYTHON, sdkAvailable, sdkSchema } from "./sdk-runtime.ts";

// A second, independent oracle: the schema the 0.16 cog SDK computes at run
// time (pydantic + FastAPI) for the same predictors. Only the differences
// listed in sdk-differences.ts are accepted.
const dir = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "sdk");
const names = readdirSync(dir).filter((n) => n.endsWith(".txtar")).sort();
const available = sdkAvailable();
if (!available) console.warn(`skipping the 0.16 SDK comparison: ${SDK_PYTHON} is missing (scripts/tools installs it)`);

const work = mkdtempSync(join(tmpdir(), "cognix-openapi-sdk-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!available)("schema compared with the 0.16 SDK's runtime schema (scripts/tools installs the SDK)", () => {
  for (const name of names) {
    it(name.replace(/\.txtar$/, ""), async () => {
      const fixture = readFixture(join(dir, name), { outcome: false });
      const modelDir = join(work, name.replace(/\.txtar$/, ""));
      for (const [path, content] of fixture.files) {
        mkdirSync(dirname(join(modelDir, path)), { recursive: true });
        writeFileSync(join(modelDir, path), content);
      }
      const ours = await generateOpenApiSchema({ modelDir, predict: fixture.predict, train: fixture.train });
      const theirs = await sdkSchema(modelDir, fixture.predict, fixture.train);
      const { sdk, cognix } = comparable(theirs, ours);
      expect(cognix).toEqual(sdk);
    });
  }
});
