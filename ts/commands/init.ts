import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CommandSpec } from "../cli/spec.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { untrackedFiles } from "../util/git-untracked.ts";
import { cogConfigIn, requireModelDir } from "../util/model-root.ts";

/** `cognix init [DIR]`: a Cog model directory becomes a cognix flake. */
export const initCommand: CommandSpec = {
  name: "init",
  summary: "make a Cog model directory a cognix flake (flake.nix, cognix.json, pyproject.toml)",
  description:
    "Makes an existing Cog model directory (one with cog.yaml; default: the one the current directory is in) a cognix flake: writes DIR/flake.nix (from cognix's template), DIR/cognix.json and DIR/pyproject.toml. Everything is computed before anything is written: a bad cog.yaml leaves the directory untouched. Then `cognix lock` writes uv.lock and `cognix build` builds the image.",
  options: [
    { name: "force", kind: "boolean", help: "overwrite an existing flake.nix" },
    { name: "cognix-url", kind: "string", value: "URL", help: "the flake URL of cognix (default: the template's)" },
    { name: "json", kind: "boolean", help: "print {ok, files} on stdout" },
  ],
  positionals: [{ name: "DIR" }],
  jsonOption: "json",
  cog: { command: "cog init", differs: "cog init writes a new cog.yaml and predict.py; cognix init takes an existing one and adds the flake." },
  async run(args, ctx) {
    const model = requireModelDir(ctx.cwd, args.positional(0));
    const { dir, shown } = model;
    if (cogConfigIn(dir) === null) {
      throw new CognixError({ file: join(shown, "cog.yaml"), message: "not found: cognix init turns an existing Cog model directory into a flake" });
    }
    const flakeFile = join(dir, "flake.nix");
    if (existsSync(flakeFile) && !args.flag("force")) {
      throw new CognixError({ file: join(shown, "flake.nix"), message: "already exists: use --force to overwrite it" });
    }
    const { generateIn } = await import("../generate/generate-in.ts");
    const { renderPyproject } = await import("../pyproject/render.ts");
    const { flakeText } = await import("./init-flake.ts");
    // Everything is computed before anything is written: a bad cog.yaml leaves the directory as it was.
    const generated = generateIn(dir, shown);
    const flake = flakeText(args.string("cognix-url"));
    const pyproject = renderPyproject(generated.config);
    for (const w of generated.warnings) ctx.stderr.write(`warning: ${w}\n`);
    writeFileAtomic(join(dir, "cognix.json"), generated.json);
    writeFileAtomic(join(dir, "pyproject.toml"), pyproject);
    writeFileAtomic(flakeFile, flake);
    const names = ["cognix.json", "flake.nix", "pyproject.toml"];
    const files = names.map((f) => join(shown, f));
    if (args.flag("json")) {
      ctx.stdout.write(canonicalJson({ files, ok: true }));
      return 0;
    }
    const untracked = untrackedFiles(dir, names).map((f) => join(shown, f));
    const here = shown === ".";
    ctx.stderr.write(
      [
        `wrote ${files.join(", ")}`,
        "next:",
        ...(untracked.length > 0 ? [`  git add ${untracked.join(" ")}   (nix only sees files git knows)`] : []),
        `  cognix lock${here ? "" : ` ${shown}`}      resolve pyproject.toml into uv.lock`,
        `  cognix build${here ? "" : ` -C ${shown}`}     build the image (${join(shown, "result")})`,
        "",
      ].join("\n"),
    );
    return 0;
  },
};
