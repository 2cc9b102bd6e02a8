// Builds model images with the offline package set (lib/offline), as
// `scripts/build-example --offline DIR` does: real CPython and wheels, no
// nixpkgs. Shared by the tests that build and run images.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inputAvailable, nix, nixEnv } from "./nix-eval.ts";

// lib/offline's tests import `nix` from here.
export { nix };

export const repo = fileURLToPath(new URL("../..", import.meta.url));
const typescriptDir = join(repo, "node_modules", "typescript");

function have(cmd: string, args: string[] = ["--version"]): boolean {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

/** The host facts file (ts/testkit/global-setup.ts writes it; probed here otherwise). */
export function hostFacts(): string {
  const given = process.env["COGNIX_HOST_FACTS"];
  if (given) return given;
  const r = spawnSync(join(repo, "scripts", "probe-host"), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`scripts/probe-host failed: ${r.stderr}`);
  process.env["COGNIX_HOST_FACTS"] = r.stdout.trim();
  return r.stdout.trim();
}

/** What an offline build needs that this machine lacks (empty: all there). */
export function offlineMissing(): string[] {
  const missing: string[] = [];
  if (!have("nix")) return ["nix"];
  for (const input of ["nixpkgs-lib", "pyproject-nix", "uv2nix", "pyproject-build-systems"]) {
    if (!inputAvailable(join(repo, "flake.lock"), input)) missing.push(`the ${input} flake input in the Nix store (../shared/tools/nix-seed-inputs)`);
  }
  if (!have("patchelf")) missing.push("patchelf (apt package patchelf)");
  if (!existsSync(join(typescriptDir, "bin", "tsc"))) missing.push("node_modules/typescript (npm ci)");
  return missing;
}

/** `nix build` arguments for a model's image built offline (attribute `image`, or one of its passthru). */
export function offlineBuildArgs(modelDir: string, opts: { rev?: string } = {}): string[] {
  return [
    "--offline", "--impure", "--option", "substitute", "false",
    "--file", join(repo, "lib", "offline", "image.nix"),
    "--argstr", "modelDir", modelDir,
    "--arg", "host", hostFacts(),
    "--argstr", "typescriptDir", typescriptDir,
    ...(opts.rev !== undefined ? ["--argstr", "rev", opts.rev] : []),
  ];
}

/** Fills the wheelhouse for a model (scripts/fetch-wheels, pip from PyPI); throws with pip's message. */
export function fetchWheels(modelDir: string): void {
  const r = spawnSync(join(repo, "scripts", "fetch-wheels"), [modelDir], { encoding: "utf8", env: nixEnv });
  if (r.status !== 0) throw new Error(`scripts/fetch-wheels ${modelDir} failed:\n${r.stderr}`);
}

/** Builds the model's image to `link` (wheels fetched first); throws with Nix's message. */
export function buildOffline(modelDir: string, link: string, opts: { rev?: string; attr?: string } = {}): string {
  fetchWheels(modelDir);
  const r = nix(["build", ...offlineBuildArgs(modelDir, opts), opts.attr ?? "image", "-o", link]);
  if (r.status !== 0) throw new Error(`nix build of ${modelDir} failed:\n${r.stderr}`);
  return link;
}
