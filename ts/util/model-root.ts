import { statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { CognixError } from "./errors.ts";

/** The names a model's configuration may have, in the order they are looked for. */
export const COG_CONFIG_NAMES = ["cog.yaml", "cog.yml"] as const;

/** As Cog bounds its own search. */
const MAX_DEPTH = 100;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The configuration file of the model in `dir` (cog.yaml, else cog.yml), or null. */
export function cogConfigIn(dir: string): string | null {
  return COG_CONFIG_NAMES.find((name) => isFile(join(dir, name))) ?? null;
}

/**
 * The nearest directory at or above `start` that holds cog.yaml (or
 * cog.yml), as Cog finds the model it works on; null when there is none.
 */
export function findModelRoot(start: string): string | null {
  let dir = resolve(start);
  for (let i = 0; i < MAX_DEPTH; i++) {
    if (cogConfigIn(dir) !== null) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  return null;
}

/** A directory as the user should read it: relative to where they are, `.` for there. */
export function shownPath(cwd: string, dir: string): string {
  const rel = relative(cwd, dir);
  return rel === "" ? "." : rel;
}

export interface ModelDir {
  /** Absolute. */
  dir: string;
  /** As the user should read it (relative to where they are). */
  shown: string;
}

/**
 * The model a command works on: `given` (relative to `cwd`) when the user
 * named one, else the nearest directory up from `cwd` holding cog.yaml;
 * `cwd` itself when there is none (commands that need cog.yaml say so).
 */
export function modelDir(cwd: string, given?: string): ModelDir {
  if (given !== undefined) return { dir: resolve(cwd, given), shown: given };
  const dir = findModelRoot(cwd) ?? resolve(cwd);
  return { dir, shown: shownPath(cwd, dir) };
}

/** `modelDir`, but a user error when no DIR is given and no cog.yaml is found here or above. */
export function requireModelDir(cwd: string, given?: string): ModelDir {
  if (given === undefined && findModelRoot(cwd) === null) {
    throw new CognixError({ file: "cog.yaml", message: "not found in this directory or any above it: run cognix inside a Cog model, or name its directory" });
  }
  return modelDir(cwd, given);
}
