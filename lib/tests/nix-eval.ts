// Runs Nix expressions for the tests: offline, JSON out, errors kept.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";

export interface NixResult {
  status: number;
  stdout: string;
  stderr: string;
}

const env = {
  ...process.env,
  NIX_CONFIG: `experimental-features = nix-command flakes\n${process.env.NIX_CONFIG ?? ""}`,
};

export function hasNix(): boolean {
  return spawnSync("nix", ["--version"], { encoding: "utf8" }).status === 0;
}

/** `nix eval --offline --json --file FILE` (writes filtered sources to the store). */
export function nixEvalFile(file: string, extraArgs: string[] = []): NixResult {
  const r = spawnSync("nix", ["eval", "--offline", "--json", "--file", file, ...extraArgs], {
    encoding: "utf8",
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** `nix eval --offline --json --expr EXPR --impure`. */
export function nixEvalExpr(expr: string): NixResult {
  const r = spawnSync("nix", ["eval", "--offline", "--impure", "--json", "--expr", expr], {
    encoding: "utf8",
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs any nix command with the test environment. */
export function nix(args: string[], cwd?: string): NixResult {
  const r = spawnSync("nix", args, { encoding: "utf8", env, cwd, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** True when the flake input `name` (from flake.lock) is in the store. */
export function inputAvailable(lockFile: string, name: string): boolean {
  const expr = `import ${join(dirname(lockFile), "lib", "locked-input.nix")} (builtins.fromJSON (builtins.readFile ${lockFile})).nodes.${name}.locked`;
  const r = spawnSync("nix", ["eval", "--offline", "--impure", "--raw", "--expr", `(${expr}).outPath`], {
    encoding: "utf8",
    env,
  });
  return r.status === 0;
}
