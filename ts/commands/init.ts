import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { COG_YAML } from "../generate/read-config.ts";
import { renderPyproject } from "../pyproject/render.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { flag, parseCommandArgs, stringOption } from "./args.ts";
import { generateIn } from "./generate-in.ts";
import { processContext, type Context } from "./context.ts";
import { sourceRoot } from "./model-dir.ts";
import { runCommand } from "./run-command.ts";

export const INIT_HELP = `Usage: cognix init [DIR] [options]

Makes an existing Cog model directory (one with cog.yaml) a cognix flake:
writes DIR/flake.nix (from cognix's template), DIR/cognix.json and
DIR/pyproject.toml. Then \`cognix lock\` writes uv.lock and \`cognix build\`
builds the image.

Options:
      --force            overwrite an existing flake.nix
      --cognix-url URL   the flake URL of cognix (default: the template's)
      --json             print {ok, files} on stdout
  -h, --help             show this help

Exit codes: 0 ok, 1 error (no cog.yaml, flake.nix exists, bad cog.yaml),
2 usage, 70 internal error.
`;

const DEFAULT_COGNIX_URL = "github:cognix/cognix";

// Used when cognix runs without its templates/ directory beside it.
const FALLBACK_FLAKE = `{
  description = "A Cog model, built into an OCI image with cognix";

  inputs = {
    cognix.url = "${DEFAULT_COGNIX_URL}";
    nixpkgs.follows = "cognix/nixpkgs";
  };

  # \`cognix build\`, then \`cognix load\` or \`cognix push REF\`.
  outputs = { self, cognix, nixpkgs }:
    cognix.lib.cognixFlake {
      inherit self nixpkgs;
      src = ./.;
      modules = [
        {
          python.uvLock = ./uv.lock;
          python.pyproject = ./pyproject.toml;
        }
      ];
    };
}
`;

/** The template's flake.nix, with the cognix input pointed at `url` when given. */
export function flakeText(url: string | undefined): string {
  const template = new URL("../../templates/default/flake.nix", import.meta.url);
  const text = existsSync(template) ? readFileSync(template, "utf8") : FALLBACK_FLAKE;
  if (url === undefined) return text;
  const replaced = text.replace(/(cognix\.url\s*=\s*)"[^"]*"/, (_m, lhs: string) => `${lhs}${JSON.stringify(url)}`);
  if (replaced === text && !text.includes(JSON.stringify(url))) throw new Error("the flake template has no cognix.url line to set");
  return replaced;
}

/** `cognix init [DIR]`. */
export async function initCommand(argv: string[], ctx: Context = processContext()): Promise<number> {
  return runCommand(ctx, argv, async () => {
    const p = parseCommandArgs(argv, { force: { type: "boolean" }, "cognix-url": { type: "string" }, json: { type: "boolean" } }, INIT_HELP, 1);
    if (flag(p, "help")) {
      ctx.stdout.write(INIT_HELP);
      return 0;
    }
    const shown = p.positionals[0] ?? ".";
    const dir = resolve(ctx.cwd, shown);
    if (!existsSync(join(dir, COG_YAML))) {
      throw new CognixError({ file: join(shown, COG_YAML), message: "not found: cognix init turns an existing Cog model directory into a flake" });
    }
    const flakeFile = join(dir, "flake.nix");
    if (existsSync(flakeFile) && !flag(p, "force")) {
      throw new CognixError({ file: join(shown, "flake.nix"), message: "already exists: use --force to overwrite it" });
    }
    // Everything is computed before anything is written: a bad cog.yaml leaves the directory as it was.
    const generated = generateIn(dir, shown);
    const flake = flakeText(stringOption(p, "cognix-url"));
    const pyproject = renderPyproject(generated.config);
    for (const w of generated.warnings) ctx.stderr.write(`warning: ${w}\n`);
    writeFileAtomic(join(dir, "cognix.json"), generated.json);
    writeFileAtomic(join(dir, "pyproject.toml"), pyproject);
    writeFileAtomic(flakeFile, flake);
    const files = ["cognix.json", "flake.nix", "pyproject.toml"].map((f) => join(shown, f));
    if (flag(p, "json")) {
      ctx.stdout.write(canonicalJson({ files, ok: true }));
      return 0;
    }
    const git = existsSync(join(sourceRoot(dir), ".git"));
    ctx.stderr.write(
      [
        `wrote ${files.join(", ")}`,
        "next:",
        ...(git ? [`  git add ${files.join(" ")}   (nix only sees files git knows)`] : []),
        `  cognix lock${shown === "." ? "" : ` ${shown}`}      resolve pyproject.toml into uv.lock`,
        `  cognix build${shown === "." ? "" : ` -C ${shown}`}     build the image (./result)`,
        "",
      ].join("\n"),
    );
    return 0;
  });
}
