import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CognixError } from "../../util/errors.ts";
import { COG_SCHEMA_GENERATOR_VERSION, generateOpenApiSchema, OpenApiSchemaError, serializeOpenApiSchema } from "../index.ts";

const dir = mkdtempSync(join(tmpdir(), "cognix-openapi-api-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, "predict.py"),
  [
    "from cog import BasePredictor, Input",
    "",
    "class Predictor(BasePredictor):",
    "    def predict(",
    "        self,",
    "        a: str = Input(description='It\\'s a \"quote\"\\tand a tab', default='x' 'y'),",
    "        b: str = Input(regex=r'^\\d+$', default='1'),",
    "        c: str = Input(default='caf\\u00e9'),",
    "    ) -> str:",
    "        return a",
    "",
  ].join("\n"),
);

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as Error,
  );
}

describe("generateOpenApiSchema", () => {
  it("writes Cog's version unless told another", async () => {
    const doc = await generateOpenApiSchema({ modelDir: dir, predict: "predict.py:Predictor" });
    expect(doc["info"]).toEqual({ title: "Cog", version: COG_SCHEMA_GENERATOR_VERSION });
    const other = await generateOpenApiSchema({ modelDir: dir, predict: "predict.py:Predictor", version: "0.23.1" });
    expect(other["info"]).toEqual({ title: "Cog", version: "0.23.1" });
  });

  it("decodes Python string literals (escapes, raw strings, implicit concatenation)", async () => {
    const doc = await generateOpenApiSchema({ modelDir: dir, predict: "predict.py:Predictor" });
    const props = (doc["components"] as { schemas: { Input: { properties: Record<string, Record<string, unknown>> } } }).schemas.Input.properties;
    expect(props["a"]?.["description"]).toBe('It\'s a "quote"\tand a tab');
    expect(props["a"]?.["default"]).toBe("xy");
    expect(props["b"]?.["pattern"]).toBe("^\\d+$");
    expect(props["c"]?.["default"]).toBe("café");
  });

  it("serialises canonically: sorted keys, two-space indent, trailing newline", async () => {
    const doc = await generateOpenApiSchema({ modelDir: dir, predict: "predict.py:Predictor" });
    const text = serializeOpenApiSchema(doc);
    expect(text.endsWith("}\n")).toBe(true);
    expect(JSON.parse(text)).toEqual(doc);
    expect(text.startsWith('{\n  "components": {\n    "schemas": {\n      "HTTPValidationError"')).toBe(true);
    expect(serializeOpenApiSchema(JSON.parse(text) as Record<string, never>)).toBe(text);
  });

  it("reports user mistakes as CognixErrors with exit code 1 and a location", async () => {
    const badRef = await failure(generateOpenApiSchema({ modelDir: dir, predict: "predict.py" }));
    expect(badRef).toBeInstanceOf(OpenApiSchemaError);
    expect(badRef).toBeInstanceOf(CognixError);
    expect((badRef as OpenApiSchemaError).exitCode).toBe(1);
    expect((badRef as OpenApiSchemaError).kind).toBe("invalid-ref");
    expect(badRef.message).toBe(
      "cog.yaml: predict: invalid predict reference 'predict.py' — expected format: file.py:ClassName or file.py:function_name",
    );

    const missing = await failure(generateOpenApiSchema({ modelDir: dir, train: "train.py:train" }));
    expect(missing.message).toBe("cog.yaml: train: failed to read predictor source train.py: no such file");

    const none = await failure(generateOpenApiSchema({ modelDir: dir }));
    expect(none).toBeInstanceOf(CognixError);
    expect(none.message).toBe("no predict or train reference provided");
  });

  it("says which file of the model an error is in", async () => {
    writeFileSync(
      join(dir, "base.py"),
      "from cog import BasePredictor\n\nclass Base(BasePredictor):\n    def predict(self, x: complex) -> str:\n        pass\n",
    );
    writeFileSync(join(dir, "child.py"), "from base import Base\n\nclass Predictor(Base):\n    pass\n");
    const error = await failure(generateOpenApiSchema({ modelDir: dir, predict: "child.py:Predictor" }));
    expect(error.message).toBe("base.py:4:26: unsupported type: complex");
  });
});
