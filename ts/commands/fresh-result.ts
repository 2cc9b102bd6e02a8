import { readlinkSync } from "node:fs";
import { resolve } from "node:path";
import type { Context } from "../cli/context.ts";
import { CognixError } from "../util/errors.ts";
import { findModelRoot } from "../util/model-root.ts";
import { buildModel, plannedOutPath } from "./build-model.ts";
import type { ProgressMode } from "./build-progress.ts";
import { flakeDirFor } from "./flake-dir.ts";
import { assertCognixJsonFresh } from "./freshness.ts";
import { currentSystem } from "./nix.ts";
import { defaultResult } from "./built-image.ts";
import { requireResult } from "./result.ts";

function linkTarget(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/**
 * The model's result, built first when it is missing or is not what the
 * flake builds now (a changed cog.yaml, lock or source); the path of the
 * image to use. Without a flake, the result as it is.
 */
export async function freshResult(ctx: Context, extraArgs: readonly string[], progress: ProgressMode): Promise<string> {
  const shown = defaultResult(ctx.cwd);
  let flakeDir: string;
  try {
    flakeDir = flakeDirFor(ctx, undefined);
  } catch (err) {
    if (err instanceof CognixError) return requireResult(ctx, shown);
    throw err;
  }
  const target = { flakeDir, name: "default", system: currentSystem(), extraArgs };
  const localModel = findModelRoot(ctx.cwd);
  // The flake reads cognix.json, not cog.yaml: a cog.yaml changed since
  // cognix generate leaves the planned path as it was, so ask for generate.
  if (localModel !== null) assertCognixJsonFresh(localModel, ctx.cwd);
  const current = linkTarget(resolve(ctx.cwd, shown));
  if (current !== null && current === (await plannedOutPath(ctx, target))) return requireResult(ctx, shown);
  const built = await buildModel(ctx, { ...target, outLink: shown, check: true, progress, ...(localModel !== null ? { localModel } : {}) });
  return built.outLink;
}
