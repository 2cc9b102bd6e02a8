import { buildCommand } from "./build.ts";
import type { Context } from "./context.ts";
import { diffCommand } from "./diff.ts";
import { initCommand } from "./init.ts";
import { loadCommand } from "./load.ts";
import { predictCommand } from "./predict.ts";
import { pushCommand } from "./push.ts";
import { pyprojectCommand } from "./pyproject.ts";
import { sbomCommand } from "./sbom.ts";
import { sizeCommand } from "./size.ts";

export type Command = (argv: string[], ctx?: Context) => Promise<number>;

/** The user-facing commands of this folder, by name, with a one-line summary for `cognix --help`. */
export const COMMANDS: Record<string, { run: Command; summary: string }> = {
  init: { run: initCommand, summary: "make a Cog model directory a cognix flake (flake.nix, cognix.json, pyproject.toml)" },
  pyproject: { run: pyprojectCommand, summary: "cognix.json -> pyproject.toml" },
  build: { run: buildCommand, summary: "nix build a model of the flake (./result)" },
  load: { run: loadCommand, summary: "load ./result into docker or podman" },
  push: { run: pushCommand, summary: "push ./result to a registry" },
  predict: { run: predictCommand, summary: "run a prediction (cog predict, or docker/podman)" },
  sbom: { run: sbomCommand, summary: "the image's bill of materials (CycloneDX or SPDX), from ./result or the registry" },
  size: { run: sizeCommand, summary: "what each layer and store path of an image weighs" },
  diff: { run: diffCommand, summary: "layers and bytes two images share" },
};
