// Evaluates lib/tests/cases/*.nix offline and compares each with
// lib/tests/expected/<name>.json: option defaults, overrides, assertion
// messages, image config and root filesystem, .dockerignore matching.
import { existsSync, lstatSync, readFileSync, readdirSync, symlinkSync } from "node:fs";
import { join, dirname, basename } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { hasNix, inputAvailable, nixEvalFile } from "../../ts/testkit/nix-eval.ts";

const here = dirname(fileURLToPath(import.meta.url));
const lockFile = join(here, "..", "..", "flake.lock");
const nixOk = hasNix();
const libOk = nixOk && inputAvailable(lockFile, "nixpkgs-lib");
if (!nixOk) console.warn("lib/tests: skipping Nix module tests: `nix` is not installed");
else if (!libOk) console.warn("lib/tests: skipping Nix module tests: flake input nixpkgs-lib is not in the Nix store");

const cases = readdirSync(join(here, "cases"))
  .filter((f) => f.endsWith(".nix"))
  .sort();

/** True when `p` exists as a symlink (dangling or not). */
function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

describe("Nix modules", () => {
  beforeAll(() => {
    // `result*` is git-ignored, so a checkout may lack the fixture's dangling
    // result links that the .dockerignore case expects to be left out.
    const model = join(here, "fixtures", "ignore-model");
    for (const name of ["result", "result-gpu"]) {
      const p = join(model, name);
      if (!isLink(p) && !existsSync(p)) symlinkSync("nonexistent-build-output", p);
    }
  });
  it("has a case per expected file", () => {
    const expected = readdirSync(join(here, "expected")).filter((f) => f.endsWith(".json"));
    expect(cases.map((c) => basename(c, ".nix")).sort()).toEqual(expected.map((e) => basename(e, ".json")).sort());
  });

  for (const file of cases) {
    const name = basename(file, ".nix");
    it.skipIf(!libOk)(`${name} evaluates to expected/${name}.json`, () => {
      const r = nixEvalFile(join(here, "cases", file));
      expect(r.stderr.includes("error:") ? r.stderr : "").toBe("");
      expect(r.status).toBe(0);
      const expected: unknown = JSON.parse(readFileSync(join(here, "expected", `${name}.json`), "utf8"));
      expect(JSON.parse(r.stdout)).toEqual(expected);
    });
  }
});
