import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Context } from "../cli/context.ts";
import { CognixError } from "../util/errors.ts";
import { findModelRoot, shownPath } from "../util/model-root.ts";

/** The nearest directory at or above `start` holding flake.nix, or null. */
export function nearestFlake(start: string): string | null {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "flake.nix"))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The flake a command builds from: `given` (-C DIR) when named, else the
 * nearest flake at or above the model the user is in (or the current
 * directory); a user error naming `cognix init` when there is none.
 */
export function flakeDirFor(ctx: Context, given: string | undefined): string {
  if (given !== undefined) {
    const abs = resolve(ctx.cwd, given);
    if (!existsSync(join(abs, "flake.nix"))) {
      throw new CognixError({ file: given, message: `no flake.nix in ${given}: run \`cognix init${given === "." ? "" : ` ${given}`}\` to create one` });
    }
    return abs;
  }
  const start = findModelRoot(ctx.cwd) ?? ctx.cwd;
  const found = nearestFlake(start);
  if (found === null) {
    const shown = shownPath(ctx.cwd, start);
    throw new CognixError({ file: shown, message: `no flake.nix here or above: run \`cognix init${shown === "." ? "" : ` ${shown}`}\` to create one` });
  }
  return found;
}
