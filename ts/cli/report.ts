import { canonicalJson } from "../util/canonical-json.ts";
import { CognixError, formatProblem } from "../util/errors.ts";
import type { Context } from "./context.ts";

export const EXIT = { ok: 0, user: 1, usage: 2, internal: 70 } as const;

export interface ReportOptions {
  /** Also print `{errors, ok: false, problems}` on stdout. */
  json: boolean;
  /** Shown after a usage error: the usage line and where to read more. */
  usage?: string;
}

/** A write that fails because the reader went away (`| head`): nothing left to tell anyone. */
function isClosedPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === "EPIPE";
}

/**
 * The one error printer. Problems the user can fix (CognixError) print one
 * located line each and exit with the error's code (2 for usage, with the
 * usage after them); anything else is an internal error: one line, exit 70,
 * the stack only with COGNIX_DEBUG=1. With `json`, the same lines are also a
 * JSON document on stdout.
 */
export function reportError(err: unknown, ctx: Context, opts: ReportOptions): number {
  if (isClosedPipe(err)) return EXIT.user;
  if (err instanceof CognixError) {
    const lines = err.problems.map(formatProblem);
    ctx.stderr.write(lines.map((l) => `error: ${l}\n`).join(""));
    if (err.exitCode === EXIT.usage && opts.usage !== undefined) ctx.stderr.write(`\n${opts.usage}`);
    if (opts.json) {
      const problems = err.problems.map((p, i) => ({ ...p, text: lines[i] }));
      ctx.stdout.write(canonicalJson({ errors: lines, ok: false, problems }));
    }
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  ctx.stderr.write(`internal error: ${message}\n`);
  if (ctx.env["COGNIX_DEBUG"] === "1" && err instanceof Error && err.stack !== undefined) ctx.stderr.write(`${err.stack}\n`);
  if (opts.json) ctx.stdout.write(canonicalJson({ errors: [`internal error: ${message}`], ok: false }));
  return EXIT.internal;
}
