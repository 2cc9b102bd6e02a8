import { spawn, type StdioOptions } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/** The absolute path of `name` on the context's PATH, or null. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv): string | null {
  const candidates = isAbsolute(name) || name.includes("/") ? [name] : (env["PATH"] ?? "").split(delimiter).filter((d) => d !== "").map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not here; try the next directory
    }
  }
  return null;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Pass stderr through (e.g. nix progress on a TTY) instead of capturing it. */
  inheritStderr?: boolean;
  /** Where the child's stderr goes when inherited. */
  stderr?: NodeJS.WritableStream;
}

/** Runs a tool to completion; stdout is captured, stderr captured (and passed on when inherited). */
export function runTool(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const stdio: StdioOptions = ["ignore", "pipe", "pipe"];
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => {
      if (opts.inheritStderr === true && opts.stderr !== undefined) opts.stderr.write(b);
      err.push(b);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve({
        status: code ?? (signal !== null ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}
