// The part of the cognix CLI that a Nix build ships: commands whose code uses
// Node built-ins only (no yaml/ajv), so `tsc` and `node` are all it needs.
// `./result` runs `image`; `nix run .#<model>.push-weights` runs `push-weights`.
import { processContext, type Context } from "../cli/context.ts";
import { isEntryPoint } from "../cli/entry.ts";
import { runProgram } from "../cli/program.ts";
import type { Program } from "../cli/spec.ts";
import { IMAGE_GROUP } from "../image/command-specs.ts";
import { lockWeightsCommand } from "../weights/lock-command.ts";
import { pushWeightsCommand } from "../weights/push-command.ts";

export const TOOL: Program = {
  name: "cognix",
  summary: "The commands a Nix build of cognix ships (the full cognix, with generate, lock, build and run, is the npm package or `nix run github:cognix/cognix#cognix`).",
  commands: [pushWeightsCommand, lockWeightsCommand, IMAGE_GROUP],
};

export function main(argv: readonly string[], ctx: Context = processContext()): Promise<number> {
  return runProgram(TOOL, argv, ctx);
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
