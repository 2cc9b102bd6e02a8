// Which Pythons the Nix side builds (lib/data/pythons.json, shared with
// `cognix generate`), why 3.8 is refused, and that uv2nix checks the lock
// against the interpreter's own version rather than a made-up "3.X.0".
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SUPPORTED_PYTHONS } from "../../../ts/generate/resolve/python.ts";
import { nixEvalError, nixEvalJson, nixString, nixUnavailable } from "../../../ts/testkit/nix-eval.ts";
import { FIXTURES, TESTS_DIR } from "./paths.ts";

const missing = nixUnavailable();
if (missing) console.warn(`skipping the Python version tests: ${missing}`);

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** plain-cpu with its requires-python raised to a patch release, in lock and pyproject alike. */
function requiringPatch(spec: string): string {
  const dir = mkdtempSync(join(tmpdir(), "cognix-pyver-"));
  temps.push(dir);
  cpSync(join(FIXTURES, "plain-cpu"), dir, { recursive: true });
  for (const f of ["uv.lock", "pyproject.toml"]) {
    const text = readFileSync(join(dir, f), "utf8");
    const edited = text.replace('requires-python = ">=3.12"', `requires-python = "${spec}"`);
    expect(edited, f).not.toBe(text);
    writeFileSync(join(dir, f), edited);
  }
  return dir;
}

function caseExpr(root: string, python: string, interpreter?: string): string {
  return `import ${join(TESTS_DIR, "python-version-case.nix")} { workspaceRoot = ${root}; pythonVersion = ${nixString(python)}; ${
    interpreter ? `interpreterVersion = ${nixString(interpreter)};` : ""
  } }`;
}

interface Resolved {
  packages: string[];
  versions: Record<string, string>;
}

describe("supported Pythons", () => {
  it.skipIf(missing !== null)("the Nix side builds exactly the Pythons `cognix generate` accepts", () => {
    const nix = nixEvalJson<string[]>(
      `let inputs = import ${join(TESTS_DIR, "..", "inputs.nix")} { }; lib = import (inputs.nixpkgs-lib.outPath + "/lib"); in (import ${join(TESTS_DIR, "..")} { inherit lib inputs; }).supportedMinors`,
    );
    expect(nix).toEqual([...SUPPORTED_PYTHONS]);
    expect(nix).toContain("3.14");
    expect(nix).not.toContain("3.8");
  });

  it.skipIf(missing !== null)("resolves a lock for Python 3.14", () => {
    const r = nixEvalJson<Resolved>(caseExpr(join(FIXTURES, "plain-cpu"), "3.14"));
    expect(r.packages).toEqual(expect.arrayContaining(["loguru", "requests"]));
    expect(r.versions["requests"]).toBe("2.32.3");
  });

  it.skipIf(missing !== null)("refuses Python 3.8 with the reason, before anything is resolved", () => {
    const err = nixEvalError(caseExpr(join(FIXTURES, "plain-cpu"), "3.8"));
    expect(err).toContain("cognix: Python 3.8 is not supported: pyproject.nix's virtualenv builder");
    expect(err).toContain("cognix builds 3.9, 3.10, 3.11, 3.12, 3.13, 3.14");
  });

  it.skipIf(missing !== null)("the reason holds for the pinned build-system-pkgs: its requires-python admits 3.9 and every supported minor, not 3.8", () => {
    const admitted = nixEvalJson<Record<string, boolean>>(
      `let inputs = import ${join(TESTS_DIR, "..", "inputs.nix")} { }; lib = import (inputs.nixpkgs-lib.outPath + "/lib");
           pn = import (inputs.pyproject-nix.outPath + "/default.nix") { inherit lib; };
           inherit (pn.lib) pep440;
           conds = pep440.parseVersionConds (lib.importTOML (inputs.pyproject-build-systems.outPath + "/pyproject.toml")).project.requires-python;
       in lib.genAttrs [ "3.8.18" ${SUPPORTED_PYTHONS.map((p) => nixString(`${p}.0`)).join(" ")} ]
            (v: lib.all (c: pep440.comparators.\${c.op} (pep440.parseVersion v) c.version) conds)`,
    );
    expect(admitted["3.8.18"]).toBe(false);
    for (const p of SUPPORTED_PYTHONS) expect(admitted[`${p}.0`], p).toBe(true);
  });

  // pyenv's 3.8 and 3.9, where this machine has them (uv and pip do not install interpreters).
  const pyenv = join(process.env["PYENV_ROOT"] ?? join(homedir(), ".pyenv"), "versions");
  const pyenvPython = (minor: string): string => {
    const versions = existsSync(pyenv) ? readdirSync(pyenv).filter((v) => v.startsWith(`${minor}.`)).sort() : [];
    return versions.length === 0 ? join(pyenv, `${minor}.0`, "bin", `python${minor}`) : join(pyenv, versions[versions.length - 1]!, "bin", `python${minor}`);
  };
  const python38 = pyenvPython("3.8");
  if (!existsSync(python38)) console.warn(`skipping the make_venv.py check on Python 3.8: no ${python38} on this machine`);
  it.skipIf(missing !== null || !existsSync(python38))(
    `the reason holds for pyproject.nix's make_venv.py: Python 3.8 fails on import, 3.9 starts (needs ${python38})`,
    () => {
      const script = nixEvalJson<string>(
        `let inputs = import ${join(TESTS_DIR, "..", "inputs.nix")} { }; in "\${inputs.pyproject-nix.outPath}/build/hooks/make-venv/make_venv.py"`,
      );
      const r38 = spawnSync(python38, [script, "--help"], { encoding: "utf8" });
      expect(r38.status).not.toBe(0);
      expect(r38.stderr).toContain("'type' object is not subscriptable");
      const python39 = pyenvPython("3.9");
      if (existsSync(python39)) expect(spawnSync(python39, [script, "--help"], { encoding: "utf8" }).status).toBe(0);
    },
  );
});

describe("the interpreter's own version", () => {
  it.skipIf(missing !== null)("a lock requiring 3.12.4 builds for cog.yaml's 3.12 on nixpkgs' 3.12.7", () => {
    const r = nixEvalJson<Resolved>(caseExpr(requiringPatch(">=3.12.4"), "3.12", "3.12.7"));
    expect(r.versions["loguru"]).toBeDefined();
    expect(Object.keys(r.versions).sort()).toEqual([...r.packages].sort());
  });

  it.skipIf(missing !== null)("uv2nix refuses it on an interpreter older than the lock allows (3.12.2)", () => {
    const err = nixEvalError(caseExpr(requiringPatch(">=3.12.4"), "3.12", "3.12.2"));
    expect(err).toContain("pep440.comparators");
  });

  it.skipIf(missing !== null)("cognix's own check still refuses a minor the lock cannot admit", () => {
    const err = nixEvalError(caseExpr(requiringPatch(">=3.12.4"), "3.11"));
    expect(err).toContain('requires-python = ">=3.12.4" does not admit Python 3.11');
    const exact = nixEvalError(caseExpr(requiringPatch(">=3.12.4"), "3.12.3"));
    expect(exact).toContain('requires-python = ">=3.12.4" does not admit Python 3.12.3');
  });
});
