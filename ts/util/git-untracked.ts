import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * Of `files` (relative to `dir`), those that exist but that the git work
 * tree holding `dir` does not know: a flake in a git repository sees only
 * what git tracks, so nix would not see them. Empty outside a git work tree
 * or without git.
 */
export function untrackedFiles(dir: string, files: readonly string[]): string[] {
  const present = files.filter((f) => existsSync(join(dir, f)));
  if (present.length === 0) return [];
  const r = spawnSync("git", ["-C", dir, "ls-files", "-z", "--", ...present], { encoding: "utf8", env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" } });
  if (r.error !== undefined || r.status !== 0) return [];
  const tracked = new Set(r.stdout.split("\0").filter((f) => f !== ""));
  return present.filter((f) => !tracked.has(f));
}
