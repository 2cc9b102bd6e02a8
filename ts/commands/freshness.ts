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
  if (current === expected) return;
  const renamed = renamedFrom(current, expected);
  const why = renamed !== null ? `the model directory was renamed from ${JSON.stringify(renamed)} (an image with no image: is named after it)` : "cog.yaml, its requirements or the Python files its schema was read from changed since it was generated";
  throw new CognixError({ file, message: `stale: ${why}; ${regen}` });
}

/** The directory name cognix.json recorded, when that is all that differs from what generate writes now. */
function renamedFrom(current: string, expected: string): string | null {
  type Doc = { source?: { directory?: unknown } };
  let a: Doc;
  let b: Doc;
  try {
    a = JSON.parse(current) as Doc;
    b = JSON.parse(expected) as Doc;
  } catch {
    return null;
  }
  const before = a.source?.directory;
  if (typeof before !== "string" || before === b.source?.directory) return null;
  const same = JSON.stringify({ ...a, source: { ...a.source, directory: b.source?.directory } }) === JSON.stringify(b);
  return same ? before : null;
}
