import { canonicalJson } from "../util/canonical-json.ts";
import { flag, parseCommandArgs, stringOption, usageError } from "./args.ts";
import { processContext, type Context } from "./context.ts";
import { runTool } from "./exec.ts";
import { requireResult } from "./result.ts";
import { runCommand } from "./run-command.ts";

export const PUSH_HELP = `Usage: cognix push REF [options]

Pushes a built image to a registry: \`RESULT push REF\`. Layers the registry
already has are not uploaded again. Credentials come from the usual docker
config (~/.docker/config.json, $DOCKER_CONFIG) or $REGISTRY_AUTH_FILE.

Options:
      --result R   the built image (default: ./result)
      --insecure   plain HTTP (a local registry)
      --json       print the pushed digest and layers as JSON on stdout
  -h, --help       show this help

Exit codes: 0 pushed, 1 error (no ./result, registry unreachable or refusing),
2 usage, 70 internal error.
`;

/** `cognix push REF`: the image tool's push, run through the built image. */
export async function pushCommand(argv: string[], ctx: Context = processContext()): Promise<number> {
  return runCommand(ctx, argv, async () => {
    const p = parseCommandArgs(argv, { result: { type: "string" }, insecure: { type: "boolean" }, json: { type: "boolean" } }, PUSH_HELP, 1);
    if (flag(p, "help")) {
      ctx.stdout.write(PUSH_HELP);
      return 0;
    }
    const ref = p.positionals[0];
    if (ref === undefined) throw usageError("missing REF (e.g. r8.im/you/model or localhost:5000/model:tag)", PUSH_HELP);
    const result = requireResult(ctx, stringOption(p, "result") ?? "result");
    const args = ["push", ref, ...(flag(p, "insecure") ? ["--insecure"] : []), ...(flag(p, "json") ? ["--json"] : [])];
    const r = await runTool(result, args, { cwd: ctx.cwd, env: ctx.env, inheritStderr: true, stderr: ctx.stderr });
    ctx.stdout.write(r.stdout);
    if (r.status !== 0 && flag(p, "json") && r.stdout.trim() === "") {
      // An image tool that printed no JSON for its error: report what it said, as JSON.
      const errors = r.stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "");
      ctx.stdout.write(canonicalJson({ errors: errors.length > 0 ? errors : [`push failed (exit code ${r.status})`], ok: false }));
    }
    // The image tool already said what went wrong; keep its usage/internal codes.
    return r.status === 0 || r.status === 2 || r.status === 70 ? r.status : 1;
  });
}
