// cognix generate reads the predictor's OpenAPI schema into cognix.json, as
// Cog's build reads it: statically, refusing what Cog refuses at its
// position, with the concurrency the image runs with and the Python files
// whose change makes cognix.json stale.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateOpenApiSchema } from "../../openapi/index.ts";
import { CognixError, formatProblem } from "../../util/errors.ts";
import { generate } from "../generate.ts";
import { runCli } from "./helpers.ts";

const base = mkdtempSync(join(tmpdir(), "cognix-gen-schema-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
function model(cogYaml: string, files: Record<string, string>): string {
  const dir = join(base, `m${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "cog.yaml"), cogYaml);
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

function problems(dir: string): string[] {
  try {
    generate(dir);
  } catch (err) {
    if (err instanceof CognixError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
const HEAD = 'build:\n  python_version: "3.12"\n';

const PREDICT = `from cog import BasePredictor, Input
from shapes import Box


class Predictor(BasePredictor):
    async def predict(self, side: float = Input(ge=0.5, default=1.25)) -> Box:
        return Box(side=side)
`;
const SHAPES = "from cog import BaseModel\n\n\nclass Box(BaseModel):\n    side: float\n";
const TRAIN = "def train(steps: int = 10) -> str:\n    return ''\n";

describe("the OpenAPI schema in cognix.json", () => {
  it("is the document ts/openapi writes, without info.version, with every Python file read", async () => {
    const dir = model(`${HEAD}predict: predict.py:Predictor\ntrain: train.py:train\n`, { "predict.py": PREDICT, "shapes.py": SHAPES, "train.py": TRAIN });
    const { config } = generate(dir);
    const full = await generateOpenApiSchema({ modelDir: dir, predict: "predict.py:Predictor", train: "train.py:train" });
    expect(config.openapiSchema).toEqual({ ...full, info: { title: "Cog" } });
    expect(Object.keys((full["paths"] ?? {}) as object)).toContain("/trainings");
    expect(config.source.pythonFiles).toEqual([
      { path: "predict.py", sha256: sha256(PREDICT) },
      { path: "shapes.py", sha256: sha256(SHAPES) },
      { path: "train.py", sha256: sha256(TRAIN) },
    ]);
  });

  it("is null, with no files, when cog.yaml names neither predict nor train", () => {
    const { config } = generate(model(HEAD, {}));
    expect(config.openapiSchema).toBeNull();
    expect(config.source.pythonFiles).toEqual([]);
  });

  it("refuses a predictor Cog's build refuses, at predict.py:line:column, and writes nothing", async () => {
    const dir = model(`${HEAD}predict: predict.py:Predictor\n`, {
      "predict.py": "from typing import Optional\nfrom cog import BasePredictor\n\n\nclass Predictor(BasePredictor):\n    def predict(self) -> Optional[str]:\n        return None\n",
    });
    const r = await runCli(["generate", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: ${dir}/predict\\.py:6:26: unsupported output type: Optional is not allowed as a return type$`, "m"));
    expect(() => readFileSync(join(dir, "cognix.json"))).toThrow();
  });

  it("refuses an imported module that links out of the model directory", () => {
    const outside = join(base, "outside.py");
    writeFileSync(outside, SHAPES);
    const dir = model(`${HEAD}predict: predict.py:Predictor\n`, { "predict.py": PREDICT });
    symlinkSync(outside, join(dir, "shapes.py"));
    expect(problems(dir)).toEqual(["shapes.py: shapes.py is outside the model directory"]);
  });
});

describe("concurrency, as coglet gets it (COG_MAX_CONCURRENCY)", () => {
  const sync = "from cog import BasePredictor\n\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return ''\n";

  it("refuses concurrency.max above 1 for a predictor that is not async, at concurrency.max", () => {
    const dir = model(`${HEAD}predict: predict.py:Predictor\nconcurrency:\n  max: 4\n`, { "predict.py": sync });
    expect(problems(dir)).toEqual(["cog.yaml:5:8: concurrency.max: concurrency.max > 1 requires an async run() or predict() method"]);
    expect(problems(model(`${HEAD}predict: predict.py:Predictor\nconcurrency:\n  max: 1\n`, { "predict.py": sync }))).toEqual([]);
  });

  it("takes @cog.concurrent's max when cog.yaml sets none, and writes it into run.cog.config as Cog does", () => {
    const decorated = "import cog\n\n\nclass Predictor(cog.BasePredictor):\n    @cog.concurrent(max=6)\n    async def run(self) -> str:\n        return ''\n";
    const { config } = generate(model(`${HEAD}run: predict.py:Predictor\n`, { "predict.py": decorated }));
    expect(config.concurrency).toEqual({ max: 6 });
    expect(JSON.parse(config.labels["run.cog.config"])).toEqual({ build: { python_version: "3.12" }, predict: "predict.py:Predictor", concurrency: { max: 6 } });
    // cog.yaml's value wins over the decorator's.
    const both = generate(model(`${HEAD}run: predict.py:Predictor\nconcurrency:\n  max: 2\n`, { "predict.py": decorated })).config;
    expect(both.concurrency).toEqual({ max: 2 });
    expect(JSON.parse(both.labels["run.cog.config"]).concurrency).toEqual({ max: 2 });
    // Neither: 1, and no concurrency in the label.
    const none = generate(model(`${HEAD}run: predict.py:Predictor\n`, { "predict.py": sync })).config;
    expect(none.concurrency).toEqual({ max: 1 });
    expect(JSON.parse(none.labels["run.cog.config"])).not.toHaveProperty("concurrency");
  });
});
