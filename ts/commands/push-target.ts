import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CognixError } from "../util/errors.ts";
import { parseJson } from "../util/json-input.ts";
import { findModelRoot, shownPath } from "../util/model-root.ts";
import { assertCognixJsonFresh } from "./freshness.ts";

/**
 * Where `cognix push` pushes: IMAGE when given, else cog.yaml's `image:`
 * (as cognix.json records it), as `cog push` does.
 */
export function pushTarget(cwd: string, given: string | undefined): string {
  if (given !== undefined) return given;
  const example = "e.g. cognix push r8.im/you/model";
  const root = findModelRoot(cwd);
  if (root === null) throw new CognixError({ message: `no image to push to: no IMAGE given, and no cog.yaml in this directory or any above it to take image: from; name it, ${example}` });
  const shown = shownPath(cwd, root);
  const fromConfig = imageOf(root, shown);
  if (fromConfig === undefined) throw new CognixError({ file: join(shown, "cognix.json"), message: `missing, so cog.yaml's image: is not known yet: run \`cognix generate\`, or name the image, ${example}` });
  // cog.yaml's image: as it is now, not as an older cognix.json recorded it.
  assertCognixJsonFresh(root, cwd);
  if (fromConfig !== null) return fromConfig;
  throw new CognixError({
    message: `no image to push to: set image: in cog.yaml (then run cognix generate) or name it, ${example}`,
  });
}

/** cognix.json's `image`: null when it has none, undefined when there is no cognix.json. */
function imageOf(dir: string, shown: string): string | null | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, "cognix.json"), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CognixError({ file: join(shown, "cognix.json"), message: `cannot be read: ${(err as Error).message}` });
  }
  const image = (parseJson(text, join(shown, "cognix.json"), "run `cognix generate`") as { image?: unknown } | null)?.image;
  return typeof image === "string" && image !== "" ? image : null;
}
