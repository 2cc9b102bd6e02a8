// A model flake that builds offline: cognix's own files copied into a temp
// dir, a "nixpkgs" flake that is the offline package set (lib/tests/stub-pkgs.nix),
// and a model whose python environment is the stub's fake venv.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hostFacts } from "../../testkit/offline.ts";
import { fixtures, have, repo } from "./helpers.ts";

const typescriptDir = join(repo, "node_modules", "typescript");

/** What the stub build needs that may be missing here (empty: all there). */
export function stubBuildMissing(): string[] {
  const missing: string[] = [];
  if (!have("nix")) missing.push("nix");
  else {
    const lock = join(repo, "flake.lock");
    const expr = `(import ${join(repo, "lib", "locked-input.nix")} (builtins.fromJSON (builtins.readFile ${lock})).nodes.nixpkgs-lib.locked).outPath`;
    const r = spawnSync("nix", ["eval", "--offline", "--impure", "--raw", "--expr", expr], {
      env: { ...process.env, NIX_CONFIG: "experimental-features = nix-command flakes" },
      stdio: "ignore",
    });
    if (r.status !== 0) missing.push("the nixpkgs-lib flake input in the Nix store");
  }
  if (!existsSync(join(repo, "lib", "tests", "stub-pkgs.nix"))) missing.push("lib/tests/stub-pkgs.nix");
  if (!existsSync(join(typescriptDir, "bin", "tsc"))) missing.push("node_modules/typescript");
  return missing;
}

export interface StubFlake {
  cognix: string;
  stub: string;
  model: string;
}

/** Lays out cognix, the stub nixpkgs and a model flake (from tests/fixtures/model) under `root`. */
export function makeStubFlake(root: string): StubFlake {
  const cognix = join(root, "cognix");
  mkdirSync(join(cognix, "examples"), { recursive: true });
  for (const f of ["flake.nix", "flake.lock", "lib", "modules", "schemas", "templates", "ts"]) {
    cpSync(join(repo, f), join(cognix, f), { recursive: true, filter: (src) => !src.includes(`${join("ts", "commands", "tests")}`) });
  }
  const stub = join(root, "stub");
  mkdirSync(stub);
  // A flake's evaluation is pure: the host facts must be a file of the flake.
  cpSync(hostFacts(), join(stub, "host.json"));
  writeFileSync(
    join(stub, "flake.nix"),
    `{
  inputs.cognix.url = "path:${cognix}";
  outputs = { self, cognix }: {
    legacyPackages.x86_64-linux = import (cognix + "/lib/tests/stub-pkgs.nix") {
      lib = cognix.inputs.nixpkgs-lib.lib;
      typescriptDir = "${typescriptDir}";
      host = ./host.json;
    };
  };
}
`,
  );
  const model = join(root, "model");
  cpSync(join(fixtures, "model"), model, { recursive: true });
  writeFileSync(
    join(model, "flake.nix"),
    `{
  inputs.nixpkgs.url = "path:${stub}";
  inputs.cognix.url = "path:${cognix}";
  inputs.cognix.inputs.nixpkgs.follows = "nixpkgs";
  outputs = { self, cognix, nixpkgs }: cognix.lib.cognixFlake {
    inherit self nixpkgs;
    src = ./.;
    modules = [{
      python.venv = nixpkgs.legacyPackages.x86_64-linux.fakePython;
      python.pipFreeze = "pillow==10.4.0";
      cog.sdkVersion = "0.23.1";
    }];
  };
}
`,
  );
  return { cognix, stub, model };
}
