import { readlinkSync } from "node:fs";
import { resolve } from "node:path";
import type { Context } from "../cli/context.ts";
import { progress } from "../cli/context.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { nixProgress, type ProgressMode } from "./build-progress.ts";
import { assertCognixJsonFresh } from "./freshness.ts";
import { requireTracked } from "./git-check.ts";
import { modelDirOf } from "./model-dir.ts";
import { listPackages, nixError, requireModel, runNix, type NixOptions } from "./nix.ts";
import { readImageSpec } from "./result.ts";

export interface BuildOptions {
  /** The flake directory, absolute. */
  flakeDir: string;
  name: string;
  system: string;
  /** Where the result link goes, relative to the context's directory. */
  outLink: string;
  /** Check cognix.json against cog.yaml (and that git tracks the model's files). */
  check: boolean;
  extraArgs: readonly string[];
  progress: ProgressMode;
  /** The model the user is in, when the flake was found from it: checked before nix reads anything. */
  localModel?: string;
}

export interface BuildResult {
  model: string;
  system: string;
  outLink: string;
  outPath: string;
}

/**
 * The checks a build starts with, before nix sees anything: the model's
 * files tracked by git, the package named in the flake, cognix.json fresh.
 */
async function preflight(ctx: Context, opts: BuildOptions, nixOpts: NixOptions): Promise<void> {
  const here = opts.localModel;
  if (opts.check && here !== undefined) requireTracked(here, ctx.cwd);
  requireModel(opts.flakeDir, await listPackages(ctx, opts.flakeDir, opts.system, nixOpts), opts.name);
  if (opts.check) {
    const modelDir = await modelDirOf(ctx, opts.flakeDir, opts.system, opts.name, nixOpts);
    if (modelDir !== null) {
      if (modelDir !== here) requireTracked(modelDir, ctx.cwd);
      assertCognixJsonFresh(modelDir, ctx.cwd);
    }
  }
}

/** Builds one model of the flake into `outLink`; shared by the commands that need the image first. */
export async function buildModel(ctx: Context, opts: BuildOptions): Promise<BuildResult> {
  const nixOpts = { extraArgs: opts.extraArgs };
  await preflight(ctx, opts, nixOpts);
  const outLink = resolve(ctx.cwd, opts.outLink);
  const shown = nixProgress(opts.progress, ctx);
  if (opts.progress !== "quiet") progress(ctx, `building ${opts.name} (${opts.system})...`);
  const r = await runNix(ctx, ["build", ...shown.args, `${opts.flakeDir}#packages.${opts.system}.${opts.name}`, "--out-link", outLink], { ...nixOpts, showProgress: shown.show });
  if (r.status !== 0) {
    throw new CognixError({ file: `${opts.flakeDir}#${opts.name}`, message: `nix build failed${shown.show ? " (see above)" : `:\n${nixError(r.stderr)}`}` });
  }
  return { model: opts.name, system: opts.system, outLink, outPath: readlinkSync(outLink) };
}

/** The store path `nix build` would make now, without building: compared with ./result to see whether it is stale. */
export async function plannedOutPath(ctx: Context, opts: Pick<BuildOptions, "flakeDir" | "name" | "system" | "extraArgs">): Promise<string> {
  const r = await runNix(ctx, ["eval", "--raw", `${opts.flakeDir}#packages.${opts.system}.${opts.name}.outPath`], { extraArgs: opts.extraArgs });
  if (r.status !== 0) throw new CognixError({ file: `${opts.flakeDir}#${opts.name}`, message: `nix could not evaluate the image:\n${nixError(r.stderr)}` });
  return r.stdout.trim();
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
