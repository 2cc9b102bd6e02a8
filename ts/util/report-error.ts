import { CognixError, formatProblem } from "./errors.ts";
import { canonicalJson } from "./canonical-json.ts";

/** Prints an error the way every cognix command does and returns its exit code. */
export function reportError(err: unknown, json: boolean, command: string): number {
  const problems =
    err instanceof CognixError ? err.problems.map(formatProblem) : [`${command}: ${(err as Error).message ?? String(err)}`];
  if (json) process.stdout.write(canonicalJson({ ok: false, errors: problems }));
  for (const p of problems) process.stderr.write(`error: ${p}\n`);
  return err instanceof CognixError ? err.exitCode : 1;
}
