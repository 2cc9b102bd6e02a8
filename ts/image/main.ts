// `cognix-image` (what ./result and the Nix build run) and `cognix image`:
// the image tool's commands, through the one command framework.
import { processContext } from "../cli/context.ts";
import { isEntryPoint } from "../cli/entry.ts";
import { runProgram } from "../cli/program.ts";
import type { Program } from "../cli/spec.ts";
import { IMAGE_COMMANDS } from "./command-specs.ts";
import type { Io } from "./io.ts";

export const IMAGE_TOOL: Program = {
  name: "cognix image",
  summary: "The image tool: an image spec from a closure, and the image it describes as a docker-archive, an OCI layout or a push.",
  commands: IMAGE_COMMANDS,
};

/** Runs one command line of the image tool and returns its exit code; never throws. */
export function main(argv: readonly string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const ctx = processContext();
  ctx.stdout = io.stdout;
  ctx.stderr = io.stderr;
  return runProgram(IMAGE_TOOL, argv, ctx);
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
