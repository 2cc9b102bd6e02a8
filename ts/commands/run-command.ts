import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError, formatProblem } from "../util/errors.ts";
import type { Context } from "./context.ts";

export const EXIT = { ok: 0, user: 1, usage: 2, internal: 70 } as const;

/**
 * Runs a command body and turns what it throws into an exit code: problems
 * the user can fix (CognixError) print one line each, anything else is an
 * internal error (70). With `--json` the errors are also reported on stdout.
 */
export async function runCommand(ctx: Context, argv: readonly string[], body: () => Promise<number>): Promise<number> {
  const json = argv.includes("--json");
  try {
    return await body();
  } catch (err) {
    if (err instanceof CognixError) {
      const lines = err.problems.map(formatProblem);
      for (const line of lines) ctx.stderr.write(`error: ${line}\n`);
      if (json) ctx.stdout.write(canonicalJson({ errors: lines, ok: false }));
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    ctx.stderr.write(`internal error: ${message}\n`);
    if (ctx.env["COGNIX_DEBUG"] === "1" && err instanceof Error && err.stack !== undefined) ctx.stderr.write(`${err.stack}\n`);
    if (json) ctx.stdout.write(canonicalJson({ errors: [`internal error: ${message}`], ok: false }));
    return EXIT.internal;
  }
}
