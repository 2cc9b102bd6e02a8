import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandSpec } from "../cli/spec.ts";
import type { CognixConfig } from "../types/cognix.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { parseJson } from "../util/json-input.ts";
import { modelDir } from "../util/model-root.ts";

/** DIR/cognix.json parsed; a user error naming `cognix generate` when missing or broken. */
function readConfig(dir: string, shown: string): CognixConfig {
  const file = join(shown, "cognix.json");
  let text: string;
  try {
    text = readFileSync(join(dir, "cognix.json"), "utf8");
  } catch {
    throw new CognixError({ file, message: "not found: run `cognix generate` first" });
  }
  return parseJson(text, file, "run `cognix generate`") as CognixConfig;
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** `cognix pyproject [DIR]`: cognix.json -> pyproject.toml. */
export const pyprojectCommand: CommandSpec = {
  name: "pyproject",
  summary: "cognix.json -> pyproject.toml",
  description: "Writes DIR/pyproject.toml (what `cognix lock` resolves into uv.lock) from DIR/cognix.json. DIR defaults to the model the current directory is in.",
  options: [
    { name: "check", kind: "boolean", help: "write nothing; exit 1 when pyproject.toml is missing or differs" },
    { name: "json", kind: "boolean", help: "print {ok, path, changed} on stdout" },
  ],
  positionals: [{ name: "DIR" }],
  jsonOption: "json",
  cog: { command: null },
  async run(args, ctx) {
    const { renderPyproject } = await import("../pyproject/render.ts");
    const model = modelDir(ctx.cwd, args.positional(0));
    const out = join(model.shown, "pyproject.toml");
    const wanted = renderPyproject(readConfig(model.dir, model.shown));
    const same = readOrNull(join(model.dir, "pyproject.toml")) === wanted;
    if (args.flag("check")) {
      if (!same) throw new CognixError({ file: out, message: "missing or out of date: run `cognix pyproject`" });
      if (args.flag("json")) ctx.stdout.write(canonicalJson({ ok: true, path: out, stale: false }));
      return 0;
    }
    if (!same) writeFileAtomic(join(model.dir, "pyproject.toml"), wanted);
    if (args.flag("json")) ctx.stdout.write(canonicalJson({ changed: !same, ok: true, path: out }));
    else ctx.stderr.write(same ? `${out} is up to date\n` : `wrote ${out}\n`);
    return 0;
  },
};
