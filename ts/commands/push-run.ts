import type { Args } from "../cli/args.ts";
import type { Context } from "../cli/context.ts";
import { isLoopbackRegistry } from "../registry/loopback.ts";
import { pushArgs, pushToolArgs } from "../registry/push-options.ts";
import { parseReference } from "../registry/reference.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError } from "../util/errors.ts";
import { defaultProgress, type ProgressMode } from "./build-progress.ts";
import { runTool } from "./exec.ts";
import { freshResult } from "./fresh-result.ts";
import { pushTarget } from "./push-target.ts";
import { requireResult } from "./result.ts";

/** `cognix push`: the image tool's push, run through the built image (so the two are the same version). */
export async function pushCommandRun(args: Args, ctx: Context, progress: ProgressMode | undefined): Promise<number> {
  const ref = pushTarget(ctx.cwd, args.positional(0));
  let domain: string;
  try {
    domain = parseReference(ref).domain;
  } catch (err) {
    throw new CognixError({ message: (err as Error).message }, 2);
  }
  const options = pushArgs(args);
  const json = args.flag("json");
  const given = args.string("result");
  const result = given !== undefined ? requireResult(ctx, given) : await freshResult(ctx, args.rest, progress ?? (json ? "quiet" : defaultProgress(ctx.env)));
  const insecure = options.insecure === true || isLoopbackRegistry(domain);
  const toolArgs = ["push", ref, ...pushToolArgs({ ...options, insecure }, json)];
  const r = await runTool(result, toolArgs, { cwd: ctx.cwd, env: ctx.env, inheritStderr: true, stderr: ctx.stderr });
  ctx.stdout.write(r.stdout);
  if (r.status !== 0 && json && r.stdout.trim() === "") {
    // An image tool that printed no JSON for its error: report what it said, as JSON.
    const errors = r.stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "");
    ctx.stdout.write(canonicalJson({ errors: errors.length > 0 ? errors : [`push failed (exit code ${r.status})`], ok: false }));
  }
  // The image tool already said what went wrong; keep its usage/internal codes.
  return r.status === 0 || r.status === 2 || r.status === 70 ? r.status : 1;
}
