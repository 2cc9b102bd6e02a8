#!/usr/bin/env -S node --no-concurrent-recompilation
import { readFileSync } from "node:fs";
import { processContext, type Context } from "./cli/context.ts";
import { isEntryPoint } from "./cli/entry.ts";
import { runProgram } from "./cli/program.ts";
import type { Program } from "./cli/spec.ts";
import { COMMANDS } from "./commands/index.ts";

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

export const COGNIX: Program = {
  name: "cognix",
  summary:
    "Build Replicate Cog model images deterministically with Nix. Start in a directory with cog.yaml (or any directory below it): cognix init, cognix lock, cognix build, then cognix run, serve or push, as with Cog.",
  commands: COMMANDS,
  version,
};

/** Runs one cognix command line and returns its exit code; never throws. */
export function main(argv: readonly string[], ctx: Context = processContext()): Promise<number> {
  return runProgram(COGNIX, argv, ctx);
}

// Run only as the entry point (tsx ts/cli.ts, node dist/cli.js, or the
// `cognix` link npm makes to it), not when imported.
if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
