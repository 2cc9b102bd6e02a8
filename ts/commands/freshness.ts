import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { generateIn } from "../generate/generate-in.ts";
import { CognixError } from "../util/errors.ts";
import { cogConfigIn } from "../util/model-root.ts";

/**
 * Fails with a user error when `<modelDir>/cognix.json` is missing or is not
 * what `cognix generate` would write now (cog.yaml or a requirements file
 * changed since). Models without cog.yaml (cognix.json written by hand) pass.
 */
export function assertCognixJsonFresh(modelDir: string, cwd: string): void {
  if (cogConfigIn(modelDir) === null) return;
  const shown = relative(cwd, modelDir) || ".";
  const file = join(shown, "cognix.json");
  const regen = `run \`cognix generate${shown === "." ? "" : ` ${shown}`}\``;
  let current: string;
  try {
    current = readFileSync(join(modelDir, "cognix.json"), "utf8");
  } catch {
    throw new CognixError({ file, message: `missing: ${regen}` });
  }
  const expected = generateIn(modelDir, shown).json;
  if (current !== expected) throw new CognixError({ file, message: `stale: cog.yaml, its requirements or the Python files its schema was read from changed since it was generated; ${regen}` });
}
