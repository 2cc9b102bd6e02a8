import { isAbsolute, join } from "node:path";
import { generate, type Generated } from "./generate.ts";
import { CognixError } from "../util/errors.ts";

/** `generate(dir)`, with the files its problems name shown as `shown/<file>` (relative to where the user is). */
export function generateIn(dir: string, shown: string): Generated {
  try {
    return generate(dir);
  } catch (err) {
    if (!(err instanceof CognixError)) throw err;
    throw new CognixError(
      err.problems.map((q) => (q.file === undefined || shown === "." || isAbsolute(q.file) ? q : { ...q, file: join(shown, q.file) })),
      err.exitCode,
    );
  }
}
