// `cognix ARGS` as a separate process, for commands that run until a signal.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { repo } from "./helpers.ts";
import { NODE_FLAGS } from "../../testkit/node-flags.ts";

export interface Running {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves with the first stderr line matching `re` (rejects if the process ends first). */
  waitFor: (re: RegExp, timeoutMs: number) => Promise<RegExpExecArray>;
  /** Resolves with the exit code. */
  exit: Promise<number | null>;
}

export function startCognix(args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Running {
  const child = spawn(process.execPath, [...NODE_FLAGS, join(repo, "node_modules", "tsx", "dist", "cli.mjs"), join(repo, "ts", "cli.ts"), ...args], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  const waitFor = (re: RegExp, timeoutMs: number): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${re} within ${timeoutMs} ms:\n${err}`)), timeoutMs);
      const check = (): void => {
        const m = re.exec(err);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m);
        }
      };
      child.stderr?.on("data", check);
      void exit.then((code) => {
        clearTimeout(timer);
        reject(new Error(`cognix exited (${code}) before ${re}:\n${err}`));
      });
      check();
    });
  return { child, stderr: () => err, waitFor, exit };
}
