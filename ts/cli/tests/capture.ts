import { Readable, Writable } from "node:stream";
import type { Context, OutStream } from "../context.ts";

export interface Captured {
  ctx: Context;
  out: () => string;
  err: () => string;
}

/**
 * A context writing into strings. `env` replaces the process environment
 * (PATH included); `stdin`, when given, is what the command reads.
 */
export function capture(cwd: string, opts: { env?: NodeJS.ProcessEnv; tty?: boolean; stdin?: string } = {}): Captured {
  let out = "";
  let err = "";
  const sink = (append: (s: string) => void): OutStream => {
    const w: OutStream = new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
    w.isTTY = opts.tty === true;
    return w;
  };
  const ctx: Context = { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env: opts.env ?? process.env, cwd };
  if (opts.stdin !== undefined) ctx.stdin = Readable.from([Buffer.from(opts.stdin)]);
  return { ctx, out: () => out, err: () => err };
}
