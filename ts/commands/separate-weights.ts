import { lstatSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { Context } from "../cli/context.ts";
import { CognixError } from "../util/errors.ts";
import { formatBytes } from "../util/progress.ts";
import { readImageSpec } from "./result.ts";

/** The size from which Cog's --separate-weights takes a file out of the code layer. */
export const COG_WEIGHT_SIZE = 10 * 1024 * 1024;

export interface LargeFile {
  path: string;
  size: number;
}

/** Regular files of at least `min` bytes under `dir`, largest first (links not followed). */
export function largeFiles(dir: string, min: number): LargeFile[] {
  const found: LargeFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size >= min) found.push({ path: relative(dir, p), size: st.size });
    }
  };
  walk(dir);
  return found.sort((a, b) => b.size - a.size || a.path.localeCompare(b.path));
}

/**
 * `--separate-weights`: weights declared in cog.yaml are layers of their
 * own in every cognix image; what Cog's flag would move out of the code
 * layer (files of 10 MiB or more in /src) is refused, naming each file.
 */
export async function requireSeparateWeights(ctx: Context, outLink: string): Promise<void> {
  const spec = await readImageSpec(ctx, outLink);
  const src = spec.root.find((e) => e.path === "/src" && e.type === "copy");
  if (src === undefined || src.type !== "copy") return;
  const big = largeFiles(src.source, COG_WEIGHT_SIZE);
  if (big.length === 0) return;
  throw new CognixError(
    big.map((f) => ({
      file: f.path,
      message: `${formatBytes(f.size)} in the code layer (/src): --separate-weights keeps weights out of it; declare them under weights: in cog.yaml (each set is a layer of its own) or leave the file out with .dockerignore`,
    })),
  );
}
