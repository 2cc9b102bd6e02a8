import { CognixError, type Problem } from "../util/errors.ts";

/** A command line that cannot be run as written: exit code 2, and the usage is shown with it. */
export class UsageError extends CognixError {
  constructor(problem: string | Problem) {
    super(typeof problem === "string" ? { message: problem } : problem, 2);
    this.name = "UsageError";
  }
}
