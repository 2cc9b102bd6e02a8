import type { Context } from "./context.ts";

export type Command = (argv: string[], ctx?: Context) => Promise<number>;

/** A command whose module is imported only when it runs: `cognix --help` loads none of them. */
function lazy<K extends string>(load: () => Promise<Record<K, Command>>, name: K): Command {
  return async (argv, ctx) => (await load())[name](argv, ctx);
}

/** The user-facing commands of this folder, by name, with a one-line summary for `cognix --help`. */
export const COMMANDS: Record<string, { run: Command; summary: string }> = {
  init: { run: lazy(() => import("./init.ts"), "initCommand"), summary: "make a Cog model directory a cognix flake (flake.nix, cognix.json, pyproject.toml)" },
  pyproject: { run: lazy(() => import("./pyproject.ts"), "pyprojectCommand"), summary: "cognix.json -> pyproject.toml" },
  build: { run: lazy(() => import("./build.ts"), "buildCommand"), summary: "nix build a model of the flake (./result)" },
  load: { run: lazy(() => import("./load.ts"), "loadCommand"), summary: "load ./result into docker or podman" },
  push: { run: lazy(() => import("./push.ts"), "pushCommand"), summary: "push ./result to a registry" },
  predict: { run: lazy(() => import("./predict.ts"), "predictCommand"), summary: "run a prediction (cog predict, or docker/podman)" },
  sbom: { run: lazy(() => import("./sbom.ts"), "sbomCommand"), summary: "the image's bill of materials (CycloneDX or SPDX), from ./result or the registry" },
  size: { run: lazy(() => import("./size.ts"), "sizeCommand"), summary: "what each layer and store path of an image weighs" },
  diff: { run: lazy(() => import("./diff.ts"), "diffCommand"), summary: "layers and bytes two images share" },
};
