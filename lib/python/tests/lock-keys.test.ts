// `cognix lock --check` (TS) and the image build (lib/python/freshness.nix)
// read where a requirement comes from by the same keys (lib/data/uv-lock.json):
// a dependency on a local directory is fresh for both, and stale for both
// once pyproject.toml points elsewhere.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkLockFresh } from "../../../ts/lock/freshness.ts";
import { nixEvalJson, nixUnavailable } from "../../../ts/testkit/nix-eval.ts";
import { TESTS_DIR } from "./paths.ts";

const unavailable = nixUnavailable();
if (unavailable !== null) console.warn(`lib/python: skipping the lock-key agreement: ${unavailable}`);

const lock = (dir: string): string => `version = 1
requires-python = ">=3.11"

[[package]]
name = "model"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "helper" }]

[package.metadata]
requires-dist = [{ name = "helper", directory = "${dir}" }]

[[package]]
name = "helper"
version = "0.1.0"
source = { directory = "${dir}" }
`;

const pyproject = (path: string): string => `[project]
name = "model"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["helper"]

[tool.uv.sources]
helper = { path = "${path}" }
`;

describe.skipIf(unavailable !== null)("uv.lock keys shared by TS and Nix", () => {
  const dir = mkdtempSync(join(tmpdir(), "cognix-lock-keys-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function both(lockedDir: string, sourcePath: string): { ts: string[]; nix: string[] } {
    writeFileSync(join(dir, "uv.lock"), lock(lockedDir));
    writeFileSync(join(dir, "pyproject.toml"), pyproject(sourcePath));
    const nix = nixEvalJson<string[]>(`
      let
        lib = (import ${join(TESTS_DIR, "..", "..", "tests", "inputs.nix")}).lib;
        py = import ${join(TESTS_DIR, "..")} { inherit lib; inputs = import ${join(TESTS_DIR, "..", "inputs.nix")} { }; };
      in py.lockChanges { pyproject = lib.importTOML ${join(dir, "pyproject.toml")}; rawLock = lib.importTOML ${join(dir, "uv.lock")}; }`);
    return { ts: checkLockFresh(dir).changes.map((c) => c.kind), nix };
  }

  it("a dependency on a local directory is fresh for both", () => {
    expect(both("helper", "helper")).toEqual({ ts: [], nix: [] });
  });

  it("is stale for both once pyproject.toml names another directory", () => {
    const r = both("helper", "other");
    expect(r.ts).toEqual(["changed"]);
    expect(r.nix).toEqual(["changed: helper: uv.lock has helper @ helper, pyproject.toml has helper @ other"]);
  });
});
