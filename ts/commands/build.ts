import { readlinkSync } from "node:fs";
import { resolve } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { flag, parseCommandArgs, stringOption } from "./args.ts";
import { processContext, progress, type Context } from "./context.ts";
import { assertCognixJsonFresh } from "./freshness.ts";
import { modelDirOf } from "./model-dir.ts";
import { currentSystem, listPackages, nixError, requireFlake, requireModel, runNix } from "./nix.ts";
import { readImageSpec } from "./result.ts";
import { runCommand } from "./run-command.ts";

export const BUILD_HELP = `Usage: cognix build [NAME] [options] [-- NIX_ARGS...]

Builds model NAME (default: "default") of the flake with \`nix build\`.
./result is then the image as a command: ./result load | oci DIR | push REF.
Before building, checks that the model's cognix.json matches its cog.yaml.

Options:
  -C, --flake DIR          the flake directory (default: the current directory)
  -o, --out-link L         where to put the result symlink (default: ./result)
      --system SYS         the Nix system to build for (default: this machine's)
      --openapi-schema F   also write the image's OpenAPI schema (its
                           run.cog.openapi_schema label, the document in
                           /src/.cog/openapi_schema.json) to file F
      --no-check           skip the cognix.json staleness check
      --json               print {ok, model, outPath, outLink, system} on stdout
  -h, --help               show this help
  -- NIX_ARGS              passed to nix (e.g. --offline, --override-input cognix ../cognix)

Exit codes: 0 built, 1 error (no flake, unknown model, stale cognix.json,
build failure), 2 usage, 70 internal error.
`;

export interface BuildResult {
  model: string;
  system: string;
  outLink: string;
  outPath: string;
}

/** Builds one model; shared by the commands that need ./result first. */
export async function buildModel(
  ctx: Context,
  opts: { flake: string; name: string; system: string; outLink: string; check: boolean; extraArgs: readonly string[]; quiet: boolean },
): Promise<BuildResult> {
  const flakeDir = requireFlake(ctx, opts.flake);
  const nixOpts = { extraArgs: opts.extraArgs };
  const names = await listPackages(ctx, flakeDir, opts.system, nixOpts);
  requireModel(flakeDir, names, opts.name);
  if (opts.check) {
    const modelDir = await modelDirOf(ctx, flakeDir, opts.system, opts.name, nixOpts);
    if (modelDir !== null) assertCognixJsonFresh(modelDir, ctx.cwd);
  }
  const outLink = resolve(ctx.cwd, opts.outLink);
  if (!opts.quiet) progress(ctx, `building ${opts.name} (${opts.system})...`);
  const showProgress = !opts.quiet && ctx.stderr.isTTY === true;
  const r = await runNix(ctx, ["build", `${flakeDir}#packages.${opts.system}.${opts.name}`, "--out-link", outLink], { ...nixOpts, showProgress });
  if (r.status !== 0) {
    throw new CognixError({ file: `${opts.flake}#${opts.name}`, message: `nix build failed${showProgress ? " (see above)" : `:\n${nixError(r.stderr)}`}` });
  }
  return { model: opts.name, system: opts.system, outLink, outPath: readlinkSync(outLink) };
}

/**
 * Writes the built image's OpenAPI schema to `file`, read back from its
 * label, so it is the document the image serves; canonical JSON, the bytes
 * of /src/.cog/openapi_schema.json.
 */
export async function writeOpenApiSchema(ctx: Context, outLink: string, file: string): Promise<void> {
  const spec = await readImageSpec(ctx, outLink);
  const label = spec.config.Labels?.["run.cog.openapi_schema"];
  if (label === undefined) throw new CognixError({ file: outLink, message: "the image has no run.cog.openapi_schema label" });
  let doc: unknown;
  try {
    doc = JSON.parse(label);
  } catch (err) {
    throw new CognixError({ file: outLink, message: `the image's run.cog.openapi_schema label is not JSON: ${(err as Error).message}` });
  }
  writeFileAtomic(resolve(ctx.cwd, file), canonicalJson(doc));
}

/** `cognix build [NAME]`: nix build of one model of the flake. */
export async function buildCommand(argv: string[], ctx: Context = processContext()): Promise<number> {
  return runCommand(ctx, argv, async () => {
    const p = parseCommandArgs(
      argv,
      {
        flake: { type: "string", short: "C" },
        "out-link": { type: "string", short: "o" },
        system: { type: "string" },
        "openapi-schema": { type: "string" },
        "no-check": { type: "boolean" },
        json: { type: "boolean" },
      },
      BUILD_HELP,
      1,
    );
    if (flag(p, "help")) {
      ctx.stdout.write(BUILD_HELP);
      return 0;
    }
    const json = flag(p, "json");
    const result = await buildModel(ctx, {
      flake: stringOption(p, "flake") ?? ".",
      name: p.positionals[0] ?? "default",
      system: stringOption(p, "system") ?? currentSystem(),
      outLink: stringOption(p, "out-link") ?? "result",
      check: !flag(p, "no-check"),
      extraArgs: p.rest,
      quiet: json,
    });
    const schemaFile = stringOption(p, "openapi-schema");
    if (schemaFile !== undefined) await writeOpenApiSchema(ctx, result.outLink, schemaFile);
    if (json) ctx.stdout.write(canonicalJson({ ok: true, ...result }));
    else ctx.stdout.write(`${result.outPath}\n`);
    return 0;
  });
}
