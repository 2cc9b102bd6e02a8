// Values YAML accepts that would fail later (in Nix, in a shell, in the image)
// or be silently changed: generate must refuse each, saying where it is.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CognixError, formatProblem } from "../../util/errors.ts";
import { generate } from "../generate.ts";
import { runCli } from "./helpers.ts";

const HEAD = 'build:\n  python_version: "3.12"\npredict: predict.py:Predictor\n';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function model(cogYaml: string | Buffer, files: Record<string, string | Buffer> = {}): string {
  const base = mkdtempSync(join(tmpdir(), "cognix-values-"));
  dirs.push(base);
  const dir = join(base, "model");
  mkdirSync(dir);
  writeFileSync(join(dir, "cog.yaml"), cogYaml);
  writeFileSync(join(dir, "predict.py"), "class Predictor:\n    async def predict(self) -> str: ...\n");
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** The problems generate reports, as `file:line:column: key: message` lines. */
function problems(dir: string): string[] {
  try {
    generate(dir);
  } catch (err) {
    if (err instanceof CognixError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

const utf16 = (text: string, bom: boolean): Buffer => Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, "utf16le")]);

const CASES: [string, () => string, RegExp][] = [
  ["a concurrency too large to be an integer anywhere", () => model(`${HEAD}concurrency:\n  max: 1e26\n`), /^cog\.yaml:5:8: concurrency\.max: must be a whole number from 1 to 2147483647/],
  ["a concurrency past what a 32-bit integer holds", () => model(`${HEAD}concurrency:\n  max: 4294967296\n`), /^cog\.yaml:5:8: concurrency\.max: must be a whole number from 1 to 2147483647/],
  ["an empty weight target", () => model(`${HEAD}weights:\n  - name: w\n    target: ""\n    source:\n      uri: hf://acme/base@main\n`), /^cog\.yaml:6:13: weights\[0\]\.target: must not be empty/],
  ["an empty weight source path", () => model(`${HEAD}weights:\n  - source: ""\n`), /^cog\.yaml:5:13: weights\[0\]\.source: must name a file or directory inside the model directory/],
  ["a weight source path out of the model directory", () => model(`${HEAD}weights:\n  - source: ../elsewhere\n`), /^cog\.yaml:5:13: weights\[0\]\.source: must name a file or directory inside the model directory/],
  ["an empty weight source URI", () => model(`${HEAD}weights:\n  - name: w\n    target: /w\n    source:\n      uri: ""\n`), /^cog\.yaml:8:12: weights\[0\]\.source\.uri: unsupported weights source/],
  ["a date as weight source URI", () => model(`${HEAD}weights:\n  - name: w\n    target: /w\n    source:\n      uri: 2024-01-01\n`), /^cog\.yaml:8:12: weights\[0\]\.source\.uri: unsupported weights source .*"2024-01-01"/],
  ["an image name with shell characters", () => model(`${HEAD}image: "r8.im/acme/model; touch /tmp/x"\n`), /^cog\.yaml:4:8: image: invalid image reference/],
  ["a NUL in an environment value", () => model(`${HEAD}environment:\n  - "A=x\\0y"\n`), /^cog\.yaml:5:5: environment\[0\]: contains a NUL character/],
  ["a NUL in a build command", () => model(`build:\n  python_version: "3.12"\n  run:\n    - "echo \\0"\npredict: predict.py:Predictor\n`), /^cog\.yaml:4:7: build\.run\[0\]: contains a NUL character/],
  ["invalid UTF-8 in a value", () => model(Buffer.concat([Buffer.from(`${HEAD}environment:\n  - A=caf`), Buffer.from([0xe9]), Buffer.from("\n")])), /^cog\.yaml:5:10: environment\[0\]: byte 0xe9 is not valid UTF-8/],
  ["cog.yaml in UTF-16 with a BOM", () => model(utf16(HEAD, true)), /^cog\.yaml:1:1: the file is UTF-16 text; save it as UTF-8/],
  ["cog.yaml in UTF-16 without a BOM", () => model(utf16(HEAD, false)), /^cog\.yaml:1:2: the file looks like UTF-16 text; save it as UTF-8/],
  [
    "invalid UTF-8 in a requirements file",
    () => model(`build:\n  python_version: "3.12"\n  python_requirements: requirements.txt\npredict: predict.py:Predictor\n`, { "requirements.txt": Buffer.concat([Buffer.from("numpy==1.26.4\ntorch"), Buffer.from([0xff]), Buffer.from("\n")]) }),
    /^requirements\.txt:2:6: byte 0xff is not valid UTF-8/,
  ],
  [
    "a requirements file in UTF-16",
    () => model(`build:\n  python_version: "3.12"\n  python_requirements: requirements.txt\npredict: predict.py:Predictor\n`, { "requirements.txt": utf16("numpy==1.26.4\n", true) }),
    /^requirements\.txt:1:1: the file is UTF-16 text/,
  ],
];

describe("generate refuses values that would fail later", () => {
  for (const [what, make, expected] of CASES) {
    it(what, () => {
      const got = problems(make());
      expect(got.length).toBeGreaterThan(0);
      expect(got[0]).toMatch(expected);
    });
  }

  it("keeps the values later stages can carry", () => {
    const dir = model(`${HEAD}concurrency:\n  max: 2147483647\nimage: r8.im/acme/model\nenvironment:\n  - "GREETING=caf\u00e9 \u2615"\n`);
    expect(problems(dir)).toEqual([]);
  });

  it("exits 1 and writes nothing (the command)", async () => {
    const dir = model(`${HEAD}concurrency:\n  max: 1e26\n`);
    writeFileSync(join(dir, "cognix.json"), "previous\n");
    const r = await runCli(["generate", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cog\.yaml:5:8: concurrency\.max: must be a whole number/);
    expect(readFileSync(join(dir, "cognix.json"), "utf8")).toBe("previous\n");
  });
});
