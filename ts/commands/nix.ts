import { join } from "node:path";
import { CognixError } from "../util/errors.ts";
import type { Context } from "../cli/context.ts";
import { findExecutable, runTool, type RunResult } from "./exec.ts";

/** The environment nix runs with: flakes enabled whatever the user's nix.conf says. */
export function nixEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const extra = "experimental-features = nix-command flakes";
  const current = env["NIX_CONFIG"];
  return { ...env, NIX_CONFIG: current === undefined || current === "" ? extra : `${current}\n${extra}` };
}

/** The Nix system of this machine, e.g. x86_64-linux. */
export function currentSystem(): string {
  const arch = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : process.arch;
  return `${arch}-${process.platform}`;
}

/** The part of nix's stderr worth showing: from the first `error:` on. */
export function nixError(stderr: string): string {
  const lines = stderr.split("\n");
  const first = lines.findIndex((l) => /^\s*error:/.test(l));
  const kept = (first === -1 ? lines.slice(-20) : lines.slice(first)).join("\n").trim();
  return kept === "" ? "(nix printed nothing)" : kept;
}

export interface NixOptions {
  /** Extra arguments for nix (after `--` on the command line), e.g. --offline, --override-input. */
  extraArgs: readonly string[];
  /** Show nix's own progress (a TTY, no --json). */
  showProgress?: boolean;
}

/** Runs `nix ARGS...`; a user error when nix is not installed. */
export async function runNix(ctx: Context, args: readonly string[], opts: NixOptions): Promise<RunResult> {
  const nix = findExecutable("nix", ctx.env);
  if (nix === null) throw new CognixError({ message: "nix not found on PATH: install Nix (https://nixos.org/download) first" });
  return runTool(nix, [...args, ...opts.extraArgs], {
    cwd: ctx.cwd,
    env: nixEnv(ctx.env),
    inheritStderr: opts.showProgress === true,
    stderr: ctx.stderr,
  });
}

/** Names of the flake's packages for `system`, without building anything. */
export async function listPackages(ctx: Context, flakeDir: string, system: string, opts: NixOptions): Promise<string[]> {
  const r = await runNix(ctx, ["eval", "--json", `${flakeDir}#packages.${system}`, "--apply", "builtins.attrNames"], { extraArgs: opts.extraArgs });
  if (r.status !== 0) {
    if (/does not provide attribute/.test(r.stderr)) {
      throw new CognixError({ file: join(flakeDir, "flake.nix"), message: `the flake has no packages for ${system}` });
    }
    throw new CognixError({ file: join(flakeDir, "flake.nix"), message: `nix could not evaluate the flake's packages:\n${nixError(r.stderr)}` });
  }
  const names = JSON.parse(r.stdout) as unknown;
  if (!Array.isArray(names) || !names.every((n): n is string => typeof n === "string")) {
    throw new Error(`nix eval returned ${r.stdout.trim()} for the package names`);
  }
  return names;
}

/** `name` itself when the flake has it, else a user error listing the models there are. */
export function requireModel(flakeDir: string, names: readonly string[], name: string): string {
  if (names.includes(name)) return name;
  const available = names.length === 0 ? "the flake has no packages" : `available: ${names.join(", ")}`;
  throw new CognixError({ file: join(flakeDir, "flake.nix"), message: `unknown model "${name}" (${available})` });
}
