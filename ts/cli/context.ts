import type { Readable, Writable } from "node:stream";

/** A stream a command writes to; a terminal is told apart by `isTTY`. */
export type OutStream = Writable & { isTTY?: boolean; columns?: number };

/** Where a command reads and writes and which environment it runs tools with; tests pass their own. */
export interface Context {
  stdout: OutStream;
  stderr: OutStream;
  /** Absent: nothing to read (a prompt or `@-` is then a user error). */
  stdin?: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processContext(): Context {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Opened only by the commands that read it (login, run --json @-).
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Progress and chatter go to stderr, and only when a person is watching. */
export function progress(ctx: Context, message: string): void {
  if (ctx.stderr.isTTY === true) ctx.stderr.write(`${message}\n`);
}
