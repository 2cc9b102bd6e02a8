import { join } from "node:path";
import type { CommandSpec } from "../cli/spec.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { untrackedFiles } from "../util/git-untracked.ts";
import { requireModelDir } from "../util/model-root.ts";
import { MAX_COGNIX_JSON_BYTES, readProjectFile } from "./project-file.ts";

/** The cognix.json generate would replace, or null; never a FIFO, device or link out of the model. */
function readCurrent(root: string, name: string, shown: string): string | null {
  const r = readProjectFile(root, name, MAX_COGNIX_JSON_BYTES);
  if (r.ok) return r.bytes.toString("utf8");
  if (r.why === "not found") return null;
  throw new CognixError({ file: shown, message: `${r.why}; remove it and run cognix generate again` });
}

/** `cognix generate [DIR]`: cog.yaml -> cognix.json. */
export const generateCommand: CommandSpec = {
  name: "generate",
  summary: "cog.yaml -> cognix.json (what the Nix build reads)",
  description:
    "Reads DIR/cog.yaml (default: the model the current directory is in, found as Cog finds it) and the files it names, checks them, resolves versions as Cog does and writes DIR/cognix.json, atomically. Errors name the file, line, column and key; nothing is written then. On success it prints one line.",
  options: [
    { name: "check", kind: "boolean", help: "write nothing; exit 1 when cognix.json is missing or stale" },
    { name: "json", kind: "boolean", help: "print {ok, path, changed, warnings} on stdout" },
  ],
  positionals: [{ name: "DIR" }],
  jsonOption: "json",
  cog: { command: null, differs: "cog build reads cog.yaml itself; cognix writes what it resolved to cognix.json, which the Nix build reads." },
  async run(args, ctx) {
    const { COGNIX_JSON: name, projectRootOf } = await import("./generate.ts");
    const { generateIn } = await import("./generate-in.ts");
    const model = requireModelDir(ctx.cwd, args.positional(0));
    const out = join(model.shown, name);
    const result = generateIn(model.dir, model.shown);
    const root = projectRootOf(model.dir);
    // Warnings name files relative to the model directory, as cognix.json records them.
    for (const w of result.warnings) ctx.stderr.write(`warning: ${w}\n`);
    const current = readCurrent(root, name, out);
    const upToDate = current === result.json;
    const regen = `run \`cognix generate${args.positional(0) === undefined ? "" : ` ${model.shown}`}\``;
    // A flake in a git repository sees only what git tracks: up to date is not enough.
    const untrackedHint = (): string => (untrackedFiles(root, [name]).length > 0 ? ` (not tracked by git, so nix does not see it: git add ${out})` : "");
    if (args.flag("check")) {
      if (!upToDate) throw new CognixError({ file: out, message: `${current === null ? "missing" : "stale: cog.yaml or a file it names changed since it was generated"}; ${regen}` });
      if (args.flag("json")) ctx.stdout.write(canonicalJson({ ok: true, path: out, stale: false, warnings: result.warnings }));
      else ctx.stderr.write(`${out} is up to date${untrackedHint()}\n`);
      return 0;
    }
    if (!upToDate) writeFileAtomic(join(root, name), result.json);
    if (args.flag("json")) {
      ctx.stdout.write(canonicalJson({ changed: !upToDate, ok: true, path: out, warnings: result.warnings }));
      return 0;
    }
    ctx.stderr.write(`${upToDate ? `${out} is up to date` : `wrote ${out}`}${untrackedHint()}\n`);
    return 0;
  },
};
