// A model directory no test has seen, with Python packages, a system package
// and a build.run command, taken through the documented offline path:
// `cognix init --cognix-url path:CHECKOUT`, `cognix lock` (uv against PyPI),
// `scripts/build-example --offline DIR OUT`, then `cognix predict --engine
// chroot`: Cog's server in the image answers with what all three made.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chrootMissing } from "../runtime/chroot.ts";
import { offlineMissing, repo } from "../testkit/offline.ts";

const missing = [...offlineMissing(), ...chrootMissing()];
if (!existsSync("/usr/bin/jq")) missing.push("jq (apt package jq: the offline package set's jq comes from it)");
if (missing.length > 0) console.warn(`ts/tests/new-model: skipping: missing ${missing.join(", ")}`);

const COG_YAML = `build:
  python_version: "3.11"
  python_packages:
    - "humanize==4.11.0"
  system_packages:
    - jq
  run:
    - "python -c 'import humanize; print(humanize.naturalsize(1000000))' > size.txt"
    - "jq -n --rawfile s size.txt '{size: ($s | rtrimstr(\\"\\\\n\\"))}' > built.json"
predict: "predict.py:Predictor"
`;

const PREDICT = `import json
import subprocess

import humanize
from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def setup(self) -> None:
        with open("built.json") as f:
            self.built = json.load(f)

    def predict(self, n: int = Input(description="A number", ge=0)) -> str:
        doubled = subprocess.run(["jq", "-n", f"{n} * 2"], capture_output=True, text=True, check=True).stdout.strip()
        return f"{humanize.intcomma(n)} {doubled} {self.built['size']}"
`;

function cognix(args: string[], cwd: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(join(repo, "node_modules", ".bin", "tsx"), [join(repo, "ts", "cli.ts"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, PATH: `${join(repo, ".tools", "bin")}:${process.env["PATH"] ?? ""}` },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(missing.length > 0)("a new model, offline, with documented commands only", () => {
  const tmp = mkdtempSync(join(tmpdir(), "cognix-new-model-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("goes through init, lock, an offline build and a prediction under chroot", () => {
    const dir = join(tmp, "thousands");
    mkdirSync(dir);
    writeFileSync(join(dir, "cog.yaml"), COG_YAML);
    writeFileSync(join(dir, "predict.py"), PREDICT);

    const init = cognix(["init", ".", "--cognix-url", `path:${repo}`], dir);
    expect(init.status, init.stderr).toBe(0);
    expect(readFileSync(join(dir, "flake.nix"), "utf8")).toContain(`path:${repo}`);

    const lock = cognix(["lock", "."], dir);
    expect(lock.status, lock.stderr).toBe(0);
    expect(readFileSync(join(dir, "uv.lock"), "utf8")).toContain('name = "humanize"');

    const out = join(tmp, "oci");
    const build = spawnSync(join(repo, "scripts", "build-example"), ["--offline", dir, out], {
      cwd: tmp,
      encoding: "utf8",
      env: { ...process.env, COGNIX_EXAMPLE_LINK: join(tmp, "result") },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(build.status, build.stderr).toBe(0);

    const predict = cognix(["predict", "--engine", "chroot", `oci:${out}`, "-i", "n=1234567", "--print-json"], tmp);
    expect(predict.status, predict.stderr).toBe(0);
    expect(JSON.parse(predict.stdout)).toEqual({ files: [], ok: true, output: "1,234,567 2469134 1.0 MB" });
  }, 900_000);
});
