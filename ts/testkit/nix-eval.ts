// Runs Nix for the tests: offline, flakes on, JSON out, errors kept.
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface NixResult {
  status: number;
  stdout: string;
  stderr: string;
}

const repo = fileURLToPath(new URL("../..", import.meta.url));

export const nixEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NIX_CONFIG: `experimental-features = nix-command flakes\n${process.env["NIX_CONFIG"] ?? ""}`,
  TZ: "UTC",
};

/** Runs any nix command with the test environment. */
export function nix(args: readonly string[], cwd?: string): NixResult {
  const r = spawnSync("nix", args, { encoding: "utf8", env: nixEnv, cwd, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export function hasNix(): boolean {
  return spawnSync("nix", ["--version"], { stdio: "ignore" }).status === 0;
}

/** True when the flake input `name` of `lockFile` (cognix's flake.lock by default) is in the store. */
export function inputAvailable(lockFile: string, name: string): boolean {
  const expr = `import ${repo}lib/locked-input.nix (builtins.fromJSON (builtins.readFile ${lockFile})).nodes.${name}.locked`;
  return nix(["eval", "--offline", "--impure", "--raw", "--expr", `(${expr}).outPath`]).status === 0;
}

/** Why Nix tests of the Python environment cannot run here (no nix, inputs not in the store), or null. */
export function nixUnavailable(): string | null {
  if (!hasNix()) return "nix is not installed";
  const probe = nix(["eval", "--offline", "--impure", "--raw", "--expr", `(import ${repo}lib/python/inputs.nix { }).uv2nix.outPath`]);
  return probe.status === 0 ? null : `flake inputs (uv2nix, pyproject-nix, nixpkgs-lib) are not in the Nix store: ${probe.stderr.trim().split("\n")[0]}`;
}

/** A Nix string literal. */
export function nixString(s: string): string {
  return JSON.stringify(s).replace(/\$\{/g, "\\${");
}

/** `nix eval --offline --json --file FILE` (writes filtered sources to the store). */
export function nixEvalFile(file: string, extraArgs: string[] = []): NixResult {
  return nix(["eval", "--offline", "--json", "--file", file, ...extraArgs]);
}

/** `nix eval --offline --impure --json --expr EXPR`. */
export function nixEvalExpr(expr: string): NixResult {
  return nix(["eval", "--offline", "--impure", "--json", "--expr", expr]);
}

/** `nixEvalExpr` parsed; throws with nix's stderr on failure. */
export function nixEvalJson<T>(expr: string): T {
  const r = nixEvalExpr(expr);
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
}

/** An evaluation that is expected to fail: its error text. */
export function nixEvalError(expr: string): string {
  const r = nixEvalExpr(expr);
  if (r.status === 0) throw new Error(`expected evaluation to fail, got ${r.stdout.slice(0, 200)}`);
  return r.stderr;
}

/** nix-build of an expression without a result link; its output path. */
export function nixBuild(expr: string): string {
  const r = spawnSync("nix-build", ["--no-out-link", "-E", expr], { env: nixEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim().split("\n").pop() ?? "";
}

export function storeReferences(path: string): string[] {
  return execFileSync("nix-store", ["--query", "--references", path], { env: nixEnv, encoding: "utf8" })
    .trim()
    .split("\n")
    .filter((l) => l !== "");
}
