import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Context } from "../cli/context.ts";
import { CognixError } from "../util/errors.ts";
import { runTool } from "./exec.ts";
import { readImageSpec } from "./result.ts";

/** An OCI layout to start under chroot: IMAGE as oci:DIR[:TAG], else `RESULT oci` written into `work`. */
export async function ociForChroot(ctx: Context, image: string | undefined, result: string, work: string): Promise<{ dir: string; tag: string }> {
  if (image !== undefined) {
    const m = /^oci:([^:]+)(?::(.+))?$/.exec(image);
    if (m === null) throw new CognixError({ message: `--engine chroot runs an OCI layout: IMAGE must be oci:DIR[:TAG], not ${JSON.stringify(image)}` }, 2);
    const dir = resolve(ctx.cwd, m[1]!);
    if (!existsSync(join(dir, "index.json"))) throw new CognixError({ file: m[1]!, message: "not an OCI layout (no index.json): write one with `./result oci DIR`" });
    return { dir, tag: m[2] ?? "latest" };
  }
  const run = resolve(ctx.cwd, result);
  if (!existsSync(run)) throw new CognixError({ file: result, message: "no built image: run `cognix build` first, or give IMAGE as oci:DIR[:TAG]" });
  const spec = await readImageSpec(ctx, result);
  const dir = join(work, "oci");
  const r = await runTool(run, ["oci", dir], { cwd: ctx.cwd, env: ctx.env });
  if (r.status !== 0) throw new CognixError({ message: `${result} oci failed: ${r.stderr.trim()}` });
  return { dir, tag: spec.tag };
}
