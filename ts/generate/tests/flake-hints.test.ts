// The escape hatch for what cog.yaml cannot say, end to end: `cognix
// generate` asks the model's flake (nix eval) for image.aptMapping,
// image.ignoreApt and python.interpreter only when it meets an apt name it
// cannot map or a Python nixpkgs lacks, and the image module takes the same
// mapping. The flake is a real one, on a copy of this checkout, evaluated
// offline; its package set is a stand-in of plain derivations (never built).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasNix, inputAvailable, nix } from "../../testkit/nix-eval.ts";
import { tempDir } from "../../testkit/temp-dir.ts";
import { CognixError } from "../../util/errors.ts";
import { generate } from "../generate.ts";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const missing = !hasNix() ? "nix is not installed" : !inputAvailable(join(repo, "flake.lock"), "nixpkgs-lib") ? "the nixpkgs-lib flake input is not in the Nix store" : null;
if (missing !== null) console.warn(`skipping the flake escape hatch tests: ${missing}`);

const PREDICT = "from cog import BasePredictor\n\n\nclass Predictor(BasePredictor):\n    def predict(self) -> str:\n        return 'ok'\n";

/** A stand-in package set: derivations that are named, never built. */
const STUB_PKGS = ["hello", "ffmpeg", "ffmpeg-full", "python39"]
  .map((n) => `${JSON.stringify(n)} = derivation { name = ${JSON.stringify(n)}; system = "x86_64-linux"; builder = "/bin/sh"; };`)
  .join(" ");

function flakeText(cognixDir: string, module: string): string {
  return `{
  inputs.cognix.url = "path:${cognixDir}";
  outputs = { self, cognix }:
    cognix.lib.cognixFlake {
      inherit self;
      nixpkgs.legacyPackages.x86_64-linux = { ${STUB_PKGS} };
      src = ./.;
      modules = [ ({ lib, pkgs, ... }: { ${module} }) ];
    };
}
`;
}

function failure(dir: string): CognixError {
  try {
    generate(dir);
  } catch (err) {
    if (err instanceof CognixError) return err;
    throw err;
  }
  throw new Error("generate did not fail");
}

describe.skipIf(missing !== null)("the flake's apt mapping and Python interpreter, read by cognix generate", () => {
  const tmp = tempDir("flake-hints");
  const cognixDir = join(tmp.dir, "cognix");
  let n = 0;

  beforeAll(() => {
    // The files the flake evaluates, so node_modules is not copied to the store.
    mkdirSync(join(cognixDir, "examples"), { recursive: true });
    for (const f of ["flake.nix", "flake.lock", "lib", "modules", "schemas", "templates"]) cpSync(join(repo, f), join(cognixDir, f), { recursive: true });
  });
  afterAll(() => tmp.cleanup());

  /** A model directory with cog.yaml, predict.py and, given a module, a flake.nix. */
  function model(cogYaml: string, module?: string): string {
    const dir = join(tmp.dir, `model-${n++}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "cog.yaml"), cogYaml);
    writeFileSync(join(dir, "predict.py"), PREDICT);
    if (module !== undefined) writeFileSync(join(dir, "flake.nix"), flakeText(cognixDir, module));
    return dir;
  }

  const APT = `build:
  python_version: "3.11"
  system_packages:
    - ffmpeg
    - libfoo-bar9
    - "nvidia-cudnn --fix-missing"
predict: "predict.py:Predictor"
`;

  it("without a flake, names each unknown package at its line and how to map or skip it", () => {
    const err = failure(model(APT));
    expect(err.problems.map((p) => [p.line, p.path])).toEqual([
      [5, ["build", "system_packages", 1]],
      [6, ["build", "system_packages", 2]],
    ]);
    expect(err.problems[0]!.message).toBe(
      'unknown apt package "libfoo-bar9": cognix has no nixpkgs mapping for it (the model has no flake.nix). In the model\'s module in flake.nix, map it (image.aptMapping."libfoo-bar9" = [ "<nixpkgs attribute>" ];) or leave it out (image.ignoreApt = [ "libfoo-bar9" ];); cognix generate reads both from the flake, and cog.yaml stays as it is',
    );
  });

  it("takes the flake's mapping and skip, leaving cog.yaml as it is, and the image module takes them too", () => {
    const dir = model(APT, `image.aptMapping."libfoo-bar9" = [ "hello" ]; image.ignoreApt = [ "nvidia-cudnn" ];`);
    const before = readFileSync(join(dir, "cog.yaml"));
    const out = generate(dir);
    expect(out.config.systemPackages).toEqual([
      { apt: "ffmpeg", nix: ["ffmpeg"] },
      { apt: "libfoo-bar9", nix: ["hello"] },
      { apt: "nvidia-cudnn", nix: [] },
    ]);
    expect(out.warnings).toContain('cog.yaml:6:7: build.system_packages[2]: the apt option --fix-missing is ignored: "nvidia-cudnn --fix-missing" is read as the packages it names');
    expect(readFileSync(join(dir, "cog.yaml"))).toEqual(before);

    writeFileSync(join(dir, "cognix.json"), out.json);
    const names = nix(["eval", "--offline", "--json", `path:${dir}#packages.x86_64-linux.default.config.image.systemPackages`, "--apply", "map (p: p.name)"]);
    expect(names.stderr).not.toContain("error");
    expect(JSON.parse(names.stdout)).toEqual(["ffmpeg", "hello"]);
  });

  it("in the image, the flake's mapping wins over cognix's for a name cognix knows too", () => {
    const dir = model(APT, `image.aptMapping = { "libfoo-bar9" = [ "hello" ]; ffmpeg = [ "ffmpeg-full" ]; }; image.ignoreApt = [ "nvidia-cudnn" ];`);
    writeFileSync(join(dir, "cognix.json"), generate(dir).json);
    const names = nix(["eval", "--offline", "--json", `path:${dir}#packages.x86_64-linux.default.config.image.systemPackages`, "--apply", "map (p: p.name)"]);
    expect(JSON.parse(names.stdout)).toEqual(["ffmpeg-full", "hello"]);
  });

  it("still refuses a name the flake neither maps nor skips", () => {
    const err = failure(model(APT, `image.ignoreApt = [ "nvidia-cudnn" ];`));
    expect(err.problems.map((p) => p.line)).toEqual([5]);
    expect(err.message).toContain('unknown apt package "libfoo-bar9": cognix has no nixpkgs mapping for it. In the model\'s module in flake.nix');
  });

  it("says why when the flake cannot be evaluated", () => {
    const dir = model(APT, "image.ignoreApt = ;");
    expect(failure(dir).problems[0]!.message).toMatch(/^unknown apt package "libfoo-bar9": cognix has no nixpkgs mapping for it \(nix could not evaluate flake\.nix: error: .+\)\. In the model's module/);
  });

  it("never runs nix when every name is known: a broken flake.nix does not matter", () => {
    const dir = model(`build:\n  python_version: "3.11"\n  system_packages:\n    - ffmpeg\n    - libgl1\npredict: "predict.py:Predictor"\n`, "image.ignoreApt = ;");
    expect(generate(dir).config.systemPackages).toEqual([
      { apt: "ffmpeg", nix: ["ffmpeg"] },
      { apt: "libgl1", nix: ["libGL"] },
    ]);
  });

  const PY39 = `build:\n  python_version: "3.9"\npredict: "predict.py:Predictor"\n`;

  it("refuses Python 3.9 with both ways out unless the flake sets python.interpreter", () => {
    const err = failure(model(PY39, `image.ignoreApt = [ ];`));
    expect(err.problems).toHaveLength(1);
    expect(err.message).toBe(
      "cog.yaml:2:19: build.python_version: Python 3.9: current Cog refuses Python below 3.10, and nixpkgs has no Python 3.9 interpreter. Raise python_version to 3.10 or later, or set `python.interpreter` to a Python 3.9 package in the model's flake.nix (cognix generate reads it from there)",
    );
    const out = generate(model(PY39, "python.interpreter = pkgs.python39;"));
    expect(out.config.python.version).toBe("3.9");
    expect(out.config.cog.sdkVersion).toBe("0.16.12");
  });
});
