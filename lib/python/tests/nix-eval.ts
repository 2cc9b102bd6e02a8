import { execFileSync, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Helpers for tests that evaluate lib/python with the host's nix, offline. */

export const TESTS_DIR = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(TESTS_DIR, "fixtures");

const env = {
  ...process.env,
  NIX_CONFIG: "experimental-features = nix-command flakes",
  TZ: "UTC",
};

function run(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync("nix", args, { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Why Nix tests cannot run here (no nix, inputs not in the store), or null. */
export function nixUnavailable(): string | null {
  try {
    execFileSync("nix", ["--version"], { stdio: "ignore" });
  } catch {
    return "nix is not installed";
  }
  const probe = run(["eval", "--offline", "--impure", "--raw", "--expr", `(import ${join(TESTS_DIR, "..", "inputs.nix")} { }).uv2nix.outPath`]);
  return probe.ok ? null : `flake inputs (uv2nix, pyproject-nix, nixpkgs-lib) are not in the Nix store: ${probe.stderr.trim().split("\n")[0]}`;
}

/** A Nix string literal. */
export function nixString(s: string): string {
  return JSON.stringify(s).replace(/\$\{/g, "\\${");
}

/** `nix eval --json` of an expression; throws with nix's stderr on failure. */
export function nixEvalJson<T>(expr: string): T {
  const r = run(["eval", "--offline", "--impure", "--json", "--expr", expr]);
  if (!r.ok) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
}

/** Evaluation that is expected to fail: its error text. */
export function nixEvalError(expr: string): string {
  const r = run(["eval", "--offline", "--impure", "--json", "--expr", expr]);
  if (r.ok) throw new Error(`expected evaluation to fail, got ${r.stdout.slice(0, 200)}`);
  return r.stderr;
}

/** nix-build without a result link; returns the output path. */
export function nixBuild(expr: string): string {
  const r = spawnSync("nix-build", ["--no-out-link", "-E", expr], { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim().split("\n").pop()!;
}

export function storeReferences(path: string): string[] {
  return execFileSync("nix-store", ["--query", "--references", path], { env, encoding: "utf8" })
    .trim()
    .split("\n")
    .filter((l) => l !== "");
}
