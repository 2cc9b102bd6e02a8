import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateOpenApiSchema, initPythonParser, OpenApiSchemaError, readModelSchema } from "../index.ts";

const root = mkdtempSync(join(tmpdir(), "cognix-openapi-model-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(() => initPythonParser());

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

function model(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const PREDICT = `from cog import BasePredictor
from helpers import Greeting
import numpy


class Predictor(BasePredictor):
    def predict(self, name: str) -> Greeting:
        return Greeting(text=name)
`;
const HELPERS = `from cog import BaseModel


class Greeting(BaseModel):
    text: str
`;

describe("readModelSchema", () => {
  it("names every file it read with its sha256, and each it looked for and did not find with null", () => {
    const dir = model("files", { "predict.py": PREDICT, "helpers.py": HELPERS, "train.py": "def train(n: int) -> str:\n    return ''\n" });
    const schema = readModelSchema({ modelDir: dir, predict: "predict.py:Predictor" });
    // numpy is a known package, never looked for; train.py is not read without a train reference.
    expect(schema.files).toEqual([
      { path: "helpers.py", sha256: sha256(HELPERS) },
      { path: "predict.py", sha256: sha256(PREDICT) },
    ]);
    const withMissing = model("missing", { "predict.py": PREDICT.replace("from helpers", "from localtypes") });
    expect(() => readModelSchema({ modelDir: withMissing, predict: "predict.py:Predictor" })).toThrow(OpenApiSchemaError);
    const relaxed = model("absent", { "predict.py": "import localtypes\nfrom cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return ''\n" });
    // `import localtypes` may name localtypes.py or, as Cog also tries, localtypes/localtypes.py.
    expect(readModelSchema({ modelDir: relaxed, predict: "predict.py:Predictor" }).files.map((f) => [f.path, f.sha256 === null])).toEqual([
      ["localtypes.py", true],
      ["localtypes/localtypes.py", true],
      ["predict.py", false],
    ]);
  });

  it("reads through the reader it is given, which may refuse a file", () => {
    const dir = model("reader", { "predict.py": PREDICT, "helpers.py": HELPERS });
    const asked: string[] = [];
    const schema = readModelSchema({
      modelDir: dir,
      predict: "predict.py:Predictor",
      readFile: (p) => {
        asked.push(p);
        return p === "predict.py" ? Buffer.from(PREDICT) : p === "helpers.py" ? Buffer.from(HELPERS.replace("text: str", "text: int")) : undefined;
      },
    });
    expect(asked.sort()).toEqual(["helpers.py", "predict.py"]);
    const output = (schema.document["components"] as { schemas: { Output: { properties: { text: { type: string } } } } }).schemas.Output;
    expect(output.properties.text.type).toBe("integer");
    expect(() =>
      readModelSchema({ modelDir: dir, predict: "predict.py:Predictor", readFile: () => { throw new Error("refused"); } }),
    ).toThrow("refused");
  });

  it("says whether the runner is async and what @cog.concurrent allows", async () => {
    const sync = model("sync", { "predict.py": "from cog import BasePredictor\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return ''\n" });
    expect(readModelSchema({ modelDir: sync, predict: "predict.py:Predictor" }).runner).toEqual({ isAsync: false });
    const concurrent = model("concurrent", {
      "predict.py": "import cog\n\nclass Predictor(cog.BasePredictor):\n    @cog.concurrent(max=8)\n    async def run(self) -> str:\n        return ''\n",
    });
    expect(readModelSchema({ modelDir: concurrent, predict: "predict.py:Predictor" }).runner).toEqual({ isAsync: true, concurrencyMax: 8 });
    const bare = model("bare", { "predict.py": "from cog import BasePredictor, concurrent\n\nclass Predictor(BasePredictor):\n    @concurrent\n    def predict(self) -> str:\n        return ''\n" });
    expect(readModelSchema({ modelDir: bare, predict: "predict.py:Predictor" }).runner).toEqual({ isAsync: false, concurrencyMax: 1 });
    // The trainer runs when there is no predictor.
    const trainer = model("trainer", { "train.py": "async def train(n: int) -> str:\n    return ''\n" });
    expect(readModelSchema({ modelDir: trainer, train: "train.py:train" }).runner).toEqual({ isAsync: true });
    const huge = model("huge", { "predict.py": "import cog\n\nclass Predictor(cog.BasePredictor):\n    @cog.concurrent(max=4294967296)\n    async def run(self) -> str:\n        return ''\n" });
    await expect(generateOpenApiSchema({ modelDir: huge, predict: "predict.py:Predictor" })).rejects.toThrow(
      /^predict\.py:5:5: @concurrent max is too large \(at most 2147483647\)$/,
    );
  });
});
