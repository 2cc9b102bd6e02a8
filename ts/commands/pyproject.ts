import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { renderPyproject } from "../pyproject/render.ts";
import type { CognixConfig } from "../types/cognix.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { flag, parseCommandArgs } from "./args.ts";
import { processContext, progress, type Context } from "./context.ts";
import { runCommand } from "./run-command.ts";

export const PYPROJECT_HELP = `Usage: cognix pyproject [DIR] [--check] [--json]

Writes DIR/pyproject.toml (what \`cognix lock\` resolves into uv.lock) from
DIR/cognix.json.

Options:
      --check    write nothing; exit 1 if pyproject.toml is missing or differs
      --json     print {ok, path, changed|stale} on stdout
  -h, --help     show this help
`;

/** The pyproject.toml text for the model in `dir`, from its cognix.json. */
export function pyprojectFor(dir: string): string {
  const file = join(dir, "cognix.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new CognixError({ file, message: "not found: run `cognix generate` first" });
  }
  let config: CognixConfig;
  try {
    config = JSON.parse(text) as CognixConfig;
  } catch (err) {
    throw new CognixError({ file, message: `not valid JSON: ${(err as Error).message}` });
  }
  return renderPyproject(config);
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** `cognix pyproject [DIR]`. */
export async function pyprojectCommand(argv: string[], ctx: Context = processContext()): Promise<number> {
  return runCommand(ctx, argv, async () => {
    const p = parseCommandArgs(argv, { check: { type: "boolean" }, json: { type: "boolean" } }, PYPROJECT_HELP, 1);
    if (flag(p, "help")) {
      ctx.stdout.write(PYPROJECT_HELP);
      return 0;
    }
    const shown = p.positionals[0] ?? ".";
    const dir = resolve(ctx.cwd, shown);
    const out = join(shown, "pyproject.toml");
    const wanted = pyprojectFor(dir);
    const same = readOrNull(join(dir, "pyproject.toml")) === wanted;
    if (flag(p, "check")) {
      if (flag(p, "json")) ctx.stdout.write(canonicalJson({ ok: same, path: out, stale: !same }));
      if (!same) throw new CognixError({ file: out, message: "missing or out of date: run `cognix pyproject`" });
      return 0;
    }
    if (!same) writeFileAtomic(join(dir, "pyproject.toml"), wanted);
    if (flag(p, "json")) ctx.stdout.write(canonicalJson({ changed: !same, ok: true, path: out }));
    else progress(ctx, same ? `${out} is up to date` : `wrote ${out}`);
    return 0;
  });
}
