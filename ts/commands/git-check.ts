import { join, relative } from "node:path";
import { CognixError } from "../util/errors.ts";
import { untrackedFiles } from "../util/git-untracked.ts";
import { cogConfigIn } from "../util/model-root.ts";

/** The files of a model the build reads from the flake's copy of it. */
const MODEL_FILES = ["cognix.json", "flake.nix", "flake.lock", "pyproject.toml", "uv.lock", "weights.lock.json"];

/**
 * Fails when a file the build needs exists but git does not track it: the
 * flake's copy of a git repository leaves it out, and the build would then
 * say it is missing or stale however often `cognix generate` runs.
 */
export function requireTracked(modelDir: string, cwd: string): void {
  const config = cogConfigIn(modelDir);
  const files = untrackedFiles(modelDir, [...(config === null ? [] : [config]), ...MODEL_FILES]);
  if (files.length === 0) return;
  const shown = files.map((f) => relative(cwd, join(modelDir, f)) || f);
  throw new CognixError({
    file: shown[0],
    message: `not tracked by git, so nix does not see ${files.length === 1 ? "it" : "them"} (a flake in a git repository sees only what git tracks): git add ${shown.join(" ")}`,
  });
}
