import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CognixError } from "../util/errors.ts";
import { findModelRoot, shownPath } from "../util/model-root.ts";

/**
 * Where `cognix push` pushes: IMAGE when given, else cog.yaml's `image:`
 * (as cognix.json records it), as `cog push` does.
 */
export function pushTarget(cwd: string, given: string | undefined): string {
  if (given !== undefined) return given;
  const root = findModelRoot(cwd);
  const fromConfig = root === null ? null : imageOf(root, shownPath(cwd, root));
  if (fromConfig !== null) return fromConfig;
  throw new CognixError({
    message: "no image to push to: set image: in cog.yaml (then run cognix generate) or name it, e.g. cognix push r8.im/you/model",
  });
}

/** cognix.json's `image`, or null when it has none (or there is no cognix.json). */
function imageOf(dir: string, shown: string): string | null {
  let text: string;
  try {
    text = readFileSync(join(dir, "cognix.json"), "utf8");
  } catch {
    return null;
  }
  try {
    const image = (JSON.parse(text) as { image?: unknown }).image;
    return typeof image === "string" && image !== "" ? image : null;
  } catch (err) {
    throw new CognixError({ file: join(shown, "cognix.json"), message: `not valid JSON: ${(err as Error).message}; run \`cognix generate\`` });
  }
}
