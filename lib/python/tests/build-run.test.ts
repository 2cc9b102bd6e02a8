import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hostFacts } from "../../../ts/testkit/offline.ts";
import { nixBuild, nixEvalError, nixString, nixUnavailable } from "../../../ts/testkit/nix-eval.ts";
import { TESTS_DIR } from "./paths.ts";
import { spawnSync } from "node:child_process";

const missing = nixUnavailable();
if (missing) console.warn(`skipping build.run tests: ${missing}`);
const noCurl = !existsSync("/usr/bin/curl");
if (noCurl) console.warn("skipping the build.run network test: /usr/bin/curl is missing (the offline package set's curl comes from it)");

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function model(): string {
  const dir = mkdtempSync(join(tmpdir(), "cognix-buildrun-"));
  temps.push(dir);
  mkdirSync(join(dir, "model"));
  writeFileSync(join(dir, "model", "predict.py"), "class Predictor: pass\n");
  return join(dir, "model");
}

// The step with the offline package set's shell, coreutils and curl, as
// modules/cog runs it (pkgs.runtimeShell, tools from the package set).
function expr(src: string, commands: string): string {
  return `let inputs = import ${join(TESTS_DIR, "..", "inputs.nix")} { };
    lib = import (inputs.nixpkgs-lib.outPath + "/lib");
    pkgs = import ${join(TESTS_DIR, "..", "..", "offline")} { inherit lib; host = ${nixString(hostFacts())}; };
  in import ${join(TESTS_DIR, "..", "build-run.nix")} { inherit lib; } {
    system = builtins.currentSystem; src = ${src}; commands = ${commands};
    shell = pkgs.runtimeShell; tools = [ pkgs.coreutils pkgs.curl ]; }`;
}

describe("build.run step", () => {
  it.skipIf(missing !== null)("runs the commands in order in a copy of the model source", () => {
    const src = model();
    const out = nixBuild(expr(src, `[ "echo one > a.txt" { command = "cat a.txt a.txt > b.txt"; mounts = [ ]; } ]`));
    expect(readdirSync(join(out, "src")).sort()).toEqual(["a.txt", "b.txt", "predict.py"]);
    expect(readFileSync(join(out, "src", "b.txt"), "utf8")).toBe("one\none\n");
  });

  it.skipIf(missing !== null || noCurl)("refuses network and says how to express a download", () => {
    const src = model();
    const r = spawnSync("nix-build", ["--no-out-link", "-E", expr(src, `[ "curl -fsS https://example.com/weights.bin -o w.bin" ]`)], {
      encoding: "utf8",
      env: { ...process.env, NIX_CONFIG: "experimental-features = nix-command flakes" },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("build.run[0] failed (exit 7)");
    expect(r.stderr).toContain("run without network");
    expect(r.stderr).toContain("a fixed-output fetch with its hash");
    expect(r.stderr).toContain("`weights` entry in cog.yaml");
  });

  it.skipIf(missing !== null)("rejects a command that mounts a secret", () => {
    const src = model();
    const err = nixEvalError(`(${expr(src, `[ { command = "cat /run/secrets/tok"; mounts = [ { type = "secret"; id = "tok"; target = "/run/secrets/tok"; } ]; } ]`)}).drvPath`);
    expect(err).toContain("mounts a secret");
  });
});
