import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CognixError, formatKeyPath, type Problem } from "../../util/errors.ts";
import { generate } from "../generate.ts";
import { copyFixture } from "./helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function problemsFor(rel: string, prepare?: (dir: string) => void): Problem[] {
  const f = copyFixture(rel);
  cleanups.push(f.cleanup);
  prepare?.(f.dir);
  try {
    generate(f.dir);
  } catch (err) {
    if (err instanceof CognixError) return [...err.problems];
    throw err;
  }
  throw new Error(`${rel} generated without error`);
}

/** [file, line, column, key path, text the message must contain] for every problem, in order. */
type Expect = [string, number, number | undefined, string, string | RegExp];

const CASES: Record<string, Expect[]> = {
  "invalid-yaml": [["cog.yaml", 4, 1, "", "invalid YAML"]],
  "duplicate-key": [["cog.yaml", 4, 3, "", "duplicate key"]],
  "wrong-type": [
    ["cog.yaml", 3, 8, "build.gpu", 'must be a boolean (true or false), not a string ("yes")'],
    ["cog.yaml", 4, 20, "build.system_packages", "must be a list"],
  ],
  "unknown-key": [
    ["cog.yaml", 2, 3, "build.pythn_version", 'did you mean "python_version"'],
    ["cog.yaml", 4, 1, "predikt", 'did you mean "predict"'],
  ],
  "misplaced-key": [["cog.yaml", 1, 1, "python_version", 'belongs under "build"']],
  "missing-python-version": [["cog.yaml", 1, 1, "build.python_version", "python_version is required"]],
  "python-version-float": [["cog.yaml", 2, 19, "build.python_version", 'quote it: "3.10"']],
  "packages-and-requirements": [["cog.yaml", 3, 3, "build.python_packages", "only one of python_packages or python_requirements"]],
  "run-and-predict": [["cog.yaml", 3, 1, "run", "only one of run or predict"]],
  "ref-missing": [
    ["cog.yaml", 3, 10, "predict", "missing.py not found"],
    ["cog.yaml", 4, 8, "train", "does not define train at top level"],
  ],
  "ref-format": [["cog.yaml", 3, 6, "run", "must be in the form 'run.py:Runner'"]],
  "environment-format": [["cog.yaml", 6, 5, "environment[1]", "NAME=value"]],
  "environment-reserved": [
    ["cog.yaml", 6, 5, "environment[1]", '"PATH" is reserved'],
    ["cog.yaml", 7, 5, "environment[2]", '"CUDA_HOME" is reserved'],
    ["cog.yaml", 8, 5, "environment[3]", '"GOOD" is already defined'],
  ],
  "concurrency-zero": [["cog.yaml", 5, 8, "concurrency.max", "must be at least 1"]],
  "concurrency-old-python": [["cog.yaml", 5, 8, "concurrency.max", "requires Python 3.11"]],
  versions: [
    ["cog.yaml", 4, 9, "build.cuda", "minimum supported CUDA version is 11"],
    ["cog.yaml", 5, 16, "build.sdk_version", "below the minimum supported version 0.16.0"],
  ],
  "requirements-missing": [["cog.yaml", 3, 24, "build.python_requirements", "requirements file not found: nope.txt"]],
  "requirements-cycle": [["more/b.txt", 2, undefined, "", "include cycle: requirements.txt -> more/b.txt -> requirements.txt"]],
  "weights-name": [["cog.yaml", 6, 11, "weights[0].name", "lowercase"]],
  "weights-rules": [
    ["cog.yaml", 10, 11, "weights[1].name", 'duplicate weight name "base"'],
    ["cog.yaml", 11, 13, "weights[1].target", "must be an absolute path"],
    ["cog.yaml", 15, 13, "weights[2].target", "overlaps"],
    ["cog.yaml", 18, 17, "weights[2].source.include[0]", "negation patterns"],
  ],
  "weights-multi-source": [["cog.yaml", 9, 7, "weights[0].source", "several sources is not supported"]],
  "removed-and-exclusive": [
    ["cog.yaml", 3, 3, "build.python_overrides", "not supported"],
    ["cog.yaml", 6, 1, "model", "cannot both be set"],
  ],
  "run-items": [
    ["cog.yaml", 7, 17, "build.run[1].mounts[0].type", 'must be one of "secret"'],
    ["cog.yaml", 10, 7, "build.run[2]", "must be a string or a mapping"],
  ],
  "not-a-mapping": [["cog.yaml", 1, 1, "", "must be a mapping"]],
  empty: [["cog.yaml", NaN, undefined, "", "empty"]],
};

describe("each error class points at the right file, line, column and key", () => {
  it.each(Object.keys(CASES))("%s", (name) => {
    const got = problemsFor(`broken/${name}`);
    const want = CASES[name] ?? [];
    expect(got.length).toBe(want.length);
    want.forEach(([file, line, column, key, text], i) => {
      const p = got[i] as Problem;
      expect(p.file).toBe(file);
      if (!Number.isNaN(line)) expect(p.line).toBe(line);
      expect(p.column).toBe(column);
      expect(formatKeyPath(p.path ?? [])).toBe(key);
      if (typeof text === "string") expect(p.message).toContain(text);
      else expect(p.message).toMatch(text);
    });
  });

  it("requirements lines: unknown option, wheel outside the project, missing wheel", () => {
    const got = problemsFor("broken/requirements-bad-lines", (dir) => writeFileSync(join(dir, "..", "outside.whl"), "x"));
    expect(got.map((p) => [p.file, p.line, p.message])).toEqual([
      ["requirements.txt", 3, "unknown pip option --no-such-option"],
      ["requirements.txt", 4, "local package ../outside.whl must be inside the project directory"],
      ["requirements.txt", 5, "local package ./wheels/absent.whl not found"],
    ]);
  });

  it("a symlink leading out of the project is outside it", () => {
    const got = problemsFor("broken/requirements-missing", (dir) => {
      writeFileSync(join(dir, "..", "elsewhere.txt"), "numpy\n");
      symlinkSync(join(dir, "..", "elsewhere.txt"), join(dir, "nope.txt"));
    });
    expect(got.map((p) => p.message)).toEqual(["requirements file nope.txt is outside the model directory"]);
  });

  it("an index URL that is not absolute is reported at its line", () => {
    const got = problemsFor("valid/all-keys", (dir) => writeFileSync(join(dir, "reqs", "extra.txt"), "--extra-index-url $PRIVATE_INDEX\n"));
    expect(got.map((p) => [p.file, p.line, p.message])).toEqual([["reqs/extra.txt", 1, 'package index must be an absolute URL, not "$PRIVATE_INDEX"']]);
  });
});
