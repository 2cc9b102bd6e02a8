/** Where a command writes and which environment it runs tools with; tests pass their own. */
export interface Context {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processContext(): Context {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Progress and chatter go to stderr, and only when a person is watching. */
export function progress(ctx: Context, message: string): void {
  if (ctx.stderr.isTTY === true) ctx.stderr.write(`${message}\n`);
}
