import { mkdtempSync, realpathSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkPythonRef, topLevelNames } from "../python-ref.ts";

describe("topLevelNames", () => {
  it("finds classes, functions, assignments and imports at column 0 only", () => {
    const src = [
      "from cog import BasePredictor, Input as In",
      "from .impl import (",
      "    Runner,",
      "    helper as h,",
      ")",
      "import os.path, numpy as np",
      "MODEL: str = 'x'",
      "CACHE = {}",
      "",
      "class Predictor(BasePredictor):",
      "    def predict(self): ...",
      "    class Inner: ...",
      "",
      "async def train(x):",
      "    nested = 1",
      '"""',
      "class InDocstring:",
      '"""',
      "def after_doc(): ...",
      "if True:",
      "    def conditional(): ...",
      "x == 1",
    ].join("\n");
    const names = [...topLevelNames(src)].sort();
    expect(names).toEqual(["BasePredictor", "CACHE", "In", "MODEL", "Predictor", "Runner", "after_doc", "h", "np", "os", "train"]);
  });
});

describe("checkPythonRef", () => {
  let base = "";
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it("accepts a defined name and reports each way a reference can be wrong", () => {
    base = mkdtempSync(join(tmpdir(), "cognix-ref-"));
    const root = join(base, "p");
    mkdirSync(join(root, "src"), { recursive: true });
    writeFileSync(join(root, "src", "predict.py"), "class Predictor:\n    pass\n");
    writeFileSync(join(base, "outside.py"), "class Predictor: pass\n");
    const real = realpathSync(root);
    const loc = { file: "cog.yaml", line: 3, column: 10, path: ["predict"] };
    expect(checkPythonRef(real, "src/predict.py:Predictor", loc, "predict.py:Predictor")).toEqual([]);
    const msg = (ref: string): string[] => checkPythonRef(real, ref, loc, "predict.py:Predictor").map((p) => p.message);
    expect(msg("src/predict.py:Runner")).toEqual(['src/predict.py does not define Runner at top level (expected "class Runner" or "def Runner")']);
    expect(msg("nope.py:Predictor")).toEqual(["nope.py not found in the model directory"]);
    expect(msg("../outside.py:Predictor")).toEqual(["../outside.py is outside the model directory"]);
    expect(msg("src/predict.py")).toEqual(["must be in the form 'predict.py:Predictor', got \"src/predict.py\""]);
    expect(msg("src:Predictor")).toHaveLength(1);
    expect(checkPythonRef(real, "src/predict.py:Nope", loc, "x.py:Y")[0]).toMatchObject({ file: "cog.yaml", line: 3, column: 10, path: ["predict"] });
  });
});
