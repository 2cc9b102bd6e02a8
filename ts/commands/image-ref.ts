import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Context } from "../cli/context.ts";
import { progress } from "../cli/context.ts";
import { CognixError } from "../util/errors.ts";
import type { Engine } from "./engine.ts";
import { runTool } from "./exec.ts";
import { loadImage } from "./load-image.ts";
import { readImageSpec } from "./result.ts";

/** What `engine ARGS...` prints; a user error with its message when it fails. */
export async function engineTool(ctx: Context, engine: Engine, args: readonly string[]): Promise<string> {
  const r = await runTool(engine.path, args, { cwd: ctx.cwd, env: ctx.env });
  if (r.status !== 0) throw new CognixError({ message: `${engine.name} ${args[0]} failed (exit ${r.status}): ${r.stderr.trim()}` });
  return r.stdout.trim();
}

/**
 * The image to start: IMAGE when named, else the one `result` builds, by
 * its name and tag, loaded into the engine first when the engine lacks it.
 */
export async function imageToStart(ctx: Context, engine: Engine | null, given: string | undefined, result: string): Promise<string> {
  if (given !== undefined) {
    if (given.includes("=")) throw new CognixError({ message: `${JSON.stringify(given)} is not an image name: did you forget -i?` }, 2);
    return given;
  }
  if (!existsSync(resolve(ctx.cwd, result))) {
    throw new CognixError({ file: result, message: "no IMAGE given and no built image: name an image, or run `cognix build` first" });
  }
  const spec = await readImageSpec(ctx, result);
  const image = `${spec.name}:${spec.tag}`;
  if (engine !== null) {
    const known = await runTool(engine.path, ["image", "inspect", image], { cwd: ctx.cwd, env: ctx.env });
    if (known.status !== 0) {
      progress(ctx, `${engine.name} has no ${image}: loading ${result}`);
      await loadImage(ctx, result, engine);
    }
  }
  return image;
}
