import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { generateOpenApiSchema, OpenApiSchemaError } from "../index.ts";
import { readFixture, type Fixture } from "./fixture-file.ts";

// Cases stated by Cog's own tests of its static schema generator (see
// fixtures/cog/SOURCES.md): cognix must give the same schemas and errors.
const dir = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "cog");
const names = readdirSync(dir).filter((n) => n.endsWith(".txtar")).sort();

/** Components every document has, checked once by the full-document fixtures. */
const FIXED = new Set(["PredictionRequest", "PredictionResponse", "TrainingRequest", "TrainingResponse", "Status", "HTTPValidationError", "ValidationError"]);

const work = mkdtempSync(join(tmpdir(), "cognix-openapi-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function writeModel(name: string, fixture: Fixture): string {
  const modelDir = join(work, name.replace(/\.txtar$/, ""));
  for (const [path, content] of fixture.files) {
    mkdirSync(dirname(join(modelDir, path)), { recursive: true });
    writeFileSync(join(modelDir, path), content);
  }
  return modelDir;
}

describe("Cog's static schema generator cases", () => {
  it("has fixtures", () => expect(names.length).toBeGreaterThan(100));

  for (const name of names) {
    const fixture = readFixture(join(dir, name));
    it(name.replace(/\.txtar$/, ""), async () => {
      const modelDir = writeModel(name, fixture);
      const run = generateOpenApiSchema({ modelDir, predict: fixture.predict, train: fixture.train });
      if (fixture.error !== undefined) {
        const error = await run.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, "expected an error").toBeInstanceOf(OpenApiSchemaError);
        const message = (error as OpenApiSchemaError).message;
        expect(message.startsWith(`${fixture.error.at}: `), message).toBe(true);
        for (const text of fixture.error.contains) expect(message).toContain(text);
        return;
      }
      const doc = await run;
      if (fixture.document !== undefined) {
        expect(doc).toEqual(fixture.document);
        return;
      }
      const schemas = (doc["components"] as { schemas: Record<string, unknown> }).schemas;
      const variable = Object.fromEntries(Object.entries(schemas).filter(([k]) => !FIXED.has(k)));
      expect(variable).toEqual(fixture.expected?.schemas);
      const post = (doc["paths"] as Record<string, { post?: Record<string, unknown> }>)["/predictions"]?.post;
      expect(post?.["x-cog-streaming"] ?? false).toBe(fixture.expected?.streaming ?? false);
    });
  }
});
