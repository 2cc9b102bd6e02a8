import { join } from "node:path";
import { findModelRoot, shownPath } from "../util/model-root.ts";

/**
 * The built image a command uses when none is named: `result` in the model
 * the user is in (where `cognix build` puts it), else ./result; as the user
 * should read it.
 */
export function defaultResult(cwd: string): string {
  const root = findModelRoot(cwd);
  return root === null ? "result" : join(shownPath(cwd, root), "result");
}
