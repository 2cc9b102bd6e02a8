import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Context } from "../cli/context.ts";
import { nixError, runNix, type NixOptions } from "./nix.ts";
import { CognixError } from "../util/errors.ts";

/** Where nix copied the flake from: the enclosing git work tree, else the flake directory. */
export function sourceRoot(flakeDir: string): string {
  for (let d = flakeDir; ; d = dirname(d)) {
    if (existsSync(join(d, ".git"))) return d;
    if (dirname(d) === d) return flakeDir;
  }
}

/**
 * Maps the store path nix gives for a model's `cog.src` back to the directory
 * on disk (`/nix/store/<hash>-source/examples/x` -> `<root>/examples/x`).
 */
export function localModelDir(flakeDir: string, storeSrc: string): string | null {
  const m = /^\/nix\/store\/[^/]+(?:\/(.*))?$/.exec(storeSrc);
  if (m === null) return existsSync(storeSrc) ? storeSrc : null;
  const dir = join(sourceRoot(flakeDir), m[1] ?? "");
  return existsSync(dir) ? dir : null;
}

/** The directory on disk of model `name` of the flake (null when it is not a local directory or not a cognix model). */
export async function modelDirOf(ctx: Context, flakeDir: string, system: string, name: string, opts: NixOptions): Promise<string | null> {
  const r = await runNix(
    ctx,
    ["eval", "--json", `${flakeDir}#packages.${system}.${name}`, "--apply", "p: if p ? config && p.config ? cog then builtins.unsafeDiscardStringContext (toString p.config.cog.src) else null"],
    { extraArgs: opts.extraArgs },
  );
  if (r.status !== 0) {
    throw new CognixError({ file: join(flakeDir, "flake.nix"), message: `nix could not evaluate model "${name}":\n${nixError(r.stderr)}` });
  }
  const src = JSON.parse(r.stdout) as unknown;
  return typeof src === "string" ? localModelDir(flakeDir, src) : null;
}
